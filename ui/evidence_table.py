"""The cited table: laid out as a grid, as HTML with the cited row and cell highlighted,
and as CSV. Used by :mod:`ui.evidence`; no web framework.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.model import COLUMN_SEPARATOR, Fact
from ingest.store import FactStore, TableRecord
from qa.model import Citation

BBox = tuple[float, float, float, float]

WINDOW_ROWS = 12
"""Rows shown before and after the cited row of a long table (the CSV has them all)."""
LONG_TABLE = 2 * WINDOW_ROWS + 6
# Highlights carry their own dark text: readable on the light tint in light and dark mode alike.
HIT_ROW_STYLE = "background:#fff4c2;color:#1a1a1a"
HIT_CELL_STYLE = "background:#ffd54f;color:#000;outline:3px solid #d9480f;outline-offset:-3px;font-weight:700"
MARK_STYLE = "background:#ffd54f;color:#000;padding:0 2px"
_TABLE_STYLE = "border-collapse:separate;border-spacing:0;font-size:13px;white-space:nowrap"
_CELL = "border:1px solid #ccc;padding:3px 6px"
_THEAD = "position:sticky;top:0;z-index:2"
"""The header stays in view while a long table scrolls."""
_HEAD = "background:var(--background-fill-secondary,#f3f4f6);color:var(--body-text-color,#111)"
_SUBDUED = "color:var(--body-text-color-subdued,#555)"


# ---- tables ------------------------------------------------------------------------------


def find_table(store: FactStore, citation: Citation) -> TableRecord | None:
    """The table a citation names (``公开09表 财政拨款“三公”经费支出决算表``), if any."""
    if not citation.table:
        return None
    tables = store.tables(citation.report_id)
    for table in tables:
        if f"{table.printed_number} {table.title}".strip() == citation.table.strip():
            return table
    for table in tables:  # a table cited by title or number alone
        if (
            table.title
            and table.title in citation.table
            or table.printed_number
            and citation.table.startswith(table.printed_number)
        ):
            return table
    return None


def row_name(fact: Fact) -> str:
    """``公用经费 30217 公务接待费``: how citations name a row."""
    return " ".join(p for p in (fact.row_group, fact.row_code, fact.row_label) if p)


def cited_fact(facts: Sequence[Fact], citation: Citation) -> Fact | None:
    """The cell a citation points to: by its box, else by row and column, else by the quote."""
    if citation.bbox is not None:
        for f in facts:
            if f.bbox is not None and f.page == citation.page and _close(f.bbox, citation.bbox):
                return f
    same_place = [f for f in facts if row_name(f) == citation.row and f.column == citation.column]
    if same_place:
        return next((f for f in same_place if f.text == citation.quote), same_place[0])
    same_text = [f for f in facts if citation.quote and f.text == citation.quote]
    return same_text[0] if len(same_text) == 1 else None


def _close(a: BBox, b: BBox, tolerance: float = 0.5) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


Row = tuple[int, str, str, str]
"""``(row_index, group, code, label)`` of a table row."""


def stored_rows(store: FactStore, report_id: str, table_seq: int) -> list[Row]:
    """Every row of a table as printed, including rows with no figure (blank or ``-``)."""
    found = store.connection.execute(
        "SELECT row_index, grp, code, label FROM table_rows WHERE report_id = ? AND table_seq = ?"
        " ORDER BY row_index",
        (report_id, table_seq),
    ).fetchall()
    return [(int(i), g or "", c or "", label or "") for i, g, c, label in found]


@dataclass
class Grid:
    """A table's numeric cells laid out as rows × columns."""

    columns: list[str]
    rows: list[tuple[int, str, str, str]]
    """``(row_index, group, code, label)`` in table order."""
    cells: dict[tuple[int, str], Fact] = field(default_factory=dict)

    @property
    def has_group(self) -> bool:
        return any(r[1] for r in self.rows)

    @property
    def has_code(self) -> bool:
        return any(r[2] for r in self.rows)


def grid_of(table: TableRecord | None, facts: Sequence[Fact], all_rows: Sequence[Row] = ()) -> Grid:
    """Lay out ``facts`` (the cells of one table) as a grid, in the table's column order.

    Args:
        table: the table's record (column order), if known.
        facts: the table's numeric cells.
        all_rows: every row of the table (:func:`stored_rows`): rows without a figure are
            kept, with blank cells, where the table prints them.
    """
    columns = [c for c in (table.columns if table else ()) if c]
    for f in facts:
        if f.column not in columns:
            columns.append(f.column)
    rows: dict[int, tuple[int, str, str, str]] = {r[0]: r for r in all_rows}
    cells: dict[tuple[int, str], Fact] = {}
    for f in facts:
        rows.setdefault(f.row_index, (f.row_index, f.row_group, f.row_code, f.row_label))
        cells.setdefault((f.row_index, f.column), f)
    used = {c for _, c in cells}
    return Grid([c for c in columns if c in used], [rows[i] for i in sorted(rows)], cells)


def _header_rows(columns: Sequence[str], lead: Sequence[str]) -> str:
    """Multi-level header: column paths split on `` / `` with equal neighbours merged."""
    paths = [c.split(COLUMN_SEPARATOR) for c in columns]
    depth = max((len(p) for p in paths), default=1)
    out = []
    for level in range(depth):
        cells = (
            [f'<th rowspan="{depth}" style="{_CELL};{_HEAD}">{html.escape(t)}</th>' for t in lead]
            if level == 0
            else []
        )
        i = 0
        while i < len(paths):
            path = paths[i]
            if level >= len(path):
                i += 1
                continue
            if level == len(path) - 1:  # a leaf: spans the remaining header rows
                span = depth - level
                cells.append(f'<th rowspan="{span}" style="{_CELL};{_HEAD}">{html.escape(path[level])}</th>')
                i += 1
                continue
            j = i + 1
            while j < len(paths) and len(paths[j]) > level + 1 and paths[j][: level + 1] == path[: level + 1]:
                j += 1
            cells.append(f'<th colspan="{j - i}" style="{_CELL};{_HEAD}">{html.escape(path[level])}</th>')
            i = j
        out.append(f"<tr>{''.join(cells)}</tr>")
    return "".join(out)


def table_html(
    table: TableRecord | None, facts: Sequence[Fact], hit: Fact | None, all_rows: Sequence[Row] = ()
) -> str:
    """The table as HTML with the cited row tinted and the cited cell marked.

    Args:
        table: the table's record (title, unit, column order), if known.
        facts: the table's cells.
        hit: the cited cell; its row gets class ``bq-row-hit`` and the cell ``bq-cell-hit``
            with the value inside ``<mark>``.
        all_rows: every row of the table, so rows without a figure show (blank) as printed.

    Returns:
        An HTML fragment. Long tables show the rows around the cited row, with the
        number of rows left out.
    """
    grid = grid_of(table, facts, all_rows)
    lead = ["分组"] * grid.has_group + ["编码"] * grid.has_code + ["项目"]
    hit_row = hit.row_index if hit is not None else None
    indices = list(range(len(grid.rows)))
    if len(grid.rows) > LONG_TABLE and hit_row is not None:
        at = next(i for i, r in enumerate(grid.rows) if r[0] == hit_row)
        indices = list(range(max(0, at - WINDOW_ROWS), min(len(grid.rows), at + WINDOW_ROWS + 1)))
    span = len(lead) + len(grid.columns)
    body = []
    if indices and indices[0] > 0:
        body.append(
            f'<tr><td colspan="{span}" style="{_CELL};{_SUBDUED}">… 前 {indices[0]} 行省略（可下载 CSV 查看全表）</td></tr>'
        )
    for i in indices:
        row_index, group, code, label = grid.rows[i]
        is_hit = row_index == hit_row
        attrs = f' class="bq-row-hit" style="{HIT_ROW_STYLE}"' if is_hit else ""
        tds = [html.escape(x) for x in ([group] * grid.has_group + [code] * grid.has_code + [label or "—"])]
        cell = f"{_CELL};{HIT_ROW_STYLE}" if is_hit else _CELL  # each cell: the theme colours cells, not rows
        cells = [f'<td style="{cell}">{t}</td>' for t in tds]
        for column in grid.columns:
            fact = grid.cells.get((row_index, column))
            text = html.escape(fact.text if fact and fact.text else (str(fact.value) if fact else ""))
            if fact is not None and hit is not None and fact is hit:
                cells.append(f'<td class="bq-cell-hit" style="{_CELL};{HIT_CELL_STYLE};text-align:right">'
                             f'<mark style="{MARK_STYLE}">{text}</mark></td>')  # fmt: skip
            else:
                cells.append(f'<td style="{cell};text-align:right">{text}</td>')
        body.append(f"<tr{attrs}>{''.join(cells)}</tr>")
    rest = len(grid.rows) - (indices[-1] + 1 if indices else 0)
    if rest > 0:
        body.append(
            f'<tr><td colspan="{span}" style="{_CELL};{_SUBDUED}">… 后 {rest} 行省略（可下载 CSV 查看全表）</td></tr>'
        )
    title = (
        f"{table.printed_number} {table.title}".strip() if table else (facts[0].table_title if facts else "")
    )
    where = _table_where(table)
    caption = (f'<div class="bq-table-title" style="font-weight:700;margin:4px 0">{html.escape(title)}</div>'
               f'<div style="{_SUBDUED};font-size:12px;margin-bottom:4px">{html.escape(where)}</div>')  # fmt: skip
    if not grid.rows:
        note = table.note if table and table.note else "这张表没有数字。"
        return f'{caption}<div class="bq-table-empty">{html.escape(note)}</div>'
    return (
        f'<div class="bq-table">{caption}<div class="bq-scroll" style="overflow:auto;max-height:520px">'
        f'<table style="{_TABLE_STYLE}"><thead style="{_THEAD}">{_header_rows(grid.columns, lead)}</thead>'
        f"<tbody>{''.join(body)}</tbody></table></div></div>"
    )


def _table_where(table: TableRecord | None) -> str:
    if table is None:
        return ""
    parts = [f"单位：{table.unit}"] if table.unit else []
    if table.pages:
        a, b = table.pages
        parts.append(f"第{a}页" if a == b else f"第{a}–{b}页")
    elif table.lines:
        parts.append(f"第{table.lines[0]}–{table.lines[1]}行")
    return " · ".join(parts)


def table_csv(table: TableRecord | None, facts: Sequence[Fact], all_rows: Sequence[Row] = ()) -> str:
    """The table as CSV: group, code, label, one column per header path, then the unit.

    Values are exactly as stored (decimal text, no thousands separators), so the file
    can be summed in a spreadsheet; a cell printed as a dash keeps its dash, and rows
    without a figure (``all_rows``) are kept with blank cells.
    """
    grid = grid_of(table, facts, all_rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["分组", "编码", "项目", *grid.columns, "单位"])
    for row_index, group, code, label in grid.rows:
        values = [grid.cells.get((row_index, c)) for c in grid.columns]
        units = {f.unit for f in values if f is not None and f.unit}
        writer.writerow([group, code, label, *(_csv_value(f) for f in values), "/".join(sorted(units))])
    return out.getvalue()


def _csv_value(fact: Fact | None) -> str:
    """A cell for the CSV: blank, the printed dash (``-``/``—``), or the exact decimal."""
    if fact is None:
        return ""
    if fact.text and not re.search(r"\d", fact.text):
        return fact.text.strip()
    return str(fact.value)


def csv_file_name(table: TableRecord | None, citation: Citation) -> str:
    """``<report_id>_公开09表.csv``-style name, safe on every file system."""
    label = (table.printed_number or f"table{table.seq}") if table else "table"
    return re.sub(r'[\\/:*?"<>|\s]+', "_", f"{citation.report_id}_{label}") + ".csv"
