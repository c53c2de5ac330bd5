"""Tests for ingest.text_spaced: space-separated tables whose empty cells were dropped.

Real inputs are the nine tables of report 001 (公开01表 … 公开09表); synthetic tables
exercise the placement logic on its own.
"""

from __future__ import annotations

import json
import logging
import re
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.numbers import parse_number
from ingest.rawtable import RawCell, RawTable
from ingest.text_spaced import parse_spaced_table

REPORT = "001_5564e2671ee696e1.txt"

TITLES = {
    1: "收入支出决算总表",
    2: "收入决算表",
    3: "支出决算表",
    4: "财政拨款收入支出决算总表",
    5: "一般公共预算财政拨款支出决算表",
    6: "一般公共预算财政拨款基本支出决算表",
    7: "一般公共预算财政拨款“三公”经费支出决算表",
    8: "政府性基金预算财政拨款收入支出决算表",
    9: "国有资本经营预算财政拨款支出决算表",
}


# ---------------------------------------------------------------- helpers


def table_lines(path: Path, number: int) -> tuple[str, list[tuple[int, str]]]:
    """Title and non-blank (line number, text) lines of 公开NN表, found by its ``公开 NN表`` line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    marks = {
        int(m.group(1)): i
        for i, line in enumerate(lines)
        if (m := re.fullmatch(r"公开\s*(\d\d)表", line.strip()))
    }
    start = marks[number]
    title_at = max(i for i in range(start) if lines[i].strip())
    if number + 1 in marks:
        end = max(i for i in range(marks[number + 1]) if lines[i].strip())  # the next table's title
    else:
        end = next(i for i in range(start, len(lines)) if lines[i].strip() == "第三部分")
    return lines[title_at].strip(), [(i + 1, lines[i]) for i in range(start + 1, end) if lines[i].strip()]


def header_paths(table: RawTable) -> list[tuple[str, ...]]:
    """Column paths as a builder makes them: forward-fill "" from the left, collapse repeats."""
    n = table.header_rows or 0
    filled = []
    for row in table.rows[:n]:
        texts, last = [], ""
        for cell in row:
            last = cell.text if cell is not None and cell.text else last
            texts.append(last)
        filled.append(texts)
    paths = []
    for col in range(len(table.rows[0])):
        path: list[str] = []
        for texts in filled:
            if not path or path[-1] != texts[col]:
                path.append(texts[col])
        paths.append(tuple(path))
    return paths


def body(table: RawTable) -> list[tuple[RawCell, ...]]:
    return [tuple(c for c in row if c is not None) for row in table.rows[table.header_rows or 0 :]]


def find_row(table: RawTable, key: str) -> tuple[RawCell, ...]:
    """The body row holding ``key`` as a code or label."""
    matches = [row for row in body(table) if any(c.text == key for c in row)]
    assert len(matches) == 1, f"{key}: {len(matches)} rows"
    return matches[0]


def cell(table: RawTable, key: str, column: tuple[str, ...]) -> RawCell:
    paths = header_paths(table)
    cols = [i for i, p in enumerate(paths) if p == column]
    assert len(cols) == 1, f"column {column} not unique in {paths}"
    return find_row(table, key)[cols[0]]


def after(table: RawTable, key: str, offset: int = 2) -> RawCell:
    """The cell ``offset`` columns right of ``key`` (基本支出明细表: code → 金额)."""
    row = find_row(table, key)
    return row[next(i for i, c in enumerate(row) if c.text == key) + offset]


def value(c: RawCell) -> Decimal | None:
    return parse_number(c.text)


@pytest.fixture(scope="module")
def tables(text_reports: dict[str, Path]) -> dict[int, RawTable]:
    if REPORT not in text_reports:
        pytest.skip(f"{REPORT} not in shared reports")
    out = {}
    for number, expected_title in TITLES.items():
        title, lines = table_lines(text_reports[REPORT], number)
        assert title == expected_title
        out[number] = parse_spaced_table(title, f"公开{number:02d}表", "万元", lines)
    return out


# ---------------------------------------------------------------- headers and shape


def test_header_rows(tables: dict[int, RawTable]) -> None:
    assert header_paths(tables[1]) == [
        ("收入", "项目"), ("收入", "行次"), ("收入", "金额"), ("支出", "项目"), ("支出", "行次"), ("支出", "金额"),
    ]  # fmt: skip
    assert [c.text for c in tables[2].rows[0]] == [
        "科目编码", "科目名称", "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入",
        "附属单位上缴收入", "其他收入",
    ]  # fmt: skip
    assert tables[2].header_rows == 1
    assert [c.text for c in tables[3].rows[0]][2:] == [
        "本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出",
    ]  # fmt: skip
    assert header_paths(tables[4])[5:] == [
        ("支出", "合计"), ("支出", "一般公共预算财政拨款"), ("支出", "政府性基金预算财政拨款"),
        ("支出", "国有资本经营预算财政拨款"),
    ]  # fmt: skip
    assert header_paths(tables[5])[2:] == [
        ("本年支出", "小计"),
        ("本年支出", "基本支出"),
        ("本年支出", "项目支出"),
    ]
    assert [c.text for c in tables[6].rows[0]] == ["人员经费", "", "", "公用经费", "", "", "", "", ""]
    assert [c.text for c in tables[6].rows[1]] == ["科目编码", "科目名称", "金额"] * 3
    assert header_paths(tables[8])[2:] == [
        ("年初结转和结余",), ("本年收入",), ("本年支出", "小计"), ("本年支出", "基本支出"), ("本年支出", "项目支出"),
        ("年末结转和结余",),
    ]  # fmt: skip


def test_three_public_header_has_three_levels(tables: dict[int, RawTable]) -> None:
    table = tables[7]
    assert table.header_rows == 3
    assert [c.text for c in table.rows[0]] == ["预算数", "", "", "", "", "", "决算数", "", "", "", "", ""]
    car = "公务用车购置及运行维护费"
    assert [c.text for c in table.rows[1]][:6] == ["合计", "因公出国（境）费", car, "", "", "公务接待费"]
    assert all(c.text for c in table.rows[2])  # the lowest level is set for every value column
    assert header_paths(table)[6:] == [
        ("决算数", "合计"), ("决算数", "因公出国（境）费"), ("决算数", car, "小计"), ("决算数", car, "公务用车购置费"),
        ("决算数", car, "公务用车运行维护费"), ("决算数", "公务接待费"),
    ]  # fmt: skip


def test_grid_is_rectangular_and_located(tables: dict[int, RawTable]) -> None:
    for table in tables.values():
        width = len(table.rows[0])
        assert all(len(row) == width for row in table.rows)
        for row in body(table):
            for c in row:
                assert c.location.page is None and c.location.line_start is not None
    assert len(body(tables[1])) == 31  # 行次 1…31; the 栏次 line is dropped
    assert len(body(tables[4])) == 32  # the header repeated after the page break is dropped
    assert not any(c.text in ("一般公共预", "算财政拨款", "合计") for row in body(tables[4]) for c in row)
    assert tables[4].lines == (361, 481)


def test_notes_of_empty_tables(tables: dict[int, RawTable]) -> None:
    assert tables[8].note.startswith("本单位没有政府性基金收入")
    assert "故本表无数据" in tables[9].note
    assert [c.text for c in body(tables[9])[0]] == ["", "合计", "", "", ""]


# ---------------------------------------------------------------- gold cells (dev.jsonl, kind table_lookup)

GOLD = [
    ("s001-005", 1, "九、卫生健康支出", ("支出", "金额"), "37.47"),
    ("s001-006", 2, "2010305", ("本年收入合计",), "209.15"),
    ("s001-007", 2, "20899", ("本年收入合计",), "30.35"),
    ("s001-014", 5, "2210201", ("本年支出", "小计"), "70.93"),
    ("s001-024", 7, "25.00", ("预算数", "合计"), "25.00"),
]


@pytest.mark.parametrize(("qid", "number", "row", "column", "expected"), GOLD)
def test_gold_cells(
    tables: dict[int, RawTable], qid: str, number: int, row: str, column: tuple, expected: str
) -> None:
    c = cell(tables[number], row, column)
    assert value(c) == Decimal(expected)
    assert not c.uncertain


@pytest.mark.parametrize(("qid", "code", "group", "expected", "line"), [
    ("s001-017", "30309", 0, "30.37", 600),
    ("s001-018", "30201", 1, "24.66", 549),
])  # fmt: skip
def test_gold_basic_expenditure(
    tables: dict[int, RawTable], qid: str, code: str, group: int, expected: str, line: int
) -> None:
    table = tables[6]
    amount = after(table, code)
    assert value(amount) == Decimal(expected) and not amount.uncertain
    assert amount.location.line_start == line
    code_col = next(i for i, c in enumerate(find_row(table, code)) if c.text == code)
    assert code_col == 3 * group  # 人员经费 | 公用经费 | 公用经费
    totals = find_row(table, "人员经费合计")
    assert (
        totals[0].text == "" and totals[1].text == "人员经费合计" and value(totals[2]) == Decimal("1022.32")
    )  # s001-022
    assert totals[4].text == "公用经费合计" and value(totals[5]) == Decimal("151.01")


def test_gold_file_agrees(shared_dir: Path) -> None:
    """The expectations above are those of dev.jsonl."""
    gold = {}
    for line in (shared_dir / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if REPORT in item["report"] and item["kind"] == "table_lookup":
            gold[item["id"]] = item
    for qid, number, _, column, expected in GOLD:
        assert Decimal(gold[qid]["answer"]) == Decimal(expected)
        assert gold[qid]["location"].startswith(f"公开{number:02d}表")
    assert gold["s001-017"]["answer"] == "30.37" and gold["s001-018"]["answer"] == "24.66"
    assert gold["s001-022"]["answer"] == "1022.32"


# ---------------------------------------------------------------- placement on the real tables


def test_three_public_row(tables: dict[int, RawTable]) -> None:
    """8 numbers over 12 columns: 合计/小计/接待 are certain, 出国 is certainly empty,
    and the 11.00 under 公务用车 could be 购置费 or 运行维护费 (placed under 运行维护费, uncertain)."""
    (row,) = body(tables[7])
    assert [c.text for c in row] == [
        "25.00", "", "11.00", "", "11.00", "14.00", "24.86", "", "11.00", "", "11.00", "13.86",
    ]  # fmt: skip
    assert [c.uncertain for c in row] == [False, False, False, True, True, False] * 2
    assert all(c.location.line_start == 681 for c in row if c.text)


def test_summary_half_rows(tables: dict[int, RawTable]) -> None:
    table = tables[1]
    assert [c.text for c in find_row(table, "八、其他收入")] == [
        "八、其他收入",
        "8",
        "",
        "八、社会保障和就业支出",
        "39",
        "124.00",
    ]
    assert [c.text for c in find_row(table, "61")] == ["", "30", "", "", "61", ""]
    assert [c.text for c in find_row(table, "年初结转和结余")][2] == "4.53"
    assert not any(c.uncertain for row in body(table) for c in row)


def test_fiscal_summary_funds_decide(tables: dict[int, RawTable]) -> None:
    """Only 一般公共预算 has income or 结转, so the second number of each 支出 row is certain."""
    table = tables[4]
    assert [c.text for c in find_row(table, "一、一般公共服务支出")][5:] == ["1,150.08", "1,150.08", "", ""]
    assert [c.text for c in find_row(table, "一般公共预算财政拨款")] == [
        "一般公共预算财政拨款",
        "29",
        "4.53",
        "",
        "61",
        "",
        "",
        "",
        "",
    ]
    assert not any(c.uncertain for row in body(table) for c in row)
    for row in body(table):
        parts = [value(c) or 0 for c in row[6:9]]
        assert (value(row[5]) or 0) == sum(parts)


def _check_identities(table: RawTable, first_value: int) -> None:
    rows = {
        row[0].text or row[1].text: [value(c) or Decimal(0) for c in row[first_value:]] for row in body(table)
    }
    for key, values in rows.items():
        assert abs(values[0] - sum(values[1:])) <= Decimal("0.01"), key
        children = [
            v for k, v in rows.items() if k.isdigit() and len(k) == len(key) + 2 and k.startswith(key)
        ]
        if key == "合计":
            children = [v for k, v in rows.items() if len(k) == 3]
        if children:
            for j in range(len(values)):
                assert abs(values[j] - sum(c[j] for c in children)) <= Decimal("0.01"), (key, j)


def test_expenditure_by_function_is_certain(tables: dict[int, RawTable]) -> None:
    """公开05表: the 合计 row fills all three columns, so the families decide every row."""
    table = tables[5]
    _check_identities(table, 2)
    assert not any(c.uncertain for row in body(table) for c in row)
    assert value(cell(table, "2010305", ("本年支出", "项目支出"))) == Decimal("209.15")
    assert value(cell(table, "2210201", ("本年支出", "基本支出"))) == Decimal("70.93")


def test_income_and_expenditure_tables(tables: dict[int, RawTable]) -> None:
    """公开02/03表: totals are certain; which part column holds the rest cannot be known
    from the table alone, so those cells are uncertain but consistent across rows."""
    income, spending = tables[2], tables[3]
    _check_identities(income, 2)
    _check_identities(spending, 2)
    for row in body(income):
        assert not row[2].uncertain
        assert row[3].text == row[2].text and row[3].uncertain  # 财政拨款收入, the likeliest
    assert not cell(spending, "合计", ("本年支出合计",)).uncertain
    basic = cell(spending, "2010301", ("基本支出",))
    project = cell(spending, "2010305", ("项目支出",))
    assert (value(basic), value(project)) == (Decimal("940.93"), Decimal("209.15"))
    assert basic.uncertain and project.uncertain
    assert cell(spending, "2010301", ("项目支出",)).text == ""


def test_wrapped_labels(tables: dict[int, RawTable]) -> None:
    table = tables[6]
    row = find_row(table, "30108")
    assert row[1].text == "机关事业单位基本养老保险缴费"
    assert (row[1].location.line_start, row[1].location.line_end) == (560, 562)
    assert value(row[2]) == Decimal("77.37") and row[2].location.line_start == 563
    assert [c.text for c in row[3:]] == ["30206", "电费", "", "31001", "房屋建筑物购建", ""]
    assert find_row(table, "31007")[7].text == "信息网络及软件购置更新"
    assert find_row(table, "39908")[7].text == "对民间非营利组织和群众性自治组织补贴"
    assert [c.text for c in find_row(table, "30299")[:6]] == [
        "",
        "",
        "",
        "30299",
        "其他商品和服务支出",
        "41.11",
    ]
    assert find_row(table, "399")[6].text == "399"


# ---------------------------------------------------------------- synthetic placement


def lines_of(*texts: str) -> list[tuple[int, str]]:
    return list(enumerate(texts, 1))


THREE_PUBLIC_HEADER = (
    "预 算 数 决 算 数",
    "合计",
    "因公出国",
    "（境）费 小计",
    "公务接待费",
    "1 2 3 4 5 6 7 8 9 10 11 12",
)


def test_identity_decides_a_short_row() -> None:
    """预算数 25 = 出国 11 + 接待 14 is the only placement where 小计 = 购置 + 运行 holds."""
    table = parse_spaced_table(
        "“三公”经费支出决算表",
        "",
        "万元",
        lines_of(*THREE_PUBLIC_HEADER, "25.00 11.00 14.00 25.00 11.00 14.00"),
    )
    (row,) = body(table)
    assert [c.text for c in row[:6]] == ["25.00", "11.00", "", "", "", "14.00"]
    assert not any(c.uncertain for c in row)


def test_identity_cannot_decide_marks_uncertain() -> None:
    header = ("项 目 本年支出", "科目编码 科目名称 小计 基本支出 项目支出", "栏 次 1 2 3")
    table = parse_spaced_table(
        "一般公共预算财政拨款支出决算表", "", "万元", lines_of(*header, "2010301 行政运行 100.00 100.00")
    )
    (row,) = body(table)
    assert [c.text for c in row] == ["2010301", "行政运行", "100.00", "100.00", ""]
    assert [c.uncertain for c in row] == [False, False, False, True, True]


def test_family_decides_children() -> None:
    header = ("项 目 本年支出", "科目编码 科目名称 小计 基本支出 项目支出", "栏 次 1 2 3")
    rows = ("合 计 150.00 100.00 50.00", "201 一般公共服务支出 150.00 100.00 50.00",
            "20103 政府办公厅 150.00 100.00 50.00", "2010301 行政运行 100.00 100.00", "2010302 一般行政管理事务 50.00 50.00")  # fmt: skip
    table = parse_spaced_table("一般公共预算财政拨款支出决算表", "", "万元", lines_of(*header, *rows))
    assert [c.text for c in find_row(table, "2010301")[2:]] == ["100.00", "100.00", ""]
    assert [c.text for c in find_row(table, "2010302")[2:]] == ["50.00", "", "50.00"]
    assert not any(c.uncertain for row in body(table) for c in row)


def test_rounding_within_a_cent_is_accepted() -> None:
    header = ("项 目 本年支出", "科目编码 科目名称 小计 基本支出 项目支出", "栏 次 1 2 3")
    table = parse_spaced_table(
        "一般公共预算财政拨款支出决算表", "", "万元", lines_of(*header, "合 计 1,382.47 1,173.33 209.15")
    )
    assert [c.text for c in body(table)[0][2:]] == ["1,382.47", "1,173.33", "209.15"]


def test_too_many_numbers_are_reported(caplog: pytest.LogCaptureFixture) -> None:
    header = ("项 目 本年支出", "科目编码 科目名称 小计 基本支出 项目支出", "栏 次 1 2 3")
    with caplog.at_level(logging.WARNING, logger="ingest.text_spaced"):
        table = parse_spaced_table(
            "一般公共预算财政拨款支出决算表", "", "万元", lines_of(*header, "201 x 3.00 1.00 2.00 9.00")
        )
    assert "9.00" in caplog.text
    assert [c.text for c in body(table)[0][2:]] == ["3.00", "1.00", "2.00"]


def test_only_final_accounts_block() -> None:
    header = ("决 算 数", "合计", "因公出国（境）费", "小计", "公务接待费", "1 2 3 4 5 6")
    table = parse_spaced_table("“三公”经费支出决算表", "", "万元", lines_of(*header, "10.00 4.00 4.00 6.00"))
    assert len(table.rows[0]) == 6
    (row,) = body(table)
    assert [c.text for c in row] == ["10.00", "", "4.00", "", "4.00", "6.00"]
    assert [c.uncertain for c in row] == [False, False, False, True, True, False]


def test_unit_and_title_lines_are_skipped() -> None:
    lines = lines_of("收入支出决算总表", "公开 01表", "单位：某单位 金额单位：万元", "收 入 支 出",
                     "项 目 行次 金额 项 目 行次 金额", "本年收入合计 1 5.00 本年支出合计 2 5.00")  # fmt: skip
    table = parse_spaced_table("收入支出决算总表", "公开01表", "", lines)
    assert table.unit == "万元" and table.header_rows == 2
    assert [c.text for c in body(table)[0]] == ["本年收入合计", "1", "5.00", "本年支出合计", "2", "5.00"]


def test_spending_half_without_label() -> None:
    lines = lines_of("收 入 支 出", "项 目 行次 金额 项 目 行次 金额", "本年收入合计 27 5.00 5.00")
    (row,) = body(parse_spaced_table("收入支出决算总表", "", "万元", lines))
    assert [(c.text, c.uncertain) for c in row] == [
        ("本年收入合计", False), ("27", False), ("5.00", False), ("", False), ("", False), ("5.00", True),
    ]  # fmt: skip


def test_unknown_table_keeps_every_printed_cell() -> None:
    lines = lines_of("序号 项目名称 自评得分 自评等级", "1 劳务费 96.5 优", "2 信息公开 98", "合 计 194.5")
    table = parse_spaced_table("项目支出绩效自评情况汇总表", "", "", lines)
    assert table.header_rows is None
    assert [c.text for c in table.rows[1]] == ["1", "劳务费", "96.5", "优"]
    assert [(c.text, c.uncertain) for c in table.rows[2]] == [
        ("2", True),
        ("信息公开", False),
        ("98", True),
        ("", False),
    ]
    assert [c.text for c in table.rows[3]][:2] == ["合计", "194.5"]
    assert table.rows[3][1].location.line_start == 4
