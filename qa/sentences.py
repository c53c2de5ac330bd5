"""Sentences of text chunks, a position-keeping normal form, and the figures printed in them.

A text chunk reads ``<unit> <year><kind> 【<heading>】<paragraphs>``. :func:`split_sentences`
drops that prefix and cuts the paragraphs at ``。；！？`` and line breaks, with three repairs
for how these reports are written and converted:

- a piece ending with ``：`` continues on the next line (``其中：`` / ``包括：`` lists);
- a bare item title (``1、一般公共服务支出（类）…行政运行（项）。``) is joined to the figures
  that follow it;
- a comparison that starts a new sentence (``与 2021 年度相比，减少 2,286.4 万元``,
  ``较上年…``) is joined to the sentence whose figure it compares.

:func:`normalize` gives the NFKC, lower-case form used for matching (quotes, markdown ``*`` and
spaces dropped, except a space between two digits) with a map back to the original offsets, so
``1, 708. 47`` reads ``1,708.47``. :func:`figures_in` lists the numbers of a sentence with their
units, skipping years, dates, document numbers and list enumerators.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from index.model import Chunk
from ingest.numbers import parse_number

MONEY = "money"
"""``expect`` value for any amount of money (元/万元/亿元)."""
MONEY_UNITS = ("万元", "亿元", "元")
COUNT_UNITS = ("辆", "个", "人次", "批次", "篇", "份", "分", "人", "次", "项", "台(套)", "台", "套", "件", "名", "家",
               "期", "册", "条", "场", "处", "团组")  # fmt: skip


@dataclass(frozen=True)
class Sentence:
    """One sentence of a text chunk.

    Attributes:
        text: the sentence as printed (the chunk's prefix and heading removed).
        chunk: the chunk it comes from.
        start: offset of ``text`` in ``chunk.text``.
    """

    text: str
    chunk: Chunk
    start: int


@dataclass(frozen=True)
class Normalized:
    """A normalised text and, for each of its characters, the offset of the original character."""

    text: str
    index: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` for a normalised ``[start, end)`` (``end > start``)."""
        if not self.index:
            return 0, 0
        start = min(max(start, 0), len(self.index) - 1)
        end = min(max(end, start + 1), len(self.index))
        return self.index[start], self.index[end - 1] + 1


@dataclass(frozen=True)
class Figure:
    """A number printed in a sentence.

    Attributes:
        value: the parsed number.
        unit: ``万元``/``元``/``%``/``辆``… or ``""``.
        start / end: span of digits and unit in the normalised sentence.
        digits_end: end of the digits in the normalised sentence.
        text: the number as printed (original characters, e.g. ``2,286.40`` or ``1, 708. 47``).
    """

    value: Decimal
    unit: str
    start: int
    end: int
    digits_end: int
    text: str


_LEVEL_MARK = re.compile(r"\(\d{0,3}[类款项]\)")
_DROP = set("\"'“”‘’「」『』*$`")
_SPACES = set(" \t\u3000\xa0")


def normalize(text: str) -> Normalized:
    """NFKC, lower case; quotes, ``*``, ``$`` and spaces dropped (a space between digits is kept).

    ``收、支`` becomes ``收支`` (the reports write ``收、支总计`` for the totals), and the level marks
    of 功能分类 names go: ``社会保障和就业（类）支出`` / ``司法（06款）`` read as plain names.
    """
    chars: list[str] = []
    index: list[int] = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch in _DROP:
            continue
        if ch in _SPACES:
            prev = chars[-1] if chars else ""
            nxt = next((c for c in text[i + 1 : i + 3] if c not in _SPACES), "")
            if not (prev.isdigit() and nxt.isdigit()) or (chars and chars[-1] == " "):
                continue
            chars.append(" ")
            index.append(i)
            continue
        if ch == "、" and chars and chars[-1] == "收" and i + 1 < n and text[i + 1] == "支":
            continue
        norm = unicodedata.normalize("NFKC", ch).lower()
        for c in norm or ch:
            chars.append(c)
            index.append(i)
    joined = "".join(chars)
    for m in reversed(list(_LEVEL_MARK.finditer(joined))):  # 社会保障和就业（类）支出 → 社会保障和就业支出
        del chars[m.start() : m.end()]
        del index[m.start() : m.end()]
    return Normalized("".join(chars), tuple(index))


# --- splitting -------------------------------------------------------------------------------

_ENDS = "。；！？;!?"
_ENUM_START = re.compile(r"^\s*(?:[(（]?[一二三四五六七八九十]+[)）、.．]|[(（]\d+[)）]|\d+[、.．](?!\d))")
_TITLE_ITEM = re.compile(r"[（(]项[)）][。.]?\s*$")
_COMPARISON_START = re.compile(r"^\s*(?:与\s*[^，,。]{0,16}?相比|较上年|比上年|比年初|较年初|同比|与上年)")


def body_start(chunk: Chunk) -> int:
    """Offset in ``chunk.text`` where the paragraph text starts (after unit, year/kind and heading)."""
    text = chunk.text
    pos = 0
    if chunk.unit and text.startswith(chunk.unit):
        pos = len(chunk.unit)
        rest = text[pos:]
        m = re.match(r"\s+\S*(?:决算|预算|绩效自评|other|其他)\S*\s*", rest)
        if m:
            pos += m.end()
        elif rest.startswith(" "):
            pos += 1
    if text.startswith("【", pos):
        close = text.find("】", pos)
        if close != -1:
            pos = close + 1
    return pos


def heading_of(chunk: Chunk) -> str:
    """The ``【heading】`` of a text chunk, or ``""``."""
    start = body_start(chunk)
    head = chunk.text[:start]
    m = re.search(r"【(.*)】$", head)
    return m.group(1) if m else ""


def heading_continues(chunk: Chunk) -> bool:
    """Whether the heading is really the first line of the paragraph (a mis-detected heading).

    True when the heading is a numbered 功能分类 item title cut by a line wrap and the paragraph
    goes on with the rest of the title (``【1、一般公共服务支出（类）政府办公厅（室）及相关】机构事务
    （款）行政运行（项）。…`` / ``【…住房公积】金（项）。…``).
    """
    head = heading_of(chunk)
    if not head or not _ENUM_START.match(head):
        return False
    body = chunk.text[body_start(chunk) :].lstrip()
    if not body or body.startswith(head[: min(6, len(head))]) or _ENUM_START.match(body):
        return False
    return bool(_TITLE_REST.match(body))


_TITLE_REST = re.compile(r"^[^。，,；;：:]{0,30}?[（(](?:类|款|项)[)）]")


def _pieces(line: str, offset: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for i, ch in enumerate(line):
        if ch in _ENDS:
            spans.append((start, i + 1))
            start = i + 1
    if start < len(line):
        spans.append((start, len(line)))
    return [(offset + a, offset + b) for a, b in spans if line[a:b].strip()]


def split_sentences(chunk: Chunk) -> list[Sentence]:
    """The sentences of a text chunk, in order.

    Args:
        chunk: a text chunk (``kind == "text"``); other kinds give ``[]``.

    Returns:
        Sentences with their offsets in ``chunk.text``; enumerations such as
        ``其中：A x万元、B y万元`` stay in one sentence.
    """
    if chunk.kind != "text":
        return []
    text = chunk.text
    pos = body_start(chunk)
    lines: list[list[tuple[int, int]]] = []
    for line in text[pos:].split("\n"):
        lines.append(_pieces(line, pos))
        pos += len(line) + 1
    spans: list[tuple[int, int]] = []
    carry: tuple[int, int] | None = None  # a piece waiting for its continuation
    for pieces in lines:
        for n, (a, b) in enumerate(pieces):
            piece = text[a:b]
            if carry is not None:
                a = carry[0]
                carry = None
            elif n > 0 and spans and _COMPARISON_START.match(piece):
                a = spans.pop()[0]
            stripped = text[a:b].rstrip()
            if stripped.endswith(("：", ":")) or (_TITLE_ITEM.search(stripped) and not _has_figure(stripped)):
                carry = (a, b)
                continue
            spans.append((a, b))
    if carry is not None:
        spans.append(carry)
    sentences = []
    for a, b in spans:
        raw = text[a:b]
        lead = len(raw) - len(raw.lstrip())
        body = raw.strip()
        if body:
            sentences.append(Sentence(text=body, chunk=chunk, start=a + lead))
    return sentences


def _has_figure(text: str) -> bool:
    return any(f.unit for f in figures_in(normalize(text), text))


# --- figures ---------------------------------------------------------------------------------

_UNIT_ALTERNATIVES = "|".join(
    re.escape(u) for u in sorted(("万元", "亿元", "元", "%", "万件", *COUNT_UNITS), key=len, reverse=True)
)
_NUMBER = re.compile(
    r"(?<![\d.])(?<!\d,)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:(余|多)?("
    + _UNIT_ALTERNATIVES
    + r"))?"
)
_YEAR_AFTER = re.compile(r"^(?:年|月|日|号|届|世纪|周年)")


def figures_in(norm: Normalized, original: str) -> list[Figure]:
    """Numbers printed in a normalised sentence, with their units.

    Skips years (``2022年``), dates, document numbers (``〔2022〕1号``), ordinals (``第3``), list
    enumerators (``1、`` / ``2.`` / ``(3)``) and thousands of stray digits in codes.

    Args:
        norm: the normalised sentence (:func:`normalize`).
        original: the sentence it was made from (to give the number as printed).
    """
    text = norm.text
    found: list[Figure] = []
    for m in _NUMBER.finditer(text):
        digits = m.group(1)
        after = text[m.end(1) :]
        before = text[: m.start(1)]
        if m.group(3) is None and _YEAR_AFTER.match(after):
            continue
        if before.endswith(("〔", "[", "第", "【")) or after.startswith(("〕", "]")):
            continue
        if re.match(r"^[、.．](?!\d)", after) and (not before or before[-1] in "\n。；;:：,，(（)）"):
            continue
        if before.endswith(("(", "（")) and after.startswith((")", "）")):
            continue
        if len(digits) == 4 and digits.startswith(("19", "20")) and re.match(r"^(?:-|—|~|至)", after):
            continue
        value = parse_number(digits)
        if value is None:
            continue
        unit = m.group(3) or ""
        if unit == "万件":
            value, unit = value * 10_000, "件"
        if unit == "台(套)":
            unit = "台"
        a, b = norm.original_span(m.start(1), m.end(1))
        found.append(Figure(value, unit, m.start(1), m.end(), m.end(1), original[a:b].strip()))
    return found


def money_unit(unit: str) -> bool:
    """Whether ``unit`` is an amount of money."""
    return unit in MONEY_UNITS
