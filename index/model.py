"""Chunks and search hits: the frozen dataclasses the index hands to ``qa``.

A chunk is what gets embedded and keyword-indexed: a text passage under its section,
a whole table, or one table row written as a self-contained line. Its metadata are
flat scalars (Chroma needs that); ``None`` means "not applicable".
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass

CHUNK_TEXT = "text"
CHUNK_TABLE = "table"
CHUNK_ROW = "row"
CHUNK_KINDS = (CHUNK_TEXT, CHUNK_TABLE, CHUNK_ROW)


@dataclass(frozen=True)
class Chunk:
    """One retrievable unit.

    Attributes:
        chunk_id: hash of report id + location + text (stable across re-ingests).
        report_id: the report it comes from.
        kind: ``text`` / ``table`` / ``row``.
        text: what is embedded and keyword-indexed (self-contained: unit, year, table, row…).
        file: source file name.
        unit: issuing unit's full name.
        year: fiscal year or ``None``.
        report_kind: 决算 / 预算 / 绩效自评 / other.
        section: heading path joined with `` > `` (text chunks), else ``""``.
        page: 1-based page (PDFs) or ``None``.
        line_start / line_end: 1-based lines (text conversions) or ``None``.
        table_seq: the table's seq in its report, or ``None``.
        table_no: printed number (公开05表) or ``""``.
        table_title: printed title or ``""``.
        table_kind: standard table key or ``other`` / ``""``.
        row_index: the row's index in its table (row chunks) or ``None``.
        row_code: 功能/经济分类 code or ``""``.
        row_label: row label or ``""``.
        row_group: side-by-side group (收入/支出, 人员经费/公用经费) or ``""``.
    """

    chunk_id: str
    report_id: str
    kind: str
    text: str
    file: str
    unit: str
    year: int | None
    report_kind: str
    section: str = ""
    page: int | None = None
    line_start: int | None = None
    line_end: int | None = None
    table_seq: int | None = None
    table_no: str = ""
    table_title: str = ""
    table_kind: str = ""
    row_index: int | None = None
    row_code: str = ""
    row_label: str = ""
    row_group: str = ""

    def metadata(self) -> dict[str, str | int]:
        """Flat scalar metadata without ``None`` values and without the text."""
        return {k: v for k, v in asdict(self).items() if v is not None and k not in ("text",)}


def chunk_id_of(report_id: str, kind: str, location: str, text: str) -> str:
    return hashlib.sha256(f"{report_id}\x1f{kind}\x1f{location}\x1f{text}".encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Filters:
    """Restrict a search. Every field is optional; they combine with AND."""

    report_ids: tuple[str, ...] = ()
    unit: str | None = None
    """Substring of the unit's full name (or a short name resolved to it)."""
    year: int | None = None
    report_kind: str | None = None
    table_kind: str | None = None
    chunk_kind: str | None = None

    def is_empty(self) -> bool:
        return not (self.report_ids or self.unit or self.year or self.report_kind or self.table_kind or self.chunk_kind)


@dataclass(frozen=True)
class Hit:
    """A ranked search result: the chunk, its fused score and where it ranked."""

    chunk: Chunk
    score: float
    vector_rank: int | None = None
    keyword_rank: int | None = None
