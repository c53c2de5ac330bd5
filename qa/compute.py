"""Decimal arithmetic over cited figures, with the formula written out.

Every operand is an :class:`Operand`: a value with its unit, a label and the citation it
comes from. Money is converted to a common unit before any arithmetic (元/万元/亿元, exact in
``Decimal``); results are rounded half-up to 2 decimals. Each function returns a
:class:`Result` whose ``formula`` shows the inputs as printed, e.g.
``2,942.21 − 1,781.71 = 1,160.50（万元）``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ingest.numbers import MONEY_UNITS, convert
from qa.model import Citation

log = logging.getLogger(__name__)

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Operand:
    """A figure used in a computation.

    Attributes:
        value: the number as printed (``Decimal``).
        unit: 元/万元/亿元, ``%``, a count unit (辆, 人次 …) or ``""``.
        label: what it is (``基本支出``), used in the formula and the answer.
        citation: where it is printed.
        text: the number as printed (``2,942.21``); derived from ``value`` when empty.
    """

    value: Decimal
    unit: str
    label: str
    citation: Citation | None
    text: str = ""

    def shown(self) -> str:
        """The number as printed, stray spaces removed (``1, 708. 47`` → ``1,708.47``)."""
        return "".join(self.text.split()) if self.text else fmt(self.value)


@dataclass(frozen=True)
class Result:
    """A computed figure: value, unit and the formula that produced it."""

    value: Decimal
    unit: str
    formula: str

    def shown(self) -> str:
        """The value as written in answers: 2 decimals, or a whole number for counts."""
        exponent = self.value.as_tuple().exponent
        return fmt(self.value) if isinstance(exponent, int) and exponent >= 0 else fmt(self.value, 2)


def round2(value: Decimal) -> Decimal:
    """Half-up to 2 decimals."""
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def fmt(value: Decimal, places: int | None = None) -> str:
    """``Decimal("1160.5")`` → ``1,160.5``; with ``places`` fixed decimals (``1,160.50``)."""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    text = format(abs(value), "f")
    whole, _, frac = text.partition(".")
    grouped = f"{int(whole):,}"
    return f"{sign}{grouped}.{frac}" if frac else f"{sign}{grouped}"


def is_money(unit: str) -> bool:
    return unit in MONEY_UNITS


def common_unit(operands: Sequence[Operand]) -> str:
    """The unit to compute in: the first operand's money unit when all are money (万元 when
    they are mixed), else the first operand's unit."""
    units = [o.unit for o in operands]
    if units and all(is_money(u) for u in units):
        return units[0] if len(set(units)) == 1 else "万元"
    return units[0] if units else ""


def in_unit(operand: Operand, unit: str) -> tuple[Decimal, str]:
    """The operand's value in ``unit`` and how it reads in a formula (conversion shown)."""
    if operand.unit == unit or not (is_money(operand.unit) and is_money(unit)):
        return operand.value, operand.shown()
    value = convert(operand.value, operand.unit, unit)
    return value, f"{operand.shown()}{operand.unit}（={fmt(value.normalize())}{unit}）"


def _whole(values: Sequence[Decimal]) -> bool:
    """All integers as printed (counts: 108 人, 16 辆) — results stay integers."""
    return all(isinstance(v.as_tuple().exponent, int) and v.as_tuple().exponent >= 0 for v in values)


def difference(a: Operand, b: Operand, absolute: bool = False) -> Result:
    """``a − b`` in a common unit (``absolute``: ``|a − b|``); counts stay whole numbers."""
    unit = common_unit([a, b])
    (va, sa), (vb, sb) = in_unit(a, unit), in_unit(b, unit)
    exact = abs(va - vb) if absolute else va - vb
    if _whole([va, vb]) and not is_money(unit):
        return Result(
            exact, unit, f"{sa} − {sb} = {fmt(exact)}（{unit}）" if unit else f"{sa} − {sb} = {fmt(exact)}"
        )
    value = round2(exact)
    if absolute and vb > va:
        sa, sb = sb, sa
    return Result(
        value, unit, f"{sa} − {sb} = {fmt(value, 2)}（{unit}）" if unit else f"{sa} − {sb} = {fmt(value, 2)}"
    )


def total(operands: Sequence[Operand]) -> Result:
    """The sum in a common unit."""
    unit = common_unit(operands)
    parts = [in_unit(o, unit) for o in operands]
    value = round2(sum((v for v, _ in parts), Decimal(0)))
    shown = " + ".join(s for _, s in parts)
    return Result(
        value, unit, f"{shown} = {fmt(value, 2)}（{unit}）" if unit else f"{shown} = {fmt(value, 2)}"
    )


def ratio_percent(part: Operand, whole: Operand) -> Result:
    """``part ÷ whole × 100%`` (units converted first)."""
    unit = common_unit([part, whole])
    (vp, sp), (vw, sw) = in_unit(part, unit), in_unit(whole, unit)
    if vw == 0:
        raise ZeroDivisionError(f"{whole.label} is 0")
    value = round2(vp / vw * 100)
    return Result(value, "%", f"{sp} ÷ {sw} × 100% = {fmt(value, 2)}%")


def average(amount: Operand, count: Operand, to_unit: str | None = None) -> Result:
    """``amount ÷ count`` per counted item (辆, 人次 …), optionally in another money unit.

    An average below 1 万元 is given in 元 unless ``to_unit`` says otherwise.
    """
    if count.value == 0:
        raise ZeroDivisionError(f"{count.label} is 0")
    unit = amount.unit
    value = amount.value / count.value
    target = to_unit or (("元" if unit == "万元" and value < 1 else unit) if is_money(unit) else unit)
    shown = amount.shown()
    if is_money(unit) and target != unit and is_money(target):
        value = convert(amount.value, unit, target) / count.value
        shown = f"{amount.shown()}{unit}（={fmt(convert(amount.value, unit, target).normalize())}{target}）"
    value = round2(value)
    per = f"{target}/{count.unit}" if count.unit else target
    return Result(value, target, f"{shown} ÷ {count.shown()}{count.unit} = {fmt(value, 2)}（{per}）")


def converted(operand: Operand, to_unit: str) -> Result:
    """A money figure in another unit (``7,129,634.33 元 ÷ 10,000 = 712.96 万元``)."""
    exact = convert(operand.value, operand.unit, to_unit)
    value = round2(exact)
    factor = MONEY_UNITS[operand.unit] / MONEY_UNITS[to_unit]
    if factor < 1:
        formula = (
            f"{operand.shown()}{operand.unit} ÷ {fmt((1 / factor).normalize())} = {fmt(value, 2)}{to_unit}"
        )
    else:
        formula = f"{operand.shown()}{operand.unit} × {fmt(factor.normalize())} = {fmt(value, 2)}{to_unit}"
    return Result(value, to_unit, formula)


def same_amount(a: Operand, b: Operand, tolerance: Decimal = Decimal(0)) -> tuple[bool, Decimal]:
    """Are two figures equal (after unit conversion)? Returns (equal, a − b in a's unit).

    ``a`` is compared at ``b``'s printed precision when ``b`` is in a larger unit (a table in
    元 restated as 万元 in the text: 54,655.88 元 = 5.47 万元).
    """
    unit = a.unit if a.unit else b.unit
    va, _ = in_unit(a, unit)
    vb, _ = in_unit(b, unit)
    diff = va - vb
    if abs(diff) <= tolerance:
        return True, diff
    if is_money(a.unit) and is_money(b.unit) and a.unit != b.unit:
        coarse, fine = (a, b) if MONEY_UNITS[a.unit] > MONEY_UNITS[b.unit] else (b, a)
        places = -coarse.value.as_tuple().exponent if isinstance(coarse.value.as_tuple().exponent, int) else 2
        fine_in_coarse = convert(fine.value, fine.unit, coarse.unit).quantize(
            Decimal(1).scaleb(-max(places, 0)), rounding=ROUND_HALF_UP
        )
        if fine_in_coarse == coarse.value:
            return True, diff
    return False, diff
