"""Accounting-identity checks on built tables: does each table add up?

Each check compares a printed total with the sum of its printed parts, in the
table's unit and in ``Decimal``: status ``pass`` (equal), ``rounding`` (off by at
most 0.01 per non-zero part: 尾差) or ``fail``. Identities whose inputs are missing
are skipped, never failed. Checked:

- across one row's columns: a 合计/小计/本年支出合计 column = its sibling parts
  (基本支出 + 项目支出 …, 财政拨款收入 + 事业收入 …, 一般公共预算 + 政府性基金 +
  国有资本经营, 三公 parts, 公务用车 购置 + 运行维护). Header paths are read as a
  tree, so 预算数 / 决算数 sets and nested 小计 columns are checked separately;
- down the rows by code: 类 = Σ 款, 款 = Σ 项 (also 经济分类), 合计 row = Σ 类;
- 基本支出明细表: 人员经费合计 / 公用经费合计 = Σ their 类; 合计 = 人员 + 公用;
- 收支总表 / 财政拨款收支总表: 收入总计 = 支出总计, 本年收入合计 = Σ income rows,
  本年支出合计 = Σ 类 rows (a total printed once across the 功能分类 and 支出用途
  groups against each group's rows); 三公 tables printed with the parts as rows;
- between tables (:func:`check_tables`): 收支总表 vs 收入/支出决算表, 财政拨款收支总表
  vs 一般公共预算支出表, 一般公共预算支出表 基本支出 vs 基本支出明细表.

Blank parts count as zero; a blank total, or all-zero figures, means no check.
Cells placed by inference (``Cell.uncertain``) are checked and named in the detail.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ingest.catalog import STANDARD_KEYS
from ingest.model import Cell, Check, Row, Table

PASS = "pass"
FAIL = "fail"
ROUNDING = "rounding"

CENT = Decimal("0.01")

_SPACE = re.compile(r"\s+")
_NON_AMOUNT = re.compile(r"行次|栏次|编码|代码|序号|%|％|率|占比|比重|比例|增减|增长|变动|同比")
_TOTAL_NAME = re.compile(r"(?:合计|小计|总计)$")
_NOT_PART = re.compile(r"年初预算|全年预算|调整预算|预算数|决算数|执行数|上年(?:决算|预算|数|同期)")
_PART_NAME = re.compile(
    r"收入|支出|费|结转|结余|弥补|一般公共预算|政府性基金|国有资本|财政拨款|财政专户|单位资金"
)
_TOTAL_LABEL = re.compile(r"^(?:本年)?(?:收入|支出)?(?:合计|总计)$")
_SUBTOTAL_LABEL = re.compile(r"^(?:本年)?(?:收入|支出)?合计$")
_GRAND_LABEL = re.compile(r"^(?:收入|支出)?总计$")
_CARRY_LABEL = re.compile(r"结转|结余|弥补")
_PREFIXES = (
    (1, re.compile(r"^[一二三四五六七八九十]+[、.．]")),
    (2, re.compile(r"^[（(][一二三四五六七八九十]+[)）][、.．]?")),
    (3, re.compile(r"^\d{1,2}[、.．](?!\d)")),
    (4, re.compile(r"^[（(]\d{1,2}[)）][、.．]?")),
)
_SUB_ITEM = re.compile(r"^其中[:：]?")

Term = tuple[str, Cell]


def _clean(text: str) -> str:
    return _SPACE.sub("", text)


def _path(cell: Cell) -> tuple[str, ...]:
    return tuple(p for p in (_clean(x) for x in cell.column) if p)


def _is_amount(cell: Cell) -> bool:
    return cell.unit != "%" and bool(_path(cell)) and not any(_NON_AMOUNT.search(p) for p in _path(cell))


def _amount_cells(row: Row) -> list[Cell]:
    return [c for c in row.cells if _is_amount(c)]


def _has_values(row: Row) -> bool:
    return any(c.value is not None for c in _amount_cells(row))


def _label(row: Row) -> tuple[str, int]:
    """The label without spaces and numbering, and its level.

    Level 0 = no numbering, 1 = ``一、``, 2 = ``（一）``, 3 = ``1、``, 4 = ``（1）``,
    9 = a ``其中：`` sub-item.
    """
    text = _clean(row.label)
    if _SUB_ITEM.match(text):
        return _SUB_ITEM.sub("", text), 9
    for level, pattern in _PREFIXES:
        if pattern.match(text):
            return pattern.sub("", text), level
    return text, 0


def _row_context(row: Row) -> str:
    return " ".join(p for p in (row.code, _clean(row.label)) if p)


def _keyed(cells: Sequence[Cell]) -> dict[tuple[tuple[str, ...], int], Cell]:
    """Cells keyed by (header path, occurrence): a path printed twice (预算数 and
    决算数 sets whose top header was lost) gets occurrence 0 and 1."""
    out: dict[tuple[tuple[str, ...], int], Cell] = {}
    seen: dict[tuple[str, ...], int] = {}
    for cell in cells:
        path = _path(cell)
        k = seen.get(path, 0)
        seen[path] = k + 1
        out[(path, k)] = cell
    return out


def _fmt(value: Decimal | None) -> str:
    return f"{value if value is not None else Decimal(0):,}"


def _role(name: str) -> str:
    """``total`` / ``part`` / ``""`` for one header name among its siblings."""
    if _NON_AMOUNT.search(name):
        return ""
    if _TOTAL_NAME.search(name):
        return "total"
    return "part" if _PART_NAME.search(name) and not _NOT_PART.search(name) else ""


def _main_cell(row: Row, pattern: re.Pattern[str] | None = None) -> Cell | None:
    """The row's cell in a total column (or, with ``pattern``, the column whose last
    header matches it), preferring actual figures over 预算数/上年 columns."""
    cells = [c for c in _amount_cells(row) if c.value is not None]
    wanted = [c for c in cells if (pattern or _TOTAL_NAME).search(_path(c)[-1])]
    plain = [c for c in wanted if not any(_NOT_PART.search(p) for p in _path(c))]
    if plain or wanted:
        return (plain or wanted)[0]
    return cells[0] if pattern is None and cells else None


def _check(
    table: Table, name: str, context: str, total: Term, terms: Sequence[tuple[str, Cell | None]]
) -> list[Check]:
    """``total`` = Σ ``terms`` as a one-element list of checks (empty when the total is
    blank or every figure is zero); blank terms count as 0."""
    total_name, total_cell = total
    parts = [(n, c) for n, c in terms if c is not None and c.value is not None]
    expected = total_cell.value
    if expected is None or (expected == 0 and all(c.value == 0 for _, c in parts)):
        return []
    actual = sum((c.value for _, c in parts if c.value is not None), Decimal(0))
    diff = abs(expected - actual)
    shown = [(n, c) for n, c in parts if c.value != 0]
    # figures printed without decimals (whole 元) carry up to 0.5 of rounding each
    whole = sum(1 for _, c in [total, *shown] if c is not None and c.text and "." not in c.text)
    tolerance = CENT * max(1, len(shown)) + Decimal("0.5") * whole
    status = PASS if diff == 0 else ROUNDING if diff <= tolerance else FAIL
    formula = f"{total_name} {_fmt(expected)} {'=' if status == PASS else '≠'} "
    formula += " + ".join(f"{n} {_fmt(c.value)}" for n, c in shown) if shown else "0"
    formula += f" = {_fmt(actual)}" if len(shown) > 1 else ""
    formula += f" (差 {_fmt(diff)}{'，尾差' if status == ROUNDING else ''})" if diff else ""
    unsure = [f"{n} {_fmt(c.value)}" for n, c in [total, *parts] if c.uncertain]
    formula += f"；含推断列位置的数值：{'、'.join(unsure)}" if unsure else ""
    detail = f"{context}: {formula}" if context else formula
    return [Check(table.seq, name, status, expected, actual, table.unit, detail)]


@dataclass
class _Node:
    """A header-path node of one row's cells: ``预算数 → 公务用车… → 小计``."""

    name: str
    cell: Cell | None = None
    children: dict[str, _Node] = field(default_factory=dict)


def _tree(cells: Sequence[Cell]) -> _Node:
    root = _Node("")
    for cell in cells:
        node = root
        for part in _path(cell):
            node = node.children.setdefault(part, _Node(part))
        node.cell = node.cell or cell
    return root


def _node_cell(node: _Node) -> Cell | None:
    """The figure of a header node: its 合计/小计 child's, else its own cell."""
    total = next((k for k in node.children.values() if _role(k.name) == "total"), None)
    return (_node_cell(total) if total is not None else None) or node.cell


def _flatten(node: _Node, prefix: str = "") -> list[Term] | None:
    """The part terms among ``node``'s children (a part without a subtotal
    contributes its own parts); ``None`` if a part has no figure at all."""
    terms: list[Term] = []
    for child in (k for k in node.children.values() if _role(k.name) == "part"):
        name = f"{prefix}{child.name}"
        cell = _node_cell(child)
        sub = [(name, cell)] if cell is not None else _flatten(child, f"{name}/")
        if not sub:
            return None
        terms += sub
    return terms


def _column_checks(table: Table, row: Row, node: _Node, path: tuple[str, ...]) -> list[Check]:
    """Total = parts among ``node``'s children, then the same below each child."""
    out: list[Check] = []
    kids = list(node.children.values())
    total = next((k for k in kids if _role(k.name) == "total"), node if node.cell is not None else None)
    total_cell = _node_cell(total) if total is not None else None
    terms = _flatten(node) if total is not None and total_cell is not None else None
    if total is not None and total_cell is not None and terms:
        where = "/".join(path)
        key = " · ".join(p for p in (row.code or _clean(row.label), where) if p)
        name = f"{total.name} = {' + '.join(n for n, _ in terms)} ({key})"
        context = " · ".join(p for p in (_row_context(row), where) if p)
        out += _check(table, name, context, (total.name, total_cell), terms)
    for kid in kids:
        if kid.children:
            out += _column_checks(table, row, kid, (*path, kid.name))
    return out


def _row_checks(table: Table) -> list[Check]:
    out: list[Check] = []
    for row in (r for r in table.rows if _has_values(r)):
        by_occurrence: dict[int, list[Cell]] = {}
        for (_, k), cell in _keyed(_amount_cells(row)).items():
            by_occurrence.setdefault(k, []).append(cell)
        for cells in by_occurrence.values():
            out += _column_checks(table, row, _tree(cells), ())
    return out


def _sum_rows(
    table: Table,
    name: str,
    context: str,
    total: tuple[str, Row],
    parts: Sequence[tuple[str, Row]],
    spanning: bool = False,
) -> list[Check]:
    """``total`` row = Σ ``parts`` rows, in every value column of the total row where a
    part has a figure (none at all: nothing to check, not a sum of zero).

    With ``spanning``, a total printed once across side-by-side column groups (收支总表
    ``当年支出小计`` under both 功能分类 and 支出用途) is also compared with the parts of
    each other group's column of the same name (``功能分类/金额`` vs ``支出用途/金额``).
    """
    out: list[Check] = []
    part_cells = [(n, _keyed(_amount_cells(r))) for n, r in parts]
    totals = _keyed(_amount_cells(total[1]))
    columns = list(totals)
    if spanning and len(totals) == 1:
        (only,) = totals
        columns += [
            k for _, cells in part_cells for k in cells if k not in columns and k[0][-1:] == only[0][-1:]
        ]
    for key in dict.fromkeys(columns):
        cell = totals.get(key) or next(iter(totals.values()))
        terms = [(n, cells.get(key)) for n, cells in part_cells]
        if all(c is None for _, c in terms):
            continue
        column = "/".join(key[0])
        where = f"{context} · {column}" if context else column
        out += _check(table, f"{name} ({column})", where, (total[0], cell), terms)
    return out


def _printed_at(row: Row) -> tuple[int, float, int]:
    """Where a row is printed (page, top, line), to tell the rows above a total in a
    table unfolded into side-by-side groups; all zero when unknown (rows keep their order)."""
    loc = row.location
    return (loc.page or 0, loc.bbox[1] if loc.bbox else 0.0, loc.line_start or 0)


def _total_row(table: Table) -> Row | None:
    """The table's 合计/总计 row (no code), if it has figures."""
    for row in table.rows:
        if not row.code and _TOTAL_LABEL.match(_label(row)[0]) and _has_values(row):
            return row
    return None


def _code_checks(table: Table) -> list[Check]:
    """类 = Σ 款, 款 = Σ 项, 合计 = Σ 类; codes printed twice are left out."""
    first: dict[str, Row] = {}
    duplicated: set[str] = set()
    for row in table.rows:
        if len(row.code) in (3, 5, 7) and row.code.isdigit():
            if row.code in first:
                duplicated.add(row.code)
            else:
                first[row.code] = row
    out: list[Check] = []
    for code, parent in first.items():
        kids = [(c, r) for c, r in first.items() if len(c) == len(code) + 2 and c.startswith(code)]
        if kids and _has_values(parent) and not ({code, *dict(kids)} & duplicated):
            level = "款" if len(code) == 3 else "项"
            out += _sum_rows(table, f"{code} = Σ {level}", _row_context(parent), (code, parent), kids)
    classes = [(c, r) for c, r in first.items() if len(c) == 3]
    total = _total_row(table)
    if total is not None and classes and not (set(dict(classes)) & duplicated):
        if total.group:
            classes = [(c, r) for c, r in classes if r.group == total.group] or classes
        text = _label(total)[0]
        out += _sum_rows(table, f"{text} = Σ 类", "", (text, total), classes)
    return out


def _staff_costs(table: Table) -> dict[str, tuple[Row | None, list[tuple[str, Row]]]]:
    """人员经费 / 公用经费 → (合计 row, 类 rows): by the row's group, else 301/303 are 人员经费."""
    found: dict[str, tuple[Row | None, list[tuple[str, Row]]]] = {}
    for side in ("人员经费", "公用经费"):
        total = next((r for r in table.rows if _label(r)[0] == f"{side}合计" and _has_values(r)), None)
        classes = []
        for row in (r for r in table.rows if len(r.code) == 3 and r.code.isdigit()):
            by_group = next((s for s in ("人员", "公用") if s in row.group), "")
            by_code = "人员" if row.code in ("301", "303") else "公用"
            if (by_group or by_code) == side[:2]:
                classes.append((row.code, row))
        found[side] = (total, classes)
    return found


def _basic_checks(table: Table) -> list[Check]:
    out: list[Check] = []
    costs = _staff_costs(table)
    for side, (total, classes) in costs.items():
        cell = _main_cell(total) if total is not None else None
        if cell is not None and classes:
            name = f"{side}合计 = Σ 类 ({' + '.join(c for c, _ in classes)})"
            out += _check(table, name, side, (f"{side}合计", cell), [(c, _main_cell(r)) for c, r in classes])
    (staff, _), (public, _) = costs["人员经费"], costs["公用经费"]
    grand = _total_row(table)
    cell = _main_cell(grand) if grand is not None else None
    if cell is not None and staff is not None and public is not None:
        terms = [("人员经费合计", _main_cell(staff)), ("公用经费合计", _main_cell(public))]
        out += _check(table, "基本支出 = 人员经费 + 公用经费", "基本支出", (_label(grand)[0], cell), terms)
    return out


def _side(row: Row) -> str:
    group = _clean(row.group)
    if "收入" in group or ("收" in group and "支" not in group):
        return "收入"
    return "支出" if "支" in group else ""


def _summary_checks(table: Table) -> list[Check]:
    """收入总计 = 支出总计; 本年收入合计 = Σ income rows; 本年支出合计 = Σ 类 rows.

    Without a 本年…合计 row, the 总计 row is summed instead when the side has no
    结转/结余 lines. Only the top numbering level is summed (一、 not 1、 or 其中).
    """
    out: list[Check] = []
    grands: dict[str, Row] = {}
    for side in ("收入", "支出"):
        rows = [r for r in table.rows if _side(r) == side]
        grand = next((r for r in rows if _GRAND_LABEL.match(_label(r)[0]) and _has_values(r)), None)
        sub = next((r for r in rows if _SUBTOTAL_LABEL.match(_label(r)[0]) and _has_values(r)), None)
        if grand is not None:
            grands[side] = grand
            if sub is None and not any(_CARRY_LABEL.search(_label(r)[0]) for r in rows):
                sub = grand
        if sub is None:
            continue
        order = {id(r): (_printed_at(r), i) for i, r in enumerate(rows)}
        above = [r for r in rows if order[id(r)] < order[id(sub)]]
        labelled = [(r, *_label(r)) for r in above]
        items = [(lv, r) for r, text, lv in labelled if text and lv != 9 and not _TOTAL_NAME.search(text)]
        top = min((lv for lv, _ in items if lv), default=0)
        parts = [(_clean(r.label), r) for lv, r in items if lv in (0, top)]
        if parts:
            text = _label(sub)[0]
            name = f"{text} = Σ {'收入项' if side == '收入' else '支出类'}"
            out += _sum_rows(table, name, side, (text, sub), parts, spanning=True)
    income = _main_cell(grands["收入"]) if "收入" in grands else None
    spending = _main_cell(grands["支出"]) if "支出" in grands else None
    if income is not None and spending is not None:
        out += _check(table, "收入总计 = 支出总计", "", ("收入总计", income), [("支出总计", spending)])
    return out


_THREE_PUBLIC = {"abroad": "因公出国（境）费", "cars": "公务用车购置及运行维护费", "reception": "公务接待费"}
_CARS = {"car_buy": "公务用车购置费", "car_run": "公务用车运行维护费"}


def _three_public_role(row: Row) -> str:
    text = _label(row)[0]
    if _TOTAL_LABEL.match(text) or re.match(r"^[“\"]?三公[”\"]?经费(?:合计)?$", text):
        return "total"
    if "出国" in text or "接待" in text:
        return "abroad" if "出国" in text else "reception"
    if "车" not in text:
        return ""
    buy, run = "购置" in text, "运行" in text or "维护" in text
    return "cars" if buy == run else "car_buy" if buy else "car_run"


def _three_public_row_checks(table: Table) -> list[Check]:
    """三公 tables printed with the parts as rows (预算数 / 决算数 as columns)."""
    roles: dict[str, Row] = {}
    for row in (r for r in table.rows if _has_values(r)):
        roles.setdefault(_three_public_role(row), row)
    out: list[Check] = []
    if "total" in roles and len(set(_THREE_PUBLIC) & set(roles)) >= 2:
        parts = [(n, roles[r]) for r, n in _THREE_PUBLIC.items() if r in roles]
        name = f"合计 = {' + '.join(_THREE_PUBLIC.values())}"
        out += _sum_rows(table, name, "", (_label(roles["total"])[0], roles["total"]), parts)
    if "cars" in roles and set(_CARS) & set(roles):
        parts = [(n, roles[r]) for r, n in _CARS.items() if r in roles]
        name = f"公务用车购置及运行维护费 = {' + '.join(_CARS.values())}"
        out += _sum_rows(table, name, "", (_label(roles["cars"])[0], roles["cars"]), parts)
    return out


def _find(tables: Sequence[Table], kind: str, label: str = "", side: str = "") -> tuple[Table, Row] | None:
    """The first table of ``kind`` with a row labelled ``label`` (regex; default: its
    合计 row) on ``side``, and that row."""
    for table in (t for t in tables if t.kind == kind):
        rows = (r for r in table.rows if _side(r) == side and _has_values(r))
        row = next((r for r in rows if re.match(label, _label(r)[0])), None) if label else _total_row(table)
        if row is not None:
            return table, row
    return None


def _figure(table: Table, row: Row, cell: Cell) -> str:
    """``公开05表 合计（基本支出）``: where a figure of another table sits."""
    column = _path(cell)[-1]
    name = f"{table.printed_number or table.title} {_label(row)[0]}"
    return name if column == "金额" or _TOTAL_NAME.search(column) else f"{name}（{column}）"


def _compare(
    name: str, left: tuple[Table, Row], left_cell: Cell | None, right: Sequence[tuple[Table, Row]]
) -> list[Check]:
    """A figure of one table = Σ the main figures of rows of others (same unit only)."""
    table, row = left
    cells = [(t, r, _main_cell(r)) for t, r in right]
    if left_cell is None or not cells or any(c is None for _, _, c in cells):
        return []
    if any(t.unit and table.unit and t.unit != table.unit for t, _, _ in cells):
        return []
    terms = [(_figure(t, r, c), c) for t, r, c in cells if c is not None]
    return _check(table, name, "", (_figure(table, row, left_cell), left_cell), terms)


def _cross_checks(tables: Sequence[Table]) -> list[Check]:
    out: list[Check] = []
    for side, kind in (("收入", "income"), ("支出", "expenditure")):
        left = _find(tables, "summary", rf"^本年{side}合计$", side)
        right = _find(tables, kind)
        if left is not None and right is not None:
            out += _compare(f"收支总表本年{side}合计 = {side}表合计", left, _main_cell(left[1]), [right])
    spending = _find(tables, "gpb_expenditure")
    fiscal = _find(tables, "fiscal_summary", r"^本年支出合计$", "支出")
    if fiscal is not None and spending is not None:
        cell = _main_cell(fiscal[1], re.compile("一般公共预算"))
        out += _compare("财政拨款收支总表一般公共预算支出 = 一般公共预算支出表合计", fiscal, cell, [spending])
    basic = next((t for t in tables if t.kind == "gpb_basic"), None)
    if spending is not None and basic is not None:
        grand = _total_row(basic)
        (staff, _), (public, _) = _staff_costs(basic)["人员经费"], _staff_costs(basic)["公用经费"]
        parts = [grand] if grand is not None else [staff, public]
        cell = _main_cell(spending[1], re.compile(r"^基本支出$"))
        name = "基本支出 = 人员经费 + 公用经费 (两表)"
        if all(r is not None for r in parts):
            out += _compare(name, spending, cell, [(basic, r) for r in parts if r is not None])
    return out


def check_table(table: Table) -> list[Check]:
    """Run every identity that applies to one table.

    Args:
        table: a built table; one whose ``kind`` is not a standard key gets no checks.

    Returns:
        The checks made, in the table's unit.
    """
    if table.kind not in STANDARD_KEYS:
        return []
    checks = _row_checks(table) + _code_checks(table)
    if table.kind == "gpb_basic":
        checks += _basic_checks(table)
    if table.kind in ("summary", "fiscal_summary"):
        checks += _summary_checks(table)
    if table.kind == "three_public":
        checks += _three_public_row_checks(table)
    return checks


def check_tables(tables: Sequence[Table]) -> list[Check]:
    """Check every table, then the cheap identities between tables of one report.

    Args:
        tables: the tables of one report.

    Returns:
        :func:`check_table` of each table in order, then the cross-table checks
        (attributed to the table holding the total).
    """
    checks = [check for table in tables for check in check_table(table)]
    return checks + _cross_checks(tables)
