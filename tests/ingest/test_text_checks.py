"""Narrative vs tables on the real shared reports, and the storage/CLI of text facts.

The disagreements asserted here were confirmed by reading the reports:
- 江苏省人民检察院 2017 p.19: "基本支出预算数为 12323.46 万元" while 收支预算总表 prints
  一、基本支出 12,323.48 (and p.19 again "基本支出 12323.48 万元").
- the same report p.22: 机关运行经费 6032.55 万元, "比 2016 年增加 3401.59 万元，增长129.97 %":
  3401.59 ÷ (6032.55 − 3401.59) = 129.29 %.
- 上海市普陀区财政局 2025 p.7: 职业年金缴费支出（项）"887.36万元" vs the table's 873,617 元 (87.36 万元).
- 临夏市政府办 2023 (text 003): the narrative in 万元 truncates the tables' 元 (奖金 101.9 vs 1,019,508 元).
"""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.model import ParsedReport
from ingest.pipeline import standard_tables_found
from ingest.settings import Settings
from ingest.store import FactStore
from ingest.text_checks import TextCheck, check_text_against_tables, normalize_label
from ingest.text_facts import extract_text_facts
from tests.ingest.parsed import parsed_file
from ui.cli import cli

COURT = "jiangsu_high_court_2019_dept_budget.pdf"
NPC = "jiangsu_npc_office_2019_dept_budget.pdf"
NPC_TABLES = "jiangsu_npc_office_2019_dept_budget_tables.pdf"
PROCURATORATE = "jiangsu_procuratorate_2017_dept_budget.pdf"
FINANCE = "putuo_finance_2025_dept_budget.pdf"
LINXIA = "003_009896d8ed9def9b.txt"


@pytest.fixture(scope="module")
def parsed(pdf_reports: dict[str, Path], text_reports: dict[str, Path]) -> dict[str, ParsedReport]:
    paths = {**pdf_reports, **text_reports}
    return {
        name: parsed_file(paths[name]) for name in (COURT, NPC, NPC_TABLES, PROCURATORATE, FINANCE, LINXIA)
    }


@pytest.fixture(scope="module")
def checks(parsed: dict[str, ParsedReport]) -> dict[str, list[TextCheck]]:
    out = {}
    for name, p in parsed.items():
        if name == NPC_TABLES:
            continue
        tables = parsed[NPC_TABLES].tables if name == NPC else p.tables
        out[name] = check_text_against_tables(extract_text_facts(p.blocks, p.report.fiscal_year), tables)
    return out


def one(found: list[TextCheck], status: str, text_value: str, name_part: str) -> TextCheck:
    hits = [
        c for c in found if c.status == status and c.text_value == Decimal(text_value) and name_part in c.name
    ]
    assert hits, [(c.status, c.name, str(c.text_value)) for c in found]
    return hits[0]


def test_basic_expenditure_text_disagrees_with_table(checks: dict[str, list[TextCheck]]) -> None:
    check = one(checks[PROCURATORATE], "fail", "12323.46", "基本支出")
    assert check.table_value == Decimal("12323.48") and check.table_unit == "万元"
    assert check.text_page == 19 and check.table_seq is not None and "收支预算总表" in check.table_title
    assert "基本支出" in check.row
    assert "12323.46万元" in check.detail and "12323.48" in check.detail


def test_stated_growth_rate_disagrees_with_its_figures(checks: dict[str, list[TextCheck]]) -> None:
    check = one(checks[PROCURATORATE], "fail", "129.97", "机关运行经费")
    assert check.table_value.quantize(Decimal("0.01")) == Decimal("129.29")
    assert check.table_seq is None and check.text_page == 22
    assert "6032.55 − 3401.59 = 2630.96 万元" in check.detail


def test_text_typo_against_table_in_yuan(checks: dict[str, list[TextCheck]]) -> None:
    check = one(checks[FINANCE], "fail", "887.36", "职业年金")
    assert check.table_unit == "元" and check.table_raw == Decimal(873617)
    assert check.table_value == Decimal("87.3617")
    assert check.row.startswith("2080506")


def test_truncated_text_figures_are_rounding_not_errors(checks: dict[str, list[TextCheck]]) -> None:
    check = one(checks[LINXIA], "rounding", "101.9", "奖金")
    assert check.table_raw == Decimal(1019508) and check.table_unit == "元"
    assert check.table_value == Decimal("101.9508") and check.text_line is not None


def test_high_court_text_agrees_with_its_tables(checks: dict[str, list[TextCheck]]) -> None:
    found = checks[COURT]
    assert found and all(c.status == "pass" for c in found), [c.detail for c in found if c.status != "pass"]
    assert one(found, "pass", "1879.36", "住房公积金").row.startswith("2210201")
    assert one(found, "pass", "21968", "基本支出").table_value == Decimal("21968.00")
    assert one(found, "pass", "18.29", "基本支出").table_seq is None  # 3397.18 ÷ 18570.82


def test_narrative_checked_against_the_separate_tables_file(checks: dict[str, list[TextCheck]]) -> None:
    """NPC 2019: narrative and tables are two PDFs of one report; the text agrees with them."""
    found = checks[NPC]
    tabled = [c for c in found if c.table_seq is not None]
    assert tabled and all(c.status == "pass" for c in found), [c.detail for c in found if c.status != "pass"]


def test_three_public_figures_only_against_the_three_public_table(
    parsed: dict[str, ParsedReport], checks: dict[str, list[TextCheck]]
) -> None:
    """公务接待费 86.95 (三公, 基本+项目) must never be compared with 30217 公务接待费 41.95 (基本 only)."""
    kinds = {t.seq: t.kind for t in parsed[COURT].tables}
    for check in checks[COURT]:
        if "公务接待费" in check.name and check.table_seq is not None:
            assert kinds[check.table_seq] == "three_public"


def test_normalize_label() -> None:
    assert normalize_label("法院（款）行政运行（项）支出") == "行政运行"
    assert normalize_label("十八、住房保障支出") == normalize_label("住房保障（类）支出") == "住房保障"
    assert normalize_label("基本支出预算") == normalize_label("一、基本支出") == "基本"
    assert normalize_label("收入、支出预算总计") == "收支总计"


# ---- storage and CLI ------------------------------------------------------------------------


def test_store_and_cli_round_trip(tmp_path: Path, parsed: dict[str, ParsedReport]) -> None:
    base = parsed[PROCURATORATE]
    text_facts = tuple(extract_text_facts(base.blocks, base.report.fiscal_year))
    text_checks = tuple(check_text_against_tables(text_facts, base.tables))
    report = replace(base, text_facts=text_facts, text_checks=text_checks)
    settings = Settings.from_env({}, home=tmp_path)
    found, missing = standard_tables_found(report.tables)
    with FactStore(settings.db_path) as store:
        with store.transaction() as conn:
            store.write_report(conn, report, "x.pdf", found, missing)
        report_id = report.report.report_id
        assert store.text_facts(report_id) == list(text_facts)
        assert store.text_checks(report_id) == list(text_checks)

    runner = CliRunner()
    result = runner.invoke(cli, ["--home", str(tmp_path), "facts", report_id, "--text", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == len(text_facts)
    derived = [r for r in rows if r["derived"] and r["value"] == "16532.88"]
    assert (
        derived
        and derived[0]["formula"] == "17996.68 − 1463.80 = 16532.88 万元"
        and derived[0]["year"] == 2016
    )

    result = runner.invoke(cli, ["--home", str(tmp_path), "facts", report_id, "--text", "--csv"])
    assert result.exit_code == 0 and result.output.lstrip("\ufeff").startswith("label,measure,value,unit,year")

    result = runner.invoke(cli, ["--home", str(tmp_path), "checks", report_id])
    assert result.exit_code == 0, result.output
    assert "12323.46万元" in result.output and "12323.48" in result.output and "129.97%" in result.output

    with FactStore(settings.db_path) as store:
        with store.transaction() as conn:
            store.delete_report(conn, report_id)
        assert store.text_facts(report_id) == [] and store.text_checks(report_id) == []
