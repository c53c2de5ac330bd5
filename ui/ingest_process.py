"""Uploads ingested in a child process, so reading a PDF never slows the answers down.

Parsing a PDF (pdfminer) and embedding its chunks are CPU-bound Python: in a thread of the
server they would hold the interpreter lock and every question would wait for it. One
long-lived child process (started with ``budgetqa serve`` or on the first upload, kept for
the next ones so the embedder is loaded once, run at a lower CPU priority) ingests a file at a time into the home
with its own :class:`index.library.Library`: it commits the report, refreshes the keyword
index and says so (``stored``: the server builds a new engine, the report is answerable),
then embeds its chunks (``embed``, seconds) and says ``done``.
Removals from the page run in the same child, so they take turns with uploads.

If the child dies (killed, out of memory), the file's outcome says so and the next upload
starts a new child; the store is left as SQLite's transactions leave it (all or nothing).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ingest.pipeline import STATUS_DUPLICATE, STATUS_FAILED, STATUS_UNCHANGED, IngestOutcome
from ingest.settings import Settings

log = logging.getLogger(__name__)

POLL_SECONDS = 0.5
"""How often the server checks that the child is still alive while it waits."""
REMOVE = "remove"
"""The request kind of a removal (an ingest request is ``(request_id, path)``)."""


def _child(settings: Settings, requests: Any, replies: Any) -> None:
    """The child's loop: ``(request_id, path)`` in, ``("stage", …)`` and ``("done", …)`` out;
    ``(request_id, REMOVE, report_id)`` in, ``("removed", request_id, found, error)`` out."""
    nice = settings.ingest_nice
    if nice:
        try:
            os.nice(int(nice))
        except OSError:
            pass  # not allowed here: ingest at normal priority
    from index.library import Library

    parent = os.getppid()
    library = Library(settings)
    try:
        try:
            library.warm_up()  # before the first file arrives (or while it waits)
        except Exception:  # an ingest would meet the same error and report it
            log.exception("could not load the embedder or the indexes in the ingest child")
        while True:
            try:
                item = requests.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if os.getppid() != parent:
                    return  # the server is gone (killed): nobody waits for us
                continue
            if item is None:
                return
            if len(item) == 3 and item[1] == REMOVE:
                request_id, _, report_id = item
                try:
                    replies.put(("removed", request_id, library.remove(report_id), ""))
                except Exception as exc:  # the child must survive any removal; the page says why
                    log.exception("removal of %s failed", report_id)
                    replies.put(("removed", request_id, False, f"{type(exc).__name__}: {exc}"))
                continue
            request_id, path = item

            def on_stage(stage: Any, done: Any = None, total: Any = None, *_: Any, _id: str = request_id,
                         **__: Any) -> None:  # fmt: skip
                replies.put(("stage", _id, str(stage), done, total))

            try:
                outcome = library.ingest(Path(path), on_stage=on_stage, embed=False)
                if outcome.ok and outcome.status not in (STATUS_UNCHANGED, STATUS_DUPLICATE):
                    replies.put(("stage", request_id, "keyword", None, None))
                    library.refresh(wait=True)
                    replies.put(("stored", request_id, outcome))  # answerable from now on
                    outcome = library.embed_committed(outcome, on_stage)
            except Exception as exc:  # the child must survive any file
                log.exception("ingest of %s failed", path)
                outcome = IngestOutcome(str(path), STATUS_FAILED, error=f"{Path(path).name}: {exc}")
            replies.put(("done", request_id, outcome))
    finally:
        library.close()


class IngestProcess:
    """The server's handle on the ingest child (thread-safe; one file at a time)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._context = multiprocessing.get_context("spawn")  # no forked copy of the server's threads
        self._process: Any = None
        self._requests: Any = None
        self._replies: Any = None
        self._exit_code: int | None = None
        self._lock = threading.Lock()

    def _ensure(self) -> None:
        if self._process is not None and self._process.is_alive():
            return
        self._requests, self._replies = self._context.Queue(), self._context.Queue()
        self._process = self._context.Process(
            target=_child,
            args=(self.settings, self._requests, self._replies),
            name="budgetqa-ingest",
            daemon=True,
        )
        self._process.start()

    def start(self) -> None:
        """Start the child now (it loads the embedder and indexes while nobody waits)."""
        with self._lock:
            self._ensure()

    def ingest(
        self,
        path: Path,
        on_stage: Callable[..., None],
        on_stored: Callable[[IngestOutcome], None] | None = None,
    ) -> IngestOutcome:
        """Ingest one file in the child; ``on_stage(stage, done, total)`` as it goes, and
        ``on_stored(outcome)`` once the report is committed and keyword-indexed (answerable),
        before its vectors are made (stage ``embed``)."""
        with self._lock:
            self._ensure()
            request_id = uuid.uuid4().hex
            self._requests.put((request_id, str(path)))
            while True:
                message = self._reply(request_id)
                if message is None:
                    return IngestOutcome(str(path), STATUS_FAILED,
                                         error=f"{path.name}: 导入进程意外退出（代码 {self._exit_code}），请重试")  # fmt: skip
                kind, *rest = message
                if kind == "stage":
                    on_stage(*rest)
                elif kind == "stored":
                    if on_stored is not None:
                        on_stored(rest[0])
                elif kind == "done":
                    return rest[0]

    def remove(self, report_id: str) -> bool:
        """Remove a report (by id or unique prefix) in the child, after any file it is ingesting,
        with :meth:`index.library.Library.remove`; False if there is no such report.

        Raises:
            RuntimeError: the removal failed or the child died (the message says so, in Chinese).
        """
        with self._lock:
            self._ensure()
            request_id = uuid.uuid4().hex
            self._requests.put((request_id, REMOVE, report_id))
            while True:
                message = self._reply(request_id)
                if message is None:
                    raise RuntimeError(f"导入进程意外退出（代码 {self._exit_code}），报告未删除，请重试")
                kind, *rest = message
                if kind != "removed":
                    continue
                found, error = rest
                if error:
                    raise RuntimeError(f"删除失败（{error}）")
                return bool(found)

    def _reply(self, request_id: str) -> tuple[Any, ...] | None:
        """The child's next message for this request (``(kind, *values)``), or ``None`` when the
        child died (its exit code in ``_exit_code``). Messages of earlier requests whose wait
        ended early are skipped."""
        while True:
            try:
                message = self._replies.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if not self._process.is_alive():
                    self._exit_code = self._process.exitcode
                    self._process = None
                    return None
                continue
            kind, rid, *rest = message
            if rid == request_id:
                return (kind, *rest)

    def close(self, timeout: float = 5.0) -> None:
        """Stop the child after its current file."""
        process, self._process = self._process, None  # not under the lock: a file may be running
        if process is None:
            return
        try:
            self._requests.put(None)
            process.join(timeout)
        finally:
            if process.is_alive():
                process.terminate()
                process.join(timeout)
