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
A report is written in one transaction: a failure leaves nothing behind.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timezone
from decimal import Decimal
from pathlib import Path

from ingest.errors import BudgetQAError
from ingest.model import Check, Fact, Location, ParsedReport, Report, Table, TextBlock, column_label, facts_of
from ingest.text_checks import TextCheck
from ingest.text_facts import TextFact

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS reports (
    report_id TEXT PRIMARY KEY, source_file TEXT NOT NULL, source_path TEXT, title TEXT,
    unit_name TEXT, short_names TEXT, region TEXT, fiscal_year INTEGER, kind TEXT, scope TEXT,
    page_count INTEGER, line_count INTEGER, source_format TEXT,
    tables_found INTEGER, standard_found TEXT, standard_missing TEXT,
    checks_pass INTEGER, checks_fail INTEGER, checks_rounding INTEGER,
    warnings TEXT, ingested_at TEXT
);
CREATE TABLE IF NOT EXISTS report_files (
    report_id TEXT NOT NULL REFERENCES reports(report_id) ON DELETE CASCADE,
    file_id TEXT NOT NULL, source_file TEXT NOT NULL, source_path TEXT, seq INTEGER,
    PRIMARY KEY (report_id, file_id)
);
CREATE TABLE IF NOT EXISTS tables (
    report_id TEXT NOT NULL REFERENCES reports(report_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL, kind TEXT, printed_number TEXT, title TEXT, unit TEXT,
    page_start INTEGER, page_end INTEGER, line_start INTEGER, line_end INTEGER,
    note TEXT, columns TEXT, row_count INTEGER, file TEXT,
    PRIMARY KEY (report_id, seq)
);
CREATE TABLE IF NOT EXISTS table_rows (
    report_id TEXT NOT NULL REFERENCES reports(report_id) ON DELETE CASCADE,
    table_seq INTEGER NOT NULL, row_index INTEGER NOT NULL, grp TEXT, code TEXT, label TEXT,
    page INTEGER, line INTEGER,
    PRIMARY KEY (report_id, table_seq, row_index)
);
CREATE TABLE IF NOT EXISTS cells (
    report_id TEXT NOT NULL REFERENCES reports(report_id) ON DELETE CASCADE,
    table_seq INTEGER NOT NULL, row_index INTEGER NOT NULL, row_code TEXT, row_label TEXT,
    row_group TEXT, column_path TEXT, value TEXT NOT NULL, unit TEXT, text TEXT,
    page INTEGER, line INTEGER, x0 REAL, top REAL, x1 REAL, bottom REAL, uncertain INTEGER, file TEXT
);
CREATE INDEX IF NOT EXISTS cells_by_report ON cells(report_id, table_seq);
CREATE INDEX IF NOT EXISTS cells_by_code ON cells(row_code);
CREATE TABLE IF NOT EXISTS blocks (
    report_id TEXT NOT NULL REFERENCES reports(report_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL, section_path TEXT, text TEXT, page INTEGER,
    line_start INTEGER, line_end INTEGER, x0 REAL, top REAL, x1 REAL, bottom REAL, file TEXT,
    PRIMARY KEY (report_id, seq)
);
CREATE TABLE IF NOT EXISTS checks (
    report_id TEXT NOT NULL REFERENCES reports(report_id) ON DELETE CASCADE,
    table_seq INTEGER, name TEXT, status TEXT, expected TEXT, actual TEXT, unit TEXT, detail TEXT
);
CREATE TABLE IF NOT EXISTS text_facts (
    report_id TEXT NOT NULL REFERENCES reports(report_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL, label TEXT, measure TEXT, value TEXT NOT NULL, unit TEXT, text TEXT,
    year INTEGER, page INTEGER, line INTEGER, x0 REAL, top REAL, x1 REAL, bottom REAL,
    section_path TEXT, sentence TEXT, formula TEXT, derived INTEGER,
    PRIMARY KEY (report_id, seq)
);
CREATE TABLE IF NOT EXISTS text_checks (
    report_id TEXT NOT NULL REFERENCES reports(report_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL, name TEXT, status TEXT, text_value TEXT, text_unit TEXT, text_page INTEGER,
    text_line INTEGER, table_value TEXT, table_raw TEXT, table_unit TEXT, table_seq INTEGER,
    table_title TEXT, row_label TEXT, column_path TEXT, detail TEXT,
    PRIMARY KEY (report_id, seq)
);
CREATE VIEW IF NOT EXISTS facts AS
    SELECT r.unit_name, r.fiscal_year, r.kind AS report_kind, r.source_file,
           t.printed_number AS table_no, t.title AS table_title, t.kind AS table_kind,
           c.*, CAST(c.value AS REAL) AS value_num
    FROM cells c JOIN reports r USING (report_id)
    JOIN tables t ON t.report_id = c.report_id AND t.seq = c.table_seq;
"""

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


class StoreVersionError(BudgetQAError):
    """The home directory's database was written with another schema version."""


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


def _bbox(loc: Location) -> tuple[float | None, float | None, float | None, float | None]:
    return loc.bbox if loc.bbox else (None, None, None, None)


class FactStore:
    """SQLite storage of reports, tables, cells, text blocks and identity checks."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.executescript(_SCHEMA)
        self._conn.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
        )
        version = self._conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        if str(version) != str(SCHEMA_VERSION):
            self._conn.close()
            raise StoreVersionError(
                f"{self.path}: 数据目录是旧版本（{version}，当前 {SCHEMA_VERSION}）；请换一个 --home 或删除它后重新 ingest / "
                f"this home was written by an older version (schema {version}, now {SCHEMA_VERSION}): "
                "use another --home, or delete it and ingest the reports again"
            )

    @property
    def connection(self) -> sqlite3.Connection:
        """The connection, for stages above ingest that keep their own tables in this file."""
        return self._conn

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> FactStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN … COMMIT, or ROLLBACK on any error (then re-raised)."""
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
            (report.report_id, source_path, report.source_file, report.unit_name, report.fiscal_year, report.kind),
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
                (report_id, table.seq, i, row.group, row.code, row.label, row.location.page, row.location.line_start)
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
            "cells", "table_rows", "tables", "blocks", "checks", "text_facts", "text_checks", "report_files", "reports",
        ):
            conn.execute(f"DELETE FROM {table} WHERE report_id = ?", (report_id,))

    # ---- reading -------------------------------------------------------------

    def report_ids(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT report_id FROM reports ORDER BY source_file")]

    def reports(self) -> list[ReportRecord]:
        rows = self._conn.execute(
            f"{_REPORT_SELECT} "
            "FROM reports r ORDER BY r.unit_name, r.fiscal_year, r.source_file"
        )
        names = [d[0] for d in rows.description]
        return [self._record(dict(zip(names, row))) for row in rows.fetchall()]

    def report(self, report_id: str) -> ReportRecord | None:
        """A report by id or by a unique id prefix."""
        rows = self._conn.execute(
            f"{_REPORT_SELECT} "
            "FROM reports r WHERE r.report_id LIKE ?",
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
