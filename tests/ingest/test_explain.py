"""``explain_file``: what the reader understood of one file, on real shared reports and a built one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from ingest.explain import (
    ISSUE_NO_COLUMNS,
    ISSUE_NO_LABEL,
    ISSUE_UNPARSED_NUMBER,
    ISSUE_UNTITLED,
    ISSUE_WARNING,
    SOURCE_TITLE,
    ExtractionReport,
    explain_file,
    explain_parsed,
)
from ingest.model import Cell, Location, ParsedReport, Report, Row, Table, TextBlock

PUTUO = "putuo_planning_2024_dept_final.pdf"


@pytest.fixture(scope="module")
def putuo(pdf_reports: dict[str, Path]) -> ExtractionReport:
    return explain_file(pdf_reports[PUTUO])


@pytest.fixture(scope="module")
def linxia(text_reports: dict[str, Path]) -> ExtractionReport:
    return explain_file(text_reports["003_009896d8ed9def9b.txt"])


@pytest.mark.shared
def test_pdf_metadata_and_where_it_came_from(putuo: ExtractionReport) -> None:
    meta = {m.name: m for m in putuo.metadata}
    assert meta["unit"].value == "上海市普陀区规划和自然资源局"
    assert meta["year"].value == "2024"
    assert meta["kind"].value == "决算" and meta["scope"].value == "部门"
    assert all(m.source == SOURCE_TITLE for m in meta.values())  # the cover names all four
    assert putuo.report.page_count == 30


@pytest.mark.shared
def test_pdf_empty_fund_table_with_its_note(putuo: ExtractionReport) -> None:
    gov_fund = putuo.table("gov_fund")
    assert gov_fund is not None
    assert gov_fund.empty and gov_fund.figures == 0 and gov_fund.group == "standard"
    assert "本表无数据" in gov_fund.note
    assert gov_fund.pages == (18, 18) and gov_fund.span == "p. 18"
    soe = putuo.table("soe_capital")
    assert soe is not None and soe.empty and soe.pages == (19, 19)


@pytest.mark.shared
def test_pdf_tables_page_spans_and_checks(putuo: ExtractionReport) -> None:
    spans = {t.kind: t.pages for t in putuo.tables if t.group == "standard"}
    assert spans["summary"] == (7, 7)
    assert spans["income"] == (8, 9)
    assert spans["expenditure"] == (10, 11)
    assert spans["gpb_expenditure"] == (14, 15)
    assert spans["three_public"] == (17, 17)
    assert putuo.standard_missing == ()
    income = putuo.table("income")
    assert income is not None and not income.empty and income.unit == "万元"
    assert income.value_columns[0] == "本年收入合计" and len(income.value_columns) == 7
    assert income.checks_pass > 0 and income.checks_fail == 0
    assert putuo.checks_pass == sum(t.checks_pass for t in putuo.tables)
    assert putuo.figures > 300


@pytest.mark.shared
def test_pdf_pages_without_tables_or_narrative(putuo: ExtractionReport) -> None:
    assert 1 in putuo.pages_without_content  # the cover
    assert putuo.blank_pages == ()  # every page has text
    assert putuo.blocks > 0 and putuo.sections[0].section.startswith("第一部分")
    assert putuo.sections[0].first == 4


@pytest.mark.shared
def test_text_report_lines_and_empty_tables(linxia: ExtractionReport) -> None:
    assert linxia.report.unit_name == "临夏市人民政府办公室" and linxia.report.fiscal_year == 2023
    gov_fund = linxia.table("gov_fund")
    assert gov_fund is not None and gov_fund.empty and "本表无数据" in gov_fund.note
    assert gov_fund.pages is None and gov_fund.lines == (480, 494) and gov_fund.span == "lines 480-494"
    assert gov_fund.printed_number == "附件7"
    assert linxia.standard_missing == ()
    assert linxia.pages_without_content == () and linxia.blank_pages == ()  # text files have no pages
    extra = [t for t in linxia.tables if t.group == "extra"]
    assert extra and all(t.kind == "performance_eval" for t in extra)


@pytest.mark.shared
def test_a_zero_total_under_no_data_is_empty(text_reports: dict[str, Path]) -> None:
    explained = explain_file(text_reports["002_8f719b23cddbd7a6.txt"])
    gov_fund = explained.table("gov_fund")
    assert gov_fund is not None
    assert gov_fund.figures == 6 and gov_fund.empty  # a 合计 row of 0.00 and 故本表无数据
    assert "本表无数据" in gov_fund.note


@pytest.mark.shared
def test_no_standard_tables_expected_of_a_performance_report(text_reports: dict[str, Path]) -> None:
    explained = explain_file(text_reports["004_42d2408e0d9055cd.txt"])
    assert explained.report.kind == "绩效自评"
    assert explained.standard_expected == () and explained.standard_missing == ()
    json.dumps(explained.as_dict(), ensure_ascii=False)  # JSON-ready as is


# a built report: what was not understood ---------------------------------------------------------


@dataclass(frozen=True)
class _WithTextFacts(ParsedReport):
    """A parsed report with narrative figures, whether or not ParsedReport has the field yet."""

    text_facts: tuple[object, ...] = ()


def _cell(column: str, text: str, page: int) -> Cell:
    from ingest.numbers import parse_number

    return Cell((column,), text, parse_number(text), "万元", Location(page=page))


def _built() -> ParsedReport:
    report = Report("0" * 16, "x.pdf", "某某局2024年度部门预算", "某某局", (), "", 2024, "预算", "部门", 5, None, "pdf")
    main = Table(0, "income", "", "收入预算表", "万元", (("合计",),), (
        Row("", "合计", (_cell("合计", "1.234.56", 2),), Location(page=2)),
        Row("", "", (_cell("合计", "12.00", 2),), Location(page=2)),
        Row("201", "一般公共服务支出", (_cell("合计", "12.00", 2),), Location(page=2)),
    ), pages=(2, 2))
    untitled = Table(1, "other", "", "", "", (), (), pages=(3, 3))
    block = TextBlock(("第一部分",), "职能", Location(page=1))
    facts = (SimpleNamespace(measure="人数"), SimpleNamespace(measure="人数"), SimpleNamespace(measure="金额"))
    return _WithTextFacts(report=report, blocks=(block,), tables=(main, untitled), checks=(),
                          warnings=("未识别出年度 / fiscal year not found",), text_facts=facts)


def test_what_was_not_understood() -> None:
    explained = explain_parsed("x.pdf", _built(), text_pages={1, 2, 3, 4})
    kinds = [i.kind for i in explained.issues]
    assert kinds.count(ISSUE_WARNING) == 1
    assert kinds.count(ISSUE_UNTITLED) == 1 and kinds.count(ISSUE_NO_COLUMNS) == 1
    unparsed = [i for i in explained.issues if i.kind == ISSUE_UNPARSED_NUMBER]
    assert len(unparsed) == 1 and "1.234.56" in unparsed[0].detail and unparsed[0].where == "第2页"
    assert [i.table_seq for i in explained.issues if i.kind == ISSUE_NO_LABEL] == [0]
    assert explained.pages_without_content == (4, 5)
    assert explained.blank_pages == (5,)
    assert explained.text_facts == (("人数", 2), ("金额", 1))
    assert explained.standard_missing == tuple(k for k in explained.standard_expected if k != "income")
    income = explained.table("income")
    assert income is not None and income.figures == 2 and not income.empty
    assert explained.as_dict()["text_facts"] == {"人数": 2, "金额": 1}


def test_without_text_facts_or_page_text() -> None:
    built = _built()
    plain = ParsedReport(report=built.report, blocks=built.blocks, tables=built.tables, checks=built.checks)
    explained = explain_parsed("x.pdf", plain)
    assert explained.text_facts == ()
    assert explained.blank_pages == ()  # unknown without the page text
    assert explained.tables[1].empty and explained.tables[1].figures == 0
