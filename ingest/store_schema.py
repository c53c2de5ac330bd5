"""The fact store's schema and how a connection to it is opened.

Opening for reading writes nothing: the schema is created (and ``meta.schema_version``
written) only when the file has none yet. The file is in WAL mode, so readers never wait
for a writer and a writer never waits for readers; writers wait for each other up to
:data:`WRITE_TIMEOUT_S` seconds (SQLite's busy timeout) before ``database is locked``.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from ingest.errors import BudgetQAError

log = logging.getLogger(__name__)

WRITE_TIMEOUT_S = 30.0
"""How long a connection waits for another writer's transaction before giving up (seconds)."""

SCHEMA_VERSION = 2

SCHEMA = """
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


class StoreVersionError(BudgetQAError):
    """The home directory's database was written with another schema version."""


def _schema_version(conn: sqlite3.Connection) -> str | None:
    """``meta.schema_version``, or ``None`` when the file has no schema yet (reads only)."""
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    return None if row is None else str(row[0])


def _create_schema(conn: sqlite3.Connection) -> str:
    """Create the tables in one write transaction (idempotent if two processes race)."""
    if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    log.info("created the fact store schema (version %s)", SCHEMA_VERSION)
    return str(_schema_version(conn))


def open_connection(path: Path) -> sqlite3.Connection:
    """A connection to the fact store at ``path``, its schema created if the file is new.

    Side effects: creates the parent folder and, for a new file, the schema (WAL mode).
    An existing store is only read here, so opening never waits for a running ingest.

    Raises:
        StoreVersionError: the file was written with another schema version.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=WRITE_TIMEOUT_S)
    conn.execute("PRAGMA foreign_keys = ON")
    version = _schema_version(conn)
    if version is None:
        version = _create_schema(conn)
    if version != str(SCHEMA_VERSION):
        conn.close()
        raise StoreVersionError(
            f"{path}: 数据目录是旧版本（{version}，当前 {SCHEMA_VERSION}）；请换一个 --home 或删除它后重新 ingest / "
            f"this home was written by an older version (schema {version}, now {SCHEMA_VERSION}): "
            "use another --home, or delete it and ingest the reports again"
        )
    return conn
