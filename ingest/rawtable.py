"""What readers hand to the table builder: a grid of printed cell texts.

A reader (PDF or text) finds a table's title, printed number, declared unit and
its grid of cells (header rows included, as printed). ``ingest.tables.build_table``
turns that into a :class:`ingest.model.Table` with header paths, codes, labels,
unfolded column groups and parsed values. Readers never parse amounts themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.model import Location


@dataclass(frozen=True)
class RawCell:
    """One printed cell.

    Attributes:
        text: the cell's text as printed, newlines inside a cell folded to "".
        location: page+bbox for PDFs; line number for text files.
        uncertain: the reader placed this value in its column by inference
            (text conversions that dropped empty cells) and is not sure of it.
    """

    text: str
    location: Location = field(default_factory=Location)
    uncertain: bool = False


RawRow = tuple[RawCell | None, ...]
"""A grid row; ``None`` marks a cell covered by a merged cell to its left or above (PDFs)."""


@dataclass(frozen=True)
class RawTable:
    """A table as a reader found it.

    Attributes:
        title: printed title, e.g. ``收入支出决算总表`` (may carry a year or a number).
        printed_number: ``公开01表`` / ``附件1`` / ``""`` (see ``ingest.catalog.printed_number``).
        unit: declared amount unit (``万元``/``元``) or ``""``.
        rows: the grid, header rows first, all rows the same length.
        header_rows: how many leading rows are headers, if the reader knows; else
            ``None`` and the builder decides.
        note: a note printed with the table (``本单位无…收支，故本表无数据``).
        caption: the lines printed with the title (``部门：江苏省政协办公厅 单位：万元``),
            where tables-only files name their unit.
        pages: (first, last) 1-based page span for PDFs.
        lines: (first, last) 1-based line span for text conversions.
    """

    title: str
    printed_number: str
    unit: str
    rows: tuple[RawRow, ...]
    header_rows: int | None = None
    note: str = ""
    caption: str = ""
    pages: tuple[int, int] | None = None
    lines: tuple[int, int] | None = None


@dataclass(frozen=True)
class Extracted:
    """Everything a reader pulls out of one file, before tables are built.

    Attributes:
        source_format: ``pdf`` or ``text``.
        page_count: number of pages (PDF) else ``None``.
        line_count: number of lines (text) else ``None``.
        head_text: the first ~3000 characters of the document's text in reading
            order (cover and first headings), used to find unit, year and kind.
        blocks: narrative paragraphs with their heading path and location.
        tables: the tables found, in document order, continuation pages merged.
    """

    source_format: str
    page_count: int | None
    line_count: int | None
    head_text: str
    blocks: tuple[TextBlock, ...]
    tables: tuple[RawTable, ...]


from ingest.model import TextBlock
