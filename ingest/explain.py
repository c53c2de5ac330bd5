"""What the reader understood of one file, without storing anything: ``budgetqa ingest --explain``.

:func:`explain_file` runs :func:`ingest.pipeline.parse_file` and describes the result for a
person meeting a new layout: the metadata detected (unit, year, kind, scope) and whether it
came from the title or the body text; every table with its kind (standard, extra or
``other``), printed number, title, page or line span, unit, rows, value columns, figures,
emptiness (and its note, e.g. ``本表无数据``) and identity checks; the standard tables
missing; the narrative sections; PDF pages with neither table nor narrative, and blank
pages (no text at all); and what was not understood (:class:`Issue`).

Pages are 1-based; text conversions have line spans instead and no pages.
Pure apart from reading the file (PDF pages are read a second time, with pypdfium2, to
tell blank pages from pages whose text was not understood).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ingest.catalog import EXTRA_KEYS, KIND_OTHER, STANDARD_KEYS, standard_name
from ingest.metadata import detect_kind, detect_scope, detect_unit, detect_year
from ingest.model import KIND_BUDGET, KIND_FINAL, ParsedReport, Table, column_label
from ingest.numbers import parse_number
from ingest.pipeline import parse_file

log = logging.getLogger(__name__)

GROUP_STANDARD = "standard"
GROUP_EXTRA = "extra"
GROUP_OTHER = "other"

SOURCE_TITLE = "title"
SOURCE_TEXT = "text"
SOURCE_NONE = "not found"

ISSUE_UNTITLED = "untitled_other_table"
ISSUE_NO_COLUMNS = "no_value_columns"
ISSUE_UNPARSED_NUMBER = "unparsed_number"
ISSUE_NO_LABEL = "row_without_label"
ISSUE_WARNING = "warning"

EXAMPLES_PER_TABLE = 5
"""Unparsed cells and unlabelled rows listed per table (the rest are counted)."""

_NUMERIC_LOOKING = re.compile(r"^[\d\s,，.．%％()（）+\-－]+$")


@dataclass(frozen=True)
class MetadataItem:
    """One detected property of the report and where it came from.

    Attributes:
        name: ``unit`` / ``year`` / ``kind`` / ``scope``.
        value: as detected, ``""`` when not found.
        source: ``title`` (the cover/title block alone gives it), ``text`` (the body text,
            e.g. ``单位：…`` lines above tables) or ``not found``.
    """

    name: str
    value: str
    source: str


@dataclass(frozen=True)
class TableSummary:
    """One table as the reader understood it.

    Attributes:
        seq: 0-based order in the report.
        kind: catalog key (``gpb_expenditure`` …) or ``other``.
        group: ``standard`` (the nine), ``extra`` (province-specific) or ``other``.
        kind_name: canonical Chinese name of the kind, ``""`` for ``other``.
        pages: (first, last) 1-based pages for PDFs, else ``None``.
        lines: (first, last) 1-based lines for text conversions, else ``None``.
        unit: declared amount unit, ``""`` if none.
        value_columns: header paths of the value columns, joined with `` / ``.
        figures: cells holding a number.
        empty: no figure other than zero (none at all, or a 合计 row of 0.00 as some reports
            print under ``本表无数据``); see ``note``.
        failed_checks: the details of the identity checks that failed.
    """

    seq: int
    kind: str
    group: str
    kind_name: str
    printed_number: str
    title: str
    pages: tuple[int, int] | None
    lines: tuple[int, int] | None
    unit: str
    rows: int
    value_columns: tuple[str, ...]
    figures: int
    empty: bool
    note: str
    checks_pass: int
    checks_rounding: int
    checks_fail: int
    failed_checks: tuple[str, ...] = ()

    @property
    def span(self) -> str:
        """``p. 8-9`` / ``p. 6`` / ``lines 150-183`` / ``""``."""
        if self.pages:
            first, last = self.pages
            return f"p. {first}" if first == last else f"p. {first}-{last}"
        if self.lines:
            return f"lines {self.lines[0]}-{self.lines[1]}"
        return ""


@dataclass(frozen=True)
class SectionSummary:
    """Narrative blocks under one heading path, and where they are (pages or lines)."""

    section: str
    blocks: int
    first: int | None
    last: int | None


@dataclass(frozen=True)
class Issue:
    """Something the reader did not understand.

    Attributes:
        kind: ``untitled_other_table``, ``no_value_columns``, ``unparsed_number``,
            ``row_without_label`` or ``warning``.
        table_seq: the table concerned, ``None`` for report-wide warnings.
        where: ``第8页`` / ``第150行`` / ``""``.
        detail: what it is, with the text as printed.
    """

    kind: str
    table_seq: int | None
    where: str
    detail: str


@dataclass(frozen=True)
class ExtractionReport:
    """What :func:`explain_file` found in one file.

    Attributes:
        path: the file as given.
        report: the report record that would be stored.
        metadata: unit, year, kind and scope with their sources.
        tables: every table in order.
        standard_expected: the standard table keys a report of this kind prints
            (the nine for 决算/预算, none otherwise).
        standard_missing: expected keys not found, in catalog order.
        sections: narrative blocks grouped by heading path, in order.
        blocks: narrative blocks in all.
        pages_without_content: PDF pages with neither a table nor narrative (cover, 目录 …).
        blank_pages: PDF pages with no text at all (blank or image only).
        checks_pass, checks_rounding, checks_fail: identity checks over the whole report.
        text_facts: figures read from the narrative, counted by measure (when the reader
            provides them), as (measure, count) pairs, most frequent first.
        issues: what was not understood.
    """

    path: str
    report: Any
    metadata: tuple[MetadataItem, ...]
    tables: tuple[TableSummary, ...]
    standard_expected: tuple[str, ...]
    standard_missing: tuple[str, ...]
    sections: tuple[SectionSummary, ...]
    blocks: int
    pages_without_content: tuple[int, ...]
    blank_pages: tuple[int, ...]
    checks_pass: int
    checks_rounding: int
    checks_fail: int
    text_facts: tuple[tuple[str, int], ...]
    issues: tuple[Issue, ...]

    @property
    def figures(self) -> int:
        return sum(t.figures for t in self.tables)

    def table(self, kind: str) -> TableSummary | None:
        """The first table of ``kind``, or ``None``."""
        return next((t for t in self.tables if t.kind == kind), None)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples as lists; the report as its fields)."""
        data = asdict(self)
        data["figures"] = self.figures
        data["text_facts"] = dict(self.text_facts)
        for table, summary in zip(data["tables"], self.tables, strict=True):
            table["span"] = summary.span
        return data


def explain_file(path: Path) -> ExtractionReport:
    """Read one report file and describe what was understood; nothing is stored.

    Raises:
        IngestError: the file is empty, unsupported, corrupt, encrypted, scanned or not a report.
    """
    parsed = parse_file(Path(path))
    text_pages = _pages_with_text(Path(path)) if parsed.report.source_format == "pdf" else None
    return explain_parsed(str(path), parsed, text_pages)


def explain_parsed(path: str, parsed: ParsedReport, text_pages: set[int] | None = None) -> ExtractionReport:
    """Describe an already parsed report.

    Args:
        path: the file name to show.
        parsed: what :func:`ingest.pipeline.parse_file` returned.
        text_pages: 1-based PDF pages that have any text; ``None`` when unknown (then no
            page is called blank).
    """
    report = parsed.report
    tables = tuple(_summarize_table(t, parsed) for t in parsed.tables)
    expected = STANDARD_KEYS if report.kind in (KIND_FINAL, KIND_BUDGET) else ()
    kinds = {t.kind for t in parsed.tables}
    statuses = Counter(c.status for c in parsed.checks)
    without, blank = _empty_pages(parsed, text_pages)
    measures = Counter(str(getattr(f, "measure", "") or "?") for f in getattr(parsed, "text_facts", ()))
    return ExtractionReport(
        path=path,
        report=report,
        metadata=_metadata(parsed),
        tables=tables,
        standard_expected=expected,
        standard_missing=tuple(k for k in expected if k not in kinds),
        sections=_sections(parsed),
        blocks=len(parsed.blocks),
        pages_without_content=without,
        blank_pages=blank,
        checks_pass=statuses["pass"],
        checks_rounding=statuses["rounding"],
        checks_fail=statuses["fail"],
        text_facts=tuple(measures.most_common()),
        issues=_issues(parsed),
    )


def _metadata(parsed: ParsedReport) -> tuple[MetadataItem, ...]:
    """Each property, and whether the title alone gives it (else it came from the text)."""
    r, title = parsed.report, parsed.report.title

    def item(name: str, value: object, from_title: object) -> MetadataItem:
        if value in (None, "", KIND_OTHER):
            return MetadataItem(name, "" if value is None else str(value), SOURCE_NONE)
        return MetadataItem(name, str(value), SOURCE_TITLE if title and from_title == value else SOURCE_TEXT)

    return (
        item("unit", r.unit_name, detect_unit(title, "")),
        item("year", r.fiscal_year, detect_year(title, "")),
        item("kind", r.kind, detect_kind(title, "")),
        item("scope", r.scope, detect_scope(title, "", "")),
    )


def _group(kind: str) -> str:
    if kind in STANDARD_KEYS:
        return GROUP_STANDARD
    if kind in EXTRA_KEYS:
        return GROUP_EXTRA
    return GROUP_OTHER


def _summarize_table(table: Table, parsed: ParsedReport) -> TableSummary:
    checks = [c for c in parsed.checks if c.table_seq == table.seq]
    statuses = Counter(c.status for c in checks)
    figures = sum(1 for row in table.rows for cell in row.cells if cell.value is not None)
    return TableSummary(
        seq=table.seq,
        kind=table.kind,
        group=_group(table.kind),
        kind_name=standard_name(table.kind),
        printed_number=table.printed_number,
        title=table.title,
        pages=table.pages,
        lines=table.lines,
        unit=table.unit,
        rows=len(table.rows),
        value_columns=tuple(column_label(c) for c in table.columns),
        figures=figures,
        empty=not any(cell.value for row in table.rows for cell in row.cells if cell.value is not None),
        note=table.note,
        checks_pass=statuses["pass"],
        checks_rounding=statuses["rounding"],
        checks_fail=statuses["fail"],
        failed_checks=tuple(c.detail for c in checks if c.status == "fail"),
    )


def _sections(parsed: ParsedReport) -> tuple[SectionSummary, ...]:
    """Consecutive blocks under the same heading path, with their page (or line) range."""
    runs: list[tuple[str, list[int | None]]] = []
    for block in parsed.blocks:
        name = " > ".join(p for p in block.section_path if p) or "(no heading)"
        where = block.location.page if block.location.page is not None else block.location.line_start
        if not runs or runs[-1][0] != name:
            runs.append((name, []))
        runs[-1][1].append(where)
    sections = []
    for name, places in runs:
        known = [p for p in places if p is not None]
        sections.append(SectionSummary(name, len(places), min(known, default=None), max(known, default=None)))
    return tuple(sections)


def _pages_with_text(path: Path) -> set[int] | None:
    """1-based pages of a PDF that carry any text; ``None`` if pypdfium2 cannot read it."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as exc:
        log.warning("cannot read pages of %s: %s", path, exc)
        return None
    try:
        pages = set()
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            if textpage.get_text_range().strip():
                pages.add(index + 1)
            textpage.close()
            page.close()
        return pages
    finally:
        document.close()


def _empty_pages(parsed: ParsedReport, text_pages: set[int] | None) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(pages with no table and no narrative, pages with no text at all), PDFs only."""
    count = parsed.report.page_count
    if not count:
        return (), ()
    covered = {p for t in parsed.tables if t.pages for p in range(t.pages[0], t.pages[1] + 1)}
    covered |= {b.location.page for b in parsed.blocks if b.location.page is not None}
    without = tuple(p for p in range(1, count + 1) if p not in covered)
    blank = tuple(p for p in without if text_pages is not None and p not in text_pages)
    return without, blank


def _looks_numeric(text: str) -> bool:
    return bool(_NUMERIC_LOOKING.match(text.strip())) and any(ch.isdigit() for ch in text)


def _issues(parsed: ParsedReport) -> tuple[Issue, ...]:
    issues = [Issue(ISSUE_WARNING, None, "", w) for w in parsed.warnings]
    for table in parsed.tables:
        where = table.location.describe()
        name = table.printed_number or table.title or f"#{table.seq}"
        if table.kind == KIND_OTHER and not table.title.strip():
            issues.append(Issue(ISSUE_UNTITLED, table.seq, where,
                                f"表格 #{table.seq} 无标题、未识别 / table without title, kind unknown "
                                f"({len(table.rows)} rows)"))
        if not table.columns:
            issues.append(Issue(ISSUE_NO_COLUMNS, table.seq, where,
                                f"{name}: 无数值列 / no value columns"))
        unparsed = [(row, cell) for row in table.rows for cell in row.cells
                    if cell.value is None and _looks_numeric(cell.text) and parse_number(cell.text) is None]
        for row, cell in unparsed[:EXAMPLES_PER_TABLE]:
            issues.append(Issue(ISSUE_UNPARSED_NUMBER, table.seq, cell.location.describe() or where,
                                f"{name} {row.label or row.code or '?'} / {column_label(cell.column)}: "
                                f"{cell.text!r} 像数字但未能解析 / looks numeric, not parsed"))
        if len(unparsed) > EXAMPLES_PER_TABLE:
            issues.append(Issue(ISSUE_UNPARSED_NUMBER, table.seq, where,
                                f"{name}: 另有 {len(unparsed) - EXAMPLES_PER_TABLE} 个 / "
                                f"{len(unparsed) - EXAMPLES_PER_TABLE} more"))
        # a figure in a row with neither label nor code cannot be cited by row (a one-row table,
        # e.g. 三公 as 12 figures in one row, is identified by its columns alone)
        unlabelled = [row for row in table.rows if not row.label.strip() and not row.code.strip()
                      and any(c.value is not None for c in row.cells)] if len(table.rows) > 1 else []
        for row in unlabelled[:EXAMPLES_PER_TABLE]:
            figures = [c.text for c in row.cells if c.value is not None]
            issues.append(Issue(ISSUE_NO_LABEL, table.seq, row.location.describe() or where,
                                f"{name}: 行无标签 / row without label ({len(figures)} figures: "
                                f"{', '.join(figures[:4])}{' …' if len(figures) > 4 else ''})"))
        if len(unlabelled) > EXAMPLES_PER_TABLE:
            issues.append(Issue(ISSUE_NO_LABEL, table.seq, where,
                                f"{name}: 另有 {len(unlabelled) - EXAMPLES_PER_TABLE} 行 / "
                                f"{len(unlabelled) - EXAMPLES_PER_TABLE} more rows"))
    return tuple(issues)
