"""The narrative of the sample reports (情况说明), with every stated figure recorded as truth.

Figures restating a table figure are taken from the tables built by :mod:`ingest.samples.content`
and converted to the sentence's unit, so the text and the tables agree — except the one figure
planted 0.01 off (:class:`~ingest.samples.data.Planted`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from ingest.numbers import convert
from ingest.samples.content import EMPTY_FUNDS, cn_number, pct
from ingest.samples.data import (
    CENT,
    NAMES,
    TITLES,
    ZERO,
    Element,
    Heading,
    Item,
    NarrativeFact,
    NarrativeLink,
    Office,
    Paragraph,
    Planted,
    TableDraft,
    TableFact,
)


class Fig(NamedTuple):
    """A figure to state in a sentence; ``fact`` when it restates a table figure."""

    value: Decimal
    unit: str
    fact: TableFact | None = None
    planted: bool = False


class Narrator:
    """Writes the narrative and records every stated figure (and its table source) as truth."""

    def __init__(self, office: Office, tables: dict[str, TableDraft]) -> None:
        self.office, self.tables = office, tables
        self.elements: list[Element] = []
        self.narrative: list[NarrativeFact] = []
        self.links: list[NarrativeLink] = []
        self.planted: list[Planted] = []

    def money(self, fact: TableFact | None, unit: str = "", shift: Decimal = ZERO) -> Fig:
        """A table figure restated in ``unit`` (default: the table unit); ``shift`` plants an error."""
        unit = unit or self.office.unit
        if fact is None:
            return Fig(ZERO, unit)
        value = convert(fact.value, self.office.unit, unit).quantize(CENT)
        return Fig(value + shift, unit, fact, planted=bool(shift))

    def text(self, fig: Fig) -> str:
        if fig.unit in ("元", "万元"):
            number = f"{fig.value:,.2f}" if self.office.style.text_separators else f"{fig.value:.2f}"
        elif fig.unit == "%":
            number = f"{fig.value:.2f}"
        else:
            number = str(fig.value)
        return number + fig.unit

    def say(self, template: str, *figs: Fig) -> str:
        """Format a sentence and record its figures."""
        sentence = template.format(*(self.text(f) for f in figs))
        for fig in figs:
            self.narrative.append(NarrativeFact(sentence, fig.value, fig.unit))
            if fig.planted and fig.fact:
                where = f"{TITLES[fig.fact.table]}{fig.fact.label}行{fig.fact.column[-1]}列"
                self.planted.append(Planted(
                    f"情况说明称{self.text(fig)}，{where}为{fig.fact.value}{fig.unit}，相差0.01（尾差）"
                    f" / narrative {fig.value} vs table {fig.fact.value}: a rounding difference of 0.01",
                    sentence, fig.value, fig.unit, fig.fact))
            elif fig.fact:
                self.links.append(NarrativeLink(sentence, fig.value, fig.unit, fig.fact))
        return sentence

    def change(self, subject: str, now: Fig, before: Decimal) -> str:
        """``与上年相比，subject增加X，增长Y%。`` with the right verbs for the sign."""
        diff = now.value - before
        up = diff >= 0
        return self.say(f"与{self.office.year - 1}年度相比，{subject}{'增加' if up else '减少'}{{}}，"
                        f"{'增长' if up else '下降'}{{}}。",
                        Fig(abs(diff), now.unit), Fig(pct(abs(diff), before), "%"))

    def heading(self, text: str, level: int = 2) -> None:
        self.elements.append(Heading(text, level))

    def para(self, *sentences: str) -> None:
        self.elements.append(Paragraph("".join(sentences)))


def _three_public_fact(tables: dict[str, TableDraft], rows: bool, item: str, which: str) -> TableFact | None:
    """The 三公 table's fact for ``item`` (合计/小计/因公出国（境）费/…) and 预算数/决算数, if printed."""
    t = tables["three_public"]
    try:
        if rows:
            renamed = {"小计": "公务用车购置及运行维护费", "公务用车购置费": "其中：公务用车购置费"}
            label = renamed.get(item, item)
            return t.fact(label, which)
        return t.fact("", item, which)
    except KeyError:
        return None


def write_narrative(office: Office, tables: dict[str, TableDraft], items: list[Item]) -> Narrator:
    """第三部分 情况说明: totals, changes, structure, 三公, 机关运行经费, 政府采购, assets, 绩效."""
    n, o, y, u = Narrator(office, tables), office, office.year, office.unit
    name, scope, extra = office.unit_name, office.scope, office.extra
    summary, exp, gpb = tables["summary"], tables["expenditure"], tables["gpb_expenditure"]
    n.heading(f"第三部分 {name}{y}年度{scope}决算情况说明", 1)
    n.heading("一、收入支出决算总体情况说明")
    total = n.money(summary.fact("总计", "收入", "决算数"))
    n.para(n.say(f"{name}{y}年度收入、支出总计均为{{}}。", total),
           n.change("收入、支出总计各", total, o.prior["total"]), o.reasons["total"])
    n.heading("二、收入决算情况说明")
    income = n.money(summary.fact("本年收入合计", "决算数"))
    parts = [("财政拨款收入", summary.fact("一、一般公共预算财政拨款收入", "决算数"))]
    parts += [("其他收入", f) for f in summary.facts if f.label == "八、其他收入"]
    figs = [income] + [g for _, f in parts for g in (n.money(f), Fig(pct(f.value, income.value), "%"))]
    n.para(n.say("本年收入合计{}，其中：" + "；".join(f"{p}{{}}，占{{}}" for p, _ in parts) + "。", *figs))
    n.heading("三、支出决算情况说明")
    spent = n.money(exp.fact("合计", "本年支出", "合计"))
    basic, project = (n.money(exp.fact("合计", "本年支出", c)) for c in ("基本支出", "项目支出"))
    n.para(n.say("本年支出合计{}，其中：基本支出{}，占{}；项目支出{}，占{}。", spent, basic,
                 Fig(pct(basic.value, spent.value), "%"), project, Fig(pct(project.value, spent.value), "%")))
    n.heading("四、财政拨款收入支出决算总体情况说明")
    fiscal = n.money(tables["fiscal_summary"].fact("总计", "收入", "决算数"))
    n.para(n.say(f"{name}{y}年度财政拨款收入、支出总计均为{{}}。", fiscal),
           n.change("财政拨款收入、支出总计各", fiscal, o.prior["fiscal"]), o.reasons["fiscal"])
    n.heading("五、一般公共预算财政拨款支出决算情况说明")
    n.heading("（一）一般公共预算财政拨款支出决算总体情况", 3)
    gpb_total = n.money(gpb.fact("合计", "合计"))
    n.para(n.say(f"{y}年度一般公共预算财政拨款支出{{}}，占本年支出合计的{{}}。", gpb_total,
                 Fig(pct(gpb_total.value, spent.value), "%")))
    n.heading("（二）一般公共预算财政拨款支出决算结构情况", 3)
    classes = [f for f in gpb.facts if len(f.code) == 3 and f.column[-1] == "合计"]
    figs = [g for f in classes for g in (n.money(f), Fig(pct(f.value, gpb_total.value), "%"))]
    n.para(n.say("一般公共预算财政拨款支出主要用于以下方面：" + "；".join(
        f"{f.label}（类）{{}}，占{{}}" for f in classes) + "。", *figs))
    n.heading("（三）一般公共预算财政拨款支出决算具体情况", 3)
    detailed = [i for i in items if i.code in o.reasons] or sorted(items, key=lambda i: -i.project)[:2]
    if o.style.budget_column:
        budget = n.money(gpb.fact("合计", "年初预算数"))
        n.para(n.say("一般公共预算财政拨款支出年初预算为{}，支出决算为{}，完成年初预算的{}。",
                     budget, gpb_total,
                     Fig(pct(gpb_total.value, budget.value), "%")))
    for k, item in enumerate(detailed, 1):
        path = f"{NAMES[item.code[:3]]}（类）{NAMES[item.code[:5]]}（款）{item.label}（项）"
        actual = n.money(gpb.fact(item.code, "合计"))
        if o.style.budget_column:
            planned = n.money(gpb.fact(item.code, "年初预算数"))
            n.para(f"{k}.{path}。", n.say("年初预算为{}，支出决算为{}，完成年初预算的{}。", planned, actual,
                                          Fig(pct(actual.value, planned.value), "%")), o.reasons[item.code])
        else:
            n.para(n.say(f"{k}.{path}支出决算为{{}}，占一般公共预算财政拨款支出的{{}}。", actual,
                         Fig(pct(actual.value, gpb_total.value), "%")))
    n.heading("六、一般公共预算财政拨款基本支出决算情况说明")
    basic_total = n.money(gpb.fact("合计", "基本支出"), shift=CENT if o.plant else ZERO)
    n.para(n.say(
        f"{y}年度一般公共预算财政拨款基本支出{{}}，其中：人员经费{{}}，主要包括基本工资、津贴补贴、奖金、绩效工资、"
        "机关事业单位基本养老保险缴费、职业年金缴费、住房公积金、退休费等；公用经费{}，主要包括办公费、水电费、"
        "物业管理费、差旅费、公务接待费、公务用车运行维护费、办公设备购置等。", basic_total,
        n.money(tables["gpb_basic"].fact("人员经费合计", "决算数")),
        n.money(tables["gpb_basic"].fact("公用经费合计", "决算数"))))
    _three_public_narrative(n)
    for key, what in EMPTY_FUNDS:
        n.heading(f"{cn_number(8 if key == 'gov_fund' else 9)}、{TITLES[key][:-3]}决算情况说明")
        n.para(f"本{scope}{y}年度无{what}，故{tables[key].number}《{TITLES[key]}》为空表。")
    n.heading("十、其他重要事项的情况说明")
    n.heading("（一）机关运行经费支出情况", 3)
    running = Fig(extra["running"], u)
    n.para(n.say(f"{y}年度机关运行经费支出{{}}。", running),
           n.change("机关运行经费", running, o.prior["running"]), o.reasons["running"])
    n.heading("（二）政府采购支出情况", 3)
    bought = [Fig(extra[k], u) for k in ("goods", "works", "services")]
    purchase = Fig(sum((f.value for f in bought), ZERO), u)
    sme, small = Fig(extra["sme"], u), Fig(extra["small"], u)
    n.para(n.say(f"{y}年度政府采购支出总额{{}}，其中：政府采购货物支出{{}}、政府采购工程支出{{}}、政府采购服务支出{{}}。",
                 purchase, *bought),
           n.say("授予中小企业合同金额{}，占政府采购支出总额的{}，其中：授予小微企业合同金额{}，占政府采购支出总额的{}。",
                 sme, Fig(pct(sme.value, purchase.value), "%"),
                 small, Fig(pct(small.value, purchase.value), "%")))
    n.heading("（三）国有资产占用情况", 3)
    cars = [Fig(extra[k] if k else Decimal(0), "辆") for k in
            ("cars", "", "car_confidential", "car_emergency", "", "", "", "car_other")]
    n.para(n.say(f"截至{y}年12月31日，共有车辆{{}}，其中：主要领导干部用车{{}}、机要通信用车{{}}、应急保障用车{{}}、"
                 "执法执勤用车{}、特种专业技术用车{}、离退休干部用车{}、其他用车{}。", *cars),
           n.say("单价100万元（含）以上设备（不含车辆）{}。", Fig(Decimal(0), "台（套）")))
    n.heading("（四）预算绩效管理情况", 3)
    n.para(n.say(f"{y}年度本{scope}对{{}}项目开展绩效自评，涉及财政拨款资金{{}}，平均得分{{}}。",
                 Fig(extra["projects"], "个"), Fig(extra["project_funds"], u), Fig(extra["score"], "分")))
    return n


def _three_public_narrative(n: Narrator) -> None:
    """七、三公: budget vs actual, the parts, cars and receptions, change on last year."""
    o, y, extra = n.office, n.office.year, n.office.extra
    rows = o.style.three_public_rows
    unit = "万元"  # the 三公 paragraph is in 万元 even when the tables are in 元

    def fig(item: str, which: str = "决算数") -> Fig:
        return n.money(_three_public_fact(n.tables, rows, item, which), unit)

    n.heading("七、财政拨款“三公”经费支出决算情况说明")
    planned, actual = fig("合计", "预算数"), fig("合计")
    n.para(n.say(f"{y}年度“三公”经费财政拨款支出年初预算为{{}}，支出决算为{{}}，完成年初预算的{{}}。",
                 planned, actual, Fig(pct(actual.value, planned.value), "%")),
           n.say("其中：因公出国（境）费支出决算为{}，全年安排因公出国（境）团组{}、{}。",
                 fig("因公出国（境）费"),
                 Fig(Decimal(0), "个"), Fig(Decimal(0), "人次")),
           n.say("公务用车购置及运行维护费支出决算为{}，其中：公务用车购置费{}，全年购置公务用车{}；公务用车运行维护费{}，"
                 f"截至{y}年12月31日，公务用车保有量为{{}}。", fig("小计"), fig("公务用车购置费"),
                 Fig(extra["cars_bought"], "辆"), fig("公务用车运行维护费"), Fig(extra["cars"], "辆")),
           n.say("公务接待费支出决算为{}，全年国内公务接待{}、{}。", fig("公务接待费"),
                 Fig(extra["batches"], "批次"), Fig(extra["visitors"], "人次")))
    before = o.prior["three_public"] / (10_000 if o.unit == "元" else 1)
    n.para(n.change(f"{y}年度“三公”经费财政拨款支出决算", actual, before.quantize(CENT)),
           o.reasons["three_public"])
