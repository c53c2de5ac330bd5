"""Join a table's continuation page to the rows before it.

A table continued on the next page is printed again as a new grid, often with a
different cell structure: WPS and Acrobat drop merged header cells, so the
continuation may have one column fewer or more than the page before. Columns are
matched by their position on the page (the x-range of the cells that print them),
not by their index. Pure functions over :class:`ingest.rawtable.RawRow`.
"""

from __future__ import annotations

from ingest.rawtable import RawCell, RawRow

_MIN_SHARE = 0.5
"""A cell belongs to a column when at least this share of its width lies in the column cell's x-range."""


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
