"""All nine shared reports: metadata, the standard tables, the template, and every
``table_lookup`` gold figure of dev.jsonl found as a fact on its row and column."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.catalog import STANDARD_KEYS
from ingest.model import Fact, ParsedReport, facts_of
from ingest.numbers import MONEY_UNITS, convert, is_blank_or_dash, parse_number
from ingest.pipeline import standard_tables_found
from tests.ingest.parsed import parsed_file

ALL_NINE = set(STANDARD_KEYS)

EXPECTED = {
    # file: (unit name starts with, year, kind, scope, standard tables expected)
    "000_16b76f591391e91c.txt": ("临沂市人民政府办公室本级", 2022, "决算", "单位", ALL_NINE),
    "001_5564e2671ee696e1.txt": ("临沂市罗庄区人民政府办公室本级", 2021, "决算", "单位", ALL_NINE),
    "002_8f719b23cddbd7a6.txt": ("济宁市兖州区人民政府办公室", 2023, "决算", "单位", ALL_NINE),
    "003_009896d8ed9def9b.txt": ("临夏市人民政府办公室", 2023, "决算", "部门", ALL_NINE),
    "004_42d2408e0d9055cd.txt": ("临沧市人民政府办公室", 2022, "绩效自评", "部门", set()),
    "putuo_justice_2026_dept_budget.pdf": ("上海市普陀区司法局", 2026, "预算", "部门", ALL_NINE),
    "putuo_justice_2026_unit_budget.pdf": ("上海市普陀区司法局", 2026, "预算", "单位", ALL_NINE),
    "putuo_planning_2024_dept_final.pdf": ("上海市普陀区规划和自然资源局", 2024, "决算", "部门", ALL_NINE),
    "mof_dept_final_template.pdf": ("上海市XX局", 2024, "决算", "部门", ALL_NINE),
}

def parsed(shared_dir: Path, name: str) -> ParsedReport:
    folder = "pdf" if name.endswith(".pdf") else "text"
    return parsed_file(shared_dir / "reports" / folder / name)


def all_facts(report: ParsedReport) -> list[Fact]:
    return [f for t in report.tables for f in facts_of(report.report.report_id, t)]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_and_standard_tables(shared_dir: Path, name: str) -> None:
    unit, year, kind, scope, standard = EXPECTED[name]
    report = parsed(shared_dir, name)
    r = report.report
    assert r.unit_name.startswith(unit), r.unit_name
    assert (r.fiscal_year, r.kind, r.scope) == (year, kind, scope)
    found, _missing = standard_tables_found(report.tables)
    assert standard <= set(found), f"missing {standard - set(found)}"
    for table in report.tables:
        if table.kind in ALL_NINE and name != "mof_dept_final_template.pdf":
            assert table.unit in MONEY_UNITS, (table.title, table.unit)


def test_template_yields_no_figures(shared_dir: Path) -> None:
    report = parsed(shared_dir, "mof_dept_final_template.pdf")
    assert len(report.tables) >= 9
    assert all_facts(report) == []


def test_table_units_match_the_reports(shared_dir: Path) -> None:
    units = {t.kind: t.unit for t in parsed(shared_dir, "003_009896d8ed9def9b.txt").tables}
    assert units["summary"] == "元" and units["three_public"] == "元"
    justice = {t.kind: t.unit for t in parsed(shared_dir, "putuo_justice_2026_dept_budget.pdf").tables}
    assert justice["summary"] == "元" and justice["three_public"] == "万元"
    planning = {t.kind: t.unit for t in parsed(shared_dir, "putuo_planning_2024_dept_final.pdf").tables if t.kind != "other"}
    assert set(planning.values()) == {"万元"}


def _gold_lookups(shared_dir: Path) -> list[dict[str, str]]:
    rows = [json.loads(line) for line in (shared_dir / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if r["kind"] == "table_lookup" and r["answer_type"] == "number"]


_CODE = re.compile(r"\b(\d{3}(?:\d{2}){0,2})\b")
_COLUMN_WORDS = ("基本支出", "项目支出", "本年收入合计", "预算数", "决算数", "公务用车购置费", "公务用车运行维护费",
                 "因公出国", "公务接待费", "自评得分", "指标分值", "年初预算数")  # fmt: skip


def _matches(fact: Fact, location: str, evidence: str) -> bool:
    parts = [p.strip() for p in location.split(" / ")]
    rest = " / ".join(parts[1:])
    row_part = " ".join(parts[1:2])
    codes = _CODE.findall(rest)
    if codes:
        if fact.row_code != codes[0]:
            return False
    else:
        label = re.sub(r"^[一二三四五六七八九十]+、", "", re.sub(r"（.*?）|\(.*?\)", "", row_part))
        label_ok = bool(label) and (label in fact.row_label or (fact.row_label and fact.row_label in label))
        evidence_ok = bool(fact.row_label) and (fact.row_label in evidence or fact.row_label in location)
        if not (label_ok or evidence_ok or not fact.row_label):
            return False
    wanted = [w for w in _COLUMN_WORDS if w in (rest or location)]
    return all(w in fact.column or w in fact.row_label for w in wanted)


def test_every_table_lookup_gold_is_a_fact_on_its_row_and_column(shared_dir: Path) -> None:
    missing = []
    for q in _gold_lookups(shared_dir):
        report = parsed(shared_dir, q["report"])
        gold = parse_number(q["answer"].split("；")[0])
        assert gold is not None
        candidates = []
        for fact in all_facts(report):
            value = fact.value
            if q["unit"] in MONEY_UNITS and fact.unit in MONEY_UNITS:
                value = convert(value, fact.unit, q["unit"])
            elif fact.unit and q["unit"] and fact.unit != q["unit"] and q["unit"] not in ("分",):
                continue
            if value == gold:
                candidates.append(fact)
        if not any(_matches(f, q["location"], q["evidence"]) for f in candidates):
            missing.append((q["id"], q["answer"], q["location"], [(f.row_code, f.row_label, f.column) for f in candidates][:4]))
    assert not missing, "\n".join(map(str, missing))


# Errors printed in the reports themselves (verified against the page text):
KNOWN_INCONSISTENCIES = {
    # 2040601 行政运行 prints 项目支出 64,840,547.00, the 款 20406's total, instead of 0.00 (pages 11 and 14)
    "putuo_justice_2026_unit_budget.pdf": ("2040601", "20406"),
}


def test_identity_checks_pass_except_known_report_inconsistencies(shared_dir: Path) -> None:
    failures = {}
    for name in EXPECTED:
        report = parsed(shared_dir, name)
        known = KNOWN_INCONSISTENCIES.get(name, ())
        failed = [c.detail for c in report.checks if c.status == "fail" and not c.detail.startswith(known or ("\0",))]
        if failed:
            failures[name] = failed
    assert failures == {}, json.dumps(failures, ensure_ascii=False, indent=1)


def test_zero_is_a_fact_only_where_printed(shared_dir: Path) -> None:
    facts = all_facts(parsed(shared_dir, "002_8f719b23cddbd7a6.txt"))
    zeros = [f for f in facts if f.value == Decimal(0)]
    assert zeros and all(is_blank_or_dash(f.text) or parse_number(f.text) == 0 for f in zeros)
    assert all(f.text.strip() for f in facts), "a blank cell became a figure"
