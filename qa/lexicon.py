"""The QA lexicon: everyday words → the table rows and columns the reports print.

A :class:`Concept` is one thing people ask about (公务接待费, 住房公积金, 基本支出 …). Its
``triggers`` are the words a question may use (``招待费``, ``接待费`` …, matched as substrings of
the normalised question, longest first); its ``targets`` say where the figure sits: which
tables (standard keys from :mod:`ingest.catalog`, in order of preference), which rows (by
功能/经济分类 code or by label) and which column (a word the column's header path contains).

Everything not listed here is found by matching the report's own row labels against the
question, or by retrieval over row chunks (see :mod:`qa.lookup`). Word lists used to read
questions (measures, operations, units) live in :mod:`qa.understand`.

Glossary: 三公经费 "three public expenses" (因公出国（境）费 travel abroad, 公务用车购置及运行维护费
official cars, 公务接待费 official receptions); 基本支出 basic expenditure; 项目支出 project
expenditure; 人员经费 personnel costs; 公用经费 office running costs; 机关运行经费 running costs of
the administration; 功能分类 functional classification (类/款/项); 经济分类 economic classification.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_QUOTES = str.maketrans("", "", "\"'“”‘’「」『』")
_ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[.、．]|[(（][一二三四五六七八九十\d]+[)）])")
_LEVEL = re.compile(r"[(（](?:类|款|项)[)）]")


def norm(text: str) -> str:
    """NFKC, lower case, quotes, spaces and 类/款/项 markers removed (``“三公”经费`` → ``三公经费``)."""
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES).lower()
    text = re.sub(r"\s+", "", text)
    return _LEVEL.sub("", text)


def norm_label(label: str) -> str:
    """A row label for matching: :func:`norm` plus leading enumerators dropped (``六、科学技术支出``)."""
    return _ENUMERATOR.sub("", norm(label))


@dataclass(frozen=True)
class Target:
    """Where a concept's figure is printed.

    Attributes:
        tables: standard table keys in order of preference (``three_public`` …); empty = any.
        codes: row codes (功能分类 ``2210201`` / 经济分类 ``30113``).
        labels: normalised row-label substrings (``人员经费合计``); ``^`` anchors at the start.
        column: a word the column header path must contain (``公务接待费``), or ``""``.
        column_not: words the column path must not contain.
    """

    tables: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    column: str = ""
    column_not: tuple[str, ...] = ()


@dataclass(frozen=True)
class Concept:
    """A thing people ask about, with the words they use and where the reports print it.

    Attributes:
        key: the report's own term (``公务接待费``), used in answers and narrative search.
        triggers: everyday words (normalised substrings of the question).
        targets: places in the tables, in order of preference.
        money: True when the figure is an amount of money.
        parent: the key of the total this concept is a part of (公务接待费 → 三公经费), or ``""``.
        column_like: also the name of a column (基本支出, 自评得分): when the question names a
            row otherwise (a code, a label), the concept picks the column, not the row.
    """

    key: str
    triggers: tuple[str, ...]
    targets: tuple[Target, ...] = ()
    money: bool = True
    parent: str = ""
    column_like: bool = False


_TP = ("three_public",)
_BASIC = ("gpb_basic",)
_FUNC = ("gpb_expenditure", "expenditure", "income", "summary")
_TOTALS = ("expenditure", "gpb_expenditure", "summary")


def _class_concept(name: str, code: str, *triggers: str) -> Concept:
    """A 功能分类 类 (科学技术支出 …): the 收支总表 line, else the 3-digit code row."""
    return Concept(
        name,
        (name, *triggers),
        (Target(("summary",), labels=("^" + name,)), Target(_FUNC, codes=(code,))),
    )


CONCEPTS: tuple[Concept, ...] = (
    # 三公经费 (columns of the 三公 table; rows of the 基本支出 table as fallback)
    Concept(
        "公务接待费",
        ("公务接待费", "公务接待", "接待费", "招待费", "招待", "接待"),
        (Target(_TP, column="接待费"), Target(_TP, labels=("公务接待费",)), Target(_BASIC, codes=("30217",))),
        parent="三公经费",
    ),
    Concept(
        "公务用车购置费",
        (
            "公务用车购置费",
            "公务用车购置",
            "买公车",
            "买新公车",
            "买车",
            "购车",
            "购置公车",
            "购置公务用车",
            "车辆购置",
            "公车购置",
            "购买公车",
            "买了公车",
        ),
        (
            Target(_TP, column="购置费"),
            Target(_TP, labels=("^公务用车购置费", "^购置费")),
            Target(_BASIC, codes=("31013",)),
        ),
        parent="公务用车购置及运行维护费",
    ),
    Concept(
        "公务用车运行维护费",
        (
            "公务用车运行维护费",
            "公务用车运行费",
            "公车运行",
            "公车运维",
            "运行维护费",
            "车辆运行",
            "养车",
            "运维费",
            "公车维护",
        ),
        (
            Target(_TP, column="运行"),
            Target(_TP, labels=("^公务用车运行维护费", "^运行")),
            Target(_BASIC, codes=("30231",)),
        ),
        parent="公务用车购置及运行维护费",
    ),
    Concept(
        "公务用车购置及运行维护费",
        ("公务用车购置及运行维护费", "公务用车购置及运行费", "公务用车", "公车", "用车", "车辆费"),
        # the group's own column (or its 小计), not the first 小计 of the table (“三公”经费 / 小计)
        (Target(_TP, column="购置及运行"), Target(_TP, labels=("^公务用车购置及运行",))),
        parent="三公经费",
    ),
    Concept(
        "因公出国（境）费",
        ("因公出国(境)费", "因公出国", "出国", "出境"),
        (Target(_TP, column="出国"), Target(_TP, labels=("出国",)), Target(_BASIC, codes=("30212",))),
        parent="三公经费",
    ),
    Concept(
        "三公经费",
        ("三公经费", "三公"),
        # a 三公 column group (“三公”经费 / 小计) before the table's 合计, which may add 会议费/培训费
        (Target(_TP, column="三公"), Target(_TP, column="合计"), Target(_TP, labels=("^合计", "^总计"))),
    ),
    Concept(
        "机关运行经费",
        ("机关运行经费", "运行经费", "办公经费", "机关运行"),
        # Shanghai prints it beside the 三公 columns; Jiangsu in its own table (ingest.catalog)
        (Target(_TP, column="机关运行经费"), Target(("office_operation",), labels=("^合计", "^总计"))),
    ),
    # 经济分类
    Concept(
        "住房公积金",
        ("住房公积金", "公积金"),
        (Target(_FUNC, codes=("2210201",)), Target(_BASIC, codes=("30113",))),
    ),
    Concept(
        "机关事业单位基本养老保险缴费",
        ("养老保险", "养老金缴费"),
        (Target(_BASIC, codes=("30108",)), Target(_FUNC, codes=("2080505",))),
    ),
    Concept(
        "职业年金缴费", ("职业年金",), (Target(_BASIC, codes=("30109",)), Target(_FUNC, codes=("2080506",)))
    ),
    Concept(
        "职工基本医疗保险缴费",
        ("医疗保险", "医保"),
        (Target(_BASIC, codes=("30110",)), Target(_FUNC, codes=("2101101",))),
    ),
    Concept("基本工资", ("基本工资",), (Target(_BASIC, codes=("30101",)),)),
    Concept("工资福利支出", ("工资福利", "工资"), (Target(_BASIC, codes=("301",)),)),
    Concept("商品和服务支出", ("商品和服务支出", "商品和服务"), (Target(_BASIC, codes=("302",)),)),
    Concept("对个人和家庭的补助", ("对个人和家庭的补助", "个人和家庭"), (Target(_BASIC, codes=("303",)),)),
    Concept("资本性支出", ("资本性支出",), (Target(_BASIC, codes=("310",)),)),
    Concept("办公设备购置", ("办公设备",), (Target(_BASIC, codes=("31002",)),)),
    Concept("差旅费", ("差旅费", "出差"), (Target(_BASIC, codes=("30211",)),)),
    # budget reports print 会议费/培训费 beside the 三公 columns (Jiangsu: 基本+项目支出); the
    # 经济分类 rows 30215/30216 are 基本支出 only (../shared/guide/domain.md, 预算 section)
    Concept("会议费", ("会议费", "开会"), (Target(_TP, column="会议费"), Target(_BASIC, codes=("30215",)))),
    Concept("培训费", ("培训费", "培训"), (Target(_TP, column="培训费"), Target(_BASIC, codes=("30216",)))),
    Concept(
        "退休费", ("退休费", "退休金"), (Target(_BASIC, codes=("30302",)), Target(_FUNC, codes=("2080501",)))
    ),
    # totals: 人员经费 / 公用经费 (基本支出 table), 基本支出 / 项目支出 (支出 tables)
    Concept(
        "人员经费",
        ("人员经费", "人头费"),
        (
            Target(_BASIC, labels=("人员经费合计", "人员经费")),
            # MOF 预算 template: 一般公共预算基本支出表 columns 合计 / 人员经费 / 公用经费
            Target(_BASIC, labels=("^合计", "^总计"), column="人员经费"),
            Target(("summary",), labels=("人员经费",)),
        ),
        parent="基本支出",
    ),
    Concept(
        "公用经费",
        ("公用经费",),
        (
            Target(_BASIC, labels=("公用经费合计", "公用经费")),
            # MOF 预算 template: 一般公共预算基本支出表 columns 合计 / 人员经费 / 公用经费
            Target(_BASIC, labels=("^合计", "^总计"), column="公用经费"),
            Target(("summary",), labels=("公用经费",)),
        ),
        parent="基本支出",
    ),
    Concept(
        "基本支出",
        ("基本支出",),
        (
            Target(_TOTALS, labels=("^合计", "^总计", "^本年支出合计"), column="基本支出"),
            Target(("summary",), labels=("基本支出",)),
        ),
        column_like=True,
    ),
    Concept(
        "项目支出",
        ("项目支出",),
        (
            Target(_TOTALS, labels=("^合计", "^总计", "^本年支出合计"), column="项目支出"),
            Target(("summary",), labels=("项目支出",)),
        ),
        column_like=True,
    ),
    # 收支总表 lines
    Concept(
        "本年收入合计",
        ("本年收入合计", "收入合计", "总收入", "收入总额", "收入总计"),
        (Target(("summary",), labels=("^本年收入合计", "^收入合计", "^收入总计")),),
    ),
    Concept(
        "本年支出合计",
        ("本年支出合计", "支出合计", "总支出", "支出总额", "支出总计"),
        (Target(("summary",), labels=("^本年支出合计", "^支出合计", "^支出总计")),),
    ),
    Concept(
        "收支总计", ("收支总计", "收、支总计", "收入支出总计"), (Target(("summary",), labels=("^总计",)),)
    ),
    Concept(
        "财政拨款收入",
        ("财政拨款收入", "财政拨款"),
        (
            Target(("summary",), labels=("一般公共预算财政拨款收入", "财政拨款收入")),
            Target(("income",), labels=("^合计",), column="财政拨款"),
        ),
    ),
    Concept(
        "年初结转和结余",
        ("年初结转和结余", "年初结转", "年初结余"),
        (Target(("summary",), labels=("^年初结转和结余",)),),
    ),
    Concept(
        "年末结转和结余",
        ("年末结转和结余", "年末结转", "年末结余"),
        (Target(("summary",), labels=("^年末结转和结余",)),),
    ),
    # 功能分类 类
    _class_concept("一般公共服务支出", "201", "一般公共服务"),
    _class_concept("公共安全支出", "204", "公共安全"),
    _class_concept("教育支出", "205", "教育"),
    _class_concept("科学技术支出", "206", "科学技术", "科技"),
    _class_concept("文化旅游体育与传媒支出", "207", "文化旅游"),
    _class_concept("社会保障和就业支出", "208", "社会保障和就业", "社保和就业", "社会保障", "社保"),
    _class_concept("卫生健康支出", "210", "卫生健康", "医疗卫生", "卫生"),
    _class_concept("节能环保支出", "211", "节能环保", "环保"),
    _class_concept("城乡社区支出", "212", "城乡社区"),
    _class_concept("农林水支出", "213", "农林水"),
    _class_concept("交通运输支出", "214", "交通运输"),
    _class_concept("住房保障支出", "221", "住房保障"),
    _class_concept("灾害防治及应急管理支出", "224", "灾害防治", "应急管理"),
    # self-evaluation scores (绩效自评)
    Concept(
        "自评得分",
        (
            "自评得分",
            "自评分",
            "打了多少分",
            "得了多少分",
            "得多少分",
            "拿了几分",
            "得了几分",
            "几分",
            "多少分",
            "得分",
        ),
        (Target((), labels=("^自评得分",)), Target((), column="自评得分"), Target((), column="得分")),
        money=False,
        column_like=True,
    ),
)
"""Concepts, most specific first within a family (公务用车购置费 before 公务用车)."""

_TRIGGERS: tuple[tuple[str, Concept], ...] = tuple(
    sorted(((norm(t), c) for c in CONCEPTS for t in c.triggers), key=lambda tc: -len(tc[0]))
)

NOT_TRIGGER_CONTEXT: tuple[str, ...] = ("政府采购", "采购")
"""Words around which a trigger is not a concept (``政府采购服务`` is not 商品和服务支出)."""


@dataclass(frozen=True)
class ConceptMatch:
    """A concept found in a question, with the span of the words that named it."""

    concept: Concept
    start: int
    end: int
    word: str


def find_concepts(question: str) -> list[ConceptMatch]:
    """Concepts named in a question, in question order, longest trigger first per span.

    A trigger inside a span already claimed by a longer trigger is skipped (``公务用车运行维护费``
    does not also match ``公务用车``). ``question`` is normalised with :func:`norm`.
    """
    text = norm(question)
    taken = [False] * len(text)
    found: list[ConceptMatch] = []
    for trigger, concept in _TRIGGERS:
        for match in re.finditer(re.escape(trigger), text):
            if any(taken[match.start() : match.end()]):
                continue
            if any(c.concept.key == concept.key for c in found):
                taken[match.start() : match.end()] = [True] * (match.end() - match.start())
                continue
            taken[match.start() : match.end()] = [True] * (match.end() - match.start())
            found.append(ConceptMatch(concept, match.start(), match.end(), trigger))
    found.sort(key=lambda c: c.start)
    return found


def most_specific(matches: list[ConceptMatch]) -> list[ConceptMatch]:
    """Drop a concept when one of its parts is also named (``公车运行维护费``: 公车 + 运行维护费 →
    运行维护费). Share questions keep both, by naming each operand separately."""
    keys = {m.concept.key for m in matches}
    return [
        m
        for m in matches
        if not any(o.concept.parent == m.concept.key for o in matches if o.concept.key in keys)
    ]


def concept(key: str) -> Concept | None:
    """The concept with this key, or ``None``."""
    return next((c for c in CONCEPTS if c.key == key), None)


COLUMN_WORDS: tuple[str, ...] = (
    "基本支出", "项目支出", "小计", "合计", "本年收入合计", "本年支出合计", "财政拨款收入", "上级补助收入",
    "事业收入", "经营收入", "其他收入", "上缴上级支出", "经营支出", "指标分值", "分值", "满分", "自评得分", "得分",
    "年初预算数", "全年预算数", "预算调整数", "执行数", "执行率", "预算金额", "实际到位资金", "已使用资金",
    "结余资金", "全年收入决算数", "全年支出决算数", "自评等级",
)  # fmt: skip
"""Column words a question may name (matched against header paths)."""

TABLE_HINTS: tuple[tuple[str, str], ...] = (
    ("机关运行经费", "office_operation"), ("政府采购", "procurement"),  # kinds of ingest.catalog
    ("财政拨款基本支出", "fiscal_basic"), ("财政拨款支出预算表", "fiscal_expenditure"),
    ("收入支出决算总表", "summary"), ("收支决算总表", "summary"), ("收支总表", "summary"), ("财务收支预算总表", "summary"),
    ("财政拨款收入支出", "fiscal_summary"), ("财政拨款收支", "fiscal_summary"),
    ("一般公共预算财政拨款基本支出", "gpb_basic"), ("基本支出明细", "gpb_basic"), ("基本支出决算明细", "gpb_basic"),
    ("基本支出决算表", "gpb_basic"), ("经济分类", "gpb_basic"), ("基本支出表", "gpb_basic"),
    ("一般公共预算财政拨款支出", "gpb_expenditure"), ("功能分类", "gpb_expenditure"),
    ("收入决算表", "income"), ("收入预算表", "income"), ("收入预算总表", "income"),
    ("支出决算表", "expenditure"), ("支出预算表", "expenditure"), ("支出预算总表", "expenditure"),
    ("三公", "three_public"), ("政府性基金", "gov_fund"), ("国有资本经营", "soe_capital"),
    ("自评表", "other"), ("自评汇总表", "other"), ("绩效自评", "other"),
)  # fmt: skip
"""Words naming a table → its standard key (first match wins)."""

SENSITIVE_TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("编制", ("编制", "实有", "在职", "人员")),
    ("在编", ("编制", "在编", "实有", "在职")),
    ("工作人员", ("编制", "实有", "在职", "工作人员", "人员")),
    ("在职人员", ("在职", "实有", "编制")),
    ("人数", ("人数", "编制", "实有", "在职", "人员")),
    ("新能源", ("新能源",)),
    ("电动", ("电动", "新能源")),
    ("中标", ("中标", "成交", "供应商")),
    ("供应商", ("供应商", "中标", "成交")),
    ("资产总额", ("资产总额", "总资产", "资产总计")),
    ("总资产", ("资产总额", "总资产", "资产总计")),
    ("负债", ("负债",)),
    ("工资标准", ("工资标准",)),
)
"""Things reports often do not disclose: (question word, words the answering sentence must contain).

A figure for such a question is only trusted when its sentence contains one of the words;
otherwise the question is refused as not answerable from the reports."""
