"""Placing a table row's numbers in its value columns by the accounting identities.

Text conversions that drop empty cells print ``2010301 行政运行 940.93 940.93`` without
saying which two of the value columns hold the numbers. This module decides, working on
numbers and column positions only (reading the printed lines is :mod:`ingest.text_spaced`):

1. per row, every order-preserving placement of the numbers over the value columns is
   tried; those satisfying the row identities remain (合计 = Σ parts; 三公 合计 = 出国 + 车 +
   接待, 小计 = 购置 + 运行; exact first, else within 0.01 per term) — :func:`make_slot`;
2. per table, families of rows must add up column by column (合计 → 类 → 款 → 项 by code
   prefix; 本年支出合计 → the 一、二、… rows — :func:`build_families`), which prunes
   placements; in the 财政拨款收支总表 a fund with neither income nor 结转 on the 收入 side
   has an empty 支出 column — :func:`excluded_funds`;
3. a cell is certain when every remaining placement agrees on it. Otherwise the most likely
   placement (by column weight, kept consistent with the families) is chosen and the cells
   that differ between placements are uncertain — :func:`solve`, :meth:`Slot.placement`.

Row identities are written ``"total=part+part-part"`` over value positions (``"0=*"``:
position 0 is the sum of all the others) and read by :func:`parse_identities`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations, product
from typing import TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")

Identity = tuple[tuple[int, int], ...]
"""Σ coefficient × value = 0 over value positions of a group, e.g. ((0, 1), (1, -1), (2, -1))."""

CENT = Decimal("0.01")
ORDINAL = re.compile(r"^[一二三四五六七八九十]+、")
"""A top-level heading of a 收支总表 (``一、一般公共服务支出``)."""

_MAX_PRODUCT = 20_000
_TOTALS = ("合计", "本年支出合计", "本年收入合计")
_FUNDS = ("一般公共预算", "政府性基金", "国有资本")


def parse_identities(spec: str, width: int, offset: int = 0) -> list[Identity]:
    """Read row identities written in template syntax.

    Args:
        spec: space-separated identities over value positions, e.g. ``"2=3+4 5=0+1-2"``;
            ``"0=*"`` makes position 0 the sum of all the others.
        width: the number of value positions (used by ``*``).
        offset: added to every position (a repeated block of columns, e.g. 决算数 after 预算数).

    Returns:
        One :data:`Identity` per item of ``spec``: the total with coefficient 1, each part
        with -1 (``+``) or 1 (``-``).
    """
    out = []
    for item in spec.split():
        total, rhs = item.split("=")
        if rhs == "*":
            terms = [(p, -1) for p in range(1, width)]
        else:
            terms = [
                (int(t[1:] if t[0] in "+-" else t), 1 if t[0] == "-" else -1)
                for t in re.findall(r"[+-]?\d+", rhs)
            ]
        out.append(tuple((p + offset, c) for p, c in [(int(total), 1), *terms]))
    return out


@dataclass
class Slot:
    """The numbers of one column group in one row, and the placements still possible.

    Attributes:
        values: the numbers in printed order.
        k: the number of value columns of the group.
        cands: the possible placements; each gives the column position of every value.
        weights: per column, how likely it holds a value (chooses among placements).
        certain: per column, whether every placement left by :func:`solve` agrees on it.
    """

    values: list[Decimal]
    k: int
    cands: list[tuple[int, ...]]
    weights: list[int]
    certain: list[bool] = field(default_factory=list)

    def vec(self, cand: tuple[int, ...]) -> tuple[Decimal, ...]:
        """The row's values by column under placement ``cand`` (0 in empty columns)."""
        out = [Decimal(0)] * self.k
        for value, pos in zip(self.values, cand, strict=True):
            out[pos] = value
        return tuple(out)

    def best(self) -> list[tuple[int, ...]]:
        """The remaining placements, most likely first (highest column weight, then leftmost)."""
        return sorted(self.cands, key=lambda c: (-sum(self.weights[p] for p in c), c))

    def placement(self, items: Sequence[T]) -> list[tuple[T | None, bool]]:
        """Lay out ``items`` (one per value, e.g. printed tokens) by the chosen placement.

        Args:
            items: the values' printed counterparts, in the order of :attr:`values`.

        Returns:
            Per value column: the item placed there or None, and whether that is uncertain.
            Call after :func:`solve`.
        """
        placed = dict(zip(self.cands[0], items, strict=True))
        return [(placed.get(pos), not self.certain[pos]) for pos in range(self.k)]


Family = tuple[Slot, list[Slot]]
"""A parent row and the child rows whose values add up to it column by column."""


def make_slot(
    values: list[Decimal], weights: list[int], identities: list[Identity], excluded: set[int]
) -> Slot:
    """All placements of ``values`` that satisfy the row identities.

    Args:
        values: the row's numbers in printed order (at most ``len(weights)``).
        weights: per value column, how likely it holds a value; its length is the column count.
        identities: the group's row identities (:func:`parse_identities`).
        excluded: column positions that stay empty when the values fit in the others.

    Returns:
        A :class:`Slot` whose placements satisfy every identity exactly, else within 0.01 per
        term, else (nothing fits) all placements.
    """
    k = len(weights)
    allowed = [p for p in range(k) if p not in excluded]
    slot = Slot(values, k, [], weights)
    combos = list(combinations(allowed if len(values) <= len(allowed) else range(k), len(values)))
    for tolerant in (False, True):
        slot.cands = [
            c
            for c in combos
            if all(
                abs(sum((coef * slot.vec(c)[p] for p, coef in ident), Decimal(0)))
                <= (CENT * (len(ident) - 1) if tolerant else 0)
                for ident in identities
            )
        ]
        if slot.cands:
            return slot
    slot.cands = combos
    return slot


def build_families(rows: Iterable[tuple[str | None, str, Slot]]) -> list[Family]:
    """The families of one column group of a table.

    Args:
        rows: per body row with numbers in the group, in printed order: its 科目编码 (or None),
            its label without spaces, and its slot.

    Returns:
        Each code's first row over the rows of its code plus two digits (类 → 款 → 项), and
        the first 合计/本年支出合计/本年收入合计 row without a code over the 类 rows, or if
        there are none over the 一、二、… rows.
    """
    keyed: list[tuple[str, Slot]] = []
    total: Slot | None = None
    ordinal: list[Slot] = []
    for code, label, slot in rows:
        if code is not None:
            keyed.append((code, slot))
        elif label in _TOTALS and total is None:
            total = slot
        elif ORDINAL.match(label):
            ordinal.append(slot)
    first = dict(reversed(keyed))
    families: list[Family] = []
    for code, slot in keyed:
        children = [s for c, s in keyed if len(c) == len(code) + 2 and c.startswith(code)]
        if children and first[code] is slot:
            families.append((slot, children))
    top = [s for c, s in keyed if len(c) == 3] or ordinal
    if total is not None and top:
        families.append((total, top))
    return families


def excluded_funds(names: list[str], income: list[tuple[str, list[Decimal]]]) -> set[int]:
    """财政拨款收支总表: a fund without income or 结转 on the 收入 side spends nothing.

    Args:
        names: the 支出 side's value column names (合计, 一般公共预算财政拨款, …).
        income: (label, numbers) of every 收入-side half-row.

    Returns:
        The positions of fund columns whose fund is named on the 收入 side only with
        zero or no numbers.
    """
    excluded = set()
    for pos, name in enumerate(names):
        fund = next((f for f in _FUNDS if f in name), None)
        left = [values for label, values in income if fund and fund in label]
        if left and not any(v for values in left for v in values):
            excluded.add(pos)
    return excluded


def _filter_family(parent: Slot, children: list[Slot]) -> bool | None:
    """Keep placements under which the parent equals its children's column sums.

    Returns True if something was pruned, False if nothing was, None if the family cannot add up.
    """
    tol, k = CENT * max(1, len(children)), parent.k
    slots = [parent, *children]
    vecs = [[s.vec(c) for c in s.cands] for s in slots]
    kept = [list(range(len(v))) for v in vecs]
    if all(v >= 0 for s in slots for v in s.values):  # bounds: no part exceeds its total
        top = [max(v[j] for v in vecs[0]) for j in range(k)]
        kept[1:] = [
            [i for i, v in enumerate(vs) if all(v[j] <= top[j] + tol for j in range(k))] for vs in vecs[1:]
        ]
        if not all(kept[1:]):
            return None
        lo = [sum(min(vecs[s][i][j] for i in kept[s]) for s in range(1, len(slots))) for j in range(k)]
        hi = [sum(max(vecs[s][i][j] for i in kept[s]) for s in range(1, len(slots))) for j in range(k)]
        kept[0] = [
            i for i, v in enumerate(vecs[0]) if all(lo[j] - tol <= v[j] <= hi[j] + tol for j in range(k))
        ]
    size = 1
    for ks in kept:
        size *= len(ks)
    if size <= _MAX_PRODUCT:  # exact: keep what takes part in some combination that adds up
        support: list[set[int]] = [set() for _ in slots]
        for combo in product(*kept[1:]):
            sums = [sum(vecs[s][i][j] for s, i in enumerate(combo, 1)) for j in range(k)]
            for p in kept[0]:
                if all(abs(vecs[0][p][j] - sums[j]) <= tol for j in range(k)):
                    support[0].add(p)
                    for s, i in enumerate(combo, 1):
                        support[s].add(i)
        kept = [sorted(s) for s in support]
    if not all(kept):
        return None
    changed = False
    for slot, ks in zip(slots, kept, strict=True):
        if len(ks) < len(slot.cands):
            slot.cands, changed = [slot.cands[i] for i in ks], True
    return changed


def _propagate(families: list[Family], disabled: set[int] | None) -> bool:
    """Filter families to a fixpoint.

    With ``disabled`` given, a family that cannot add up is switched off (recorded there);
    without it, such a family makes the call return False.
    """
    changed = True
    while changed:
        changed = False
        for i, (parent, children) in enumerate(families):
            if disabled is not None and i in disabled:
                continue
            backup = [list(s.cands) for s in [parent, *children]]
            result = _filter_family(parent, children)
            if result is None:
                for s, cands in zip([parent, *children], backup, strict=True):
                    s.cands = cands
                if disabled is None:
                    return False
                logger.debug("family of %d rows does not add up; ignored", len(children) + 1)
                disabled.add(i)
            changed = changed or bool(result)
    return True


def solve(slots: list[Slot], families: list[Family]) -> None:
    """Decide the placement of every slot of a table, in place.

    Prunes placements until every family adds up (a family that cannot is ignored), records
    in :attr:`Slot.certain` the columns on which all remaining placements agree, then fixes
    one placement per slot in order, the most likely one the families still allow.

    Args:
        slots: every slot of the table, top-down.
        families: the table's families (:func:`build_families`), over those slots.
    """
    disabled: set[int] = set()
    _propagate(families, disabled)
    families = [f for i, f in enumerate(families) if i not in disabled]
    for slot in slots:
        contents = {
            tuple(dict(zip(c, slot.values, strict=True)).get(p) for p in range(slot.k)) for c in slot.cands
        }
        slot.certain = [len({c[p] for c in contents}) == 1 for p in range(slot.k)]
    for slot in slots:
        if len(slot.cands) <= 1:
            continue
        saved = [list(s.cands) for s in slots]
        for cand in slot.best():
            slot.cands = [cand]
            if _propagate(families, None):
                break
            for s, cands in zip(slots, saved, strict=True):
                s.cands = list(cands)
        else:
            slot.cands = [slot.best()[0]]
