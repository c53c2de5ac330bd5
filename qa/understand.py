"""Question → :class:`Intent`: which reports, what is asked, which column, which operation.

No model: the question's words are read against the ingested reports (unit names, short
names, places, years, kinds) and against the lexicon (:mod:`qa.lexicon`).

- **Scope** — every unit the question names (full name, short name, or place + office word:
  ``临沂市、罗庄区、兖州区四个政府办``), narrowed by the years it names (a year after 比/较/与 is a
  comparison year, not the report's) and by kind words (预算/决算/自评). A named year that no
  report of the named unit covers makes the question unanswerable; no unit and no year with
  several reports makes it ambiguous unless it asks for a comparison across reports.
- **Task** — lookup, narrative count, definition, reason, passage, yes/no, computation
  (difference, share, average, completion, sum, conversion, change), consistency check,
  cross-report comparison/ranking/sum.
- **Column** — budget (预算数/年初预算) vs actual (决算数), 基本支出/项目支出/小计, score columns.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from functools import cached_property

from ingest.catalog import classify_title
from ingest.store import ReportRecord
from qa.lexicon import COLUMN_WORDS, TABLE_HINTS, ConceptMatch, find_concepts, norm
from qa.narrative_query import Query, parse_question, question_parts
from qa.scope import Scope, latest, resolve_scope

log = logging.getLogger(__name__)

_CODE = re.compile(r"(?<![\d.])(?<!\d,)(\d{3}(?:\d{2}){0,2})(?![\d.%])(?!,\d)")
_QUOTED = re.compile(r"[“\"‘「『]([^”\"’」』]{2,40})[”\"’」』]")
_BUDGET_COMPOUNDS = re.compile(
    r"一般公共预算|政府性基金预算|国有资本经营预算|社会保险基金预算|预算绩效|部门预算|单位预算|预决算|预算单位|"
    r"预算项目|预算资金|预算管理|预算执行率|预算执行|级预算"
)
_BUDGET_WORD = re.compile(r"年初预算|全年预算|预算数|调整后预算|预算")
_ACTUAL_WORD = re.compile(r"决算数|实际支出|实际花|执行数|决算")
COUNT_UNITS = (
    "辆",
    "个",
    "人次",
    "批次",
    "篇",
    "份",
    "人",
    "次",
    "项",
    "台",
    "套",
    "家",
    "名",
    "团组",
    "期",
    "件",
)
_COUNT_ASK = re.compile(r"(?:(?<![哪那这])几|多少)\s*(人次|批次|辆|个|篇|份|人|次|项|台|套|家|名|团组|期|件)")
_COUNTS_NAMED = re.compile(
    r"(批次|人次|团组数?|辆数|车辆数)(?:和|、|及|与)[^，,。？?]{0,8}?(?:分别|各)?(?:是|为|有)?(?:多少|几)"
)
"""``批次和人次分别是多少``: counts named before the question word."""
_PERCENT_ASK = re.compile(
    r"百分之几|百分之多少|百分比|多少%|占比|比例|比重|执行率|完成率|增幅|降幅|增长率|几成"
)
_SCORE_ASK = re.compile(r"多少分|几分|得分|打分|满分|分值")
_WANT_UNIT = re.compile(
    r"(?:折合|换算成?|折成|折算成?|换成|合计?|是|为|有|花了?|多少|几)\s*(?:多少)?\s*(亿元|万元|万|元|块)"
)

_CONSISTENCY = re.compile(
    r"一致吗|一致么|是否一致|一不一致|对得上|对不上|相符|符合吗|算得对|算对了|对不对|写的一样|写得一样|一样吗|吻合|矛盾|有出入|"
    r"等于[^？?。]{0,16}吗|是否(?:正好|恰好|刚好)?等于|是不是(?:正好|恰好|刚好)?等于|等不等于|相等吗|是否相等|"
    r"是否正确|正确吗|对吗|准确吗|算错|有没有错|"
    r"(?:是|等于|就是|正好是|刚好是)(?:这个|该|这一|上面的?|前面的?)(?:数|数字|金额|总数|合计)吗?"
)
_DEFINITION = re.compile(
    r"口径|定义|含义|什么意思|是指什么|指什么|指的是|是什么意思|反映(?:的是)?什么|主要反映|评为|等级标准|才能评|算优|是怎么定义|"
    r"指啥|是啥意思|啥意思|怎么解释|如何解释|如何界定|怎么界定|反映哪些|花在(?:啥|什么)上|用在(?:啥|什么)上|名词解释|"
    r"^什么(?:是|叫)|(?:经费|支出|收入|结余|费)(?:是|指)(?:什么|啥)[？?]?$"
)
_REASON = re.compile(
    r"为什么|为啥|原因|理由|怎么回事|为何|咋|怎么(?:会)?[^，,。？?]{0,12}(?:少|多|增加|减少|下降|上升|降|涨)了"
)
_PASSAGE = re.compile(r"哪些|都是些|是些什么|什么车|有什么|列举|包括什么|包括哪|哪几")
_PURPOSE = re.compile(
    r"用来(?:干|做|办)(?:什么|啥)|(?:干|做)(?:什么|啥)用|什么用途|用途是|用途有|用于(?:什么|啥|哪)|用在(?:哪|什么|啥)|"
    r"花在(?:哪|什么|啥)|拿来(?:干|做)"
)
"""What money is for (用来干什么): the sentence that says 用于… is quoted."""
_YESNO = re.compile(r"吗[？?]?$|有没有|是否|了没|有无|(.)没\1|过没有|了没有|没有[？?]?$")
_RANK = re.compile(r"排序|排个序|排一下|排名|从高到低|从低到高|从多到少|从少到多|从大到小|从小到大")
_SUPERLATIVE = re.compile(r"最多|最高|最大|最少|最低|最小")
_WHICH = re.compile(r"哪个|哪家|哪一个|哪一家|谁的|谁多|谁少|谁更|谁花|哪些单位|哪几个")
_ALL_UNITS = re.compile(
    r"这[五六七八九十两三四几\d]+[个家]|这几[个家]|[五六七八九十两三四\d]+个(?:政府办|单位|部门)|各[个家]|所有|全部"
)
_AVERAGE = re.compile(
    r"平均每|人均|每人次|每辆|每批次|每个项目|每人|平均(?:到)?一(?:辆|个人次|人次|批次|个项目|人)|一(?:辆|个人次|人次|批次)[^，,。]{0,4}平均"
)
_SHARE = re.compile(r"占(?:了)?.{0,20}?(?:比例|比重|百分之|多少|几成|%)|占比|的比例|的比重|比例是多少|比率")
_COMPLETION = re.compile(
    r"完成(?:了)?(?:年初)?预算(?:的)?(?:百分之|多少|几|比例|比率)|预算执行率|执行率|完成率|完成了百分之"
)
_CHANGE = re.compile(
    r"(?:比|较|与)(?:上年|去年|上一年|前一年|20\d{2}年?)|同比|上年|去年|增长了?多少|增幅|降幅|变动"
)
_DIFFERENCE = re.compile(
    r"比.{1,30}?(?:多|少|高|低|超|省)(?:了|花了|花)?(?:多少|几)|差额|相差|差多少|差了多少|多出|少花|"
    r"(?:比|较)\s*20\d{2}.{0,20}?(?:增加|减少|增长|下降)了?(?:多少|几)"
)
_SUM = re.compile(r"加起来|加在一起|合起来|之和|总和|一共|总共|合计(?:是|为)?多少|共计")
_CONVERT = re.compile(r"折合|换算|折成|折算|换成")
_MULTI = re.compile(r"分别|各是|各为|各有|各多少|和.{1,20}(?:各|分别)")


@dataclass(frozen=True)
class Intent:
    """What a question asks, as far as its words say.

    Attributes:
        question: as typed.
        text: normalised (:func:`qa.lexicon.norm`).
        report_ids: reports in scope (several for cross-report questions).
        units: unit names in scope, in question order.
        by_name: True when the question names a unit (not just a year).
        years: fiscal years the question names (comparison years excluded).
        missing_year: a named year no report (of the named units) covers.
        unknown_unit: a unit the question names that no ingested report is from.
        lacking: named units with no report for the named year (said in cross-report answers).
        task: ``lookup`` / ``count`` / ``definition`` / ``reason`` / ``passage`` / ``yesno`` /
            ``compute`` / ``consistency`` / ``cross`` / ``ambiguous`` / ``unanswerable``.
        operation: for ``compute``/``cross``: ``difference``, ``share``, ``average``,
            ``completion``, ``sum``, ``convert``, ``change``, ``rank``, ``max``, ``min``,
            ``which``, ``each`` or ``None``.
        concepts: lexicon concepts named, in question order.
        codes: 功能/经济分类 codes in the question.
        quoted: quoted terms (“专项业务及机关事务管理”).
        measure: ``budget`` (预算数/年初预算) or ``actual`` (决算数) or ``None``.
        column_words: column words named (基本支出, 指标分值 …).
        table_hint: standard table key the question points to, or ``None``.
        want_unit: 元/万元/亿元 the question asks for, or ``None``.
        expect: ``money``, ``%``, ``分`` or a count unit (辆, 人次 …), or ``None``.
        multi: the question asks for several figures (分别/各).
        asks / year_before: see the attributes below.
        descending: ranking order (True: high to low).
    """

    question: str
    text: str
    report_ids: tuple[str, ...]
    units: tuple[str, ...]
    by_name: bool
    years: tuple[int, ...]
    missing_year: int | None
    task: str
    operation: str | None
    concepts: tuple[ConceptMatch, ...]
    codes: tuple[str, ...]
    quoted: tuple[str, ...]
    measure: str | None
    column_words: tuple[str, ...]
    table_hint: str | None
    want_unit: str | None
    expect: str | None
    multi: bool = False
    descending: bool = True
    unknown_unit: str = ""
    lacking: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    asks: str | None = None
    """A measure only the narrative states: ``change`` / ``growth_rate`` vs last year, or
    ``last_year`` (see :func:`asked_measure`)."""
    year_before: bool = False
    """The named year is the one before the report's (its figures come from 比上年 comparisons)."""
    unit_words: tuple[str, ...] = ()
    """The words the question names its units with (as scope read them) and their full names."""

    @cached_property
    def query(self) -> Query:
        """The question's content words, parts, role and direction (:mod:`qa.narrative_query`),
        read once, when a narrative finder first needs it (it loads the word segmenter)."""
        return parse_question(self.question, names=self.unit_words)

    @property
    def reading(self) -> Query:
        """What the narrative finders are given: :attr:`query`."""
        return self.query


# ---------------------------------------------------------------------------- what is asked


def _measure(text: str) -> str | None:
    stripped = _BUDGET_COMPOUNDS.sub("", text)
    budget = _BUDGET_WORD.search(stripped)
    actual = _ACTUAL_WORD.search(stripped)
    if budget and not actual:
        return "budget"
    if actual and not budget:
        return "actual"
    if budget and actual:
        return "budget" if budget.start() > actual.start() else "actual"
    return None


MEASURE_WORDS = {"budget": "预算数", "actual": "决算数（实际）"}
"""How an answer names the measure of a figure it gives."""


def part_measures(intent: Intent) -> list[str]:
    """The measure each part of a several-part question names (``年初预算是多少，最后实际花了多少``
    → budget, actual); parts naming none are left out."""
    parts = question_parts(intent.question)
    if len(parts) < 2:
        return []
    return [m for m in (_measure(norm(p)) for p in parts) if m]


def _expect(text: str) -> str | None:
    if "保有量" in text or "多少辆车" in text:
        return "辆"
    asked = _COUNT_ASK.search(text)
    if asked and asked.group(1) not in ("人", "名", "人次"):
        return asked.group(1)  # 几家 / 几个: the unit asked, even beside 编制 (预算编制范围)
    if (
        re.search(r"编制|人数|在职|在编|多少(?:名|位)?[\u4e00-\u9fff]{0,4}(?:人员|职工|干部|员工)", text)
        and re.search(r"多少|几", text)
        and not re.search(r"钱|费|元|支出|经费", text)
    ):
        return "人"  # staff: a count of people
    m = _COUNT_ASK.search(text)
    if m:
        return m.group(1)
    m = _COUNTS_NAMED.search(text)
    if m:
        return re.sub(r"数$", "", m.group(1))
    if _PERCENT_ASK.search(text) or _COMPLETION.search(text):  # 完成了年初预算的多少: a rate
        return "%"
    if _SCORE_ASK.search(text) and "钱" not in text:
        return "分"
    return "money"


def _want_unit(text: str) -> str | None:
    m = _WANT_UNIT.search(text)
    if not m:
        return None
    unit = m.group(1)
    return {"万": "万元", "块": "元"}.get(unit, unit)


def _codes(text: str) -> tuple[str, ...]:
    found = []
    for m in _CODE.finditer(text):
        code = m.group(1)
        if len(code) == 4 or (code.startswith("20") and len(code) == 4):
            continue
        after = text[m.end() : m.end() + 1]
        if after in ("年", "万", "元", "辆", "个", "人", "分", "批", "篇", "份", "号"):
            continue
        if code[0] in "23" and code not in found:
            found.append(code)
    return tuple(found)


def _table_hint(text: str) -> str | None:
    """The kind of the table the question names: its printed-style name classified the way
    ingest classifies titles (:func:`ingest.catalog.classify_title`), else a table word."""
    for start, end in _table_spans(text):
        name = re.sub(r"^.*?(?:年度?|的)", "", text[start:end])
        for begin in range(max(1, len(name) - 3)):  # drop leading words until a title is recognised
            kind = classify_title(name[begin:])
            if kind != "other":
                return kind
    for word, kind in TABLE_HINTS:
        if norm(word) in text:
            return kind
    return None


def _task(
    text: str, scope: Scope, concepts: list[ConceptMatch], expect: str | None
) -> tuple[str, str | None]:
    comparing = bool(
        scope.all_units or _WHICH.search(text) or _RANK.search(text) or _SUPERLATIVE.search(text)
    )
    several = (
        (scope.by_name and len(scope.units) + len(scope.lacking) > 1)
        or (not scope.by_name and comparing)
        or bool(scope.compared_years)
    )
    if _CONSISTENCY.search(text):
        return "consistency", None
    if _DEFINITION.search(text) and (
        not re.search(r"多少|几[个辆]", text) or re.search(r"评为|才能评|算优", text)
    ):
        return "definition", None
    if several:
        if _RANK.search(text):
            return "cross", "rank"
        if _SUPERLATIVE.search(text):
            return "cross", "min" if re.search(r"最少|最低|最小", text) else "max"
        if _DIFFERENCE.search(text):
            return "cross", "difference"
        if _SUM.search(text):
            return "cross", "sum"
        if _WHICH.search(text):
            return "cross", "which"
        return "cross", "each"
    if _REASON.search(text):
        return "reason", None
    if _PURPOSE.search(text):
        return "passage", None
    if _AVERAGE.search(text):
        return "compute", "average"
    if _COMPLETION.search(text):  # 完成年初预算的比例: a completion rate, not a share
        return "compute", "completion"
    if _SHARE.search(text) and not _CHANGE.search(text):
        return "compute", "share"
    if _CONVERT.search(text):
        return "compute", "convert"
    if _CHANGE.search(text):
        return "compute", "change"
    if _DIFFERENCE.search(text):
        return "compute", "difference"
    if _SUM.search(text) and len(concepts) >= 2:
        return "compute", "sum"
    if _PASSAGE.search(text) and not re.search(r"多少|(?<!哪)几", text):  # 哪几家: a list
        return "passage", None
    if _YESNO.search(text) and not re.search(r"多少|几[个辆次批人]", text):
        return "yesno", None
    if expect in COUNT_UNITS:
        return "count", None
    return "lookup", None


def _table_spans(text: str) -> list[tuple[int, int]]:
    """Spans of table names in the question (``一般公共预算财政拨款支出决算表``, ``三公经费表``)."""
    spans = []
    for m in re.finditer(r"表", text):
        start = max(0, m.start() - 24)
        window = text[start : m.start()]
        for word, _ in TABLE_HINTS:
            at = window.find(norm(word))
            if at >= 0:
                begin = start + at
                while (
                    begin > 0
                    and ("\u4e00" <= text[begin - 1] <= "\u9fff" or text[begin - 1] in '、“”"()（）')
                    and text[begin - 1] not in "年的里中在和与及"
                ):
                    begin -= 1
                spans.append((begin, m.end()))
                break
    return spans


def _blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = ["#"] * (end - start)
    return "".join(chars)


_FORM_WORDS = re.compile(
    r"中|里|内|的|是|为|有|多少|几|万元|亿元|元|钱|金额|数额|合计|总计|小计|预算数|决算数|[，,。？?：:\s]"
)
_ITEM_AFTER = re.compile(r"[\u4e00-\u9fff]{3,}")
"""After a table's name: three or more characters that are not question words name a row."""


def _relevant_concepts(
    text: str, concepts: list[ConceptMatch], quoted: tuple[str, ...]
) -> list[ConceptMatch]:
    """Concepts that name what is asked: those inside a quoted name (“航空口岸协勤人员经费”) or
    inside a table's name (``基本支出明细表``) are dropped when others remain."""
    drop: set[int] = set()
    for q in quoted:
        at = text.find(q)
        if at < 0:
            continue
        for n, c in enumerate(concepts):
            if at <= c.start and c.end <= at + len(q) and c.word != q and norm(c.concept.key) != q:
                drop.add(n)
    spans = _table_spans(text)
    for start, end in spans:
        for n, c in enumerate(concepts):
            if start <= c.start and c.end <= end:
                # named again outside the table's name (…培训费支出预算表中，培训费是多少): asked there
                again = [m.start() for m in re.finditer(re.escape(c.word), text)
                         if not any(a <= m.start() < b for a, b in spans)]  # fmt: skip
                if again:
                    concepts[n] = replace(c, start=again[0], end=again[0] + len(c.word))
                else:
                    drop.add(n)
    kept = [c for n, c in enumerate(concepts) if n not in drop]
    if not kept and spans and _ITEM_AFTER.search(_FORM_WORDS.sub("", text[spans[-1][1] :])):
        return []  # …机关运行经费支出预算表中，物业管理费是多少: the item is a row the table names
    return kept if kept else [c for n, c in enumerate(concepts) if n not in drop or not kept]


# How questions ask for a measure the narrative states against last year (wording, any item).
VS_LAST_YEAR = r"(?:比|较|与|同)(?:上年|上一年|去年|上年度|上一年度)(?:预算)?(?:相比)?"
"""Words comparing with last year (比上年, 与上年预算相比 …); also used by :mod:`qa.text_measures`."""
CHANGE_WORDS = r"增加|减少|增长|下降|多|少|变化|变动|压减|降低|上升|减|增"
"""Words of a change (增加/减少 …)."""
_CHANGE_ASK = re.compile(VS_LAST_YEAR + rf"[^，。？?]{{0,12}}?(?:{CHANGE_WORDS})|同比(?:增加|减少|增长|下降)")
_RATE_ASK = re.compile(r"百分之|百分比|百分点|增长率|增幅|降幅|涨幅|幅度|几成|多少%|多少％")
_LAST_YEAR_ASK = re.compile(r"上年|上一年|去年|上年度")


def asked_measure(text: str, year_before: bool = False) -> str | None:
    """``change`` / ``growth_rate`` (vs last year) / ``last_year`` when the question asks for one.

    ``year_before``: the named year is the one before the report's (``2018年`` asked of a 2019
    report), so a plain figure question asks for last year's figure.
    """
    if _REASON.search(text):
        return None  # why it changed: a passage, not a figure
    if _CHANGE_ASK.search(text):
        return "growth_rate" if _RATE_ASK.search(text) else "change"
    if _LAST_YEAR_ASK.search(text) or year_before:
        return None if re.search(r"比|较|相比|对比", text) else "last_year"
    return None


def _last_year_named(text: str, scope: Scope, records: list[ReportRecord]) -> str:
    """The text with a comparison with the year before the report's written as 上年
    (2026年…比2025年预算增长 → 比上年预算增长)."""
    years = scope.years or tuple({r.report.fiscal_year for r in records if r.report.fiscal_year})
    if len(years) != 1:
        return text
    return re.sub(rf"(比|较|与|同|跟)\s*{years[0] - 1}\s*年度?", r"\1上年", text)


def _unit_words(scope: Scope) -> tuple[str, ...]:
    """The words the question names its units with (as scope read them), and their full names."""
    said = [scope.text[start:end] for start, end in scope.spans]
    return tuple(dict.fromkeys([*said, *(norm(r.report.unit_name) for r in scope.records)]))


def understand(question: str, records: list[ReportRecord]) -> Intent:
    """Read a question against the ingested reports.

    Args:
        question: as typed.
        records: the ingested reports (``FactStore.reports()``).

    Returns:
        The :class:`Intent`. ``task`` is ``unanswerable`` when a named year has no report,
        ``ambiguous`` when several reports fit and nothing says which.
    """
    text = norm(question)
    scope = resolve_scope(question, records)
    quoted = tuple(norm(q) for q in _QUOTED.findall(question))
    concepts = _relevant_concepts(text, find_concepts(question), quoted)
    asked = text
    for name in quoted:  # a quoted name (“预算执行率”, “结转结余变动率”) says what, not how
        asked = asked.replace(name, "□")
    expect = _expect(_ALL_UNITS.sub("", asked))
    task, operation = _task(asked, scope, concepts, expect)
    if operation == "share" and expect in (None, "money"):
        expect = "%"  # 占采购总额多少: a share is a percentage
    if not scope.records:
        task, operation = "unanswerable", None
    elif len(scope.records) > 1 and task not in ("cross", "definition"):  # a term means the same everywhere
        if len(scope.units) > 1 or not scope.by_name:
            task, operation = ("ambiguous", None) if not scope.by_name else ("cross", "each")
        else:
            task, operation = "ambiguous", None
    records_in = list(scope.records)
    if task == "cross" and not scope.years:
        records_in = latest(records_in)
    if task == "cross" and operation == "difference" and len(records_in) < 2 and not scope.lacking:
        task, operation = "compute", "difference"
    descending = not re.search(r"从低到高|从少到多|从小到大", text)
    intent = Intent(
        question=question,
        text=text,
        report_ids=tuple(r.report.report_id for r in records_in),
        units=tuple(dict.fromkeys(r.report.unit_name for r in records_in)) if records_in else scope.units,
        by_name=scope.by_name,
        years=scope.years,
        missing_year=scope.missing_year,
        task=task,
        operation=operation,
        concepts=tuple(concepts),
        codes=_codes(text),
        quoted=quoted,
        measure=_measure(text),
        column_words=tuple(w for w in COLUMN_WORDS if norm(w) in _blank_spans(text, _table_spans(text))),
        table_hint=_table_hint(text),
        want_unit=_want_unit(text),
        expect=expect,
        multi=bool(_MULTI.search(text)) or ("、" in text and len(concepts) >= 2),
        descending=descending,
        unknown_unit=scope.unknown_unit,
        lacking=scope.lacking,
        asks=asked_measure(_last_year_named(text, scope, records_in), scope.year_before),
        year_before=scope.year_before,
        unit_words=_unit_words(scope),
    )
    log.debug("intent %s", intent)
    return intent
