"""What the accounting-identity checks of one report amount to (counts, missing tables)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ingest.catalog import STANDARD_KEYS
from ingest.model import Check, Table
from ingest.validate import FAIL, PASS, ROUNDING


@dataclass(frozen=True)
class ValidationSummary:
    """What the checks of one report amount to.

    Attributes:
        found: standard table keys present among the tables, in catalog order.
        missing: standard table keys not found.
        passed: checks with status ``pass``.
        failed: checks with status ``fail``.
        rounding: checks with status ``rounding`` (尾差 of at most 0.01 per part).
        failures: the ``detail`` of each failed check, in order.
    """

    found: tuple[str, ...]
    missing: tuple[str, ...]
    passed: int
    failed: int
    rounding: int
    failures: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when no check failed."""
        return self.failed == 0


def summarize(tables: Sequence[Table], checks: Sequence[Check]) -> ValidationSummary:
    """Count the checks and list which standard tables were found.

    Args:
        tables: the report's tables.
        checks: the checks made on them (e.g. by :func:`check_tables`).

    Returns:
        A :class:`ValidationSummary`.
    """
    kinds = {t.kind for t in tables}
    statuses = [c.status for c in checks]
    return ValidationSummary(
        found=tuple(k for k in STANDARD_KEYS if k in kinds),
        missing=tuple(k for k in STANDARD_KEYS if k not in kinds),
        passed=statuses.count(PASS),
        failed=statuses.count(FAIL),
        rounding=statuses.count(ROUNDING),
        failures=tuple(c.detail for c in checks if c.status == FAIL),
    )
