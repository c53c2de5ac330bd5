"""Ground truth for table extraction of the 16 shared PDFs (``../shared/reports/pdf``).

Read by hand from the PDFs themselves (pdfplumber page text, ``find_tables`` grids and the
pages rendered with ``pdftoppm``), never from our reader's output. Used by
``test_expected_tables.py``, ``test_producers.py`` and ``test_dev_pdf_gold.py``.

Conventions:

- Pages are 1-based, as a PDF viewer numbers them.
- A table continued over several pages is one table, ``first_page..last_page``. The first
  page is the page its title is printed on: 江苏省人大常委会办公厅 2017 prints two titles
  at the foot of a page whose grid starts on the next page (财政拨款基本支出预算表 p12→13,
  一般公共预算机关运行经费支出预算表 p18→19).
- ``number`` is the printed number with spaces removed (``公开 01表`` → ``公开01表``;
  ``公开表一``, ``表一`` kept as printed); ``""`` when none is printed. The ordinal of
  江苏省人民检察院 2017 (``一、收支预算总表``) is a list ordinal, not a table number.
- ``title`` is the printed title without the unit caption (``部门：…``, ``编制单位：…``,
  ``单位：万元``); tests compare it with whitespace, quotes, brackets, list ordinals and a
  leading year (``2026年``) removed.
- ``empty`` means the table is printed without figures: a grid with no amounts, a note
  such as ``本表无数据`` / ``(无政府性基金支出）`` / ``注：本部门无相关收支项目``, or only a
  ``合计 0``. Tests accept ``None`` or ``0`` cells in an empty table, nothing else.
- Only what a reader of the page sees counts: page 11 of
  ``jiangsu_npc_office_2017_dept_budget.pdf`` carries a second and third table drawn below
  the page's bottom edge (y > 842 pt, invisible in any viewer); they are not printed tables.
- The unit lists in the 概况 of the Shanghai 决算 (``序号 | 单位名称 | 备注``) are printed
  tables of kind ``other`` with no figures (序号 is not an amount).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.model import Cell, ParsedReport, Row, Table

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
PDF_DIR = SHARED / "reports" / "pdf"


@dataclass(frozen=True)
class ExpectedTable:
    """One printed table: kind (``ingest.catalog`` key or ``other``), printed number, title, pages."""

    kind: str
    number: str
    title: str
    first_page: int
    last_page: int
    empty: bool = False

    @property
    def pages(self) -> tuple[int, int]:
        return (self.first_page, self.last_page)


@dataclass(frozen=True)
class ExpectedReport:
    """What one file is: its unit as printed (and accepted alternatives), year, kind, scope,
    PDF producer family, the report it belongs to, and every printed table in order."""

    unit: str
    alternatives: tuple[str, ...]
    year: int
    kind: str
    scope: str
    producer: str
    report: str
    tables: tuple[ExpectedTable, ...]

    @property
    def unit_names(self) -> tuple[str, ...]:
        return (self.unit, *self.alternatives)


def T(
    kind: str, number: str, title: str, first: int, last: int | None = None, empty: bool = False
) -> ExpectedTable:
    return ExpectedTable(kind, number, title, first, first if last is None else last, empty)


# ---------------------------------------------------------------- the twelve Jiangsu 省级 tables


def _jiangsu_twelve(
    numbers: tuple[str, ...], pages: tuple[tuple[int, int], ...], procurement_title: str
) -> tuple[ExpectedTable, ...]:
    """The 2019 layout (NPC, party office): 01–12 in catalogue order, 政府性基金 empty."""
    kinds_titles = (
        ("summary", "收支预算总表"),
        ("income", "收入预算总表"),
        ("expenditure", "支出预算总表"),
        ("fiscal_summary", "财政拨款收支预算总表"),
        ("fiscal_expenditure", "财政拨款支出预算表（功能科目）"),
        ("fiscal_basic", "财政拨款基本支出预算表（经济科目）"),
        ("gpb_expenditure", "一般公共预算支出预算表（功能科目）"),
        ("gpb_basic", "一般公共预算基本支出预算表（经济科目）"),
        ("three_public", "“三公”经费、会议费、培训费支出预算表"),
        ("gov_fund", "财政拨款政府性基金支出预算表"),
        ("office_operation", "一般公共预算机关运行经费支出预算表"),
        ("procurement", procurement_title),
    )
    return tuple(
        T(kind, number, title, first, last, empty=kind == "gov_fund")
        for (kind, title), number, (first, last) in zip(kinds_titles, numbers, pages, strict=True)
    )


_CHINESE_ORDINALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")

# ---------------------------------------------------------------- the sixteen files

# fmt: off
EXPECTED: dict[str, ExpectedReport] = {
    # ---- 江苏省高级人民法院 2019: narrative and tables in one Word file; 公开01–12表.
    "jiangsu_high_court_2019_dept_budget.pdf": ExpectedReport(
        "江苏省高级人民法院", ("省高级人民法院", "江苏高院"), 2019, "预算", "部门", "Word",
        "jiangsu_high_court_2019_dept_budget",
        (
            T("summary", "公开01表", "收支预算总表", 8),
            T("income", "公开02表", "收入预算总表", 9),
            T("expenditure", "公开03表", "支出预算总表", 9),
            T("fiscal_summary", "公开04表", "财政拨款收支预算总表", 10),
            T("fiscal_expenditure", "公开05表", "财政拨款支出预算表（功能科目）", 10),
            T("fiscal_basic", "公开06表", "财政拨款基本支出预算表（经济科目）", 11),
            T("gpb_expenditure", "公开07表", "一般公共预算支出预算表（功能科目）", 12),
            T("gpb_basic", "公开08表", "一般公共预算基本支出预算表（经济科目）", 13),
            T("three_public", "公开09表", "“三公”经费、会议费、培训费支出预算表", 14),
            # a grid with only "合 计 | 0"
            T("gov_fund", "公开10表", "政府性基金预算财政拨款支出预算表", 14, empty=True),
            T("office_operation", "公开11表", "一般公共预算机关运行经费支出预算表", 15),
            # continues on p17 with neither title nor header
            T("procurement", "公开12表", "政府采购支出预算表", 16, 17),
        ),
    ),
    # ---- 江苏省人大常委会办公厅 2017: WPS, no printed numbers; order differs from the 目录.
    "jiangsu_npc_office_2017_dept_budget.pdf": ExpectedReport(
        "江苏省人大常委会办公厅", ("江苏省人民代表大会常务委员会办公厅", "省人大办公厅", "省人大常委会办公厅"),
        2017, "预算", "部门", "WPS", "jiangsu_npc_office_2017_dept_budget",
        (
            T("summary", "", "收支预算总表", 7, 9),
            T("income", "", "收入预算总表", 9, 10),
            T("expenditure", "", "支出预算总表", 10),
            # p11 shows only this table; the text below y=842 on p11 is off the page
            T("fiscal_expenditure", "", "财政拨款支出预算表", 11),
            T("fiscal_summary", "", "财政拨款收支预算总表", 12),
            # title and caption at the foot of p12, grid on p13–15
            T("fiscal_basic", "", "财政拨款基本支出预算表", 12, 15),
            # empty grid and the note "(无政府性基金支出）"
            T("gov_fund", "", "财政拨款政府性基金支出预算表", 15, empty=True),
            T("gpb_expenditure", "", "一般公共预算支出预算表", 16, 17),
            T("gpb_basic", "", "一般公共预算基本支出预算表", 17, 18),
            # title at the foot of p18, caption and grid on p19
            T("office_operation", "", "一般公共预算机关运行经费支出预算表", 18, 19),
            # title inside the grid, wrapped "…支出预算 / 表"
            T("three_public", "", "“三公”经费、会议费、培训费支出预算表", 20),
            T("procurement", "", "2017年政府采购预算表", 20, 23),
        ),
    ),
    # ---- 江苏省人大常委会办公厅 2019: narrative (WPS, "公开表附后") + tables (Distiller).
    "jiangsu_npc_office_2019_dept_budget.pdf": ExpectedReport(
        "江苏省人大常委会办公厅", ("江苏省人民代表大会常务委员会办公厅", "省人大办公厅", "省人大常委会办公厅"),
        2019, "预算", "部门", "WPS", "jiangsu_npc_office_2019_dept_budget", (),
    ),
    "jiangsu_npc_office_2019_dept_budget_tables.pdf": ExpectedReport(
        "江苏省人大常委会办公厅", ("江苏省人民代表大会常务委员会办公厅", "省人大办公厅", "省人大常委会办公厅"),
        2019, "预算", "部门", "Acrobat Distiller", "jiangsu_npc_office_2019_dept_budget",
        # one landscape page per table, the title and 公开表N inside the grid; 政府采购 p12–13
        _jiangsu_twelve(
            tuple(f"公开表{n}" for n in _CHINESE_ORDINALS),
            tuple((p, p) for p in range(1, 12)) + ((12, 13),),
            "2019年政府采购预算表",
        ),
    ),
    # ---- 江苏省委办公厅 2019: narrative + tables, both Distiller; tables print 中共江苏省委办公厅.
    "jiangsu_party_office_2019_dept_budget.pdf": ExpectedReport(
        "江苏省委办公厅", ("中共江苏省委办公厅", "中国共产党江苏省委员会办公厅", "省委办公厅"),
        2019, "预算", "部门", "Acrobat Distiller", "jiangsu_party_office_2019_dept_budget", (),
    ),
    "jiangsu_party_office_2019_dept_budget_tables.pdf": ExpectedReport(
        "中共江苏省委办公厅", ("江苏省委办公厅", "中国共产党江苏省委员会办公厅", "省委办公厅"),
        2019, "预算", "部门", "Acrobat Distiller", "jiangsu_party_office_2019_dept_budget",
        # no printed numbers; titles inside the grid; 政府性基金 "注：本部门无相关收支项目"
        _jiangsu_twelve(("",) * 12, tuple((p, p) for p in range(1, 13)), "2019年政府采购预算表"),
    ),
    # ---- 江苏省人民检察院 2017: WPS; titles prefixed by list ordinals 一、…十二、
    "jiangsu_procuratorate_2017_dept_budget.pdf": ExpectedReport(
        "江苏省人民检察院", ("省人民检察院", "省检察院", "江苏省检察院"), 2017, "预算", "部门", "WPS",
        "jiangsu_procuratorate_2017_dept_budget",
        (
            T("summary", "", "收支预算总表", 10),
            T("income", "", "收入预算总表", 11),
            T("expenditure", "", "支出预算总表", 11),
            T("fiscal_summary", "", "财政拨款收支预算总表", 11, 12),
            T("fiscal_expenditure", "", "财政拨款支出预算表", 12),
            T("fiscal_basic", "", "财政拨款基本支出预算表", 12, 13),
            # grid with an empty 合计 row
            T("gov_fund", "", "政府性基金支出预算表", 13, empty=True),
            T("gpb_expenditure", "", "一般公共预算支出预算表", 14),
            T("gpb_basic", "", "一般公共预算基本支出预算表", 14, 15),
            T("office_operation", "", "一般公共预算机关运行经费支出预算表", 15, 16),
            # the quotes of “三公” are drawn on a line of their own and "算表" wraps
            T("three_public", "", "一般公共预算“三公”经费、会议费、培训费支出预算表", 16),
            T("procurement", "", "政府采购支出预算表", 16, 18),
        ),
    ),
    # ---- 江苏省政协办公厅 2017: narrative (Word) + tables (Excel, 表一…表十二 above each title).
    "jiangsu_cppcc_office_2017_dept_budget.pdf": ExpectedReport(
        "江苏省政协办公厅", ("中国人民政治协商会议江苏省委员会办公厅", "省政协办公厅"),
        2017, "预算", "部门", "Word", "jiangsu_cppcc_office_2017_dept_budget", (),
    ),
    "jiangsu_cppcc_office_2017_dept_budget_tables.pdf": ExpectedReport(
        "江苏省政协办公厅", ("中国人民政治协商会议江苏省委员会办公厅", "省政协办公厅"),
        2017, "预算", "部门", "Excel", "jiangsu_cppcc_office_2017_dept_budget",
        (
            T("summary", "表一", "收支预算总表", 1),
            T("income", "表二", "收入预算总表", 2),
            T("expenditure", "表三", "支出预算总表", 3),
            T("fiscal_summary", "表四", "财政拨款收支预算总表", 4),
            T("fiscal_expenditure", "表五", "财政拨款支出预算表", 5),
            T("fiscal_basic", "表六", "财政拨款基本支出预算表", 6),
            # "注：我单位无2017年政府性基金支出安排。"
            T("gov_fund", "表七", "财政拨款政府性基金支出预算表", 7, empty=True),
            T("gpb_expenditure", "表八", "一般公共预算支出预算表", 8),
            T("gpb_basic", "表九", "一般公共预算基本支出预算表", 9),
            T("office_operation", "表十", "一般公共预算机关运行经费支出预算表", 10),
            T("three_public", "表十一", "“三公”经费、会议费、培训费支出预算表（一般公共预算）", 11),
            # p13 repeats the title and the header (no 表十二)
            T("procurement", "表十二", "2017年政府采购预算表", 12, 13),
        ),
    ),
    # ---- 江苏省政协办公厅 2018: narrative only; the tables "附件" is not in the file.
    "jiangsu_cppcc_office_2018_dept_budget.pdf": ExpectedReport(
        "江苏省政协办公厅", ("中国人民政治协商会议江苏省委员会办公厅", "省政协办公厅"),
        2018, "预算", "部门", "Word", "jiangsu_cppcc_office_2018_dept_budget", (),
    ),
    # ---- Shanghai 普陀区 预算 (WPS 表格): nine tables, 元 except the 三公 table (万元).
    "putuo_justice_2026_dept_budget.pdf": ExpectedReport(
        "上海市普陀区司法局", ("普陀区司法局",), 2026, "预算", "部门", "WPS", "putuo_justice_2026_dept_budget",
        (
            T("summary", "", "2026年部门财务收支预算总表", 10),
            T("income", "", "2026年部门收入预算总表", 11),
            # p13 continues without title or header
            T("expenditure", "", "2026年部门支出预算总表", 12, 13),
            T("fiscal_summary", "", "2026年部门财政拨款收支预算总表", 14),
            # p16 repeats the header, not the title
            T("gpb_expenditure", "", "2026年部门一般公共预算支出功能分类预算表", 15, 16),
            T("gov_fund", "", "2026年部门政府性基金预算支出功能分类预算表", 17, empty=True),
            T("soe_capital", "", "2026年部门国有资本经营预算支出功能分类预算表", 18, empty=True),
            T("gpb_basic", "", "2026年部门一般公共预算基本支出部门预算经济分类预算表", 19, 20),
            T("three_public", "", "2026年部门“三公”经费和机关运行经费预算表", 21),
        ),
    ),
    "putuo_justice_2026_unit_budget.pdf": ExpectedReport(
        "上海市普陀区司法局", ("普陀区司法局",), 2026, "预算", "单位", "WPS", "putuo_justice_2026_unit_budget",
        (
            T("summary", "", "2026年预算单位财务收支预算总表", 8),
            T("income", "", "2026年预算单位收入预算总表", 9, 10),
            T("expenditure", "", "2026年预算单位支出预算总表", 11, 12),
            T("fiscal_summary", "", "2026年预算单位财政拨款收支预算总表", 13),
            T("gpb_expenditure", "", "2026年预算单位一般公共预算支出功能分类预算表", 14, 15),
            T("gov_fund", "", "2026年预算单位政府性基金预算支出功能分类预算表", 16, empty=True),
            T("soe_capital", "", "2026年预算单位国有资本经营预算支出功能分类预算表", 17, empty=True),
            T("gpb_basic", "", "2026年预算单位一般公共预算基本支出部门预算经济分类预算表", 18, 19),
            T("three_public", "", "2026年单位“三公”经费和机关运行经费预算表", 20),
        ),
    ),
    "putuo_finance_2025_dept_budget.pdf": ExpectedReport(
        "上海市普陀区财政局", ("普陀区财政局",), 2025, "预算", "部门", "WPS", "putuo_finance_2025_dept_budget",
        (
            T("summary", "", "2025年部门财务收支预算总表", 9),
            T("income", "", "2025年部门收入预算总表", 10, 11),
            T("expenditure", "", "2025年部门支出预算总表", 12, 13),
            T("fiscal_summary", "", "2025年部门财政拨款收支预算总表", 14),
            T("gpb_expenditure", "", "2025年部门一般公共预算支出功能分类预算表", 15, 16),
            T("gov_fund", "", "2025年部门政府性基金预算支出功能分类预算表", 17, empty=True),
            T("soe_capital", "", "2025年部门国有资本经营预算支出功能分类预算表", 18, empty=True),
            T("gpb_basic", "", "2025年部门一般公共预算基本支出部门预算经济分类预算表", 19, 20),
            T("three_public", "", "2025年部门“三公”经费和机关运行经费预算表", 21),
        ),
    ),
    "putuo_welfare_home_2024_unit_budget.pdf": ExpectedReport(
        "上海市普陀区社会福利院", ("普陀区社会福利院",), 2024, "预算", "单位", "WPS",
        "putuo_welfare_home_2024_unit_budget",
        (
            T("summary", "", "2024年预算单位财务收支预算总表", 7),
            T("income", "", "2024年预算单位收入预算总表", 8),
            T("expenditure", "", "2024年预算单位支出预算总表", 9),
            T("fiscal_summary", "", "2024年预算单位财政拨款收支预算总表", 10),
            T("gpb_expenditure", "", "2024年预算单位一般公共预算支出功能分类预算表", 11),
            T("gov_fund", "", "2024年预算单位政府性基金预算支出功能分类预算表", 12, empty=True),
            T("soe_capital", "", "2024年预算单位国有资本经营预算支出功能分类预算表", 13, empty=True),
            T("gpb_basic", "", "2024年预算单位一般公共预算基本支出部门预算经济分类预算表", 14),
            T("three_public", "", "单位“三公”经费和机关运行经费预算表", 15),
        ),
    ),
    # ---- Shanghai 决算 (Word), 万元; the 决算表 heading names 上海市规划和自然资源局.
    "putuo_planning_2024_dept_final.pdf": ExpectedReport(
        "上海市普陀区规划和自然资源局", ("普陀区规划和自然资源局", "普陀区规划资源局"), 2024, "决算", "部门",
        "Word", "putuo_planning_2024_dept_final",
        (
            # 部门决算单位构成: 序号 | 单位名称 | 备注 (five units, no figures)
            T("other", "", "", 6, empty=True),
            T("summary", "", "收入支出决算总表", 7),
            T("income", "", "收入决算表", 8, 9),
            T("expenditure", "", "支出决算表", 10, 11),
            T("fiscal_summary", "", "财政拨款收入支出决算总表", 12, 13),
            T("gpb_expenditure", "", "一般公共预算财政拨款支出决算表", 14, 15),
            T("gpb_basic", "", "一般公共预算财政拨款基本支出决算表", 16),
            T("three_public", "", "财政拨款“三公”经费支出决算表", 17),
            T("gov_fund", "", "政府性基金预算财政拨款收入支出决算表", 18, empty=True),
            T("soe_capital", "", "国有资本经营预算财政拨款收入支出决算表", 19, empty=True),
        ),
    ),
    # ---- The Ministry of Finance / Shanghai 决算 template (WPS 文字): every table empty.
    "mof_dept_final_template.pdf": ExpectedReport(
        "上海市XX局", (), 2024, "决算", "部门", "WPS", "mof_dept_final_template",
        (
            # 序号 1–8 with placeholder unit names
            T("other", "", "", 4, empty=True),
            T("summary", "", "收入支出决算总表", 5, empty=True),
            T("income", "", "收入决算表", 6, empty=True),
            T("expenditure", "", "支出决算表", 7, empty=True),
            T("fiscal_summary", "", "财政拨款收入支出决算总表", 8, 9, empty=True),
            T("gpb_expenditure", "", "一般公共预算财政拨款支出决算表", 10, empty=True),
            T("gpb_basic", "", "一般公共预算财政拨款基本支出决算表", 11, empty=True),
            T("three_public", "", "财政拨款“三公”经费支出决算表", 12, empty=True),
            T("gov_fund", "", "政府性基金预算财政拨款收入支出决算表", 13, empty=True),
            T("soe_capital", "", "国有资本经营预算财政拨款收入支出决算表", 14, empty=True),
        ),
    ),
}
# fmt: on

REPORTS: dict[str, tuple[str, ...]] = {}
"""Report key → the files that together form that one report (narrative + tables pairs)."""
for _name, _expected in EXPECTED.items():
    REPORTS.setdefault(_expected.report, ())
    REPORTS[_expected.report] += (_name,)

MULTI_FILE_REPORTS = {key: files for key, files in REPORTS.items() if len(files) > 1}
"""The three reports published as narrative + tables: NPC 2019, party office 2019, CPPCC 2017."""


# ---------------------------------------------------------------- hand-checked cells


@dataclass(frozen=True)
class ExpectedCell:
    """A figure read from the page.

    Attributes:
        file: PDF file name in ../shared/reports/pdf.
        kind: the table's kind.
        row: the row's code (digits, joined: ``204 06 01`` → ``2040601``), or words its label
            contains, or ``""`` for the only value row of a one-row table (三公, 支出预算总表).
        column: words that all occur in the cell's joined header path.
        value: the printed figure, as a Decimal string.
        unit: the table's unit (``元``/``万元``).
        page: 1-based page the figure is printed on.
    """

    file: str
    kind: str
    row: str
    column: tuple[str, ...]
    value: str
    unit: str
    page: int


def C(
    file: str, kind: str, row: str, column: str | tuple[str, ...], value: str, unit: str, page: int
) -> ExpectedCell:
    return ExpectedCell(file, kind, row, (column,) if isinstance(column, str) else column, value, unit, page)


# ---------------------------------------------------------------- shared helpers for the tests

def parsed(name: str) -> ParsedReport:
    """``parse_file`` of one shared PDF, once per test session."""
    from tests.ingest.parsed import parsed_file

    return parsed_file(PDF_DIR / name)


_QUOTES_SPACES = re.compile(r"[\s\"'“”‘’`]")


def norm(text: str) -> str:
    """Compare printed words: no whitespace or quotes, half-width brackets."""
    return _QUOTES_SPACES.sub("", text).replace("（", "(").replace("）", ")")


_ORDINAL = re.compile(r"^[一二三四五六七八九十]+、")
_YEAR = re.compile(r"^\d{4}年度?")


def norm_title(text: str) -> str:
    """A title without spaces, quotes, brackets, list ordinal or leading year."""
    t = norm(text).replace("(", "").replace(")", "")
    t = _ORDINAL.sub("", t)
    return _YEAR.sub("", t)


def table_values(table: Table) -> list[Decimal]:
    return [c.value for r in table.rows for c in r.cells if c.value is not None]


def row_matches(row: Row, spec: str) -> bool:
    if not spec:
        return True
    if spec.isdigit():
        return row.code == spec
    return norm(spec) in norm(row.label)


def column_matches(row: Row, cell: Cell, words: tuple[str, ...]) -> bool:
    """All ``words`` occur in the cell's header path; a side-by-side table unfolded into row
    groups (收入 | 支出, 人员经费 | 公用经费) counts its group as the path's first header."""
    joined = norm(row.group + "".join(cell.column))
    return all(norm(w) in joined for w in words)


def find_candidates(
    report: ParsedReport, cell: ExpectedCell
) -> list[tuple[Decimal | None, str, int | None, str]]:
    """Every parsed cell on the expected kind/row/column: (value, unit, page, where)."""
    found = []
    for table in report.tables:
        if table.kind != cell.kind:
            continue
        for row in table.rows:
            if not row_matches(row, cell.row):
                continue
            for c in row.cells:
                if c.value is not None and column_matches(row, c, cell.column):
                    where = f"{table.title}|{row.code} {row.label}|{row.group}:{'/'.join(c.column)}"
                    found.append((c.value, c.unit, c.location.page, where))
    return found


def check_cell(cell: ExpectedCell) -> str:
    """``""`` when the parsed report has this figure on its row and column and page; else why not."""
    report = parsed(cell.file)
    candidates = find_candidates(report, cell)
    want = (Decimal(cell.value), cell.unit, cell.page)
    if any((v, u, p) == want for v, u, p, _ in candidates):
        return ""
    head = f"{cell.file}: {cell.kind} row {cell.row!r} column {cell.column}: want {cell.value} {cell.unit} p{cell.page}"
    if candidates:
        return f"{head}; found {candidates[:4]}"
    tables = [t for t in report.tables if t.kind == cell.kind]
    if not tables:
        return f"{head}; no {cell.kind} table (kinds: {sorted({t.kind for t in report.tables})})"
    rows = [r for t in tables for r in t.rows if row_matches(r, cell.row)]
    if not rows:
        return f"{head}; no such row in {[(t.title, t.pages) for t in tables]}"
    return f"{head}; on that row: " + "; ".join(
        f"{r.code} {r.label}|{r.group}: {[('/'.join(c.column), c.text, c.location.page) for c in r.cells if c.value is not None][:4]}"
        for r in rows[:3]
    )
