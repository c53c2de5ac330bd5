"""The lines printed around a table on a PDF page: its title, caption, unit and note.

A title is a standard table name (:func:`ingest.catalog.classify_title`) or a short line
ending in 表; caption lines are the title, big heading, 编制部门, 单位 and table number
printed with it. A title may also sit inside the grid's first rows (WPS), or at the foot
of the page before the grid (:func:`foot_title`, :func:`take_title`). Notes are the
``注：…`` lines under a table. Functions over :class:`ingest.pdf_layout.Line` and
:class:`ingest.pdf_merge.PageTable`; no PDF access.
"""

from __future__ import annotations

import re
from itertools import pairwise

from ingest.catalog import KIND_OTHER, classify_title, printed_number, strip_caption
from ingest.numbers import declared_unit
from ingest.pdf_layout import Line, starts_item
from ingest.pdf_merge import PageTable
from ingest.rawtable import RawRow

_MAX_TITLE_LEN = 40
_TITLE_NOISE = re.compile(
    r"(?:金额)?单位\s*[:：]\s*(?:万元|亿元|元)|(?:编制|填报)(?:部门|单位)\s*[:：]\s*\S*|[（(]?续表?[）)]?$"
)
_CAPTION_START = re.compile(
    r"^(?:(?:编制|填报|预算|主管)(?:部门|单位)|(?:部门|单位)名称|(?:金额)?单位)\s*[:：]"
)
_NOTE_START = re.compile(r"^(?:注|说明|备注)\s*\d*\s*[:：]|^注\s*\d")
_NOTE_WORDS = ("本表", "故本表", "无数据", "空表")


def clean_title(text: str) -> str:
    """A caption line less its unit, 编制部门, 续表 and caption words: the bare title."""
    return strip_caption(_TITLE_NOISE.sub("", text)).strip(" :：")


def is_title(text: str) -> bool:
    """A standard table's title, or a short line ending in 表 that is not a sentence (``详见下表``)."""
    t = clean_title(text)
    if not t:
        return False
    if classify_title(t) != KIND_OTHER:
        return True
    return (
        len(t) <= _MAX_TITLE_LEN
        and t.endswith("表")
        and not t.endswith(("下表", "见表", "如表"))
        and not any(p in t for p in "，。；：,;")
    )


def is_caption(text: str) -> bool:
    """Lines printed with a table: title, big heading, 编制部门, 单位, table number."""
    return (
        is_title(text)
        or bool(declared_unit(text))
        or bool(_CAPTION_START.match(text))
        or (bool(printed_number(text)) and len(text) <= 20)
    )


def pick_title(lines: list[Line]) -> str:
    """The specific table name among caption lines (nearest the table first)."""
    for line in reversed(lines):
        t = clean_title(line.text)
        if t and classify_title(t) != KIND_OTHER:
            return t
    for upper, lower in reversed(list(pairwise(lines))):  # a title wrapped onto two lines
        t = clean_title(upper.text + lower.text)
        if t and classify_title(t) != KIND_OTHER:
            return t
    for line in reversed(lines):
        if is_title(line.text):
            return clean_title(line.text)
    return ""


def foot_title(lines: list[Line], tables: list[PageTable]) -> int:
    """How many of the page's last lines are a table title with its caption lines, printed
    below every table of the page with nothing after them: the table itself starts on the next page."""
    bottom = max((t.bbox[3] for t in tables), default=0.0)
    count = 0
    while count < len(lines) and lines[-1 - count].top >= bottom - 2 and is_caption(lines[-1 - count].text):
        count += 1
    foot = lines[len(lines) - count :]
    return count if any(is_title(ln.text) for ln in foot) else 0


def take_title(table: PageTable, held: list[Line], caption: str, lines: list[Line]) -> bool:
    """Give the first table of a page the title printed at the foot of the page before
    (``held``), when the table has no title of its own and nothing is printed above it
    but its caption. The table then starts on that page. Returns whether it took it."""
    if table.title or table.text_above or any(ln.bottom <= table.bbox[1] + 2 for ln in lines):
        return False
    table.title = pick_title(held)
    table.number = table.number or next((n for n in (printed_number(ln.text) for ln in held) if n), "")
    table.unit = table.unit or declared_unit(caption)
    table.caption = "\n".join(filter(None, (caption, table.caption)))
    table.page = held[0].page
    return True


def unit_by_column(lines: list[RawRow]) -> str:
    """A unit caption wrapped in its narrow box (``单位：万`` over ``元``): each caption word
    read with the words below it that share its x-range."""
    for i, words in enumerate(lines):
        for word in words:
            if word is None or word.location.bbox is None:
                continue
            x0, _, x1, _ = word.location.bbox
            below = [
                w.text
                for row in lines[i + 1 :]
                for w in row
                if w is not None
                and w.location.bbox is not None
                and min(x1, w.location.bbox[2]) - max(x0, w.location.bbox[0]) > 0
            ]
            unit = declared_unit(word.text + "".join(below))
            if unit:
                return unit
    return ""


def title_from_rows(table: PageTable) -> None:
    """Take a title, unit or number printed inside the grid's first rows (WPS exports do this).

    A caption cell may be cut by a grid line (``单位：万`` | ``元`` in two rows), so the
    unit is also looked for in each column's caption texts read top to bottom.
    """
    popped: list[RawRow] = []
    while table.rows:
        texts = [c.text for c in table.rows[0] if c is not None and c.text]
        joined = " ".join(texts)
        if texts and (len(texts) > 3 or len(joined) > 80 or not is_caption(joined)):
            break
        if texts:
            table.caption = "\n".join(filter(None, (table.caption, joined)))
            if not table.title and is_title(joined):
                table.title = clean_title(joined)
            table.unit = table.unit or declared_unit(joined)
            table.number = table.number or printed_number(joined)
        popped.append(table.rows.pop(0))
    if popped and not table.unit:
        width = max(len(r) for r in popped)
        for i in range(width):
            column = "".join(r[i].text for r in popped if i < len(r) and r[i] is not None)
            table.unit = declared_unit(column)
            if table.unit:
                break


def note_lines(lines: list[Line], below: list[int], bottom: float) -> list[int]:
    """Indices of the note printed right under a table (``注：本表…``, ``…故本表无数据``)."""
    note: list[int] = []
    prev: Line | None = None
    for i in below:
        line = lines[i]
        noted = bool(_NOTE_START.match(line.text)) or any(w in line.text for w in _NOTE_WORDS)
        last = prev.bottom if prev is not None else bottom
        if line.top - last > 3 * line.size:
            break
        if not noted and (prev is None or prev.text.endswith("。") or starts_item(line.text)):
            break
        note.append(i)
        prev = line
    return note


def join_note(lines: list[Line]) -> list[str]:
    """Note lines → one string per note (a new one at each 注/说明)."""
    notes: list[list[str]] = []
    for line in lines:
        if not notes or _NOTE_START.match(line.text):
            notes.append([])
        notes[-1].append(line.text)
    return ["".join(parts) for parts in notes]
