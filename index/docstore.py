"""Chunks kept in the fact store's SQLite file (table ``chunks``), written in the same
transaction as the report's facts. The vector and keyword indexes are derived from it,
so the three stores can always be checked and repaired against this one table.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import fields

from index.model import Chunk, Filters

_FIELDS = [f.name for f in fields(Chunk)]

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS chunks (
    {", ".join(f"{name} {'TEXT PRIMARY KEY' if name == 'chunk_id' else ''}" for name in _FIELDS)}
);
CREATE INDEX IF NOT EXISTS chunks_by_report ON chunks(report_id);
"""


def _row_to_chunk(row: Sequence[object]) -> Chunk:
    return Chunk(**dict(zip(_FIELDS, row)))  # type: ignore[arg-type]


class ChunkStore:
    """The ``chunks`` table, on a connection shared with :class:`ingest.store.FactStore`."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        conn.executescript(SCHEMA)

    def write(self, conn: sqlite3.Connection, chunks: Iterable[Chunk]) -> None:
        """Insert chunks (inside the caller's transaction)."""
        placeholders = ",".join("?" for _ in _FIELDS)
        conn.executemany(
            f"INSERT OR REPLACE INTO chunks ({','.join(_FIELDS)}) VALUES ({placeholders})",
            [tuple(getattr(c, name) for name in _FIELDS) for c in chunks],
        )

    def delete_report(self, conn: sqlite3.Connection, report_id: str) -> None:
        conn.execute("DELETE FROM chunks WHERE report_id = ?", (report_id,))

    def get(self, ids: Iterable[str]) -> dict[str, Chunk]:
        ids = list(ids)
        found: dict[str, Chunk] = {}
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ",".join("?" for _ in part)
            for row in self._conn.execute(f"SELECT {','.join(_FIELDS)} FROM chunks WHERE chunk_id IN ({marks})", part):
                chunk = _row_to_chunk(row)
                found[chunk.chunk_id] = chunk
        return found

    def all(self) -> list[Chunk]:
        return [_row_to_chunk(r) for r in self._conn.execute(f"SELECT {','.join(_FIELDS)} FROM chunks ORDER BY rowid")]

    def of_report(self, report_id: str) -> list[Chunk]:
        rows = self._conn.execute(
            f"SELECT {','.join(_FIELDS)} FROM chunks WHERE report_id = ? ORDER BY rowid", (report_id,)
        )
        return [_row_to_chunk(r) for r in rows]

    def ids(self) -> set[str]:
        return {r[0] for r in self._conn.execute("SELECT chunk_id FROM chunks")}

    def count(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def stamp(self) -> str:
        """A fingerprint of the set of chunk ids: the keyword index is rebuilt when it changes."""
        digest = hashlib.sha256()
        for (chunk_id,) in self._conn.execute("SELECT chunk_id FROM chunks ORDER BY chunk_id"):
            digest.update(chunk_id.encode())
        return digest.hexdigest()[:20]

    def filter_ids(self, filters: Filters) -> set[str] | None:
        """Chunk ids allowed by ``filters``; ``None`` when there is no filter."""
        if filters.is_empty():
            return None
        clauses, params = self.where(filters)
        sql = "SELECT chunk_id FROM chunks WHERE " + " AND ".join(clauses)
        return {r[0] for r in self._conn.execute(sql, params)}

    @staticmethod
    def where(filters: Filters) -> tuple[list[str], list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if filters.report_ids:
            clauses.append(f"report_id IN ({','.join('?' for _ in filters.report_ids)})")
            params += list(filters.report_ids)
        if filters.unit:
            clauses.append("unit LIKE ?")
            params.append(f"%{filters.unit}%")
        if filters.year:
            clauses.append("year = ?")
            params.append(filters.year)
        if filters.report_kind:
            clauses.append("report_kind = ?")
            params.append(filters.report_kind)
        if filters.table_kind:
            clauses.append("table_kind = ?")
            params.append(filters.table_kind)
        if filters.chunk_kind:
            clauses.append("kind = ?")
            params.append(filters.chunk_kind)
        return clauses or ["1"], params

    def rows(self, report_id: str, code: str | None = None, label: str | None = None) -> list[Chunk]:
        """Exact lookup of row chunks of a report by code, or by label (substring)."""
        sql = f"SELECT {','.join(_FIELDS)} FROM chunks WHERE kind = 'row' AND report_id = ?"
        params: list[object] = [report_id]
        if code:
            sql += " AND row_code = ?"
            params.append(code)
        if label:
            sql += " AND row_label LIKE ?"
            params.append(f"%{label}%")
        return [_row_to_chunk(r) for r in self._conn.execute(sql + " ORDER BY table_seq, row_index", params)]
