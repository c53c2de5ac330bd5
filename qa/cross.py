"""Questions over several reports: comparisons, rankings, sums — and ambiguous questions.

Each report in scope gets the same figure resolved (:class:`qa.resolve.Resolver`: table cell
or sentence); money is converted to 万元 before comparing. Reports that do not state the
figure are named as such, never given a guessed number. Different fiscal years are pointed
out. An ambiguous question (several reports fit, none named) returns the candidates and,
where cheap, each one's figure.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from decimal import Decimal

from ingest.numbers import MONEY_UNITS, convert
from qa.compose import ambiguous, answered, refused
from qa.compute import Operand, difference, fmt, total
from qa.context import ReportContext
from qa.lexicon import norm
from qa.model import STATUS_UNANSWERABLE, Answer
from qa.resolve import Found, Resolver
from qa.scope import type_words, unit_names
from qa.understand import Intent

log = logging.getLogger(__name__)

_NOISE = re.compile(
    r"20\d{2}年?度?|这[五六七八九十两三四几\d]+[个家]|这几[个家]|[五六七八九十两三四\d]+个|各[个家]|所有|全部|"
    r"哪个|哪家|哪一个|哪一家|哪些|谁的|谁|按|把|给|排个序|排序|排一下|排名|从高到低|从低到高|从多到少|从少到多|"
    r"从大到小|从小到大|最多|最高|最大|最少|最低|最小|加起来|加在一起|一共|总共|合计是|分别|各有|各是|多少|"
    r"请问|万元|亿元|元|钱|合计为|为|多出|少出|多花了|少花了|多花|少花|花了|花|多用了|少用了|"
    r"是|的|和|与|及|、|，|,|？|\?|。|（|）|\(|\)|里|中|金额|一下|更多|比|多"
)


def topic(intent: Intent, contexts: Sequence[ReportContext], keep_ask: bool = False) -> str:
    """What is compared, without the unit names, years and comparison words (``三公经费``);
    with ``keep_ask`` the asking words stay (``有多少辆车``) for counts."""
    text = intent.text
    names: set[str] = set()
    for ctx in contexts:
        names.update(unit_names(ctx.record))
        names.update(type_words(ctx.record))
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    for ctx in contexts:
        region = norm(ctx.record.report.region)
        for place in re.findall(r"[\u4e00-\u9fff]+?(?:市|区|县|州)", region):
            text = text.replace(place, " ")
    if keep_ask:
        text = re.sub(r"20\d{2}年?度?|[（()）、，,？?。]|和|与|分别|各", " ", text)
        return re.sub(r"\s+", "", text) or intent.text
    text = _NOISE.sub(" ", text)
    return re.sub(r"\s+", "", text) or intent.text


def _in_wan(op: Operand) -> Decimal:
    return convert(op.value, op.unit, "万元") if op.unit in MONEY_UNITS else op.value


def _shown(op: Operand) -> str:
    text = f"{op.shown()}{op.unit}"
    if op.unit == "元" and op.value >= 10000:
        text += f"（约{fmt(_in_wan(op), 2)}万元）"
    return text


def _label(ctx: ReportContext) -> str:
    return f"{ctx.unit}（{ctx.year}年）" if ctx.year else ctx.unit


def _per_report(intent: Intent, contexts: Sequence[ReportContext], resolver: Resolver) -> list[tuple[ReportContext, Found | None]]:  # fmt: skip
    phrase = topic(intent, contexts)
    if intent.expect not in (None, "money", "%", "分"):
        phrase = topic(intent, contexts, keep_ask=True)
        if intent.expect == "辆" and not re.search(r"买|购|新增|保有", intent.text):
            phrase = "共有车辆"  # how many cars: the stated fleet, not cars bought
    concepts = [c.concept for c in intent.concepts]
    results = []
    for ctx in contexts:
        found = resolver.resolve(ctx, intent, phrase, concepts=concepts) if phrase else None
        results.append((ctx, found))
        log.debug("cross %s %s → %s", phrase, ctx.unit, found and found.operand.value)
    return results


def cross_answer(intent: Intent, contexts: Sequence[ReportContext], resolver: Resolver) -> Answer:
    """Compare, rank, sum or list one figure across the reports in scope."""
    what = topic(intent, contexts)
    results = _per_report(intent, contexts, resolver)
    have = [(ctx, f) for ctx, f in results if f is not None]
    missing = [ctx for ctx, f in results if f is None]
    if not have:
        return refused(intent.question, f"这些报告都没有披露“{what}”。", list(contexts))
    citations = [v.citation for _, f in have for v in f.values[:1] if v.citation]
    if intent.lacking and len(have) < 2 and intent.operation != "each":
        year = intent.years[0] if intent.years else ""
        found = "；".join(f"{_label(c)} {_shown(f.operand)}" for c, f in have)
        text = f"无法比较或合计：没有{'、'.join(intent.lacking)}{year}年度的报告。已找到：{found}。"
        return Answer(intent.question, STATUS_UNANSWERABLE, text, citations=tuple(citations),
                      searched=tuple(c.file for c in contexts))  # fmt: skip
    years = {ctx.year for ctx, _ in have}
    one_unit = len({ctx.unit for ctx, _ in have}) == 1  # one unit's years compared: no warning
    year_note = "（注意：各报告年度不同）" if len(years) > 1 and not one_unit else ""
    gap = f"未披露：{'、'.join(_label(c) for c in missing)}。" if missing else ""
    if intent.lacking:
        year = intent.years[0] if intent.years else ""
        gap += f"没有{'、'.join(intent.lacking)}{year}年度的报告。"
    operation = intent.operation
    ranked = sorted(have, key=lambda cf: _in_wan(cf[1].operand), reverse=True)
    if operation in ("rank", "max", "min") or (operation == "which" and not _existence(intent)):
        if operation == "rank":
            order = ranked if intent.descending else list(reversed(ranked))
            direction = "从高到低" if intent.descending else "从低到高"
            body = "；".join(f"{_label(c)} {_shown(f.operand)}" for c, f in order)
            text = f"按{what}{direction}：{body}。{gap}{year_note}"
            return answered(intent.question, text, citations)
        winner_first = ranked if operation != "min" else list(reversed(ranked))
        top_ctx, top = winner_first[0]
        word = "最少" if operation == "min" else ("更多" if len(have) == 2 else "最多")
        rest = "；".join(f"{_label(c)} {_shown(f.operand)}" for c, f in winner_first[1:])
        text = (
            f"{top_ctx.unit}{word}：{_shown(top.operand)}（{top_ctx.year}年）。其他：{rest}。{gap}{year_note}"
        )
        return answered(intent.question, text, citations, top.operand.value, top.operand.unit)
    if operation == "which":
        positive = [(c, f) for c, f in have if f.operand.value > 0]
        none = [c for c, f in have if f.operand.value == 0]
        if not positive:
            return answered(
                intent.question,
                f"都没有：{'、'.join(_label(c) for c in none)}的{what}均为0。{gap}",
                citations,
            )
        body = "；".join(f"{c.unit}（{c.year}年）{_shown(f.operand)}" for c, f in positive)
        zero = f"其余为0：{'、'.join(_label(c) for c in none)}。" if none else ""
        first = positive[0][1].operand
        return answered(intent.question, f"{body}。{zero}{gap}", citations, first.value, first.unit)
    operands = [_operand(c, f) for c, f in have]
    if operation == "sum":
        if missing:
            gap = f"（不含未披露的：{'、'.join(_label(c) for c in missing)}）" + gap.split("。", 1)[-1]
        result = total(operands)
        text = f"合计{result.shown()}{result.unit}{gap}。计算：{result.formula}。{year_note}"
        return answered(intent.question, text, citations, result.value, result.unit, result.formula)
    if operation == "difference" and len(operands) == 2:
        result = difference(operands[0], operands[1], absolute=True)
        more = _in_wan(operands[0]) >= _in_wan(operands[1])
        (first, _), (second, _) = have[0], have[1]
        if first.unit == second.unit:  # one unit, two years (2019年比2017年)
            lead = f"{first.unit}{first.year}年比{second.year}年{'多' if more else '少'}"
        else:
            lead = f"{first.unit}比{second.unit}{'多' if more else '少'}"
        text = f"{lead}{result.shown()}{result.unit}。计算：{result.formula}。{gap}{year_note}"
        return answered(intent.question, text, citations, result.value, result.unit, result.formula)
    body = "；".join(f"{c.unit}（{c.year}年）：{_shown(f.operand)}" for c, f in have)
    first = have[0][1].operand
    return answered(intent.question, f"{body}。{gap}{year_note}", citations, first.value, first.unit)


def _existence(intent: Intent) -> bool:
    return bool(re.search(r"哪(?:家|个|些|一家|一个)?.{0,4}有|有没有|是否有", intent.text))


def _operand(ctx: ReportContext, found: Found) -> Operand:
    op = found.operand
    return Operand(op.value, op.unit, _label(ctx), op.citation, op.text)


def ambiguous_answer(intent: Intent, contexts: Sequence[ReportContext], resolver: Resolver) -> Answer:
    """Ask which report is meant; list the candidates and each one's figure where found."""
    results = _per_report(intent, contexts, resolver) if len(contexts) <= 8 else [(c, None) for c in contexts]
    lines = []
    citations = []
    for ctx, found in results:
        if found is not None:
            lines.append(f"{ctx.unit}（{ctx.year}年{ctx.kind}）：{_shown(found.operand)}")
            citations += [v.citation for v in found.values[:1] if v.citation]
        else:
            lines.append(f"{ctx.unit}（{ctx.year}年{ctx.kind}）：未披露")
    same_report_but_scope = (
        len({ctx.unit for ctx in contexts}) == 1
        and len({ctx.year for ctx in contexts}) == 1
        and len({ctx.record.report.scope for ctx in contexts}) > 1
    )
    found_all = [f for _, f in results if f is not None]
    if not found_all and len({ctx.unit for ctx in contexts}) == 1:
        # no report of the unit states it: nothing to choose between
        return refused(
            intent.question, "报告中没有找到这个问题要的内容（未披露），无法回答。", list(contexts)
        )
    if (
        same_report_but_scope
        and len(found_all) == len(results)
        and len({(f.operand.value, f.operand.unit) for f in found_all}) == 1
    ):
        # the 部门 and the 单位 report print the same figure: that is the answer, both cited
        first = found_all[0].operand
        scopes = "、".join(f"{ctx.record.report.scope}{ctx.kind}" for ctx, _ in results)
        text = f"{_shown(first)}（{contexts[0].unit}{contexts[0].year}年{scopes}中相同）。"
        return answered(intent.question, text, citations, first.value, first.unit)
    if len({ctx.unit for ctx in contexts}) == 1:
        if len({ctx.year for ctx in contexts}) > 1:
            missing = "年度"
        elif len({ctx.record.report.scope for ctx in contexts}) > 1:
            missing = "是部门还是单位的报告"
        else:
            missing = "是哪一份报告"
        lines = [
            line.replace("）：", f"，{ctx.record.report.scope}）：", 1) for line, ctx in zip(lines, contexts)
        ]
    else:
        missing = "单位" if intent.years else "单位和年度"
    text = (
        f"需澄清：问题没有指明{missing}，有多份报告符合，请问指的是哪一个？各报告的情况：{'；'.join(lines)}。"
    )
    return ambiguous(intent.question, text, [ctx.candidate() for ctx in contexts], citations)
