"""The sample report generator: deterministic PDFs whose tables, text and truth agree.

Everything is checked against the PDF as pdfplumber reads it (tables via ``find_tables``,
text via ``extract_text``) and against the accounting identities of a 决算 report, computed
here from the truth's facts rather than trusted from the generator.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path

import pdfplumber
import pytest

from ingest.catalog import STANDARD_KEYS, classify_title
from ingest.numbers import convert, join_code_parts, parse_number
from ingest.samples import SampleReport, TableFact, generate_sample_reports, load_truth

QINGSHAN = "青山市人民政府办公室"
LVSHUI = "绿水县财政局"
FOOTER = re.compile(r"^- \d+ -$")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SampleReport]:
    return {r.unit_name: r for r in generate_sample_reports(tmp_path_factory.mktemp("samples"))}


@pytest.fixture(scope="module", params=[QINGSHAN, LVSHUI])
def report(request: pytest.FixtureRequest, reports: dict[str, SampleReport]) -> SampleReport:
    return reports[request.param]


@cache
def _pages(path: Path) -> tuple[tuple[str, tuple[tuple[tuple[str, ...], ...], ...]], ...]:
    """Per page: (text, tables as rows of cell texts with newlines and None folded to "")."""
    with pdfplumber.open(path) as pdf:
        return tuple(
            (
                page.extract_text(),
                tuple(
                    tuple(tuple((c or "").replace("\n", "") for c in row) for row in table.extract())
                    for table in page.find_tables()
                ),
            )
            for page in pdf.pages
        )


def page_text(report: SampleReport, page: int) -> str:
    return _pages(report.path)[page - 1][0]


def page_rows(report: SampleReport, page: int) -> list[tuple[str, ...]]:
    return [row for table in _pages(report.path)[page - 1][1] for row in table]


def body_text(report: SampleReport) -> str:
    """All text in reading order, page footers dropped, whitespace removed (lines re-joined)."""
    lines = [
        line
        for text, _ in _pages(report.path)
        for line in text.splitlines()
        if not FOOTER.match(line.strip())
    ]
    return re.sub(r"\s", "", "".join(lines))


def amount(value: Decimal) -> str:
    return f"{value:,.2f}"


def facts_of(report: SampleReport, key: str) -> list[TableFact]:
    return [f for f in report.facts if f.table == key]


# --- generation --------------------------------------------------------------------------------


def test_generation_is_deterministic_and_fast(tmp_path: Path) -> None:
    start = time.perf_counter()
    first = generate_sample_reports(tmp_path / "a")
    elapsed = time.perf_counter() - start
    second = generate_sample_reports(tmp_path / "b")
    assert len(first) >= 2
    assert elapsed < 2.0
    for a, b in zip(first, second, strict=True):
        assert a.path.read_bytes() == b.path.read_bytes()
        assert a.truth_path.read_bytes() == b.truth_path.read_bytes()
        assert a.path.read_bytes().startswith(b"%PDF")


def test_report_metadata(reports: dict[str, SampleReport]) -> None:
    qingshan, lvshui = reports[QINGSHAN], reports[LVSHUI]
    assert (qingshan.year, qingshan.scope, qingshan.amount_unit) == (2024, "部门", "万元")
    assert (lvshui.year, lvshui.scope, lvshui.amount_unit) == (2023, "单位", "元")
    assert (qingshan.region, lvshui.region) == ("青山市", "绿水县")
    for r in reports.values():
        assert r.kind == "决算"
        assert r.short_names and r.unit_name not in r.short_names
        assert r.path.exists() and r.truth_path.exists() and r.truth_path.parent == r.path.parent


def test_truth_json_round_trips(report: SampleReport) -> None:
    assert load_truth(report.truth_path) == report


def test_cover_and_parts_are_in_the_text_layer(report: SampleReport) -> None:
    assert len(_pages(report.path)) == report.page_count
    cover = re.sub(r"\s", "", page_text(report, 1))
    assert report.unit_name in cover and f"{report.year}年度{report.scope}决算" in cover
    text = body_text(report)
    for part in ("第一部分", "第二部分", "第三部分", "第四部分名词解释", "主要职能", "机构设置"):
        assert part in text


def test_narrative_sentences_are_in_the_text_layer(report: SampleReport) -> None:
    text = body_text(report)
    assert len(report.narrative) > 40
    for sentence, value, unit in report.narrative:
        assert re.sub(r"\s", "", sentence) in text
        assert unit in sentence and (str(value) in sentence or f"{value:,}" in sentence)
    assert "收入、支出总计均为" in text and "辆" in text and "政府采购" in text and "机关运行经费" in text


# --- tables as pdfplumber sees them -------------------------------------------------------------


def test_nine_standard_tables_in_order(report: SampleReport) -> None:
    assert sorted(t.key for t in report.tables) == sorted(STANDARD_KEYS)
    assert [t.number for t in report.tables] == [f"公开{n:02d}表" for n in range(1, 10)]
    for table in report.tables:
        assert classify_title(table.title) == table.key
        first = re.sub(r"\s", "", page_text(report, table.pages[0]))
        assert table.title in first and table.number in first
        assert re.search(rf"单位：{table.unit}", first) and table.unit == report.amount_unit
        assert _pages(report.path)[table.pages[0] - 1][1], f"no ruled table found on page {table.pages[0]}"


def _find_row(rows: list[tuple[str, ...]], code: str, label: str, split: bool) -> tuple[str, ...] | None:
    """The extracted row holding ``code`` (or, without a code, ``label``: a body row with amounts first)."""
    for row in rows:
        if code and split and join_code_parts(list(row[:3])) == code:
            return row
        if code and not split and code in row:
            return row
    labelled = [row for row in rows if not code and label in row]
    with_amounts = [row for row in labelled if any(re.match(r"^[\d,]+\.\d\d$", c) for c in row)]
    return (with_amounts or labelled or [None])[-1 if not with_amounts else 0]


def test_every_printed_row_is_on_its_page_with_its_values(report: SampleReport) -> None:
    by_row: dict[tuple[str, str, str], list[TableFact]] = defaultdict(list)
    for fact in report.facts:
        by_row[(fact.table, fact.code, fact.label)].append(fact)
    checked: set[TableFact] = set()
    for table in report.tables:
        for code, label, page in table.rows:
            if not (code or label):
                continue
            row = _find_row(page_rows(report, page), code, label, table.split_codes)
            assert row is not None, f"{table.number} row {code} {label} not on page {page}"
            assert label in row
            for fact in by_row[(table.key, code, label)]:
                assert amount(fact.value) in row, (table.number, code, label, fact.column)
                checked.add(fact)
    assert checked == {f for f in report.facts if f.code or f.label}


def test_known_item_row(reports: dict[str, SampleReport]) -> None:
    qingshan = reports[QINGSHAN]
    income = qingshan.table("income")
    row = _find_row(page_rows(qingshan, income.pages[0]), "2010350", "事业运行", split=False)
    assert row == ("2010350", "事业运行", "427.60", "401.20", "", "", "", "", "26.40")
    gpb = qingshan.table("gpb_expenditure")
    row = _find_row(page_rows(qingshan, gpb.pages[0]), "2010301", "行政运行", split=True)
    assert row == ("201", "03", "01", "行政运行", "1,620.00", "1,579.01", "1,579.01", "0.00")


def test_split_code_columns(report: SampleReport) -> None:
    split = [t for t in report.tables if t.split_codes]
    coded = ("income", "expenditure", "gpb_expenditure")
    whole = [t for t in report.tables if not t.split_codes and t.key in coded]
    assert split and whole
    for table in split:
        rows = page_rows(report, table.pages[0])
        assert any(row[:3] == ("类", "款", "项") for row in rows)
        klass, kuan = next(c for c, _, _ in table.rows if len(c) == 7)[:3], None
        assert any(row[:3] == (klass, "", "") for row in rows)  # a 类 row fills only its first part
        kuan = next(c for c, _, _ in table.rows if len(c) == 5)
        assert any(row[:3] == (kuan[:3], kuan[3:], "") for row in rows)
    for table in whole:
        codes = {c for c, _, _ in table.rows if len(c) == 7}
        rows = page_rows(report, table.pages[0]) + page_rows(report, table.pages[1])
        assert codes <= {row[0] for row in rows}


def test_page_spanning_tables(reports: dict[str, SampleReport]) -> None:
    # 青山: 公开05表 continues on the next page without its header
    gpb = reports[QINGSHAN].table("gpb_expenditure")
    assert gpb.pages[1] == gpb.pages[0] + 1 and not gpb.header_repeated
    continued = page_rows(reports[QINGSHAN], gpb.pages[1])
    assert continued[0][0].isdigit() and "功能分类科目编码" not in page_text(reports[QINGSHAN], gpb.pages[1])
    assert [r for r in gpb.rows if r.page == gpb.pages[1]][-1].label == "合计"
    # 绿水: 公开03表 continues with the header printed again
    exp = reports[LVSHUI].table("expenditure")
    assert exp.pages[1] == exp.pages[0] + 1 and exp.header_repeated
    continued = page_rows(reports[LVSHUI], exp.pages[1])
    assert continued[0][0] == "项目" and any(row[:3] == ("类", "款", "项") for row in continued)
    assert len([r for r in exp.rows if r.page == exp.pages[1]]) >= 2


def test_merged_multi_level_headers(reports: dict[str, SampleReport]) -> None:
    qingshan = reports[QINGSHAN]
    header = page_rows(qingshan, qingshan.table("expenditure").pages[0])[0]
    assert header[:2] == ("项目", "") and header[2] == "本年支出"  # 本年支出 spans 合计…
    assert ("本年支出", "基本支出") in {f.column for f in facts_of(qingshan, "expenditure")}
    three = page_rows(qingshan, qingshan.table("three_public").pages[0])
    assert three[0][0] == "财政拨款“三公”经费" and set(three[0][1:]) == {""}
    assert three[-1] == ("46.00", "36.78", "5.00", "0.00", "36.00", "33.32", "20.00", "18.60", "16.00",
                         "14.72", "5.00", "3.46")


def test_basic_table_has_side_by_side_groups(report: SampleReport) -> None:
    table = report.table("gpb_basic")
    rows = page_rows(report, table.pages[0])
    assert rows[0][0] == "人员经费" and "公用经费" in rows[0]
    groups = {f.column[0] for f in facts_of(report, "gpb_basic")}
    assert groups == {"人员经费", "公用经费"}
    assert rows[-1][0] == "人员经费合计" and "公用经费合计" in rows[-1]


def test_empty_fund_tables_have_a_note(report: SampleReport) -> None:
    for key in ("gov_fund", "soe_capital"):
        table = report.table(key)
        assert not facts_of(report, key)
        assert table.note.startswith("本单位无") and table.note.endswith("故本表无数据。")
        assert table.note in re.sub(r"\s", "", page_text(report, table.pages[0]))


# --- accounting identities ---------------------------------------------------------------------


def _value(facts: list[TableFact], row: str, *tail: str) -> Decimal:
    """The figure on the row with this code/label in the column ending with ``tail`` (blank = 0)."""
    found = [f.value for f in facts if row in (f.code, f.label) and f.column[-len(tail):] == tail]
    assert len(found) <= 1, (row, tail, found)
    return found[0] if found else Decimal(0)


def _columns(facts: list[TableFact]) -> Iterator[tuple[str, ...]]:
    return iter(sorted({f.column for f in facts}))


def test_code_hierarchy_sums(report: SampleReport) -> None:
    for key in ("income", "expenditure", "gpb_expenditure"):
        facts = facts_of(report, key)
        codes = sorted({f.code for f in facts if f.code})
        for column in _columns(facts):
            value = {f.code: f.value for f in facts if f.column == column and f.code}
            for parent in codes:
                children = [c for c in codes if c.startswith(parent) and len(c) == len(parent) + 2]
                if children:
                    parts = sum(value.get(c, 0) for c in children)
                    assert value.get(parent, 0) == parts, (key, parent, column)
            total = _value(facts, "合计", *column)
            assert total == sum(value.get(c, 0) for c in codes if len(c) == 3), (key, column)


def test_row_identities(report: SampleReport) -> None:
    exp, gpb, inc = (facts_of(report, k) for k in ("expenditure", "gpb_expenditure", "income"))
    for row in {f.code or f.label for f in exp}:
        parts = ("基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出")
        assert _value(exp, row, "合计") == sum(_value(exp, row, p) for p in parts)
    for row in {f.code or f.label for f in gpb}:
        assert _value(gpb, row, "合计") == _value(gpb, row, "基本支出") + _value(gpb, row, "项目支出")
    for row in {f.code or f.label for f in inc}:
        sources = ("财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入")
        assert _value(inc, row, "本年收入合计") == sum(_value(inc, row, s) for s in sources)


def test_summary_tables_balance(report: SampleReport) -> None:
    numbered = re.compile(r"^[一二三四五六七八九十]+、")
    for key, carry, spent in (("summary", "结转和结余", ("支出", "决算数")),
                              ("fiscal_summary", "财政拨款结转和结余", ("支出", "合计"))):
        facts = facts_of(report, key)
        income_rows = [f.value for f in facts if f.column == ("收入", "决算数") and numbered.match(f.label)]
        class_rows = [f.value for f in facts if f.column == spent and numbered.match(f.label)]
        this_income = _value(facts, "本年收入合计", "收入", "决算数")
        this_spending = _value(facts, "本年支出合计", *spent)
        assert this_income == sum(income_rows) and this_spending == sum(class_rows)
        total_in = _value(facts, "总计", "收入", "决算数")
        total_out = _value(facts, "总计", *spent)
        assert total_in == this_income + _value(facts, f"年初{carry}", "收入", "决算数")
        assert total_out == this_spending + _value(facts, f"年末{carry}", *spent)
        assert total_in == total_out  # 收入总计 = 支出总计
    fiscal = facts_of(report, "fiscal_summary")
    funds = ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")
    for row in {f.label for f in fiscal if f.column[0] == "支出"}:
        assert _value(fiscal, row, "支出", "合计") == sum(_value(fiscal, row, "支出", fund) for fund in funds)


def test_basic_expenditure_is_personnel_plus_public(report: SampleReport) -> None:
    basic = facts_of(report, "gpb_basic")
    codes = {f.code: f.value for f in basic if f.code}
    for klass in (c for c in codes if len(c) == 3):
        assert codes[klass] == sum(v for c, v in codes.items() if len(c) == 5 and c.startswith(klass))
    personnel = _value(basic, "人员经费合计", "决算数")
    public = _value(basic, "公用经费合计", "决算数")
    assert personnel == codes["301"] + codes["303"]
    assert public == sum(v for c, v in codes.items() if c in ("302", "307", "310", "399"))
    assert personnel + public == _value(facts_of(report, "gpb_expenditure"), "合计", "基本支出")


def test_three_public_parts_add_up(report: SampleReport) -> None:
    facts = facts_of(report, "three_public")
    names = {"其中：公务用车购置费": "公务用车购置费", "公务用车购置及运行维护费": "小计"}
    for which in ("预算数", "决算数"):
        value: dict[str, Decimal] = defaultdict(Decimal)
        for f in facts:
            if f.column[-1] == which:
                value[names.get(f.label, f.label) if f.label else f.column[-2]] = f.value
        assert value["小计"] == value["公务用车购置费"] + value["公务用车运行维护费"]
        assert value["合计"] == value["因公出国（境）费"] + value["小计"] + value["公务接待费"]
        assert value["合计"] > 0


def test_tables_agree_with_each_other(report: SampleReport) -> None:
    summary, fiscal = facts_of(report, "summary"), facts_of(report, "fiscal_summary")
    exp, gpb, inc = (facts_of(report, k) for k in ("expenditure", "gpb_expenditure", "income"))

    def strip(label: str) -> str:
        return re.sub(r"^[一二三四五六七八九十]+、", "", label)

    def class_rows(facts: list[TableFact], column: tuple[str, ...]) -> dict[str, Decimal]:
        return {strip(f.label): f.value for f in facts if f.column == column and strip(f.label) != f.label}

    def class_totals(facts: list[TableFact]) -> dict[str, Decimal]:
        return {f.label: f.value for f in facts if len(f.code) == 3 and f.column[-1] == "合计"}

    assert class_rows(summary, ("支出", "决算数")) == class_totals(exp)
    assert class_rows(fiscal, ("支出", "合计")) == class_totals(gpb)
    assert _value(summary, "本年收入合计", "收入", "决算数") == _value(inc, "合计", "本年收入合计")
    assert _value(summary, "本年支出合计", "支出", "决算数") == _value(exp, "合计", "本年支出", "合计")
    assert _value(fiscal, "本年收入合计", "收入", "决算数") == _value(inc, "合计", "财政拨款收入") \
        == _value(gpb, "合计", "合计")


def test_narrative_restates_tables_except_the_planted_figure(reports: dict[str, SampleReport]) -> None:
    for r in reports.values():
        assert len(r.links) >= 15
        for sentence, value, unit, fact in r.links:
            assert fact in r.facts
            assert value == convert(fact.value, r.amount_unit, unit), sentence
    assert not reports[LVSHUI].planted
    (planted,) = reports[QINGSHAN].planted
    assert planted.fact in reports[QINGSHAN].facts
    assert planted.value - planted.fact.value == Decimal("0.01")
    assert planted.unit == reports[QINGSHAN].amount_unit
    assert (planted.sentence, planted.value, planted.unit) in reports[QINGSHAN].narrative
    assert f"{planted.value}万元" in planted.sentence and "0.01" in planted.description
    # the figure the text states appears nowhere in the tables: a reader must report a difference
    assert planted.value not in {f.value for f in reports[QINGSHAN].facts}


def test_mixed_units_in_lvshui(reports: dict[str, SampleReport]) -> None:
    lvshui = reports[LVSHUI]
    units = {unit for _, _, unit in lvshui.narrative}
    assert {"元", "万元", "%", "辆"} <= units
    reception = next(link for link in lvshui.links if link.unit == "万元" and "公务接待费" in link.sentence
                     and link.fact.column[-1] == "决算数" and link.fact.label == "公务接待费")
    assert reception.value == Decimal("1.86") and reception.fact.value == Decimal("18600.00")
    assert parse_number(amount(reception.fact.value)) == reception.fact.value
