"""Continuation pages laid onto the previous page's columns by position, and rows cut by a
page break joined back (ingest/pdf_merge.py)."""

from __future__ import annotations

from ingest.model import Location
from ingest.pdf_layout import Glyph
from ingest.pdf_merge import PageTable, align_rows, fills_cell, join_cut_row, merge_continuations, wrap_widths
from ingest.rawtable import RawCell, RawRow


def _cell(text: str, x0: float, x1: float) -> RawCell:
    return RawCell(text, Location(page=1, bbox=(x0, 0.0, x1, 10.0)))


# The page before: 3 columns (code | label spanning two thin columns | amount), as WPS draws them.
PREVIOUS: list[RawRow] = [
    (_cell("科目编码", 0, 60), _cell("科目名称", 60, 200), None, _cell("金额", 200, 260)),
    (_cell("201", 0, 60), _cell("一般公共服务支出", 60, 120), _cell("", 120, 200), _cell("10.00", 200, 260)),
]


def test_cells_land_in_the_column_that_holds_them() -> None:
    # the continuation prints 3 cells; words narrower than their column still land in it
    rows = [(_cell("2010301", 2, 50), _cell("行政运行", 65, 190), _cell("8.00", 230, 258))]
    (row,) = align_rows(PREVIOUS, rows) or [()]
    assert [c.text if c else None for c in row] == ["2010301", "行政运行", "", "8.00"]


def test_a_cell_outside_every_column_means_another_table() -> None:
    assert align_rows(PREVIOUS, [(_cell("99.00", 300, 360),)]) is None


def test_two_printed_cells_in_one_column_mean_another_table() -> None:
    assert align_rows(PREVIOUS, [(_cell("1.00", 205, 225), _cell("2.00", 235, 255))]) is None


# ---------------------------------------------------------------- rows cut by a page break


def _at(text: str, page: int, x0: float, x1: float) -> RawCell:
    return RawCell(text, Location(page=page, bbox=(x0, 0.0, x1, 10.0)))


def _glyphs(text: str, x0: float, top: float = 0.0, size: float = 9.0) -> list[Glyph]:
    return [Glyph(ch, x0 + k * size, x0 + (k + 1) * size, top, top + size, size) for k, ch in enumerate(text)]


def _words(row: tuple[RawCell | None, ...] | None) -> list[str | None]:
    return [c.text if c else None for c in row] if row is not None else []


# the foot of page 7: a label cut after its first line, its figure printed with it
CUT = _at("八、社会保障和就", 7, 0, 72)
LAST: RawRow = (_at("", 7, 0, 40), CUT, _at("1,608.51", 7, 112, 160))


def test_the_rest_of_a_cut_label_joins_the_row_above() -> None:
    first: RawRow = (_at("", 8, 0, 40), _at("业支出", 8, 0, 72), _at("", 8, 112, 160))
    joined = join_cut_row(LAST, first, {CUT.location})
    assert _words(joined) == ["", "八、社会保障和就业支出", "1,608.51"]
    assert joined is not None and joined[1] is not None and joined[1].location == CUT.location


def test_a_row_of_its_own_is_never_joined() -> None:
    for texts in (
        ("", "九、医疗卫生支出", ""),  # a new item
        ("", "其中：行政运行", ""),
        ("20805", "", ""),  # a code under an empty cell
        ("", "业支出", "5.00"),  # a figure: the row has its own
        ("", "", ""),  # nothing printed
    ):
        first: RawRow = tuple(_at(t, 8, 0, 40) for t in texts)
        assert join_cut_row(LAST, first, {CUT.location}) is None, texts


def test_no_join_under_a_label_that_does_not_fill_its_cell() -> None:
    first: RawRow = (_at("", 8, 0, 40), _at("小计", 8, 0, 72), _at("", 8, 112, 160))
    assert join_cut_row(LAST, first, set()) is None


def test_no_join_of_a_header_under_a_figure() -> None:
    first: RawRow = (_at("", 8, 0, 40), _at("", 8, 0, 72), _at("金额", 8, 112, 160))
    assert join_cut_row(LAST, first, {CUT.location, LAST[2].location}) is None  # type: ignore[union-attr]


def test_a_full_last_line_fills_its_cell() -> None:
    box = (0.0, 0.0, 73.0, 20.0)
    assert fills_cell(_glyphs("八、社会保障和就", 0.5), box)  # 72 pt of text in 73 pt
    assert not fills_cell(_glyphs("小计", 0.5), box)
    assert not fills_cell([], box)
    # a producer leaving 5 pt of padding each side: full when as wide as the column's wrapped lines
    padded = (0.0, 0.0, 82.0, 20.0)
    assert not fills_cell(_glyphs("八、社会保障和就", 5.0), padded)
    wrapped = [(_glyphs("七、文化体育与传", 5.0) + _glyphs("媒支出", 5.0, top=12.0), padded)]
    assert wrap_widths(wrapped) == 72.0
    assert fills_cell(_glyphs("八、社会保障和就", 5.0), padded, wrap_widths(wrapped))
    assert not fills_cell(_glyphs("二十、其他", 5.0), padded, wrap_widths(wrapped))


def test_merge_joins_the_cut_row_and_keeps_the_rest() -> None:
    page7 = PageTable(
        page=7,
        bbox=(0, 0, 160, 800),
        rows=[LAST],
        title="收支预算总表",
        last_page=7,
        open_cells={CUT.location},
    )
    page8 = PageTable(
        page=8,
        bbox=(0, 0, 160, 800),
        rows=[
            (_at("", 8, 0, 40), _at("业支出", 8, 0, 72), _at("", 8, 112, 160)),
            (_at("", 8, 0, 40), _at("九、医疗卫生支出", 8, 0, 72), _at("", 8, 112, 160)),
        ],
        last_page=8,
    )
    (table,) = merge_continuations([page7, page8], "test.pdf")
    assert [_words(r) for r in table.rows] == [
        ["", "八、社会保障和就业支出", "1,608.51"],
        ["", "九、医疗卫生支出", ""],
    ]
    assert table.pages == (7, 8)
