"""Answers from the narrative's own figures, by what they measure (the report's text facts,
:mod:`ingest.text_facts`): last year's figure (derived from 比上年增加/减少 X, formula shown),
the change against last year, the growth rate.

A question asks for one of these measures by its wording (:func:`qa.understand.asked_measure`,
read once into ``Intent.asks``); every text
fact of that measure is a candidate, scored by how much of its label the question names
(:func:`label_cover`). An answer needs one candidate whose label the question covers; two
different figures that fit equally are both shown; otherwise nothing is answered here and the
engine goes on to tables and sentences.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher

from ingest.text_facts import TextFact
from qa import weights as W
from qa.compose import answered
from qa.compute import fmt
from qa.context import ReportContext
from qa.lexicon import CONCEPTS, find_concepts, norm
from qa.model import Answer, Citation
from qa.scope import unit_names
from qa.understand import CHANGE_WORDS, VS_LAST_YEAR

# Words that name no item: the measure, the report, the question form.
_NOT_CONTENT = re.compile(
    rf"{VS_LAST_YEAR}|{CHANGE_WORDS}|上年度?|上一年度?|去年|推算|根据|按照|增减数|编制说明|"
    r"了|的|是|为|有|多少万元|多少元|多少钱|多少|几|百分之|百分比|幅度|比例|"
    r"部门预算|单位预算|预算公开|预算说明|部门决算|决算|公开|预算|支出|安排|资金|数额|金额|数|"
    r"[（）()，,。？?、“”\"‘’\s\d]|年"
)
_LABEL_NOISE = re.compile(r"[（(][^）)]*[）)]|预算|支出|数|[、，,“”\"\s]")

_GENERIC_TAIL = re.compile(r"(?:经费|费用|资金)$")
"""Tails every item shares (公用经费, 三公经费): they say nothing of which item."""

MIN_COVER = W.MIN_COVER
"""Share of a text fact's label (its item words) the question must name."""


@dataclass(frozen=True)
class Candidate:
    fact: TextFact
    cover: float
    matched: int


def _without_unit(question: str, ctx: ReportContext) -> str:
    """The normalised question without the report's unit names."""
    text = norm(question)
    for name in sorted(unit_names(ctx.record), key=len, reverse=True):
        text = text.replace(name, "")
    return text


def content(question: str, ctx: ReportContext) -> str:
    """The question's item words: unit names, years and measure words taken out."""
    text = _without_unit(question, ctx)
    text = re.sub(r"20\d{2}年度?", "", text)
    return _NOT_CONTENT.sub("", text)


def label_cover(label: str, asked: str) -> tuple[float, int]:
    """(share of the label's item words found in the question's, characters matched).

    Matched blocks of two or more characters count (收支预算总计 covers 收入、支出预算总计's
    预算总计 and, as an abbreviation, its 收/支); the label loses its brackets, 预算/支出/数.
    """
    # 人大事务（款）人大立法（项）支出 → 人大立法: the 类/款 before are the item's parents
    own = re.split(r"[（(](?:类|款)[）)]", re.sub(r"\s+", "", label))[-1] or label
    core = _GENERIC_TAIL.sub("", norm(_LABEL_NOISE.sub("", own)))
    asked = _GENERIC_TAIL.sub("", asked)
    if not core or not asked:
        return 0.0, 0
    blocks = SequenceMatcher(None, core, asked, autojunk=False).get_matching_blocks()
    matched = sum(b.size for b in blocks if b.size >= 2)
    if 2 * matched >= len(core):  # single characters count beside a longer match (收/支 of 收支)
        matched += sum(b.size for b in blocks if b.size == 1)
    return matched / len(core), matched


def candidates(
    facts: Sequence[TextFact], measure: str, asked: str, year: int | None = None
) -> list[Candidate]:
    """Text facts of ``measure`` whose label the question covers, best first (one per value).

    ``year``: the report's year; for ``last_year`` a figure the text states for the year before
    (``2016年度部门支出预算安排为8,648.07万元`` in a 2017 report) counts too."""
    found: list[Candidate] = []
    for fact in facts:
        stated_before = (
            measure == "last_year"
            and year is not None
            and fact.year == year - 1
            and fact.measure == "current"
        )
        if fact.measure != measure and not stated_before:
            continue
        cover, matched = label_cover(fact.label, asked)
        if cover >= MIN_COVER and matched >= 2:
            found.append(Candidate(fact, cover, matched))
    found.sort(key=lambda c: (-c.cover, -c.matched, c.fact.page or 0))
    return found


def _citation(ctx: ReportContext, fact: TextFact) -> Citation:
    """The sentence in the chunk that prints it (that chunk's file and page)."""
    flat = re.sub(r"\s+", "", fact.sentence)
    for chunk in ctx.chunks:
        if (fact.page is None or chunk.page == fact.page) and flat[:20] in re.sub(r"\s+", "", chunk.text):
            return ctx.cite_text(chunk, fact.sentence, (fact.text,) if fact.text else ())
    r = ctx.record.report
    return Citation(r.report_id, r.source_file, r.unit_name, r.fiscal_year, fact.page, "",
                    " > ".join(fact.section_path), "", fact.sentence, fact.line)  # fmt: skip


def _shown(fact: TextFact) -> tuple[Decimal, str]:
    """The value to give and its words (a change or rate is given as its size, with its direction)."""
    if fact.measure in ("last_year", "current"):
        return fact.value, f"{fmt(fact.value)}{fact.unit}"
    size = abs(fact.value)
    word = "减少" if fact.value < 0 else "增加"
    if fact.measure == "growth_rate":
        word = "下降" if fact.value < 0 else "增长"
    return size, f"{word}{fmt(size)}{fact.unit}"


_SUM_ASK = re.compile(r"一共|总共|合计|共计|加起来|加在一起|总计|总和")


def _items(question: str, ctx: ReportContext) -> list[str]:
    """The items of a question naming several (``人大立法、人大监督…这五项``): each one's words."""
    # 规划和自然资源局: the unit's own 和 lists nothing
    pieces = re.split(r"、|以及|和|及", _without_unit(question, ctx))
    items = [content(p, ctx) for p in pieces]
    return items if len(pieces) >= 2 and all(len(i) >= 2 for i in items) else []


def measure_answer(question: str, ctx: ReportContext, facts: Sequence[TextFact],
                   measure: str) -> Answer | None:  # fmt: skip
    """The answer from the report's text facts of ``measure``, or ``None`` when none fits."""
    items = _items(question, ctx)
    if items and measure in ("change", "last_year"):
        return _several(question, ctx, facts, measure, items)
    found = candidates(facts, measure, content(question, ctx), ctx.year)
    if not found and measure in ("change", "last_year"):
        return _from_parts(question, ctx, facts, measure)
    if not found:
        return _derived_rate(question, ctx, facts) if measure == "growth_rate" else None
    best = found[0]
    rivals = [c for c in found[1:] if (c.cover, c.matched) == (best.cover, best.matched)]
    rivals = [c for c in rivals if c.fact.value != best.fact.value]
    chosen = [best, *rivals]
    parts = [_described(c.fact, measure) for c in chosen]
    citations = [_citation(ctx, c.fact) for c in chosen]
    value, _ = _shown(best.fact)
    if rivals:
        text = "有两个数字都符合问题：" + "；".join(parts) + f"。出处：{ctx.title()}说明部分。"
    else:
        text = f"{parts[0]}。出处：{ctx.title()}说明部分“{citations[0].quote}”"
    return answered(question, text, citations, value, best.fact.unit, best.fact.formula or None)


def _parts_of(key: str, depth: int = 2) -> list[list[str]]:
    """Ways to write a total as its parts (domain.md: 三公经费 = 因公出国（境）费 + 公务用车购置及运行维护费
    + 公务接待费, the car costs = 购置费 + 运行维护费): each a list of concept keys, the direct parts
    first, then with a part itself written as its parts."""
    direct = [c.key for c in CONCEPTS if c.parent == key]
    if not direct:
        return []
    ways = [direct]
    if depth > 1:
        for n, part in enumerate(direct):
            for sub in _parts_of(part, depth - 1):
                ways.append(direct[:n] + sub + direct[n + 1 :])
    return ways


def _from_parts(question: str, ctx: ReportContext, facts: Sequence[TextFact], measure: str) -> Answer | None:
    """Last year's figure (or the change) of a total the text states only part by part: the parts'
    figures summed, formula shown (上年“三公”经费 = 出国 76 + 公车 156.60 + 接待 443.50)."""
    wholes = [m.concept.key for m in find_concepts(question) if _parts_of(m.concept.key)]
    for whole in wholes[:1]:
        for keys in _parts_of(whole):
            chosen: list[TextFact] = []
            for key in keys:
                found = [c for c in candidates(facts, measure, norm(key), ctx.year) if c.fact not in chosen]
                if not found:
                    break
                chosen.append(found[0].fact)
            if len(chosen) != len(keys) or len({f.unit for f in chosen}) != 1:
                continue
            unit = chosen[0].unit
            total = sum((f.value for f in chosen), Decimal(0))
            shown = [f"({fmt(f.value)})" if f.value < 0 else fmt(f.value) for f in chosen]
            formula = " + ".join(shown) + f" = {fmt(total)} {unit}"
            parts = "；".join(_described(f, measure) for f in chosen)
            size = abs(total) if measure == "change" else total
            word = ("减少" if total < 0 else "增加") if measure == "change" else ""
            what = f"{chosen[0].year}年{whole}" if measure == "last_year" and chosen[0].year else whole
            text = (f"{what}{'比上年' if measure == 'change' else ''}{word}{fmt(size)}{unit}（报告未直接给出，"
                    f"由各组成部分相加：{formula}）。其中：{parts}。出处：{ctx.title()}说明部分。")  # fmt: skip
            return answered(question, text, [_citation(ctx, f) for f in chosen], size, unit, formula)
    return None


def _derived_rate(question: str, ctx: ReportContext, facts: Sequence[TextFact]) -> Answer | None:
    """A growth rate the text does not print, from the change it states and last year's figure
    (itself this year's minus the change): ``30 ÷ 76 × 100% = 39.47%``."""
    asked = content(question, ctx)
    changes = candidates(facts, "change", asked, ctx.year)
    befores = candidates(facts, "last_year", asked, ctx.year)
    for change in changes:
        same = [
            b.fact
            for b in befores
            if b.fact.sentence == change.fact.sentence and b.fact.unit == change.fact.unit
        ]
        if not same or same[0].value == 0:
            continue
        before = same[0]
        value = round(change.fact.value / before.value * 100, 2)
        word = "下降" if value < 0 else "增长"
        formula = f"{fmt(change.fact.value)} ÷ {fmt(before.value)} × 100% = {fmt(value, 2)}%"
        text = (
            f"{change.fact.label}比上年{word}{fmt(abs(value), 2)}%（推算：上年{fmt(before.value)}{before.unit}"
            f"{'，' + before.formula if before.formula else ''}；{formula}）。"
            f"出处：{ctx.title()}说明部分“{change.fact.sentence}”"
        )
        return answered(question, text, [_citation(ctx, change.fact)], abs(value), "%", formula)
    return None


def _described(fact: TextFact, measure: str) -> str:
    _, words = _shown(fact)
    year = f"{fact.year}年" if fact.year else ""
    how = f"（推算：{fact.formula}）" if fact.formula else ""
    what = f"{year}{fact.label}" if measure in ("last_year", "current") else f"{fact.label}比上年"
    return f"{what}{words}{how}"


def _several(question: str, ctx: ReportContext, facts: Sequence[TextFact], measure: str,
             items: list[str]) -> Answer | None:  # fmt: skip
    """Every named item's figure; their sum (formula shown) when the question asks for one."""
    chosen: list[TextFact] = []
    for item in items:
        found = [c for c in candidates(facts, measure, item, ctx.year) if c.fact not in chosen]
        if not found:
            return None  # one item not stated: no partial answer
        chosen.append(found[0].fact)
    units = {f.unit for f in chosen}
    parts = [_described(f, measure) for f in chosen]
    citations = [_citation(ctx, f) for f in chosen]
    if not _SUM_ASK.search(norm(question)) or len(units) != 1:
        text = "；".join(parts) + f"。出处：{ctx.title()}说明部分。"
        first, _ = _shown(chosen[0])
        return answered(question, text, citations, first, chosen[0].unit)
    unit = units.pop()
    total = sum((f.value for f in chosen), Decimal(0))
    shown = [f"({fmt(f.value)})" if f.value < 0 else fmt(f.value) for f in chosen]
    formula = " + ".join(shown) + f" = {fmt(total)} {unit}"
    size = abs(total) if measure == "change" else total
    word = ("减少" if total < 0 else "增加") if measure == "change" else ""
    text = (f"合计{word}{fmt(size)}{unit}。计算：{formula}。其中：" + "；".join(parts)
            + f"。出处：{ctx.title()}说明部分。")  # fmt: skip
    return answered(question, text, citations, size, unit, formula)
