"""Continuation pages laid onto the previous page's columns by position (ingest/pdf_merge.py)."""

from __future__ import annotations

from ingest.model import Location
from ingest.pdf_merge import align_rows
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
