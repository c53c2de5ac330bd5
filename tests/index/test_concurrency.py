"""Readers during an ingest in another process: they never wait for it and never fail.

A real PDF of ``../shared`` is ingested by a ``budgetqa ingest`` process into a home that
already holds the sample reports; meanwhile this process opens the store and reads it in a
loop (each open is a fresh connection, as every CLI command makes) and ``budgetqa ask``
processes answer a question about a stored report. Every read and every answer must
succeed, with the same answer as before the ingest. (Speed is measured by
``eval/bench_concurrency.py``, not here.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index.library import Library
from ingest.settings import Settings
from ingest.store import FactStore

pytestmark = pytest.mark.slow

QUESTION = "青山市政府办2024年公务接待费是多少？"
BUDGETQA = str(Path(sys.executable).parent / "budgetqa")


def _ask(home: Path) -> dict:
    done = subprocess.run(
        [BUDGETQA, "--home", str(home), "ask", QUESTION, "--json"],
        capture_output=True, text=True, timeout=600, env=dict(os.environ, HF_HUB_OFFLINE="1"), check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "locked" not in done.stderr, done.stderr
    return json.loads(done.stdout)


def test_readers_answer_while_another_process_ingests(
    tmp_path: Path, sample_home: Path, pdf_reports: dict[str, Path]
) -> None:
    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    before = _ask(home)
    assert before["status"] == "answered" and before["value"] is not None
    with FactStore(Settings(home=home).db_path) as store:
        stored = len(store.report_ids())
    ingest = subprocess.Popen(
        [BUDGETQA, "--home", str(home), "ingest", str(pdf_reports["putuo_welfare_home_2024_unit_budget.pdf"])],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ, HF_HUB_OFFLINE="1"),
    )  # fmt: skip
    reads = answers = 0
    answered_during_ingest = 0
    try:
        while ingest.poll() is None:
            with Library(Settings(home=home)) as library:  # opens the store, never writes to it
                assert len(library.facts.reports()) in (stored, stored + 1)
                library.refresh()  # a reader: skips the rebuild while the writer is busy
            reads += 1
            if reads % 5 == 1:
                answer = _ask(home)
                assert (answer["status"], answer["value"]) == (before["status"], before["value"])
                answers += 1
                answered_during_ingest += ingest.poll() is None
            elif reads == 3:  # the consistency check also reads Chroma while the writer adds to it
                checked = subprocess.run([BUDGETQA, "--home", str(home), "index", "--check"], capture_output=True,
                                         text=True, timeout=600, env=dict(os.environ, HF_HUB_OFFLINE="1"), check=False)  # fmt: skip
                assert checked.returncode == 0 and "→ consistent" in checked.stdout, checked.stdout + checked.stderr
    finally:
        out, err = ingest.communicate(timeout=600)
    assert ingest.returncode == 0, err
    assert "1 ingested, 0 failed" in out
    assert answered_during_ingest >= 1 and reads > answers
    with Library(Settings(home=home)) as library:
        assert len(library.facts.report_ids()) == stored + 1
        assert library.check().ok
    assert _ask(home)["value"] == before["value"]
