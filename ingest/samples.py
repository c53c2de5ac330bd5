"""Realistic, fictional 决算 PDFs with known figures, for tests and for ``budgetqa demo``.

:func:`generate_sample_reports` writes two reports into a folder, each with a ``.truth.json``
beside it, and returns a :class:`SampleReport` per report:

- ``qingshan_gov_office_2024_dept_final.pdf`` — 青山市人民政府办公室 2024 年度部门决算, tables in
  万元, 目录, page numbers, whole 7-digit codes except 公开05表 (类|款|项 columns, narrow wrapped
  labels, continued on the next page without its header), 三公 as one row of 12 figures
  (公开09表). Its narrative states 基本支出 0.01 above the table: the planted inconsistency.
- ``lvshui_finance_2023_unit_final.pdf`` — 绿水县财政局 2023 年度单位决算, tables in 元 with zeros
  as blank cells, narrative in 元 except the 三公 paragraph (万元), 类|款|项 columns in 公开03表
  (continued with its header repeated) and 公开05表, 三公 as rows (公开07表), three column groups
  in the 基本支出 table.

Both have a cover, 第一部分 概况, 第二部分 the nine standard tables (ruled, merged multi-level
headers, so ``pdfplumber``'s ``find_tables`` finds them), 第三部分 情况说明 and 第四部分 名词解释.
The text uses reportlab's built-in CID font ``STSong-Light`` (Adobe-GB1; no font file needed),
which pdfplumber extracts as ordinary Unicode. Output is byte-for-byte deterministic.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from ingest.model import KIND_FINAL
from ingest.sample_content import build_document
from ingest.sample_data import (
    OFFICES,
    Cover,
    Document,
    Header,
    Heading,
    NarrativeFact,
    NarrativeLink,
    Paragraph,
    Planted,
    TableDraft,
    TableFact,
)

__all__ = [
    "NarrativeFact", "NarrativeLink", "Planted", "SampleReport", "SampleRow", "SampleTable", "TableFact",
    "generate_sample_reports", "load_truth",
]

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


class SampleRow(NamedTuple):
    """A row as printed: its code (``""`` if none), label and 1-based page."""

    code: str
    label: str
    page: int


@dataclass(frozen=True)
class SampleTable:
    """Where and how a table was printed.

    Attributes:
        key: standard table key (``ingest.catalog``), e.g. ``gpb_expenditure``.
        number: printed number, e.g. ``公开05表``.
        title: printed title.
        unit: declared amount unit (``万元``/``元``).
        pages: (first, last) 1-based pages.
        header_rows: number of header rows printed above the body.
        split_codes: codes printed in three columns 类|款|项.
        header_repeated: the header is printed again on continuation pages.
        note: the note printed under the table (``本单位无…，故本表无数据。``) or ``""``.
        rows: body rows in order, with their pages (side-by-side tables list each part).
    """

    key: str
    number: str
    title: str
    unit: str
    pages: tuple[int, int]
    header_rows: int
    split_codes: bool
    header_repeated: bool
    note: str
    rows: tuple[SampleRow, ...]


@dataclass(frozen=True)
class SampleReport:
    """A generated report and the truth about it.

    Attributes:
        path: the PDF.
        truth_path: the JSON beside it (same content as this object).
        title: e.g. ``青山市人民政府办公室2024年度部门决算``.
        unit_name, short_names, region, year, kind, scope: as :class:`ingest.model.Report` would
            have them (kind ``决算``, scope ``部门``/``单位``).
        amount_unit: the unit of every table (``万元``/``元``).
        page_count: pages in the PDF.
        tables: the nine tables in printed order.
        facts: every figure printed in the tables (blank cells are not figures).
        narrative: every figure stated in the text, with its sentence (as printed, unwrapped).
        links: narrative figures that restate a table figure (equal after unit conversion).
        planted: the deliberate inconsistencies (narrative vs table), empty for consistent reports.
    """

    path: Path
    truth_path: Path
    title: str
    unit_name: str
    short_names: tuple[str, ...]
    region: str
    year: int
    kind: str
    scope: str
    amount_unit: str
    page_count: int
    tables: tuple[SampleTable, ...]
    facts: tuple[TableFact, ...]
    narrative: tuple[NarrativeFact, ...]
    links: tuple[NarrativeLink, ...] = ()
    planted: tuple[Planted, ...] = ()

    def table(self, key: str) -> SampleTable:
        """The table with standard key ``key``."""
        return next(t for t in self.tables if t.key == key)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (Decimals as strings, paths as file names)."""
        return {
            "file": self.path.name, "title": self.title, "unit_name": self.unit_name,
            "short_names": list(self.short_names), "region": self.region, "year": self.year,
            "kind": self.kind, "scope": self.scope, "amount_unit": self.amount_unit,
            "page_count": self.page_count,
            "tables": [{**t.__dict__, "pages": list(t.pages), "rows": [list(r) for r in t.rows]}
                       for t in self.tables],
            "facts": [_fact_json(f) for f in self.facts],
            "narrative": [[n.sentence, str(n.value), n.unit] for n in self.narrative],
            "links": [[n.sentence, str(n.value), n.unit, _fact_json(n.fact)] for n in self.links],
            "planted": [{"description": p.description, "sentence": p.sentence, "value": str(p.value),
                         "unit": p.unit, "fact": _fact_json(p.fact)} for p in self.planted],
        }


def _fact_json(fact: TableFact) -> list[Any]:
    return [fact.table, fact.code, fact.label, list(fact.column), str(fact.value)]


def _fact_from_json(data: list[Any]) -> TableFact:
    return TableFact(data[0], data[1], data[2], tuple(data[3]), Decimal(data[4]))


def load_truth(truth_path: Path) -> SampleReport:
    """Read a ``.truth.json`` written by :func:`generate_sample_reports` back into a :class:`SampleReport`."""
    data = json.loads(Path(truth_path).read_text(encoding="utf-8"))
    tables = tuple(
        SampleTable(**{**t, "pages": tuple(t["pages"]), "rows": tuple(SampleRow(*r) for r in t["rows"])})
        for t in data["tables"])
    return SampleReport(
        path=Path(truth_path).with_name(data["file"]), truth_path=Path(truth_path), title=data["title"],
        unit_name=data["unit_name"], short_names=tuple(data["short_names"]), region=data["region"],
        year=data["year"], kind=data["kind"], scope=data["scope"], amount_unit=data["amount_unit"],
        page_count=data["page_count"], tables=tables, facts=tuple(_fact_from_json(f) for f in data["facts"]),
        narrative=tuple(NarrativeFact(s, Decimal(v), u) for s, v, u in data["narrative"]),
        links=tuple(NarrativeLink(s, Decimal(v), u, _fact_from_json(f)) for s, v, u, f in data["links"]),
        planted=tuple(Planted(p["description"], p["sentence"], Decimal(p["value"]), p["unit"],
                              _fact_from_json(p["fact"])) for p in data["planted"]),
    )


def generate_sample_reports(out_dir: Path) -> list[SampleReport]:
    """Write the sample PDFs and their ``.truth.json`` files into ``out_dir`` (created if missing).

    Files are overwritten; the same bytes are written on every run.

    Returns:
        One :class:`SampleReport` per PDF, in a fixed order.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _register_font()
    reports = []
    for office in OFFICES:
        doc = build_document(office)
        path = out_dir / f"{office.stem}.pdf"
        layout = _Layout(path, doc)
        tables = layout.render()
        report = SampleReport(
            path=path, truth_path=out_dir / f"{office.stem}.truth.json", title=doc.title,
            unit_name=office.unit_name, short_names=office.short_names, region=office.region,
            year=office.year,
            kind=KIND_FINAL, scope=office.scope, amount_unit=office.unit, page_count=layout.page,
            tables=tuple(tables), facts=tuple(f for t in doc.tables for f in t.facts),
            narrative=tuple(doc.narrative), links=tuple(doc.links), planted=tuple(doc.planted))
        report.truth_path.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n",
                                     encoding="utf-8")
        reports.append(report)
    return reports


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
