"""Hand-checked cells for each PDF producer among the shared reports (WPS, Word, Excel,
Acrobat Distiller): value, unit and page of figures found on their row and column, including
cells on continuation pages, and the empty tables of each producer.

Every figure was read from the page (text and rendered image), not from our reader.
"""

from __future__ import annotations

import pdfplumber
import pytest

from tests.ingest.expected_tables import (
    EXPECTED,
    PDF_DIR,
    SHARED,
    C,
    ExpectedCell,
    check_cell,
    parsed,
    table_values,
)

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not PDF_DIR.is_dir(), reason=f"shared reports not found at {SHARED}"),
]

JUSTICE = "putuo_justice_2026_dept_budget.pdf"  # WPS 表格, 元 (三公 万元); codes split 类|款|项
NPC_2017 = "jiangsu_npc_office_2017_dept_budget.pdf"  # WPS Office 专业版
PLANNING = "putuo_planning_2024_dept_final.pdf"  # Microsoft Word 2010
HIGH_COURT = "jiangsu_high_court_2019_dept_budget.pdf"  # Microsoft Office Word 2007
CPPCC_TABLES = "jiangsu_cppcc_office_2017_dept_budget_tables.pdf"  # Microsoft Excel 2010
NPC_2019_TABLES = "jiangsu_npc_office_2019_dept_budget_tables.pdf"  # Acrobat Distiller 7.0
PARTY_TABLES = "jiangsu_party_office_2019_dept_budget_tables.pdf"  # Acrobat Distiller 7.0

PRODUCERS: dict[str, tuple[str, ...]] = {
    "WPS": (JUSTICE, NPC_2017),
    "Word": (PLANNING, HIGH_COURT),
    "Excel": (CPPCC_TABLES,),
    "Acrobat Distiller": (NPC_2019_TABLES, PARTY_TABLES),
}

CELLS: dict[str, tuple[ExpectedCell, ...]] = {
    "WPS": (
        C(JUSTICE, "summary", "财政拨款收入", ("本年收入", "预算数"), "96282213.44", "元", 10),
        C(JUSTICE, "summary", "住房保障支出", ("本年支出", "预算数"), "4521559.00", "元", 10),
        C(JUSTICE, "income", "2040601", "财政拨款收入", "16726725.44", "元", 11),
        # p13 continues 支出预算总表 with neither title nor header
        C(JUSTICE, "expenditure", "2080506", "基本支出", "919739.00", "元", 13),
        C(JUSTICE, "expenditure", "合计", "项目支出", "70540547.00", "元", 13),
        C(JUSTICE, "fiscal_summary", "卫生健康支出", "一般公共预算", "1149678.00", "元", 14),
        # p16: header repeated, title not
        C(JUSTICE, "gpb_expenditure", "2210203", "合计", "2433600.00", "元", 16),
        C(JUSTICE, "gpb_basic", "30113", "人员经费", "2087959.00", "元", 19),
        C(JUSTICE, "gpb_basic", "30217", "公用经费", "8265.00", "元", 20),
        C(JUSTICE, "three_public", "", "公务接待费", "0.83", "万元", 21),
        C(JUSTICE, "three_public", "", "机关运行经费", "217.83", "万元", 21),
        C(NPC_2017, "summary", "基本支出", ("支出用途", "金额"), "7666.68", "万元", 7),
        # 收支预算总表 ends on p9 (its 收入合计 row), p7–9
        C(NPC_2017, "summary", "收入合计", "金额", "13649.07", "万元", 9),
        C(NPC_2017, "income", "公共财政拨款", "金额", "13649.07", "万元", 9),
        C(NPC_2017, "fiscal_expenditure", "2010104", "金额", "1305.25", "万元", 11),
        # title on p12, rows on p13–15 without header repetition
        C(NPC_2017, "fiscal_basic", "30211", "金额", "230.00", "万元", 13),
        C(NPC_2017, "fiscal_basic", "30312", "金额", "1018.01", "万元", 15),
        C(NPC_2017, "gpb_basic", "30239", "金额", "266.46", "万元", 18),
        C(NPC_2017, "office_operation", "30215", "机关运行经费支出", "1305.25", "万元", 19),
        C(NPC_2017, "three_public", "", "公务接待费", "427.50", "万元", 20),
        C(NPC_2017, "three_public", "", "培训费", "403.75", "万元", 20),
        C(NPC_2017, "procurement", "人代会五次", "总计", "950.00", "万元", 22),
    ),
    "Word": (
        C(PLANNING, "summary", "一般公共预算财政拨款收入", ("收入", "决算数"), "9746.50", "万元", 7),
        C(PLANNING, "summary", "自然资源海洋气象等支出", ("支出", "决算数"), "4461.67", "万元", 7),
        C(PLANNING, "summary", "年初结转和结余", "决算数", "112.88", "万元", 7),
        # continuation pages of 收入决算表 / 支出决算表 (no header)
        C(PLANNING, "income", "2200150", "财政拨款收入", "4416.67", "万元", 9),
        C(PLANNING, "expenditure", "2200150", "项目支出", "2077.09", "万元", 11),
        C(PLANNING, "fiscal_summary", "自然资源海洋气象等支出", "一般公共预算", "4461.67", "万元", 13),
        C(PLANNING, "gpb_expenditure", "2210203", "合计", "171.49", "万元", 15),
        C(PLANNING, "gpb_expenditure", "合计", "基本支出", "5364.75", "万元", 15),
        # 基本支出决算表: 人员经费 and 公用经费 column groups side by side
        C(PLANNING, "gpb_basic", "30217", "决算数", "0.39", "万元", 16),
        C(PLANNING, "gpb_basic", "公用经费合计", "决算数", "480.66", "万元", 16),
        C(PLANNING, "three_public", "", ("公务接待费", "预算数"), "2.85", "万元", 17),
        C(PLANNING, "three_public", "", ("合计", "决算数"), "0.39", "万元", 17),
        C(HIGH_COURT, "summary", "财政拨款", ("收入", "金额"), "37188.34", "万元", 8),
        C(HIGH_COURT, "summary", "单位预留机动经费", ("支出用途", "金额"), "5011.40", "万元", 8),
        C(HIGH_COURT, "fiscal_expenditure", "2080505", "金额", "1384.70", "万元", 10),
        C(HIGH_COURT, "gpb_basic", "30217", "基本支出", "41.95", "万元", 13),
        C(HIGH_COURT, "three_public", "", "公务用车运行维护费", "266.80", "万元", 14),
        C(HIGH_COURT, "office_operation", "合计", "机关运行经费支出", "3580.05", "万元", 15),
        C(HIGH_COURT, "procurement", "修缮工程", "总计", "530.00", "万元", 16),
        # p17 continues 政府采购支出预算表 with neither title nor header
        C(HIGH_COURT, "procurement", "机关后勤保障经费", "总计", "360.00", "万元", 17),
    ),
    "Excel": (
        C(CPPCC_TABLES, "summary", "其他资金", ("收入", "金额"), "80.00", "万元", 1),
        C(CPPCC_TABLES, "summary", "住房保障支出", ("功能分类", "金额"), "1093.52", "万元", 1),
        C(CPPCC_TABLES, "summary", "单位预留机动经费", ("支出用途", "金额"), "106.84", "万元", 1),
        C(CPPCC_TABLES, "income", "其他收入", "金额", "80.00", "万元", 2),
        C(CPPCC_TABLES, "expenditure", "", "基本支出", "5916.27", "万元", 3),
        # 财政拨款 基本支出 excludes the 80.00 其他资金: 5,836.27, not 5,916.27
        C(CPPCC_TABLES, "fiscal_summary", "基本支出", "金额", "5836.27", "万元", 4),
        C(CPPCC_TABLES, "fiscal_expenditure", "2010205", "金额", "429.30", "万元", 5),
        C(CPPCC_TABLES, "fiscal_basic", "30217", "金额", "16.00", "万元", 6),
        C(CPPCC_TABLES, "office_operation", "30209", "机关运行经费支出", "446.00", "万元", 10),
        C(CPPCC_TABLES, "three_public", "", "公务接待费", "443.50", "万元", 11),
        C(CPPCC_TABLES, "three_public", "", "会议费", "1094.62", "万元", 11),
        # p13 repeats title and header of 政府采购预算表
        C(CPPCC_TABLES, "procurement", "省政协全委会", "总计", "714.80", "万元", 13),
        C(CPPCC_TABLES, "procurement", "省政协常委会", "总计", "160.50", "万元", 13),
    ),
    "Acrobat Distiller": (
        C(NPC_2019_TABLES, "summary", "住房保障支出", ("功能分类", "金额"), "3301.20", "万元", 1),
        C(NPC_2019_TABLES, "summary", "单位预留机动经费", ("支出用途", "金额"), "2557.89", "万元", 1),
        C(NPC_2019_TABLES, "fiscal_basic", "30201", "金额", "570.00", "万元", 6),
        C(NPC_2019_TABLES, "gpb_expenditure", "2010104", "金额", "1469.73", "万元", 7),
        C(NPC_2019_TABLES, "three_public", "", "公务接待费", "384.75", "万元", 9),
        C(NPC_2019_TABLES, "three_public", "", "合计", "2600.71", "万元", 9),
        C(NPC_2019_TABLES, "office_operation", "30239", "机关运行经费支出", "268.58", "万元", 11),
        # p13 continues 2019年政府采购预算表 without title or header
        C(NPC_2019_TABLES, "procurement", "综合管理费", "总计", "410.40", "万元", 13),
        C(NPC_2019_TABLES, "procurement", "立法费及法制专刊费", "总计", "120.00", "万元", 13),
        C(PARTY_TABLES, "summary", "基本支出", ("支出用途", "金额"), "11700.63", "万元", 1),
        C(PARTY_TABLES, "fiscal_expenditure", "2013102", "金额", "13025.38", "万元", 5),
        C(PARTY_TABLES, "gpb_basic", "30231", "金额", "411.20", "万元", 8),
        C(PARTY_TABLES, "three_public", "", "会议费", "933.50", "万元", 9),
        C(PARTY_TABLES, "three_public", "", "因公出国", "70.00", "万元", 9),
        C(PARTY_TABLES, "office_operation", "合计", "机关运行经费支出", "2232.91", "万元", 11),
        C(PARTY_TABLES, "procurement", "省委办公厅承办的会议费", "总计", "872.10", "万元", 12),
    ),
}

EMPTY_TABLES: dict[str, tuple[tuple[str, str, int], ...]] = {
    "WPS": ((JUSTICE, "gov_fund", 17), (JUSTICE, "soe_capital", 18), (NPC_2017, "gov_fund", 15)),
    "Word": ((PLANNING, "gov_fund", 18), (PLANNING, "soe_capital", 19), (HIGH_COURT, "gov_fund", 14)),
    "Excel": ((CPPCC_TABLES, "gov_fund", 7),),
    "Acrobat Distiller": ((NPC_2019_TABLES, "gov_fund", 10), (PARTY_TABLES, "gov_fund", 10)),
}


def _cell_id(cell: ExpectedCell) -> str:
    return f"{cell.file.removesuffix('.pdf')}-{cell.kind}-{cell.row or 'row'}-{'+'.join(cell.column)}-p{cell.page}"


ALL_CELLS = [(producer, cell) for producer, cells in CELLS.items() for cell in cells]


@pytest.mark.parametrize("producer", sorted(PRODUCERS))
def test_producer_files_and_coverage(producer: str) -> None:
    """The files are what their metadata says, and each producer has at least 8 cells."""
    for name in PRODUCERS[producer]:
        assert EXPECTED[name].producer == producer
        with pdfplumber.open(PDF_DIR / name) as pdf:
            meta = f"{pdf.metadata.get('Producer', '')} {pdf.metadata.get('Creator', '')}"
        assert producer.split()[0] in meta, (name, meta)
    assert len(CELLS[producer]) >= 8
    assert {c.file for c in CELLS[producer]} == set(PRODUCERS[producer])


@pytest.mark.parametrize(("producer", "cell"), ALL_CELLS, ids=[f"{p}-{_cell_id(c)}" for p, c in ALL_CELLS])
def test_hand_checked_cell(producer: str, cell: ExpectedCell) -> None:
    problem = check_cell(cell)
    assert not problem, problem


@pytest.mark.parametrize("producer", sorted(EMPTY_TABLES))
def test_empty_tables_found_without_figures(producer: str) -> None:
    problems = []
    for name, kind, page in EMPTY_TABLES[producer]:
        tables = [t for t in parsed(name).tables if t.kind == kind and t.pages == (page, page)]
        if not tables:
            problems.append(f"{name}: no {kind} table on p{page}")
        elif any(v != 0 for t in tables for v in table_values(t)):
            problems.append(f"{name}: {kind} p{page} is printed empty, read {table_values(tables[0])[:5]}")
    assert not problems, "\n".join(problems)
