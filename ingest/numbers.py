"""Parsing printed numbers, codes and units.

Amounts in these reports come as ``4,723.92``, ``1, 708. 47`` (stray spaces),
``2010350.00`` (a code printed as a number), ``-``/``—``/blank for zero or nothing,
and percentages ``12.5%``. Everything is parsed to ``Decimal``; nothing to float.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

MONEY_UNITS = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}

_DASHES = {"-", "—", "--", "——", "－", "–", "/", "／"}
_NUMBER_RE = re.compile(r"^[+\-－]?\(?\d[\d,，]*(?:\.\d+)?\)?%?$")
_CODE_RE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")


def clean_number_text(text: str) -> str:
    """Remove spaces and full-width variants that break numbers: ``1, 708. 47`` → ``1,708.47``."""
    t = text.strip().replace("\u3000", "").replace(" ", "").replace("\xa0", "")
    t = t.replace("，", ",").replace("．", ".").replace("％", "%").replace("－", "-")
    return t


def is_blank_or_dash(text: str) -> bool:
    t = clean_number_text(text)
    return t == "" or t in _DASHES


def parse_number(text: str) -> Decimal | None:
    """Parse a printed amount or percentage; ``None`` if it is not a number.

    ``"4,723.92"`` → ``Decimal("4723.92")``; ``"12.5%"`` → ``Decimal("12.5")``;
    ``"(3.00)"`` → ``Decimal("-3.00")``; ``"-"`` and ``""`` → ``None``.
    """
    t = clean_number_text(text)
    if not t or t in _DASHES or not _NUMBER_RE.match(t):
        return None
    negative = t.startswith("-") or (t.startswith("(") and t.endswith(")"))
    t = t.strip("+-()%").replace(",", "")
    if t.count(".") > 1:
        return None
    try:
        value = Decimal(t)
    except InvalidOperation:
        return None
    return -value if negative else value


def looks_like_number(text: str) -> bool:
    return parse_number(text) is not None


def normalize_code(text: str) -> str:
    """Return a 功能分类/经济分类 code from a printed cell, or ``""``.

    ``"2010350.00"`` → ``"2010350"``; ``"201 03 01"`` → ``"2010301"``; ``"30101"`` stays.
    """
    t = text.strip().replace(" ", "").replace("\u3000", "")
    if t.endswith(".00"):
        t = t[:-3]
    elif t.endswith(".0"):
        t = t[:-2]
    return t if _CODE_RE.match(t) else ""


def join_code_parts(parts: list[str]) -> str:
    """Join a code split over columns: ``["201", "03", "01"]`` → ``"2010301"``.

    Parts may be blank (a 类 row has only its first part). Returns ``""`` if the
    parts do not form a code.
    """
    cleaned = [p.strip() for p in parts if p and p.strip()]
    if not cleaned:
        return ""
    if len(cleaned) == 1:
        return normalize_code(cleaned[0])
    if not (len(cleaned[0]) == 3 and all(len(p) == 2 and p.isdigit() for p in cleaned[1:])):
        return ""
    return normalize_code("".join(cleaned))


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Convert money between 元/万元/亿元 (exact, in ``Decimal``)."""
    if from_unit == to_unit:
        return value
    return value * MONEY_UNITS[from_unit] / MONEY_UNITS[to_unit]


_UNIT_RE = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|亿元|元)")


def declared_unit(text: str) -> str:
    """The amount unit declared in a line like ``金额单位：万元``, or ``""``."""
    m = _UNIT_RE.search(text)
    return m.group(1) if m else ""
