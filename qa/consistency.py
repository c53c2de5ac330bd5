"""Consistency checks: 是/一致 or 否/不一致, with both figures cited.

- a figure stated in the question vs the table (``说明中的人员经费926.54万元，和明细表对得上吗``);
- a claimed difference vs the arithmetic (``比上年36,227,295.3元减少了4,119,818.6元，算得对吗``: the
  base is found in the report and the subtraction redone);
- a claim that every score is N vs the score table (``都是100分``);
- a total vs the sum of its parts: a score table's rows, or the stored identity check of a
  standard table (三公 合计 = Σ parts; a 0.01 difference is reported as a rounding difference);
- the same item stated in two places (text vs text, text vs table).
"""

from __future__ import annotations

import logging
import re
from decimal import Decimal

from qa.compose import answered
from qa.compute import Operand, difference, fmt, is_money, ratio_percent, same_amount, total
from qa.context import ReportContext
from qa.lexicon import Concept, find_concepts, most_specific, norm
from qa.model import Answer
from qa.resolve import Resolver, narrative_module
from qa.tasks import body, own_measure
from qa.understand import Intent

log = logging.getLogger(__name__)

_MONEY_IN_QUESTION = re.compile(r"(\d[\d,，]*(?:\.\d+)?)\s*(亿元|万元|元|分|%|辆|人次|个)")
_specific = most_specific


def _question_figures(question: str) -> list[tuple[Decimal, str, str]]:
    found = []
    for m in _MONEY_IN_QUESTION.finditer(question):
        raw = m.group(1).replace("，", ",")
        found.append((Decimal(raw.replace(",", "")), raw, m.group(2)))
    return found


def consistency_answer(intent: Intent, ctx: ReportContext, resolver: Resolver) -> Answer | None:
    """是/否 with both figures cited (see the module docstring)."""
    figures = _question_figures(intent.question)
    money_figures = [f for f in figures if is_money(f[2])]
    percents = [f for f in figures if f[2] == "%"]
    if len(money_figures) >= 2 and len(percents) == 1 and not _SHARE_WORDS.search(intent.text):
        rate = _claimed_rate(intent, ctx, money_figures, percents[0])
        if rate is not None:
            return rate
    if len(money_figures) >= 2:
        return _claimed_arithmetic(intent, ctx, money_figures)
    claim = re.search(
        r"(?:都是|均为|全部为|全部是|都为|全是|均是)\s*(\d+(?:\.\d+)?)\s*(分|万元|元|%)?", intent.question
    )
    if claim:
        return _all_equal(intent, ctx, (Decimal(claim.group(1)), claim.group(1), claim.group(2) or ""))
    if re.search(r"加起来|之和|相加|总和|加总|加在一起", intent.text):
        return _parts_sum(intent, ctx, resolver)
    percents = [f for f in figures if f[2] == "%"]
    if percents and "占" in intent.text:  # 222.5万元占“三公”经费的8.75%: the share is what is claimed
        shares = _stated_shares(intent, ctx, resolver, percents)
        if shares is not None:
            return shares
    if figures:
        return _stated_vs_table(intent, ctx, resolver, figures[0])
    return _stated_twice(intent, ctx, resolver)


def _share_parts(question: str, figures: list[tuple[Decimal, str, str]]) -> list[tuple[str, str, str]]:
    """(part, whole, printed %) per stated share: ``三公经费里出国费占25.96%、公车占23.92%`` →
    (出国费, 三公经费, 25.96), (公车, 三公经费, 23.92); a whole not repeated is the one before."""
    text = norm(question)
    found: list[tuple[str, str, str]] = []
    start = 0
    whole = ""
    for _, printed, _ in figures:
        at = text.find(printed.replace("，", ","), start)
        if at < 0:
            return []
        segment = re.split(r"[，,、；;：:。]", text[start:at])[-1]
        m = re.search(
            r"(?:(.+?)(?:里面|里|之中|中)的?)?(.+?)占(?:了)?(.*?)(?:的)?(?:比例|比重)?(?:为|是|达)?$", segment
        )
        if not m:
            return []
        whole = re.sub(r"的$", "", m.group(3)) or m.group(1) or whole
        container = re.search(r"(.+?)(?:里面|里|之中|中)", text[:at])
        whole = whole or (container.group(1)[-8:] if container else "")
        if not whole:
            return []
        found.append((_item(m.group(2)), _item(whole), printed))
        start = at + len(printed)
    return found


def _item(words: str) -> str:
    """An item's words without the report's preamble (``…2019年预算说明称公务接待费`` → 公务接待费)."""
    words = re.sub(
        r"[\d.,，]+\s*(?:亿元|万元|元)$", "", words
    )  # 因公出国（境）费222.5万元 → 因公出国（境）费
    return re.sub(r"^.*(?:称|说|年度?|里|中)", "", words) or words


def _stated_shares(intent: Intent, ctx: ReportContext, resolver: Resolver,
                   figures: list[tuple[Decimal, str, str]]) -> Answer | None:  # fmt: skip
    """Stated shares (``公务接待费占“三公”经费的16.93%``) recomputed from the figures they divide."""
    parts = _share_parts(intent.question, figures)
    if not parts:
        return None
    lines, citations, formulas, all_ok = [], [], [], True
    for part, whole, printed in parts:
        found = []
        for phrase in (part, whole):
            concepts = [c.concept for c in _specific(find_concepts(phrase))]
            hit = resolver.resolve(
                ctx, intent, phrase, concepts=concepts, expect="money", measure=own_measure(ctx)
            )
            if hit is None or not is_money(hit.operand.unit):
                return None
            found.append(
                Operand(hit.operand.value, hit.operand.unit, phrase, hit.operand.citation, hit.operand.text)
            )
        if found[0].value == found[1].value:
            return None  # the part resolved to its whole: nothing to compare
        result = ratio_percent(found[0], found[1])
        stated = Decimal(printed)
        places = Decimal(1).scaleb(-len(printed.split(".")[1])) if "." in printed else Decimal(1)
        ok = result.value.quantize(places) == stated  # at the printed precision: 16.92 ≠ 16.93
        all_ok = all_ok and ok
        lines.append(
            f"{part}占{whole}：说明{printed}%，按表计算{result.formula}" + ("" if ok else "（不一致）")
        )
        citations += [o.citation for o in found if o.citation]
        formulas.append(result.formula)
    text = f"{_verdict(all_ok)}。" + "；".join(lines) + f"。出处：{ctx.title()}。"
    return answered(intent.question, text, citations, formula="；".join(formulas))


def _verdict(ok: bool) -> str:
    return "是，一致" if ok else "否，不一致"


_SHARE_WORDS = re.compile(r"占")
_BASE_MARK = re.compile(r"(?:比|较|与|同)[^，,。]{0,16}$")


def _claimed_rate(
    intent: Intent, ctx: ReportContext, money: list[tuple[Decimal, str, str]], claim: tuple[Decimal, str, str]
) -> Answer | None:
    """``预算1434.89万元，比…执行数1690.69万元“减少1.10%”，对吗``: the rate recomputed from the two
    amounts (the one after 比/较 is the base) at the claim's precision, the report's sentence cited."""
    question = intent.question
    first, second = money[0], money[1]
    at = question.find(second[1])
    base, current = (second, first) if _BASE_MARK.search(question[:at]) else (first, second)
    if base[2] != current[2] or base[0] == 0:
        return None
    narrative = narrative_module()
    if narrative is None:
        return None
    sentence = None
    for chunk in ctx.chunks:
        for s in narrative.split_sentences(chunk):
            flat = re.sub(r"\s+", "", s.text)
            if all(t.replace(" ", "") in flat for t in (base[1], current[1])):
                sentence = s
                break
        if sentence:
            break
    if sentence is None:
        return None  # the report does not state these amounts together: nothing to check against
    places = len(claim[1].split(".")[1]) if "." in claim[1] else 0
    rate = round((current[0] - base[0]) / base[0] * 100, places)
    down = bool(
        re.search(r"减少|下降|降低|减", question[question.find(claim[1]) - 6 : question.find(claim[1])])
    )
    claimed = -claim[0] if down else claim[0]
    ok = rate == claimed
    formula = f"({current[1]} − {base[1]}) ÷ {base[1]} × 100% = {fmt(rate, places)}%"
    word = "减少" if rate < 0 else "增加"
    text = (
        f"{'是，一致' if ok else '否，不一致'}。按报告的数字，({current[1]} − {base[1]}) ÷ {base[1]} = "
        f"{word}{fmt(abs(rate), places)}%，所说的是{'减少' if down else '增加'}{claim[1]}%。出处：{ctx.title()}。"
    )
    citation = ctx.cite_text(sentence.chunk, sentence.text, (base[1], current[1]))
    return answered(question, text, [citation], abs(rate), "%", formula)


def _claimed_arithmetic(
    intent: Intent, ctx: ReportContext, figures: list[tuple[Decimal, str, str]]
) -> Answer | None:
    """``比上年 A 元减少了 D 元，算得对吗``: find the base X in the report, check A − X = D."""
    narrative = narrative_module()
    if narrative is None:
        return None
    (base_value, base_text, unit), (diff_value, diff_text, _) = figures[0], figures[1]
    entries = [s for chunk in ctx.chunks for s in narrative.split_sentences(chunk)]
    for n, sentence in enumerate(entries):
        flat = re.sub(r"\s+", "", sentence.text)
        if base_text.replace(" ", "") not in flat or diff_text.replace(" ", "") not in flat:
            continue
        window = "".join(s.text for s in entries[max(0, n - 3) : n + 1])
        amounts = [(Decimal(t.replace(",", "")), t) for t, u in re.findall(r"(\d[\d,]*(?:\.\d+)?)\s*(元|万元)", window)
                   if u == unit]  # fmt: skip
        others = [(v, t) for v, t in amounts if v not in (base_value, diff_value)]
        if not others:
            continue
        value, text = min(others, key=lambda vt: abs(abs(base_value - vt[0]) - diff_value))
        citation = ctx.cite_text(
            sentence.chunk, window if len(window) < 400 else sentence.text, (base_text, diff_text, text)
        )
        x = Operand(value, unit, "本年数", citation, text)
        a = Operand(base_value, unit, "上年数", citation, base_text)
        result = difference(a, x, absolute=True)
        ok = result.value == diff_value
        gap = fmt(abs(result.value - diff_value), 2)
        text_answer = (f"{'是，算得对' if ok else '否，算得不对'}。{base_text}{unit} − {text}{unit} = {fmt(result.value, 2)}{unit}，"
                       f"报告写{diff_text}{unit}" + ("" if ok else f"，相差{gap}{unit}") + f"。出处：{ctx.title()}。")  # fmt: skip
        formula = result.formula
        if not ok:
            formula += f"；{diff_text} − {fmt(result.value, 2)} = {'−' if diff_value < result.value else ''}{gap}（{unit}）"
        return answered(intent.question, text_answer, [citation], result.value, unit, formula)
    return None


def _all_equal(intent: Intent, ctx: ReportContext, figure: tuple[Decimal, str, str]) -> Answer | None:
    value, _, unit = figure
    column_word = "得分" if unit == "分" else ""
    best: list = []
    best_key: tuple[int, int] = (-1, -1)
    for table in ctx.tables.tables.values():
        rows = ctx.tables.by_seq.get(table.seq, [])
        facts = [f for r in rows for f in r.facts if (not column_word or column_word in f.column)]
        if len(facts) < 3 or (intent.table_hint is not None and table.kind != intent.table_hint):
            continue
        key = (_common(norm(table.title), intent.text), len(facts))
        if key > best_key:
            best, best_key = facts, key
    if not best:
        return None
    differ = [f for f in best if f.value != value]
    citations = [ctx.cite_fact(f) for f in (differ or best)[:12]]
    if not differ:
        return answered(
            intent.question,
            f"是，一致：{ctx.table_name(fact=best[0])}中各项均为{figure[1]}{unit}。",
            citations,
        )
    listed = "；".join(f"{f.row_label} {f.text or fmt(f.value)}{unit}" for f in differ[:12])
    text = (f"否，不一致：{ctx.table_name(fact=differ[0])}中以下各项不是{figure[1]}{unit}：{listed}。"
            f"出处：{ctx.title()}。")  # fmt: skip
    return answered(intent.question, text, citations)


def _common(a: str, b: str) -> int:
    """Length of the longest common substring (up to 12 characters)."""
    for size in range(min(len(a), 12), 1, -1):
        if any(a[i : i + size] in b for i in range(len(a) - size + 1)):
            return size
    return 0


def _stated_vs_table(intent: Intent, ctx: ReportContext, resolver: Resolver,
                     figure: tuple[Decimal, str, str]) -> Answer | None:  # fmt: skip
    value, printed, unit = figure
    phrase = re.split(re.escape(printed), intent.question)[0][-30:]
    phrase = re.sub(r".*(?:中的|里的|中|里|称|说)", "", norm(phrase)) or phrase
    concepts = [c.concept for c in _specific(find_concepts(phrase))] or [
        c.concept for c in intent.concepts[:1]
    ]
    query = resolver.query_of(intent, ctx, phrase, concepts)
    if is_money(unit):  # a stated % is never compared with an amount, nor an amount with a %
        cells = [c for c in resolver.cells(ctx, query) if is_money(c.fact.unit) or c.fact.unit == ""]
    else:
        cells = [c for c in resolver.cells(ctx, query) if c.fact.unit == unit]
    if not cells:
        return None
    cell = cells[0]
    stated = Operand(value, unit, "问题所述", None, printed)
    table = ctx.operand(cell.fact, cell.row.label or phrase)
    equal, diff = same_amount(stated, table)
    gap = fmt(abs(diff).quantize(Decimal("0.01")))  # in the stated unit, to the cent/0.01 万元
    note = (
        "" if equal else (f"，相差约{gap}{unit}" + ("（尾数差异）" if abs(diff) <= Decimal("0.01") else ""))
    )
    text = (f"{_verdict(equal)}。说明中为{printed}{unit}，{ctx.table_name(fact=cell.fact)}"
            f"{cell.fact.row_label or cell.fact.column}为{table.shown()}{cell.fact.unit}{note}。")  # fmt: skip
    formula = None if equal else difference(stated, table, absolute=True).formula
    return answered(intent.question, text, [table.citation] if table.citation else [], table.value, table.unit,
                    formula)  # fmt: skip


def _parts_sum(intent: Intent, ctx: ReportContext, resolver: Resolver) -> Answer | None:
    """Does a total equal the sum of its parts? Score tables (自评得分合计) by their rows, standard
    tables by the stored identity checks."""
    scores = intent.expect == "分" or any(c.concept.key == "自评得分" for c in intent.concepts)
    for table in ctx.tables.tables.values() if scores else ():
        rows = ctx.tables.by_seq.get(table.seq, [])
        totals = [r for r in rows if re.search(r"合计|总分|总计", r.nlabel) and r.facts]
        parts = [r for r in rows if any("分值" in f.column for f in r.facts) and r not in totals]
        if not totals or len(parts) < 3:
            continue
        total_fact = totals[0].facts[-1]
        scores = [r.facts[-1] for r in parts]
        summed = sum((f.value for f in scores), Decimal(0))
        ok = summed == total_fact.value
        citations = [ctx.cite_fact(total_fact)] + [ctx.cite_fact(f) for f in scores]
        shown = " + ".join(f.text or fmt(f.value) for f in scores)
        formula = f"{shown} = {fmt(summed.normalize())}"
        text = (f"{_verdict(ok)}。各项得分相加为{fmt(summed.normalize())}，{totals[0].label}为{total_fact.text}"
                f"（{ctx.table_name(table)}）。")  # fmt: skip
        return answered(intent.question, text, citations, summed, None, formula)
    named = _named_parts_sum(intent, ctx, resolver)
    return named if named is not None else _identity_check(intent, ctx)


_PARTS_EQUAL = re.compile(
    r"(?:加起来|之和|相加|加在一起|总和|合计)[^，,。]{0,6}?(?:是否|是不是)?(?:正好|刚好)?(?:等于|是)"
)


def _named_parts_sum(intent: Intent, ctx: ReportContext, resolver: Resolver) -> Answer | None:
    """``人员经费和公用经费加起来等于基本支出吗``: the named parts resolved, summed and compared
    with the named total (formula shown); ``None`` unless two parts and a total are named."""
    m = _PARTS_EQUAL.search(intent.text)
    if not m:
        return None
    clause_start = max(intent.text.rfind(sep, 0, m.start()) for sep in "，,：:；;") + 1
    clause = intent.text[clause_start : m.start()]
    named: list[tuple[str, list[Concept] | None]] = [
        (p.word, [p.concept]) for p in _specific(find_concepts(clause))
    ]
    quoted = [q for q in intent.quoted if q in clause]
    if len(named) < 2 and len(quoted) >= 2:
        named = [(q, None) for q in quoted]  # “工资福利支出”和“对个人和家庭的补助”: the rows named
    wholes = find_concepts(intent.text[m.end() :])
    stated = [f for f in _question_figures(intent.question) if is_money(f[2])]
    if len(named) < 2 or not (wholes or len(stated) == 1):
        return None
    operands = []
    for word, concepts in named:
        found = resolver.resolve(ctx, intent, word, concepts=concepts)
        if found is None or not is_money(found.operand.unit):
            return None
        op = found.operand
        operands.append(
            Operand(op.value, op.unit, concepts[0].key if concepts else word, op.citation, op.text)
        )
    if wholes:
        found = resolver.resolve(ctx, intent, wholes[0].word, concepts=[wholes[0].concept])
        if found is None or not is_money(found.operand.unit):
            return None
        op = found.operand
        whole = Operand(op.value, op.unit, wholes[0].concept.key, op.citation, op.text)
    else:  # 说人员经费7670.82万元，…加起来是这个数吗: the figure the question states
        value, raw, unit = stated[0]
        whole = Operand(value, unit, "问题所述的数", None, raw)
    items = operands
    summed = total(items)
    ok, diff = same_amount(Operand(summed.value, summed.unit, "合计", None, fmt(summed.value)), whole)
    note = "" if ok else f"，相差{fmt(abs(diff).normalize())}{whole.unit}"
    text = (f"{_verdict(ok)}。{'、'.join(o.label for o in items)}相加为{fmt(summed.value)}{summed.unit}，"
            f"{whole.label}为{whole.shown()}{whole.unit}{note}。计算：{summed.formula}。出处：{ctx.title()}。")  # fmt: skip
    citations = [o.citation for o in operands if o.citation]
    return answered(intent.question, text, citations, summed.value, summed.unit, summed.formula)


def _identity_check(intent: Intent, ctx: ReportContext) -> Answer | None:
    """The stored accounting-identity check of the table the question is about (三公 合计 = Σ parts …)."""
    kinds = {kind for c in intent.concepts for t in c.concept.targets for kind in t.tables}
    if intent.table_hint:
        kinds = {intent.table_hint}
    seqs = {t.seq for t in ctx.tables.tables.values() if t.kind in kinds}
    relevant = [c for c in ctx.checks if c.table_seq in seqs]
    if not relevant:
        return None
    measure = "预算数" if intent.measure == "budget" else "决算数"
    relevant.sort(key=lambda c: (c.status == "pass", measure not in c.name, "合计" not in c.name))
    check = relevant[0]
    ok = check.status == "pass"
    note = "（差额为尾数差异）" if check.status == "rounding" else ""
    total_cells = [
        f for r in ctx.tables.by_seq.get(check.table_seq, []) for f in r.facts if f.value == check.expected
    ]
    citations = [ctx.cite_fact(f) for f in total_cells[:1]]
    text = f"{_verdict(ok)}{note}。{check.detail}（{ctx.title()}，{ctx.table_name(ctx.tables.tables[check.table_seq])}）"
    return answered(intent.question, text, citations, check.actual, check.unit, check.detail)


def _stated_twice(intent: Intent, ctx: ReportContext, resolver: Resolver) -> Answer | None:
    """The same item stated in several places (text vs table, or twice in the text)."""
    expect = intent.expect if intent.expect in ("%", "money") else "money"
    subject = re.split(r"[，,]", body(intent, ctx))[0]
    values: list[Operand] = []
    for match in resolver.figures(ctx, subject, expect)[:4]:
        if match.score < 2.5:
            continue
        found = resolver.text_found(ctx, match, subject)
        values.append(found.operand)
    query = resolver.query_of(intent, ctx, subject, [])
    for cell in resolver.cells(ctx, query, retrieve=False)[:2]:
        if cell.row_score >= 7 and (expect != "%" or "率" in cell.fact.column):
            values.append(ctx.operand(cell.fact, cell.row.label))
    if len(values) < 2:
        return None
    first = values[0]
    differing = [v for v in values[1:] if not same_amount(first, _as_percent(v, first))[0]]
    ok = not differing
    other = differing[0] if differing else values[1]
    text = (f"{_verdict(ok)}。一处为{first.shown()}{first.unit}，另一处为{other.shown()}{other.unit}"
            f"（{ctx.title()}）。")  # fmt: skip
    return answered(intent.question, text, [v.citation for v in (first, other) if v.citation])


def _as_percent(value: Operand, like: Operand) -> Operand:
    """A ratio printed as 0.963 compared with a percentage printed as 96.24%."""
    if like.unit == "%" and value.unit != "%" and value.value <= 1:
        return Operand(value.value * 100, "%", value.label, value.citation, value.text)
    return value
