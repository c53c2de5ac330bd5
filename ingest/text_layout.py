"""Line-level layout of text conversions: what each line is, and narrative paragraphs.

Text conversions of report PDFs flatten everything to lines. This module decides,
line by line, whether a line is a table grid row (tab- or ``|``-separated), a table
title, a table's metadata (``公开 01 表``, ``金额单位：万元``, ``单位：…本级``, ``(2022年度)``),
a note (``注：…``), a section heading (``第一部分``, ``一、``, ``（一）``, ``1、``, ``（1）``,
markdown ``#``/``**…**``) or narrative text. It also rebuilds narrative paragraphs
from hard-wrapped pieces and tracks the heading path of each paragraph
(:func:`build_blocks`).

Line numbers are 1-based everywhere, as in :class:`ingest.model.Location`.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

from ingest.catalog import classify_title
from ingest.model import Location, TextBlock
from ingest.numbers import declared_unit

logger = logging.getLogger(__name__)

# Line kinds.
BLANK = "blank"
GRID = "grid"
NOTE = "note"
NODATA = "nodata"
NUMBER = "number"
META = "meta"
PART = "part"
TITLE = "title"
TEXT = "text"

_CN_NUM = "一二三四五六七八九十百零〇"
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_LEADING_MARKUP = re.compile(r"^(?:#{1,6}\s+|\*\*|[-*•]\s+)")
_STANDALONE_NUMBER = re.compile(
    r"^(?:公开\s*\d{1,2}\s*表|(?:附件|附表)\s*\d{1,2}(?:\s*[.\-—－]\s*\d{1,2})?|表\s*\d{1,2})\s*[:：]?$"
)
_NUMBER_PREFIX = re.compile(
    r"^(?:公开\s*\d{1,2}\s*表|(?:附件|附表)\s*\d{1,2}(?:\s*[.\-—－]\s*\d{1,2})?|表\s*\d{1,2})\s*[.．、:：]?\s*"
)
_NUMBER_PARTS = re.compile(r"^(公开|附件|附表|表)\s*(\d{1,2})(?:\s*[.\-—－]\s*(\d{1,2}))?")
_YEAR_LINE = re.compile(r"^[(（]\s*\d{4}\s*年度?\s*[)）]")
_UNIT_NAME_LINE = re.compile(r"^(?:单位|部门|单位名称|部门名称|编制单位|填报单位)\s*[:：]")
_NOTE_LINE = re.compile(r"^(?:注|备注)\s*\d?\s*[:：]")
_NODATA = re.compile(r"本表无数据|故本表为空|本表为空表")
_PART = re.compile(rf"^第[{_CN_NUM}]+部分")
_ENUMERATED = re.compile(r"^\d{1,2}\s*[.、．](?!\d)")
_SENTENCE_PUNCT = re.compile(r"[。；;，,！？!?]")
_STOPS = tuple("。；：！？;:!?")
_TERMINAL = _STOPS + tuple("）)」』】")
_TITLE_PUNCT = re.compile(r"[。；;，,：:！？!?]")
_MD_SEPARATOR_CELL = re.compile(r"^:?-{2,}:?$")
_BULLET = re.compile(r"^[-*•]\s+")
_REPORT_TITLE = re.compile(r"^[^。；;，,：:！？!?]{4,60}(?:报告|总结|报告书)$")
_MARKER_ANY = re.compile(
    rf"^(?:第[{_CN_NUM}]+部分|[{_CN_NUM}]+\s*、|[（(]\s*[{_CN_NUM}\d]+\s*[）)]|\d{{1,2}}\s*[、.．])"
)
_CONTINUATION = re.compile(r"^[（(][类款项][）)]")

# Heading markers and their depth below a 第X部分 part (level 1).
_MARKERS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (2, re.compile(rf"^[{_CN_NUM}]+\s*、")),
    (3, re.compile(rf"^[（(]\s*[{_CN_NUM}]+\s*[）)]")),
    (4, re.compile(r"^\d{1,2}\s*[、.．](?!\d)")),
    (5, re.compile(r"^[（(]\s*\d{1,2}\s*[）)]")),
)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def strip_markup(line: str) -> str:
    """Strip a line and drop HTML tags and leading markdown (``#``, ``**``, ``- `` bullets)."""
    text = _HTML_TAG.sub("", line).strip()
    text = _LEADING_MARKUP.sub("", text).strip()
    if text.endswith("**"):
        text = text[:-2].rstrip()
    return text


def split_cells(line: str) -> list[str] | None:
    """The cells of a grid line, or ``None`` if the line is not a grid row.

    A grid row is tab-separated, or written as a markdown table row
    (``| a | b |``), in which case the outer pipes are dropped and cells split on ``|``.
    Cells are stripped of surrounding whitespace; empty cells are kept.
    """
    if "\t" in line:
        return [cell.strip() for cell in line.rstrip("\r\n").split("\t")]
    stripped = line.strip()
    if (
        len(stripped) >= 3
        and stripped.startswith("|")
        and stripped.endswith("|")
        and stripped.count("|") >= 3
    ):
        return [cell.strip() for cell in stripped[1:-1].split("|")]
    return None


def is_separator_row(cells: list[str]) -> bool:
    """``--`` / ``---`` / ``:---:`` in every non-empty cell: a markdown table's separator row."""
    non_empty = [c for c in cells if c]
    return bool(non_empty) and all(_MD_SEPARATOR_CELL.match(c) for c in non_empty)


def standalone_number(text: str) -> str:
    """The printed number if the line is nothing but one (``公开 01 表``, ``附件 1—1``), else ``""``."""
    t = text.strip()
    if not _STANDALONE_NUMBER.match(t):
        return ""
    return normalize_number(t)


def normalize_number(text: str) -> str:
    """Normalize a printed number.

    ``公开 01 表`` → ``公开01表``; ``附件 11.1`` → ``附件11.1``; ``附件 1—1`` → ``附件1-1``;
    ``表 2`` → ``表2``; ``""`` if the text does not start with one.
    """
    m = _NUMBER_PARTS.match(text.strip())
    if not m:
        return ""
    kind, major, minor = m.group(1), m.group(2), m.group(3)
    if kind == "公开":
        return f"公开{int(major):02d}表"
    if kind == "表":
        return f"表{int(major)}"
    sep = "." if re.search(rf"{major}\s*\.", text) else "-"
    return f"{kind}{int(major)}" + (f"{sep}{int(minor)}" if minor else "")


def title_number(text: str) -> str:
    """The printed number a title line starts with (``附件 1: 收入支出决算总表`` → ``附件1``), else ``""``."""
    return normalize_number(text) if _NUMBER_PREFIX.match(text.strip()) else ""


def is_title(text: str) -> bool:
    """Whether a (markup-stripped) line looks like a table title.

    A title is a standard table's title (:func:`ingest.catalog.classify_title`) or a
    short line ending in 表 (``项目支出绩效自评表``) or starting with ``表N``, without
    sentence punctuation. ``第X部分`` headings and markdown bullets are never titles.
    """
    if not text or _PART.match(text):
        return False
    body = _NUMBER_PREFIX.sub("", text, count=1).strip()
    compact = re.sub(r"\s+", "", body)
    if not compact or len(compact) > 60 or _TITLE_PUNCT.search(body):
        return False
    if classify_title(body) != "other":
        return True
    if compact.endswith("表") and len(compact) >= 4:
        return True
    return bool(re.match(r"^表\s*\d{1,2}", text.strip())) and len(compact) >= 4


def is_meta(text: str) -> bool:
    """A table's metadata line: declared unit, unit name (``单位：…``/``部门：…``) or ``(2022年度)``."""
    if len(text) > 80:
        return False
    return bool(declared_unit(text) or _UNIT_NAME_LINE.match(text) or _YEAR_LINE.match(text))


def line_kind(line: str) -> str:
    """Classify one raw line (see the module constants ``BLANK`` … ``TEXT``)."""
    if not line.strip():
        return BLANK
    cells = split_cells(line)
    if cells is not None:
        filled = [c for c in cells if c]
        if len(filled) == 1 and cells[0] and _NOTE_LINE.match(strip_markup(cells[0])):
            return NOTE  # a note printed in the grid's first column
        return GRID
    text = strip_markup(line)
    if not text:
        return BLANK
    if _NOTE_LINE.match(text):
        return NOTE
    if _NODATA.search(text) and len(text) <= 100:
        return NODATA
    if standalone_number(text):
        return NUMBER
    if is_meta(text):
        return META
    if _PART.match(text):
        return PART
    if line.lstrip().startswith(("- ", "* ", "• ")):
        return TEXT
    if is_title(text):
        return TITLE
    return TEXT


def is_enumerated(text: str) -> bool:
    """``2. …`` / ``3、…``: a numbered item (continues a multi-item note)."""
    return bool(_ENUMERATED.match(text.strip()))


def marker_level(text: str) -> int | None:
    """Heading depth of a line's leading marker: 第X部分 1, 一、 2, （一） 3, 1、 4, （1） 5."""
    t = text.strip()
    if _PART.match(t):
        return 1
    for level, pattern in _MARKERS:
        if pattern.match(t):
            return level
    return None


def is_short_heading(text: str) -> bool:
    """A marker-led line short enough, and without inner sentence punctuation, to be a heading."""
    level = marker_level(text)
    if level is None:
        return False
    t = text.strip()
    if level == 1:
        return len(t) <= 40 and not _SENTENCE_PUNCT.search(t.rstrip("。"))
    limit = 30 if level <= 3 else 24
    inner = t[:-1] if t.endswith(("。", "：", ":")) else t
    return len(t) <= limit and not _SENTENCE_PUNCT.search(inner) and "：" not in inner


def section_heading(text: str) -> bool:
    """A narrative section heading (一、… / （一）… / 第X部分) that cannot be a table row.

    Used to end space-separated tables: such headings carry no digits and no spaces.
    """
    level = marker_level(text)
    if level is None or level > 3:
        return False
    t = text.strip()
    return is_short_heading(t) and not re.search(r"[0-9\s]", t)


def ends_sentence(text: str) -> bool:
    """Whether a piece ends a sentence (。；：！？ or a closing bracket)."""
    return text.rstrip().endswith(_TERMINAL)


# ---------------------------------------------------------------- narrative


@dataclass
class _Para:
    start: int
    end: int
    text: str
    last: str  # the last piece joined


def _starts_new(text: str) -> bool:
    t = text.lstrip()
    return (
        marker_level(t) is not None
        or t.startswith(("#", "**", "- ", "* ", "• "))
        or bool(re.match(r"^(?:附件|附表)\s*\d", t))
        or bool(_NOTE_LINE.match(strip_markup(t)))
    )


def _heading_like(text: str) -> bool:
    t = text.strip()
    if t.startswith("#") or (t.startswith("**") and t.endswith("**")):
        return True
    if is_short_heading(t) or _REPORT_TITLE.match(t):
        return True
    # a short line without any punctuation: a caption, a cover line or a heading
    return len(t) <= 40 and not re.search(r"[。；;，,：:、！？!?]", t)


def display_width(text: str) -> int:
    """Width in half-width columns: CJK and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap_width(pieces: list[tuple[int, str]]) -> int | None:
    """The width a hard-wrapped file was wrapped at, or ``None`` if lines are whole paragraphs.

    Hard-wrapped conversions (one PDF line per text line) have narrative lines of
    nearly equal width; others have one paragraph per line, of very varied width.
    """
    widths = sorted(display_width(text) for _, text in pieces)
    if len(widths) < 20:
        return None
    median, p75, p90 = widths[len(widths) // 2], widths[3 * len(widths) // 4], widths[9 * len(widths) // 10]
    if median >= 30 and p90 <= 1.25 * median:
        return p75
    return None


def _can_join(prev: _Para, text: str, width: int | None) -> bool:
    p = prev.text.strip()
    if p.startswith("**") and not p.endswith("**"):
        return True  # an open bold title block continues
    full = bool(width) and display_width(prev.last) >= 0.75 * (width or 0)
    if p.endswith(_STOPS) or (ends_sentence(p) and not full):
        return False  # a full wrapped line may end on a bracket mid-sentence
    if _CONTINUATION.match(text.strip()):
        return True  # 支出（类）… wrapped before （款）
    if _starts_new(text):
        return False
    if full:
        # a full line of a hard-wrapped file continues, unless it is a whole heading
        body = _MARKER_ANY.sub("", p, count=1)
        return not is_short_heading(p) or "、" in body or is_short_heading(p + text.strip())
    return not _heading_like(p)


def paragraphs(pieces: list[tuple[int, str]], adjacent: set[tuple[int, int]]) -> list[_Para]:
    """Join hard-wrapped pieces into paragraphs.

    A piece continues the previous one when only blank lines separate them, the
    previous does not end a sentence (。；：！？ or a closing bracket), the piece does
    not start with a heading marker, and the previous is not a heading: in
    hard-wrapped files (see :func:`wrap_width`) a full-width line always continues.

    Args:
        pieces: (line number, stripped text) of narrative lines, in order.
        adjacent: pairs (previous line, next line) that only blank lines separate;
            pieces are joined only across such gaps.

    Returns:
        Paragraphs with their first and last line; pieces are joined without spaces.
    """
    width = wrap_width(pieces)
    paras: list[_Para] = []
    for line_no, text in pieces:
        if paras and (paras[-1].end, line_no) in adjacent and _can_join(paras[-1], text, width):
            prev = paras[-1]
            prev.text = prev.text.rstrip() + text.strip()
            prev.end = line_no
            prev.last = text.strip()
            continue
        paras.append(_Para(line_no, line_no, text.strip(), text.strip()))
    return paras


def _lead_phrase(text: str) -> str:
    m = re.match(r"^(.{2,25}?)[。：:]", text)
    return m.group(1).strip() if m else ""


def _block(stack: list[tuple[int, str]], text: str, para: _Para) -> TextBlock:
    path = tuple(heading for _, heading in stack)
    return TextBlock(
        section_path=path, text=text, location=Location(line_start=para.start, line_end=para.end)
    )


def build_blocks(pieces: list[tuple[int, str]], adjacent: set[tuple[int, int]]) -> list[TextBlock]:
    """Narrative paragraphs with their heading path.

    Headings (``第一部分 单位概况``, ``一、…``, ``（一）…``, short ``1、…``/``（1）…``, markdown
    ``#`` and a bold ``**…**`` title block) are not emitted as blocks; they form the
    ``section_path`` of the paragraphs below them. A long paragraph that starts with
    a marker (``（一）预算绩效管理工作开展情况。根据…``) closes the sibling headings of
    its level and, for levels 一、/（一）, opens its lead phrase as a heading.

    Args:
        pieces: (line number, stripped text) of every narrative line, in order.
        adjacent: (previous, next) line pairs separated by blank lines only.

    Returns:
        The text blocks, each located by its first and last line.
    """
    paras = paragraphs(pieces, adjacent)
    stack: list[tuple[int, str]] = []
    blocks: list[TextBlock] = []

    def push(level: int, heading: str) -> None:
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading))

    index = 0
    while index < len(paras):
        para = paras[index]
        index += 1
        nxt = paras[index] if index < len(paras) else None
        raw = para.text.strip()
        text = _BULLET.sub("", raw)
        if text != raw:  # a list item is never a heading
            blocks.append(_block(stack, text, para))
            continue
        md = _MD_HEADING.match(text)
        if md:
            push(len(md.group(1)), strip_markup(md.group(2)))
            continue
        if text.startswith("**") and text.endswith("**") and len(text) <= 120:
            push(0, text.strip("*").strip())
            continue
        number = standalone_number(text)
        if number:
            if nxt is not None and _REPORT_TITLE.match(nxt.text.strip()):
                push(1, f"{text} {nxt.text.strip()}")
                index += 1
            continue  # a lone 附件N/表N line carries nothing by itself
        if _REPORT_TITLE.match(text):
            push(1, text)
            continue
        level = marker_level(text)
        if level == 1 and is_short_heading(text):
            heading = text
            if (
                re.fullmatch(rf"第[{_CN_NUM}]+部分", text)
                and nxt is not None
                and (para.end, nxt.start) in adjacent
                and len(nxt.text) <= 25
                and marker_level(nxt.text) is None
                and not ends_sentence(nxt.text)
            ):
                heading = f"{text} {nxt.text.strip()}"
                index += 1
            push(1, heading)
            continue
        if level is not None and level > 1 and is_short_heading(text):
            push(level, text.rstrip("。：:"))
            continue
        if level is not None and level > 1:
            while stack and stack[-1][0] >= level:
                stack.pop()
            lead = _lead_phrase(text) if level <= 3 else ""
            if lead:
                stack.append((level, lead))
        blocks.append(_block(stack, text, para))
    return blocks
