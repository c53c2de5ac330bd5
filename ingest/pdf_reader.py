"""Read a PDF report: tables as grids of printed cells, narrative paragraphs, head text.

Pages come from :func:`ingest.pdf_load.load_pages` (the only user of pdfplumber):
glyphs and the grids of ruled tables (``find_tables``, invisible cell backgrounds
ignored). Each page's characters are read once and assigned to cells by their
centre, which is much cheaper than cropping per cell.

Bad input maps to :mod:`ingest.errors`: zero bytes → :class:`EmptyFileError`;
not starting with ``%PDF`` → :class:`UnsupportedFileError`; pdfminer cannot
parse it → :class:`CorruptFileError`; password-protected →
:class:`EncryptedFileError`; no text layer → :class:`ScannedFileError`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path

from ingest.catalog import KIND_OTHER, classify_title, printed_number, strip_caption
from ingest.errors import EmptyFileError, ScannedFileError, UnsupportedFileError
from ingest.model import BBox, Location
from ingest.numbers import declared_unit
from ingest.pdf_layout import (
    Glyph,
    Line,
    assign_to_cells,
    build_blocks,
    cell_text,
    glyph_text,
    is_page_number,
    is_running,
    is_toc_line,
    is_toc_title,
    make_lines,
    running_lines,
    starts_item,
    strip_leaders,
)
from ingest.pdf_load import Grid, PageData, load_pages
from ingest.pdf_merge import align_rows
from ingest.rawtable import Extracted, RawCell, RawRow, RawTable

logger = logging.getLogger(__name__)

HEAD_CHARS = 3000
"""How much of the document's text goes into ``Extracted.head_text``."""
MIN_TEXT_CHARS = 20
"""Fewer printed characters than this in the whole document: a scan."""

_MAX_TITLE_LEN = 40
_TITLE_NOISE = re.compile(
    r"(?:金额)?单位\s*[:：]\s*(?:万元|亿元|元)|(?:编制|填报)(?:部门|单位)\s*[:：]\s*\S*|[（(]?续表?[）)]?$"
)
_CAPTION_START = re.compile(r"^(?:(?:编制|填报|预算|主管)(?:部门|单位)|(?:部门|单位)名称|(?:金额)?单位)\s*[:：]")
_NOTE_START = re.compile(r"^(?:注|说明|备注)\s*\d*\s*[:：]|^注\s*\d")
_NOTE_WORDS = ("本表", "故本表", "无数据", "空表")
_CAPTION_GAP = 3.0
"""A gap of this many ems inside a caption line parts two captions (``部门：… 单位：万元``)."""


@dataclass
class _PageTable:
    """A table on one page (before continuation pages are merged)."""

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


def read_pdf(path: Path) -> Extracted:
    """Read one PDF report.

    Args:
        path: the PDF file.

    Returns:
        The tables (continuation pages merged), narrative blocks and head text.

    Raises:
        EmptyFileError: the file has zero bytes (or only whitespace), or no pages.
        UnsupportedFileError: the bytes do not start with ``%PDF``.
        CorruptFileError: pdfminer cannot parse the file.
        EncryptedFileError: the PDF needs a password.
        ScannedFileError: the pages have no text layer.
        OSError: the file cannot be read (missing, permissions).
    """
    path = Path(path)
    _check_bytes(path)
    pages = load_pages(path)
    if not pages:
        raise EmptyFileError(str(path), "PDF 没有页面 / the PDF has no pages")
    printed = sum(1 for p in pages for g in p.glyphs if not g.text.isspace())
    if printed < MIN_TEXT_CHARS:
        raise ScannedFileError(
            str(path), f"{len(pages)} 页中只有 {printed} 个文字 / only {printed} characters of text"
        )

    head: list[str] = []
    head_len = 0
    body: list[Line] = []
    page_tables: list[_PageTable] = []
    toc_prev = False
    pending_break = False
    page_lines = [make_lines(page.glyphs, page.number, page.width) for page in pages]
    running = running_lines([(lines, page.height) for lines, page in zip(page_lines, pages)])
    for page, all_lines in zip(pages, page_lines):
        if head_len < HEAD_CHARS:
            for line in all_lines:
                text = strip_leaders(line.text) if is_toc_line(line.text) else line.text
                head.append(text)
                head_len += len(text) + 1
        toc_prev = _is_toc_page(all_lines, toc_prev, page.height)
        if toc_prev:
            logger.debug("%s: page %d is a table of contents", path.name, page.number)
            continue
        tables, lines = _read_page(page, running)
        page_tables.extend(tables)
        for line in lines:
            if pending_break:
                line = replace(line, after_table=True)
                pending_break = False
            body.append(line)
        if tables and not tables[-1].text_below:
            pending_break = True
    raw_tables = _merge_continuations(page_tables, path.name)
    blocks = build_blocks(body)
    logger.info(
        "%s: %d pages, %d tables, %d text blocks", path.name, len(pages), len(raw_tables), len(blocks)
    )
    return Extracted(
        source_format="pdf",
        page_count=len(pages),
        line_count=None,
        head_text="\n".join(head)[:HEAD_CHARS],
        blocks=tuple(blocks),
        tables=tuple(raw_tables),
    )


def _check_bytes(path: Path) -> None:
    """Reject empty and non-PDF files before pdfminer sees them."""
    with path.open("rb") as fh:
        head = fh.read(1024)
    if not head:
        raise EmptyFileError(str(path), "文件大小为 0 字节 / zero bytes")
    stripped = head.lstrip(b" \t\r\n\f\x00").removeprefix(b"\xef\xbb\xbf")
    if not stripped and path.stat().st_size <= len(head):
        raise EmptyFileError(str(path), "文件只有空白 / only whitespace")
    if not stripped.startswith(b"%PDF"):
        raise UnsupportedFileError(str(path), f"不是 PDF 文件（{_sniff(head)}） / not a PDF ({_sniff(head)})")


def _sniff(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "zip: docx/xlsx/ofd?"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "OLE: doc/xls?"
    if head.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")):
        return "HTML"
    return "unknown format"


def _is_toc_page(lines: list[Line], toc_prev: bool, height: float) -> bool:
    """A contents page: titled 目录, full of dotted leaders, or the rest of one (headings only)."""
    if any(is_toc_title(line.text) for line in lines[:5]):
        return True
    leaders = sum(1 for line in lines if is_toc_line(line.text))
    if leaders >= max(3, len(lines) // 2):
        return True
    if not toc_prev:
        return False
    return all(
        is_toc_line(ln.text) or is_page_number(ln, height) or (starts_item(ln.text) and len(ln.text) <= 40)
        for ln in lines
    )


def _inside(line_or_glyph: Line | Glyph, box: BBox, pad: float = 1.0) -> bool:
    cx = (line_or_glyph.x0 + line_or_glyph.x1) / 2
    cy = (line_or_glyph.top + line_or_glyph.bottom) / 2
    return box[0] - pad <= cx <= box[2] + pad and box[1] - pad <= cy <= box[3] + pad


def _grid_rows(page: PageData, grid: Grid) -> list[RawRow]:
    """The grid's printed texts, each cell with its page and box."""
    glyphs = [g for g in page.glyphs if _inside(g, grid.bbox) and not g.text.isspace()]
    boxes = [box for row in grid.cells for box in row if box is not None]
    texts = iter(cell_text(gs) for gs in assign_to_cells(glyphs, boxes))
    width = max((len(row) for row in grid.cells), default=0)
    rows: list[RawRow] = []
    for row in grid.cells:
        cells = [
            None if box is None else RawCell(next(texts), Location(page=page.number, bbox=box)) for box in row
        ]
        cells += [None] * (width - len(cells))
        rows.append(tuple(cells))
    return rows


def _row_texts(row: RawRow) -> tuple[str | None, ...]:
    return tuple(None if c is None else c.text for c in row)


def _is_empty(rows: list[RawRow]) -> bool:
    return all(c is None or not c.text for row in rows for c in row)


def _clean_title(text: str) -> str:
    return strip_caption(_TITLE_NOISE.sub("", text)).strip(" :：")


def _is_title(text: str) -> bool:
    """A standard table's title, or a short line ending in 表 that is not a sentence (``详见下表``)."""
    t = _clean_title(text)
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


def _is_caption(text: str) -> bool:
    """Lines printed with a table: title, big heading, 编制部门, 单位, table number."""
    return (
        _is_title(text)
        or bool(declared_unit(text))
        or bool(_CAPTION_START.match(text))
        or (bool(printed_number(text)) and len(text) <= 20)
    )


def _pick_title(lines: list[Line]) -> str:
    """The specific table name among caption lines (nearest the table first)."""
    for line in reversed(lines):
        t = _clean_title(line.text)
        if t and classify_title(t) != KIND_OTHER:
            return t
    for upper, lower in reversed(list(pairwise(lines))):  # a title wrapped onto two lines
        t = _clean_title(upper.text + lower.text)
        if t and classify_title(t) != KIND_OTHER:
            return t
    for line in reversed(lines):
        if _is_title(line.text):
            return _clean_title(line.text)
    return ""


def _read_page(page: PageData, running: set[tuple[str, str]]) -> tuple[list[_PageTable], list[Line]]:
    """Tables on one page (with caption and note) and the page's narrative lines.

    Args:
        page: the page's glyphs and table grids.
        running: running header/footer keys (see :func:`ingest.pdf_layout.running_lines`).
    """
    kept: list[tuple[Grid, list[RawRow]]] = []
    for grid in sorted(page.grids, key=lambda g: (g.bbox[1], g.bbox[0])):
        if sum(1 for row in grid.cells for c in row if c is not None) <= 1:
            continue  # a frame around text, not a table
        rows = _grid_rows(page, grid)
        texts = [c.text for row in rows for c in row if c is not None and c.text]
        if texts and sum(1 for t in texts if is_toc_line(t)) * 2 >= len(texts):
            continue
        kept.append((grid, rows))
    boxes = [grid.bbox for grid, _ in kept]
    glyphs = [g for g in page.glyphs if not any(_inside(g, box) for box in boxes)]
    lines = [
        ln
        for ln in make_lines(glyphs, page.number, page.width)
        if not is_page_number(ln, page.height) and not is_running(ln, page.height, running)
    ]
    used: set[int] = set()
    tables: list[_PageTable] = []
    for k, (grid, rows) in enumerate(kept):
        top, bottom = grid.bbox[1], grid.bbox[3]
        upper = kept[k - 1][0].bbox[3] if k else 0.0
        lower = kept[k + 1][0].bbox[1] if k + 1 < len(kept) else page.height
        above = [
            i for i, ln in enumerate(lines) if i not in used and upper - 2 <= ln.top and ln.bottom <= top + 2
        ]
        orphans = _orphan_rows(grid, lines, above) if k == 0 else []
        if orphans:
            aligned = align_rows(rows, [_words_row(page, lines[i]) for i in orphans])
            if aligned is not None:
                rows = aligned + rows
                used.update(orphans)
                above = [i for i in above if i not in orphans]
        caption: list[int] = []
        for i in reversed(above):
            if not _is_caption(lines[i].text):
                wrapped = caption and classify_title(_clean_title(lines[i].text + lines[caption[0]].text))
                if not wrapped or wrapped == KIND_OTHER:
                    break  # not the first half of a title wrapped onto the caption line below
            caption.insert(0, i)
        cap_lines = [lines[i] for i in caption]
        cap_words = [_words_row(page, ln, gap=_CAPTION_GAP) for ln in cap_lines]
        cap_text = "\n".join(" ".join(c.text for c in words if c is not None) for words in cap_words)
        table = _PageTable(
            page=page.number,
            bbox=grid.bbox,
            rows=rows,
            title=_pick_title(cap_lines),
            number=next((n for n in (printed_number(ln.text) for ln in cap_lines) if n), ""),
            unit=declared_unit(cap_text) or _unit_by_column(cap_words),
            caption=cap_text,
            text_above=len(above) > len(caption),
            last_page=page.number,
        )
        _title_from_rows(table)
        used.update(caption)
        below = [
            i
            for i, ln in enumerate(lines)
            if i not in used and ln.top >= bottom - 2 and ln.bottom <= lower + 2
        ]
        note = _note_lines(lines, below, bottom)
        used.update(note)
        table.note = " ".join(_join_note([lines[i] for i in note]))
        table.text_below = len(below) > len(note)
        if not table.title and _is_empty(rows):
            logger.debug("page %d: dropping an untitled table without text", page.number)
            continue
        tables.append(table)
    body = [ln for i, ln in enumerate(lines) if i not in used]
    for table in tables:
        after = next((i for i, ln in enumerate(body) if ln.top >= table.bbox[3] - 2), None)
        if after is not None:
            body[after] = replace(body[after], after_table=True)
    return tables, body


_NUMBER_IN_LINE = re.compile(r"\d[\d,]*\.\d{2}(?!\d)")


def _orphan_rows(grid: Grid, lines: list[Line], above: list[int]) -> list[int]:
    """Lines just above a grid at the top of a page that are a table row whose rules were not drawn.

    (A continued table whose first row on the new page has no top border: ``会议费 110.05``.)
    They lie inside the grid's x-range, touch its top and hold an amount; nothing else is above them.
    """
    found: list[int] = []
    limit = grid.bbox[1]
    for i in reversed(above):
        line = lines[i]
        inside = grid.bbox[0] - 2 <= line.x0 and line.x1 <= grid.bbox[2] + 2
        if not inside or limit - line.bottom > 2 * line.size or not _NUMBER_IN_LINE.search(line.text):
            break
        found.insert(0, i)
        limit = line.top
    return found if found and len(found) == len(above) else []


def _words_row(page: PageData, line: Line, gap: float = 1.0) -> RawRow:
    """A printed line cut into words at gaps of at least ``gap`` ems, each a cell with its box."""
    glyphs = sorted(
        (g for g in page.glyphs if not g.text.isspace() and _inside(g, line.bbox)), key=lambda g: g.x0
    )
    words: list[list[Glyph]] = []
    for g in glyphs:
        if words and g.x0 - words[-1][-1].x1 < gap * line.size:
            words[-1].append(g)
        else:
            words.append([g])
    return tuple(
        RawCell(
            glyph_text(w),
            Location(page=page.number, bbox=(w[0].x0, min(g.top for g in w), w[-1].x1, max(g.bottom for g in w))),
        )
        for w in words
    )


def _unit_by_column(lines: list[RawRow]) -> str:
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
                if w is not None and w.location.bbox is not None
                and min(x1, w.location.bbox[2]) - max(x0, w.location.bbox[0]) > 0
            ]
            unit = declared_unit(word.text + "".join(below))
            if unit:
                return unit
    return ""


def _title_from_rows(table: _PageTable) -> None:
    """Take a title, unit or number printed inside the grid's first rows (WPS exports do this).

    A caption cell may be cut by a grid line (``单位：万`` | ``元`` in two rows), so the
    unit is also looked for in each column's caption texts read top to bottom.
    """
    popped: list[RawRow] = []
    while table.rows:
        texts = [c.text for c in table.rows[0] if c is not None and c.text]
        joined = " ".join(texts)
        if texts and (len(texts) > 3 or len(joined) > 80 or not _is_caption(joined)):
            break
        if texts:
            table.caption = "\n".join(filter(None, (table.caption, joined)))
            if not table.title and _is_title(joined):
                table.title = _clean_title(joined)
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


def _note_lines(lines: list[Line], below: list[int], bottom: float) -> list[int]:
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


def _join_note(lines: list[Line]) -> list[str]:
    """Note lines → one string per note (a new one at each 注/说明)."""
    notes: list[list[str]] = []
    for line in lines:
        if not notes or _NOTE_START.match(line.text):
            notes.append([])
        notes[-1].append(line.text)
    return ["".join(parts) for parts in notes]


def _continuation_rows(previous: list[RawRow], rows: list[RawRow]) -> list[RawRow] | None:
    """The rows a continuation page adds: a grid of the same width less the header rows it
    repeats, else the rows laid onto the previous columns by position (``None`` if they don't fit)."""
    if (len(previous[0]) if previous else 0) == (len(rows[0]) if rows else 0):
        skip = 0
        while skip < min(len(rows), len(previous)) and _row_texts(rows[skip]) == _row_texts(previous[skip]):
            skip += 1
        return rows[skip:]
    return align_rows(previous, rows)


def _merge_continuations(tables: list[_PageTable], name: str) -> list[RawTable]:
    """Merge tables continued on the next page and build the :class:`RawTable` list."""
    merged: list[_PageTable] = []
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
            rows = _continuation_rows(prev.rows, table.rows)
            if rows is not None:
                prev.rows.extend(rows)
                prev.last_page = table.page
                prev.note = table.note
                prev.text_below = table.text_below
                logger.debug("%s: table %r continues on page %d", name, prev.title, table.page)
                continue
            logger.info("%s: table on page %d does not fit the columns of the page before: kept apart", name, table.page)
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
