"""Answer text and :class:`qa.model.Answer` objects for each kind of result.

Answers lead with the figure (``37.70万元``), then say where it is printed; refusals say what
was searched. Only figures that the citations or the formula print are written.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from qa.compute import Operand, Result
from qa.context import ReportContext, describe_fact
from qa.model import STATUS_AMBIGUOUS, STATUS_ANSWERED, STATUS_UNANSWERABLE, Answer, Candidate, Citation
from qa.resolve import Found, value_text


def answered(
    question: str,
    text: str,
    citations: Sequence[Citation],
    value: Decimal | None = None,
    unit: str | None = None,
    formula: str | None = None,
) -> Answer:
    unique = tuple(dict.fromkeys(citations))
    return Answer(question, STATUS_ANSWERED, text, value, unit or None, formula, unique)


def refused(question: str, text: str, searched: Sequence[ReportContext], understood: bool = True) -> Answer:
    """Status ``unanswerable``: says the reports don't contain it and names those searched.

    ``understood`` is False when the rules could not tell what the question asks for (see
    :attr:`qa.model.Answer.understood`).
    """
    names = "；".join(ctx.describe() for ctx in searched)
    body = f"{text}已检索：{names}。" if names else text
    return Answer(question, STATUS_UNANSWERABLE, body, searched=tuple(ctx.file for ctx in searched),
                  understood=understood)  # fmt: skip


def ambiguous(
    question: str, text: str, candidates: Sequence[Candidate], citations: Sequence[Citation]
) -> Answer:
    return Answer(question, STATUS_AMBIGUOUS, text, citations=tuple(dict.fromkeys(citations)),
                  candidates=tuple(candidates))  # fmt: skip


def where(found: Found) -> str:
    """Where a figure is printed, in words."""
    if found.cell is not None:
        return describe_fact(found.cell.fact)
    citation = found.operand.citation
    if citation is None:
        return ""
    section = citation.row.split(" > ")[-1] if citation.row else ""
    return f"说明部分“{section}”" if section else "说明部分"


def figure_answer(question: str, ctx: ReportContext, found: Found, label: str = "") -> Answer:
    """A looked-up figure: the value(s), the report and the place; the sentence for text."""
    values = "、".join(value_text(v) for v in found.values) if found.values else value_text(found.operand)
    head = f"{label}：" if label else ""
    citation = found.operand.citation
    citations = [v.citation for v in found.values if v.citation] or ([citation] if citation else [])
    citations += list(found.extra)
    if found.source == "table":
        text = f"{head}{values}。出处：{ctx.title()}，{where(found)}。"
    else:
        quote = citation.quote if citation else ""
        text = f"{head}{values}。出处：{ctx.title()}{where(found)}：“{quote}”"
    op = found.operand
    return answered(question, text, citations, op.value, op.unit or None)


def computed_answer(
    question: str, lead: str, result: Result, operands: Sequence[Operand], ctx_title: str = ""
) -> Answer:
    """A computed figure with its formula and every input cited."""
    inputs = "；".join(f"{o.label} {value_text(o)}" for o in operands)
    text = f"{lead}{result.shown()}{result.unit}。计算：{result.formula}。"
    if ctx_title:
        text += f"依据{ctx_title}：{inputs}。"
    else:
        text += f"依据：{inputs}。"
    citations = [o.citation for o in operands if o.citation]
    return answered(question, text, citations, result.value, result.unit, result.formula)
