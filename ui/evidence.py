"""Evidence for a citation, rendered without any web framework.

Given a :class:`qa.model.Citation`, this module shows where the figure or sentence comes
from: the cited table as HTML with the cited row and cell highlighted, the passage with
the quote highlighted, the PDF page as an image with the cited cell or sentence boxed,
and the cited table as CSV. :mod:`ui.web` puts these on the page; tests call them directly.

Coordinates are PDF points with a top-left origin (``x0, top, x1, bottom``), as stored
in the fact store; pages and lines are 1-based.
"""

from __future__ import annotations

import html
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.model import Fact
from ingest.store import FactStore
from qa.model import Citation
from ui.evidence_table import (
    MARK_STYLE,
    cited_fact,
    csv_file_name,
    find_table,
    grid_of,
    row_name,
    stored_rows,
    table_csv,
    table_html,
)

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = [
    "Evidence", "build_evidence", "cited_fact", "csv_file_name", "describe", "find_quote", "find_table", "grid_of",
    "page_image", "quote_boxes", "row_name", "table_csv", "table_html", "text_passage_html",
]  # fmt: skip

BBox = tuple[float, float, float, float]

PASSAGE_CONTEXT = 3
"""Lines of a text conversion shown before and after the quoted lines."""
PAGE_SCALE = 1.5
"""Page images are rendered at 1.5 × 72 = 108 dpi."""
PAGE_CACHE = 64
"""Rendered pages kept in memory (many users look at the same cited pages)."""

_PDFIUM = threading.Lock()
"""pdfium is not thread-safe: one page is rendered at a time, whichever thread asks."""
_rendered: OrderedDict[tuple[str, int, int, float], Image] = OrderedDict()


# ---- quotes in text --------------------------------------------------------------------


def _squeeze(text: str) -> tuple[str, list[int]]:
    """``text`` without whitespace, and for each kept character its index in ``text``."""
    kept = [(i, ch) for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(ch for _, ch in kept), [i for i, _ in kept]


def quote_pieces(quote: str) -> list[str]:
    """The parts of a quote that are printed verbatim, longest first (``…`` marks a cut)."""
    pieces = [re.sub(r"\s+", "", p) for p in re.split(r"…+|\.\.\.", quote)]
    return sorted((p for p in pieces if p), key=len, reverse=True)


def find_quote(text: str, quote: str, near: int = 0) -> tuple[int, int] | None:
    """Where ``quote`` is printed in ``text``, ignoring whitespace and line breaks.

    Args:
        text: the text to search.
        quote: the quote (may be cut with ``…``; only its longest verbatim piece is needed).
        near: prefer the occurrence closest to this character offset of ``text``.

    Returns:
        ``(start, end)`` offsets into ``text``, or ``None`` if it is not there.
    """
    squeezed, where = _squeeze(text)
    for piece in quote_pieces(quote):
        starts = [m.start() for m in re.finditer(re.escape(piece), squeezed)]
        if starts:
            best = min(starts, key=lambda s: abs(where[s] - near))
            return where[best], where[best + len(piece) - 1] + 1
    return None


def mark(text: str, span: tuple[int, int] | None) -> str:
    """``text`` as HTML with ``span`` wrapped in ``<mark>``."""
    if span is None:
        return html.escape(text)
    a, b = span
    return (
        f'{html.escape(text[:a])}<mark class="bq-quote" style="{MARK_STYLE}">{html.escape(text[a:b])}</mark>'
        f"{html.escape(text[b:])}"
    )


# ---- passages ----------------------------------------------------------------------------


def text_passage_html(text: str, line: int | None, quote: str, context: int = PASSAGE_CONTEXT) -> str:
    """Lines of a text conversion around ``line``, numbered, with the quote marked.

    The quote is searched from a few lines before ``line`` on (it may span lines); if it
    is not found, the cited line itself is marked.
    """
    lines = text.splitlines()
    if not lines:
        return ""
    at = min(max((line or 1) - 1, 0), len(lines) - 1)
    start_search = max(0, at - 2)
    window = "\n".join(lines[start_search : at + 40])
    span = find_quote(window, quote) if quote else None
    if span is None:
        first, last, marks = at, at, {at: (0, len(lines[at]))}
    else:
        offsets = [0]
        for ln in lines[start_search : at + 40]:
            offsets.append(offsets[-1] + len(ln) + 1)
        first = start_search + max(i for i, o in enumerate(offsets[:-1]) if o <= span[0])
        last = start_search + max(i for i, o in enumerate(offsets[:-1]) if o < span[1])
        marks = {}
        for n in range(first, last + 1):
            base = offsets[n - start_search]
            a = max(span[0] - base, 0)
            b = min(span[1] - base, len(lines[n]))
            marks[n] = (a, b)
    rows = []
    for n in range(max(0, first - context), min(len(lines), last + context + 1)):
        body = mark(lines[n], marks.get(n)) if n in marks else html.escape(lines[n])
        rows.append(f'<div><span style="color:var(--body-text-color-subdued,#888);display:inline-block;width:4.5em;user-select:none">{n + 1}</span>'
                    f"{body}</div>")  # fmt: skip
    return f'<div class="bq-passage" style="font-family:monospace;white-space:pre-wrap;font-size:13px">{"".join(rows)}</div>'


def pdf_passage_html(store: FactStore, citation: Citation) -> str:
    """The narrative paragraphs of the cited page that hold the quote, with it marked."""
    blocks = [b for b in store.blocks(citation.report_id) if b.location.page == citation.page]
    for i, block in enumerate(blocks):
        span = find_quote(block.text, citation.quote)
        if span is None and i + 1 < len(blocks):  # a sentence running over two paragraphs
            joined = block.text + blocks[i + 1].text
            span2 = find_quote(joined, citation.quote)
            if span2 is not None:
                return _paragraphs(block.section_path, [mark(joined, span2)])
        if span is not None:
            return _paragraphs(block.section_path, [mark(block.text, span)])
    return ""


def _paragraphs(section: Sequence[str], parts: Sequence[str]) -> str:
    head = html.escape(" › ".join(section))
    body = "".join(f"<p style='margin:4px 0;line-height:1.7'>{p}</p>" for p in parts)
    return f'<div class="bq-passage"><div style="color:var(--body-text-color-subdued,#555);font-size:12px">{head}</div>{body}</div>'


# ---- PDF pages ---------------------------------------------------------------------------


def quote_boxes(pdf_path: Path, page: int, quote: str, unique: bool = False) -> list[BBox]:
    """Boxes around the characters of ``quote`` on a PDF page, one per printed line.

    Args:
        pdf_path: the PDF.
        page: 1-based page number.
        quote: the text to find (whitespace and line breaks are ignored).
        unique: only box it if it is printed once on the page (for short quotes such as
            a bare number, which could be anywhere).

    Returns:
        ``(x0, top, x1, bottom)`` boxes in PDF points; empty if the quote is not found.
    """
    chars = _page_chars(str(pdf_path), pdf_path.stat().st_mtime_ns, page)
    text = "".join(c["text"] for c in chars)
    squeezed, where = _squeeze(text)
    for piece in quote_pieces(quote):
        starts = [m.start() for m in re.finditer(re.escape(piece), squeezed)]
        if not starts or (unique and len(starts) > 1):
            continue
        picked = [chars[i] for i in range(where[starts[0]], where[starts[0] + len(piece) - 1] + 1)]
        return _line_boxes(picked)
    return []


@lru_cache(maxsize=32)
def _page_chars(pdf_path: str, mtime_ns: int, page: int) -> list[dict]:
    """The printed characters of a page (parsing a page takes ~0.1 s: kept for the next user)."""
    import pdfplumber

    with pdfplumber.open(pdf_path) as pdf:
        if not 1 <= page <= len(pdf.pages):
            return []
        return [c for c in pdf.pages[page - 1].chars if c["text"].strip()]


def _line_boxes(chars: Sequence[dict]) -> list[BBox]:
    lines: list[list[float]] = []
    for c in chars:
        box = [float(c["x0"]), float(c["top"]), float(c["x1"]), float(c["bottom"])]
        last = lines[-1] if lines else None
        if last is not None and abs(box[1] - last[1]) < 3 and box[0] >= last[0] - 1:
            last[0], last[1] = min(last[0], box[0]), min(last[1], box[1])
            last[2], last[3] = max(last[2], box[2]), max(last[3], box[3])
        else:
            lines.append(box)
    return [(a, b, c, d) for a, b, c, d in lines]


def page_image(pdf_path: Path, page: int, boxes: Sequence[BBox] = (), scale: float = PAGE_SCALE) -> Image:
    """A PDF page rendered with pypdfium2, with each box drawn in red around its place.

    Args:
        pdf_path: the PDF.
        page: 1-based page number.
        boxes: ``(x0, top, x1, bottom)`` in PDF points, top-left origin.
        scale: pixels per point.

    Returns:
        An RGB image of ``page width × scale`` by ``page height × scale`` pixels.

    Raises:
        ValueError: the page does not exist.
    """
    from PIL import ImageDraw

    image = _render(pdf_path, page, scale).copy()
    overlay = ImageDraw.Draw(image, "RGBA")
    pad = 3  # the red line sits just outside the box, never over the printed text
    for x0, top, x1, bottom in boxes:
        rect = (x0 * scale - pad, top * scale - pad, x1 * scale + pad, bottom * scale + pad)
        overlay.rectangle(rect, fill=(255, 213, 79, 60), outline=(217, 0, 0, 255), width=2)
    return image


def _render(pdf_path: Path, page: int, scale: float) -> Image:
    """The page without boxes, from the cache or rendered now (under the pdfium lock)."""
    import pypdfium2 as pdfium

    stat = pdf_path.stat()
    key = (str(pdf_path), stat.st_mtime_ns, page, scale)
    with _PDFIUM:
        cached = _rendered.get(key)
        if cached is not None:
            _rendered.move_to_end(key)
            return cached
        pdf = pdfium.PdfDocument(str(pdf_path))
        try:
            if not 1 <= page <= len(pdf):
                raise ValueError(f"{pdf_path.name} has no page {page}")
            image = pdf[page - 1].render(scale=scale).to_pil().convert("RGB")
        finally:
            pdf.close()
        _rendered[key] = image
        while len(_rendered) > PAGE_CACHE:
            _rendered.popitem(last=False)
        return image


# ---- everything for one citation -------------------------------------------------------------


@dataclass
class Evidence:
    """What the evidence panel shows for one citation.

    Attributes:
        title: one line naming the source (report, file, page or line, table, row, column).
        table_html: the cited table with the cell highlighted, or ``""``.
        passage_html: the passage with the quote highlighted, or ``""``.
        image: the PDF page with the cited place boxed, or ``None`` (text conversions).
        boxes: the boxes drawn, in PDF points.
        csv_name / csv_text: the cited table as CSV, or ``None`` when no table is cited.
        table_label: the cited table's printed number and title (``公开09表 财政拨款…``), or ``""``.
        notes: what could not be shown, and why.
    """

    title: str
    table_html: str = ""
    passage_html: str = ""
    image: Image | None = None
    boxes: list[BBox] = field(default_factory=list)
    csv_name: str | None = None
    csv_text: str | None = None
    table_label: str = ""
    notes: list[str] = field(default_factory=list)


def describe(citation: Citation) -> str:
    """``qingshan….pdf · 第11页 · 公开06表 … · 行：… · 列：…`` for a citation."""
    where = f"第{citation.page}页" if citation.page else (f"第{citation.line}行" if citation.line else "")
    year = f"{citation.year}年" if citation.year else ""
    parts = [f"{citation.unit_name}{year}".strip(), citation.file, where, citation.table]
    if citation.row:
        parts.append(f"{'行' if citation.table else '章节'}：{citation.row}")
    if citation.column:
        parts.append(f"列：{citation.column}")
    return " · ".join(p for p in parts if p)


def source_file(
    files_dir: Path, report_id: str, store: FactStore | None = None, file: str = ""
) -> Path | None:
    """The kept copy of a report's source file (``files/<file_id>.pdf|.txt|.md``).

    A report joined from several files keeps one copy per file; ``file`` (the cited
    file's name) picks it.
    """
    file_id = report_id
    if store is not None:
        members = store.files(report_id)
        chosen = next((f for f in members if f.source_file == file), members[0] if members else None)
        if chosen is not None:
            file_id = chosen.file_id
    found = (
        sorted(p for p in files_dir.glob(f"{file_id}.*") if not p.name.endswith(".part"))
        if files_dir.is_dir()
        else []
    )
    return found[0] if found else None


def build_evidence(
    store: FactStore, files_dir: Path, citation: Citation, scale: float = PAGE_SCALE
) -> Evidence:
    """Gather the table, passage, page image and CSV that show a citation.

    Args:
        store: the fact store holding the cited report.
        files_dir: where ingested source files are kept (``<home>/files``).
        citation: what to show.
        scale: pixels per PDF point for the page image.
    """
    evidence = Evidence(title=describe(citation))
    table = find_table(store, citation)
    facts: list[Fact] = []
    hit: Fact | None = None
    if table is not None:
        facts = [f for f in store.facts(citation.report_id, str(table.seq)) if f.table_seq == table.seq]
        hit = cited_fact(facts, citation)
        rows = stored_rows(store, citation.report_id, table.seq)
        evidence.table_html = table_html(table, facts, hit, rows)
        evidence.csv_name = csv_file_name(table, citation)
        evidence.csv_text = table_csv(table, facts, rows)
        evidence.table_label = f"{table.printed_number} {table.title}".strip()
        if hit is None and citation.column:
            evidence.notes.append("表中没有找到被引用的单元格，只显示整张表。")
    elif citation.table:
        evidence.notes.append(f"报告库中没有找到表“{citation.table}”。")
    source = source_file(files_dir, citation.report_id, store, citation.file)
    if source is None:
        evidence.notes.append("资料库里没有这份报告的原文件，无法显示原文。")
        return evidence
    if source.suffix.lower() == ".pdf":
        if citation.page:
            evidence.boxes = _boxes(source, citation, hit)
            try:
                evidence.image = page_image(source, citation.page, evidence.boxes, scale)
            except (ValueError, OSError, RuntimeError) as exc:  # a bad page must not hide the rest
                evidence.notes.append(f"无法显示第{citation.page}页：{exc}")
            if not evidence.boxes:
                evidence.notes.append("没能在页面上定位引文，页面上未画框。")
        if table is None:
            evidence.passage_html = pdf_passage_html(store, citation)
    else:
        from ingest.text_reader import decode_text

        text = decode_text(source.read_bytes(), source.name)
        evidence.passage_html = text_passage_html(text, citation.line, citation.quote)
    return evidence


def _boxes(source: Path, citation: Citation, hit: Fact | None) -> list[BBox]:
    if citation.bbox is not None:
        return [citation.bbox]
    if hit is not None and hit.bbox is not None and hit.page == citation.page:
        return [hit.bbox]
    assert citation.page is not None
    short = len(re.sub(r"\s+", "", citation.quote)) < 8
    return quote_boxes(source, citation.page, citation.quote, unique=short) if citation.quote else []
