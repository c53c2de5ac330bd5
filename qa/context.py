"""One report as the engine sees it: its record, indexed table rows, text chunks, identity
checks, and how to cite a cell, a sentence or a table note.

Contexts are built once per report and cached by :class:`qa.engine.QAEngine` (facts, rows
and chunks come from SQLite; nothing is embedded).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from decimal import Decimal

from index.model import Chunk
from ingest.model import Check, Fact
from ingest.store import ReportRecord, TableRecord
from ingest.text_facts import TextFact
from qa.compute import Operand, fmt
from qa.lookup import ReportTables
from qa.model import QUOTE_MAX, Candidate, Citation, text_citation

log = logging.getLogger(__name__)


@dataclass
class ReportContext:
    """A report's record, rows (:class:`qa.lookup.ReportTables`), text chunks and checks."""

    record: ReportRecord
    tables: ReportTables
    chunks: tuple[Chunk, ...]
    checks: tuple[Check, ...]
    text_facts: tuple[TextFact, ...] = ()
    """Every figure of the narrative (:mod:`ingest.text_facts`), derived last-year figures included."""

    @property
    def report_id(self) -> str:
        return self.record.report.report_id

    @property
    def unit(self) -> str:
        return self.record.report.unit_name

    @property
    def year(self) -> int | None:
        return self.record.report.fiscal_year

    @property
    def kind(self) -> str:
        return self.record.report.kind

    @property
    def file(self) -> str:
        return self.record.report.source_file

    def title(self) -> str:
        """``临沂市人民政府办公室本级2022年度决算``."""
        year = f"{self.year}年度" if self.year else ""
        return f"{self.unit}{year}{self.kind}"

    def describe(self) -> str:
        """``临沂市人民政府办公室本级 2022年度决算（000_16b76f591391e91c.txt）``."""
        year = f" {self.year}年度" if self.year else ""
        return f"{self.unit}{year}{self.kind}（{self.file}）"

    def candidate(self) -> Candidate:
        r = self.record.report
        return Candidate(r.report_id, r.unit_name, r.fiscal_year, r.kind, r.source_file)

    # ---- citations ----------------------------------------------------------------

    def table_name(self, table: TableRecord | None = None, fact: Fact | None = None) -> str:
        number = fact.table_no if fact is not None else (table.printed_number if table else "")
        title = fact.table_title if fact is not None else (table.title if table else "")
        return f"{number} {title}".strip()

    def cite_fact(self, fact: Fact) -> Citation:
        """The cell: table with its printed number, row code and label, column, text as printed."""
        row = " ".join(p for p in (fact.row_group, fact.row_code, fact.row_label) if p)
        return Citation(
            report_id=self.report_id,
            file=fact.file or self.file,
            unit_name=self.unit,
            year=self.year,
            page=fact.page,
            table=self.table_name(fact=fact),
            row=row,
            column=fact.column,
            quote=fact.text or fmt(fact.value),
            line=fact.line,
            bbox=fact.bbox,
        )

    def cite_table(self, table: TableRecord, quote: str) -> Citation:
        """A table as a whole (an empty table's note, a blank column)."""
        return Citation(
            report_id=self.report_id,
            file=table.file or self.file,
            unit_name=self.unit,
            year=self.year,
            page=table.pages[0] if table.pages else None,
            table=self.table_name(table),
            row="",
            column="",
            quote=quote[:QUOTE_MAX],
            line=table.lines[0] if table.lines else None,
        )

    def cite_text(self, chunk: Chunk, text: str, focus: tuple[str, ...] = ()) -> Citation:
        """A sentence of a text chunk, cut to 200 characters around the figures in ``focus``."""
        text = re.sub(r"\s*\n\s*", "", text).strip()
        quote = text
        if len(text) > QUOTE_MAX:
            spots = [text.find(f) for f in focus if f and text.find(f) >= 0]
            if spots:
                start = max(0, min(spots) - 60)
                end = min(len(text), max(max(spots) + 60, start + QUOTE_MAX))
                quote = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
            else:
                quote = text[: QUOTE_MAX - 1] + "…"
        return text_citation(chunk, quote, chunk.line_start)

    def operand(self, fact: Fact, label: str) -> Operand:
        return Operand(fact.value, fact.unit, label, self.cite_fact(fact), fact.text or fmt(fact.value))


def describe_fact(fact: Fact) -> str:
    """``公开09表 财政拨款“三公”经费支出决算表 · 公务接待费（决算数）``-style place of a cell."""
    row = " ".join(p for p in (fact.row_code, fact.row_label) if p)
    column = fact.column
    where = f"{fact.table_no}《{fact.table_title}》" if fact.table_no else f"《{fact.table_title}》"
    parts = [p for p in (row, column) if p]
    return f"{where}{' '.join(parts[:1])}{f'（{parts[1]}）' if len(parts) > 1 else ''}"


def money(value: Decimal, unit: str, text: str = "") -> str:
    """A figure with its unit as printed in answers (``2,603.73万元``)."""
    return f"{text or fmt(value)}{unit}"
