"""Questions that ask several things at once, answered part by part.

``兖州区政府办2023年“行政单位医疗（项）”年初预算多少？决算完成了年初预算的多少？`` is cut into its
asked parts (:func:`qa.narrative_query.question_parts`); every part after the first is asked with
the first part's words up to its first measure or question word — the unit, year and item
(``兖州区政府办2023年“行政单位医疗（项）”``) — in front. The whole is answered only when every part
is; each part keeps its own citations and formula. Tried when the question as a whole was refused
(a whole answered stays as it is: its parts may ask for one figure in two words).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from qa.model import STATUS_ANSWERED, Answer
from qa.narrative_query import question_parts

_ITEM_END = re.compile(
    r"年初|全年|预算数|决算数|(?<!一般公共)(?<!基金)(?<!资本经营)预算|决算|多少|几|百分之|占|完成|花了|用了|有多|是多|为多|一共|合计|总共"
)
"""Where the first part stops naming the item: its first measure or question word."""
_NUMERALS = "一二三四五六七八九十"
_QUOTED = re.compile(r"[“\"「『][^”\"」』]*[”\"」』]")
_REFERS_BACK = re.compile(r"^(?:那么|那|而|且|并且|其中|另外)?(?:这些人|这些|这个|该项|它们|它|其)?的?")


def sub_questions(question: str) -> list[str]:
    """The question's parts as questions of their own (``[]`` for a question of one part)."""
    parts = question_parts(question)
    if len(parts) < 2:
        return []
    first = question[: question.find(parts[1])].rstrip(" ，,、和？?；;") if parts[1] in question else parts[0]
    masked = _QUOTED.sub(lambda m: "□" * len(m.group(0)), first)  # quoted names are items
    year = re.search(r"20\d{2}\s*年度?", masked)
    cut = _ITEM_END.search(masked, year.end() if year else 0)
    prefix = first[: cut.start()] if cut else ""
    if not prefix:
        return []
    rest = [_REFERS_BACK.sub("", p.strip(" ，,、和")) for p in parts[1:]]
    return [first] + [prefix + p for p in rest if p]


def answer_parts(question: str, ask: Callable[[str], Answer]) -> Answer | None:
    """Every part answered (texts, citations and formulas joined), or ``None`` if one is not."""
    questions = sub_questions(question)
    if not questions:
        return None
    answers = [ask(q) for q in questions]
    if any(a.status != STATUS_ANSWERED for a in answers):
        return None
    first = answers[0]
    text = "".join(f"（{_NUMERALS[n]}）{a.answer}" for n, a in enumerate(answers))
    formulas = [a.formula for a in answers if a.formula]
    citations = tuple(c for a in answers for c in a.citations)
    return Answer(
        question,
        STATUS_ANSWERED,
        text,
        value=first.value,
        unit=first.unit,
        formula="；".join(formulas) or None,
        citations=citations,
        searched=first.searched,
    )
