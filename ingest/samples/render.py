"""Lays out a sample :class:`~ingest.samples.data.Document` as PDF pages with reportlab.

Ruled tables with merged multi-level headers (so ``pdfplumber``'s ``find_tables`` finds them),
text wrapped the Chinese way, page numbers in the footer. The text uses reportlab's built-in
CID font ``STSong-Light`` (Adobe-GB1; no font file needed). Output is byte-for-byte deterministic.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from ingest.samples.data import Cover, Document, Header, Heading, Paragraph, TableDraft
from ingest.samples.truth import SampleRow, SampleTable

FONT = "STSong-Light"
MARGIN = 56.0
TOP = 50.0
BOTTOM = 50.0
CELL_SIZE = 9.0
CELL_LEADING = 11.0
_TOKEN = re.compile(r"[0-9A-Za-z.,%]+|.")
_NO_LINE_START = set("，。、；：）》”’%,.")
_NO_LINE_END = set("（《“‘")
_AMOUNT = re.compile(r"^-?[\d,]+\.\d{2}$")


def render_pdf(path: Path, doc: Document) -> tuple[list[SampleTable], int]:
    """Write ``doc`` as a PDF at ``path`` (overwritten).

    Returns:
        Where each table was printed, in order, and the number of pages.
    """
    _register_font()
    layout = _Layout(path, doc)
    tables = layout.render()
    return tables, layout.page


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


def wrap(text: str, width: float, size: float, indent: float = 0.0) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` points (the first line indented by ``indent``).

    Chinese breaks anywhere; runs of digits/Latin letters (``4,723.92``) are never split,
    closing punctuation never starts a line and opening punctuation never ends one.
    """
    lines: list[str] = []
    line, used = "", indent
    for token in _TOKEN.findall(text):
        token_width = _width(token, size)
        if line and used + token_width > width and token[0] not in _NO_LINE_START:
            carry = line[-1] if line[-1] in _NO_LINE_END and len(line) > 1 else ""
            lines.append(line[: len(line) - len(carry)])
            line, used = carry, _width(carry, size)
        line += token
        used += token_width
    return lines + [line] if line else lines or [""]


class _HeaderCell(NamedTuple):
    text: str
    row: int
    col: int
    rowspan: int
    colspan: int


def header_grid(header: tuple[Header, ...]) -> tuple[list[_HeaderCell], int]:
    """Merged header cells of a header tree; a shallow branch stretches its own cell downwards."""

    def depth(node: Header) -> int:
        return 1 if isinstance(node, str) else 1 + max(depth(c) for c in node[1])

    def leaves(node: Header) -> int:
        return 1 if isinstance(node, str) else sum(leaves(c) for c in node[1])

    cells: list[_HeaderCell] = []

    def place(node: Header, row: int, col: int, rows_left: int) -> int:
        if isinstance(node, str):
            cells.append(_HeaderCell(node, row, col, rows_left, 1))
            return col + 1
        own = rows_left - depth(node) + 1
        cells.append(_HeaderCell(node[0], row, col, own, leaves(node)))
        for child in node[1]:
            col = place(child, row + own, col, rows_left - own)
        return col

    total = max(depth(n) for n in header)
    col = 0
    for root in header:
        col = place(root, 0, col, total)
    return cells, total


class _Layout:
    """Lays out a :class:`Document` page by page on a reportlab canvas."""

    def __init__(self, path: Path, doc: Document) -> None:
        self.doc, self.style = doc, doc.office.style
        self.canvas = canvas.Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1)
        self.canvas.setTitle(doc.title)
        self.canvas.setAuthor(doc.office.unit_name)
        self.canvas.setCreator("budgetqa sample generator")
        self.page, self.y, self.size = 0, 0.0, A4
        self.fresh = True  # the next text element starts a new page

    def render(self) -> list[SampleTable]:
        """Draw every element, save the PDF and return where each table went."""
        tables = []
        for element in self.doc.elements:
            if isinstance(element, Cover):
                self._cover(element)
            elif isinstance(element, Heading):
                self._heading(element)
            elif isinstance(element, Paragraph):
                self._paragraph(element)
            else:
                tables.append(self._table(element))
        self._end_page()
        self.canvas.save()
        return tables

    # pages and text --------------------------------------------------------------------------

    def _new_page(self, wide: bool = False) -> None:
        if self.page:
            self._end_page()
        self.size = landscape(A4) if wide else A4
        self.canvas.setPageSize(self.size)
        self.page += 1
        self.y = self.size[1] - TOP
        self.fresh = False

    def _end_page(self) -> None:
        if self.style.footer and self.page > 1:
            self.canvas.setFont(FONT, 10)
            self.canvas.drawCentredString(self.size[0] / 2, 30, f"- {self.page} -")
        self.canvas.showPage()

    def _room(self, height: float) -> None:
        if self.fresh or self.y - height < BOTTOM:
            self._new_page()

    def _line(self, text: str, size: float, x: float, leading: float, center: bool = False) -> None:
        self._room(leading)
        self.canvas.setFont(FONT, size)
        baseline = self.y - size
        if center:
            self.canvas.drawCentredString(self.size[0] / 2, baseline, text)
        else:
            self.canvas.drawString(x, baseline, text)
        self.y -= leading

    def _cover(self, cover: Cover) -> None:
        self._new_page()
        width, height = self.size
        for text, size, y in zip(cover.lines, (26, 22, 14), (0.62, 0.54, 0.22), strict=True):
            self.canvas.setFont(FONT, size)
            self.canvas.drawCentredString(width / 2, height * y, text)
        self.fresh = True

    def _heading(self, heading: Heading) -> None:
        if heading.level == 1:
            self._new_page()
            self._line(heading.text, 16, MARGIN, 40, center=True)
            return
        size = 14 if heading.level == 2 else 12
        self._room(size * 4)
        self._line(heading.text, size, MARGIN + (0 if heading.level == 2 else 2 * size), size * 1.9)

    def _paragraph(self, paragraph: Paragraph) -> None:
        size = 12.0
        indent = 2 * size if paragraph.indent else 0.0
        lines = wrap(paragraph.text, self.size[0] - 2 * MARGIN, size, indent)
        for k, text in enumerate(lines):
            self._line(text, size, MARGIN + (indent if k == 0 else 0), size * 1.75)
        self.y -= 4

    # tables ----------------------------------------------------------------------------------

    def _table(self, t: TableDraft) -> SampleTable:
        self._new_page(t.landscape)
        width = sum(t.widths)
        x0 = (self.size[0] - width) / 2
        lefts = [x0 + sum(t.widths[:k]) for k in range(len(t.widths))]
        cnv = self.canvas
        cnv.setFont(FONT, 10)
        if self.style.footer:  # 公开NN表 in the top right corner
            cnv.drawRightString(x0 + width, self.y, t.number)
        else:
            cnv.drawString(x0, self.y, t.number)
        self.y -= 30
        cnv.setFont(FONT, 16)
        cnv.drawCentredString(self.size[0] / 2, self.y, t.title)
        self.y -= 24
        cnv.setFont(FONT, 10)
        cnv.drawString(x0, self.y, f"编制单位：{self.doc.office.unit_name}")
        cnv.drawRightString(x0 + width, self.y, ("单位：" if self.style.footer else "金额单位：") + t.unit)
        self.y -= 10
        cells, header_rows = header_grid(t.header)
        heights = self._header_heights(cells, header_rows, t.widths)
        self._draw_header(cells, heights, lefts, t.widths)
        rows: list[SampleRow] = []
        first_page = self.page
        for body in t.rows:
            spans = self._spans(body.cells, t.widths)
            lines = max(len(wrap(text, w - 6, CELL_SIZE)) for _, text, w in spans)
            height = max(self.style.row_height, lines * CELL_LEADING + 5)
            if self.y - height < BOTTOM:
                self._new_page(t.landscape)
                if t.repeat_header:
                    self._draw_header(cells, heights, lefts, t.widths)
            for col, text, w in spans:
                self._cell(lefts[col], self.y, w, height, text, header=False)
            self.y -= height
            rows.extend(SampleRow(code, label, self.page) for code, label in body.keys)
        if t.note:
            self.y -= 6
            for text in wrap(f"注：{t.note}", width, 10):
                cnv.setFont(FONT, 10)
                cnv.drawString(x0, self.y - 10, text)
                self.y -= 15
        self.fresh = True
        return SampleTable(t.key, t.number, t.title, t.unit, (first_page, self.page), header_rows,
                           t.split_codes, t.repeat_header, t.note, tuple(rows))

    @staticmethod
    def _spans(cells: tuple[str | None, ...], widths: tuple[float, ...]) -> list[tuple[int, str, float]]:
        """(first column, text, width) per printed cell; ``None`` cells widen the cell on their left."""
        spans: list[tuple[int, str, float]] = []
        for col, text in enumerate(cells):
            if text is None:
                first, previous, w = spans[-1]
                spans[-1] = (first, previous, w + widths[col])
            else:
                spans.append((col, text, widths[col]))
        return spans

    def _header_heights(self, cells: list[_HeaderCell], rows: int, widths: tuple[float, ...]) -> list[float]:
        heights = [self.style.row_height] * rows
        for cell in sorted(cells, key=lambda c: c.rowspan):
            needed = len(wrap(cell.text, sum(widths[cell.col:cell.col + cell.colspan]) - 6, CELL_SIZE))
            needed_height = needed * CELL_LEADING + 5
            have = sum(heights[cell.row:cell.row + cell.rowspan])
            if have < needed_height:
                heights[cell.row + cell.rowspan - 1] += needed_height - have
        return heights

    def _draw_header(self, cells: list[_HeaderCell], heights: list[float], lefts: list[float],
                     widths: tuple[float, ...]) -> None:
        for cell in cells:
            top = self.y - sum(heights[:cell.row])
            self._cell(lefts[cell.col], top, sum(widths[cell.col:cell.col + cell.colspan]),
                       sum(heights[cell.row:cell.row + cell.rowspan]), cell.text, header=True)
        self.y -= sum(heights)

    def _cell(self, x: float, top: float, width: float, height: float, text: str, header: bool) -> None:
        """A ruled cell with its text wrapped and centred vertically (amounts right-aligned)."""
        cnv = self.canvas
        cnv.setLineWidth(0.6)
        cnv.rect(x, top - height, width, height, stroke=1, fill=0)
        if not text:
            return
        cnv.setFont(FONT, CELL_SIZE)
        lines = wrap(text, width - 6, CELL_SIZE)
        baseline = top - (height - len(lines) * CELL_LEADING) / 2 - CELL_SIZE
        for line in lines:
            if header or (text.isdigit() and len(text) <= 3):
                cnv.drawCentredString(x + width / 2, baseline, line)
            elif _AMOUNT.match(text):
                cnv.drawRightString(x + width - 3, baseline, line)
            else:
                cnv.drawString(x + 3, baseline, line)
            baseline -= CELL_LEADING
