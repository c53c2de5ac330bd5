"""Tables in text conversions that are space-separated with empty cells dropped.

Some conversions (report 001) print a table row as one line of space-separated
tokens and drop empty cells: ``2010301   行政运行 940.93 940.93`` does not say which
two of the six value columns hold the numbers. Header cells come one per line,
wrapped (``一般公共预`` / ``算财政拨款``); headers repeat after page breaks.

:func:`parse_spaced_table` rebuilds a :class:`~ingest.rawtable.RawTable` for a
standard table (``ingest.catalog``): explicit header rows from the table's known
layout (checked against the printed header and the 栏次 line), then body rows whose
numbers are placed in columns by the accounting identities (row identities, families
of rows that add up column by column: :mod:`ingest.placement`). A cell whose column
the identities do not decide gets ``uncertain=True``.

Header rows: a vertically merged header cell is repeated in each row it covers; a
cell covered from the left is ``""`` (the builder forward-fills it). The 栏次 line
(column numbers) is dropped. A table that is not a standard one (绩效自评表 …) keeps
its lines as rows of printed cells, ``header_rows=None``, numbers in short rows uncertain.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from ingest import placement
from ingest.catalog import classify_title
from ingest.catalog import printed_number as find_printed_number
from ingest.model import Location
from ingest.numbers import declared_unit, parse_number
from ingest.rawtable import RawCell, RawRow, RawTable

logger = logging.getLogger(__name__)

_DASHES = {"-", "—", "--", "——", "－", "–"}
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_CAR = "公务用车购置及运行维护费"
_CODE_KEYS = ["科目编码", "科目名称"]

# Value columns of each standard table as "path/parts:weight" (weight = how likely the
# column holds a value, used only to choose among placements the identities allow),
# and the row identities as "total=part+part-part" over value positions ("0=*": all others).
_TEMPLATES: dict[str, tuple[str, str]] = {
    "income": (
        "本年收入合计:9 财政拨款收入:8 上级补助收入:2 事业收入:4 经营收入:1 附属单位上缴收入:1 其他收入:3",
        "0=*",
    ),
    "expenditure": (
        "本年支出合计:9 基本支出:8 项目支出:7 上缴上级支出:1 经营支出:1 对附属单位补助支出:1",
        "0=*",
    ),
    "gpb_expenditure": ("本年支出/小计:9 本年支出/基本支出:8 本年支出/项目支出:7", "0=1+2"),
    "soe_capital": ("本年支出/小计:9 本年支出/基本支出:8 本年支出/项目支出:7", "0=1+2"),
    "gov_fund": (
        "年初结转和结余:3 本年收入:5 本年支出/小计:9 本年支出/基本支出:8 本年支出/项目支出:7 年末结转和结余:4",
        "2=3+4 5=0+1-2",
    ),
    "fiscal_summary": (
        "合计:9 一般公共预算财政拨款:8 政府性基金预算财政拨款:2 国有资本经营预算财政拨款:1",
        "0=1+2+3",
    ),
    "three_public": (
        f"合计:9 因公出国（境）费:2 {_CAR}/小计:6 {_CAR}/公务用车购置费:3 {_CAR}/公务用车运行维护费:5 公务接待费:7",
        "0=1+2+5 2=3+4",
    ),
}


@dataclass
class _Group:
    """One side-by-side column group (收入 | 支出; 人员经费 | 公用经费 …) of a layout."""

    code_col: int | None = None
    label_col: int | None = None
    seq_col: int | None = None
    value_cols: list[int] = field(default_factory=list)
    identities: list[placement.Identity] = field(default_factory=list)
    weights: list[int] = field(default_factory=list)


@dataclass
class _Layout:
    style: str  # "code" (科目编码 rows), "seq" (项目/行次 half-rows), "numbers" (三公: numbers only)
    paths: list[tuple[str, ...]] = field(default_factory=list)
    groups: list[_Group] = field(default_factory=list)

    def add(self, keys: list[str], values: str, prefix: tuple[str, ...] = (), identities: str = "") -> None:
        """Append a group: key columns (科目编码/科目名称/项目/行次), then ``values`` (template syntax)."""
        group = _Group()
        for key in keys:
            attr = {"科目编码": "code_col", "行次": "seq_col"}.get(key, "label_col")
            setattr(group, attr, len(self.paths))
            self.paths.append((*prefix, key))
        for item in values.split():
            path, _, weight = item.partition(":")
            group.value_cols.append(len(self.paths))
            group.weights.append(int(weight or 1))
            self.paths.append((*prefix, *path.split("/")))
        group.identities = placement.parse_identities(identities, len(group.value_cols))
        self.groups.append(group)

    def header(self) -> list[list[str]]:
        """Header rows: paths padded by repeating their last part; a cell covered from the left is ""."""
        depth = max(len(p) for p in self.paths)
        full = [p + (p[-1],) * (depth - len(p)) for p in self.paths]
        return [
            ["" if c and full[c][: r + 1] == full[c - 1][: r + 1] else full[c][r] for c in range(len(full))]
            for r in range(depth)
        ]


def _layout(kind: str, header_text: str, count: int | None) -> _Layout:
    """The column layout of a standard table, adjusted to what its printed header shows."""
    if kind in ("summary", "fiscal_summary"):
        keys = ["项目", "行次"] if "行次" in header_text or not header_text else ["项目"]
        lay = _Layout("seq")
        lay.add(keys, "金额", ("收入",))
        lay.add(
            keys, *(("金额", ("支出",)) if kind == "summary" else (_TEMPLATES[kind][0], ("支出",), "0=1+2+3"))
        )
        return lay
    if kind == "gpb_basic":
        lay = _Layout("code")
        for i in range(max(header_text.count("金额"), 2) if "金额" in header_text else 3):
            lay.add(_CODE_KEYS, "金额", ("人员经费" if i == 0 else "公用经费",))
        return lay
    if kind == "three_public":
        blocks = [b for b in ("预算数", "决算数") if b in header_text] or ["预算数", "决算数"]
        if count == 6 and len(blocks) == 2:
            blocks = ["决算数"]  # the 栏次 line shows a single block
        values, idents = _TEMPLATES[kind]
        lay = _Layout("numbers")
        lay.add([], " ".join(f"{b}/{v}" for b in blocks for v in values.split()))
        lay.groups[0].identities = [
            i for b in range(len(blocks)) for i in placement.parse_identities(idents, 6, 6 * b)
        ]
        return lay
    if kind in _TEMPLATES:
        values, idents = _TEMPLATES[kind]
        if idents == "0=*":  # flat columns: drop those the header lacks if the 栏次 count agrees
            found = [v for v in values.split() if v.split(":")[0] in header_text]
            if found and len(found) < len(values.split()) and count == len(found):
                logger.debug("header lacks some %s columns; using %s", kind, found)
                values = " ".join(found)
        lay = _Layout("code")
        lay.add(_CODE_KEYS, values, identities=idents)
        return lay
    raise ValueError(f"no layout for table kind {kind!r}")


# ---------------------------------------------------------------- tokens and rows


@dataclass
class _Tok:
    text: str
    line: int

    @property
    def loc(self) -> Location:
        return Location(line_start=self.line, line_end=self.line)


@dataclass
class _Seg:
    """A group's share of one body row as printed: code, label, 行次 and numbers."""

    code: _Tok | None = None
    label: list[_Tok] = field(default_factory=list)
    seq: _Tok | None = None
    amounts: list[_Tok] = field(default_factory=list)
    group: int = 0
    group_uncertain: bool = False

    def label_text(self) -> str:
        out = ""
        for part in (t.text for t in self.label):  # no space between CJK pieces: 合 计 → 合计
            out += ("" if not out or _CJK.match(out[-1]) or _CJK.match(part[0]) else " ") + part
        return out


@dataclass
class _Row:
    lines: list[int]
    segs: list[_Seg] = field(default_factory=list)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _tokens(line: int, text: str) -> list[_Tok]:
    """Split on spaces, re-joining numbers broken by stray spaces (``1, 708. 47``)."""
    out: list[str] = []
    for tok in text.split():
        if out and re.fullmatch(r"\d[\d,]*[,.]", out[-1]) and tok[:1].isdigit():
            out[-1] += tok
        else:
            out.append(tok)
    return [_Tok(t, line) for t in out]


def _is_number(text: str) -> bool:
    return text in _DASHES or parse_number(text) is not None


def _is_decimal(text: str) -> bool:
    return parse_number(text) is not None and ("." in text or "," in text)


def _code_of(text: str) -> str:
    if text.isdigit() and len(text) in (3, 5, 7):
        return text
    return text[:-3] if len(text) == 10 and text.endswith(".00") and text[:-3].isdigit() else ""


def _value(text: str) -> Decimal:
    return parse_number(text) or Decimal(0)


def _feed_code(row: _Row, toks: list[_Tok], multi: bool, starts_row: bool) -> None:
    """Add a physical line's tokens to a code-table row; each code opens a segment."""
    for i, tok in enumerate(toks):
        nxt = toks[i + 1].text if i + 1 < len(toks) else None
        mid_code = multi and tok.text.isdigit() and (nxt is None or not _is_number(nxt))
        if _code_of(tok.text) and ((i == 0 and starts_row) or mid_code):
            row.segs.append(_Seg(code=tok))
        elif _is_number(tok.text):
            if not row.segs:
                row.segs.append(_Seg())
            row.segs[-1].amounts.append(tok)
        else:
            if not row.segs or row.segs[-1].amounts:
                row.segs.append(_Seg())
            row.segs[-1].label.append(tok)


def _code_rows(body: list[tuple[int, str]], multi: bool) -> list[_Row]:
    """Logical rows start at a code or a total; wrapped labels and amount-led lines continue a row."""
    rows: list[_Row] = []
    for n, text in body:
        toks = _tokens(n, text)
        prev = rows[-1] if rows else None
        is_open = prev is not None and bool(prev.segs) and not prev.segs[-1].amounts
        if _code_of(toks[0].text):
            cont = False
        elif _is_number(toks[0].text):
            cont = prev is not None
        elif not any(_is_number(t.text) for t in toks):
            cont = is_open
        else:  # text then numbers: the rest of a wrapped label, unless it is a total row
            cont = is_open and prev.segs[-1].code is not None and not re.search("合计|总计", text)
        if not (cont and prev is not None):
            rows.append(prev := _Row([]))
        prev.lines.append(n)
        _feed_code(prev, toks, multi, starts_row=not cont)
    return rows


def _halves(toks: list[_Tok], has_seq: bool) -> list[_Seg]:
    """Split a 收支总表 line into half-rows, each ``label? 行次 amount*``."""
    segs: list[_Seg] = []
    for i, tok in enumerate(toks):
        cur = segs[-1] if segs else None
        nxt = toks[i + 1].text if i + 1 < len(toks) else None
        is_int = has_seq and tok.text.isdigit()
        if not _is_number(tok.text):
            if cur is None or cur.seq is not None or cur.amounts:
                segs.append(cur := _Seg())
            cur.label.append(tok)
        elif is_int and (cur is None or (cur.seq is None and not cur.amounts)):
            if cur is None:
                segs.append(cur := _Seg())
            cur.seq = tok
        elif is_int and len(segs) < 2 and (nxt is None or _is_number(nxt)):
            segs.append(_Seg(seq=tok))  # ``30 61``: the 支出 half's 行次
        else:
            if cur is None:
                segs.append(cur := _Seg())
            cur.amounts.append(tok)
    return segs


def _seq_rows(body: list[tuple[int, str]], has_seq: bool, left_width: int) -> list[_Row]:
    """Rows of a 收支总表: the 收入 half-row goes to group 0, the 支出 half-row to group 1."""
    rows: list[_Row] = []
    last_seq = [0, 0]
    for n, text in body:
        toks = _tokens(n, text)
        if rows and rows[-1].segs and not any(_is_number(t.text) for t in toks):
            rows[-1].lines.append(n)  # a wrapped label
            rows[-1].segs[-1].label.extend(toks)
            continue
        segs = _halves(toks, has_seq)
        if len(segs) > 2:
            logger.warning("line %d: %d half-rows in a two-sided table; merging the extra ones", n, len(segs))
            for extra in segs[2:]:
                segs[1].label += extra.label
                segs[1].amounts += extra.amounts
            del segs[2:]
        if len(segs) == 1 and len(segs[0].amounts) > left_width:  # 支出 half without label or 行次
            segs.append(_Seg(amounts=segs[0].amounts[left_width:], group_uncertain=True))
            del segs[0].amounts[left_width:]
        if len(segs) == 2:
            segs[1].group = 1
        elif segs:  # one half only: which side? 行次 continuity, else the label's wording
            seq = int(segs[0].seq.text) if segs[0].seq else None
            label = segs[0].label_text()
            if (seq is not None and seq == last_seq[1] + 1 and seq != last_seq[0] + 1) or (
                seq is None and "支出" in label and "收入" not in label
            ):
                segs[0].group = 1
        for seg in segs:
            if seg.seq:
                last_seq[seg.group] = int(seg.seq.text)
        rows.append(_Row([n], segs))
    return rows


def _assign_groups(rows: list[_Row], n_groups: int) -> None:
    """基本支出明细表: put each (code, label, amount) entry in its column group by code class."""
    learned: dict[str, int] = {}
    for row in rows:
        if len(row.segs) == n_groups:
            for g, seg in enumerate(row.segs):
                if seg.code:
                    learned.setdefault(seg.code.text[:3], g)
    default = {"301": 0, "303": 0, "302": 1}
    for row in rows:
        if len(row.segs) == n_groups:
            wanted = list(range(n_groups))
        else:
            wanted = [
                learned.get(s.code.text[:3], default.get(s.code.text[:3], n_groups - 1))
                if s.code
                else (0 if "人员" in s.label_text() else 1)
                for s in row.segs
            ]
        ok = len(row.segs) <= n_groups and all(a < b < n_groups for a, b in pairwise([-1, *wanted]))
        if not ok:
            logger.warning(
                "line %d: cannot tell the column groups of %d entries", row.lines[0], len(row.segs)
            )
        for i, seg in enumerate(row.segs):
            seg.group, seg.group_uncertain = (wanted[i], False) if ok else (min(i, n_groups - 1), True)


# ---------------------------------------------------------------- placement (ingest.placement)


def _place(layout: _Layout, rows: list[_Row], fiscal: bool) -> dict[tuple[int, int], placement.Slot]:
    """Solved slots by (row, group); numbers beyond a group's width are dropped with a warning."""
    slots: dict[tuple[int, int], placement.Slot] = {}
    families: list[placement.Family] = []
    for g, group in enumerate(layout.groups):
        width = len(group.value_cols)
        excluded: set[int] = set()
        if fiscal and g == 1:  # 财政拨款收支总表: 支出 fund columns without income stay empty
            names = [layout.paths[c][-1] for c in group.value_cols]
            income = [
                (s.label_text(), [_value(a.text) for a in s.amounts])
                for row in rows
                for s in row.segs
                if s.group == 0
            ]
            excluded = placement.excluded_funds(names, income)
        for r, row in enumerate(rows):
            for seg in (s for s in row.segs if s.group == g and s.amounts):
                if len(seg.amounts) > width:
                    extra = [a.text for a in seg.amounts[width:]]
                    logger.warning(
                        "line %d: %d columns; extra numbers dropped: %s", seg.amounts[0].line, width, extra
                    )
                    del seg.amounts[width:]
                values = [_value(a.text) for a in seg.amounts]
                slots[(r, g)] = placement.make_slot(values, group.weights, group.identities, excluded)
        firsts = [(r, next((s for s in row.segs if s.group == g), None)) for r, row in enumerate(rows)]
        families += placement.build_families(
            (seg.code.text if seg.code else None, _squash(seg.label_text()), slots[(r, g)])
            for r, seg in firsts
            if seg is not None and (r, g) in slots
        )
    placement.solve(list(slots.values()), families)
    return slots


# ---------------------------------------------------------------- entry point


def _is_column_numbers(text: str) -> bool:
    """The 栏次 line (``栏 次 1 2 3``) or a bare run ``1 2 3 … n`` of column numbers."""
    toks = text.split()
    return _squash(text).startswith("栏次") or (
        len(toks) >= 3 and toks == [str(i + 1) for i in range(len(toks))]
    )


def _split(lines: list[tuple[int, str]], title: str) -> tuple[list, list, list[str], int | None]:
    """Header lines, body lines, note lines and the largest 栏次 number."""
    content: list[tuple[int, str]] = []
    notes: list[str] = []
    for n, text in lines:
        flat = _squash(text)
        if notes or flat.startswith(("注:", "注：")) or "本表无数据" in flat:
            notes.append(text.strip())
        elif flat and not (
            flat == _squash(title)
            or (find_printed_number(text) and len(flat) <= 12)
            or declared_unit(text)
            or flat.startswith(("单位:", "单位："))
        ):
            content.append((n, text))
    marks = [i for i, (_, text) in enumerate(content) if _is_column_numbers(text)]
    count = max((int(t) for i in marks for t in content[i][1].split() if t.isdigit()), default=None)
    body_like = (
        i
        for i, (_, text) in enumerate(content)
        if _code_of(text.split()[0])
        or any(map(_is_decimal, text.split()))
        or placement.ORDINAL.match(_squash(text))
    )
    start = marks[0] if marks else next(body_like, len(content))
    header = content[:start]
    body = [line for i, line in enumerate(content[start:], start) if i not in marks]
    # headers repeated after a page break: runs of header lines, or a single long one
    keys = {_squash(t) for _, t in header}
    rep = [_squash(t) in keys and not any(map(_is_decimal, t.split())) for _, t in body]
    keep = [
        line
        for i, line in enumerate(body)
        if not (
            rep[i] and ((i and rep[i - 1]) or (i + 1 < len(rep) and rep[i + 1]) or len(_squash(line[1])) >= 4)
        )
    ]
    if len(keep) < len(body):
        logger.debug("dropped %d repeated header lines", len(body) - len(keep))
    return header, keep, notes, count


def _body_rows(layout: _Layout, body: list[tuple[int, str]]) -> list[_Row]:
    if layout.style == "seq":
        return _seq_rows(body, layout.groups[0].seq_col is not None, len(layout.groups[0].value_cols))
    if layout.style == "numbers":
        numbered = [(n, [t for t in _tokens(n, text) if _is_number(t.text)]) for n, text in body]
        return [_Row([n], [_Seg(amounts=toks)]) for n, toks in numbered if toks]
    rows = _code_rows(body, multi=len(layout.groups) > 1)
    if len(layout.groups) > 1:
        _assign_groups(rows, len(layout.groups))
        return rows
    for row in rows:
        if len(row.segs) > 1:  # one group only: a number inside a label, or similar
            merged = _Seg(code=row.segs[0].code)
            for seg in row.segs:
                merged.label += seg.label
                merged.amounts += seg.amounts
            row.segs = [merged]
    return rows


def _token_grid(lines: list[tuple[int, str]]) -> tuple[RawRow, ...]:
    """A table of no known layout: one row per line, one cell per printed token (``合 计`` → ``合计``).

    Numbers in rows shorter than the widest row are uncertain: their columns are unknown.
    """
    rows: list[list[RawCell]] = []
    for n, text in lines:
        row: list[RawCell] = []
        spaced_out = False
        for tok in _tokens(n, text):
            single = len(tok.text) == 1 and bool(_CJK.match(tok.text))
            if single and spaced_out:
                row[-1] = RawCell(row[-1].text + tok.text, row[-1].location)
            else:
                row.append(RawCell(tok.text, tok.loc))
            spaced_out = single
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    return tuple(
        tuple(
            [RawCell(c.text, c.location, _is_number(c.text) and len(r) < width) for c in r]
            + [RawCell("", Location(line_start=n, line_end=n))] * (width - len(r))
        )
        for (n, _), r in zip(lines, rows, strict=True)
    )


def parse_spaced_table(title: str, printed_number: str, unit: str, lines: list[tuple[int, str]]) -> RawTable:
    """Rebuild the grid of a space-separated table whose empty cells were dropped.

    Args:
        title: the printed title; ``catalog.classify_title`` picks the standard layout.
        printed_number: e.g. ``公开01表`` (copied to the result).
        unit: the declared amount unit (``万元``/``元``), or ``""`` to read it from a ``单位：`` line.
        lines: (1-based line number, text) of the table's header and body lines, blank lines
            removed. Title, number and unit lines are skipped; a ``注：`` line and everything
            after it (or a ``…本表无数据`` line) becomes the note.

    Returns:
        A RawTable with explicit header rows (``header_rows`` set) and one grid row per body
        row. Each cell has ``Location(line_start=n, line_end=n)`` of its line (a wrapped label
        spans its lines; a blank cell spans its row). Values whose column is inferred without
        certainty, and blank cells that might hold one of them, have ``uncertain=True``.
    """
    kind = classify_title(title)
    header, body, notes, count = _split(lines, title)
    note = " ".join(sorted(notes, key=lambda t: "本表无数据" not in t))
    unit = unit or next((declared_unit(t) for _, t in lines if declared_unit(t)), "")
    span = (lines[0][0], lines[-1][0]) if lines else None
    if kind not in _TEMPLATES and kind not in ("summary", "gpb_basic"):
        logger.info("lines %s: %r is not a standard table; its cells are kept in printed order", span, title)
        return RawTable(title, printed_number, unit, _token_grid(header + body), None, note, lines=span)
    layout = _layout(kind, "".join(_squash(t) for _, t in header), count)
    rows = _body_rows(layout, body)
    slots = _place(layout, rows, fiscal=kind == "fiscal_summary")

    header_loc = Location(line_start=header[0][0], line_end=header[-1][0]) if header else Location()
    grid: list[RawRow] = [tuple(RawCell(text, header_loc) for text in row) for row in layout.header()]
    for r, row in enumerate(rows):
        row_loc = Location(line_start=row.lines[0], line_end=row.lines[-1])
        cells = [RawCell("", row_loc) for _ in layout.paths]
        for seg in row.segs:
            group = layout.groups[seg.group]
            if seg.code and group.code_col is not None:
                cells[group.code_col] = RawCell(seg.code.text, seg.code.loc)
            if seg.label and group.label_col is not None:
                loc = Location(line_start=seg.label[0].line, line_end=seg.label[-1].line)
                cells[group.label_col] = RawCell(seg.label_text(), loc)
            if seg.seq and group.seq_col is not None:
                cells[group.seq_col] = RawCell(seg.seq.text, seg.seq.loc)
            slot = slots.get((r, seg.group))
            if slot is not None:
                for col, (tok, doubt) in zip(group.value_cols, slot.placement(seg.amounts), strict=True):
                    doubt = doubt or seg.group_uncertain
                    cells[col] = RawCell(tok.text, tok.loc, doubt) if tok else RawCell("", row_loc, doubt)
        grid.append(tuple(cells))
    return RawTable(title, printed_number, unit, tuple(grid), len(layout.header()), note, lines=span)
