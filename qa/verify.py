"""The last check before an answer leaves the engine: no invented numbers.

Every figure printed in an answer's text must appear in one of its citations (quote, row,
column, table), in its formula or in the question — as printed, rounded to the answer's
decimals, converted between 元/万元/亿元, or as a ratio ↔ percentage. Years, dates, table
and page numbers, list enumerators, subject codes and file names are not figures.

Text written by an LLM (:mod:`qa.phrasing`) gets a stricter check, :func:`llm_text_problems`:
labels count as figures too, a figure printed with a unit must be one the answer prints with
that unit, the answer's own figure must still be there, and numbers in Chinese numerals are
refused (they cannot be checked).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from qa.model import Answer

log = logging.getLogger(__name__)

_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)")
_AFTER_LABEL = re.compile(r"\s*(?:年|月|日|号|表|部分|页|行|栏|列|〕|\]|】|个月)")
_BEFORE_LABEL = re.compile(r"(?:公开|第|〔|\[|【|附件|表|L|p\.?)\s*$")
_LOCATORS = re.compile(r"[\w\-]+\.(?:pdf|txt|md)|\b[0-9a-f]{16}\b")
_ENUMERATOR = re.compile(r"(?:^|[\n；;。：:，,])\s*\d{1,2}\s*[.、)）]$")


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"(?<=\d)\s*,\s*(?=\d{3})", "", text)
    return re.sub(r"(?<=\d)\s*\.\s*(?=\d)", ".", text)


def _scan(text: str, skip_labels: bool) -> Iterator[tuple[Decimal, int, str]]:
    """(value, printed decimals, the text after the number) for each number printed in ``text``."""
    text = _LOCATORS.sub(" ", _normalize(text))
    for m in _NUMBER.finditer(text):
        raw = m.group(1)
        integer = "." not in raw
        if skip_labels and integer:
            after = text[m.end() : m.end() + 4]
            before = text[max(0, m.start() - 4) : m.start()]
            if _AFTER_LABEL.match(after) or _BEFORE_LABEL.search(before):
                continue
            if len(raw) in (3, 5, 7) and re.match(r"\s*[\u4e00-\u9fff]", after) and raw[0] in "23":
                continue  # a subject code printed before its name
            if _ENUMERATOR.search(text[max(0, m.start() - 3) : m.end() + 1]):
                continue
        try:
            value = Decimal(raw)
        except InvalidOperation:
            continue
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        yield value, decimals, text[m.end() : m.end() + 6]


def figures(text: str, *, skip_labels: bool = True) -> list[tuple[Decimal, int]]:
    """Numbers printed in ``text`` as (value, printed decimals); labels skipped when asked."""
    return [(value, decimals) for value, decimals, _ in _scan(text, skip_labels)]


def _supported(value: Decimal, decimals: int, sources: Iterable[Decimal]) -> bool:
    for source in sources:
        for shift in (0, 4, -4, 8, -8, 2, -2):
            scaled = source.scaleb(shift)
            if scaled == value:
                return True
            if decimals >= 1:
                quantum = Decimal(1).scaleb(-decimals)
                if scaled.quantize(quantum, rounding=ROUND_HALF_UP) == value:
                    return True
    return False


def unsupported_figures(answer: Answer) -> list[str]:
    """Figures in ``answer.answer`` that none of its sources print (empty when all are cited)."""
    texts = [answer.question, answer.formula or ""]
    for citation in answer.citations:
        texts += [citation.quote, citation.row, citation.column, citation.table, str(citation.year or "")]
    sources = [v for t in texts for v, _ in figures(t, skip_labels=False)]
    missing = []
    for value, decimals in figures(answer.answer):
        if not _supported(value, decimals, sources):
            missing.append(format(value, "f"))
    return missing


# ---------------------------------------------------------------------------- LLM text

_UNIT = re.compile(r"\s*(亿元|万元|元|亿|万|%|人次|批次|辆|个|人|次|项|台|套|家|名|篇|份|件|分)")
_MONEY_SHIFT = {"元": 0, "万元": 4, "万": 4, "亿元": 8, "亿": 8}
_CN_DIGIT = "零〇一二三四五六七八九十两壹贰叁肆伍陆柒捌玖拾"
_CN_NUMBER = re.compile(
    rf"百分之[{_CN_DIGIT}百千点]+|[{_CN_DIGIT}][{_CN_DIGIT}百千万亿点]*[百千万亿点][{_CN_DIGIT}百千万亿点]*"
    rf"|[{_CN_DIGIT}]+(?=[元块个辆人次项倍成%台套家名篇份件])"
)


def _with_units(text: str, skip_labels: bool = True) -> list[tuple[Decimal, int, str | None]]:
    """Figures of ``text`` with the unit printed right after each (``None`` when there is none)."""
    out: list[tuple[Decimal, int, str | None]] = []
    for value, decimals, after in _scan(text, skip_labels):
        unit = _UNIT.match(after)
        out.append((value, decimals, unit.group(1) if unit else None))
    return out


def _same(value: Decimal, decimals: int, reference: Decimal) -> bool:
    """``value`` is ``reference`` as printed, or rounded half-up to ``value``'s decimals."""
    if value == reference:
        return True
    if decimals < 1 or value == 0:
        return False  # an integer must be exact; 0.0 would "round" from any small figure
    return reference.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP) == value


def _matches(value: Decimal, decimals: int, unit: str | None, ref: Decimal, ref_unit: str | None) -> bool:
    """A figure (with its unit, if printed) is the reference figure, in the same or a converted unit."""
    if unit in _MONEY_SHIFT and ref_unit in _MONEY_SHIFT:
        shift = _MONEY_SHIFT[ref_unit] - _MONEY_SHIFT[unit]  # reference expressed in the figure's unit
        return _same(value, decimals, ref.scaleb(shift))
    if unit is None or unit == ref_unit:
        return _same(value, decimals, ref)
    return False


def llm_text_problems(text: str, answer: Answer) -> list[str]:
    """Why an LLM's rewording ``text`` of ``answer`` must not be shown (empty when it may).

    The checks, each against the rule-based ``answer`` (whose text already passed
    :func:`unsupported_figures`):

    1. :func:`unsupported_figures` on ``text`` — every figure is printed by a citation (quote,
       row, column, table, year), the formula or the question (rounding and 元/万元/亿元 allowed);
    2. labels too — years, table numbers, counts: every number, including those the first
       check skips, is printed by those sources or by the answer's text (or is its page), as
       printed or rounded; only a figure with 元/万元/亿元 may be a converted one;
    3. units — a figure printed with a unit (元/万元/亿元, %, 辆, 人次 …) is a figure the answer
       prints with a unit of the same kind, converted between 元/万元/亿元 (so ``3.46元`` for
       ``3.46万元`` fails);
    4. the answer's primary figure (``value`` in ``unit``) is still printed;
    5. no number is written in Chinese numerals (``三万元``): those cannot be checked.

    Args:
        text: what the LLM wrote.
        answer: the rule-based answer it rewords.

    Returns:
        One line per problem, in Chinese-readable form (``68.13 无出处`` …).
    """
    problems: list[str] = []
    if not text.strip():
        return ["空白"]
    normalized = _normalize(text)
    for m in _CN_NUMBER.finditer(normalized):
        problems.append(f"“{m.group(0)}”用汉字写数字，无法核对")
    problems += [f"{f} 无出处" for f in unsupported_figures(replace(answer, answer=text))]
    texts = [answer.answer, answer.question, answer.formula or ""]
    for c in answer.citations:
        texts += [c.quote, c.row, c.column, c.table, str(c.year or ""), str(c.page or "")]
    sources = [v for t in texts for v, _ in figures(t, skip_labels=False)]
    written = _with_units(text, skip_labels=False)  # ``315万元`` is no subject code here
    for value, decimals, unit in written:
        shown = format(value, "f")
        if unit in _MONEY_SHIFT:  # 元/万元/亿元 conversions allowed (and checked by unit below)
            ok = _supported(value, decimals, sources)
        else:  # as printed (or rounded): no ×100 or ×10000 for a bare number
            ok = any(_same(value, decimals, source) for source in sources)
        if not ok and f"{shown} 无出处" not in problems:
            problems.append(f"{shown} 无出处")
    reference = [(v, u) for v, _, u in _with_units(answer.answer, skip_labels=False) if u]
    if answer.value is not None and answer.unit:
        reference.append((answer.value, answer.unit))
    for value, decimals, unit in written:
        if unit and not any(_matches(value, decimals, unit, ref, ref_unit) for ref, ref_unit in reference):
            problems.append(f"{format(value, 'f')}{unit} 与答案中的数字或单位不符")
    if answer.value is not None and not any(
        _matches(value, decimals, unit, answer.value, answer.unit) for value, decimals, unit in written
    ):
        problems.append(f"缺少答案的数字 {format(answer.value, 'f')}{answer.unit or ''}")
    return problems
