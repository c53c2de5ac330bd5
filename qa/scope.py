"""Which reports a question is about: unit names, places, years, kinds (预算/决算/自评), scope (部门/单位).

Every unit the question names is found by its full name, a short name, or its place plus an
office word (``临沂市、罗庄区、兖州区四个政府办``); longer names claim their text first, so the
city (临沂市) is not also matched inside a district's name (临沂市罗庄区). The years named narrow
each unit's reports — a year after 比/较/与 is a comparison year, a ``2023年4月`` date is not a
fiscal year — then kind and scope words. A named year no report of the unit covers, or a named
body no report is from (``北京市财政局``), is reported so the question can be refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.store import ReportRecord
from qa.lexicon import norm

_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_COMPARISON_YEAR = re.compile(r"(?:比|较|与|同|相比|对比|相较)\s*(20\d{2})")
_ALL_UNITS = re.compile(
    r"这[五六七八九十两三四几\d]+[个家]|这几[个家]|[五六七八九十两三四\d]+个(?:政府办|单位|部门)|各[个家]|所有|全部"
)


def _unit_core(record: ReportRecord) -> str:
    r = record.report
    base = re.sub(r"[（(]?本级[）)]?$", "", r.unit_name)
    return base[len(r.region) :] if r.region and base.startswith(r.region) else base


def type_words(record: ReportRecord) -> tuple[str, ...]:
    """Words naming the kind of office (``政府办``, ``府办`` … for a 人民政府办公室)."""
    core = _unit_core(record)
    if "政府办公室" in core:
        return ("政府办公室", "政府办", "府办", "政府办公厅")
    return (core,) if core else ()


def _places(record: ReportRecord) -> tuple[str, ...]:
    """The unit's place (last level of its region): ``临沂市罗庄区`` → ``罗庄区``, ``罗庄``."""
    region = record.report.region
    parts = re.findall(r"[\u4e00-\u9fff]+?(?:自治州|自治县|省|市|区|县|旗|盟|州)", region)
    if not parts:
        return ()
    last = parts[-1]
    root = re.sub(r"(?:自治州|自治县|省|市|区|县|旗|盟|州)$", "", last)
    return tuple(p for p in (last, root) if len(p) >= 2)


def _names(record: ReportRecord) -> tuple[str, ...]:
    r = record.report
    base = re.sub(r"[（(]?本级[）)]?$", "", r.unit_name)
    names = [r.unit_name, base, *r.short_names]
    core = _unit_core(record)
    for place in _places(record):
        for word in type_words(record):
            names.append(place + word)
            if word.startswith("政府"):
                names.append(place + "人民" + word)
        if core and core not in type_words(record):
            names.append(place + core)
    return tuple(dict.fromkeys(norm(n) for n in names if n and "XX" not in n and "xx" not in n))


def _named_records(text: str, records: list[ReportRecord]) -> dict[str, list[ReportRecord]]:
    """Unit name → its records, for every unit the question names (longest names claim first)."""
    spans: list[tuple[int, int, str]] = []
    for record in records:
        for name in _names(record):
            for m in re.finditer(re.escape(name), text):
                spans.append((m.start(), m.end(), record.report.unit_name))
        words = type_words(record)
        if words and any(w in text for w in words):
            for place in _places(record):
                for m in re.finditer(re.escape(place), text):
                    spans.append((m.start(), m.end(), record.report.unit_name))
    spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
    taken = [False] * len(text)
    claimed: dict[str, int] = {}
    for start, end, unit in spans:
        if any(taken[start:end]):
            # a name may also match where a longer one already claimed the same text (same unit)
            continue
        taken[start:end] = [True] * (end - start)
        claimed.setdefault(unit, start)
    by_unit: dict[str, list[ReportRecord]] = {}
    for unit in sorted(claimed, key=lambda u: claimed[u]):
        by_unit[unit] = [r for r in records if r.report.unit_name == unit]
    return by_unit


def _years(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(fiscal years named, comparison years named)."""
    comparison = {int(y) for y in _COMPARISON_YEAR.findall(text)}
    named: list[int] = []
    for m in _YEAR.finditer(text):
        year = int(m.group(1))
        after = text[m.end() : m.end() + 3]
        if re.match(r"年?\d{1,2}月", after) and not re.match(r"年?12月31日", after):
            continue  # a date (2023年4月出具), not a fiscal year
        if year in comparison:
            continue
        if year not in named:
            named.append(year)
    return tuple(named), tuple(sorted(comparison))


_KIND_NEUTRAL = re.compile(
    r"一般公共预算|政府性基金预算|国有资本经营预算|社会保险基金预算|预算绩效|预决算|预算单位|预算项目|预算资金|预算管理|"
    r"预算执行率|预算执行|级预算|年初预算|全年预算|预算数|比预算|完成预算|调整预算"
)
_KIND_WORDS: tuple[tuple[str, str], ...] = (
    (r"决算", "决算"),
    (r"自评|绩效评价", "绩效自评"),
    (r"预算", "预算"),
)


def _kind_filter(text: str, pool: list[ReportRecord]) -> list[ReportRecord]:
    """预算 / 决算 / 绩效自评 reports of the same unit, by the question's kind words."""
    if len({r.report.kind for r in pool}) >= 2:
        stripped = _KIND_NEUTRAL.sub("", text)
        for pattern, kind in _KIND_WORDS:
            if re.search(pattern, stripped):
                chosen = [r for r in pool if r.report.kind == kind]
                if chosen:
                    pool = chosen
                    break
    return _scope_filter(text, pool)


def _scope_filter(text: str, pool: list[ReportRecord]) -> list[ReportRecord]:
    """部门 (the department with its subordinate units) vs 单位 (the unit alone) reports."""
    if len({r.report.scope for r in pool}) < 2:
        return pool
    for pattern, scope in ((r"部门(?:预算|决算)|部门整体", "部门"), (r"单位(?:预算|决算)|本级", "单位")):
        if re.search(pattern, text):
            chosen = [r for r in pool if r.report.scope == scope]
            if chosen:
                return chosen
    return pool


@dataclass(frozen=True)
class Scope:
    """The reports a question is about."""

    records: tuple[ReportRecord, ...]
    units: tuple[str, ...]
    by_name: bool
    years: tuple[int, ...]
    missing_year: int | None
    all_units: bool
    unknown_unit: str = ""
    """A unit the question names that no ingested report is from (``北京市财政局``)."""
    lacking: tuple[str, ...] = ()
    """Named units with no report for the named year (the others are answered)."""


_ORG = re.compile(
    r"([\u4e00-\u9fff]{2,8}?(?:省|市|区|县|州|旗|盟))(?:人民)?((?:政府)?[\u4e00-\u9fff]{0,8}?(?:局|委员会|委|办公室|办公厅|办|中心|厅|院|署|政府))"
)


def _unknown_unit(text: str, records: list[ReportRecord]) -> str:
    """An organisation named in the question (place + body) that matches no ingested report."""
    known = [n.replace("人民", "") for r in records for n in _names(r)]
    for m in _ORG.finditer(text):
        mention = m.group(0).replace("人民", "")
        if not any(mention in name or name in mention for name in known):
            return m.group(0)
    return ""


def resolve_scope(question: str, records: list[ReportRecord]) -> Scope:
    """The reports a question names (see the module docstring)."""
    text = norm(question)
    years, _ = _years(text)
    named = _named_records(text, records)
    all_units = bool(_ALL_UNITS.search(text))
    if named:
        chosen: list[ReportRecord] = []
        missing: int | None = None
        lacking: list[str] = []
        for unit, unit_records in named.items():
            pool = unit_records
            if years:
                with_year = [r for r in pool if r.report.fiscal_year in years]
                if not with_year:
                    missing = missing or years[0]
                    lacking.append(unit)
                    continue
                pool = with_year
            chosen.extend(_kind_filter(text, pool))
        if not chosen and missing is not None:
            return Scope((), tuple(named), True, years, missing, False)
        units = tuple(dict.fromkeys(r.report.unit_name for r in chosen))
        return Scope(tuple(chosen), units, True, years, missing, False, lacking=tuple(lacking))
    unknown = _unknown_unit(text, records)
    if unknown:
        return Scope((), (), True, years, None, False, unknown)
    pool = list(records)
    words_present = [r for r in pool if any(w in text for w in type_words(r))]
    if words_present:
        pool = words_present
    if years:
        with_year = [r for r in pool if r.report.fiscal_year in years]
        if not with_year:
            return Scope((), (), False, years, years[0], all_units)
        pool = with_year
    pool = _kind_filter(text, pool)
    return Scope(
        tuple(pool), tuple(dict.fromkeys(r.report.unit_name for r in pool)), False, years, None, all_units
    )


def latest(records: list[ReportRecord]) -> list[ReportRecord]:
    """For comparisons across units with no year named: each unit's latest report of each kind."""
    latest: dict[tuple[str, str, str], ReportRecord] = {}
    for r in records:
        key = (r.report.unit_name, r.report.kind, r.report.scope)
        if key not in latest or (r.report.fiscal_year or 0) > (latest[key].report.fiscal_year or 0):
            latest[key] = r
    return [r for r in records if latest.get((r.report.unit_name, r.report.kind, r.report.scope)) is r]


def unit_names(record: ReportRecord) -> tuple[str, ...]:
    """Every normalised name the question may use for the record's unit (full, short, place + office)."""
    return _names(record)
