"""Which reports a question is about: unit names, places, years, kinds (预算/决算/自评), scope (部门/单位).

Every unit the question names is found by its full name, a short name, or its place plus an
office word (``临沂市、罗庄区、兖州区四个政府办``); longer names claim their text first, so the
city (临沂市) is not also matched inside a district's name (临沂市罗庄区). The years named narrow
each unit's reports — a year after 比/较/与 is a comparison year, a ``2023年4月`` date is not a
fiscal year — then kind and scope words. A named year no report of the unit covers, or a named
body no report is from (``北京市财政局``), is reported so the question can be refused.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from ingest.store import ReportRecord
from ingest.unit_names import NOT_PLACE_WORDS, abbreviates, aliases, canonical_text
from qa.lexicon import norm

_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_COMPARISON_YEAR = re.compile(r"(?:比|较|与|同|跟|相比|对比|相较)\s*(20\d{2})")
_LAST_YEAR_MARK = re.compile(r"(?:上年|上一年|去年)度?\s*[（(]\s*(20\d{2})")
"""``上年（2017年）``: the year of last year's figure, named only to make it plain."""
_ALL_UNITS = re.compile(
    r"这[五六七八九十两三四几\d]+[个家]|这几[个家]|[五六七八九十两三四\d]+个(?:政府办|单位|部门)|各[个家]|所有|全部"
)


def _unit_core(record: ReportRecord) -> str:
    return _core_of(record.report.unit_name, record.report.region)


def _core_of(unit_name: str, region: str) -> str:
    base = re.sub(r"[（(]?本级[）)]?$", "", unit_name)
    return base[len(region) :] if region and base.startswith(region) else base


def type_words(record: ReportRecord) -> tuple[str, ...]:
    """Words naming the kind of office (``政府办``, ``府办`` … for a 人民政府办公室)."""
    return _type_words_of(_unit_core(record))


def _type_words_of(core: str) -> tuple[str, ...]:
    if "政府办公室" in core:
        return ("政府办公室", "政府办", "府办", "政府办公厅")
    return (core,) if core else ()


def _places(record: ReportRecord) -> tuple[str, ...]:
    """The unit's place (last level of its region): ``临沂市罗庄区`` → ``罗庄区``, ``罗庄``."""
    return _places_of(record.report.region)


def _places_of(region: str) -> tuple[str, ...]:
    parts = re.findall(r"[\u4e00-\u9fff]+?(?:自治州|自治县|省|市|区|县|旗|盟|州)", region)
    if not parts:
        return ()
    last = parts[-1]
    root = re.sub(r"(?:自治州|自治县|省|市|区|县|旗|盟|州)$", "", last)
    return tuple(p for p in (last, root) if len(p) >= 2)


def _names(record: ReportRecord) -> tuple[str, ...]:
    r = record.report
    return _names_of(r.unit_name, r.region, r.short_names)


@functools.lru_cache(maxsize=4096)
def _names_of(unit_name: str, region: str, short_names: tuple[str, ...]) -> tuple[str, ...]:
    """Every name of a unit (computed once per unit: every question asks for them)."""
    base = re.sub(r"[（(]?本级[）)]?$", "", unit_name)
    names = [unit_name, base, *short_names, *aliases(unit_name, region)]
    core = _core_of(unit_name, region)
    words = _type_words_of(core)
    for place in _places_of(region):
        for word in words:
            names.append(place + word)
            if word.startswith("政府"):
                names.append(place + "人民" + word)
        if core and core not in words:
            names.append(place + core)
    names = [norm(n) for n in names if n and "XX" not in n and "xx" not in n]
    # as written and as canonical (questions are matched canonical; callers strip either from text)
    names += [canonical_text(n) for n in names]
    return tuple(sorted(dict.fromkeys(names), key=len, reverse=True))


def _mentions(text: str, name: str) -> list[tuple[int, int, bool]]:
    """Where the text names ``name``: the name itself, or a shortening of it that keeps its first
    and last character and skips some in between (普陀区规划资源局 for 普陀区规划和自然资源局)."""
    spans = [(m.start(), m.end(), True) for m in re.finditer(re.escape(name), text)]
    if len(name) >= 4:
        for i, ch in enumerate(text):
            if ch != name[0]:
                continue
            for j in range(min(len(text), i + len(name) - 1), i + 2, -1):
                if text[j - 1] == name[-1] and abbreviates(text[i:j], name):
                    spans.append((i, j, False))
                    break
    return spans


_PLACE_BEFORE = re.compile(r"([\u4e00-\u9fff]{2})(?:省|市|区|县|旗|盟)$")


_FUNCTION_CHARS = frozenset("在的里和与及是年中对于从向给按据说称了")
"""Characters of the question's own words, never of a place name (经费在省高院…: 费在 is no place)."""


def _foreign_place(before: str, region: str) -> bool:
    """Whether the text ends with a place (two or more characters and a level word) that is not
    part of ``region``: 青山市 before 财政局, 浦东新区 before 司法局 — but not 根据省 or 江苏省."""
    m = _PLACE_BEFORE.search(before)
    if not m or m.group(1) in NOT_PLACE_WORDS or any(ch in _FUNCTION_CHARS for ch in m.group(1)):
        return False
    return not any(before[-k:] in region for k in range(2, min(len(before), 7) + 1))


def _claims(text: str, records: list[ReportRecord]) -> tuple[dict[str, int], dict[tuple[int, int], set[str]]]:
    """Which units the (canonical) text names: unit → first position, span → the units it names."""
    spans: list[tuple[int, int, bool, str]] = []
    for record in records:
        region = canonical_text(record.report.region)
        for name in _names(record):
            for start, end, exact in _mentions(text, name):
                # the place written before the name (with the name's own level word: 浦东新 + 区司法局)
                if _foreign_place(text[: start + (name[0] in "省市区县旗盟")], region):
                    continue  # 青山市 + 财政局: another place's office of the same name
                spans.append((start, end, exact, record.report.unit_name))
        words = type_words(record)
        if words and any(w in text for w in words):
            for place in _places(record):
                for m in re.finditer(re.escape(place), text):
                    spans.append((m.start(), m.end(), True, record.report.unit_name))
    # names as written claim first (longest first), then shortenings of names
    spans.sort(key=lambda s: (not s[2], -(s[1] - s[0]), s[0]))
    taken = [False] * len(text)
    claimed: dict[str, int] = {}
    owners: dict[tuple[int, int], set[str]] = {}
    exact_spans: dict[tuple[int, int], bool] = {}
    for start, end, exact, unit in spans:
        if (start, end) in owners:
            if exact_spans[(start, end)] == exact:
                owners[(start, end)].add(unit)  # the same words name several units
                claimed.setdefault(unit, start)
            continue
        if any(taken[start:end]):
            continue
        taken[start:end] = [True] * (end - start)
        owners[(start, end)] = {unit}
        exact_spans[(start, end)] = exact
        claimed.setdefault(unit, start)
    return claimed, owners


def _named_records(
    claimed: dict[str, int], owners: dict[tuple[int, int], set[str]], records: list[ReportRecord]
) -> tuple[dict[str, list[ReportRecord]], bool]:
    """Unit name → its records, for every unit the question names (:func:`_claims`: longest
    mentions claim first), and whether every mention is shared by several units (a short name
    like 司法局 that two districts' offices both answer to: the question does not say which)."""
    named_alone = {unit for units in owners.values() if len(units) == 1 for unit in units}
    if named_alone:  # 临沧市政府办…市政府办工作经费: a name others share adds no unit to one named
        claimed = {unit: at for unit, at in claimed.items() if unit in named_alone}
    by_unit: dict[str, list[ReportRecord]] = {}
    for unit in sorted(claimed, key=lambda u: claimed[u]):
        by_unit[unit] = [r for r in records if r.report.unit_name == unit]
    shared = bool(owners) and all(len(units) > 1 for units in owners.values())
    return by_unit, shared


def _years(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(fiscal years named, comparison years named)."""
    comparison = {int(y) for y in _COMPARISON_YEAR.findall(text)}
    marks = {int(y) for y in _LAST_YEAR_MARK.findall(text)}
    named: list[int] = []
    for m in _YEAR.finditer(text):
        year = int(m.group(1))
        after = text[m.end() : m.end() + 3]
        if re.match(r"年?\d{1,2}月", after) and not re.match(r"年?12月31日", after):
            continue  # a date (2023年4月出具), not a fiscal year
        if year in comparison or (
            year in marks and len(marks | {year}) < len(set(map(int, _YEAR.findall(text))))
        ):
            continue  # a compared year, or 上年（Y） beside the report's own year
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
    compared_years: tuple[int, ...] = ()
    """Years the question compares the named year with (``2019年比2017年``) whose reports of the
    named unit are in scope too (after the named year's)."""
    year_before: bool = False
    """The named year has no report but the next year's report is in scope: it states last
    year's figures only through its comparisons (比上年增加/减少)."""
    text: str = ""
    """The question as scope read it (normalised, formal names shortened)."""
    spans: tuple[tuple[int, int], ...] = ()
    """Where :attr:`text` names a unit (what is left without them: the question's content)."""


_ORG = re.compile(
    r"([\u4e00-\u9fff]{2,8}?(?:省|市|区|县|州|旗|盟))(?:人民)?((?:政府)?[\u4e00-\u9fff]{0,8}?(?:局|委员会|委|办公室|办公厅|办|中心|厅|院|署|政府))"
)


def _unknown_unit(text: str, records: list[ReportRecord]) -> str:
    """An organisation named in the question (place + body) that matches no ingested report."""
    known = [(n.replace("人民", ""), canonical_text(r.report.region)) for r in records for n in _names(r)]
    for m in _ORG.finditer(text):
        mention = m.group(0).replace("人民", "").lstrip("年度的在和与及对")
        place = m.group(1).lstrip("年度的在和与及对")
        if not any(
            (mention in name or name in mention) and (place in name or place in region)
            for name, region in known
        ):
            return m.group(0).lstrip("年度的在和与及对")
    return ""


def resolve_scope(question: str, records: list[ReportRecord]) -> Scope:
    """The reports a question names (see the module docstring), with where it names them."""
    text = canonical_text(norm(question))
    claimed, owners = _claims(text, records)
    scope = _resolve(text, records, *_named_records(claimed, owners, records))
    return replace(scope, text=text, spans=tuple(sorted(owners)))


def _resolve(
    text: str, records: list[ReportRecord], named: dict[str, list[ReportRecord]], shared: bool
) -> Scope:
    years, _ = _years(text)
    all_units = bool(_ALL_UNITS.search(text))
    if shared:
        # a name several units answer to: those units are the pool, none is named
        records = [r for units in named.values() for r in units]
        named = {}
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
        only_later = {r.report.fiscal_year for r in chosen} == {max(years, default=0)}
        if (
            only_later
            and len(years) == 2
            and len(named) == 1
            and max(years) - min(years) == 1
            and not _years(text)[1]
        ):
            # 根据2024年预算，2023年的…: the 2024 report states 2023's figure
            units = tuple(dict.fromkeys(r.report.unit_name for r in chosen))
            return Scope(tuple(chosen), units, True, (min(years),), None, False, year_before=True)
        versus = [y for y in _years(text)[1] if y not in years]
        if chosen and versus and len(named) == 1 and len(years) <= 1:
            # 2019年比2017年: the named unit's report of the compared year too, the named year first
            unit_records = next(iter(named.values()))
            earlier = _kind_filter(text, [r for r in unit_records if r.report.fiscal_year in versus])
            if earlier:
                units = tuple(dict.fromkeys(r.report.unit_name for r in chosen))
                return Scope(tuple(chosen) + tuple(earlier), units, True, years, None, False,
                             compared_years=tuple(sorted({r.report.fiscal_year for r in earlier})))  # fmt: skip
        if not chosen and missing is not None and len(named) == 1 and len(years) == 1:
            following = [r for rs in named.values() for r in rs if r.report.fiscal_year == years[0] + 1]
            if following:  # 2018 asked, the 2019 report compares with it
                pool = _kind_filter(text, following)
                units = tuple(dict.fromkeys(r.report.unit_name for r in pool))
                return Scope(tuple(pool), units, True, years, None, False, year_before=True)
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
