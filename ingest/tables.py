"""Build model :class:`~ingest.model.Table` objects from readers' grids.

Readers hand over a :class:`~ingest.rawtable.RawTable`: header rows and body rows
of printed texts. This module decides, the same way for PDFs and text files:

- which leading rows are headers, and each value column's header path
  (``本年支出 / 基本支出``), forward-filling merged header cells;
- which columns hold 功能分类/经济分类 codes (joined when split over 类|款|项
  columns; ``2010350.00`` read as ``2010350``), labels, and 行次/栏次 numbers;
- side-by-side column groups (收入 | 支出 in summary tables, 人员经费 | 公用经费 in
  基本支出明细表), unfolded into separate rows tagged with their group, each value
  column under its group's header (the one over the group's label column);
- several label columns (一般公共预算资金 | 公共财政拨款资金; 政府采购 品目大类 | 专项 |
  品目): the row's label is its most specific one, the levels above it its group;
  columns of words (采购组织形式) are kept as cells without value;
- each value cell's ``Decimal`` value and unit.

Blank cells carry no value; an explicit ``0.00`` or ``-`` is a zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ingest.catalog import classify_title
from ingest.model import COLUMN_SEPARATOR, Cell, Location, Row, Table
from ingest.numbers import is_blank_or_dash, join_code_parts, normalize_code, parse_number
from ingest.rawtable import RawCell, RawTable

_CJK = r"[\u3000-\u9fff\uff00-\uffef“”]"
CJK_SPACE = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")
"""Spaces between two CJK characters: Chinese is written without them (a gap in print is not one)."""
_LEADING_CODE = re.compile(r"^(\d{3}(?:\d{2}){0,2})(?:\.00)?\s*(\S.*)$")
_CHINESE_ORDINAL = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\))"
)
_TOTAL_LABEL = re.compile(
    r"^(?:合计|总计|小计|本年收入合计|本年支出合计|收入总计|支出总计|人员经费合计|公用经费合计)$"
)
_SMALL_INT = re.compile(r"^\d{1,2}$")
_DECIMAL = re.compile(r"\d\.\d")
_PLACEHOLDER = re.compile(r"^[Xx×]+$")

ROLE_CODE = "code"
ROLE_LABEL = "label"
ROLE_LINENO = "lineno"
ROLE_VALUE = "value"
ROLE_ATTRIBUTE = "attribute"
"""A column of words beside the figures (采购组织形式: 政府集中采购; 经济科目: 会议费): kept as
cells without value; it neither labels the row nor ends a column group."""


def normalize_text(text: str) -> str:
    """Fold whitespace: spaces between CJK characters vanish (``收 入`` → ``收入``)."""
    t = text.replace("\u3000", " ").replace("\n", "").strip()
    t = re.sub(r"\s+", " ", t).replace("(", "（").replace(")", "）")
    return CJK_SPACE.sub("", t)


def _text(cell: RawCell | None) -> str:
    return normalize_text(cell.text) if cell is not None else ""


def _is_column_number_row(texts: list[str]) -> bool:
    """``栏次 | | 1 | 2 | 3`` or ``1 | 2 | … | 12``: printed column numbers, not data."""
    non_empty = [t for t in texts if t]
    if not non_empty:
        return False
    if any(t.replace(" ", "") in ("栏次", "行次") for t in non_empty):
        rest = [t for t in non_empty if t.replace(" ", "") not in ("栏次", "行次")]
        return all(_SMALL_INT.match(t) for t in rest)
    return len(non_empty) >= 2 and all(_SMALL_INT.match(t) for t in non_empty)


def _is_body_row(texts: list[str]) -> bool:
    non_empty = [t for t in texts if t]
    if not non_empty:
        return False
    if _is_column_number_row(texts):
        return False
    first = non_empty[0].replace(" ", "")
    if normalize_code(first) or _LEADING_CODE.match(first):
        return True
    if any(_DECIMAL.search(t) and parse_number(t) is not None for t in non_empty):
        return True
    if _TOTAL_LABEL.match(first) or _CHINESE_ORDINAL.match(first):
        # a header row may start with 合计/小计 too: it has nothing but words in it
        numbers = sum(1 for t in non_empty if parse_number(t) is not None or _PLACEHOLDER.match(t))
        return numbers > 0 or len(non_empty) < 2
    return False


def _header_row_count(grid: list[list[str]]) -> int:
    for i, texts in enumerate(grid):
        if _is_body_row(texts):
            return i
    return min(2, len(grid))


def _header_grid(header: list[list[RawCell | None]], width: int) -> list[list[str]]:
    """The header rows' texts, merged cells of upper rows forward-filled to the right."""
    rows = [[_text(c) for c in r] for r in header]
    merged = [[c is None for c in r] for r in header]
    filled = [list(r) for r in rows]
    for i in range(len(rows)):
        for j in range(1, width):
            if filled[i][j] or not filled[i][j - 1]:
                continue
            # a merged cell extends to the right only within its parent's span
            if any(filled[k][j] != filled[k][j - 1] for k in range(i)):
                continue
            below = any(rows[k][j] for k in range(i + 1, len(rows)))
            left_has_children = any(rows[k][j - 1] for k in range(i + 1, len(rows)))
            if merged[i][j] or (below and left_has_children):
                filled[i][j] = filled[i][j - 1]
    return filled


def _path_of(parts: list[str]) -> tuple[str, ...]:
    """Non-empty parts, a part repeated by a vertically merged cell once."""
    path: list[str] = []
    for part in parts:
        if part and (not path or path[-1] != part):
            path.append(part)
    return tuple(path)


def _header_paths(filled: list[list[str]], width: int) -> list[tuple[str, ...]]:
    """One header path per column, top to bottom."""
    return [_path_of([row[j] for row in filled]) for j in range(width)]


def _role(path: tuple[str, ...]) -> str:
    joined = "".join(path)
    last = path[-1] if path else ""
    if "行次" in joined or "栏次" in joined or joined in ("序号", "编号"):
        return ROLE_LINENO
    if "编码" in joined or "代码" in joined or last in ("类", "款", "项"):
        return ROLE_CODE
    if "名称" in joined or last in ("项目", "科目", "支出功能分类科目", "收入项目", "支出项目"):
        return ROLE_LABEL
    return ROLE_VALUE


def _infer_roles(paths: list[tuple[str, ...]], body: list[list[str]]) -> list[str]:
    roles = [_role(p) for p in paths]
    width = len(paths)
    for j in range(width):
        column = [r[j] for r in body if j < len(r) and r[j]]
        if not column:
            continue
        codes = sum(1 for t in column if normalize_code(t))
        texts = sum(1 for t in column if parse_number(t) is None and not normalize_code(t))
        if roles[j] == ROLE_VALUE:
            if codes == len(column) and codes >= 2 and (j + 1 < width) and j < width - 1:
                # a column of codes before the labels (header said nothing useful)
                if all(len(normalize_code(t)) in (3, 5, 7) for t in column):
                    roles[j] = ROLE_CODE
            elif texts >= max(2, len(column) * 0.6) and (j == 0 or _continues_label(paths, roles, j)):
                roles[j] = ROLE_LABEL
            elif texts == len(column) and texts >= 2 and not _is_placeholder_column(column):
                roles[j] = ROLE_ATTRIBUTE
        if roles[j] == ROLE_VALUE and column and all(_SMALL_INT.match(t) for t in column):
            # 行次 numbers whose header was lost
            if j > 0 and roles[j - 1] == ROLE_LABEL and len(column) >= 3:
                roles[j] = ROLE_LINENO
    return roles


def _continues_label(paths: list[tuple[str, ...]], roles: list[str], j: int) -> bool:
    """A column of words right of a label column, under no header of its own (the label
    header spans both, or is printed over the first only): a second, finer label level
    (一般公共预算资金 | 公共财政拨款（补助）资金)."""
    return j > 0 and roles[j - 1] == ROLE_LABEL and (not paths[j] or paths[j] == paths[j - 1])


def _is_placeholder_column(column: list[str]) -> bool:
    return all(_PLACEHOLDER.match(t) or is_blank_or_dash(t) for t in column)


@dataclass(frozen=True)
class _Group:
    name: str
    columns: tuple[int, ...]


def _groups(filled: list[list[str]], paths: list[tuple[str, ...]], roles: list[str]) -> list[_Group]:
    """Split columns into side-by-side groups: a new group starts where a code or label
    column follows a value or 行次 column (columns of words in between do not count).

    In a table of several groups, the value columns' header paths are aligned in place to
    their group's: a group's header is what is printed over its first code or label column
    (``支出 / 功能分类`` over ``功能科目名称``), even where a header cell drawn too wide
    spans the group's 金额 column as well (``支出用途`` over 功能分类's 金额).
    """
    spans: list[list[int]] = []
    previous = ""
    for j, role in enumerate(roles):
        structural = role in (ROLE_CODE, ROLE_LABEL)
        if not spans or (structural and previous in (ROLE_VALUE, ROLE_LINENO)):
            spans.append([])
        spans[-1].append(j)
        previous = role if role != ROLE_ATTRIBUTE else previous
    if len(spans) == 1:
        return [_Group("", tuple(spans[0]))]
    groups: list[_Group] = []
    for span in spans:
        for j, path in _aligned_paths(filled, paths, roles, span).items():
            paths[j] = path
        tops = [paths[j][0] for j in span if paths[j]]
        name = ""
        if tops and all(t == tops[0] for t in tops) and len(tops) == len(span):
            name = tops[0]
        groups.append(_Group(name, tuple(span)))
    return groups


def _aligned_paths(
    filled: list[list[str]], paths: list[tuple[str, ...]], roles: list[str], span: list[int]
) -> dict[int, tuple[str, ...]]:
    """The header paths of a group's value columns under the group's header: the header
    over its first code/label column less that column's own name, then each value
    column's own header from the row where that name is printed down."""
    first = next((j for j in span if roles[j] in (ROLE_CODE, ROLE_LABEL)), None)
    if first is None or len(paths[first]) < 2:
        return {}
    own = paths[first]
    start = next(i for i, row in enumerate(filled) if row[first] == own[-1])
    aligned: dict[int, tuple[str, ...]] = {}
    for j in span:
        if roles[j] in (ROLE_VALUE, ROLE_ATTRIBUTE):
            tail = _path_of([row[j] for row in filled[start:]])
            if tail:
                aligned[j] = _path_of([*own[:-1], *tail])
    return aligned


def _cell_unit(path: tuple[str, ...], table_unit: str) -> str:
    joined = "".join(path)
    if "%" in joined or "％" in joined or "比例" in joined or joined.endswith("率"):
        return "%"
    for unit in ("万元", "亿元", "元"):
        if f"（{unit}）" in joined or f"({unit})" in joined:
            return unit
    return table_unit


def _value_cell(raw: RawCell, path: tuple[str, ...], unit: str) -> Cell:
    text = raw.text.strip()
    value = parse_number(text)
    if value is None and text and is_blank_or_dash(text):
        value = Decimal(0)
    return Cell(
        column=path,
        text=text,
        value=value,
        unit=_cell_unit(path, unit) if value is not None else "",
        location=raw.location,
        uncertain=raw.uncertain,
    )


def _split_code_label(code: str, label: str) -> tuple[str, str]:
    if not code:
        m = _LEADING_CODE.match(label)
        if m:
            return m.group(1), normalize_text(m.group(2))
    return code, label


def _label_levels(
    texts: dict[int, str], columns: list[int], above: dict[int, str], with_values: bool
) -> tuple[str, list[str]]:
    """The row's label and its parents when a group has several label columns (一般公共
    预算资金 | 公共财政拨款（补助）资金; 品目大类 | 专项 | 品目).

    The label is the rightmost one printed; the levels left of it come from this row or,
    when blank or merged, from the rows above. ``above`` (column → last label printed
    there) is updated: any text printed (words of an attribute column such as 经济科目
    too) resets the levels right of it. A row with figures but no label of its own (the
    next 经济科目 of one 专项) takes the deepest level still open above it.

    Args:
        texts: the row's printed texts of the group's label and attribute columns.
        columns: the label columns, left to right.
    """
    for j, text in sorted(texts.items()):
        if not text:
            continue
        if j in columns:
            above[j] = text
        for k in columns:
            if k > j:
                above[k] = ""
    printed = [j for j in columns if texts.get(j)]
    open_levels = [j for j in columns if above.get(j)]
    if printed:
        deepest = printed[-1]
    elif open_levels and with_values:
        deepest = open_levels[-1]
    else:
        return "", []
    parents = [above.get(k, "") for k in columns if k < deepest]
    return above[deepest], [p for p in parents if p]


def _row_of_group(
    raw_row: list[RawCell | None],
    group: _Group,
    paths: list[tuple[str, ...]],
    roles: list[str],
    unit: str,
    above: dict[int, str],
) -> Row | None:
    code_parts: list[str] = []
    labels: list[str] = []
    cells: list[Cell] = []
    location: Location | None = None
    label_columns = [j for j in group.columns if roles[j] == ROLE_LABEL]
    for j in group.columns:
        raw = raw_row[j] if j < len(raw_row) else None
        if raw is None:
            continue
        text = _text(raw)
        if text and location is None:
            location = raw.location
        role = roles[j]
        if role == ROLE_CODE:
            code_parts.append(text.replace(" ", ""))
        elif role == ROLE_LABEL:
            if text:
                labels.append(text)
        elif role in (ROLE_VALUE, ROLE_ATTRIBUTE):
            if not text:
                continue
            path = paths[j]
            if group.name and path and path[0] == group.name:
                path = path[1:] or path
            cells.append(_value_cell(raw, path, unit))
    parents: list[str] = []
    if len(label_columns) > 1:
        worded = {
            j: _text(raw_row[j])
            for j in group.columns
            if roles[j] in (ROLE_LABEL, ROLE_ATTRIBUTE) and j < len(raw_row)
        }
        with_values = any(c.value is not None for c in cells)
        deepest, parents = _label_levels(worded, label_columns, above, with_values)
        labels = [deepest] if deepest else []
    code = join_code_parts(code_parts)
    label = " ".join(labels)
    if not code and code_parts and any(code_parts):
        # text in a code column (e.g. 合计 spanning the code columns)
        label = normalize_text(" ".join(p for p in code_parts if p) + (" " + label if label else ""))
    code, label = _split_code_label(code, label)
    if not code and not label and not cells:
        return None
    if not cells and not code and not label.strip():
        return None
    name = COLUMN_SEPARATOR.join(p for p in (group.name, *parents) if p)
    return Row(code=code, label=label, cells=tuple(cells), location=location or Location(), group=name)


def _give_orphan_values(made: list[Row | None]) -> None:
    """``公用经费合计 | | | | 362.89``: a label in one group, its value in the next.

    Values without code or label are given to the nearest labelled, valueless row
    to their left in the same printed row.
    """
    for g, row in enumerate(made):
        if row is None or row.code or row.label or not row.cells:
            continue
        for k in range(g - 1, -1, -1):
            left = made[k]
            if left is not None and left.label and not left.cells:
                made[k] = Row(left.code, left.label, row.cells, left.location, left.group)
                made[g] = None
                break


def _drop_empty_columns(grid: list[list[RawCell | None]]) -> list[list[RawCell | None]]:
    width = max((len(r) for r in grid), default=0)
    keep = [
        j for j in range(width) if any(j < len(r) and r[j] is not None and r[j].text.strip() for r in grid)
    ]
    return [[r[j] if j < len(r) else None for j in keep] for r in grid]


def _table(raw: RawTable, seq: int, columns: list[tuple[str, ...]], rows: list[Row]) -> Table:
    """The model table for a reader's grid, with the value columns and rows built from it."""
    return Table(
        seq=seq,
        kind=classify_title(raw.title),
        printed_number=raw.printed_number,
        title=normalize_text(raw.title),
        unit=raw.unit,
        columns=tuple(columns),
        rows=tuple(rows),
        pages=raw.pages,
        lines=raw.lines,
        note=raw.note,
    )


def _is_header_like(texts: list[str]) -> bool:
    non_empty = [t for t in texts if t]
    return len(non_empty) >= 3 and all(parse_number(t) is None for t in non_empty)


def _build_generic(
    raw: RawTable, seq: int, grid: list[list[RawCell | None]], texts: list[list[str]]
) -> Table:
    """Tables outside the standard set (绩效自评表, 汇总表, forms): header rows may recur
    mid-table and rows may be key/value pairs (``自评得分 | 98.5``).

    Each value's column is the text above it in the latest header-like row; the row's
    label is the nearest text left of its first value; the text cells further left,
    forward-filled from the rows above (一级指标 / 二级指标), become the row's group.
    """
    header: list[str] = []
    roles: list[str] = []
    above: list[str] = []
    rows: list[Row] = []
    columns: list[tuple[str, ...]] = []
    for raw_row, row_texts in zip(grid, texts):
        if _is_header_like(row_texts):
            if header and row_texts == header:
                continue
            header = row_texts
            roles = [ROLE_LINENO if t in ("序号", "编号") else ROLE_VALUE for t in header]
            above = []
            continue
        if _is_column_number_row(row_texts):
            continue
        numeric = [
            j
            for j, t in enumerate(row_texts)
            if t and parse_number(t) is not None and (j >= len(roles) or roles[j] != ROLE_LINENO)
        ]
        if not numeric:
            continue
        first = numeric[0]
        left = [j for j in range(first) if row_texts[j] and (j >= len(roles) or roles[j] != ROLE_LINENO)]
        label = row_texts[left[-1]] if left else ""
        filled = list(above) + [""] * max(0, first - len(above))
        for j in range(first):
            if row_texts[j] and (j >= len(roles) or roles[j] != ROLE_LINENO):
                filled[j] = row_texts[j]
                for k in range(j + 1, len(filled)):
                    filled[k] = ""  # a new upper level resets the levels below it
        above = filled[:first]
        group = " / ".join(t for j, t in enumerate(above) if t and (not left or j < left[-1]))
        cells: list[Cell] = []
        for j, raw_cell in enumerate(raw_row):
            if raw_cell is None or j <= (left[-1] if left else -1) or not row_texts[j]:
                continue
            if j < len(roles) and roles[j] == ROLE_LINENO:
                continue
            path = (header[j],) if j < len(header) and header[j] else ()
            if not path and j not in numeric:
                continue
            cells.append(_value_cell(raw_cell, path, raw.unit))
            if path and path not in columns:
                columns.append(path)
        location = raw_row[first].location if raw_row[first] is not None else Location()
        rows.append(Row(code="", label=label, cells=tuple(cells), location=location, group=group))
    return _table(raw, seq, columns, rows)


def build_table(raw: RawTable, seq: int) -> Table:
    """Turn a reader's grid into a :class:`Table` (see the module docstring)."""
    grid = _drop_empty_columns([list(r) for r in raw.rows])
    if classify_title(raw.title) == "other":
        width = max((len(r) for r in grid), default=0)
        grid = [r + [None] * (width - len(r)) for r in grid]
        return _build_generic(raw, seq, grid, [[_text(c) for c in r] for r in grid])
    width = max((len(r) for r in grid), default=0)
    grid = [r + [None] * (width - len(r)) for r in grid]
    texts = [[_text(c) for c in r] for r in grid]
    n_header = raw.header_rows if raw.header_rows is not None else _header_row_count(texts)
    header = [grid[i] for i in range(n_header) if not _is_column_number_row(texts[i])]
    header_texts = [texts[i] for i in range(n_header)]
    filled = _header_grid(header, width)
    paths = _header_paths(filled, width)
    body_idx = [
        i
        for i in range(n_header, len(grid))
        if not _is_column_number_row(texts[i]) and texts[i] not in header_texts and any(texts[i])
    ]
    roles = _infer_roles(paths, [texts[i] for i in body_idx])
    groups = _groups(filled, paths, roles)
    per_group: list[list[Row]] = [[] for _ in groups]
    levels: list[dict[int, str]] = [{} for _ in groups]
    for i in body_idx:
        made = [
            _row_of_group(grid[i], group, paths, roles, raw.unit, above)
            for group, above in zip(groups, levels)
        ]
        _give_orphan_values(made)
        for g, row in enumerate(made):
            if row is not None:
                per_group[g].append(row)
    rows = [row for group_rows in per_group for row in group_rows]
    value_paths = []
    for group in groups:
        for j in group.columns:
            if roles[j] in (ROLE_VALUE, ROLE_ATTRIBUTE):
                p = paths[j]
                if group.name and p and p[0] == group.name:
                    p = p[1:] or p
                if p not in value_paths:
                    value_paths.append(p)
    return _table(raw, seq, value_paths, rows)
