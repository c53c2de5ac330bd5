"""From a file on disk to a stored report: read, build tables, validate, store.

``parse_file`` is pure (no side effects); ``Ingestor.ingest`` stores one report in a
single transaction and keeps a copy of the source file in the home directory, so a
failure at any step leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.catalog import STANDARD_KEYS
from ingest.errors import EmptyFileError, IngestError, NotAReportError, UnsupportedFileError
from ingest.metadata import detect_metadata
from ingest.model import ParsedReport, Report, Table
from ingest.rawtable import Extracted
from ingest.settings import Settings
from ingest.store import FactStore
from ingest.tables import build_table

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
PDF_SUFFIXES = (".pdf",)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + PDF_SUFFIXES

STATUS_ADDED = "added"
STATUS_UNCHANGED = "unchanged"
STATUS_REPLACED = "replaced"
STATUS_FAILED = "failed"


def report_id_of(data: bytes) -> str:
    """Report id: the first 16 hex digits of the SHA-256 of the file bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


def read_file(path: Path, data: bytes) -> Extracted:
    """Dispatch on content (``%PDF`` magic) and suffix; raise :class:`IngestError` subclasses."""
    if not data.strip():
        raise EmptyFileError(str(path), "文件为空 / empty file")
    suffix = path.suffix.lower()
    if data.lstrip()[:5] == b"%PDF-" or suffix in PDF_SUFFIXES:
        from ingest.pdf_reader import read_pdf

        return read_pdf(path)
    if suffix in TEXT_SUFFIXES:
        from ingest.text_reader import read_text

        return read_text(path)
    raise UnsupportedFileError(str(path), f"不支持的文件类型 {suffix or '(无扩展名)'} / unsupported file type")


def _check_tables(tables: list[Table]) -> list:
    from ingest.validate import check_tables

    return list(check_tables(tables))


def parse_file(path: Path) -> ParsedReport:
    """Read and understand one report file (no side effects).

    Raises:
        IngestError: the file is empty, unsupported, corrupt, encrypted or scanned.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(str(path), f"无法读取文件 / cannot read: {exc.strerror}", "请检查路径和权限") from exc
    extracted = read_file(path, data)
    tables = [build_table(raw, seq) for seq, raw in enumerate(extracted.tables)]
    body = "\n".join(b.text for b in extracted.blocks)
    preambles = "\n".join(f"{t.title}\n{t.caption}" for t in extracted.tables)
    if extracted.source_format == "text":
        body = data.decode("utf-8", errors="replace")
    meta = detect_metadata(extracted.head_text, body + "\n" + preambles)
    report = Report(
        report_id=report_id_of(data),
        source_file=path.name,
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
    warnings: list[str] = []
    if not meta.unit_name:
        warnings.append("未识别出编制单位名称 / issuing unit not found")
    if meta.fiscal_year is None:
        warnings.append("未识别出年度 / fiscal year not found")
    checks = _check_tables(tables)
    return ParsedReport(
        report=report, blocks=extracted.blocks, tables=tuple(tables), checks=tuple(checks), warnings=tuple(warnings)
    )


def standard_tables_found(tables: Iterable[Table]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(standard keys found, standard keys missing), in catalog order."""
    kinds = {t.kind for t in tables}
    return tuple(k for k in STANDARD_KEYS if k in kinds), tuple(k for k in STANDARD_KEYS if k not in kinds)


@dataclass(frozen=True)
class IngestOutcome:
    """What happened to one file."""

    path: str
    status: str
    report: Report | None = None
    tables: int = 0
    standard_found: tuple[str, ...] = ()
    standard_missing: tuple[str, ...] = ()
    checks_pass: int = 0
    checks_fail: int = 0
    checks_rounding: int = 0
    facts: int = 0
    replaced: tuple[str, ...] = ()
    error: str = ""
    failed_checks: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status != STATUS_FAILED


def iter_report_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named directly, and supported files under folders (sorted)."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
        else:
            yield path


AfterStore = Callable[[sqlite3.Connection, ParsedReport, tuple[str, ...]], None]
"""Hook run inside the store transaction with its connection, the parsed report and the ids
it replaces (the index writes its chunks there): raising aborts the ingest, nothing stays."""

BeforeRemove = Callable[[sqlite3.Connection, str], None]
"""Hook run inside the removal transaction with the report id being removed."""


class Ingestor:
    """Stores parsed reports in the fact store and keeps a copy of each source file."""

    def __init__(self, settings: Settings, store: FactStore | None = None) -> None:
        self.settings = settings
        self.store = store or FactStore(settings.db_path)

    def ingest(self, path: Path, after_store: AfterStore | None = None) -> IngestOutcome:
        """Ingest one file; never raises for a bad file (the outcome says what failed)."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            return IngestOutcome(str(path), STATUS_FAILED, error=f"{path}: 无法读取 / cannot read ({exc.strerror})")
        report_id = report_id_of(data)
        if self.store.has_report(report_id):
            record = self.store.report(report_id)
            return IngestOutcome(
                str(path), STATUS_UNCHANGED, report=record.report if record else None,
                tables=record.tables_found if record else 0,
                standard_found=record.standard_found if record else (),
                standard_missing=record.standard_missing if record else (),
                checks_pass=record.checks_pass if record else 0, checks_fail=record.checks_fail if record else 0,
                checks_rounding=record.checks_rounding if record else 0, facts=record.facts if record else 0,
            )  # fmt: skip
        try:
            parsed = parse_file(path)
        except IngestError as exc:
            return IngestOutcome(str(path), STATUS_FAILED, error=str(exc))
        return self._store(path, parsed, after_store)

    def _store(self, path: Path, parsed: ParsedReport, after_store: AfterStore | None) -> IngestOutcome:
        report = parsed.report
        source_path = str(path.resolve())
        found, missing = standard_tables_found(parsed.tables)
        self.settings.files_dir.mkdir(parents=True, exist_ok=True)
        final_copy = self.settings.files_dir / f"{report.report_id}{path.suffix.lower()}"
        temp_copy = final_copy.with_name(final_copy.name + ".part")
        shutil.copyfile(path, temp_copy)
        try:
            with self.store.transaction() as conn:
                replaced = tuple(self.store.superseded_by(report, source_path))
                for old in replaced:
                    self.store.delete_report(conn, old)
                self.store.write_report(conn, parsed, source_path, found, missing)
                if after_store is not None:
                    after_store(conn, parsed, replaced)
        except BaseException:
            temp_copy.unlink(missing_ok=True)
            raise
        temp_copy.replace(final_copy)
        for old in replaced:
            for stale in self.settings.files_dir.glob(f"{old}.*"):
                stale.unlink(missing_ok=True)
        statuses = [c.status for c in parsed.checks]
        facts = sum(1 for t in parsed.tables for r in t.rows for c in r.cells if c.value is not None)
        return IngestOutcome(
            path=str(path),
            status=STATUS_REPLACED if replaced else STATUS_ADDED,
            report=report,
            tables=len(parsed.tables),
            standard_found=found,
            standard_missing=missing,
            checks_pass=statuses.count("pass"),
            checks_fail=statuses.count("fail"),
            checks_rounding=statuses.count("rounding"),
            facts=facts,
            replaced=replaced,
            failed_checks=tuple(c.detail for c in parsed.checks if c.status == "fail"),
        )

    def remove(self, report_id: str, before_remove: BeforeRemove | None = None) -> bool:
        """Delete a report (by id or unique prefix) and its source copy; False if absent."""
        record = self.store.report(report_id)
        if record is None:
            return False
        with self.store.transaction() as conn:
            if before_remove is not None:
                before_remove(conn, record.report.report_id)
            self.store.delete_report(conn, record.report.report_id)
        for stale in self.settings.files_dir.glob(f"{record.report.report_id}.*"):
            stale.unlink(missing_ok=True)
        return True

