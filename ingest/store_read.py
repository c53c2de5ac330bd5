"""Reading the fact store: stored reports, tables, facts, text blocks and checks.

:class:`StoreReader` holds every query; :class:`ingest.store.FactStore` adds the writes.
The records returned here are frozen dataclasses (see the schema in :mod:`ingest.store`).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from decimal import Decimal

from ingest.model import Check, Fact, Location, Report, TextBlock
from ingest.text_checks import TextCheck
from ingest.text_facts import TextFact

SECTION_SEPARATOR = " > "

_REPORT_SELECT = (
    "SELECT r.*, (SELECT COUNT(*) FROM cells c WHERE c.report_id = r.report_id) AS facts, "
    "(SELECT json_group_array(source_file) FROM (SELECT source_file FROM report_files f "
    "WHERE f.report_id = r.report_id ORDER BY f.seq)) AS files"
)
"""A report row with its fact count and its files' names (from ``report_files``)."""


def _joined_files(names: object) -> tuple[str, ...]:
    """``Report.files``: the file names of a report joined from several files, else ``()``."""
    files = tuple(json.loads(str(names or "[]")))
    return files if len(files) > 1 else ()


@dataclass(frozen=True)
class ReportRecord:
    """A stored report with its ingest summary."""

    report: Report
    source_path: str
    tables_found: int
    standard_found: tuple[str, ...]
    standard_missing: tuple[str, ...]
    checks_pass: int
    checks_fail: int
    checks_rounding: int
    facts: int
    warnings: tuple[str, ...]
    ingested_at: str


@dataclass(frozen=True)
class TableRecord:
    report_id: str
    seq: int
    kind: str
    printed_number: str
    title: str
    unit: str
    pages: tuple[int, int] | None
    lines: tuple[int, int] | None
    note: str
    columns: tuple[str, ...]
    row_count: int
    file: str = ""


@dataclass(frozen=True)
class FileRecord:
    """One source file of a stored report (a report joined from several files has several)."""

    file_id: str
    source_file: str
    source_path: str


class StoreReader:
    """Queries over an open fact-store connection (``self._conn``)."""

    _conn: sqlite3.Connection

    def report_ids(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT report_id FROM reports ORDER BY source_file")]

    def reports(self) -> list[ReportRecord]:
        rows = self._conn.execute(
            f"{_REPORT_SELECT} FROM reports r ORDER BY r.unit_name, r.fiscal_year, r.source_file"
        )
        names = [d[0] for d in rows.description]
        return [self._record(dict(zip(names, row))) for row in rows.fetchall()]

    def report(self, report_id: str) -> ReportRecord | None:
        """A report by id or by a unique id prefix."""
        rows = self._conn.execute(
            f"{_REPORT_SELECT} FROM reports r WHERE r.report_id LIKE ?",
            (report_id + "%",),
        )
        names = [d[0] for d in rows.description]
        found = rows.fetchall()
        return self._record(dict(zip(names, found[0]))) if len(found) == 1 else None

    @staticmethod
    def _record(d: dict[str, object]) -> ReportRecord:
        report = Report(
            report_id=str(d["report_id"]),
            source_file=str(d["source_file"]),
            title=str(d["title"] or ""),
            unit_name=str(d["unit_name"] or ""),
            short_names=tuple(json.loads(str(d["short_names"] or "[]"))),
            region=str(d["region"] or ""),
            fiscal_year=d["fiscal_year"] if isinstance(d["fiscal_year"], int) else None,
            kind=str(d["kind"] or ""),
            scope=str(d["scope"] or ""),
            page_count=d["page_count"] if isinstance(d["page_count"], int) else None,
            line_count=d["line_count"] if isinstance(d["line_count"], int) else None,
            source_format=str(d["source_format"] or ""),
            files=_joined_files(d.get("files")),
        )
        return ReportRecord(
            report=report,
            source_path=str(d["source_path"] or ""),
            tables_found=int(d["tables_found"] or 0),  # type: ignore[call-overload]
            standard_found=tuple(json.loads(str(d["standard_found"] or "[]"))),
            standard_missing=tuple(json.loads(str(d["standard_missing"] or "[]"))),
            checks_pass=int(d["checks_pass"] or 0),  # type: ignore[call-overload]
            checks_fail=int(d["checks_fail"] or 0),  # type: ignore[call-overload]
            checks_rounding=int(d["checks_rounding"] or 0),  # type: ignore[call-overload]
            facts=int(d["facts"] or 0),  # type: ignore[call-overload]
            warnings=tuple(json.loads(str(d["warnings"] or "[]"))),
            ingested_at=str(d["ingested_at"] or ""),
        )

    def tables(self, report_id: str) -> list[TableRecord]:
        rows = self._conn.execute(
            "SELECT report_id, seq, kind, printed_number, title, unit, page_start, page_end, line_start, "
            "line_end, note, columns, row_count, file FROM tables WHERE report_id = ? ORDER BY seq",
            (report_id,),
        ).fetchall()
        return [
            TableRecord(
                report_id=r[0], seq=r[1], kind=r[2], printed_number=r[3] or "", title=r[4] or "", unit=r[5] or "",
                pages=(r[6], r[7]) if r[6] is not None else None,
                lines=(r[8], r[9]) if r[8] is not None else None,
                note=r[10] or "", columns=tuple(json.loads(r[11] or "[]")), row_count=r[12], file=r[13] or "",
            )
            for r in rows
        ]  # fmt: skip

    def facts(self, report_id: str, table: str | None = None) -> list[Fact]:
        """Facts of a report, optionally of one table (by seq, printed number, kind or title part)."""
        sql = (
            "SELECT c.*, t.kind, t.printed_number, t.title FROM cells c JOIN tables t "
            "ON t.report_id = c.report_id AND t.seq = c.table_seq WHERE c.report_id = ?"
        )
        params: list[object] = [report_id]
        if table:
            sql += " AND (CAST(t.seq AS TEXT) = ? OR t.printed_number = ? OR t.kind = ? OR t.title LIKE ?)"
            params += [table, table, table, f"%{table}%"]
        sql += " ORDER BY c.table_seq, c.row_index, c.rowid"
        rows = self._conn.execute(sql, params).fetchall()
        return [
            Fact(
                report_id=r[0], table_seq=r[1], table_kind=r[18], table_no=r[19] or "", table_title=r[20] or "",
                row_index=r[2], row_code=r[3] or "", row_label=r[4] or "", row_group=r[5] or "",
                column=r[6] or "", value=Decimal(r[7]), unit=r[8] or "", text=r[9] or "", page=r[10], line=r[11],
                bbox=(r[12], r[13], r[14], r[15]) if r[12] is not None else None, uncertain=bool(r[16]),
                file=r[17] or "",
            )
            for r in rows
        ]  # fmt: skip

    def checks(self, report_id: str) -> list[Check]:
        rows = self._conn.execute(
            "SELECT table_seq, name, status, expected, actual, unit, detail FROM checks WHERE report_id = ?",
            (report_id,),
        ).fetchall()
        return [Check(r[0], r[1], r[2], Decimal(r[3]), Decimal(r[4]), r[5], r[6]) for r in rows]

    def blocks(self, report_id: str) -> list[TextBlock]:
        rows = self._conn.execute(
            "SELECT section_path, text, page, line_start, line_end, x0, top, x1, bottom, file FROM blocks "
            "WHERE report_id = ? ORDER BY seq",
            (report_id,),
        ).fetchall()
        return [
            TextBlock(
                section_path=tuple(p for p in (r[0] or "").split(SECTION_SEPARATOR) if p),
                text=r[1],
                location=Location(page=r[2], line_start=r[3], line_end=r[4],
                                  bbox=(r[5], r[6], r[7], r[8]) if r[5] is not None else None, file=r[9] or ""),
            )
            for r in rows
        ]  # fmt: skip

    def text_facts(self, report_id: str) -> list[TextFact]:
        """Figures of a report's narrative, in reading order (derived ones after their change)."""
        rows = self._conn.execute(
            "SELECT label, measure, value, unit, text, year, page, line, x0, top, x1, bottom, section_path, "
            "sentence, formula, derived FROM text_facts WHERE report_id = ? ORDER BY seq",
            (report_id,),
        ).fetchall()
        return [
            TextFact(
                value=Decimal(r[2]), unit=r[3] or "", text=r[4] or "", label=r[0] or "", measure=r[1] or "",
                year=r[5], page=r[6], line=r[7], sentence=r[13] or "",
                section_path=tuple(p for p in (r[12] or "").split(SECTION_SEPARATOR) if p),
                bbox=(r[8], r[9], r[10], r[11]) if r[8] is not None else None,
                formula=r[14] or "", derived=bool(r[15]),
            )
            for r in rows
        ]  # fmt: skip

    def text_checks(self, report_id: str) -> list[TextCheck]:
        """Narrative-vs-table checks of a report, in text order."""
        rows = self._conn.execute(
            "SELECT name, status, text_value, text_unit, text_page, text_line, table_value, table_raw, table_unit, "
            "table_seq, table_title, row_label, column_path, detail FROM text_checks WHERE report_id = ? ORDER BY seq",
            (report_id,),
        ).fetchall()
        return [
            TextCheck(
                name=r[0], status=r[1], text_value=Decimal(r[2]), text_unit=r[3] or "", text_page=r[4],
                text_line=r[5], table_value=Decimal(r[6]), table_raw=None if r[7] is None else Decimal(r[7]),
                table_unit=r[8] or "", table_seq=r[9], table_title=r[10] or "", row=r[11] or "",
                column=r[12] or "", detail=r[13] or "",
            )
            for r in rows
        ]  # fmt: skip

    def counts(self) -> dict[str, int]:
        """Row counts of every table (for consistency checks and tests)."""
        return {
            t: int(self._conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0])
            for t in ("reports", "tables", "table_rows", "cells", "blocks", "checks")
        }
