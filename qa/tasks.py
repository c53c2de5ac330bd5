"""Computations within one report.

A question is split into operand phrases (``A比B多多少``, ``A占B的比例``, ``B里A占比``,
``平均每辆…``, ``完成年初预算的百分之几``); each operand is resolved to a cited figure (table cell or
sentence, :class:`qa.resolve.Resolver`) and the arithmetic is done in ``Decimal``
(:mod:`qa.compute`), the formula shown. Figures the report states itself (a change vs last
year, a completion rate of the item asked about) are quoted rather than recomputed; a stated
change is only taken when it compares with what the question compares with (last year vs
the budget) and is about the item asked. Consistency checks live in :mod:`qa.consistency`.
"""

from __future__ import annotations

import logging
import re
from decimal import Decimal

from qa.compose import computed_answer, figure_answer
from qa.compute import (
    Operand,
    average,
    converted,
    difference,
    in_unit,
    is_money,
    ratio_percent,
    total,
)
from qa.context import ReportContext
from qa.lexicon import find_concepts, most_specific, norm
from qa.model import Answer
from qa.resolve import Found, Resolver, narrative_module, staff_question
from qa.scope import unit_names
from qa.understand import Intent

log = logging.getLogger(__name__)

_QUESTION_TAIL = re.compile(r"(?:是|为|有|花了|用了|发了|一共|总共|共)?(?:多少|几)[^，。？?]*[？?]?$")


def body(intent: Intent, ctx: ReportContext) -> str:
    """The question without its unit name, year and leading particles (normalised)."""
    text = intent.text
    for name in sorted(unit_names(ctx.record), key=len, reverse=True):
        text = text.replace(name, "")
    text = re.sub(r"[（(]?20\d{2}年(?:度|末|底|初)?(?:决算|预算)?[）)]?", "", text)
    text = re.sub(r"^(?:的|在|里|中|,|，|、)+", "", text)
    return text.strip("，,。？? ")


def _strip_tail(phrase: str) -> str:
    phrase = _QUESTION_TAIL.sub("", phrase)
    return re.sub(r"(?:的|是|了|花了|用了)+$", "", phrase).strip("，,、 ")


_specific = most_specific
_REPORT_ONLY = re.compile(r"^(?:部门|单位|本级)?(?:预算|决算)(?:报告|公开|表)?$")


def _resolve(resolver: Resolver, ctx: ReportContext, intent: Intent, phrase: str, **kw) -> Found | None:  # type: ignore[no-untyped-def]
    concepts = [c.concept for c in _specific(find_concepts(phrase))]
    if not concepts and _REPORT_ONLY.match(norm(phrase).strip("，,。？? 的")):
        return None  # 部门预算 / 单位预算: words naming a report, not an item of it
    return resolver.resolve(ctx, intent, phrase, concepts=concepts, **kw)


def own_measure(ctx: ReportContext) -> str:
    """The measure a report's figures are by default: a 预算 report's are budgets, others actuals."""
    return "budget" if ctx.kind == "预算" else "actual"


def _labelled(found: Found, label: str) -> Operand:
    op = found.operand
    return Operand(op.value, op.unit, label, op.citation, op.text)


# ---------------------------------------------------------------------------- computations


def compute_answer(intent: Intent, ctx: ReportContext, resolver: Resolver) -> Answer | None:
    """Answer a computation question in one report (see the module docstring)."""
    operation = intent.operation
    text = body(intent, ctx)
    if operation == "change":
        return _stated_change(intent, ctx, resolver)
    if operation == "completion":
        return _completion(intent, ctx, resolver, text)
    if operation == "convert":
        found = resolver.resolve(ctx, intent)
        if found is None or intent.want_unit is None or found.operand.unit not in ("元", "万元", "亿元"):
            return figure_answer(intent.question, ctx, found) if found else None
        result = converted(found.operand, intent.want_unit)
        return computed_answer(
            intent.question, "折合", result, [_labelled(found, found.operand.label)], ctx.title()
        )
    if operation == "average":
        return _average(intent, ctx, resolver, text)
    if operation == "share":
        return _share(intent, ctx, resolver, text)
    if operation == "difference":
        return _difference(intent, ctx, resolver, text)
    if operation == "sum":
        operands = []
        for match in _specific(list(intent.concepts)):
            found = resolver.resolve(ctx, intent, match.word, concepts=[match.concept])
            if found is None:
                return None
            operands.append(_labelled(found, match.concept.key))
        return computed_answer(intent.question, "合计", total(operands), operands, ctx.title())
    found = resolver.resolve(ctx, intent)
    return figure_answer(intent.question, ctx, found) if found else None


_VS_BUDGET = re.compile(r"预算")
_CHANGE_WORD = re.compile(r"增加|减少|增长|下降|上升|降低|增|减|多|少|节约|超支|变动|持平")
_VS_LAST_YEAR = re.compile(r"上年|上一年|去年|同比|(?:与|比|较)\s*20\d{2}\s*年度?(?!\s*(?:年初|全年)?预算)")


def _stated_change(intent: Intent, ctx: ReportContext, resolver: Resolver) -> Answer | None:
    """A change the report states, compared with what the question compares with: a question
    about last year is not answered by a comparison with the budget (比年初预算数增加…)."""
    versus_budget = bool(_VS_BUDGET.search(_KIND_WORDS.sub("", intent.text)))
    named = [norm(w) for m in most_specific(list(intent.concepts)) if not m.concept.column_like
             for w in (m.concept.key, *m.concept.triggers)]  # fmt: skip
    for match in resolver.figures(ctx, intent.reading, intent.expect):
        if named and not any(w in norm(match.sentence.text) for w in named):
            continue  # the change of something else (三公经费 when 公务接待费 is asked)
        if match.score < 2.0:
            break
        sentence = re.sub(r"\s+", "", match.sentence.text)
        number = re.sub(r"\s+", "", match.number_text)
        at = sentence.find(number)
        before = sentence[max(0, at - 30) : at] if at >= 0 else sentence
        budget_side = bool(_VS_BUDGET.search(before)) and not _VS_LAST_YEAR.search(before)
        if budget_side != versus_budget or not _CHANGE_WORD.search(before[-12:]):
            continue
        return figure_answer(intent.question, ctx, resolver.text_found(ctx, match, ""))
    return None


_KIND_WORDS = re.compile(r"一般公共预算|政府性基金预算|国有资本经营预算|部门预算|单位预算|预算单位")


def _completion(intent: Intent, ctx: ReportContext, resolver: Resolver, text: str) -> Answer | None:
    text = re.sub(r"^(?:按照?|根据|依据)[^，,]{0,20}(?:计算|来看|来算|口径)[，,]", "", text)  # 按…表计算，
    subject = _strip_tail(re.split(r"完成|预算执行率|执行率|完成率", text)[0]) or text
    subject = re.sub(r"(?:最后|最终|实际上?|一共|总共|全年|决算数?|支出决算数?)+$", "", subject) or subject
    stated = resolver.resolve(ctx, intent, expect="%", prefer_text=True)
    if (
        stated is not None
        and stated.source == "text"
        and _about(stated, subject, _preceding(resolver, ctx, stated))
        and not _a_change(stated)
    ):
        return figure_answer(intent.question, ctx, stated)
    actual = _resolve(resolver, ctx, intent, subject, measure="actual", expect="money")
    budget = _resolve(resolver, ctx, intent, subject, measure="budget", expect="money")
    if actual is None or budget is None or actual.operand == budget.operand or not _paired(actual, budget):
        return None
    a, b = _labelled(actual, f"{subject}决算数"), _labelled(budget, f"{subject}预算数")
    return computed_answer(intent.question, "完成预算的", ratio_percent(a, b), [a, b], ctx.title())


def _a_change(found: Found) -> bool:
    """A stated percentage that is a change (较上年…下降8.91%), not a completion rate."""
    sentence = re.sub(r"\s+", "", found.sentence or "")
    at = sentence.find(re.sub(r"\s+", "", found.operand.text or ""))
    before = sentence[max(0, at - 10) : at] if at >= 0 else ""
    return bool(re.search(r"下降|减少|增长|增加|上升|降低|增幅|降幅", before)) and not re.search(
        r"完成|执行", before
    )


def _paired(actual: Found, budget: Found) -> bool:
    """Budget and actual of the same item: one table row, or one sentence (``年初预算为…，支出决算为…``)."""
    if actual.cell is not None and budget.cell is not None:
        return actual.cell.row == budget.cell.row
    return actual.source == budget.source == "text" and actual.sentence == budget.sentence


def _preceding(resolver: Resolver, ctx: ReportContext, found: Found, before: int = 2) -> str:
    """The sentences just before a stated figure's sentence (its item title: ``6、…行政单位医疗（项）。``)."""
    sentences = resolver.sentences(ctx)
    for n, (sentence, _) in enumerate(sentences):
        if sentence.text == found.sentence:
            return "".join(s.text for s, _ in sentences[max(0, n - before) : n])
    return ""


def _about(found: Found, subject: str, context: str = "") -> bool:
    """Is a stated figure about ``subject`` (its words, or a concept it names, in the sentence, the
    sentences before it or its heading)?"""
    citation = found.operand.citation
    where = norm(context + found.sentence + (citation.row if citation else ""))
    words = [norm(w) for m in find_concepts(subject) for w in (m.concept.key, *m.concept.triggers)]
    core = re.sub(r"(?:的|支出|经费|费用)$", "", norm(subject))
    return (len(core) >= 2 and core in where) or any(w in where for w in words) or not core


def _average(intent: Intent, ctx: ReportContext, resolver: Resolver, text: str) -> Answer | None:
    m = re.search(r"(?:平均)?(?:每|一)(辆|人次|批次|个项目|个|人|项)", text)
    unit = m.group(1).replace("个项目", "个") if m else "人次"
    amount_phrase = _strip_tail(
        re.sub(
            r"(?:平均)?(?:到|下来|分摊到|摊到)?(?:每|一)(?:辆车?|个?人次|批次|个项目|个|人|项)(?:平均)?|平均(?:到|下来)?"
            r"|要花|花了|花|是多少|多少",
            "",
            text,
        )
    )
    amount = _resolve(resolver, ctx, intent, amount_phrase, expect="money", measure=own_measure(ctx))
    if amount is None:
        return None
    subject = re.sub(r"的.*$", "", amount_phrase) or amount_phrase
    # 辆 counts vehicles whatever the cost item is (公车运行维护费 → the vehicles held)
    count_query = "车辆保有量多少辆" if unit == "辆" else f"{subject}多少{unit}"
    count = resolver.resolve(ctx, intent, count_query, expect=unit)
    counted = next((v for v in count.values if v.unit == unit), None) if count is not None else None
    if counted is None:
        return None  # no count in that unit: never divide by an amount
    numerator = _labelled(amount, amount.operand.label or amount_phrase)
    denominator = Operand(counted.value, counted.unit, ("车辆保有量（辆）" if unit == "辆" else f"{subject}（{unit}）"),
                          counted.citation, counted.text)  # fmt: skip
    result = average(numerator, denominator, intent.want_unit)
    return computed_answer(intent.question, f"平均每{unit}", result, [numerator, denominator], ctx.title())


def _share_phrases(text: str) -> tuple[str, str, str] | None:
    """(part, whole, container) phrases of a share question."""
    m = re.search(r"(.+?)在(.+?)(?:里面|之中|中|里)(?:的)?(?:占比|所占比例|所占比重|占)", text)
    if m:  # 人员经费在基本支出中占比多少
        return _strip_tail(m.group(1)), _strip_tail(m.group(2)), m.group(2)
    m = re.search(r"(.+?)占(?:了)?(.*?)(?:的)?(?:比例|比重|百分之|多少|多大|多高|几成|%|比)", text)
    if m:
        part, whole = m.group(1), _strip_tail(m.group(2))
    else:
        m = re.search(r"(.+?)(?:的)?(?:比例|比重|占比)", text)
        if not m:
            return None
        part, whole = m.group(1), ""
    container = ""
    split = re.search(r"(.+?)(?:里面|里|之中|中)[，,]?(.+)", part)
    if split:
        container, part = split.group(1), split.group(2)
        whole = whole or container
    return _strip_tail(part), whole, container


def _share(intent: Intent, ctx: ReportContext, resolver: Resolver, text: str) -> Answer | None:
    phrases = _share_phrases(text)
    if phrases is None:
        return None
    part_phrase, whole_phrase, container = phrases
    if not whole_phrase:
        return _pair_ratio(intent, ctx, resolver, text)
    named = bool(find_concepts(part_phrase))  # a concept of its own (人员经费): its words suffice
    part_query = (
        part_phrase if named or not container or container[:2] in part_phrase else f"{container}{part_phrase}"
    )
    part = _resolve(resolver, ctx, intent, part_query, expect="money", measure=own_measure(ctx))
    if part is None and part_query != part_phrase:  # the container's words name no row of their own
        part = _resolve(resolver, ctx, intent, part_phrase, expect="money", measure=own_measure(ctx))
    whole_query = whole_phrase
    if container and whole_phrase == container and not find_concepts(whole_phrase):
        whole_query = f"{container}总额"
    whole = None
    if part is not None and part.source == "text" and container:
        whole = _total_before_detail(ctx, part, whole_phrase)
    whole = whole or _resolve(resolver, ctx, intent, whole_query, expect="money", measure=own_measure(ctx))
    if (
        part is None
        or whole is None
        or part.operand.value == whole.operand.value
        and part.operand.citation == whole.operand.citation
    ):
        return None
    a, b = _labelled(part, part_phrase), _labelled(whole, whole_phrase)
    result = ratio_percent(a, b)
    if result.value > 100:
        # a part larger than its whole: one of the two figures is not what was asked
        log.info(
            "share refused: %s %s%s > %s %s%s", part_phrase, a.value, a.unit, whole_phrase, b.value, b.unit
        )
        return None
    return computed_answer(intent.question, f"{part_phrase}占{whole_phrase}的", result, [a, b], ctx.title())


def _total_before_detail(ctx: ReportContext, part: Found, label: str) -> Found | None:
    """In ``X总额 N 万元，其中：a …、b …``, the total N that the part's sentence states first."""
    sentence = part.sentence
    head = re.split(r"其中", sentence, maxsplit=1)
    if len(head) < 2:
        return None
    m = re.search(r"(\d[\d,，\s]*(?:\.\s*\d+)?)\s*(亿元|万元|元)", head[0])
    if not m or part.operand.citation is None:
        return None
    printed = m.group(1).strip()
    value = Decimal(re.sub(r"[,，\s]", "", printed))
    if value == part.operand.value:
        return None
    op = Operand(value, m.group(2), label, part.operand.citation, printed)
    return Found(op, "text", part.score, (op,), sentence)


def _pair_ratio(intent: Intent, ctx: ReportContext, resolver: Resolver, text: str) -> Answer | None:
    """``X被Y采用的比例``: two counts stated in one sentence, the smaller over the larger."""
    narrative = narrative_module()
    if narrative is None:
        return None
    for match in narrative.find_figures(intent.reading, ctx.chunks, expect=None, limit=3):
        figs = [f for f in _sentence_counts(match.sentence.text) if f[2] not in ("%", "万元", "元")]
        if len(figs) >= 2:
            (v1, t1, u1), (v2, t2, u2) = figs[0], figs[1]
            if u1 != u2 or v1 == 0 or v2 == 0:
                continue
            citation = ctx.cite_text(match.sentence.chunk, match.sentence.text, (t1, t2))
            big, small = (Operand(v1, u1, "总数", citation, t1), Operand(v2, u2, "其中", citation, t2))
            if v2 > v1:
                big, small = Operand(v2, u2, "总数", citation, t2), Operand(v1, u1, "其中", citation, t1)
            return computed_answer(
                intent.question, "比例为", ratio_percent(small, big), [small, big], ctx.title()
            )
    return None


def _sentence_counts(sentence: str) -> list[tuple[Decimal, str, str]]:
    found = []
    for m in re.finditer(r"(\d[\d,]*(?:\.\d+)?)\s*(篇|份|件|个|次|人次|批次|辆|人|项|万元|元|%)", sentence):
        found.append((Decimal(m.group(1).replace(",", "")), m.group(1), m.group(2)))
    return found


def _difference(intent: Intent, ctx: ReportContext, resolver: Resolver, text: str) -> Answer | None:
    m = re.search(r"(.+?)比(.+?)(多|少|高|低|超|省|节约)", text)
    if not m:
        return None
    a_phrase, b_phrase = _strip_tail(m.group(1)), _strip_tail(m.group(2))
    expect = (
        "人" if staff_question(text) else ("money" if intent.expect in ("money", None) else intent.expect)
    )
    budget_words = re.fullmatch(r"(?:年初|全年)?预算(?:数)?", b_phrase)
    if budget_words:
        stated = resolver.resolve(ctx, intent, prefer_text=True)
        subject = re.sub(r"(?:支出)?(?:决算数|决算|实际支出|实际)$", "", a_phrase) or a_phrase
        a = _resolve(resolver, ctx, intent, a_phrase, measure=own_measure(ctx), expect=expect)
        b = _resolve(resolver, ctx, intent, f"{subject}{b_phrase}", measure="budget", expect=expect)
        if (a is None or b is None or a.operand.value == b.operand.value) and stated is not None:
            return figure_answer(intent.question, ctx, stated)
        b_label = f"{subject}{b_phrase}"
    else:
        a = _resolve(resolver, ctx, intent, a_phrase, expect=expect)
        b = _resolve(resolver, ctx, intent, b_phrase, expect=expect)
        b_label = b_phrase
    if a is None or b is None:
        return None
    oa, ob = _labelled(a, a_phrase), _labelled(b, b_label)
    if oa.value == ob.value and oa.citation == ob.citation:
        return None
    result = difference(oa, ob, absolute=True)
    same_unit = (
        oa.unit == ob.unit or {oa.unit, ob.unit} == {"人", "名"} or (is_money(oa.unit) and is_money(ob.unit))
    )
    more = (
        (oa.value > ob.value if oa.unit == ob.unit else result.value != 0 and _bigger(oa, ob))
        if same_unit
        else None
    )
    word = "多" if more else "少" if more is not None else "相差"
    lead = f"{a_phrase}比{b_label}{word}" if more is not None else "相差"
    return computed_answer(intent.question, lead, result, [oa, ob], ctx.title())


def _bigger(a: Operand, b: Operand) -> bool:
    unit = a.unit if is_money(a.unit) else b.unit
    return in_unit(a, unit)[0] > in_unit(b, unit)[0]
