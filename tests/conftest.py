"""Shared fixtures. Tests that need ``../shared`` skip with a reason when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BUDGETQA_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the checkout (override with BUDGETQA_SHARED); skips if absent."""
    if not (SHARED / "reports").is_dir():
        pytest.skip(f"shared reports not found at {SHARED} (tests on real reports need ../shared)")
    return SHARED


@pytest.fixture(scope="session")
def text_reports(shared_dir: Path) -> dict[str, Path]:
    return {p.name: p for p in sorted((shared_dir / "reports" / "text").glob("*.txt"))}


@pytest.fixture(scope="session")
def pdf_reports(shared_dir: Path) -> dict[str, Path]:
    return {p.name: p for p in sorted((shared_dir / "reports" / "pdf").glob("*.pdf"))}
