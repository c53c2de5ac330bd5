"""Text facts: every figure printed in the narrative text, with its label and meaning.

A report's tables are stored cell by cell (:class:`ingest.model.Fact`); this module does
the same for the figures inside sentences ("基本支出预算数为21968万元，比上年增加3397.18万元，
增长18.29%"). Each figure becomes a :class:`TextFact` with its value (``Decimal``, in the
unit as printed: no 万元/元 conversion), the words that name it, what it measures
(this year's amount, last year's, a change, a growth rate, a share, a count …) and where
it is (1-based page, or 1-based line for text conversions, plus the block's bbox).

Last year's figure is often printed only as a change ("比上年增加 X 万元"); it is derived
exactly (``Decimal``) as a separate fact with ``derived=True`` and the formula. A growth
rate alone never yields a derived figure (a rounded % would invent digits).

Not figures: years and dates ("2019年"), section numbers ("（一）", "第三部分"),
功能分类/经济分类 codes, phone numbers and page numbers ("─ 11 ─"): a number counts only
when a unit follows it (万元, %, 辆 …). A blank figure ("预算支出 万元") yields nothing.

Cue words, units and label cleaning live in :mod:`ingest.text_cues`. Pure module: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from ingest.model import BBox, TextBlock
from ingest.text_cues import (
    ALTERNATIVE_RE,
    BUDGET_BASE_RE,
    CJK_SPACE_RE,
    CLAUSE_BREAKS,
    COUNT_UNITS,
    DECREASE_WORDS,
    FIGURE_RE,
    INCREASE_WORDS,
    LAST_YEAR_BASE_RE,
    LAST_YEAR_WORDS,
    LIST_MARKER_RE,
    MEASURE_CHANGE,
    MEASURE_COUNT,
    MEASURE_CURRENT,
    MEASURE_GROWTH,
    MEASURE_LAST_YEAR,
    MEASURE_OTHER,
    MEASURE_RATE,
    MEASURE_SHARE,
    MONEY_UNITS,
    NOT_LAST_YEAR,
    NOT_UNIT_AFTER,
    PAGE_MARK_RE,
    PERCENT_UNITS,
    RATE_WORDS,
    SAME_WORDS,
    SENTENCE_ENDS,
    SHARE_WORD,
    THRESHOLD_AFTER,
    YEAR_RE,
    clean_label,
    section_label,
)


@dataclass(frozen=True)
class TextFact:
    """One figure printed in (or derived exactly from) a sentence of the narrative.

    Attributes:
        value: the figure, signed for changes and growth rates (减少/下降 → negative),
            in ``unit`` as printed (no 万元/元 conversion).
        unit: as printed: 万元/元/亿元/%/个百分点/辆/人/个/项/次/人次/批次/台（套）/平方米 …
        text: the raw number text as printed (``"1, 708. 47"``); ``""`` when derived.
        label: the words naming the figure (``基本支出预算``, ``公务用车保有量``).
        measure: one of :data:`MEASURES`: ``current`` this year's amount, ``last_year``,
            ``change`` vs last year, ``growth_rate`` (signed %), ``share`` (占…%),
            ``count``, ``rate`` (other %: 完成年初预算的 X%), ``other``.
        year: the year the figure is for: the report year for ``current``, the year
            before for ``last_year``; an explicit year in the clause wins; may be ``None``.
        page: 1-based page (PDFs), else ``None``.
        line: 1-based line of the block (text conversions), else ``None``.
        sentence: the whole sentence (split on 。；), page-number marks removed.
        section_path: the headings above the block.
        bbox: the block's bbox on ``page`` (PDF points, top-left origin), else ``None``.
        formula: how a derived figure was computed (``"21968 − 3397.18 = 18570.82 万元"``).
        derived: True when computed from other figures rather than printed.
    """

    value: Decimal
    unit: str
    text: str
    label: str
    measure: str
    year: int | None
    page: int | None
    line: int | None
    sentence: str
    section_path: tuple[str, ...]
    bbox: BBox | None
    formula: str = ""
    derived: bool = False


@dataclass(frozen=True)
class _Run:
    """Blocks whose text continues one another, joined; ``owner[i]`` = block index of char i."""

    text: str
    owner: tuple[int, ...]


def extract_text_facts(blocks: Sequence[TextBlock], report_year: int | None) -> list[TextFact]:
    """Every figure in the narrative ``blocks``, in reading order, with derived last-year figures.

    Args:
        blocks: text blocks of one report (PDF or text conversion), in reading order.
        report_year: the fiscal year of the report (``current`` figures get it; derived
            and ``上年`` figures get the year before), or ``None`` if unknown.

    Returns:
        The facts; a derived ``last_year`` fact follows the change it comes from.
    """
    facts: list[TextFact] = []
    for run in _runs(blocks):
        previous: list[TextFact] = []
        for start, end in _sentences(run.text):
            sentence_facts = _sentence_facts(run, blocks, start, end, report_year, previous)
            facts.extend(sentence_facts)
            if sentence_facts:
                previous = sentence_facts
            elif run.text[start:end].strip():
                previous = []
    return facts


# ---- runs and sentences ---------------------------------------------------------------


def _runs(blocks: Sequence[TextBlock]) -> list[_Run]:
    """Join blocks that continue a sentence (cut by a page break or a page number)."""
    runs: list[_Run] = []
    chars: list[str] = []
    owner: list[int] = []
    for index, block in enumerate(blocks):
        text = block.text
        continues = (
            chars
            and index > 0
            and blocks[index - 1].section_path == block.section_path
            and "".join(chars[-1:]) not in "。；;！？!?：:"
            and (len(chars) > 20 or PAGE_MARK_RE.match(text.lstrip()))
            and not LIST_MARKER_RE.match(PAGE_MARK_RE.sub("", text))
        )
        if chars and not continues:
            runs.append(_Run("".join(chars), tuple(owner)))
            chars, owner = [], []
        pos = 0
        for mark in PAGE_MARK_RE.finditer(text):
            chars.extend(text[pos : mark.start()])
            owner.extend([index] * (mark.start() - pos))
            pos = mark.end()
        chars.extend(text[pos:])
        owner.extend([index] * (len(text) - pos))
        while chars and chars[-1].isspace():
            chars.pop()
            owner.pop()
    if chars:
        runs.append(_Run("".join(chars), tuple(owner)))
    return runs


def _sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; the end includes the 。 or ；."""
    spans: list[tuple[int, int]] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in SENTENCE_ENDS:
            spans.append((start, i + 1))
            start = i + 1
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _clean_sentence(text: str) -> str:
    return CJK_SPACE_RE.sub("", text).strip()


# ---- one sentence ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    number: str
    unit: str


def _figures(sentence: str) -> list[_Found]:
    found: list[_Found] = []
    for m in FIGURE_RE.finditer(sentence):
        unit = m.group("unit")
        after = sentence[m.end() : m.end() + 1]
        guard = NOT_UNIT_AFTER.get(unit)
        if guard is not None and after and guard.match(after):
            continue
        found.append(_Found(m.start(), m.end(), m.group("num"), unit))
    return found


def _parse(number: str) -> Decimal:
    t = number.replace(" ", "").replace(",", "").replace("，", "").replace("．", ".").replace("－", "-")
    return Decimal(t)


def _sentence_facts(
    run: _Run,
    blocks: Sequence[TextBlock],
    start: int,
    end: int,
    report_year: int | None,
    previous: list[TextFact],
) -> list[TextFact]:
    sentence = run.text[start:end]
    clean = _clean_sentence(sentence)
    out: list[TextFact] = []
    positions: list[int] = []
    prev_end = 0
    for found in _figures(sentence):
        clause_start = max(
            prev_end, max((sentence.rfind(c, 0, found.start) for c in CLAUSE_BREAKS), default=-1) + 1
        )
        prefix = sentence[clause_start : found.start]
        before = sentence[: found.start]
        after = sentence[found.end : found.end + 6]
        block = blocks[run.owner[start + found.start]]
        fact = _classify(found, prefix, before, after, sentence[found.end :], report_year)
        subject = _subject(out, previous, clean_label(prefix))
        fact = _name(fact, prefix, sentence[found.end :], subject)
        fact = replace(
            fact,
            page=block.location.page,
            line=block.location.line_start,
            sentence=clean,
            section_path=block.section_path,
            bbox=block.location.bbox,
        )
        if not fact.label:
            fact = replace(fact, label=section_label(block.section_path))
        out.append(fact)
        positions.append(found.start)
        if (
            fact.measure == MEASURE_CHANGE
            and LAST_YEAR_BASE_RE.search(before)
            and not BUDGET_BASE_RE.search(before)
        ):
            derived = _derive(fact, subject, report_year)
            if derived is not None:
                out.append(derived)
                positions.append(found.start)
        prev_end = found.end
    match = _SAME_CLAUSE.search(sentence)
    if match is None:
        return out
    current = [f for f, pos in zip(out, positions) if pos < match.start() and f.measure == MEASURE_CURRENT]
    if not current and not any(pos < match.start() for pos in positions):
        current = [f for f in previous if f.measure == MEASURE_CURRENT]
    if not current:
        return out
    block = blocks[run.owner[start + match.start()]]
    return out + [_same_figure(current[-1], CJK_SPACE_RE.sub("", match.group(0)), clean, block, report_year)]


def _classify(
    found: _Found, prefix: str, before: str, after: str, rest: str, report_year: int | None
) -> TextFact:
    """Measure, sign and year of one figure (label and place come later)."""
    value = _parse(found.number)
    unit = found.unit
    words = ALTERNATIVE_RE.sub("", prefix)
    verb = _last_verb(words) or _comparative_vs_last_year(words)
    last_base = LAST_YEAR_BASE_RE.search(before)
    budget_base = BUDGET_BASE_RE.search(before)
    against_budget = budget_base is not None and (
        last_base is None or budget_base.start() > last_base.start()
    )
    years = [int(y) for y in YEAR_RE.findall(words)]
    explicit = years[-1] if years else None
    year = explicit if explicit is not None else report_year
    if verb == "-":
        value = -abs(value)
    if unit in PERCENT_UNITS:
        if SHARE_WORD in words and not verb:
            measure = MEASURE_SHARE
        elif verb and not against_budget:
            measure = MEASURE_GROWTH if unit != "个百分点" else MEASURE_CHANGE
        elif verb or any(w in words for w in RATE_WORDS):
            measure = MEASURE_RATE
        else:
            measure = MEASURE_OTHER
        year = report_year
    elif unit in MONEY_UNITS or unit in COUNT_UNITS:
        if any(rest.startswith(w) for w in THRESHOLD_AFTER) or after.lstrip().startswith(THRESHOLD_AFTER):
            measure = MEASURE_OTHER
        elif verb:
            measure = MEASURE_OTHER if against_budget else MEASURE_CHANGE
            year = report_year
        elif _names_last_year(words) or (
            explicit is not None and report_year and explicit == report_year - 1
        ):
            measure = MEASURE_LAST_YEAR
            year = explicit if explicit is not None else (report_year - 1 if report_year else None)
        elif explicit is not None and report_year and explicit != report_year:
            measure = MEASURE_OTHER
        else:
            measure = MEASURE_COUNT if unit in COUNT_UNITS else MEASURE_CURRENT
    else:
        measure = MEASURE_OTHER
    return TextFact(
        value=value, unit=unit, text=found.number, label="", measure=measure, year=year,
        page=None, line=None, sentence="", section_path=(), bbox=None,
    )  # fmt: skip


def _last_verb(words: str) -> str:
    """``+``/``-`` for the last increase/decrease word in ``words``, ``""`` if none."""
    best, sign = -1, ""
    for w in INCREASE_WORDS:
        i = words.rfind(w)
        if i > best:
            best, sign = i, "+"
    for w in DECREASE_WORDS:
        i = words.rfind(w)
        if i > best:
            best, sign = i, "-"
    return sign


_COMPARATIVE = re.compile(r"(小于|少于|低于|大于|多于|高于|超过)[^，,。；;\d]{0,12}$")


def _comparative_vs_last_year(words: str) -> str:
    """``本年数小于上年预算数 X``: a change stated by comparison with last year's figure
    (``-`` for 小于/少于/低于, ``+`` for 大于/多于/高于/超过); only when last year is named, so
    a threshold (单价高于50万元) is never a change."""
    m = _COMPARATIVE.search(words)
    if not m or not _names_last_year(m.group(0)):
        return ""
    return "-" if m.group(1) in ("小于", "少于", "低于") else "+"


def _names_last_year(words: str) -> bool:
    stripped = words
    for w in NOT_LAST_YEAR:
        stripped = stripped.replace(w, "")
    return any(w in stripped for w in LAST_YEAR_WORDS)


def _subject(out: list[TextFact], previous: list[TextFact], own: str) -> TextFact | None:
    """The figure a change, rate or share refers to: the last amount before it in the
    sentence, or, when the sentence opens with the comparison, the last amount of the
    sentence before — the one the change names, if it names one (``机关运行经费较上年…``)."""
    for fact in reversed(out):
        if (
            fact.measure in (MEASURE_CURRENT, MEASURE_LAST_YEAR, MEASURE_COUNT, MEASURE_CHANGE)
            and not fact.derived
        ):
            return fact
    if out:
        return None
    candidates = [f for f in previous if f.measure in (MEASURE_CURRENT, MEASURE_COUNT) and not f.derived]
    if own:
        candidates = [f for f in candidates if own in f.label or f.label in own]
    return candidates[-1] if candidates else None


# ---- labels -----------------------------------------------------------------------------


def _name(fact: TextFact, prefix: str, rest: str, subject: TextFact | None) -> TextFact:
    words = ALTERNATIVE_RE.sub("", prefix)
    if fact.measure == MEASURE_SHARE:
        own_words, _, obj = words.partition(SHARE_WORD)
        own = clean_label(own_words)
        obj = re.sub(r"(?:的|比重|比例)+$", "", CJK_SPACE_RE.sub("", obj).strip())
        base = own or (subject.label if subject else "")
        return replace(fact, label=f"{base}{SHARE_WORD}{obj}" if obj else base)
    own = clean_label(words)
    if fact.measure == MEASURE_COUNT and re.match(r"\s*[\u4e00-\u9fff]", rest):
        noun = re.split(r"[，,。；;、：:和及（(]", rest.lstrip(), maxsplit=1)[0]
        noun = clean_label(noun)
        if noun and len(noun) <= 15:
            own = noun
    if not own and fact.measure != MEASURE_CURRENT:
        own = subject.label if subject else ""
    return replace(fact, label=own)


# ---- derived last-year figures ----------------------------------------------------------


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _fmt(value: Decimal, places: int) -> str:
    return f"{value:.{places}f}"


def _derive(change: TextFact, subject: TextFact | None, report_year: int | None) -> TextFact | None:
    """Last year's figure = this year's − the change (a 减少 change is negative)."""
    if (
        subject is None
        or subject.measure not in (MEASURE_CURRENT, MEASURE_COUNT)
        or subject.unit != change.unit
    ):
        return None
    places = max(_places(subject.value), _places(change.value))
    value = subject.value - change.value
    sign = "−" if change.value >= 0 else "+"
    formula = f"{_fmt(subject.value, places)} {sign} {_fmt(abs(change.value), places)} = {_fmt(value, places)} {change.unit}"
    sentence = (
        change.sentence if subject.sentence == change.sentence else f"{subject.sentence}{change.sentence}"
    )
    return replace(
        change,
        value=value.quantize(Decimal(1).scaleb(-places)),
        text="",
        label=subject.label,
        measure=MEASURE_LAST_YEAR,
        year=report_year - 1 if report_year else None,
        sentence=sentence,
        formula=formula,
        derived=True,
    )


_SAME_CLAUSE = re.compile(
    r"(?:比|较|与|同)\s*(?:上年度?|上一年度?|(?:19|20)\d{2}\s*年度?)(?:预算执行数|预算数|预算)?(?:相比)?"
    r"[^，,。；;\d]{0,4}?(?:" + "|".join(SAME_WORDS) + r")"
)


def _same_figure(
    subject: TextFact, cue: str, sentence: str, block: TextBlock, report_year: int | None
) -> TextFact:
    """``公务用车购置预算支出0万元，与上年一致`` → last year's figure was 0 万元 as well."""
    return replace(
        subject,
        text="",
        measure=MEASURE_LAST_YEAR,
        year=report_year - 1 if report_year else None,
        sentence=sentence if subject.sentence == sentence else subject.sentence + sentence,
        page=block.location.page,
        line=block.location.line_start,
        bbox=block.location.bbox,
        formula=f"{_fmt(subject.value, _places(subject.value))} {subject.unit}（{cue}）",
        derived=True,
    )
