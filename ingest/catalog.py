"""The standard tables of 决算 and 预算 reports, recognised by title.

The printed number (公开01表, 附件1, 表3 …) varies between regions, so a table is
identified by its title, tolerant of the usual variants (决算/预算, 明细, 总表).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class StandardTable:
    key: str
    name: str
    """Canonical Chinese name (决算 wording)."""
    pattern: re.Pattern[str]


def _p(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


# Order matters: the more specific titles are tried first. Sources: the Ministry of
# Finance 决算 template (nine tables), Shanghai 预算 (nine tables) and Jiangsu 省级 预算
# 2017–2019 (twelve tables) — see ../shared/guide/domain.md "Structure of a 预算 report".
STANDARD_TABLES: tuple[StandardTable, ...] = (
    StandardTable(
        "gov_fund",
        "政府性基金预算财政拨款收入支出决算表",
        _p(r"政府性基金.*(?:收入|支出).*(?:决算|预算)表|政府性基金(?:预算)?(?:财政拨款)?支出.*表"),
    ),
    StandardTable("soe_capital", "国有资本经营预算财政拨款支出决算表", _p(r"国有资本经营预算.*支出.*(?:决算|预算)表")),
    StandardTable("three_public", "财政拨款“三公”经费支出决算表", _p(r"三公.{0,2}经费.*(?:决算|预算)表")),
    StandardTable(
        "gpb_basic",
        "一般公共预算财政拨款基本支出决算明细表",
        _p(r"(?:一般公共预算.*基本支出.*(?:决算|预算).*表|^(?!财政拨款).*基本支出.*经济分类.*(?:决算|预算)表)"),
    ),
    StandardTable(
        "gpb_expenditure",
        "一般公共预算财政拨款支出决算表",
        _p(r"一般公共预算(?:财政拨款)?支出.*(?:决算|预算)表"),
    ),
    StandardTable("fiscal_summary", "财政拨款收入支出决算总表", _p(r"财政拨款收(?:入)?支(?:出)?.*(?:决算|预算)总表")),
    StandardTable(
        "summary",
        "收入支出决算总表",
        _p(r"^(?:预算)?(?:部门|单位)?(?:财务)?收(?:入)?支(?:出)?(?:决算|预算)总表$|^(?:预算)?(?:部门|单位)?收支总表$"),
    ),
    StandardTable("income", "收入决算表", _p(r"^(?:预算)?(?:部门|单位)?收入(?:决算|预算)(?:总)?表$")),
    StandardTable("expenditure", "支出决算表", _p(r"^(?:预算)?(?:部门|单位)?支出(?:决算|预算)(?:总)?表$")),
)
"""The nine tables every 决算 and most 预算 reports print (counted as "standard")."""

EXTRA_TABLES: tuple[StandardTable, ...] = (
    StandardTable("office_operation", "机关运行经费支出预算表", _p(r"机关运行经费.*(?:决算|预算)?表")),
    StandardTable("procurement", "政府采购支出预算表", _p(r"政府采购.*(?:决算|预算)?表")),
    StandardTable(
        "fiscal_basic",
        "财政拨款基本支出预算表（经济科目）",
        _p(r"^(?:部门|单位)?财政拨款基本支出.*(?:决算|预算)表"),
    ),
    StandardTable(
        "fiscal_expenditure",
        "财政拨款支出预算表（功能科目）",
        _p(r"^(?:部门|单位)?财政拨款支出.*(?:决算|预算)表"),
    ),
    StandardTable("performance_target", "项目支出绩效目标表", _p(r"绩效目标.*表")),
    StandardTable("performance_eval", "绩效自评表", _p(r"绩效(?:自评|评价).*表")),
    StandardTable("project_expenditure", "项目支出预算表", _p(r"项目支出.*(?:决算|预算)?表")),
)
"""Tables some provinces add (Jiangsu: 财政拨款 tables by 功能/经济科目, 机关运行经费, 政府采购;
Shanghai and others: 项目支出 and 绩效目标 tables). Recognised by kind, not counted as missing."""

STANDARD_KEYS = tuple(t.key for t in STANDARD_TABLES)
EXTRA_KEYS = tuple(t.key for t in EXTRA_TABLES)
ALL_KEYS = STANDARD_KEYS + EXTRA_KEYS
KIND_OTHER = "other"

_TITLE_CLEAN = re.compile(r"[\s\"“”‘’'`*#|：:（）()\[\]【】]")


def clean_title(title: str) -> str:
    """Drop spaces, quotes and markdown so that titles compare: ``收 入 决 算 表`` → ``收入决算表``."""
    t = _TITLE_CLEAN.sub("", title)
    t = re.sub(r"^(?:附件|附表)\d+(?:[-.]\d+)?", "", t)
    t = re.sub(r"^(?:\d{4}年度?)", "", t)
    t = re.sub(r"^[一二三四五六七八九十]+、", "", t)
    t = re.sub(r"^(?:公开)?\d{1,2}表", "", t)
    return t


def classify_title(title: str) -> str:
    """The standard table key for a printed title, or ``other``."""
    t = clean_title(title)
    if not t or len(t) > 40:
        return KIND_OTHER
    for table in STANDARD_TABLES + EXTRA_TABLES:
        if table.pattern.search(t):
            return table.key
    return KIND_OTHER


def standard_name(key: str) -> str:
    for table in STANDARD_TABLES + EXTRA_TABLES:
        if table.key == key:
            return table.name
    return ""


_CN_NUM = "一二三四五六七八九十"
_NUMBER_RE = re.compile(
    r"(?:公开\s*(\d{1,2})\s*表|(?:附件|附表)\s*(\d{1,2}(?:[.-]\d+)?)|^表\s*(\d{1,2})(?!\d)"
    rf"|((?:公开)?表\s*[{_CN_NUM}]{{1,3}})(?![{_CN_NUM}]))"
)
_CAPTION_CUT = re.compile(r"(?:编制|填报|预算主管)?(?:部门|单位)(?:名称)?\s*[:：]")


def printed_number(text: str) -> str:
    """``公开 01 表`` → ``公开01表``; ``附件 1:`` → ``附件1``; ``公开表四``/``表一`` as printed; ``""`` if none."""
    m = _NUMBER_RE.search(text.strip())
    if not m:
        return ""
    if m.group(1):
        return f"公开{int(m.group(1)):02d}表"
    if m.group(2):
        return f"附件{m.group(2)}"
    if m.group(3):
        return f"表{m.group(3)}"
    return re.sub(r"\s+", "", m.group(4))


def strip_caption(text: str) -> str:
    """A title cell's own words: drop the printed number and the ``部门：…``/``单位：万元`` caption after it.

    ``财政拨款收支预算总表 公开表四 部门： 江苏省人大常委会办公厅 单位：万元`` → ``财政拨款收支预算总表``.
    """
    t = _CAPTION_CUT.split(text, maxsplit=1)[0]
    m = _NUMBER_RE.search(t.strip())
    if m and m.start() > 0:
        t = t.strip()[: m.start()] + t.strip()[m.end() :]
    return t.strip(" :：")
