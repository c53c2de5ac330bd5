"""``kill -9`` during an ingest, at several points (start-up, reading, embedding, committing):
the fact store is never half-written (a report is there whole or not at all, SQLite's
integrity check passes), ``budgetqa index`` repairs whatever the indexes were left with,
and ingesting the same file again completes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.library import Library
from ingest.settings import Settings

pytestmark = pytest.mark.slow

BUDGETQA = str(Path(sys.executable).parent / "budgetqa")
ENV = dict(os.environ, HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False")


def _ingest(home: Path, path: Path, kill_after: float | None = None) -> float:
    """Run ``budgetqa ingest``; with ``kill_after``, SIGKILL it then. Returns seconds run."""
    started = time.perf_counter()
    proc = subprocess.Popen([BUDGETQA, "--home", str(home), "ingest", str(path)], env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    if kill_after is None:
        assert proc.wait(timeout=600) == 0
    else:
        try:
            proc.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
    return time.perf_counter() - started


def _store_state(home: Path) -> tuple[int, int]:
    """(reports, cells) after checking SQLite's integrity."""
    conn = sqlite3.connect(home / "budgetqa.sqlite")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        reports = conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
        cells = conn.execute("SELECT COUNT(*) FROM cells").fetchone()[0]
        orphans = conn.execute("SELECT COUNT(*) FROM cells WHERE report_id NOT IN (SELECT report_id FROM reports)")
        assert orphans.fetchone()[0] == 0
        return reports, cells
    finally:
        conn.close()


def test_kill_9_at_any_point_leaves_a_consistent_store(tmp_path: Path, sample_paths: list[Path]) -> None:
    report = sample_paths[0]
    reference = tmp_path / "reference"
    full_time = _ingest(reference, report)
    full = _store_state(reference)
    assert full[0] == 1 and full[1] > 100
    home = tmp_path / "home"
    for fraction in (0.15, 0.5, 0.75, 0.9):
        _ingest(home, report, kill_after=full_time * fraction)
        if not (home / "budgetqa.sqlite").exists():
            continue  # killed before the store was created
        assert _store_state(home) in ((0, 0), full), fraction  # whole or nothing
        repaired = subprocess.run([BUDGETQA, "--home", str(home), "index"], env=ENV, capture_output=True,
                                  text=True, timeout=600, check=False)  # fmt: skip
        assert repaired.returncode == 0 and "→ consistent" in repaired.stdout, repaired.stdout + repaired.stderr
        assert not any((home / "files").glob("*.part"))
    _ingest(home, report)
    assert _store_state(home) == full
    with Library(Settings(home=home)) as library:
        state = library.check()
        assert state.ok and state.reports == 1 and state.vectors == state.chunks
