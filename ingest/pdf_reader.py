"""Read a PDF report: tables as grids of printed cells, narrative paragraphs, head text.

Pages come from :func:`ingest.pdf_load.load_pages` (the only user of pdfplumber):
glyphs and the grids of ruled tables (``find_tables``, invisible cell backgrounds
ignored). Each page's characters are read once and assigned to cells by their
centre, which is much cheaper than cropping per cell. The lines around a table (title,
caption, unit, note) are read by :mod:`ingest.pdf_captions`; a table continued on the next
page, and a row cut by the page break, are joined by :mod:`ingest.pdf_merge`.

Bad input maps to :mod:`ingest.errors`: zero bytes → :class:`EmptyFileError`;
not starting with ``%PDF`` → :class:`UnsupportedFileError`; pdfminer cannot
parse it → :class:`CorruptFileError`; password-protected →
:class:`EncryptedFileError`; no text layer → :class:`ScannedFileError`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ingest.catalog import KIND_OTHER, classify_title, printed_number
from ingest.errors import EmptyFileError, ScannedFileError, UnsupportedFileError
from ingest.model import BBox, Location
from ingest.numbers import declared_unit
from ingest.pdf_captions import (
    clean_title,
    foot_title,
    is_caption,
    join_note,
    note_lines,
    pick_title,
    take_title,
    title_from_rows,
    unit_by_column,
)
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
from ingest.pdf_merge import PageTable, align_rows, fills_cell, merge_continuations, wrap_widths
from ingest.rawtable import Extracted, RawCell, RawRow

logger = logging.getLogger(__name__)

HEAD_CHARS = 3000
"""How much of the document's text goes into ``Extracted.head_text``."""
MIN_TEXT_CHARS = 20
"""Fewer printed characters than this in the whole document: a scan."""

_CAPTION_GAP = 3.0
"""A gap of this many ems inside a caption line parts two captions (``部门：… 单位：万元``)."""


def read_pdf(path: Path, on_page: Callable[[int, int], None] | None = None) -> Extracted:
    """Read one PDF report.

    Args:
        path: the PDF file.
        on_page: called with ``(pages done, pages in all)`` as the pages are loaded.

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
    pages = load_pages(path, on_page)
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
    page_tables: list[PageTable] = []
    toc_prev = False
    pending_break = False
    held: list[Line] = []  # a title printed at the foot of the page before, for this page's first table
    held_caption = ""
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
            body.extend(held)
            held = []
            continue
        tables, lines = _read_page(page, running)
        foot = foot_title(lines, tables)
        if held and not (tables and take_title(tables[0], held, held_caption, lines)):
            lines = held + lines
        held, held_caption = lines[len(lines) - foot :], _caption_text(page, lines[len(lines) - foot :])
        lines = lines[: len(lines) - foot]
        page_tables.extend(tables)
        for line in lines:
            if pending_break:
                line = replace(line, after_table=True)
                pending_break = False
            body.append(line)
        if tables and not tables[-1].text_below:
            pending_break = True
    body.extend(held)
    raw_tables = merge_continuations(page_tables, path.name)
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


def _grid_rows(page: PageData, grid: Grid) -> tuple[list[RawRow], set[Location]]:
    """The grid's printed texts, each cell with its page and box; and the cells of its last
    row whose last line fills the cell (a page break after them may have cut their text)."""
    glyphs = [g for g in page.glyphs if _inside(g, grid.bbox) and not g.text.isspace()]
    boxes = [box for row in grid.cells for box in row if box is not None]
    groups = iter(assign_to_cells(glyphs, boxes))
    width = max((len(row) for row in grid.cells), default=0)
    rows: list[RawRow] = []
    columns: dict[tuple[int, int, int], list[tuple[list[Glyph], BBox]]] = {}
    for row in grid.cells:
        cells: list[RawCell | None] = []
        for i, box in enumerate(row):
            if box is None:
                cells.append(None)
                continue
            group = next(groups)
            columns.setdefault((i, round(box[0]), round(box[2])), []).append((group, box))
            cells.append(RawCell(cell_text(group), Location(page=page.number, bbox=box)))
        cells += [None] * (width - len(cells))
        rows.append(tuple(cells))
    open_cells: set[Location] = set()
    for i, box in enumerate(grid.cells[-1] if grid.cells else []):
        if box is None:
            continue
        column = columns[(i, round(box[0]), round(box[2]))]
        if fills_cell(column[-1][0], box, wrap_widths(column)):
            open_cells.add(Location(page=page.number, bbox=box))
    return rows, open_cells


def _is_empty(rows: list[RawRow]) -> bool:
    return all(c is None or not c.text for row in rows for c in row)


def _caption_text(page: PageData, lines: list[Line]) -> str:
    """Caption lines as text, words parted by a gap of :data:`_CAPTION_GAP` ems joined by a space."""
    rows = [_words_row(page, ln, gap=_CAPTION_GAP) for ln in lines]
    return "\n".join(" ".join(c.text for c in words if c is not None) for words in rows)


def _read_page(page: PageData, running: set[tuple[str, str]]) -> tuple[list[PageTable], list[Line]]:
    """Tables on one page (with caption and note) and the page's narrative lines.

    Args:
        page: the page's glyphs and table grids.
        running: running header/footer keys (see :func:`ingest.pdf_layout.running_lines`).
    """
    kept: list[tuple[Grid, list[RawRow], set[Location]]] = []
    for grid in sorted(page.grids, key=lambda g: (g.bbox[1], g.bbox[0])):
        if sum(1 for row in grid.cells for c in row if c is not None) <= 1:
            continue  # a frame around text, not a table
        rows, open_cells = _grid_rows(page, grid)
        texts = [c.text for row in rows for c in row if c is not None and c.text]
        if texts and sum(1 for t in texts if is_toc_line(t)) * 2 >= len(texts):
            continue
        kept.append((grid, rows, open_cells))
    boxes = [grid.bbox for grid, _, _ in kept]
    glyphs = [g for g in page.glyphs if not any(_inside(g, box) for box in boxes)]
    lines = [
        ln
        for ln in make_lines(glyphs, page.number, page.width)
        if not is_page_number(ln, page.height) and not is_running(ln, page.height, running)
    ]
    used: set[int] = set()
    tables: list[PageTable] = []
    for k, (grid, rows, open_cells) in enumerate(kept):
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
            if not is_caption(lines[i].text):
                wrapped = caption and classify_title(clean_title(lines[i].text + lines[caption[0]].text))
                if not wrapped or wrapped == KIND_OTHER:
                    break  # not the first half of a title wrapped onto the caption line below
            caption.insert(0, i)
        cap_lines = [lines[i] for i in caption]
        cap_words = [_words_row(page, ln, gap=_CAPTION_GAP) for ln in cap_lines]
        cap_text = "\n".join(" ".join(c.text for c in words if c is not None) for words in cap_words)
        table = PageTable(
            page=page.number,
            bbox=grid.bbox,
            rows=rows,
            title=pick_title(cap_lines),
            number=next((n for n in (printed_number(ln.text) for ln in cap_lines) if n), ""),
            unit=declared_unit(cap_text) or unit_by_column(cap_words),
            caption=cap_text,
            text_above=len(above) > len(caption),
            last_page=page.number,
            open_cells=open_cells,
        )
        title_from_rows(table)
        used.update(caption)
        below = [
            i
            for i, ln in enumerate(lines)
            if i not in used and ln.top >= bottom - 2 and ln.bottom <= lower + 2
        ]
        note = note_lines(lines, below, bottom)
        used.update(note)
        table.note = " ".join(join_note([lines[i] for i in note]))
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
            Location(
                page=page.number, bbox=(w[0].x0, min(g.top for g in w), w[-1].x1, max(g.bottom for g in w))
            ),
        )
        for w in words
    )
