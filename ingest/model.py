"""The document model: frozen dataclasses that cross every module boundary.

Pages are 1-based (PDF page numbers as printed by a viewer). Text conversions have
no pages: their locations are 1-based line numbers and ``page`` is ``None``.
Money is ``Decimal`` next to its unit (元/万元/亿元); the raw text is kept beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.text_checks import TextCheck
    from ingest.text_facts import TextFact

KIND_FINAL = "决算"
KIND_BUDGET = "预算"
KIND_PERFORMANCE = "绩效自评"
KIND_OTHER = "other"

SCOPE_DEPARTMENT = "部门"
SCOPE_UNIT = "单位"

BBox = tuple[float, float, float, float]
"""(x0, top, x1, bottom) in PDF points, origin at the page's top-left (pdfplumber's frame)."""


@dataclass(frozen=True)
class Location:
    """Where something sits in its source file.

    Attributes:
        page: 1-based page number for PDFs; ``None`` for text conversions.
        line_start: 1-based first line for text conversions; ``None`` for PDFs.
        line_end: 1-based last line (inclusive) for text conversions.
        bbox: bounding box on ``page`` for PDFs, else ``None``.
        file: the source file's name when the report was joined from several files
            (narrative + tables), else ``""`` (the report's only file).
    """

    page: int | None = None
    line_start: int | None = None
    line_end: int | None = None
    bbox: BBox | None = None
    file: str = ""

    def describe(self) -> str:
        if self.page is not None:
            return f"第{self.page}页"
        if self.line_start is not None:
            if self.line_end and self.line_end != self.line_start:
                return f"第{self.line_start}-{self.line_end}行"
            return f"第{self.line_start}行"
        return ""


@dataclass(frozen=True)
class Report:
    """One ingested file.

    Attributes:
        report_id: hash of the file bytes (first 16 hex digits of SHA-256).
        source_file: file name as given (no directory).
        title: title read from the report (cover or first heading).
        unit_name: issuing unit's full name, e.g. ``临沂市人民政府办公室本级``.
        short_names: names people use for it (临沂市政府办, 临沂市政府办公室 …).
        region: the place named in the unit name (e.g. ``临沂市``), or ``""``.
        fiscal_year: the year the figures are for, or ``None`` if not found.
        kind: ``决算`` / ``预算`` / ``绩效自评`` / ``other``.
        scope: ``部门`` / ``单位`` / ``""``.
        page_count: pages for PDFs; for text conversions, ``None``.
        line_count: lines for text conversions; for PDFs, ``None``.
        source_format: ``pdf`` or ``text``.
    """

    report_id: str
    source_file: str
    title: str
    unit_name: str
    short_names: tuple[str, ...]
    region: str
    fiscal_year: int | None
    kind: str
    scope: str
    page_count: int | None
    line_count: int | None
    source_format: str
    files: tuple[str, ...] = ()
    """The file names of a report joined from several files (``ingest.grouping``), else ``()``."""


@dataclass(frozen=True)
class TextBlock:
    """A paragraph of narrative text under its heading path."""

    section_path: tuple[str, ...]
    text: str
    location: Location


@dataclass(frozen=True)
class Cell:
    """One cell of a table's body.

    Attributes:
        column: header path, e.g. ``("本年支出", "基本支出")``.
        text: the raw text as printed (``"4,723.92"``, ``""``).
        value: parsed number, ``None`` when the cell is not a number.
        unit: ``元``/``万元``/``亿元`` for money, ``%``, ``分``… or ``""``.
        uncertain: True when the column this value belongs to could not be
            determined for sure (text conversions that dropped empty cells).
    """

    column: tuple[str, ...]
    text: str
    value: Decimal | None
    unit: str
    location: Location
    uncertain: bool = False


@dataclass(frozen=True)
class Row:
    """A body row: its 功能分类/经济分类 code (``""`` if none), label and cells."""

    code: str
    label: str
    cells: tuple[Cell, ...]
    location: Location
    group: str = ""
    """For unfolded side-by-side tables (基本支出明细表): the column group, e.g. ``人员经费``."""


@dataclass(frozen=True)
class Table:
    """A table as found in a report, after merging pages and unfolding groups.

    Attributes:
        seq: 0-based order of the table in the report.
        kind: key of a standard table (see ``ingest.catalog``) or ``other``.
        printed_number: e.g. ``公开01表`` / ``附件1`` / ``表3`` or ``""``.
        title: printed title.
        unit: the amount unit declared for the table (``万元``/``元``) or ``""``.
        columns: the header paths of the value columns, left to right.
        rows: body rows in order.
        pages: (first, last) 1-based pages for PDFs, else ``None``.
        lines: (first, last) 1-based lines for text conversions, else ``None``.
        note: e.g. ``本单位无政府性基金收支，故本表无数据``.
    """

    seq: int
    kind: str
    printed_number: str
    title: str
    unit: str
    columns: tuple[tuple[str, ...], ...]
    rows: tuple[Row, ...]
    pages: tuple[int, int] | None = None
    lines: tuple[int, int] | None = None
    note: str = ""
    file: str = ""
    """Source file name when the report was joined from several files, else ``""``."""

    @property
    def location(self) -> Location:
        if self.pages:
            return Location(page=self.pages[0])
        if self.lines:
            return Location(line_start=self.lines[0], line_end=self.lines[1])
        return Location()


@dataclass(frozen=True)
class Check:
    """Result of one accounting-identity check on a table.

    Attributes:
        table_seq: the table checked.
        name: what was checked, e.g. ``合计 = 基本支出 + 项目支出 (201)``.
        status: ``pass`` / ``fail`` / ``rounding`` (differs by at most 0.01 per term).
        expected: the total as printed.
        actual: the sum of the parts.
        unit: unit of both figures.
        detail: human-readable formula with the figures.
    """

    table_seq: int
    name: str
    status: str
    expected: Decimal
    actual: Decimal
    unit: str
    detail: str


@dataclass(frozen=True)
class ParsedReport:
    """Everything a reader extracted from one file, ready to store."""

    report: Report
    blocks: tuple[TextBlock, ...]
    tables: tuple[Table, ...]
    checks: tuple[Check, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())
    text_facts: tuple[TextFact, ...] = field(default=())
    """Figures of the narrative (:func:`ingest.text_facts.extract_text_facts`)."""
    text_checks: tuple[TextCheck, ...] = field(default=())
    """Narrative vs tables (:func:`ingest.text_checks.check_text_against_tables`)."""


@dataclass(frozen=True)
class Fact:
    """One numeric cell with everything needed to cite it."""

    report_id: str
    table_seq: int
    table_kind: str
    table_no: str
    table_title: str
    row_index: int
    row_code: str
    row_label: str
    row_group: str
    column: str
    value: Decimal
    unit: str
    text: str
    page: int | None
    line: int | None
    bbox: BBox | None
    uncertain: bool
    file: str = ""
    """Source file name in a report joined from several files, else ``""``."""


COLUMN_SEPARATOR = " / "


def column_label(path: tuple[str, ...]) -> str:
    """``("本年支出", "基本支出")`` → ``"本年支出 / 基本支出"``."""
    return COLUMN_SEPARATOR.join(p for p in path if p)


def facts_of(report_id: str, table: Table) -> list[Fact]:
    """Every numeric cell of ``table`` as a :class:`Fact`."""
    facts: list[Fact] = []
    for row_index, row in enumerate(table.rows):
        for cell in row.cells:
            if cell.value is None:
                continue
            loc = cell.location
            facts.append(
                Fact(
                    report_id=report_id,
                    table_seq=table.seq,
                    table_kind=table.kind,
                    table_no=table.printed_number,
                    table_title=table.title,
                    row_index=row_index,
                    row_code=row.code,
                    row_label=row.label,
                    row_group=row.group,
                    column=column_label(cell.column),
                    value=cell.value,
                    unit=cell.unit,
                    text=cell.text,
                    page=loc.page,
                    line=loc.line_start,
                    bbox=loc.bbox,
                    uncertain=cell.uncertain,
                    file=loc.file,
                )
            )
    return facts
