"""One writer at a time per home directory, across threads and processes.

Everything that changes the library (ingest of a file, removal, index repair, the keyword
index rebuild) runs under the home's writer lock: an advisory ``flock`` on
``<home>/.writer.lock`` plus a re-entrant thread lock, so two ingests (in one process or
two) never interleave their decisions, while readers — who never take it — are never
blocked. Readers that would like to repair something (a stale keyword index) use
:meth:`WriterLock.try_acquire` and simply skip the repair while a writer is busy: the
writer brings the indexes up to date when it is done.

On systems without ``fcntl`` (Windows) only the thread lock applies.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

LOCK_NAME = ".writer.lock"

_registry_lock = threading.Lock()
_registry: dict[str, WriterLock] = {}


class WriterLock:
    """The writer lock of one home directory (use :func:`writer_lock` to get it).

    Re-entrant: the thread that holds it may acquire it again (an ingest that refreshes
    the keyword index), and the file lock is released when the outermost hold ends.
    """

    def __init__(self, home: Path) -> None:
        self.path = Path(home) / LOCK_NAME
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    def _lock_file(self, blocking: bool) -> bool:
        if fcntl is None:
            return True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:  # a read-only home: readers go on, writers get the error
            if blocking:
                raise
            log.debug("writer lock %s cannot be opened (%s): treated as busy", self.path, exc)
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return True

    def try_acquire(self, blocking: bool = True) -> bool:
        """Take the lock; with ``blocking=False`` return False at once if a writer holds it."""
        if not self._thread_lock.acquire(blocking=blocking):
            return False
        if self._depth == 0:
            try:
                locked = self._lock_file(blocking)
            except BaseException:
                self._thread_lock.release()
                raise
            if not locked:
                self._thread_lock.release()
                return False
        self._depth += 1
        return True

    def release(self) -> None:
        """Release one hold (the file lock goes with the outermost one)."""
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fd, self._fd = self._fd, None
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        self._thread_lock.release()

    @contextmanager
    def held(self) -> Iterator[None]:
        """``with lock.held():`` — wait for the lock, release it on exit."""
        self.try_acquire(blocking=True)
        try:
            yield
        finally:
            self.release()

    @contextmanager
    def held_if_free(self) -> Iterator[bool]:
        """``with lock.held_if_free() as got:`` — ``got`` is False (and nothing is held)
        when another writer has it."""
        got = self.try_acquire(blocking=False)
        try:
            yield got
        finally:
            if got:
                self.release()


def writer_lock(home: Path) -> WriterLock:
    """The process-wide :class:`WriterLock` of ``home`` (one object per home path)."""
    key = str(Path(home).resolve())
    with _registry_lock:
        lock = _registry.get(key)
        if lock is None:
            lock = _registry[key] = WriterLock(Path(home))
        return lock
