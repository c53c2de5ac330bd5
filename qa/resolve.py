"""Resolve one asked figure in one report: a table cell or a narrative sentence.

:class:`Resolver` wraps :mod:`qa.lookup` (table cells) and :mod:`qa.narrative` (sentences)
and decides between them: a strongly matched cell wins; a count (辆, 人次 …), a change vs
last year or a figure no table row names comes from the text; a weakly matched cell is used
when the text has nothing better. :mod:`qa.narrative` is imported lazily — if it is missing,
the best-matching sentence is returned as a plain passage.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from index.model import Chunk, Filters
from index.search import Searcher
from qa import weights as W
from qa.compute import Operand
from qa.context import ReportContext
from qa.coverage import uncovered_by
from qa.lexicon import SENSITIVE_TOPICS, Concept, find_concepts, most_specific, norm
from qa.lookup import STRONG, CellMatch, CellQuery, find_cells
from qa.model import Citation
from qa.scope import unit_names
from qa.understand import COUNT_UNITS, Intent

log = logging.getLogger(__name__)

NARRATIVE_MIN = W.NARRATIVE_MIN
"""Narrative matches scoring below this are not trusted as answers."""
NARRATIVE_GOOD = W.NARRATIVE_GOOD
_STAFF_WORDS = ("编制", "在编", "工作人员", "在职人员", "人数", "职工人数")


@dataclass(frozen=True)
class Found:
    """A resolved figure.

    Attributes:
        operand: the primary figure (value, unit, label, citation).
        source: ``table`` or ``text``.
        score: match quality.
        values: every asked figure (several for ``多少批次、多少人次``), as operands.
        sentence: the sentence quoted (text answers), or ``""``.
        cell: the table match, for table answers.
    """

    operand: Operand
    source: str
    score: float
    values: tuple[Operand, ...] = ()
    sentence: str = ""
    cell: CellMatch | None = None
    extra: tuple[Citation, ...] = field(default=())


def narrative_module() -> Any | None:
    """:mod:`qa.narrative`, or ``None`` while it is not available."""
    try:
        from qa import narrative
    except ImportError as error:  # the narrative finders are optional
        log.warning("qa.narrative not available (%s); falling back to plain passages", error)
        return None
    return narrative


def sensitive_words(text: str) -> tuple[str, ...]:
    """Words a sentence must contain to answer a question on an often undisclosed topic."""
    needed: list[str] = []
    for word, required in SENSITIVE_TOPICS:
        if word in text:
            needed.extend(required)
    return tuple(dict.fromkeys(needed))


def staff_question(text: str) -> bool:
    return any(w in text for w in _STAFF_WORDS)


_MONEY_UNIT = r"(?:亿元|万元|元)"
_BUDGET_CONTEXT = re.compile(r"预算批复|年初预算|预算数|批复|预算安排|全年预算")
_TERM_TAIL = re.compile(r"(?:是多少|多少|人数|总额|金额|合计|数)$")


class Resolver:
    """Finds figures in a report's tables and text."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self._sentences: dict[str, list[tuple[Any, str]]] = {}

    def sentences(self, ctx: ReportContext) -> list[tuple[Any, str]]:
        """The report's sentences (``qa.narrative`` Sentence, flattened normal form), cached."""
        found = self._sentences.get(ctx.report_id)
        if found is None:
            narrative = narrative_module()
            found = []
            if narrative is not None:
                for chunk in ctx.chunks:
                    for sentence in narrative.split_sentences(chunk):
                        flat = re.sub(r"(?<=\d)\s*([,.])\s*(?=\d)", r"\1", norm(sentence.text))
                        found.append((sentence, flat))
            self._sentences[ctx.report_id] = found
        return found

    def adjacent(
        self, ctx: ReportContext, phrase: str, expect: str | None, measure: str | None = None
    ) -> Found | None:
        """A figure printed right after the asked term (``政府采购支出总额341.25万元``,
        ``在职实有 102 人``): the most direct statement of a named quantity."""
        if expect in (None, "%", "分"):
            return None
        unit = _MONEY_UNIT if expect == "money" else ("(?:人|名)" if expect == "人" else re.escape(expect))
        base = norm(phrase)
        terms = [base]
        stem = _TERM_TAIL.sub("", base)
        if len(stem) >= 2 and stem != base:
            terms.append(stem)
        hits = []
        for rank, term in enumerate(terms):
            pattern = re.compile(
                re.escape(term) + r"[^\d，。；;,、:：]{0,8}?(\d[\d,]*(?:\.\d+)?)(" + unit + ")"
            )
            for order, (sentence, flat) in enumerate(self.sentences(ctx)):
                m = pattern.search(flat)
                if m:
                    heading = norm(sentence.chunk.section.split(" > ")[-1])
                    planned = bool(_BUDGET_CONTEXT.search(heading + flat[: m.start()]))
                    hits.append(((planned != (measure == "budget")), rank, order, sentence, m))
        if not hits:
            return None
        _, _, _, sentence, m = min(hits, key=lambda h: h[:3])
        number = m.group(1)
        value = Decimal(number.replace(",", ""))
        citation = ctx.cite_text(sentence.chunk, sentence.text, (_printed(sentence.text, number),))
        op = Operand(value, m.group(2), phrase, citation, number)
        return Found(op, "text", 5.0, (op,), sentence.text)

    # ---- tables ---------------------------------------------------------------------

    def _retrieve(self, ctx: ReportContext):  # type: ignore[no-untyped-def]
        def retrieve(text: str) -> list[tuple[int, int]]:
            filters = Filters(report_ids=(ctx.report_id,), chunk_kind="row")
            hits = self.searcher.search(text, k=6, filters=filters, mode="keyword", auto_scope=False)
            return [(h.chunk.table_seq, h.chunk.row_index) for h in hits if h.chunk.table_seq is not None]

        return retrieve

    def cells(self, ctx: ReportContext, query: CellQuery, retrieve: bool = True) -> list[CellMatch]:
        return find_cells(query, ctx.tables, self._retrieve(ctx) if retrieve else None)

    @staticmethod
    def query_of(intent: Intent, ctx: ReportContext, text: str | None = None,
                 concepts: Sequence[Concept] | None = None, measure: str | None = "") -> CellQuery:  # fmt: skip
        """A :class:`CellQuery` for the whole intent, or for a sub-phrase ``text``."""
        if concepts is None:
            named = find_concepts(text) if text is not None else list(intent.concepts)
            concepts = [c.concept for c in most_specific(named)]
        phrase = norm(text) if text is not None else intent.text
        for name in sorted(unit_names(ctx.record), key=len, reverse=True):
            phrase = phrase.replace(name, " ")
        phrase = re.sub(r"20\d{2}年度?", " ", phrase)
        columns = (
            intent.column_words
            if text is None
            else tuple(w for w in intent.column_words if norm(w) in phrase)
        )
        columns += tuple(c.key for c in concepts if c.column_like and c.key not in columns)
        return CellQuery(
            text=phrase,
            concepts=tuple(concepts),
            codes=intent.codes if text is None else tuple(c for c in intent.codes if c in phrase),
            quoted=intent.quoted if text is None else tuple(q for q in intent.quoted if q in phrase),
            measure=intent.measure if measure == "" else measure,
            column_words=columns,
            table_hint=intent.table_hint,
            report_kind=ctx.kind,
        )

    # ---- text -----------------------------------------------------------------------

    def figures(self, ctx: ReportContext, question: Any, expect: str | None) -> list[Any]:
        """Narrative figure matches (``qa.narrative.FigureMatch``), best first, for a phrase or a
        question's reading (``Intent.reading``)."""
        narrative = narrative_module()
        if narrative is None or not ctx.chunks:
            return []
        return list(narrative.find_figures(question, ctx.chunks, expect=expect, limit=5))

    def text_found(self, ctx: ReportContext, match: Any, label: str) -> Found:
        sentence = match.sentence
        texts = tuple(match.number_texts or (match.number_text,))
        citation = ctx.cite_text(sentence.chunk, sentence.text, texts)
        values = tuple(
            Operand(v, u, label, citation, t)
            for v, u, t in zip(match.values or (match.value,), match.units or (match.unit,), texts)
        )
        return Found(values[0], "text", float(match.score), values, sentence.text)

    def table_found(self, ctx: ReportContext, cell: CellMatch, label: str) -> Found:
        operand = ctx.operand(cell.fact, label)
        return Found(operand, "table", cell.score, (operand,), cell=cell)

    # ---- deciding -------------------------------------------------------------------

    def resolve(
        self,
        ctx: ReportContext,
        intent: Intent,
        text: str | None = None,
        *,
        expect: str | None = None,
        prefer_text: bool = False,
        measure: str | None = "",
        concepts: Sequence[Concept] | None = None,
    ) -> Found | None:
        """The figure ``intent`` (or the sub-phrase ``text``) asks for in this report.

        Args:
            ctx: the report.
            intent: the question's intent.
            text: a sub-phrase naming one operand (``基本支出``), else the whole question.
            expect: quantity wanted (``money``, ``%``, a count unit); defaults to the intent's.
            prefer_text: take a good narrative figure over a table cell (changes vs last year,
                stated percentages).
            measure: override the intent's measure (``budget``/``actual``/``None``).
            concepts: override the concepts (default: those named in ``text`` or the intent).

        Returns:
            The figure, or ``None`` when neither the tables nor the text state it.
        """
        expect = expect or intent.expect
        phrase = text if text is not None else intent.question
        label = text or (intent.concepts[0].concept.key if intent.concepts else "")
        needed = sensitive_words(norm(phrase))
        count = expect in COUNT_UNITS
        if needed and staff_question(norm(phrase)) and expect in (None, "money", "人", "名"):
            expect, count = "人", True
        cell: CellMatch | None = None
        if not count and not needed:
            query = self.query_of(intent, ctx, text, concepts, measure)
            cells = self.cells(ctx, query)
            cells = [c for c in cells if c.measure_met]
            if expect == "%":
                cells = [c for c in cells if c.fact.unit == "%" or "率" in c.fact.column]
            if expect == "money":
                cells = [c for c in cells if c.fact.unit in ("元", "万元", "亿元", "")]
            cell = cells[0] if cells else None
            if cell is not None and cell.row_score >= STRONG and not prefer_text:
                return self.table_found(ctx, cell, label or cell.row.label)
        if text is not None:
            direct = self.adjacent(ctx, phrase, expect, intent.measure if measure == "" else measure)
            if direct is not None and (not needed or any(w in norm(direct.sentence) for w in needed)):
                return direct
        wanted = intent.measure if measure == "" else measure
        query: Any = phrase if text is not None else intent.reading
        if text is not None and wanted == "budget" and "预算" not in phrase:
            query = f"{phrase}年初预算"  # the budget figure of a sentence stating both
        matches = self.figures(ctx, query, None if expect == "分" and count else expect)
        named = self._named_words(intent, text, concepts)
        if named:  # a named concept must be what the sentence is about (三公经费 ≠ 办公经费)
            matches = [
                m
                for m in matches
                if any(w in norm(m.sentence.chunk.section + m.sentence.text) for w in named)
            ]
        if needed:
            matches = [m for m in matches if any(w in norm(m.sentence.text) for w in needed)]
            if count:
                matches = [m for m in matches if m.unit == expect or (expect == "人" and m.unit == "名")]
        best = matches[0] if matches else None
        if best is not None and best.score >= NARRATIVE_GOOD:
            if cell is not None and cell.row_score >= W.STRONG_ROW and _names_less(phrase, ctx, best, cell):
                return self.table_found(ctx, cell, label or cell.row.label)
            return self.text_found(ctx, best, label)
        if cell is not None and cell.row_score >= W.STRONG_ROW:
            return self.table_found(ctx, cell, label or cell.row.label)
        if best is not None and best.score >= NARRATIVE_MIN:
            return self.text_found(ctx, best, label)
        if (
            cell is not None
            and cell.how == "retrieved"
            and cell.score >= W.STRONG_ROW
            and expect in ("分", "money")
        ):
            return self.table_found(ctx, cell, label or cell.row.label)
        return None

    @staticmethod
    def _named_words(intent: Intent, text: str | None, concepts: Sequence[Concept] | None) -> tuple[str, ...]:
        if concepts is None:
            named = find_concepts(text) if text is not None else list(intent.concepts)
            concepts = [c.concept for c in most_specific(named)]
        return tuple(norm(w) for c in concepts if not c.column_like for w in (c.key, *c.triggers))

    # ---- plain passages (no qa.narrative) ----------------------------------------------

    @staticmethod
    def best_sentence(ctx: ReportContext, question: str) -> tuple[Chunk, str] | None:
        """The sentence sharing most character bigrams with the question (fallback answer)."""
        q = norm(question)
        grams = {q[i : i + 2] for i in range(len(q) - 1)}
        best: tuple[float, Chunk, str] | None = None
        for chunk in ctx.chunks:
            body = chunk.text.split("】", 1)[-1]
            for sentence in re.split(r"(?<=[。；！？])", body):
                s = norm(sentence)
                if len(s) < 6:
                    continue
                score = sum(1 for g in grams if g in s) / (1 + len(grams))
                if best is None or score > best[0]:
                    best = (score, chunk, sentence.strip())
        if best is None or best[0] < 0.2:
            return None
        return best[1], best[2]


def _printed(text: str, number: str) -> str:
    """``number`` as printed in ``text`` (spaces inside numbers kept), for quoting around it."""
    pattern = r"\s*".join(re.escape(ch) for ch in number)
    m = re.search(pattern, text)
    return m.group(0) if m else number


def value_text(operand: Operand) -> str:
    """``2,603.73万元`` / ``16辆`` / ``87.67%``."""
    return f"{operand.shown()}{operand.unit}"


__all__ = ["Found", "Resolver", "narrative_module", "sensitive_words", "staff_question", "value_text"]


def _names_less(phrase: str, ctx: ReportContext, match: Any, cell: CellMatch) -> bool:
    """The sentence leaves more of the question's item words unnamed than the table cell does
    (电费 asked: a sentence about another item's budget vs the row 30204 电费)."""
    names = unit_names(ctx.record)
    sentence = norm(match.sentence.chunk.section + match.sentence.text)
    row = norm(f"{cell.row.table.title}{cell.row.label}{cell.fact.column}")
    gaps = [sum(map(len, uncovered_by(phrase, evidence, names, shortest=2))) for evidence in (sentence, row)]
    return gaps[0] > gaps[1]
