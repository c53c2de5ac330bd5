"""From a file on disk to a stored report: read, build tables, validate, store.

``parse_file`` is pure (no side effects); ``Ingestor.ingest`` stores one report in a
single transaction and keeps a copy of the source file in the home directory, so a
failure at any step leaves nothing behind.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from ingest.discover import PDF_SUFFIXES, SUPPORTED_SUFFIXES, TEXT_SUFFIXES, iter_report_files
from ingest.errors import IngestError
from ingest.grouping import combine, group_key
from ingest.limits import Limits, read_limited, time_limit
from ingest.locking import writer_lock
from ingest.model import ParsedReport, Report
from ingest.names import storable
from ingest.reading import (
    StageCallback,
    analyse,
    ignore_stage,
    parse_file,
    read_file,
    read_report,
    report_id_of,
    standard_tables_found,
)
from ingest.settings import Settings
from ingest.store import FactStore, FileRecord

log = logging.getLogger(__name__)


STATUS_ADDED = "added"
STATUS_UNCHANGED = "unchanged"
STATUS_REPLACED = "replaced"
STATUS_FAILED = "failed"
STATUS_JOINED = "joined"
"""The file joined the stored files of the same unit, year, kind and scope: one report now."""
STATUS_DUPLICATE = "duplicate"
"""The same bytes are already stored under another file name: not stored twice."""
STATUS_SKIPPED = "skipped"
"""A file in a folder that is not of a supported type (listed with the reason, not a failure)."""

__all__ = [
    "PDF_SUFFIXES",
    "STATUS_ADDED",
    "STATUS_DUPLICATE",
    "STATUS_FAILED",
    "STATUS_JOINED",
    "STATUS_REPLACED",
    "STATUS_SKIPPED",
    "STATUS_UNCHANGED",
    "SUPPORTED_SUFFIXES",
    "TEXT_SUFFIXES",
    "IngestOutcome",
    "Ingestor",
    "StageCallback",
    "StoreHooks",
    "iter_report_files",
    "parse_file",
    "read_file",
    "read_report",
    "report_id_of",
]  # fmt: skip


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
    joined: tuple[str, ...] = ()
    """The other files of the report this file joined (narrative + tables)."""
    text_facts: int = 0
    duplicate_of: str = ""
    """For ``duplicate``: the name the same bytes are stored under."""
    notes: tuple[str, ...] = ()
    """What went wrong after the report was stored (it is answerable; e.g. vectors pending)."""

    @property
    def ok(self) -> bool:
        return self.status != STATUS_FAILED


AfterStore = Callable[[sqlite3.Connection, ParsedReport, tuple[str, ...]], None]
"""Hook run inside the store transaction with its connection, the parsed report and the ids
it replaces: raising aborts the ingest, nothing stays. Keep it quick (SQL writes only)."""

BeforeRemove = Callable[[sqlite3.Connection, str], None]
"""Hook run inside the removal transaction with the report id being removed."""


class StoreHooks(Protocol):
    """What a stage above ingest does around the short store transaction of one report
    (the index: make chunks before, write their rows inside, drop replaced vectors after).

    Every method gets the analysed report and the ids of the stored reports it replaces.
    """

    def prepare(self, parsed: ParsedReport, replaced: tuple[str, ...]) -> None:
        """Work before the transaction (making chunks); raising aborts the ingest."""

    def write(self, conn: sqlite3.Connection, parsed: ParsedReport, replaced: tuple[str, ...]) -> None:
        """SQL writes inside the transaction; raising rolls everything back."""

    def committed(self, parsed: ParsedReport, replaced: tuple[str, ...]) -> None:
        """After the commit (drop what the replaced reports left elsewhere)."""

    def aborted(self, parsed: ParsedReport, replaced: tuple[str, ...]) -> None:
        """After a failure of :meth:`prepare` or of the transaction: undo :meth:`prepare`."""


class Ingestor:
    """Stores parsed reports in the fact store and keeps a copy of each source file.

    Files of the same unit, year, kind and scope form one report (:mod:`ingest.grouping`):
    a file that joins a stored report makes the store rewrite that report from all its
    files (their stored copies are parsed again), so upload order does not matter.
    """

    def __init__(self, settings: Settings, store: FactStore | None = None) -> None:
        self.settings = settings
        self.store = store or FactStore(settings.db_path)
        self.lock = writer_lock(settings.home)
        self.limits = Limits.from_settings(settings)

    def _copy_of(self, file_id: str) -> Path | None:
        found = sorted(
            p for p in self.settings.files_dir.glob(f"{file_id}.*") if not p.name.endswith(".part")
        )
        return found[0] if found else None

    def _outcome_unchanged(self, path: Path, report_id: str, file_id: str) -> IngestOutcome:
        """The same bytes are stored: ``unchanged`` under the same name, else ``duplicate``."""
        record = self.store.report(report_id)
        stored = next((f.source_file for f in self.store.files(report_id) if f.file_id == file_id), None)
        stored = stored or (record.report.source_file if record else None)
        duplicate = stored is not None and stored != storable(path.name)
        return IngestOutcome(
            str(path), STATUS_DUPLICATE if duplicate else STATUS_UNCHANGED, report=record.report if record else None,
            tables=record.tables_found if record else 0,
            standard_found=record.standard_found if record else (),
            standard_missing=record.standard_missing if record else (),
            checks_pass=record.checks_pass if record else 0, checks_fail=record.checks_fail if record else 0,
            checks_rounding=record.checks_rounding if record else 0, facts=record.facts if record else 0,
            duplicate_of=stored if duplicate else "",
        )  # fmt: skip

    def ingest(
        self,
        path: Path,
        after_store: AfterStore | None = None,
        hooks: StoreHooks | None = None,
        on_stage: StageCallback | None = None,
    ) -> IngestOutcome:
        """Ingest one file; never raises for a bad file (the outcome says what failed).

        Runs under the home's writer lock (one writer at a time, readers never wait):
        reading, parsing and ``hooks.prepare`` happen before the store transaction, which
        only writes rows and is short.

        Args:
            on_stage: told of each stage as it starts: ``read`` (with pages done and in all,
                for a PDF), ``tables``, ``check``, ``store`` (the transaction). Later stages
                (the index's ``embed``, ``done``) are the caller's to report.
        """
        say = on_stage or ignore_stage
        with self.lock.held():
            say("read", None, None)
            outcome = self._ingest(Path(path), after_store, hooks, say)
        return replace(outcome, path=storable(outcome.path), error=storable(outcome.error))

    def _ingest(
        self, path: Path, after_store: AfterStore | None, hooks: StoreHooks | None, say: StageCallback
    ) -> IngestOutcome:
        try:
            data = read_limited(path, self.limits)
        except IngestError as exc:
            return IngestOutcome(str(path), STATUS_FAILED, error=str(exc))
        file_id = report_id_of(data)
        owner = file_id if self.store.has_report(file_id) else self.store.report_of_file(file_id)
        if owner is not None:  # stored already (maybe as one file of a report joined from several)
            return self._outcome_unchanged(path, owner, file_id)
        try:
            with time_limit(self.limits.timeout_s, path):
                parsed = read_report(path, limits=self.limits, data=data, on_stage=say)
        except IngestError as exc:
            return IngestOutcome(str(path), STATUS_FAILED, error=str(exc))
        return self._store(path, parsed, data, after_store, hooks, say)

    def _members(self, parsed: ParsedReport, source_path: str) -> tuple[list[str], list[FileRecord]]:
        """(stored reports this file replaces or joins, the other files of its report)."""
        report = parsed.report
        replaced = set(self.store.superseded_by(report, source_path))
        key = group_key(report)
        others: list[FileRecord] = []
        for record in self.store.reports():
            rid = record.report.report_id
            files = self.store.files(rid) or [FileRecord(rid, record.report.source_file, record.source_path)]
            # a file of a multi-file report with the same path or name is a new version of it
            stale = [f for f in files if f.source_path == source_path or f.source_file == report.source_file]
            joins = key is not None and group_key(record.report) == key
            if joins or (stale and len(files) > 1):
                replaced.add(rid)
                others.extend(f for f in files if f not in stale and f.file_id != report.report_id)
        return sorted(replaced), others

    def _read_members(self, files: list[FileRecord]) -> tuple[list[FileRecord], list[ParsedReport]]:
        """The stored files whose kept copy is still there, each read again (not yet analysed)."""
        kept: list[FileRecord] = []
        parts: list[ParsedReport] = []
        for member in files:
            copy = self._copy_of(member.file_id)
            if copy is None:
                log.warning("stored copy of %s (%s) is missing: left out of its report", member.source_file, member.file_id)
                continue
            kept.append(member)
            parts.append(read_report(copy, name=member.source_file, limits=self.limits))
        return kept, parts

    @staticmethod
    def _combined(parts: list[ParsedReport]) -> ParsedReport:
        """One analysed report (checks, text facts) from the files' parts, read but not yet analysed."""
        return analyse(combine(parts))

    def _store(
        self,
        path: Path,
        parsed: ParsedReport,
        data: bytes,
        after_store: AfterStore | None,
        hooks: StoreHooks | None,
        say: StageCallback = ignore_stage,
    ) -> IngestOutcome:
        """Store ``parsed`` (read, not yet analysed) with the other files of its report, if any."""
        source_path = storable(str(path.resolve()))
        file_id = parsed.report.report_id
        replaced, others = self._members(parsed, source_path)
        others, parts = self._read_members(others)
        say("check", None, None)
        combined = self._combined([parsed, *parts])
        order = {name: i for i, name in enumerate(combined.report.files)}
        files = sorted([FileRecord(file_id, parsed.report.source_file, source_path), *others],
                       key=lambda f: order.get(f.source_file, 0))  # fmt: skip
        report = combined.report
        found, missing = standard_tables_found(combined.tables)
        self.settings.files_dir.mkdir(parents=True, exist_ok=True)
        final_copy = self.settings.files_dir / f"{file_id}{path.suffix.lower()}"
        temp_copy = final_copy.with_name(final_copy.name + ".part")
        self._commit(
            combined, tuple(replaced), hooks,
            lambda conn: self._write(conn, combined, replaced, source_path, files, after_store),
            before=lambda: temp_copy.write_bytes(data), undo=lambda: temp_copy.unlink(missing_ok=True),
            say=say,
        )  # fmt: skip
        temp_copy.replace(final_copy)
        kept = {f.file_id for f in files}
        for old in replaced:
            if old not in kept:
                for stale in self.settings.files_dir.glob(f"{old}.*"):
                    stale.unlink(missing_ok=True)
        statuses = [c.status for c in combined.checks]
        facts = sum(1 for t in combined.tables for r in t.rows for c in r.cells if c.value is not None)
        joined = tuple(f.source_file for f in files if f.file_id != file_id)
        return IngestOutcome(
            path=str(path),
            status=STATUS_JOINED if joined else (STATUS_REPLACED if replaced else STATUS_ADDED),
            report=report,
            tables=len(combined.tables),
            standard_found=found,
            standard_missing=missing,
            checks_pass=statuses.count("pass"),
            checks_fail=statuses.count("fail"),
            checks_rounding=statuses.count("rounding"),
            facts=facts,
            replaced=tuple(replaced),
            failed_checks=tuple(c.detail for c in combined.checks if c.status == "fail"),
            joined=joined,
            text_facts=len(combined.text_facts),
        )

    def _write(
        self,
        conn: sqlite3.Connection,
        combined: ParsedReport,
        replaced: list[str],
        source_path: str,
        files: list[FileRecord],
        after_store: AfterStore | None,
    ) -> None:
        """The rows of one report (inside the transaction): old versions out, the new one in."""
        for old in replaced:
            self.store.delete_report(conn, old)
        found, missing = standard_tables_found(combined.tables)
        self.store.write_report(conn, combined, source_path, found, missing)
        self.store.write_files(conn, combined.report.report_id, files)
        if after_store is not None:
            after_store(conn, combined, tuple(replaced))

    def _commit(
        self,
        combined: ParsedReport,
        replaced: tuple[str, ...],
        hooks: StoreHooks | None,
        write: Callable[[sqlite3.Connection], None],
        before: Callable[[], object] | None = None,
        undo: Callable[[], object] | None = None,
        say: StageCallback = ignore_stage,
    ) -> None:
        """``hooks.prepare`` and ``before`` outside, ``write`` and ``hooks.write`` in one short
        transaction; on any failure ``undo`` and ``hooks.aborted`` run and the error is re-raised."""
        try:
            if hooks is not None:
                hooks.prepare(combined, replaced)
            if before is not None:
                before()
            say("store", None, None)
            with self.store.transaction() as conn:
                write(conn)
                if hooks is not None:
                    hooks.write(conn, combined, replaced)
        except BaseException:
            if undo is not None:
                undo()
            if hooks is not None:
                hooks.aborted(combined, replaced)
            raise
        if hooks is not None:
            hooks.committed(combined, replaced)

    def remove(
        self,
        report_id: str,
        before_remove: BeforeRemove | None = None,
        after_store: AfterStore | None = None,
        hooks: StoreHooks | None = None,
    ) -> bool:
        """Delete a report (by id or unique prefix) and its source copies; False if absent.

        Given the id of one file of a report joined from several files, only that file
        leaves: the report is rebuilt from the others (``hooks``/``after_store`` index it).
        Runs under the home's writer lock.
        """
        with self.lock.held():
            record = self.store.report(report_id)
            if record is None:
                owner = self.store.report_of_file(report_id)
                if owner is None:
                    return False
                return self._remove_file(owner, report_id, before_remove, after_store, hooks)
            rid = record.report.report_id
            copies = [f.file_id for f in self.store.files(rid)] or [rid]
            with self.store.transaction() as conn:
                if before_remove is not None:
                    before_remove(conn, rid)
                self.store.delete_report(conn, rid)
            for file_id in copies:
                for stale in self.settings.files_dir.glob(f"{file_id}.*"):
                    stale.unlink(missing_ok=True)
            return True

    def reparse(self, report_id: str) -> ParsedReport | None:
        """A stored report parsed again from its kept source copies (``None`` if they are gone)."""
        record = self.store.report(report_id)
        if record is None:
            return None
        files = self.store.files(record.report.report_id) or [
            FileRecord(record.report.report_id, record.report.source_file, record.source_path)
        ]
        kept, parts = self._read_members(files)
        return self._combined(parts) if len(kept) == len(files) else None

    def _remove_file(
        self,
        report_id: str,
        file_prefix: str,
        before_remove: BeforeRemove | None,
        after_store: AfterStore | None,
        hooks: StoreHooks | None,
    ) -> bool:
        files = self.store.files(report_id)
        gone = [f for f in files if f.file_id.startswith(file_prefix)]
        rest, parts = self._read_members([f for f in files if f not in gone])
        if not parts:
            return self.remove(report_id, before_remove)
        combined = self._combined(parts)

        def write(conn: sqlite3.Connection) -> None:
            if before_remove is not None:
                before_remove(conn, report_id)
            self._write(conn, combined, [report_id], rest[0].source_path, rest, after_store)

        self._commit(combined, (report_id,), hooks, write)
        for f in gone:
            for stale in self.settings.files_dir.glob(f"{f.file_id}.*"):
                stale.unlink(missing_ok=True)
        return True
