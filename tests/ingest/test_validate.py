"""Accounting-identity checks on hand-built tables (no reader or table builder involved)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.catalog import STANDARD_KEYS
from ingest.model import Cell, Check, Location, Row, Table
from ingest.validate import check_table, check_tables
from ingest.validate_summary import ValidationSummary, summarize

Values = dict[str, str | None]


def cell(column: str, text: str | None, *, uncertain: bool = False, unit: str = "万元") -> Cell:
    """A value cell; ``column`` is the header path joined with ``/``."""
    value = Decimal(text.replace(",", "")) if text else None
    return Cell(
        column=tuple(column.split("/")),
        text=text or "",
        value=value,
        unit=unit if value is not None else "",
        location=Location(line_start=1),
        uncertain=uncertain,
    )


def row(code: str, label: str, values: Values, group: str = "", uncertain: tuple[str, ...] = ()) -> Row:
    """A body row. Blank values are left out, as the table builder does; ``None``
    keeps an explicit blank cell."""
    cells = tuple(cell(col, text, uncertain=col in uncertain) for col, text in values.items() if text != "")
    return Row(code=code, label=label, cells=cells, location=Location(line_start=1), group=group)


def table(kind: str, rows: list[Row], unit: str = "万元", seq: int = 0, number: str = "") -> Table:
    columns: list[tuple[str, ...]] = []
    for r in rows:
        for c in r.cells:
            if c.column not in columns:
                columns.append(c.column)
    return Table(
        seq=seq,
        kind=kind,
        printed_number=number,
        title=kind,
        unit=unit,
        columns=tuple(columns),
        rows=tuple(rows),
    )


def only(checks: list[Check], name_part: str) -> Check:
    found = [c for c in checks if name_part in c.name]
    assert len(found) == 1, [c.name for c in checks]
    return found[0]


def statuses(checks: list[Check]) -> set[str]:
    return {c.status for c in checks}


# ------------------------------------------------------------ across columns

EXPENDITURE_COLUMNS = (
    "本年支出合计",
    "基本支出",
    "项目支出",
    "上缴上级支出",
    "经营支出",
    "对附属单位补助支出",
)


def spend(code: str, label: str, *figures: str) -> Row:
    return row(code, label, dict(zip(EXPENDITURE_COLUMNS, figures, strict=False)))


def test_expenditure_row_pass() -> None:
    checks = check_table(
        table("expenditure", [spend("201", "一般公共服务支出", "4,153.81", "2,603.73", "1,550.08")])
    )
    check = only(checks, "本年支出合计 = 基本支出 + 项目支出")
    assert check.status == "pass"
    assert check.expected == Decimal("4153.81") and check.actual == Decimal("4153.81")
    assert check.unit == "万元" and check.table_seq == 0
    assert (
        check.detail
        == "201 一般公共服务支出: 本年支出合计 4,153.81 = 基本支出 2,603.73 + 项目支出 1,550.08 = 4,153.81"
    )


def test_expenditure_row_fail_shows_figures() -> None:
    checks = check_table(
        table("expenditure", [spend("201", "一般公共服务支出", "4,153.81", "2,603.73", "1,500.08")])
    )
    check = only(checks, "201")
    assert check.status == "fail"
    assert check.actual == Decimal("4103.81")
    assert (
        "本年支出合计 4,153.81 ≠ 基本支出 2,603.73 + 项目支出 1,500.08 = 4,103.81 (差 50.00)" in check.detail
    )


def test_expenditure_row_rounding() -> None:
    checks = check_table(
        table("expenditure", [spend("201", "一般公共服务支出", "4,153.81", "2,603.73", "1,550.09")])
    )
    check = only(checks, "201")
    assert check.status == "rounding"
    assert "4,153.81 ≠ 基本支出 2,603.73 + 项目支出 1,550.09 = 4,153.82 (差 0.01" in check.detail


def test_rounding_tolerance_grows_with_terms_but_single_term_is_strict() -> None:
    one = check_table(table("expenditure", [spend("201", "x", "100.00", "99.98")]))
    assert only(one, "201").status == "fail"  # 0.02 > 0.01 × 1 term
    two = check_table(table("expenditure", [spend("201", "x", "100.00", "49.99", "49.99")]))
    assert only(two, "201").status == "rounding"  # 0.02 ≤ 0.01 × 2 terms
    three = check_table(table("expenditure", [spend("201", "x", "100.00", "49.98", "49.99")]))
    assert only(three, "201").status == "fail"


def test_all_five_expenditure_parts_and_blank_parts_count_as_zero() -> None:
    checks = check_table(
        table("expenditure", [spend("201", "x", "10.00", "1.00", "2.00", "3.00", "", "4.00")])
    )
    check = only(checks, "201")
    assert check.status == "pass"
    assert "对附属单位补助支出 4.00" in check.detail and "经营支出" not in check.detail


def test_income_row() -> None:
    values = {"本年收入合计": "100.00", "财政拨款收入": "60.00", "上级补助收入": "10.00", "事业收入": "10.00"}
    values |= {"经营收入": "5.00", "附属单位上缴收入": "5.00", "其他收入": "9.00"}
    check = only(check_table(table("income", [row("", "合计", values)])), "本年收入合计 = 财政拨款收入")
    assert check.status == "fail"
    assert "= 99.00 (差 1.00)" in check.detail
    assert check.detail.startswith("合计: 本年收入合计 100.00 ≠ 财政拨款收入 60.00 + 上级补助收入 10.00")


def test_gpb_expenditure_nested_header_and_extra_columns_ignored() -> None:
    values = {
        "年初预算数": "5,000.00",
        "本年支出/小计": "4,723.92",
        "本年支出/基本支出": "2,942.21",
        "本年支出/项目支出": "1,781.71",
        "完成预算%": "94.48",
    }
    checks = check_table(table("gpb_expenditure", [row("", "合计", values)]))
    row_checks = [c for c in checks if "小计 =" in c.name]
    assert len(row_checks) == 1
    assert row_checks[0].status == "pass"
    assert row_checks[0].detail.startswith("合计 · 本年支出: 小计 4,723.92 = 基本支出 2,942.21")


def test_parent_header_with_blank_subheader_is_the_total() -> None:
    values = {"本年支出": "10.00", "本年支出/基本支出": "4.00", "本年支出/项目支出": "6.50"}
    check = only(check_table(table("gpb_expenditure", [row("201", "x", values)])), "本年支出 =")
    assert check.status == "fail"
    assert (
        check.detail == "201 x · 本年支出: 本年支出 10.00 ≠ 基本支出 4.00 + 项目支出 6.50 = 10.50 (差 0.50)"
    )


def test_named_total_preferred_over_a_parent_cell() -> None:
    """A stray cell under the group header (lost sub-header) does not replace 合计."""
    values = {"三公经费": "0.39", "三公经费/合计": "2.85", "三公经费/因公出国（境）费": "0.00"}
    values |= {"三公经费/公务接待费": "2.85"}
    checks = check_table(table("three_public", [row("", "", values)]))
    assert [(c.name.split(" =")[0], c.status) for c in checks] == [("合计", "pass")]


def test_fiscal_summary_expenditure_row() -> None:
    values = {"合计": "4,153.81", "一般公共预算财政拨款": "4,153.81", "政府性基金预算财政拨款": "1.00"}
    checks = check_table(table("fiscal_summary", [row("", "一、一般公共服务支出", values, group="支出")]))
    check = only(checks, "合计 = 一般公共预算财政拨款 + 政府性基金预算财政拨款")
    assert check.status == "fail"
    assert "(差 1.00)" in check.detail


def test_missing_inputs_give_no_check() -> None:
    rows = [
        spend("201", "total column blank", "", "2,603.73", "1,550.08"),
        row("206", "no part columns", {"本年支出合计": "231.63"}),
        row("208", "all blank", {"本年支出合计": None, "基本支出": None}),
        row("210", "all zero", {"本年支出合计": "0.00", "基本支出": "0.00", "项目支出": "0.00"}),
    ]
    assert check_table(table("expenditure", rows)) == []


def test_non_standard_table_not_checked() -> None:
    assert check_table(table("other", [spend("201", "x", "10.00", "1.00")])) == []


def test_uncertain_cells_are_checked_and_named() -> None:
    values = {"本年支出合计": "10.00", "基本支出": "4.00", "项目支出": "6.00"}
    checks = check_table(table("expenditure", [row("201", "x", values, uncertain=("项目支出",))]))
    check = only(checks, "201")
    assert check.status == "pass"
    assert "推断" in check.detail and "项目支出 6.00" in check.detail.split("推断")[1]


def test_line_number_and_percent_columns_are_not_amounts() -> None:
    values = {"行次": "27", "本年支出合计": "10.00", "基本支出": "10.00"}
    rows = [row("", "合计", values), row("201", "x", values)]
    checks = check_table(table("expenditure", rows))
    assert all("行次" not in c.name and "行次" not in c.detail for c in checks)
    assert statuses(checks) == {"pass"}


# ------------------------------------------------------------ down the rows


def expenditure_000() -> Table:
    """公开03表 of report 000 (临沂市政府办本级 2022), 本年支出合计/基本支出/项目支出."""
    return table(
        "expenditure",
        [
            spend("", "合 计", "4,723.92", "2,942.21", "1,781.71"),
            spend("201", "一般公共服务支出", "4,153.81", "2,603.73", "1,550.08"),
            spend("20103", "政府办公厅（室）及相关机构事务", "4,153.81", "2,603.73", "1,550.08"),
            spend("2010301", "行政运行", "2,603.73", "2,603.73"),
            spend("2010302", "一般行政管理事务", "971.06", "", "971.06"),
            spend("2010350", "事业运行", "166.67", "", "166.67"),
            spend("2010399", "其他政府办公厅（室）及相关机构事务支出", "412.35", "", "412.35"),
            spend("206", "科学技术支出", "231.63", "", "231.63"),
            spend("20699", "其他科学技术支出", "231.63", "", "231.63"),
            spend("2069999", "其他科学技术支出", "231.63", "", "231.63"),
            spend("208", "社会保障和就业支出", "273.27", "273.27"),
            spend("20805", "行政事业单位养老支出", "273.27", "273.27"),
            spend("2080501", "行政单位离退休", "82.41", "82.41"),
            spend("2080505", "机关事业单位基本养老保险缴费支出", "127.24", "127.24"),
            spend("2080506", "机关事业单位职业年金缴费支出", "63.62", "63.62"),
            spend("210", "卫生健康支出", "65.21", "65.21"),
            spend("21011", "行政事业单位医疗", "65.21", "65.21"),
            spend("2101101", "行政单位医疗", "65.21", "65.21"),
        ],
        number="公开03表",
    )


def test_real_expenditure_table_000_adds_up() -> None:
    checks = check_table(expenditure_000())
    assert statuses(checks) == {"pass"}
    names = {c.name for c in checks}
    assert "201 = Σ 款 (本年支出合计)" in names
    assert "20103 = Σ 项 (项目支出)" in names
    assert "合计 = Σ 类 (基本支出)" in names
    grand = only(checks, "合计 = Σ 类 (本年支出合计)")
    assert grand.detail == (
        "本年支出合计: 合计 4,723.92 = 201 4,153.81 + 206 231.63 + 208 273.27 + 210 65.21 = 4,723.92"
    )


def test_hierarchy_fail_and_rounding() -> None:
    rows = [
        spend("201", "一般公共服务支出", "100.00", "100.00"),
        spend("20103", "政府办公厅", "90.00", "90.00"),
        spend("2010301", "行政运行", "50.00", "50.00"),
        spend("2010302", "一般行政管理事务", "39.99", "39.98"),
    ]
    checks = check_table(table("expenditure", rows))
    class_check = only(checks, "201 = Σ 款 (本年支出合计)")
    assert class_check.status == "fail"
    assert class_check.detail == "201 一般公共服务支出 · 本年支出合计: 201 100.00 ≠ 20103 90.00 (差 10.00)"
    assert only(checks, "20103 = Σ 项 (本年支出合计)").status == "rounding"
    assert only(checks, "20103 = Σ 项 (基本支出)").status == "rounding"  # 0.02 ≤ 0.01 × 2
    assert only(checks, "2010302").status == "rounding"  # the row itself: 39.99 vs 39.98


def test_hierarchy_skips_missing_children_and_duplicated_codes() -> None:
    rows = [
        spend("201", "no 款 rows", "100.00", "100.00"),
        spend("2010301", "a 项 without its 款", "100.00", "100.00"),
        spend("208", "duplicated", "10.00", "10.00"),
        spend("20805", "x", "10.00", "10.00"),
        spend("208", "duplicated", "10.00", "10.00"),
    ]
    checks = check_table(table("expenditure", rows))
    assert not [c for c in checks if "Σ" in c.name]


# ------------------------------------------------------------ 基本支出明细表


def basic_000() -> Table:
    """公开06表 of report 000, unfolded into 人员经费 / 公用经费 groups (a few 款 only)."""
    staff = [
        row("301", "工资福利支出", {"金额": "2,402.52"}, "人员经费"),
        row("303", "对个人和家庭的补助", {"金额": "176.79"}, "人员经费"),
        row("30301", "离休费", {"金额": "2.87"}, "人员经费"),
        row("30302", "退休费", {"金额": "81.07"}, "人员经费"),
        row("30305", "生活补助", {"金额": "2.85"}, "人员经费"),
        row("30307", "医疗费补助", {"金额": "1.11"}, "人员经费"),
        row("30309", "奖励金", {"金额": "0.02"}, "人员经费"),
        row("30399", "其他对个人和家庭的补助", {"金额": "88.87"}, "人员经费"),
        row("", "人员经费合计", {"金额": "2,579.32"}, "人员经费"),
    ]
    public = [
        row("302", "商品和服务支出", {"金额": "333.95"}, "公用经费"),
        row("", "公用经费合计", {"金额": "362.89"}, "公用经费"),
        row("307", "债务利息及费用支出", {"金额": ""}, ""),
        row("310", "资本性支出", {"金额": "28.94"}, ""),
        row("31002", "办公设备购置", {"金额": "28.94"}, ""),
    ]
    return table("gpb_basic", staff + public, seq=5, number="公开06表")


def test_basic_expenditure_unfolded_000() -> None:
    checks = check_table(basic_000())
    staff = only(checks, "人员经费合计 = Σ 类")
    assert staff.status == "rounding"  # 2,402.52 + 176.79 = 2,579.31 vs 2,579.32 printed
    assert (
        staff.detail
        == "人员经费: 人员经费合计 2,579.32 ≠ 301 2,402.52 + 303 176.79 = 2,579.31 (差 0.01，尾差)"
    )
    public = only(checks, "公用经费合计 = Σ 类")
    assert public.status == "pass"  # 310 has no group: 公用经费 by its code
    assert "302 333.95 + 310 28.94 = 362.89" in public.detail
    assert only(checks, "303 = Σ 款").status == "pass"
    assert only(checks, "310 = Σ 款").status == "pass"
    assert not [c for c in checks if "基本支出 =" in c.name]  # no 合计 row


def test_basic_expenditure_total_row() -> None:
    rows = [
        row("301", "工资福利支出", {"金额": "100.00"}, "人员经费"),
        row("", "人员经费合计", {"金额": "100.00"}, "人员经费"),
        row("302", "商品和服务支出", {"金额": "20.00"}, "公用经费"),
        row("", "公用经费合计", {"金额": "20.00"}, "公用经费"),
        row("", "合计", {"金额": "121.00"}),
    ]
    checks = check_table(table("gpb_basic", rows))
    check = only(checks, "基本支出 = 人员经费 + 公用经费")
    assert check.status == "fail"
    assert (
        check.detail == "基本支出: 合计 121.00 ≠ 人员经费合计 100.00 + 公用经费合计 20.00 = 120.00 (差 1.00)"
    )
    assert [c.status for c in checks if c.name.startswith("合计 = Σ 类")] == ["fail"]


def test_basic_expenditure_wide_layout() -> None:
    """Shanghai budget layout: 合计 | 人员经费 | 公用经费 columns, codes as rows."""
    columns = ("合计", "人员经费", "公用经费")
    rows = [
        row(
            "301", "工资福利支出", dict(zip(columns, ("19,806,781.00", "19,806,781.00", "0.00"), strict=True))
        ),
        row("30101", "基本工资", dict(zip(columns, ("19,806,781.00", "19,806,781.00", "0.00"), strict=True))),
        row(
            "302", "商品和服务支出", dict(zip(columns, ("1,831,480.34", "0.00", "1,831,480.34"), strict=True))
        ),
        row("30201", "办公费", dict(zip(columns, ("1,831,480.34", "0.00", "1,831,480.34"), strict=True))),
        row("", "合计", dict(zip(columns, ("21,638,261.34", "19,806,781.00", "1,831,480.34"), strict=True))),
    ]
    checks = check_table(table("gpb_basic", rows, unit="元"))
    assert statuses(checks) == {"pass"}
    assert len([c for c in checks if "合计 = 人员经费 + 公用经费" in c.name]) == 5
    assert len([c for c in checks if c.name.startswith("合计 = Σ 类")]) == 3


# ------------------------------------------------------------ 收支总表


def summary_000(income_total: str = "4,723.92") -> Table:
    """公开01表 of report 000, unfolded into 收入 / 支出 groups (only non-blank 类 rows)."""
    income = [
        row("", "一、一般公共预算财政拨款收入", {"金额": "4,723.92"}, "收入"),
        row("", "二、政府性基金预算财政拨款收入", {"金额": ""}, "收入"),
        row("", "八、其他收入", {"金额": ""}, "收入"),
        row("", "本年收入合计", {"金额": income_total}, "收入"),
        row("", "使用非财政拨款结余", {"金额": ""}, "收入"),
        row("", "年初结转和结余", {"金额": ""}, "收入"),
        row("", "总计", {"金额": income_total}, "收入"),
    ]
    spending = [
        row("", "一、一般公共服务支出", {"金额": "4,153.81"}, "支出"),
        row("", "六、科学技术支出", {"金额": "231.63"}, "支出"),
        row("", "八、社会保障和就业支出", {"金额": "273.27"}, "支出"),
        row("", "九、卫生健康支出", {"金额": "65.21"}, "支出"),
        row("", "十、节能环保支出", {"金额": ""}, "支出"),
        row("", "本年支出合计", {"金额": "4,723.92"}, "支出"),
        row("", "年末结转和结余", {"金额": ""}, "支出"),
        row("", "总计", {"金额": "4,723.92"}, "支出"),
    ]
    return table("summary", income + spending, seq=0, number="公开01表")


def test_summary_000_adds_up() -> None:
    checks = check_table(summary_000())
    assert statuses(checks) == {"pass"}
    assert only(checks, "收入总计 = 支出总计").detail == "收入总计 4,723.92 = 支出总计 4,723.92"
    assert only(checks, "本年收入合计 = Σ 收入项").detail == (
        "收入 · 金额: 本年收入合计 4,723.92 = 一、一般公共预算财政拨款收入 4,723.92"
    )
    spending = only(checks, "本年支出合计 = Σ 支出类")
    assert "一、一般公共服务支出 4,153.81 + 六、科学技术支出 231.63" in spending.detail
    assert spending.detail.endswith("= 4,723.92")


def test_summary_totals_disagree() -> None:
    checks = check_table(summary_000(income_total="4,724.92"))
    assert only(checks, "收入总计 = 支出总计").status == "fail"
    check = only(checks, "本年收入合计 = Σ 收入项")
    assert check.status == "fail" and "(差 1.00)" in check.detail


def test_summary_sub_items_excluded_and_grand_total_without_carry_over() -> None:
    """Shanghai 财务收支预算总表: 一、财政拨款收入 with 1、2、3、 sub-rows; no 本年收入合计."""
    income = [
        row("", "一、财政拨款收入", {"预算数": "86,959,408.34"}, "本年收入"),
        row("", "1、一般公共预算", {"预算数": "86,959,408.34"}, "本年收入"),
        row("", "2、政府性基金预算", {"预算数": "0.00"}, "本年收入"),
        row("", "二、事业收入", {"预算数": "0.00"}, "本年收入"),
        row("", "收入总计", {"预算数": "86,959,408.34"}, "本年收入"),
    ]
    spending = [
        row("", "一、公共安全支出", {"合计": "79,189,400.34"}, "本年支出"),
        row("", "二、社会保障和就业支出", {"合计": "7,770,008.00"}, "本年支出"),
        row("", "支出总计", {"合计": "86,959,408.34"}, "本年支出"),
    ]
    checks = check_table(table("summary", income + spending, unit="元"))
    assert statuses(checks) == {"pass"}
    assert "86,959,408.34 = 一、财政拨款收入 86,959,408.34" in only(checks, "收入总计 = Σ 收入项").detail
    assert only(checks, "支出总计 = Σ 支出类").status == "pass"
    assert only(checks, "收入总计 = 支出总计").status == "pass"


def test_summary_grand_total_not_summed_when_carry_over_lines_exist() -> None:
    rows = [
        row("", "一、财政拨款收入", {"金额": "10.00"}, "收入"),
        row("", "年初结转和结余", {"金额": "5.00"}, "收入"),
        row("", "总计", {"金额": "15.00"}, "收入"),
    ]
    assert check_table(table("summary", rows)) == []


def test_fiscal_summary_sums_per_column() -> None:
    columns = ("合计", "一般公共预算财政拨款", "政府性基金预算财政拨款")
    spending = [
        row("", "一、一般公共服务支出", dict(zip(columns, ("90.00", "90.00"), strict=False)), "支出"),
        row("", "二、外交支出", {}, "支出"),
        row("", "三、城乡社区支出", dict(zip(columns, ("10.00", "", "10.00"), strict=False)), "支出"),
        row("", "本年支出合计", dict(zip(columns, ("100.00", "90.00", "10.00"), strict=False)), "支出"),
    ]
    income = [
        row("", "一、一般公共预算财政拨款", {"金额": "90.00"}, "收入"),
        row("", "二、政府性基金预算财政拨款", {"金额": "10.00"}, "收入"),
        row("", "本年收入合计", {"金额": "100.00"}, "收入"),
    ]
    checks = check_table(table("fiscal_summary", income + spending))
    assert statuses(checks) == {"pass"}
    sums = [c for c in checks if "Σ 支出类" in c.name]
    assert sorted(c.name.split("(")[1] for c in sums) == [
        "一般公共预算财政拨款)",
        "合计)",
        "政府性基金预算财政拨款)",
    ]
    assert only(checks, "本年收入合计 = Σ 收入项").status == "pass"


# ------------------------------------------------------------ 三公


THREE_PUBLIC_PARTS = (
    "合计",
    "因公出国（境）费",
    "公务用车购置及运行维护费/小计",
    "公务用车购置及运行维护费/公务用车购置费",
    "公务用车购置及运行维护费/公务用车运行维护费",
    "公务接待费",
)


def three_public_000() -> Table:
    """公开09表 of report 000: one unlabelled row, 预算数 ×6 and 决算数 ×6 (因公出国 blank)."""
    figures = ("180.06", "", "111.95", "37.70", "74.25", "68.12")
    values: Values = {}
    for side in ("预算数", "决算数"):
        values |= {f"{side}/{part}": text for part, text in zip(THREE_PUBLIC_PARTS, figures, strict=True)}
    return table("three_public", [row("", "", values)], seq=8, number="公开09表")


def test_three_public_000_parts_sum_to_180_07_vs_180_06() -> None:
    checks = check_table(three_public_000())
    totals = [c for c in checks if c.name.startswith("合计 =")]
    assert [c.status for c in totals] == ["rounding", "rounding"]
    assert totals[1].expected == Decimal("180.06") and totals[1].actual == Decimal("180.07")
    assert totals[1].detail == (
        "决算数: 合计 180.06 ≠ 公务用车购置及运行维护费 111.95 + 公务接待费 68.12 = 180.07 (差 0.01，尾差)"
    )
    assert totals[1].name == "合计 = 公务用车购置及运行维护费 + 公务接待费 (决算数)"  # blank column: no cell
    cars = [c for c in checks if c.name.startswith("小计 =")]
    assert [c.status for c in cars] == ["pass", "pass"]
    assert (
        cars[0].detail
        == "预算数/公务用车购置及运行维护费: 小计 111.95 = 公务用车购置费 37.70 + 公务用车运行维护费 74.25 = 111.95"
    )


def test_three_public_repeated_paths_without_top_header_are_two_sets() -> None:
    budget = ("6.00", "", "5.00", "", "5.00", "1.00")
    actual = ("5.47", "", "5.46", "", "5.46", "0.10")
    cells = [cell(p, t) for p, t in zip(THREE_PUBLIC_PARTS * 2, budget + actual, strict=True) if t]
    checks = check_table(table("three_public", [Row("", "", tuple(cells), Location())]))
    totals = [c for c in checks if c.name.startswith("合计 =")]
    assert [c.status for c in totals] == ["pass", "fail"]
    assert totals[1].detail == "合计 5.47 ≠ 公务用车购置及运行维护费 5.46 + 公务接待费 0.10 = 5.56 (差 0.09)"


def test_three_public_shanghai_names_and_unrelated_column() -> None:
    prefix = "“三公”经费预算数"
    values = {
        f"{prefix}/合计": "10.71",
        f"{prefix}/因公出国（境）费": "0.00",
        f"{prefix}/公务接待费": "0.73",
        f"{prefix}/公务用车购置及运行费/小计": "9.98",
        f"{prefix}/公务用车购置及运行费/购置费": "0.00",
        f"{prefix}/公务用车购置及运行费/运行费": "9.98",
        "机关运行经费预算数": "184.59",
    }
    checks = check_table(table("three_public", [row("", "", values)]))
    assert len(checks) == 2 and statuses(checks) == {"pass"}
    assert all("184.59" not in c.detail for c in checks)


def test_three_public_missing_subtotal_sums_its_parts() -> None:
    values = {"合计": "10.00", "因公出国（境）费": "1.00", "公务用车购置及运行维护费/公务用车购置费": "2.00"}
    values |= {"公务用车购置及运行维护费/公务用车运行维护费": "3.00", "公务接待费": "4.00"}
    check = only(check_table(table("three_public", [row("", "", values)])), "合计 =")
    assert check.status == "pass"
    assert "公务用车购置及运行维护费/公务用车购置费 2.00" in check.detail


def test_three_public_as_rows() -> None:
    columns = ("预算数", "决算数")
    rows = [
        row("", "合计", dict(zip(columns, ("180.06", "180.06"), strict=True))),
        row("", "1、因公出国（境）费", {}),
        row("", "2、公务用车购置及运行维护费", dict(zip(columns, ("111.95", "111.95"), strict=True))),
        row("", "其中：公务用车购置费", dict(zip(columns, ("37.70", "37.70"), strict=True))),
        row("", "公务用车运行维护费", dict(zip(columns, ("74.25", "74.35"), strict=True))),
        row("", "3、公务接待费", dict(zip(columns, ("68.12", "68.12"), strict=True))),
    ]
    checks = check_table(table("three_public", rows))
    assert [c.status for c in checks if c.name.startswith("合计 =")] == ["rounding", "rounding"]
    cars = [c for c in checks if c.name.startswith("公务用车购置及运行维护费 =")]
    assert [c.status for c in cars] == ["pass", "fail"]
    assert cars[1].detail == (
        "决算数: 公务用车购置及运行维护费 111.95 ≠ 公务用车购置费 37.70 + 公务用车运行维护费 74.35 = 112.05 (差 0.10)"
    )


# ------------------------------------------------------------ across tables


def gpb_expenditure(basic: str = "2,942.21") -> Table:
    values = {"本年支出/小计": "4,723.92", "本年支出/基本支出": basic, "本年支出/项目支出": "1,781.71"}
    return table("gpb_expenditure", [row("", "合计", values)], seq=4, number="公开05表")


def test_cross_table_checks_000() -> None:
    fiscal = table(
        "fiscal_summary",
        [row("", "本年支出合计", {"合计": "4,723.92", "一般公共预算财政拨款": "4,723.92"}, "支出")],
        seq=3,
        number="公开04表",
    )
    tables = [summary_000(), expenditure_000(), fiscal, gpb_expenditure(), basic_000(), three_public_000()]
    checks = check_tables(tables)
    spending = only(checks, "收支总表本年支出合计 = 支出表合计")
    assert spending.status == "pass"
    assert spending.detail == "公开01表 本年支出合计 4,723.92 = 公开03表 合计 4,723.92"
    assert only(checks, "一般公共预算支出表合计").status == "pass"
    basic = only(checks, "(两表)")
    assert basic.status == "pass" and basic.table_seq == 4
    assert (
        basic.detail
        == "公开05表 合计（基本支出） 2,942.21 = 公开06表 人员经费合计 2,579.32 + 公开06表 公用经费合计 362.89 = 2,942.21"
    )
    assert not [c for c in checks if "收入表合计" in c.name]  # no 收入决算表 given


def test_cross_table_fail_and_unit_mismatch() -> None:
    tables = [gpb_expenditure(basic="2,942.00"), basic_000()]
    assert only(check_tables(tables), "(两表)").status == "fail"
    other_unit = [gpb_expenditure(), table("gpb_basic", list(basic_000().rows), unit="元")]
    assert not [c for c in check_tables(other_unit) if "(两表)" in c.name]


# ------------------------------------------------------------ summary


def test_summarize() -> None:
    tables = [summary_000(income_total="4,724.92"), expenditure_000(), three_public_000()]
    checks = check_tables(tables)
    result = summarize(tables, checks)
    assert isinstance(result, ValidationSummary)
    assert result.found == ("three_public", "summary", "expenditure")
    assert set(result.missing) == set(STANDARD_KEYS) - {"three_public", "summary", "expenditure"}
    assert result.passed + result.failed + result.rounding == len(checks)
    assert result.rounding == 2  # the two 三公 合计
    assert result.failed == len(result.failures) >= 2
    assert any("收入总计 4,724.92 ≠ 支出总计 4,723.92" in d for d in result.failures)
    assert not result.ok
    with pytest.raises(AttributeError):
        result.failed = 0  # type: ignore[misc]


def test_summarize_nothing() -> None:
    result = summarize([], [])
    assert result.found == () and result.missing == STANDARD_KEYS
    assert (result.passed, result.failed, result.rounding, result.failures) == (0, 0, 0, ())
    assert result.ok


def test_summary_total_spanning_column_groups_checks_each_group() -> None:
    """Jiangsu 收支预算总表: 支出合计 printed once across 功能分类 and 支出用途 (its figure in the
    支出用途 金额 column); the 功能分类 rows are printed above it, the 支出用途 rows at the top
    right. Each group's rows add up to it; rows printed below the total are not parts."""

    def at(r: Row, top: float) -> Row:
        return Row(r.code, r.label, r.cells, Location(page=8, bbox=(0.0, top, 1.0, top + 1)), r.group)

    rows = [
        at(row("", "四、公共安全支出", {"功能分类/金额": "27,488.23"}, "支出"), 300),
        at(row("", "十八、住房保障支出", {"功能分类/金额": "7,344.46"}, "支出"), 600),
        at(row("", "当年支出小计", {"支出用途/金额": "34,832.69"}, "支出"), 700),
        at(row("", "结转下年资金", {"支出用途/金额": ""}, "支出"), 720),
        at(row("", "支出合计", {"支出用途/金额": "34,832.69"}, "支出"), 740),
        at(row("", "一、基本支出", {"支出用途/金额": "21,968.00"}, "支出"), 240),
        at(row("", "二、项目支出", {"支出用途/金额": "12,864.69"}, "支出"), 260),
    ]
    checks = check_table(table("summary", rows))
    assert statuses(checks) == {"pass"}
    by_group = only(checks, "(功能分类/金额)")
    assert by_group.detail.endswith("27,488.23 + 十八、住房保障支出 7,344.46 = 34,832.69")
    assert "一、基本支出 21,968.00 + 二、项目支出 12,864.69" in only(checks, "(支出用途/金额)").detail


def test_total_without_any_part_figure_in_its_column_is_not_checked() -> None:
    rows = [
        row("", "一、基本支出", {"预算数": "10.00"}, "支出"),
        row("", "支出合计", {"决算数": "10.00"}, "支出"),
    ]
    assert [c for c in check_table(table("summary", rows)) if "Σ 支出类" in c.name] == []
