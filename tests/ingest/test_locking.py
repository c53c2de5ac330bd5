"""The home's writer lock: one writer at a time across processes and threads, re-entrant
for its holder, and readers can ask without waiting."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from ingest.locking import WriterLock, writer_lock


def test_a_lock_held_in_another_process_makes_readers_skip(tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from ingest.locking import writer_lock\n"
        f"lock = writer_lock(Path({str(tmp_path)!r})); lock.try_acquire(); print('held', flush=True); "
        "sys.stdin.readline()"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        lock = writer_lock(tmp_path)
        with lock.held_if_free() as got:
            assert got is False
    finally:
        holder.communicate("\n", timeout=30)
    with writer_lock(tmp_path).held_if_free() as got:
        assert got is True


def test_reentrant_for_the_holder_exclusive_for_others(tmp_path: Path) -> None:
    mine, other_process = writer_lock(tmp_path), WriterLock(tmp_path)  # two handles: as two processes
    assert writer_lock(tmp_path) is mine
    with mine.held():
        with mine.held():  # e.g. ingest, then the keyword refresh inside the same batch
            assert not other_process.try_acquire(blocking=False)
        assert not other_process.try_acquire(blocking=False)
        seen: list[bool] = []
        thread = threading.Thread(target=lambda: seen.append(mine.try_acquire(blocking=False)))
        thread.start()
        thread.join()
        assert seen == [False]  # another thread of this process waits its turn too
    assert other_process.try_acquire(blocking=False)
    other_process.release()


def test_a_read_only_home_lets_readers_go_on(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o500)
    try:
        with WriterLock(home).held_if_free() as got:
            assert got is False or (home / ".writer.lock").exists()  # root may write anyway
    finally:
        home.chmod(0o700)
