"""Hybrid retrieval: vector + Chinese keyword search fused by reciprocal rank, scoped
to the reports a question names, plus exact table-row lookups by code or label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from index.library import Library
from index.model import Chunk, Filters, Hit
from ingest.store import ReportRecord

RRF_K = 60
CANDIDATES = 60

_YEAR = re.compile(r"(20\d{2})\s*年?")
_CODE = re.compile(r"(?<!\d)(\d{3}(?:\d{2}){0,2})(?!\d)")
_KIND_WORDS = {"决算": "决算", "预算": "预算", "自评": "绩效自评", "绩效": "绩效自评"}


@dataclass(frozen=True)
class Scope:
    """Which reports a question is about, as far as its words say."""

    report_ids: tuple[str, ...]
    unit_names: tuple[str, ...]
    year: int | None
    by_name: bool
    """True when a unit name in the question picked the reports (not just the year)."""


def _names(record: ReportRecord) -> list[str]:
    r = record.report
    base = re.sub(r"[（(]?本级[）)]?$", "", r.unit_name)
    names = [r.unit_name, base, *r.short_names]
    core = base[len(r.region) :] if r.region and base.startswith(r.region) else ""
    if core and len(core) >= 3:
        region_root = re.sub(r"(市|区|县|省)$", "", r.region.split("市")[-1] or r.region)
        if region_root:
            names.append(region_root + core)
    return [n for n in names if n and "XX" not in n]


def resolve_scope(question: str, records: list[ReportRecord]) -> Scope:
    """Reports named by the question (longest name wins), narrowed by year and kind."""
    text = question.replace(" ", "")
    best: dict[str, int] = {}
    for record in records:
        lengths = [len(n) for n in _names(record) if n in text]
        if lengths:
            best[record.report.report_id] = max(lengths)
    chosen = [r for r in records if r.report.report_id in best]
    if chosen:
        top = max(best.values())
        chosen = [r for r in chosen if best[r.report.report_id] >= top - 2]
    by_name = bool(chosen)
    pool = chosen or records
    year = None
    for match in _YEAR.finditer(text):
        candidate = int(match.group(1))
        if any(r.report.fiscal_year == candidate for r in pool):
            year = candidate
            break
    if year is not None:
        pool = [r for r in pool if r.report.fiscal_year == year]
    for word, kind in _KIND_WORDS.items():
        if word in text and any(r.report.kind == kind for r in pool):
            pool = [r for r in pool if r.report.kind == kind]
            break
    if not by_name and year is None:
        return Scope((), (), None, False)
    return Scope(
        tuple(r.report.report_id for r in pool),
        tuple(dict.fromkeys(r.report.unit_name for r in pool)),
        year,
        by_name,
    )


def _fuse(rankings: list[list[str]]) -> dict[str, float]:
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, chunk_id in enumerate(ranking):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
    return scores


class Searcher:
    """Search a :class:`Library`: ``search`` (hybrid), ``rows`` (exact lookups)."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._records: list[ReportRecord] | None = None

    @property
    def records(self) -> list[ReportRecord]:
        if self._records is None:
            self._records = self.library.facts.reports()
        return self._records

    def scope(self, question: str) -> Scope:
        return resolve_scope(question, self.records)

    def search(
        self,
        query: str,
        k: int = 10,
        filters: Filters | None = None,
        mode: str = "hybrid",
        auto_scope: bool = True,
    ) -> list[Hit]:
        """Ranked chunks for ``query``.

        Args:
            query: the question or keywords.
            k: how many hits.
            filters: explicit restrictions (unit, year, report, table, chunk kind).
            mode: ``hybrid`` (default), ``vector`` or ``keyword``.
            auto_scope: when no unit/report filter is given, restrict to the reports the
                question names (by unit name or short name, and year).
        """
        filters = filters or Filters()
        if auto_scope and not filters.report_ids and not filters.unit:
            scope = self.scope(query)
            if scope.report_ids:
                filters = replace(filters, report_ids=scope.report_ids, year=filters.year or scope.year)
        if filters.unit:
            filters = self._unit_filter(filters)
        allowed = self.library.chunks.filter_ids(filters)
        if allowed is not None and not allowed:
            return []
        keyword_ids: list[str] = []
        vector_ids: list[str] = []
        if mode in ("hybrid", "keyword"):
            keyword_ids = [cid for cid, _ in self.library.keyword.search(query, CANDIDATES, allowed)]
        if mode in ("hybrid", "vector"):
            vector_ids = [cid for cid, _ in self.library.vector.search(query, CANDIDATES, filters)]
        exact = [c.chunk_id for c in self._exact_code_rows(query, filters)]
        scores = _fuse([keyword_ids, vector_ids, exact])
        ordered = sorted(scores, key=lambda cid: -scores[cid])[:k]
        chunks = self.library.chunks.get(ordered)
        keyword_rank = {cid: i + 1 for i, cid in enumerate(keyword_ids)}
        vector_rank = {cid: i + 1 for i, cid in enumerate(vector_ids)}
        return [
            Hit(chunk=chunks[cid], score=round(scores[cid], 6), vector_rank=vector_rank.get(cid),
                keyword_rank=keyword_rank.get(cid))
            for cid in ordered
            if cid in chunks
        ]  # fmt: skip

    def _unit_filter(self, filters: Filters) -> Filters:
        """A unit given as a short name (临沂市政府办) becomes the matching reports."""
        assert filters.unit is not None
        matching = [r for r in self.records if filters.unit in r.report.unit_name]
        if not matching:
            scope = resolve_scope(filters.unit, self.records)
            ids = scope.report_ids if scope.by_name else ()
            return replace(filters, unit=None, report_ids=ids or ("-none-",))
        return filters

    def _exact_code_rows(self, query: str, filters: Filters) -> list[Chunk]:
        codes = [c for c in _CODE.findall(query) if not c.startswith("20") or len(c) != 4]
        if not codes or not filters.report_ids:
            return []
        found: list[Chunk] = []
        for report_id in filters.report_ids:
            for code in codes:
                found.extend(self.library.chunks.rows(report_id, code=code))
        return found

    def rows(self, report_id: str, code: str | None = None, label: str | None = None) -> list[Chunk]:
        """Exact lookup of a report's table rows by code or label."""
        return self.library.chunks.rows(report_id, code=code, label=label)
