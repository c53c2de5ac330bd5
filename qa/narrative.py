"""Answers stated in a report's narrative text: figures, yes/no, definitions, reasons, lists.

Pure functions over text chunks — no index, no model. The engine passes the text chunks of the
report(s) in scope (best-ranked first, plus the whole report for a fallback scan); rank is not
relied on: every sentence is scored and ties go to document order.

- :func:`find_figures` — sentences stating the figure a question asks for, best first, with the
  value, unit and number as printed; several figures for ``多少批次、多少人次`` style questions.
- :func:`answer_yes_no` — ``买新公车了吗`` / ``有人因公出国吗`` from the stated count or amount.
- :func:`find_definition` — the 名词解释 entry for a term, or a grading scale (``“优”（得分≥95）``).
- :func:`find_reason` — the stated reason (``主要原因是…``) for a change or a budget deviation.
- :func:`find_passage` — sentences that enumerate items (problems found, vehicle types).
- :func:`citation_of` — a :class:`qa.model.Citation` for a sentence.
- :func:`narrative_intent` — which of the above a question calls for.

See :mod:`qa.narrative_query` (question parsing) and :mod:`qa.narrative_match` (scoring).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from index.lexicon import normalize_text
from index.model import Chunk
from qa.model import QUOTE_MAX, Citation, text_citation
from qa.narrative_match import (
    Entry,
    corpus_of,
    group_weights,
    score_figures,
    sentence_score,
)
from qa.narrative_query import Query, as_query, parse_question
from qa.narrative_text import (
    DefinitionMatch,
    ReasonMatch,
    find_definition,
    find_passage,
    find_reason,
)
from qa.sentences import MONEY, Sentence, split_sentences

__all__ = [
    "MONEY",
    "DefinitionMatch",
    "FigureMatch",
    "ReasonMatch",
    "Sentence",
    "YesNoMatch",
    "answer_yes_no",
    "citation_of",
    "find_definition",
    "find_figures",
    "find_passage",
    "find_reason",
    "narrative_intent",
    "split_sentences",
    "target_years",
]

_BUDGET_SECTION = re.compile(r"预算批复|批复情况|预算安排情况|年初预算情况")


@dataclass(frozen=True)
class FigureMatch:
    """A sentence stating an asked figure.

    Attributes:
        sentence: the sentence.
        value: the (first) asked figure.
        unit: its unit (``万元``/``元``/``%``/``辆``/``个``/``人次``… or ``""``).
        number_text: the number as printed (``2,286.4``).
        score: higher is better (comparable within one call only).
        values / units / number_texts: every asked figure in question order (one for a simple
            question; ``(486, 4680)`` for ``多少批次、多少人次``).
        coverage: weighted share (0–1) of the question's content words found in the sentence or
            its context — low coverage (< 0.5) suggests the report does not state the figure.
    """

    sentence: Sentence
    value: Decimal
    unit: str
    number_text: str
    score: float
    values: tuple[Decimal, ...] = ()
    units: tuple[str, ...] = ()
    number_texts: tuple[str, ...] = ()
    coverage: float = 0.0

    def citation(self) -> Citation:
        """The sentence cited, quoted around the figure."""
        return citation_of(self.sentence, focus=self.number_text)


@dataclass(frozen=True)
class YesNoMatch:
    """A yes/no answer read off a stated figure (``购置公务用车0辆`` → ``否``).

    Attributes:
        answer: ``是`` or ``否``.
        sentence: the sentence it rests on.
        value / unit / number_text: the figure (``None``/``""`` for a stated ``没有…``).
        score: as in :class:`FigureMatch`.
    """

    answer: str
    sentence: Sentence
    value: Decimal | None
    unit: str
    number_text: str
    score: float

    def citation(self) -> Citation:
        """The sentence cited, quoted around the figure."""
        return citation_of(self.sentence, focus=self.number_text or None)


def _best_choice(query: Query, weights: list[float], part_weights: list[list[float]], entry: Entry) -> tuple[
    float, list[int]] | None:  # fmt: skip
    """Best figure per asked part in one sentence: ``(score, figure indexes)``."""
    if len(entry.figures) < len(query.parts):
        return None
    chosen: list[int] = []
    part_scores: list[float] = []
    for part, pw in zip(query.parts, part_weights):
        own = bool(part.groups) and sum(pw) > 0
        scores = score_figures(
            query, part, part.groups if own else query.groups, pw if own else weights, entry
        )
        last = chosen[-1] if chosen else -1
        candidates = [(fs.score + (0.2 if fs.index > last else 0.0), fs.index) for fs in scores
                      if fs.index not in chosen]  # fmt: skip
        if not candidates:
            return None
        score, index = max(candidates, key=lambda c: (c[0], -c[1]))
        chosen.append(index)
        part_scores.append(score)
    return sum(part_scores) / len(part_scores), chosen


def find_figures(
    question: str | Query, chunks: Sequence[Chunk], expect: str | None = None, limit: int = 10
) -> list[FigureMatch]:
    """Sentences that state the figure a question asks for, best first.

    Args:
        question: as typed (``临沂市政府办2022年政府采购里，给小微企业的合同金额有多少？``).
        chunks: text chunks of the report(s) in scope (other kinds are ignored).
        expect: the kind of quantity wanted — ``"money"`` (:data:`MONEY`), ``"%"``, a count unit
            (``"辆"``, ``"个"``, ``"人次"``, ``"批次"``, ``"篇"``, ``"份"``, ``"分"``, ``"人"``) — or
            ``None`` to infer it from the question (``几辆`` → 辆, ``百分之几`` → %, …).
        limit: at most this many matches (one per sentence).

    Returns:
        Matches, best first; ``[]`` when no sentence shares a content word with the question.
    """
    entries = corpus_of(tuple(chunks))
    if not entries:
        return []
    query = as_query(question, expect)
    weights = group_weights(query.groups, entries)
    part_weights = [group_weights(p.groups, entries) if p.groups else weights for p in query.parts]
    if sum(weights) <= 0:
        return []  # no word of the question occurs in these chunks
    cover_weights = group_weights(query.groups, entries, missing=True)
    years = target_years(query.text)
    found: list[tuple[float, int, FigureMatch]] = []
    for entry in entries:
        if not entry.figures:
            continue
        s = sentence_score(query.groups, weights, entry)
        if s <= 0.0:
            continue
        year = entry.sentence.chunk.year
        if (
            years
            and year is not None
            and year not in years
            and not any(f"{y}年" in entry.norm.text for y in years)
        ):
            continue  # another year is asked and this sentence does not speak of it
        best = _best_choice(query, weights, part_weights, entry)
        if best is None:
            continue
        figure_score, indexes = best
        figs = [entry.figures[i] for i in indexes]
        score = 2.0 * s + figure_score
        if query.role in ("actual", "spent") and _BUDGET_SECTION.search(entry.heading):
            score -= 0.3  # a budget allocation (预算批复情况) when the outcome is asked
        match = FigureMatch(
            sentence=entry.sentence,
            value=figs[0].value,
            unit=figs[0].unit,
            number_text=figs[0].text,
            score=round(score, 4),
            values=tuple(f.value for f in figs),
            units=tuple(f.unit for f in figs),
            number_texts=tuple(f.text for f in figs),
            coverage=round(sentence_score(query.groups, cover_weights, entry), 4),
        )
        found.append((score, entry.order, match))
    found.sort(key=lambda t: (-t[0], t[1]))
    return [m for _, _, m in found[:limit]]


_NEGATION = re.compile(r"没有|无(?!锡)|未(?:发生|安排|购置|开展)|不存在")


def answer_yes_no(question: str | Query, chunks: Sequence[Chunk]) -> YesNoMatch | None:
    """Answer ``…了吗？`` / ``有没有…`` from the figure the report states.

    A count or amount above zero is ``是`` (``因公出国（境）团组3个``), zero is ``否``
    (``购置公务用车0辆``, ``公务用车购置费 0 万元``); a sentence saying ``没有…`` is ``否``.

    Args:
        question: as typed (``兖州区政府办2023年买新公车了吗？``).
        chunks: text chunks in scope.

    Returns:
        The answer with its sentence, or ``None`` when nothing relevant is stated.
    """
    text = as_query(question).norm
    text_q = re.sub(r"(?:了吗|吗|呢|没有|有没有|是否)[？?]?$", "", text.split("？")[0].split("?")[0]) or text
    counts = "辆" if "车" in text else ("个" if re.search(r"出国|出境|团组", text) else None)
    counts = counts or ("批次" if "接待" in text else None)
    candidates: list[tuple[float, FigureMatch]] = []
    for expect, bonus in ((counts, 0.3), (MONEY, 0.0)):
        if expect is None:
            continue
        for match in find_figures(text_q, chunks, expect=expect, limit=1):
            candidates.append((match.score + bonus, match))
    best_neg = _negation_sentence(text_q, chunks)
    if candidates:
        score, match = max(candidates, key=lambda c: c[0])
        if best_neg is None or best_neg[0] <= score / 3.0:
            answer = "是" if match.value > 0 else "否"
            return YesNoMatch(answer, match.sentence, match.value, match.unit, match.number_text, match.score)
    if best_neg is not None:
        return YesNoMatch("否", best_neg[1].sentence, None, "", "", round(best_neg[0], 4))
    return None


def _negation_sentence(question: str, chunks: Sequence[Chunk]) -> tuple[float, Entry] | None:
    entries = corpus_of(tuple(chunks))
    query = parse_question(question)
    weights = group_weights(query.groups, entries)
    best: tuple[float, Entry] | None = None
    for entry in entries:
        if entry.figures or not _NEGATION.search(entry.norm.text):
            continue
        s = sentence_score(query.groups, weights, entry)
        if s >= 0.6 and (best is None or s > best[0]):
            best = (s, entry)
    return best


_COMPARED_YEAR = re.compile(r"(?:比|较|与|和|跟|相比)\s*(\d{4})\s*年")


def target_years(question: str) -> set[int]:
    """Years a question asks about (``2022年``), not those it compares with (``比2021年``)."""
    text = normalize_text(question)
    compared = {int(y) for y in _COMPARED_YEAR.findall(text)}
    return {int(y) for y in re.findall(r"(\d{4})\s*年", text)} - compared


def narrative_intent(question: str) -> str:
    """Which finder a question calls for.

    Returns:
        ``definition`` (名词解释, grading scales), ``reason`` (为什么/为啥/原因), ``passage``
        (哪些/都是些什么/列举), ``yesno`` (…吗 without a quantity word) or ``figure``.
    """
    t = normalize_text(question)
    if re.search(
        r"口径|定义|含义|什么意思|是指什么|指什么|指的是|反映(?:的是)?什么|主要反映|评为|等级标准|才能评|算优",
        t,
    ):
        return "definition"
    if re.search(r"为什么|为啥|原因|怎么回事|为何|咋", t):
        return "reason"
    if re.search(r"多少|几|百分之", t):
        return "figure"
    if re.search(
        r"哪些|都是些|是些什么|什么车|有什么|列举|包括什么|包括哪|哪几|哪家|哪个|什么单位|什么公司|是谁", t
    ):
        return "passage"
    if re.search(r"(?:是什么|是啥|指啥)[？?]?$", t):
        return "passage" if re.search(r"问题|措施|内容|职责|做法|建议|目标|经验", t) else "definition"
    if re.search(r"吗[？?]?$|有没有|是否|了没", t):
        return "yesno"
    return "figure"


def citation_of(sentence: Sentence, focus: str | None = None) -> Citation:
    """A citation for a sentence: the report, its page or line, the section path, the sentence.

    Args:
        sentence: the sentence cited.
        focus: text to keep in the quote when the sentence is longer than 200 characters
            (the figure as printed); the quote is cut around it with ``…``.
    """
    chunk = sentence.chunk
    text = re.sub(r"\s*\n\s*", "", sentence.text)
    quote = text
    if len(text) > QUOTE_MAX:
        at = text.find(focus) if focus else -1
        if at < 0:
            quote = text[: QUOTE_MAX - 1] + "…"
        else:
            start = max(0, min(at - QUOTE_MAX // 2, len(text) - QUOTE_MAX + 2))
            end = start + QUOTE_MAX - 2
            quote = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    return text_citation(chunk, quote, _line_of(sentence))


def _line_of(sentence: Sentence) -> int | None:
    """The first line of the sentence's paragraph group (text conversions), ``None`` for PDFs.

    A chunk keeps only its first and last line, so a sentence further down the chunk is cited
    by the line its paragraph group starts on (never a line after the sentence).
    """
    return sentence.chunk.line_start
