"""Errors raised by the index stage.

    BudgetQAError                 (every error of ours, from ``ingest.errors``)
    └── BudgetQAIndexError        (the index cannot do what was asked)
        ├── EmbedderError         (the embedding model cannot be loaded or used offline)
        └── IndexMissingError     (an index that should exist on disk is not there)

Each message says what to do.
"""

from __future__ import annotations

from ingest.errors import BudgetQAError


class BudgetQAIndexError(BudgetQAError):
    """Base of the index stage's errors."""


class EmbedderError(BudgetQAIndexError):
    """The embedding model cannot be found or loaded offline."""


class IndexMissingError(BudgetQAIndexError):
    """An index that should exist on disk is missing (run ingest or sync first)."""
