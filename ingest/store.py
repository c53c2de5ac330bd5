"""The fact store: one SQLite file a journalist can open with any SQLite tool.

Schema (``budgetqa.sqlite`` in the home directory)::

    reports(report_id PK, source_file, source_path, title, unit_name, short_names JSON,
            region, fiscal_year, kind, scope, page_count, line_count, source_format,
            tables_found, standard_found JSON, standard_missing JSON,
            checks_pass, checks_fail, checks_rounding, warnings JSON, ingested_at)
    report_files(report_id, file_id, source_file, source_path, seq)   one row per source file
    tables(report_id, seq, kind, printed_number, title, unit, page_start, page_end,
           line_start, line_end, note, columns JSON, row_count, file)     PK(report_id, seq)
    table_rows(report_id, table_seq, row_index, grp, code, label, page, line)
    cells(report_id, table_seq, row_index, row_code, row_label, row_group, column_path,
          value TEXT (exact decimal), unit, text, page, line, x0, top, x1, bottom, uncertain, file)
    blocks(report_id, seq, section_path, text, page, line_start, line_end, x0, top, x1, bottom, file)
    checks(report_id, table_seq, name, status, expected TEXT, actual TEXT, unit, detail)
    VIEW facts: cells joined with their report and table, plus value_num REAL.
    text_facts(report_id, seq, label, measure, value TEXT (exact decimal), unit, text, year,
               page, line, x0, top, x1, bottom, section_path, sentence, formula, derived)
    text_checks(report_id, seq, name, status, text_value TEXT, text_unit, text_page, text_line,
                table_value TEXT, table_raw TEXT, table_unit, table_seq, table_title, row_label,
                column_path, detail)

``text_facts`` are the figures of the narrative (ingest.text_facts: measure is current /
last_year / change / growth_rate / share / count / rate / other; derived=1 for last-year
figures computed from 比上年增加/减少, with the formula). ``text_checks`` compare them with
the tables and the stated growth rates with their figures (ingest.text_checks).

Pages are 1-based; ``line`` columns are 1-based lines of text conversions. ``value``
is kept as exact decimal text; ``value_num`` in the view is for sorting only.
A report is written in one short transaction: a failure leaves nothing behind. The
schema lives in :mod:`ingest.store_schema` (opening writes nothing to an existing store;
WAL mode, so readers never wait for an ingest), the queries in :mod:`ingest.store_read`.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from ingest.model import Location, ParsedReport, Report, Table, column_label, facts_of
from ingest.store_read import (
    SECTION_SEPARATOR,
    FileRecord,
    ReportRecord,
    StoreReader,
    TableRecord,
)
from ingest.store_schema import SCHEMA_VERSION, StoreVersionError, open_connection

__all__ = [
    "SCHEMA_VERSION", "SECTION_SEPARATOR", "FactStore", "FileRecord", "ReportRecord", "StoreVersionError",
    "TableRecord",
]  # fmt: skip

log = logging.getLogger(__name__)


def _bbox(loc: Location) -> tuple[float | None, float | None, float | None, float | None]:
    return loc.bbox if loc.bbox else (None, None, None, None)


class FactStore(StoreReader):
    """SQLite storage of reports, tables, cells, text blocks and identity checks.

    Opening an existing store reads only (it never waits for a running ingest); a new
    file gets its schema. Writes go through :meth:`transaction`.

    Raises:
        StoreVersionError: the file was written with another schema version.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._conn = open_connection(self.path)

    @property
    def connection(self) -> sqlite3.Connection:
        """The connection, for stages above ingest that keep their own tables in this file."""
        return self._conn

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error (then re-raised).

        Keep it short: parse and embed before, only the writes inside. Another writer waits
        up to :data:`ingest.store_schema.WRITE_TIMEOUT_S`; readers never wait.
        """
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    # ---- writing -------------------------------------------------------------

    def has_report(self, report_id: str) -> bool:
        row = self._conn.execute("SELECT 1 FROM reports WHERE report_id = ?", (report_id,)).fetchone()
        return row is not None

    def superseded_by(self, report: Report, source_path: str) -> list[str]:
        """Ids of stored reports that ``report`` replaces: the same path, or the same
        file name for the same unit, year and kind (a corrected re-publication)."""
        rows = self._conn.execute(
            "SELECT report_id FROM reports WHERE report_id != ? AND (source_path = ? OR "
            "(source_file = ? AND unit_name = ? AND fiscal_year IS ? AND kind = ?))",
            (
                report.report_id,
                source_path,
                report.source_file,
                report.unit_name,
                report.fiscal_year,
                report.kind,
            ),
        ).fetchall()
        return [r[0] for r in rows]

    def write_report(
        self,
        conn: sqlite3.Connection,
        parsed: ParsedReport,
        source_path: str,
        standard_found: tuple[str, ...],
        standard_missing: tuple[str, ...],
    ) -> None:
        """Insert one parsed report; call inside :meth:`transaction`."""
        r = parsed.report
        statuses = [c.status for c in parsed.checks]
        conn.execute(
            "INSERT INTO reports VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                r.report_id, r.source_file, source_path, r.title, r.unit_name,
                json.dumps(list(r.short_names), ensure_ascii=False), r.region, r.fiscal_year, r.kind,
                r.scope, r.page_count, r.line_count, r.source_format, len(parsed.tables),
                json.dumps(list(standard_found)), json.dumps(list(standard_missing)),
                statuses.count("pass"), statuses.count("fail"), statuses.count("rounding"),
                json.dumps(list(parsed.warnings), ensure_ascii=False),
                datetime.now(UTC).isoformat(timespec="seconds"),
            ),
        )  # fmt: skip
        for table in parsed.tables:
            self._write_table(conn, r.report_id, table)
        conn.executemany(
            "INSERT INTO blocks VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    r.report_id, seq, SECTION_SEPARATOR.join(b.section_path), b.text, b.location.page,
                    b.location.line_start, b.location.line_end, *_bbox(b.location), b.location.file,
                )
                for seq, b in enumerate(parsed.blocks)
            ],
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO checks VALUES (?,?,?,?,?,?,?,?)",
            [
                (r.report_id, c.table_seq, c.name, c.status, str(c.expected), str(c.actual), c.unit, c.detail)
                for c in parsed.checks
            ],
        )
        self._write_text_facts(conn, r.report_id, parsed)

    def _write_text_facts(self, conn: sqlite3.Connection, report_id: str, parsed: ParsedReport) -> None:
        conn.executemany(
            "INSERT INTO text_facts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    report_id, seq, f.label, f.measure, str(f.value), f.unit, f.text, f.year, f.page, f.line,
                    *(f.bbox if f.bbox else (None, None, None, None)), SECTION_SEPARATOR.join(f.section_path),
                    f.sentence, f.formula, int(f.derived),
                )
                for seq, f in enumerate(parsed.text_facts)
            ],
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO text_checks VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    report_id, seq, c.name, c.status, str(c.text_value), c.text_unit, c.text_page, c.text_line,
                    str(c.table_value), None if c.table_raw is None else str(c.table_raw), c.table_unit,
                    c.table_seq, c.table_title, c.row, c.column, c.detail,
                )
                for seq, c in enumerate(parsed.text_checks)
            ],
        )  # fmt: skip

    def _write_table(self, conn: sqlite3.Connection, report_id: str, table: Table) -> None:
        pages = table.pages or (None, None)
        lines = table.lines or (None, None)
        conn.execute(
            "INSERT INTO tables VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                report_id, table.seq, table.kind, table.printed_number, table.title, table.unit,
                pages[0], pages[1], lines[0], lines[1], table.note,
                json.dumps([column_label(c) for c in table.columns], ensure_ascii=False), len(table.rows),
                table.file,
            ),
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO table_rows VALUES (?,?,?,?,?,?,?,?)",
            [
                (
                    report_id,
                    table.seq,
                    i,
                    row.group,
                    row.code,
                    row.label,
                    row.location.page,
                    row.location.line_start,
                )
                for i, row in enumerate(table.rows)
            ],
        )
        conn.executemany(
            "INSERT INTO cells VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    f.report_id, f.table_seq, f.row_index, f.row_code, f.row_label, f.row_group, f.column,
                    str(f.value), f.unit, f.text, f.page, f.line,
                    *(f.bbox if f.bbox else (None, None, None, None)), int(f.uncertain), f.file,
                )
                for f in facts_of(report_id, table)
            ],
        )  # fmt: skip

    def write_files(self, conn: sqlite3.Connection, report_id: str, files: list[FileRecord]) -> None:
        """Record the source files of a report; call inside :meth:`transaction`."""
        conn.executemany(
            "INSERT INTO report_files VALUES (?,?,?,?,?)",
            [(report_id, f.file_id, f.source_file, f.source_path, i) for i, f in enumerate(files)],
        )

    def files(self, report_id: str) -> list[FileRecord]:
        """The source files of a report, in report order."""
        rows = self._conn.execute(
            "SELECT file_id, source_file, source_path FROM report_files WHERE report_id = ? ORDER BY seq",
            (report_id,),
        ).fetchall()
        return [FileRecord(r[0], r[1], r[2] or "") for r in rows]

    def report_of_file(self, file_id: str) -> str | None:
        """The report a file (by id or unique id prefix) belongs to."""
        rows = self._conn.execute(
            "SELECT DISTINCT report_id FROM report_files WHERE file_id LIKE ?", (file_id + "%",)
        ).fetchall()
        return rows[0][0] if len(rows) == 1 else None

    def delete_report(self, conn: sqlite3.Connection, report_id: str) -> None:
        """Delete a report and everything of it; call inside :meth:`transaction`."""
        for table in (
            "cells",
            "table_rows",
            "tables",
            "blocks",
            "checks",
            "text_facts",
            "text_checks",
            "report_files",
            "reports",
        ):
            conn.execute(f"DELETE FROM {table} WHERE report_id = ?", (report_id,))
