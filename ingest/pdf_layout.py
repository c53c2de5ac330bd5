"""Layout helpers for the PDF reader: glyphs → lines → cells, headings and paragraphs.

Nothing here knows about pdfplumber: :mod:`ingest.pdf_load` turns pdfplumber's
characters into :class:`Glyph` tuples and hands them over. Coordinates are PDF
points in pdfplumber's frame (origin top-left).

The reports these helpers were tuned on hard-wrap every line of Chinese text, so
wrapped lines are joined without a space (``一般公共预`` + ``算财政拨款``), and
paragraphs are found from first-line indents, list markers and short last lines.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ingest.model import BBox, Location, TextBlock
from ingest.tables import CJK_SPACE

logger = logging.getLogger(__name__)


class Glyph(NamedTuple):
    """One printed character (pdfplumber ``char`` reduced to what we need)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass(frozen=True)
class Line:
    """A line of text on one page; ``x0``/``x1`` ignore leading/trailing spaces."""

    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page_width: float = 0.0
    after_table: bool = False
    """A table precedes this line (a paragraph cannot continue across it)."""

    @property
    def bbox(self) -> BBox:
        return (self.x0, self.top, self.x1, self.bottom)


_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
LEADERS = re.compile(r"(?:…|\.{3}|·{3}|．{3}|-{4}|_{4}){2,}")
_LEADER_TAIL = re.compile(r"\s*(?:…|\.|·|．|-|_){4,}\s*\d*\s*$")

_L0 = re.compile(r"^第[一二三四五六七八九十]+部分")
_L1 = re.compile(r"^[一二三四五六七八九十]+[、，,]")
_L2 = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_ITEM = re.compile(r"^(?:\d{1,2}[、.．](?!\d)|[（(]\d{1,2}[）)]|\d{1,2}[)）])")
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－\s]*\d{1,4}[-—–－\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$"
)
_SENTENCE_END = "。；：！？;:!?”）)"
_OUTSIDE_BRACKETS = re.compile(r"（[^）]*）|\([^)]*\)|“[^”]*”")


def _is_cjk(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef"


def glyph_text(glyphs: Sequence[Glyph]) -> str:
    """Text of one line of glyphs (sorted left to right).

    A space is kept where the PDF prints one, or where a clear gap (half an em)
    separates two glyphs; between ASCII letters/digits a smaller gap suffices.
    Runs of spaces fold to one; the result is stripped.
    """
    out: list[str] = []
    prev: Glyph | None = None
    for g in glyphs:
        if prev is not None:
            if g.text == prev.text and abs(g.x0 - prev.x0) < 0.5 and abs(g.top - prev.top) < 0.5:
                continue  # duplicated glyph (fake bold)
            gap = g.x0 - prev.x1
            size = max(g.size, prev.size, 1.0)
            if gap > 0.5 * size or (
                gap > 0.12 * size and _ASCII_WORD.match(prev.text[-1:]) and _ASCII_WORD.match(g.text[:1])
            ):
                out.append(" ")
        out.append(g.text)
        prev = g
    return CJK_SPACE.sub("", _SPACES.sub(" ", "".join(out))).strip()  # justified Word text



def group_lines(glyphs: Iterable[Glyph]) -> list[list[Glyph]]:
    """Cluster glyphs into lines by vertical centre; each line sorted by ``x0``, lines top to bottom."""
    ordered = sorted(glyphs, key=lambda g: ((g.top + g.bottom) / 2, g.x0))
    lines: list[list[Glyph]] = []
    anchor = 0.0
    for g in ordered:
        mid = (g.top + g.bottom) / 2
        if lines and mid - anchor <= max(2.0, 0.4 * g.size):
            lines[-1].append(g)
        else:
            lines.append([g])
            anchor = mid
    for line in lines:
        line.sort(key=lambda g: g.x0)
    return lines


def make_lines(glyphs: Iterable[Glyph], page: int, page_width: float) -> list[Line]:
    """Lines of text (non-blank) built from ``glyphs``."""
    result: list[Line] = []
    for group in group_lines(glyphs):
        text = glyph_text(group)
        if not text:
            continue
        ink = [g for g in group if not g.text.isspace()]
        sizes = Counter(round(g.size, 1) for g in ink)
        result.append(
            Line(
                page=page,
                text=text,
                x0=ink[0].x0,
                x1=max(g.x1 for g in ink),
                top=min(g.top for g in ink),
                bottom=max(g.bottom for g in ink),
                size=sizes.most_common(1)[0][0],
                page_width=page_width,
            )
        )
    return result


def join_wrapped(parts: Iterable[str]) -> str:
    """Join hard-wrapped pieces: no space between CJK text or inside numbers; a space between words."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and out[-1].isascii() and out[-1].isalpha() and part[0].isascii() and part[0].isalpha():
            out += " "
        out += part
    return out


def cell_text(glyphs: Sequence[Glyph]) -> str:
    """Text of a table cell: its lines joined with :func:`join_wrapped`."""
    return join_wrapped(glyph_text(line) for line in group_lines(glyphs))


def assign_to_cells(glyphs: Sequence[Glyph], cells: Sequence[BBox]) -> list[list[Glyph]]:
    """Glyphs whose centre lies in each cell (one pass over glyphs sorted by centre-y).

    A glyph inside several cells (a frame drawn around a whole table is found as one
    big cell enclosing the others) goes to the smallest of them only.
    """
    by_y = sorted(glyphs, key=lambda g: (g.top + g.bottom) / 2)
    mids = [(g.top + g.bottom) / 2 for g in by_y]
    owner: dict[int, tuple[float, int]] = {}
    hits: list[list[int]] = []
    for k, (x0, top, x1, bottom) in enumerate(cells):
        lo, hi = bisect.bisect_left(mids, top), bisect.bisect_right(mids, bottom)
        area = (x1 - x0) * (bottom - top)
        inside = [i for i in range(lo, hi) if x0 <= (by_y[i].x0 + by_y[i].x1) / 2 <= x1]
        for i in inside:
            if i not in owner or area < owner[i][0]:
                owner[i] = (area, k)
        hits.append(inside)
    return [[by_y[i] for i in inside if owner[i][1] == k] for k, inside in enumerate(hits)]


def is_toc_line(text: str) -> bool:
    """A table-of-contents line with dotted leaders (``一、部门主要职能 ……… 3``)."""
    return bool(LEADERS.search(text))


def strip_leaders(text: str) -> str:
    """``一、部门主要职能 ………… 3`` → ``一、部门主要职能``."""
    return _LEADER_TAIL.sub("", text).strip()


def is_toc_title(text: str) -> bool:
    return text.replace(" ", "").replace("\u3000", "") in ("目录", "目次")


def is_page_number(line: Line, page_height: float) -> bool:
    """A page number in the top or bottom margin (``3``, ``- 3 -``, ``第3页``)."""
    in_margin = line.top > page_height * 0.88 or line.bottom < page_height * 0.08
    return in_margin and bool(_PAGE_NUMBER.match(line.text))


def _margin_key(line: Line, page_height: float) -> tuple[str, str] | None:
    """``(digits folded text, top|bottom)`` for a line in the top or bottom margin, else ``None``."""
    if line.bottom < page_height * 0.1:
        return re.sub(r"\d+", "#", line.text), "top"
    if line.top > page_height * 0.9:
        return re.sub(r"\d+", "#", line.text), "bottom"
    return None


def _is_table_number(text: str) -> bool:
    """``公开02表`` repeats at the top of every table page but is not a running header."""
    return bool(re.match(r"^\s*(?:公开\s*\d{1,2}\s*表|(?:附件|附表)\s*\d)", text))


def running_lines(pages: Sequence[tuple[Sequence[Line], float]]) -> set[tuple[str, str]]:
    """Running headers/footers: margin lines repeated on at least 3 pages and 40% of them.

    Args:
        pages: each page's lines and height.

    Returns:
        Keys to pass to :func:`is_running`.
    """
    counts: Counter[tuple[str, str]] = Counter()
    for lines, height in pages:
        counts.update(
            {
                key
                for line in lines
                if not _is_table_number(line.text) and (key := _margin_key(line, height)) is not None
            }
        )
    need = max(3, 0.4 * len(pages))
    return {key for key, n in counts.items() if n >= need}


def is_running(line: Line, page_height: float, keys: set[tuple[str, str]]) -> bool:
    key = _margin_key(line, page_height)
    return key is not None and key in keys


def marker_level(text: str) -> int | None:
    """Heading level implied by a leading marker: 第一部分 → 0, 一、 → 1, （一） → 2, else ``None``."""
    if _L0.match(text):
        return 0
    if _L1.match(text):
        return 1
    if _L2.match(text):
        return 2
    return None


def starts_item(text: str) -> bool:
    """The line opens a list item or a heading (a paragraph starts there)."""
    return marker_level(text) is not None or bool(_ITEM.match(text))


def _heading_like(text: str) -> bool:
    """Short, without sentence punctuation outside brackets (a final 。 only after 说明/情况)."""
    if len(text) > 50:
        return False
    bare = _OUTSIDE_BRACKETS.sub("", text)
    if any(p in bare for p in "，,；;：:"):
        return False
    body = text.removesuffix("。")
    if "。" in body:
        return False
    return not text.endswith("。") or ("说明" in text or "情况" in text)


@dataclass
class _Margins:
    left: float
    right: float


def _margins(lines: Sequence[Line]) -> dict[float, _Margins]:
    """Left and right text margins per page width (portrait and landscape differ)."""
    by_width: dict[float, list[Line]] = {}
    for line in lines:
        by_width.setdefault(round(line.page_width), []).append(line)
    result: dict[float, _Margins] = {}
    for width, group in by_width.items():
        long = [ln for ln in group if len(ln.text) >= 10] or list(group)
        xs1 = sorted(ln.x1 for ln in long)
        xs0 = sorted(ln.x0 for ln in group)
        right = xs1[min(len(xs1) - 1, int(len(xs1) * 0.9))]
        # Pages with only short lines: assume text runs to at least 80% of the page width.
        result[width] = _Margins(left=xs0[len(xs0) // 10], right=max(right, 0.8 * width))
    return result


def body_size(lines: Sequence[Line]) -> float:
    """The most common font size of body text (weighted by characters)."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 12.0


class _Para:
    def __init__(self, line: Line) -> None:
        self.lines = [line]

    def block(self, path: tuple[str, ...]) -> TextBlock:
        first_page = self.lines[0].page
        on_first = [ln for ln in self.lines if ln.page == first_page]
        bbox = (
            min(ln.x0 for ln in on_first),
            min(ln.top for ln in on_first),
            max(ln.x1 for ln in on_first),
            max(ln.bottom for ln in on_first),
        )
        text = join_wrapped(ln.text for ln in self.lines)
        return TextBlock(section_path=path, text=text, location=Location(page=first_page, bbox=bbox))


def build_blocks(lines: Sequence[Line]) -> list[TextBlock]:
    """Group body lines (all pages, reading order) into paragraphs under their headings.

    Headings are short lines opening with 第X部分 / 一、 / （一） (a heading wrapped
    over two lines is joined), or short lines printed larger than the body text.
    A paragraph starts at a heading, a list marker, a first-line indent, after a
    table, or after a line ending clearly short of the right margin; it may
    continue on the next page (its location is where it starts).

    Args:
        lines: narrative lines of the whole document (tables, captions and notes removed).

    Returns:
        One :class:`TextBlock` per paragraph; headings are not blocks, they form
        the ``section_path`` of the blocks under them.
    """
    return _BlockBuilder(lines).run() if lines else []


class _BlockBuilder:
    def __init__(self, lines: Sequence[Line]) -> None:
        self.lines = lines
        self.margins = _margins(lines)
        self.size0 = body_size(lines)
        self.blocks: list[TextBlock] = []
        self.path: list[tuple[int, str]] = []
        self.para: _Para | None = None

    def _m(self, line: Line) -> _Margins:
        return self.margins[round(line.page_width)]

    def is_full(self, line: Line) -> bool:
        """The line reaches (nearly) the right margin, i.e. it was wrapped."""
        return line.x1 >= self._m(line).right - 2.5 * line.size

    def is_indented(self, line: Line) -> bool:
        return line.x0 > self._m(line).left + 1.2 * line.size

    def flush(self) -> None:
        if self.para is not None:
            self.blocks.append(self.para.block(tuple(t for _, t in self.path)))
            self.para = None

    def heading_at(self, i: int) -> tuple[int, str, int] | None:
        """``(level, text, lines used)`` if a heading starts at line ``i``."""
        line = self.lines[i]
        nxt = self.lines[i + 1] if i + 1 < len(self.lines) else None
        level = marker_level(line.text)
        if level is not None:
            text, used = line.text, 1
            if (
                nxt is not None
                and nxt.page == line.page
                and self.is_full(line)
                and not self.is_full(nxt)
                and not starts_item(nxt.text)
                and len(nxt.text) <= 25
            ):
                text, used = join_wrapped([line.text, nxt.text]), 2
            if level == 0 and len(text) <= 80:
                return 0, text, used
            next_opens = (
                nxt is None or nxt.page != line.page or starts_item(nxt.text) or self.is_indented(nxt)
            )
            if (used == 2 or not self.is_full(line) or next_opens) and _heading_like(text):
                return level, text, used
            return None
        if line.size >= self.size0 * 1.2 and len(line.text) <= 40 and _heading_like(line.text):
            text, used = line.text, 1
            while i + used < len(self.lines):
                more = self.lines[i + used]
                if (
                    more.page != line.page
                    or abs(more.size - line.size) >= 0.5
                    or marker_level(more.text) is not None
                    or len(text) + len(more.text) > 60
                ):
                    break
                text = join_wrapped([text, more.text])
                used += 1
            return 0, text, used
        return None

    def add(self, line: Line) -> None:
        """Append a body line to the current paragraph or start a new one."""
        para = self.para
        if para is None or starts_item(line.text) or self.is_indented(line) or line.after_table:
            self.flush()
            self.para = _Para(line)
        else:
            prev = para.lines[-1]
            if prev.page == line.page and line.top - prev.bottom > 2.5 * max(line.size, prev.size):
                self.flush()
                self.para = _Para(line)
            else:
                para.lines.append(line)
        right = self._m(line).right
        if line.x1 < right - 2.5 * line.size and (
            line.text[-1] in _SENTENCE_END or line.x1 < right - 6 * line.size
        ):
            self.flush()  # a short last line ends the paragraph

    def run(self) -> list[TextBlock]:
        i = 0
        while i < len(self.lines):
            heading = self.heading_at(i)
            if heading is None:
                self.add(self.lines[i])
                i += 1
                continue
            self.flush()
            level, text, used = heading
            while self.path and self.path[-1][0] >= level:
                self.path.pop()
            self.path.append((level, text))
            i += used
        self.flush()
        return self.blocks
