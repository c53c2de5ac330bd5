"""The table builder on small grids shaped like the real tables."""

from __future__ import annotations

from decimal import Decimal

from ingest.model import Location, column_label, facts_of
from ingest.rawtable import RawCell, RawTable
from ingest.tables import build_table, normalize_text


def grid(*rows: str, sep: str = "|") -> tuple[tuple[RawCell | None, ...], ...]:
    out = []
    for n, line in enumerate(rows, start=1):
        out.append(tuple(RawCell(t.strip(), Location(line_start=n, line_end=n)) for t in line.split(sep)))
    return tuple(out)


def test_multilevel_header_codes_and_values() -> None:
    raw = RawTable(
        "支出决算表",
        "公开03表",
        "万元",
        grid(
            "项 目||本年支出合计|基本支出|项目支出",
            "科目编码|科目名称|||",
            "栏 次||1|2|3",
            "合 计||4,723.92|2,942.21|1,781.71",
            "2010350.00|事业运行|166.67||166.67",
            "2010301|行政运行|2,603.73|2,603.73|",
        ),
    )
    table = build_table(raw, 3)
    assert table.kind == "expenditure"
    assert table.columns == (("本年支出合计",), ("基本支出",), ("项目支出",))
    assert [r.code for r in table.rows] == ["", "2010350", "2010301"]
    assert table.rows[0].label == "合计"
    run = table.rows[1]
    assert [(column_label(c.column), c.value) for c in run.cells] == [
        ("本年支出合计", Decimal("166.67")),
        ("项目支出", Decimal("166.67")),
    ]
    assert run.cells[0].location.line_start == 5
    facts = facts_of("r1", table)
    assert len(facts) == 3 + 2 + 2
    assert all(f.unit == "万元" for f in facts)


def test_side_by_side_groups_unfold_with_orphan_total() -> None:
    raw = RawTable(
        "一般公共预算财政拨款基本支出决算明细表",
        "公开06表",
        "万元",
        grid(
            "人员经费|||公用经费|||||",
            "科目编码|科目名称|金额|科目编码|科目名称|金额|科目编码|科目名称|金额",
            "301|工资福利支出|2,402.52|302|商品和服务支出|333.95|307|债务利息及费用支出|",
            "30101|基本工资|498.74|30201|办公费|13.76|310|资本性支出|28.94",
            "人员经费合计||2,579.32|公用经费合计|||||362.89",
        ),
    )
    table = build_table(raw, 5)
    groups = {(r.group, r.code or r.label): r for r in table.rows}
    assert ("人员经费", "301") in groups and ("公用经费", "310") in groups
    assert groups[("公用经费", "302")].cells[0].column == ("金额",)
    total = groups[("公用经费", "公用经费合计")]
    assert total.cells[0].value == Decimal("362.89")
    assert groups[("人员经费", "人员经费合计")].cells[0].value == Decimal("2579.32")


def test_three_level_header_single_unlabelled_row() -> None:
    raw = RawTable(
        "财政拨款“三公”经费支出决算表",
        "公开09表",
        "万元",
        grid(
            "预 算 数||||||决 算 数|||||",
            "合计|因公出国(境)费|公务用车购置及运行维护费|||公务接待费|合计|因公出国(境)费|公务用车购置及运行维护费|||公务接待费",
            "||小计|公务用车购置费|公务用车运行维护费|||| 小计|公务用车购置费|公务用车运行维护费|",
            "1|2|3|4|5|6|7|8|9|10|11|12",
            "180.06||111.95|37.70|74.25|68.12|180.06|0.00|111.95|37.70|74.25|68.12",
        ),
    )
    table = build_table(raw, 8)
    assert table.kind == "three_public"
    assert ("决算数", "公务用车购置及运行维护费", "公务用车运行维护费") in table.columns
    assert ("预算数", "因公出国（境）费") in table.columns
    (row,) = table.rows
    by_column = {column_label(c.column): c.value for c in row.cells}
    assert by_column["决算数 / 公务接待费"] == Decimal("68.12")
    assert by_column["决算数 / 因公出国（境）费"] == Decimal("0")  # printed 0.00
    assert "预算数 / 因公出国（境）费" not in by_column  # blank: no figure


def test_split_code_columns_are_joined() -> None:
    raw = RawTable(
        "2026年部门一般公共预算支出功能分类预算表",
        "",
        "元",
        grid(
            "功能分类科目编码|||功能分类科目名称|合计|基本支出|项目支出",
            "类|款|项||||",
            "204|||公共安全支出|96,282,200.00|5,000.00|1,000.00",
            "204|06|01|行政运行|919739.00|919739.00|0.00",
        ),
    )
    table = build_table(raw, 0)
    assert [r.code for r in table.rows] == ["204", "2040601"]
    assert table.rows[1].cells[0].value == Decimal("919739.00")
    assert table.rows[1].cells[2].value == Decimal("0.00")
    assert table.unit == "元"


def test_repeated_header_rows_are_dropped_and_template_has_no_figures() -> None:
    raw = RawTable(
        "收入决算表",
        "",
        "万元",
        grid(
            "科目编码|科目名称|本年收入合计|财政拨款收入",
            "合计||XX|XX",
            "科目编码|科目名称|本年收入合计|财政拨款收入",
            "201|一般公共服务支出||",
        ),
    )
    table = build_table(raw, 1)
    assert [r.code or r.label for r in table.rows] == ["合计", "201"]
    assert facts_of("t", table) == []


def test_normalize_text() -> None:
    assert normalize_text("收 入") == "收入"
    assert normalize_text("因公出国 (境)费") == "因公出国（境）费"
    assert normalize_text("一般公共预\n算财政拨款") == "一般公共预算财政拨款"


def merged_grid(*rows: str) -> tuple[tuple[RawCell | None, ...], ...]:
    """Like :func:`grid`, with ``·`` for a cell covered by a merged cell (``None``)."""
    return tuple(tuple(None if c is not None and c.text == "·" else c for c in row) for row in grid(*rows))


def test_three_groups_each_under_its_own_header() -> None:
    """Jiangsu 收支预算总表: 收入 | 支出-功能分类 | 支出-支出用途, the 支出用途 header cell drawn
    over 功能分类's 金额 column too; each figure belongs to the group of its label column."""
    raw = RawTable(
        "收支预算总表",
        "公开01表",
        "万元",
        merged_grid(
            "收入|·|支出|·|·|·",
            "项目名称|金额|功能分类|支出用途|·|·",
            "·|·|功能科目名称|金额|项目名称|金额",
            "一、财政拨款|37,188.34|一、一般公共服务支出||一、基本支出|21,968.00",
            "二、其他资金||十八、住房保障支出|7,344.46|二、项目支出|10,208.94",
            "收入合计|37,188.34|支出合计|·|·|37,188.34",
        ),
    )
    table = build_table(raw, 0)
    assert table.columns == (("金额",), ("功能分类", "金额"), ("支出用途", "金额"))
    facts = {(f.row_group, f.row_label, f.column): f.value for f in facts_of("r", table)}
    assert facts[("支出", "十八、住房保障支出", "功能分类 / 金额")] == Decimal("7344.46")
    assert facts[("支出", "二、项目支出", "支出用途 / 金额")] == Decimal("10208.94")
    assert facts[("收入", "一、财政拨款", "金额")] == Decimal("37188.34")
    assert facts[("支出", "支出合计", "支出用途 / 金额")] == Decimal("37188.34")
    assert len(facts) == 6


def test_two_label_columns_give_label_and_parent() -> None:
    """收入预算总表: 一般公共预算资金 | 小计 / 公共财政拨款（补助）资金; the second label column
    has no header of its own, the first is merged down over the rows of its level."""
    raw = RawTable(
        "收入预算总表",
        "表二",
        "万元",
        merged_grid(
            "项目名称||金额",
            "收入总计|·|9,146.79",
            "一般公共预算资金|小计|9,066.79",
            "·|公共财政拨款（补助）资金|9,066.79",
            "其他资金|小计|80.00",
            "·|其他收入|80.00",
        ),
    )
    table = build_table(raw, 1)
    assert table.columns == (("金额",),)
    rows = [(r.group, r.label, [c.text for c in r.cells]) for r in table.rows]
    assert rows == [
        ("", "收入总计", ["9,146.79"]),
        ("一般公共预算资金", "小计", ["9,066.79"]),
        ("一般公共预算资金", "公共财政拨款（补助）资金", ["9,066.79"]),
        ("其他资金", "小计", ["80.00"]),
        ("其他资金", "其他收入", ["80.00"]),
    ]


def test_procurement_levels_and_word_columns() -> None:
    """政府采购表: 品目大类 | 专项 | 经济科目 | 品目 | 组织形式 | 总计. Word columns (经济科目,
    组织形式) do not start a column group; each row's 总计 stays with its own label, the
    upper levels become its group; a 经济科目 row printed without its 专项 takes it from above."""
    raw = RawTable(
        "政府采购支出预算表",
        "公开12表",
        "万元",
        grid(
            "采购品目大类|专项名称|经济科目|采购物品名称|采购组织形式|总计",
            "合计|||||5,227.59",
            "三、服务C|||||3,059.87",
            "|案件审判经费|维修（护）费|||150.00",
            "|||运行维护服务|分散自行组织|150.00",
            "||会议费|||122.10",
            "|||会议服务|分散自行组织|122.10",
            "|江苏法院云平台租赁费|租赁费|||185.00",
            "|||计算机设备和软件租赁服务|政府集中采购|185.00",
        ),
    )
    table = build_table(raw, 11)
    assert table.columns == (("经济科目",), ("采购组织形式",), ("总计",))
    rows = [(r.group, r.label, {column_label(c.column): c.text for c in r.cells}) for r in table.rows]
    assert rows == [
        ("", "合计", {"总计": "5,227.59"}),
        ("", "三、服务C", {"总计": "3,059.87"}),
        ("三、服务C", "案件审判经费", {"经济科目": "维修（护）费", "总计": "150.00"}),
        ("三、服务C / 案件审判经费", "运行维护服务", {"采购组织形式": "分散自行组织", "总计": "150.00"}),
        ("三、服务C", "案件审判经费", {"经济科目": "会议费", "总计": "122.10"}),
        ("三、服务C / 案件审判经费", "会议服务", {"采购组织形式": "分散自行组织", "总计": "122.10"}),
        ("三、服务C", "江苏法院云平台租赁费", {"经济科目": "租赁费", "总计": "185.00"}),
        (
            "三、服务C / 江苏法院云平台租赁费",
            "计算机设备和软件租赁服务",
            {"采购组织形式": "政府集中采购", "总计": "185.00"},
        ),
    ]
