"""Answers and citations: what ``qa`` hands to the interfaces and the evaluation.

Every number in an answer comes from a cited cell or sentence, or from a formula over
cited figures that the answer shows. ``to_json`` gives the exact shape scripts use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from index.model import Chunk

STATUS_ANSWERED = "answered"
STATUS_UNANSWERABLE = "unanswerable"
STATUS_AMBIGUOUS = "ambiguous"

QUOTE_MAX = 200
"""Longest quote a citation carries (characters)."""


@dataclass(frozen=True)
class Citation:
    """Where a figure or statement comes from.

    Attributes:
        report_id / file / unit_name / year: the report.
        page: 1-based page for PDFs, ``None`` for text conversions.
        line: 1-based line for text conversions, ``None`` for PDFs.
        table: table title with its printed number (``公开09表 财政拨款“三公”经费支出决算表``), or ``""``.
        row: row code and label (``2010301 行政运行``), or the section path for text.
        column: header path of the cited cell, or ``""``.
        quote: the cell as printed (``68.12``) or the sentence quoted.
        bbox: the cell's box on the page (PDF points, top-left origin), if known.
    """

    report_id: str
    file: str
    unit_name: str
    year: int | None
    page: int | None
    table: str
    row: str
    column: str
    quote: str
    line: int | None = None
    bbox: tuple[float, float, float, float] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "report_id": self.report_id,
            "file": self.file,
            "unit_name": self.unit_name,
            "year": self.year,
            "page": self.page,
            "line": self.line,
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "quote": self.quote,
        }


@dataclass(frozen=True)
class Candidate:
    """A report the question could be about (for ambiguous questions)."""

    report_id: str
    unit_name: str
    year: int | None
    kind: str
    file: str

    def to_json(self) -> dict[str, Any]:
        return {"report_id": self.report_id, "unit_name": self.unit_name, "year": self.year, "kind": self.kind,
                "file": self.file}  # fmt: skip


@dataclass(frozen=True)
class Answer:
    """One answer. ``value``/``unit`` hold the primary figure of a numeric answer."""

    question: str
    status: str
    answer: str
    value: Decimal | None = None
    unit: str | None = None
    formula: str | None = None
    citations: tuple[Citation, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    elapsed_ms: float = 0.0
    id: str | None = None
    searched: tuple[str, ...] = field(default=())
    """Files of the reports that were searched (said in refusals)."""
    asked_as: str | None = None
    """In a conversation (:mod:`qa.conversation`): the question as understood with what it left
    out taken from the earlier turns (``兖州区政府办2023年公务接待费是多少？``); ``None`` when
    it was answered as typed."""
    understood: bool = True
    """False on a refusal whose question the rules could not read (nothing they know of to look
    up): it may be retried in other words (:mod:`qa.phrasing`). Not part of ``to_json``."""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.id is not None:
            data["id"] = self.id
        data.update(
            {
                "question": self.question,
                "status": self.status,
                "answer": self.answer,
                "value": float(self.value) if self.value is not None else None,
                "unit": self.unit,
                "formula": self.formula,
                "citations": [c.to_json() for c in self.citations],
                "candidates": [c.to_json() for c in self.candidates],
                "elapsed_ms": round(self.elapsed_ms, 1),
                "asked_as": self.asked_as,
            }
        )
        return data


def text_citation(chunk: Chunk, quote: str, line: int | None) -> Citation:
    """A citation of a sentence of a text chunk: its report, page or line, and section path."""
    return Citation(
        report_id=chunk.report_id,
        file=chunk.file,
        unit_name=chunk.unit,
        year=chunk.year,
        page=chunk.page,
        table="",
        row=chunk.section,
        column="",
        quote=quote,
        line=line,
    )
