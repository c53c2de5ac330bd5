"""Cue words, units and label cleaning for :mod:`ingest.text_facts`.

The words the narrative of a budget / final-accounts report uses around its figures
(比上年增加, 占, 完成年初预算的, 辆 …), in one place, and :func:`clean_label`, which
turns the words before a figure into a short label. Pure module: no I/O.
"""

from __future__ import annotations

import re

from ingest.tables import CJK_SPACE

# ---- cue words ---------------------------------------------------------------------
# Source: /work/shared/guide/domain.md ("Structure of a 预算 report": the text compares
# with last year's budget "比上年增加/减少 X 万元，增长/下降 Y%"; "Structure of a 决算
# report" 第三部分: shares in %, 完成年初预算的 X%, cars, 接待批次/人次, 政府采购), and the
# wording of the shared reports (与上年相比, 比2025年预算执行数, 与上年一致/持平).

MEASURE_CURRENT = "current"
MEASURE_LAST_YEAR = "last_year"
MEASURE_CHANGE = "change"
MEASURE_GROWTH = "growth_rate"
MEASURE_SHARE = "share"
MEASURE_COUNT = "count"
MEASURE_RATE = "rate"
MEASURE_OTHER = "other"
MEASURES = (
    MEASURE_CURRENT, MEASURE_LAST_YEAR, MEASURE_CHANGE, MEASURE_GROWTH,
    MEASURE_SHARE, MEASURE_COUNT, MEASURE_RATE, MEASURE_OTHER,
)  # fmt: skip

MONEY_UNITS = ("亿元", "万元", "千元", "元", "万")
"""``万`` alone is printed now and then ("0.39万（含外宾…）"); kept as printed."""
PERCENT_UNITS = ("个百分点", "%", "％")
COUNT_UNITS = (
    "人次",
    "批次",
    "台（套）",
    "台(套)",
    "辆",
    "人",
    "个",
    "项",
    "次",
    "台",
    "套",
    "家",
    "名",
    "户",
    "件",
)
OTHER_UNITS = ("平方米", "亩", "分")

INCREASE_WORDS = ("增加", "增长", "上升", "提高", "增幅")
DECREASE_WORDS = ("减少", "下降", "降低", "压减", "减幅", "降幅", "节约", "缩减")
SAME_WORDS = ("持平", "一致", "相同", "未发生变化", "无变化", "没有变化")
SHARE_WORD = "占"
RATE_WORDS = ("完成", "执行率", "完成率", "执行进度", "达到", "达")
LAST_YEAR_WORDS = ("上年", "上一年", "去年")
NOT_LAST_YEAR = ("上年结转", "上年结余", "上年度结转", "上年度结余")
"""上年结转 is money carried over into this year: this year's figure."""
THRESHOLD_AFTER = ("（含）", "(含)", "以上", "以下", "及以上")
"""``单价20万元（含）以上的设备`` — a threshold, not an amount."""

_LEAD_WORDS = (
    "主要原因是", "主要原因为", "主要原因", "主要是因", "主要是", "原因是", "其中", "此外", "包括", "主要用于",
    "合计", "共计", "共有", "共", "总计为", "另外", "同时", "累计", "全年", "列明",
)  # fmt: skip
_TRAIL_WORDS = ("为", "是", "共", "共计", "约", "达到", "达", "了", "的", "各", "分别", "等", "有")
# ------------------------------------------------------------------------------------

SENTENCE_ENDS = "。；;！？!?\n"
CLAUSE_BREAKS = "，,：:；;。\n"
PAGE_MARK_RE = re.compile(r"[─—]\s*\d{1,4}\s*[─—]")
_UNIT_ALTERNATIVES = "|".join(
    re.escape(u)
    for u in sorted(MONEY_UNITS + PERCENT_UNITS + COUNT_UNITS + OTHER_UNITS, key=len, reverse=True)
)
FIGURE_RE = re.compile(
    r"(?<![\d.．A-Za-z])(?<!第)(?P<num>[+\-－]?\d+(?:\s?,\s?\d{3}|，\d{3}(?!\d))*(?:\s?[.．]\s?\d+)?)\s*"
    rf"(?P<unit>{_UNIT_ALTERNATIVES})"
)
# A unit letter that begins a longer word is no unit: 15分钟, 3人民, 项目, 名称, 家庭, 万人.
NOT_UNIT_AFTER = {
    "分": re.compile(r"[\u4e00-\u9fff]"),
    "万": re.compile(r"[\u4e00-\u9fff]"),
    "人": re.compile(r"[民员均]"),
    "项": re.compile(r"[目]"),
    "名": re.compile(r"[称单义]"),
    "家": re.compile(r"[庭]"),
    "个": re.compile(r"[人体别]"),
    "次": re.compile(r"[会序]"),
}
YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年(?!\s*[初末])")
_YEAR_PREFIX = re.compile(r"^[^\d，,。]{0,30}?(?:19|20)\d{2}\s*年度?")
_ORG_PREFIX = re.compile(r"^[^\d，,。]{2,30}?(?=本年|本级)")
LIST_MARKER_RE = re.compile(
    r"^\s*(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}\s*[、.．](?!\d))\s*"
)
ALTERNATIVE_RE = re.compile(r"[（(](?:增加|减少|增长|下降|降低|减|增)[）)]")
LAST_YEAR_BASE_RE = re.compile(
    r"(?:比|较|与|同|小于|少于|低于|大于|多于|高于|超过)\s*(?:上年度?|上一年度?|去年|(?:19|20)\d{2}\s*年(?!初))"
    r"(?:度|同期|年初)?(?:预算执行数|预算数|预算|决算数|决算|执行数)?(?:相比|相较)?"
)
BUDGET_BASE_RE = re.compile(r"(?:比|较|与|同|完成)\s*(?:年初|全年|调整)?预算(?:数)?(?:相比)?")
_AGAINST_BUDGET = re.compile(r"(?:比|较|与|同)\s*(?:年初|全年|调整)?预算(?:数)?(?:相比)?")
CJK_SPACE_RE = CJK_SPACE  # one rule for the reader and the text facts (ingest.tables)


def clean_label(words: str) -> str:
    """The words naming a figure, without list markers, organisation/year prefix,
    comparison cues, change verbs and connectives at the edges.

    ``"此外，基本支出预算数为"`` → ``"基本支出预算"``;
    ``"江苏省高级人民法院2019年度收入、支出预算总计"`` → ``"收入、支出预算总计"``.
    """
    t = CJK_SPACE_RE.sub("", ALTERNATIVE_RE.sub("", words)).strip(" \t，,、：:；;")
    t = LIST_MARKER_RE.sub("", t)
    t = LIST_MARKER_RE.sub("", t)
    t = LAST_YEAR_BASE_RE.sub("", t)
    if "包括" in t.rstrip("包括") and not t.endswith("包括"):
        t = t.rsplit("包括", 1)[1]
    t = _YEAR_PREFIX.sub("", t)
    t = _ORG_PREFIX.sub("", t)
    t = _AGAINST_BUDGET.sub("", t)
    t = re.sub(r"^(?:本部门|本单位|我单位|本级|当年|本年度|本年数|本年)", "", t)
    t = re.sub(r"^[（(]含[）)]?", "", t)
    t = re.sub(r"^(?:及)?以[上下]的?|^[^，,。]{0,15}安排的(?=.)|^(?:增加|减少|新增)了?", "", t)
    t = re.sub(r"(?:预算数|决算数)(?=$|为)", lambda m: m.group(0)[:2], t)
    for _ in range(3):
        t = t.strip(' \t，,、：:；;“”"')
        t = re.sub(r"(?:" + "|".join(INCREASE_WORDS + DECREASE_WORDS) + r")$", "", t)
        for w in _TRAIL_WORDS:
            if t.endswith(w) and len(t) > len(w):
                t = t[: -len(w)]
        for w in _LEAD_WORDS:
            if t.startswith(w) and len(t) > len(w):
                t = t[len(w) :]
        t = re.sub(r"^[是为的]", "", t)
    t = t.strip(" \t，,、：:；;")
    if not re.search(r"[\u4e00-\u9fff]", t) or t in ("相比", "其中", "累计", "合计", "共"):
        return ""
    return t


def section_label(path: tuple[str, ...]) -> str:
    """A fallback label from the nearest heading: ``十、政府性基金预算支出预算情况说明`` → ``政府性基金预算支出预算``."""
    if not path:
        return ""
    t = LIST_MARKER_RE.sub("", path[-1])
    t = re.sub(r"(?:情况)?说明$|情况$", "", t)
    return CJK_SPACE_RE.sub("", t).strip()
