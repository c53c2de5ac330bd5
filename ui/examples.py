"""Example questions of several kinds, made from the reports at hand and checked against the engine.

A newcomer should see what can be asked: a look-up (``…公务接待费是多少？``), a reason
(``…减少的原因是什么？``), a change on last year (``…比上年减少了多少？``), a comparison of two
reports and a does-it-add-up check. Look-ups are offered for every report; the other kinds
only when the engine answers them from these reports with evidence that names what was
asked (at most :data:`MAX_CHECKS` questions of each kind are tried, so the list is made quickly).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

from ingest.store import ReportRecord
from qa.model import STATUS_ANSWERED
from ui.answer_text import short_name

log = logging.getLogger(__name__)

MAX_EXAMPLES = 8
MAX_CHECKS = 10
"""Questions tried per kind (each takes milliseconds)."""
LOOKUP_TOPICS = ("公务接待费", "“三公”经费合计", "基本支出")
"""Figures every 预算/决算 report prints (the 三公 table and the expenditure tables)."""
REASON_ITEMS = ("公务接待费", "“三公”经费", "公务用车运行维护费", "一般公共预算财政拨款支出")
CHANGE_ITEMS = ("“三公”经费", "一般公共预算财政拨款支出", "公务接待费")
ADD_UP = "因公出国（境）费、公务用车购置及运行维护费、公务接待费加起来等于“三公”经费合计吗？"


def _named(records: Sequence[ReportRecord]) -> list[tuple[ReportRecord, str]]:
    """Each report with a unit name, and how to name it with its year (``青山市政府办2024年``)."""
    out = []
    for record in records:
        if record.report.unit_name:
            year = f"{record.report.fiscal_year}年" if record.report.fiscal_year else ""
            out.append((record, f"{short_name(record)}{year}"))
    return out


def example_questions(records: Sequence[ReportRecord], limit: int = MAX_EXAMPLES) -> list[str]:
    """Look-up questions that work on these reports: ``<unit short name><year>年<figure>是多少？``."""
    out: list[str] = []
    for topic in LOOKUP_TOPICS:
        for _, who in _named(records):
            question = f"{who}{topic}是多少？"
            if question not in out:
                out.append(question)
    return out[:limit]


def _key(word: str) -> str:
    """The part of an item's name its evidence must contain (``“三公”经费`` → ``三公``)."""
    return word.replace("“", "").replace("”", "").replace("经费", "")[:4]


def _candidates(records: Sequence[ReportRecord]) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """``(kind, question, words its evidence must contain)``, in the order they are tried."""
    named = _named(records)
    for _, who in named:
        for item in REASON_ITEMS:
            for change in ("减少", "增加"):
                yield "reason", f"{who}{item}{change}的原因是什么？", (_key(item),)
    for _, who in named:
        for item in CHANGE_ITEMS:
            for change in ("减少", "增加"):
                yield "change", f"{who}{item}比上年{change}了多少？", (_key(item), change)
    if len(named) >= 2:
        (_, first), (_, second) = named[0], named[1]
        yield "compare", f"{first}和{second}的公务接待费哪个多？", ()
    for _, who in named:
        yield "add_up", f"{who}{ADD_UP}", ()


def _works(engine: Any, question: str, words: tuple[str, ...]) -> bool:
    try:
        answer = engine.ask(question)
    except Exception:  # an example that fails is simply not offered
        log.exception("example question %r failed", question)
        return False
    if answer.status != STATUS_ANSWERED or not answer.citations:
        return False
    evidence = " ".join(f"{c.quote} {c.row} {c.table}" for c in answer.citations) + answer.answer
    return all(word in evidence for word in words)


def validated_examples(records: Sequence[ReportRecord], engine: Any, limit: int = MAX_EXAMPLES) -> list[str]:
    """Example questions of several kinds that ``engine`` answers on ``records``.

    Returns:
        The first report's look-up, then one question of each other kind that works (reason,
        change on last year, comparison, does-it-add-up), then look-ups of the other reports.
    """
    lookups = example_questions(records, limit)
    if not lookups:
        return []
    found: dict[str, str] = {}
    tries: dict[str, int] = {}
    for kind, question, words in _candidates(records):
        if kind in found or tries.get(kind, 0) >= MAX_CHECKS:
            continue
        tries[kind] = tries.get(kind, 0) + 1
        if _works(engine, question, words):
            found[kind] = question
    ordered = [lookups[0], *found.values(), *lookups[1:]]
    return list(dict.fromkeys(ordered))[:limit]
