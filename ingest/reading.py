"""Reading one report file, with no side effects: bytes → tables, text, metadata, checks.

``parse_file`` reads and analyses one file; :mod:`ingest.pipeline` stores what it returns.
Every file is checked against the limits (:mod:`ingest.limits`) before it is parsed, and a
document with no standard table and no figure at all is refused as not a report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from ingest.catalog import STANDARD_KEYS
from ingest.discover import PDF_SUFFIXES, TEXT_SUFFIXES
from ingest.errors import EmptyFileError, NotAReportError, UnsupportedFileError
from ingest.limits import FileGuard, Limits, check_pdf, read_limited
from ingest.metadata import detect_metadata
from ingest.model import ParsedReport, Report, Table, TextBlock
from ingest.names import storable
from ingest.rawtable import Extracted
from ingest.tables import build_table

StageCallback = Callable[[str, int | None, int | None], None]
"""``on_stage(stage, done, total)``: an ingest stage started or moved on (``read`` with pages
done of total, else ``None``). Stages, in order: ``read``, ``tables``, ``check``, ``embed``,
``store``, ``done``."""


def ignore_stage(stage: str, done: int | None = None, total: int | None = None) -> None:
    """The default :data:`StageCallback`: nobody listens."""


def report_id_of(data: bytes) -> str:
    """Report id: the first 16 hex digits of the SHA-256 of the file bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


def read_file(
    path: Path, data: bytes, limits: Limits | None = None, on_stage: StageCallback | None = None
) -> Extracted:
    """Dispatch on content (``%PDF`` magic) and suffix; raise :class:`IngestError` subclasses.

    A PDF is checked against ``limits`` (pages, inflated stream size) before it is parsed,
    and against its time and memory limits as each page is read;
    ``on_stage("read", pages done, pages)`` is called as its pages are loaded, then
    ``on_stage("tables", None, None)`` once they are all loaded (its tables are put together next).
    """
    say = on_stage or ignore_stage
    if not data.strip():
        raise EmptyFileError(str(path), "文件为空 / empty file")
    suffix = path.suffix.lower()
    if data.lstrip()[:5] == b"%PDF-" or suffix in PDF_SUFFIXES:
        from ingest.pdf_reader import read_pdf

        limits = limits or Limits()
        check_pdf(path, data, limits)
        guard = FileGuard(path, limits)

        def on_page(done: int, total: int) -> None:
            guard.check()  # time and memory, between pages
            say("read", done, total)
            if done == total:  # every page loaded: the page tables are put together next
                say("tables", None, None)

        return read_pdf(path, on_page)
    if suffix in TEXT_SUFFIXES:
        from ingest.text_reader import read_text

        return read_text(path)
    raise UnsupportedFileError(
        str(path), f"不支持的文件类型 {suffix or '(无扩展名)'} / unsupported file type"
    )


def _check_tables(tables: list[Table]) -> list:
    from ingest.validate import check_tables

    return list(check_tables(tables))


def analyse(parsed: ParsedReport) -> ParsedReport:
    """Checks over a report's tables, the figures of its text and the text-vs-table checks."""
    from ingest.text_checks import check_text_against_tables
    from ingest.text_facts import extract_text_facts

    checks = _check_tables(list(parsed.tables))
    text_facts = tuple(extract_text_facts(parsed.blocks, parsed.report.fiscal_year))
    text_checks = tuple(check_text_against_tables(text_facts, parsed.tables))
    return replace(parsed, checks=tuple(checks), text_facts=text_facts, text_checks=text_checks)


def parse_file(path: Path, name: str | None = None, limits: Limits | None = None) -> ParsedReport:
    """Read and understand one report file (no side effects): tables, text, checks, text facts.

    Args:
        path: the file.
        name: the file name to record (default ``path.name``; a stored copy keeps its original name).
        limits: what the file may cost (default :class:`ingest.limits.Limits`).

    Raises:
        IngestError: the file is empty, unsupported, corrupt, encrypted, scanned, not a
            regular file or over a limit.
    """
    return analyse(read_report(Path(path), name, limits))


def read_report(
    path: Path,
    name: str | None = None,
    limits: Limits | None = None,
    data: bytes | None = None,
    on_stage: StageCallback | None = None,
) -> ParsedReport:
    """Tables, text blocks and metadata of one file, before :func:`analyse` (``data``: its
    bytes, if already read; ``on_stage``: told of the ``read`` and ``tables`` stages)."""
    limits = limits or Limits()
    say = on_stage or ignore_stage
    if data is None:
        data = read_limited(path, limits)
    extracted = read_file(path, data, limits, say)
    if extracted.source_format != "pdf":  # a PDF said so after its last page
        say("tables", None, None)
    tables = [build_table(raw, seq) for seq, raw in enumerate(extracted.tables)]
    body = "\n".join(b.text for b in extracted.blocks)
    preambles = "\n".join(f"{t.title}\n{t.caption}" for t in extracted.tables)
    if extracted.source_format == "text":
        from ingest.text_reader import decode_text

        body = decode_text(data, str(path))
    meta = detect_metadata(extracted.head_text, body + "\n" + preambles)
    report = Report(
        report_id=report_id_of(data),
        source_file=storable(name or path.name),
        title=meta.title,
        unit_name=meta.unit_name,
        short_names=meta.short_names,
        region=meta.region,
        fiscal_year=meta.fiscal_year,
        kind=meta.kind,
        scope=meta.scope,
        page_count=extracted.page_count,
        line_count=extracted.line_count,
        source_format=extracted.source_format,
    )
    if not meta.unit_name and not any(t.kind != "other" for t in tables):
        raise NotAReportError(str(path), "不是预算/决算报告 / not a budget or final-accounts report")
    if not _has_figures(tables, extracted.blocks, meta.fiscal_year):
        raise NotAReportError(
            str(path),
            "不是预算/决算报告：没有标准报表，表格和正文里也没有金额 / "
            "not a budget report: no standard table and no amounts in its tables or text",
        )
    warnings: list[str] = []
    if not meta.unit_name:
        warnings.append("未识别出编制单位名称 / issuing unit not found")
    if meta.fiscal_year is None:
        warnings.append("未识别出年度 / fiscal year not found")
    return ParsedReport(report=report, blocks=extracted.blocks, tables=tuple(tables), warnings=tuple(warnings))


def _has_figures(tables: list[Table], blocks: Iterable[TextBlock], year: int | None) -> bool:
    """A standard table, a figure in any table, or an amount of money in the text (a narrative
    file of a report whose tables are published apart has only the latter)."""
    if any(t.kind in STANDARD_KEYS for t in tables):
        return True
    if any(c.value is not None for t in tables for r in t.rows for c in r.cells):
        return True
    from ingest.numbers import MONEY_UNITS
    from ingest.text_facts import extract_text_facts

    return any(f.unit in MONEY_UNITS for f in extract_text_facts(tuple(blocks), year))


def standard_tables_found(tables: Iterable[Table]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(standard keys found, standard keys missing), in catalog order."""
    kinds = {t.kind for t in tables}
    return tuple(k for k in STANDARD_KEYS if k in kinds), tuple(k for k in STANDARD_KEYS if k not in kinds)
