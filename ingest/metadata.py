"""Which office, year and kind of report a file is.

Read from the cover/title block first (``2022 年度 临沂市人民政府办公室 本级决算``,
``预算主管部门：上海市普陀区司法局``), then from the ``单位：…`` lines printed above
tables, then from what the text says most often. Pure functions over text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.model import KIND_BUDGET, KIND_FINAL, KIND_OTHER, KIND_PERFORMANCE, SCOPE_DEPARTMENT, SCOPE_UNIT
from ingest.unit_names import canonical_unit, short_names  # noqa: F401  (canonical_unit re-exported)


@dataclass(frozen=True)
class ReportMeta:
    title: str
    unit_name: str
    short_names: tuple[str, ...]
    region: str
    fiscal_year: int | None
    kind: str
    scope: str


_UNIT_LINE = re.compile(r"(?:预算主管部门|编制部门|编制单位|部门名称|单位名称|部门|单位)\s*[:：]\s*([^\s:：|]{4,40})")
_MONEY = re.compile(r"^(?:万元|元|亿元)")
_ORG_SUFFIX = (
    "人民政府办公室",
    "政府办公室",
    "办公室",
    "委员会",
    "人民政府",
    "局",
    "厅",
    "委",
    "办",
    "中心",
    "院",
    "所",
    "站",
    "队",
    "馆",
    "部",
    "会",
    "社",
    "处",
    "署",
)
_REGION = re.compile(
    r"^((?:[^\s市县区省州]{1,6}(?:省|自治区))?(?:[^\s市县区]{1,5}(?:市|州|盟|地区))?(?:[^\s市县区]{1,5}(?:区|县|旗|市))?)"
)
_YEAR = re.compile(r"(20\d{2})\s*年")
_TITLE_HINT = re.compile(r"(决算|预算|自评|绩效)")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _title_of(head_text: str) -> str:
    """The first lines of the document that name the report (up to 目录 or a part heading)."""
    lines: list[str] = []
    for raw in head_text.splitlines():
        line = raw.strip().strip("*#").strip()
        if not line:
            continue
        if line.startswith(("目录", "目 录", "第一部分")) or len(lines) >= 4:
            break
        if re.match(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)", line):
            break
        if lines and _squash(line).startswith(_squash(lines[-1])):
            lines.pop()  # a cover line repeated at the start of the title line
        lines.append(line)
        if _TITLE_HINT.search(line):
            break
    return _squash("".join(lines))


def _unit_from_title(title: str) -> str:
    t = re.sub(r"^\d{4}年度?", "", title)
    t = re.sub(r"\d{4}年度?.*$", "", t) if re.search(r"\d{4}年", t) else t
    t = re.sub(r"(?:区级|市级|县级)?(?:部门|单位)?(?:整体支出)?(?:决算|预算|绩效.*|自评.*)$", "", t)
    t = re.sub(r"^.*?(?:预算主管部门|编制部门)[:：]", "", t)
    return t if 3 <= len(t) <= 40 else ""


def _looks_like_org(name: str) -> bool:
    base = name.removesuffix("本级").removesuffix("（本级）")
    return base.endswith(_ORG_SUFFIX)


def detect_unit(title: str, text: str) -> str:
    """The issuing unit's full name."""
    explicit = [
        _squash(m.group(1)) for m in _UNIT_LINE.finditer(text) if not _MONEY.match(m.group(1))
    ]
    explicit = [n for n in explicit if _looks_like_org(n) and "XX" not in n.upper()]
    from_title = _unit_from_title(title)
    if explicit:
        best, _count = Counter(explicit).most_common(1)[0]
        # the cover names the body the report is about; prefer it when the table lines agree
        if from_title and from_title.removesuffix("本级") == best.removesuffix("本级").removesuffix("（本级）"):
            return best
        if from_title and _looks_like_org(from_title) and from_title not in best:
            return from_title
        return best
    return from_title if _looks_like_org(from_title) else ""


def detect_year(title: str, text: str) -> int | None:
    m = _YEAR.search(title)
    if m:
        return int(m.group(1))
    years = Counter(int(y) for y in re.findall(r"(20\d{2})\s*年度", text))
    if years:
        return years.most_common(1)[0][0]
    years = Counter(int(y) for y in _YEAR.findall(text))
    return years.most_common(1)[0][0] if years else None


def detect_kind(title: str, text: str) -> str:
    if "自评" in title or "绩效评价" in title:
        return KIND_PERFORMANCE
    if "决算" in title:
        return KIND_FINAL
    if "预算" in title:
        return KIND_BUDGET
    counts = {
        KIND_FINAL: len(re.findall(r"决算(?:表|情况)", text)),
        KIND_BUDGET: len(re.findall(r"预算(?:表|编制说明)", text)),
        KIND_PERFORMANCE: len(re.findall(r"自评报告", text)),
    }
    kind, n = max(counts.items(), key=lambda kv: kv[1])
    return kind if n else KIND_OTHER


def detect_scope(title: str, text: str, unit_name: str) -> str:
    for source in (title, text[:5000]):
        m = re.search(r"(部门|单位)(?:整体支出)?(?:决算|预算|绩效)", source)
        if m:
            return SCOPE_DEPARTMENT if m.group(1) == "部门" else SCOPE_UNIT
    if "本级" in unit_name:
        return SCOPE_UNIT
    # tables-only files: the caption over each table names the body as 部门 or 单位
    captions = Counter(m.group(1) for m in _SCOPE_CAPTION.finditer(text))
    if captions:
        return SCOPE_DEPARTMENT if captions.most_common(1)[0][0] == "部门" else SCOPE_UNIT
    return ""


_SCOPE_CAPTION = re.compile(r"(?:^|\n|\s)(?:编制|预算)?(部门|单位)(?:名称)?\s*[:：]\s*(?!万元|元|亿元)[\u4e00-\u9fff]{3}")


def detect_region(unit_name: str) -> str:
    m = _REGION.match(unit_name)
    return m.group(1) if m else ""


def detect_metadata(head_text: str, text: str) -> ReportMeta:
    """Everything the report says about itself.

    Args:
        head_text: the document's first ~3000 characters (cover, title block).
        text: as much of the rest as is at hand (narrative, table preambles).
    """
    title = _title_of(head_text)
    unit_name = detect_unit(title, head_text + "\n" + text)
    region = detect_region(unit_name)
    return ReportMeta(
        title=title,
        unit_name=unit_name,
        short_names=short_names(unit_name, region),
        region=region,
        fiscal_year=detect_year(title, head_text + "\n" + text),
        kind=detect_kind(title, head_text + "\n" + text),
        scope=detect_scope(title, head_text + "\n" + text, unit_name),
    )
