"""The last check before an answer leaves the engine: no invented numbers.

Every figure printed in an answer's text must appear in one of its citations (quote, row,
column, table), in its formula or in the question — as printed, rounded to the answer's
decimals, converted between 元/万元/亿元, or as a ratio ↔ percentage. Years, dates, table
and page numbers, list enumerators, subject codes and file names are not figures.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
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


def figures(text: str, *, skip_labels: bool = True) -> list[tuple[Decimal, int]]:
    """Numbers printed in ``text`` as (value, printed decimals); labels skipped when asked."""
    text = _LOCATORS.sub(" ", _normalize(text))
    found: list[tuple[Decimal, int]] = []
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
        found.append((value, decimals))
    return found


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
