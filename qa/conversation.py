"""A conversation: follow-up questions read in the context of the earlier ones.

A follow-up that names no unit, no year or no topic takes them from the conversation:

- ``那2023年呢？`` — the earlier question's unit and topic, this year;
- ``那公务接待费呢？`` / ``它的项目支出呢？`` — the earlier unit and year, this topic;
- ``那决算呢？`` — the earlier unit, year and topic, this kind of figure;
- relative years (``去年``/``前年``/``今年``/``明年``, and ``上年`` asked on its own) count from the
  conversation's year.

The follow-up is rewritten into a full question (``兖州区政府办2023年公务接待费是多少？``) that the
engine answers like any other; the answer keeps the question as typed and says how it was
understood in :attr:`qa.model.Answer.asked_as`. Nothing is guessed beyond what the earlier turns
said: with no earlier unit or year, the question goes to the engine as typed (which asks which
report when it cannot tell).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Protocol

from ingest.store import ReportRecord
from qa.model import STATUS_AMBIGUOUS, Answer
from qa.scope import resolve_scope

_FILLER_HEAD = re.compile(r"^(?:那么|那|还有|另外|再问一下|再问|请问|再看看?|然后)[，,、\s]*")
_PRONOUN = re.compile(r"它们的|它的|它|该单位的?|该部门的?|这个单位的?|这个部门的?|这家单位的?")
_TAIL = re.compile(r"(?:的情况|情况|怎么样|如何|又是|是)?(?:多少|几何)?(?:呢|吗|啊|呀)?[？?。！!\s]*$")
_YEAR_WORD = re.compile(r"(?<!\d)(20\d{2})\s*年度?")
_RELATIVE = {"前年": -2, "去年": -1, "今年": 0, "本年": 0, "明年": 1}
_RELATIVE_WORD = re.compile(r"(?<![比较与同上])(前年|去年|今年|明年)(?:度)?")
_LAST_YEAR_ALONE = re.compile(r"^(?:那么|那)?\s*(?:上年|上一年)度?\s*(?:呢|的呢)?[？?。\s]*$")
_KIND_ONLY = re.compile(r"^(?:的)?(年初预算数?|预算数?|决算数?|实际支出数?|实际数?|执行数)(?:的)?$")
_MEASURE_WORDS = re.compile(
    r"年初预算数?|全年预算数?|预算数|决算数|实际支出|实际数|执行数|(?<!一般公共)预算(?!单位)|决算"
)
_ASKING = re.compile(r"多少|几|哪|什么|啥|为什么|为何|吗|是否|有没有|怎么|如何|比例|占比|排名|排序|一致")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Turn:
    """What an answered turn settled: the question as understood and its parts."""

    asked: str
    units: tuple[str, ...]
    year: int | None
    topic: str
    """The question without its unit names and years (``三公经费合计是多少？``)."""


class Engine(Protocol):
    def records(self) -> list[ReportRecord]: ...

    def ask(self, question: str, id: str | None = None) -> Answer: ...


def absolute_years(question: str, records: list[ReportRecord]) -> str:
    """A question with 去年/今年/前年/明年 and no year of its own, the relative year written out.

    Years count from when the named unit's latest report was published: a 预算 of year Y comes out
    in Y, a 决算 of year Y in Y+1 — so 去年花了多少 asked of a 2022 决算 is 2022, and 去年 asked of
    a 2019 预算 is 2018 (read from its 比上年 comparisons). Returned unchanged when the question
    names a year, no relative year, or no unit with a report."""
    if _YEAR_WORD.search(question) or not _RELATIVE_WORD.search(question):
        return question
    scope = resolve_scope(question, records)
    if not scope.by_name or not scope.records:
        return question
    published = max(
        (r.report.fiscal_year or 0) + (1 if r.report.kind == "决算" else 0) for r in scope.records
    )
    if not published:
        return question
    return _RELATIVE_WORD.sub(lambda m: f"{published + _RELATIVE[m.group(1)]}年", question, count=1)


class Conversation:
    """Questions asked one after another by one person (a chat session, ``budgetqa chat``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.last: Turn | None = None

    def clear(self) -> None:
        """Start a new conversation: earlier turns no longer count."""
        self.last = None

    def ask(self, question: str, id: str | None = None) -> Answer:
        """Answer ``question`` in the context of the earlier turns (see the module docstring)."""
        typed = question.strip()
        asked = self.understood(typed)
        answer = self.engine.ask(asked, id=id)
        if asked != typed:
            answer = replace(answer, question=typed, asked_as=asked)
        self._remember(asked, answer)
        return answer

    def understood(self, question: str) -> str:
        """The question with what it leaves out taken from the conversation (or as typed)."""
        last = self.last
        if last is None or not question:
            return question
        records = self.engine.records()
        scope = resolve_scope(question, records)
        rest = _without(scope.text, scope.spans)
        years = [int(y) for y in _YEAR_WORD.findall(rest)]
        rest = _YEAR_WORD.sub("", rest)
        if last.year is not None:
            if _LAST_YEAR_ALONE.match(rest):
                years, rest = [last.year - 1], ""
            for m in _RELATIVE_WORD.finditer(rest):
                years.append(last.year + _RELATIVE[m.group(1)])
            rest = _RELATIVE_WORD.sub("", rest)
        rest = _PRONOUN.sub("", _FILLER_HEAD.sub("", rest.strip())).strip()
        core = _TAIL.sub("", rest)
        kind_only = _KIND_ONLY.match(core)
        has_topic = len(_CJK.findall(core)) >= 2 and not kind_only
        if scope.by_name and has_topic and years:
            return question  # a question of its own
        units = scope.units if scope.by_name else last.units
        year = years[0] if years else last.year
        if has_topic:
            topic = rest if _ASKING.search(rest) else f"{core}是多少？"
        elif kind_only:
            topic = kind_only.group(1) + _MEASURE_WORDS.sub("", last.topic)
        else:
            topic = last.topic
        head = "、".join(units) + (f"{year}年" if year else "")
        return head + topic.lstrip("的")

    def _remember(self, asked: str, answer: Answer) -> None:
        if answer.status == STATUS_AMBIGUOUS:
            return  # nothing settled: the next question is read against the earlier turn
        records = self.engine.records()
        by_id = {r.report.report_id: r for r in records}
        cited = [by_id[c.report_id] for c in answer.citations if c.report_id in by_id]
        scope = resolve_scope(asked, records)
        units = scope.units if scope.by_name else tuple(dict.fromkeys(r.report.unit_name for r in cited))
        years = scope.years or tuple(
            dict.fromkeys(r.report.fiscal_year for r in cited if r.report.fiscal_year)
        )
        topic = _YEAR_WORD.sub("", _without(scope.text, scope.spans)).strip()
        topic = _FILLER_HEAD.sub("", _PRONOUN.sub("", topic)).lstrip("的")
        if not units and self.last is not None:
            units = self.last.units
        year = years[0] if len(years) == 1 else (self.last.year if self.last and not years else None)
        self.last = Turn(asked, tuple(units), year, topic or (self.last.topic if self.last else ""))


def _without(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """The text with the spans cut out."""
    out, at = [], 0
    for start, end in sorted(spans):
        if start >= at:
            out.append(text[at:start])
            at = end
    out.append(text[at:])
    return "".join(out)
