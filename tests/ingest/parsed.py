"""One parse per shared report per test session: ``parse_file`` is pure, and several test
modules read the same PDFs (1–4 s each)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ingest.model import ParsedReport
from ingest.pipeline import parse_file


@cache
def parsed_file(path: Path) -> ParsedReport:
    """``parse_file(path)``, computed once per session for each path."""
    return parse_file(path)
