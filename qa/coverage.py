"""Refuse rather than guess: does the chosen evidence cover what the question asks about?

An answer found for a question must be *about* every item the question names. The question's
item words are what is left after the unit's names, years, codes, the question form and the
words that name a report or a measure are taken out (:func:`content`); a domain concept the
question names counts as covered when the evidence names it by any of its words (招待费 →
公务接待费, :mod:`qa.lexicon`). The evidence is everything the citations say: table title,
row code and label, column path, section and quoted sentence.

An item of three or more characters none of whose character pairs the evidence has
(``徐州铁路运输`` of ``徐州铁路运输法院`` against the row ``20405 法院``; ``机关运行经费`` against ``1.一般公共预算``)
means the figure is about something else: the engine refuses, naming what it found nearby. A
figure the question itself states (``单价20万元以上的设备…总共值多少钱`` → 20万元) is no
answer either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from ingest.numbers import MONEY_UNITS
from ingest.unit_names import abbreviates, canonical_text
from qa import weights as W
from qa.lexicon import find_concepts, norm
from qa.model import Answer, Citation

MIN_UNCOVERED = W.MIN_UNCOVERED
"""An uncovered run of item words this long (characters) refuses the answer."""

# Words that name no item: the question form, reports, tables and measures (any question).
_NOT_ITEMS = re.compile(
    r"请问|从哪来|从哪里来|哪来|来自|是多少|有多少|多少|几|是什么|什么|怎么样|如何|哪些|哪个|呢|吗|啊|呀|吧|了|的|得|地|是|为|有|"
    r"一共|总共|总额|总数|合计|总计|共计|加起来|花了|花|用了|拿了|给了|给|安排了|安排|打算|计划|准备|"
    r"钱|万元|亿元|元|块|金额|数额|数字|资金|年度|本年|全年|年初|当年|"
    r"部门预算|单位预算|部门决算|单位决算|预算公开|决算公开|预算表|决算表|预算数|决算数|预算|决算|"
    r"公开|说明|报告|情况|表格|表|栏|项目里|里面|里|中|其中|之中|上|下|这项|这一项|那一项|"
    r"支出|经费|费用|开支|开销|收入|来源|功能科目|经济科目|功能分类|经济分类|科目|一般公共预算|财政拨款|"
    r"分别|各是|各为|批次|人次|团组|平均|每|一个|一共|"
    r"干部职工|职工|员工|工作人员|单位|本级|部门|交了|交的|缴了|缴纳|付了|发了|发的|发放的?|发给|"
    r"那一行|这一行|一行|那一栏|这一栏|这块|这一块|那块|百分之|百分比|比例|比重|占比|多大|多高|多少钱|"
    r"增减数|增减|推算|根据|按照|按|编制说明|最后|最终|实际上|到底|现在|目前|"
    r"[\d.,%％（）()，,。？?！!、；;：:“”\"‘’《》<>\s\-—·]"
)


def content(question: str, unit_names: Sequence[str] = ()) -> str:
    """The question's item words (see the module docstring), with runs kept apart by ``|``."""
    text = norm(question)
    for name in sorted(unit_names, key=len, reverse=True):
        text = text.replace(name, "|")
        if len(name) >= 4:  # a shortening of the name (普陀福利院 for 普陀区社会福利院)
            for i in range(len(text)):
                for j in range(min(len(text), i + len(name) - 1), i + 2, -1):
                    if abbreviates(text[i:j], name):
                        text = text[:i] + "|" * (j - i) + text[j:]
                        break
    text = re.sub(r"20\d{2}\s*年度?", "|", text)
    text = re.sub(r"\d+", "|", text)
    return _NOT_ITEMS.sub("|", text)


def evidence_text(citations: Sequence[Citation]) -> str:
    """Everything the citations say about what the figure is."""
    return norm("".join(f"{c.table}{c.row}{c.column}{c.quote}" for c in citations))


def uncovered(question: str, citations: Sequence[Citation], unit_names: Sequence[str] = ()) -> list[str]:
    """The question's item words the evidence does not name (runs of :data:`MIN_UNCOVERED`+ chars)."""
    return uncovered_by(question, evidence_text(citations), unit_names)


def uncovered_by(
    question: str, evidence: str, unit_names: Sequence[str] = (), shortest: int = MIN_UNCOVERED
) -> list[str]:
    """The question's item words a normalised evidence text does not name (see :func:`uncovered`;
    ``shortest``: the shortest run of unnamed characters counted)."""
    evidence = canonical_text(evidence)
    text = canonical_text(norm(question))
    for match in find_concepts(question):
        words = (match.concept.key, *match.concept.triggers)
        if any(canonical_text(norm(w)) in evidence for w in words):
            text = text.replace(canonical_text(norm(match.word)), "|")
    items = content(text, unit_names)
    pairs = {evidence[i : i + 2] for i in range(len(evidence) - 1)}
    missing: list[str] = []
    for run in filter(None, items.split("|")):
        covered = [False] * len(run)
        for i in range(len(run) - 1):
            if run[i : i + 2] in pairs:
                covered[i] = covered[i + 1] = True
        gap = ""
        for ch, ok in zip(run, covered):
            if ok:
                if len(gap) >= shortest:
                    missing.append(gap)
                gap = ""
            else:
                gap += ch
        if len(gap) >= shortest:
            missing.append(gap)
    return missing


def restates_question(question: str, answer: Answer) -> bool:
    """The answer's figure is one the question itself states (with its unit)."""
    if answer.value is None or not answer.unit or answer.formula:
        return False
    text = norm(question).replace(",", "")
    for m in re.finditer(r"(\d+(?:\.\d+)?)\s*(亿元|万元|元|%|辆|台|套|人次|人|个|项)", text):
        if Decimal(m.group(1)) == answer.value and m.group(2) == answer.unit:
            return True
    return False


EXPECTED_WORDS = {"money": "金额", "%": "比例（百分比）", "分": "分数"}
"""How a refusal names the kind of figure that was asked for."""


_RATE_OR_SCORE = re.compile(r"率|分值|得分|评分|指标值")


def rate_for_amount(expect: str | None, answer: Answer) -> bool:
    """An amount asked and a bare number found in a rate or score row (政府采购执行率 1)."""
    if expect != "money" or answer.unit:
        return False
    return any(_RATE_OR_SCORE.search(f"{c.row}{c.column}") for c in answer.citations)


def unit_fits(expect: str | None, unit: str | None) -> bool:
    """Whether an answer's unit is of the kind the question asks for (``money``, ``%``, ``分``,
    a count unit such as 辆/人次); unknown on either side fits."""
    if not expect:
        return True
    if not unit:
        return expect in ("money", "%", "分")  # a count needs its unit: a bare number may be anything
    if expect == "money":
        return unit in MONEY_UNITS
    if expect == "%":
        return unit in ("%", "个百分点")
    return not (unit in MONEY_UNITS or unit == "%")  # a count or score asked, an amount or rate found
