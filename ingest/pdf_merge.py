"""Join what a page break splits: a table continued on the next page, and a row cut in two.

A table continued on the next page is printed again as a new grid, often with a
different cell structure: WPS and Acrobat drop merged header cells, so the
continuation may have one column fewer or more than the page before. Columns are
matched by their position on the page (the x-range of the cells that print them),
not by their index.

A row may also be cut by the page foot: WPS prints the first line of a wrapped label
(``八、社会保障和就``, with the row's figures) at the foot of one page and the rest
(``业支出``) in a row of its own at the top of the next. Such a cut row is joined back
only when the label's last line on the first page fills its cell (see
:func:`fills_cell`) and the next page's first row carries nothing but the rest of
labels cut that way: no figure, no new item (``九、``, a code, ``其中``).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from ingest.model import BBox, Location
from ingest.numbers import looks_like_number
from ingest.pdf_layout import Glyph, group_lines, starts_item
from ingest.rawtable import RawCell, RawRow, RawTable

logger = logging.getLogger(__name__)

_MIN_SHARE = 0.5
"""A cell belongs to a column when at least this share of its width lies in the column cell's x-range."""
_NEW_ROW_WORDS = ("其中",)
"""A label starting with one of these opens a row of its own, never the rest of a cut label."""


@dataclass
class PageTable:
    """A table on one page (before continuation pages are merged).

    ``open_cells`` are the locations of label cells whose last printed line fills the
    cell (:func:`fills_cell`): a page break after them may have cut their text.
    """

    page: int
    bbox: BBox
    rows: list[RawRow]
    title: str = ""
    number: str = ""
    unit: str = ""
    note: str = ""
    caption: str = ""
    text_above: bool = False
    text_below: bool = False
    last_page: int = 0
    open_cells: set[Location] = field(default_factory=set)


def cell_spans(rows: list[RawRow]) -> list[tuple[int, float, float]]:
    """(column index, x0, x1) of every distinct printed cell box in ``rows``."""
    seen: dict[tuple[int, int, int], tuple[int, float, float]] = {}
    for row in rows:
        for i, cell in enumerate(row):
            if cell is None or cell.location.bbox is None:
                continue
            x0, _, x1, _ = cell.location.bbox
            seen.setdefault((i, round(x0), round(x1)), (i, x0, x1))
    return list(seen.values())


def _fit(cell: tuple[float, float], column: tuple[float, float]) -> tuple[float, float]:
    """(share of the cell's width inside the column, rounded; intersection over union)."""
    inter = max(0.0, min(cell[1], column[1]) - max(cell[0], column[0]))
    union = max(cell[1], column[1]) - min(cell[0], column[0])
    return round(inter / max(cell[1] - cell[0], 1e-6), 2), (inter / union if union > 0 else 0.0)


def align_rows(previous: list[RawRow], rows: list[RawRow]) -> list[RawRow] | None:
    """``rows`` re-laid onto ``previous``'s columns, or ``None`` when they do not fit.

    Each printed cell of ``rows`` goes to the column of the cell of ``previous`` whose
    x-range holds most of it (at least half; the closest fit among equals); a row whose printed cell
    matches none, or two cells of a row landing in one column, means the grids differ.
    """
    spans = cell_spans(previous)
    width = max((len(r) for r in previous), default=0)
    if not spans or not width:
        return None
    out: list[RawRow] = []
    for row in rows:
        placed: list[RawCell | None] = [RawCell("") for _ in range(width)]
        taken: set[int] = set()
        for cell in row:
            if cell is None:
                continue
            if cell.location.bbox is None:
                if not cell.text:
                    continue
                return None
            x0, _, x1, _ = cell.location.bbox
            # the share of the cell inside the column's cell first, then how well they coincide
            (share, _), column = max((_fit((x0, x1), (a, b)), i) for i, a, b in spans)
            if share < _MIN_SHARE:
                if not cell.text:
                    continue
                return None
            if column in taken and cell.text:
                return None
            if cell.text or column not in taken:
                placed[column] = cell
            taken.add(column)
        out.append(tuple(placed))
    return out


def _texts(row: RawRow) -> tuple[str | None, ...]:
    return tuple(None if c is None else c.text for c in row)


def continuation_rows(previous: list[RawRow], rows: list[RawRow]) -> list[RawRow] | None:
    """The rows a continuation page adds: a grid of the same width less the header rows it
    repeats, else the rows laid onto the previous columns by position (``None`` if they don't fit)."""
    if (len(previous[0]) if previous else 0) == (len(rows[0]) if rows else 0):
        skip = 0
        while skip < min(len(rows), len(previous)) and _texts(rows[skip]) == _texts(previous[skip]):
            skip += 1
        return rows[skip:]
    return align_rows(previous, rows)


def fills_cell(glyphs: Sequence[Glyph], box: BBox, wrap_width: float = 0.0) -> bool:
    """The last printed line of a cell is full: one more character would not fit on it.

    A line is full when the cell's free width beside it (left and right together) is less
    than one character, or when it is at least as wide, less one character, as
    ``wrap_width``: the widest line other cells of the column wrapped at (0 when no cell
    of the column wraps), which allows for the cell padding a producer leaves.
    """
    lines = group_lines([g for g in glyphs if not g.text.isspace()])
    if not lines:
        return False
    last = lines[-1]
    size = max(g.size for g in last)
    width = last[-1].x1 - last[0].x0
    free = (last[0].x0 - box[0]) + (box[2] - last[-1].x1)
    return free < size or (wrap_width > 0 and width >= wrap_width - size)


def wrap_widths(cells: Sequence[tuple[Sequence[Glyph], BBox]]) -> float:
    """The widest line that is not a cell's last line among ``cells`` (a column's cells):
    the width the producer wraps that column's text at; 0 when no cell wraps."""
    widest = 0.0
    for glyphs, _ in cells:
        for line in group_lines([g for g in glyphs if not g.text.isspace()])[:-1]:
            widest = max(widest, line[-1].x1 - line[0].x0)
    return widest


def _rest_of_label(text: str) -> bool:
    """``text`` can be the rest of a cut label: words, not a figure, code or new item."""
    return not (
        looks_like_number(text) or text[:1].isdigit() or starts_item(text) or text.startswith(_NEW_ROW_WORDS)
    )


def join_cut_row(last: RawRow, first: RawRow, open_cells: Collection[Location]) -> RawRow | None:
    """``last`` (a page's last row) and ``first`` (the next page's first row) as one row,
    when ``first`` is only the rest of labels the page break cut; else ``None``.

    ``first`` must print at least one text, each under a label of ``last`` whose last line
    fills its cell (its location in ``open_cells``) and each the possible rest of a label
    (:func:`_rest_of_label`); any other printed text (a figure, a label under an empty
    or unfilled cell) means ``first`` is a row of its own. Joined cells keep the location of
    the part in ``last``.
    """
    printed = [(i, c) for i, c in enumerate(first) if c is not None and c.text]
    if not printed or len(first) != len(last):
        return None
    joined = list(last)
    for i, cell in printed:
        above = last[i]
        if (
            above is None
            or not above.text
            or above.location not in open_cells
            or looks_like_number(above.text)
            or not _rest_of_label(cell.text)
        ):
            return None
        joined[i] = RawCell(above.text + cell.text, above.location, above.uncertain)
    return tuple(joined)


def merge_continuations(tables: list[PageTable], name: str) -> list[RawTable]:
    """Merge tables continued on the next page (and rows cut by its break); build the :class:`RawTable` list.

    A table continues the one before when it has no title (or repeats its title without a
    number), no text above it, sits on the next page, and the one before ends its page
    without text or note below it.
    """
    merged: list[PageTable] = []
    for table in tables:
        prev = merged[-1] if merged else None
        repeated = prev is not None and bool(table.title) and table.title == prev.title and not table.number
        continues = (
            prev is not None
            and (not table.title or repeated)
            and not table.text_above
            and prev.last_page == table.page - 1
            and not prev.text_below
            and not prev.note
        )
        if prev is not None and continues:
            rows = continuation_rows(prev.rows, table.rows)
            if rows is not None:
                cut = join_cut_row(prev.rows[-1], rows[0], prev.open_cells) if prev.rows and rows else None
                if cut is not None:
                    logger.debug(
                        "%s: a row of %r cut by the break before page %d joined", name, prev.title, table.page
                    )
                    prev.rows[-1] = cut
                    rows = rows[1:]
                prev.rows.extend(rows)
                prev.last_page = table.page
                prev.note = table.note
                prev.text_below = table.text_below
                prev.open_cells = table.open_cells
                logger.debug("%s: table %r continues on page %d", name, prev.title, table.page)
                continue
            logger.info(
                "%s: table on page %d does not fit the columns of the page before: kept apart",
                name,
                table.page,
            )
        merged.append(table)
    return [
        RawTable(
            title=t.title,
            printed_number=t.number,
            unit=t.unit,
            rows=tuple(t.rows),
            note=t.note,
            caption=t.caption,
            pages=(t.page, t.last_page),
        )
        for t in merged
    ]
