"""Uploads ingested in a background worker, with progress the page can poll.

The chat page must keep answering while a report is read: :class:`IngestWorker` runs one
thread that takes queued :class:`IngestJob` s one file at a time. Each file goes through the
ingest stages (读取 → 识别表格 → 校验 → 索引, as far as the library reports them), then is
*answerable* once the worker's ``after_file`` hook (keyword index, new engine) has run.
A job's state is read by the page's polling handler from any thread (guarded by a lock).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.pipeline import STATUS_FAILED, IngestOutcome

log = logging.getLogger(__name__)

StageCallback = Callable[..., None]
"""``on_stage(stage, done=None, total=None)``: a stage started or moved on (pages done of total)."""

STAGE_NAMES = {
    "read": "读取", "tables": "识别表格", "check": "校验", "store": "写入", "keyword": "更新关键词索引",
    "embed": "生成检索向量", "done": "已存入",
}  # fmt: skip
"""The stages :meth:`index.library.Library.ingest` reports (and the ingest child's ``keyword``),
in the page's words; another name is shown as it is."""
STAGE_SHARE = {"read": 0.0, "tables": 0.5, "check": 0.55, "store": 0.6, "keyword": 0.65, "embed": 0.7,
               "done": 0.95}  # fmt: skip
"""How far into a file each stage starts (0..1, for the bar); ``read`` moves on with the pages
up to the share of ``tables``."""
EMBED_STAGES: frozenset[str] = frozenset({"embed"})
"""Stages reported while a report's figures are already stored and only its vectors are still
being written: the library commits first and embeds after (the file is answerable once the
worker's ``on_stored`` has run)."""


@dataclass
class FileState:
    """Where one uploaded file is. Times are ``time.monotonic()`` seconds."""

    path: Path
    stage: str = "排队中"
    done: int | None = None
    total: int | None = None
    started: float | None = None
    finished: float | None = None
    outcome: IngestOutcome | None = None
    answerable: bool = False
    share: float = 0.0
    """How far the file is (0..1), from its stage and pages (:data:`STAGE_SHARE`)."""
    embedding: bool = False
    """Its vectors are still being written (answerable from the facts and keyword index)."""

    @property
    def name(self) -> str:
        return self.path.name

    def elapsed(self, now: float | None = None) -> float:
        if self.started is None:
            return 0.0
        return (self.finished or now or time.monotonic()) - self.started


class IngestJob:
    """The files of one upload, ingested one after another by the worker."""

    def __init__(self, paths: Sequence[Path], on_file: Callable[[int, Path], None] | None = None) -> None:
        self.id = uuid.uuid4().hex
        self.paths = list(paths)
        self.files = [FileState(p) for p in self.paths]
        self.on_file = on_file
        self.done = threading.Event()
        self.created = time.monotonic()
        self._lock = threading.Lock()

    def update(self, index: int, **changes: Any) -> None:
        with self._lock:
            for key, value in changes.items():
                setattr(self.files[index], key, value)

    def snapshot(self) -> list[FileState]:
        """A copy of every file's state, consistent at one moment."""
        with self._lock:
            return [FileState(**vars(f)) for f in self.files]

    def outcomes(self) -> list[IngestOutcome]:
        return [f.outcome for f in self.snapshot() if f.outcome is not None]

    def fraction(self) -> float:
        """0..1: files finished, plus how far the running file is (its stage and pages)."""
        files = self.snapshot()
        if not files:
            return 1.0
        total = 0.0
        for f in files:
            if f.finished is not None:
                total += 1
            elif f.started is not None:
                total += f.share
        return total / len(files)


class IngestWorker:
    """One background thread ingesting queued jobs, file by file.

    Args:
        ingest_file: ingests one file, calling ``on_stage`` as it goes and ``on_stored(outcome)``
            once the report is committed and keyword-indexed, before its vectors are made;
            returns the final outcome (never raises for a bad file).
        after_file: runs when a file is stored (new engine); the file is answerable after it.
    """

    def __init__(
        self,
        ingest_file: Callable[[Path, StageCallback, Callable[[IngestOutcome], None]], IngestOutcome],
        after_file: Callable[[IngestOutcome], None],
    ) -> None:
        self._ingest_file = ingest_file
        self._after_file = after_file
        self._queue: queue.Queue[IngestJob | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def submit(self, paths: Sequence[Path], on_file: Callable[[int, Path], None] | None = None) -> IngestJob:
        """Queue files; the job's ``done`` event is set when every file is finished."""
        job = IngestJob(paths, on_file)
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="budgetqa-ingest", daemon=True)
                self._thread.start()
        self._queue.put(job)
        return job

    def pending(self) -> int:
        """Jobs waiting behind the one running."""
        return self._queue.qsize()

    def close(self, timeout: float = 5.0) -> None:
        """Stop after the running file (queued jobs are dropped)."""
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                for index in range(len(job.files)):
                    self._one(job, index)
            finally:
                job.done.set()

    def _one(self, job: IngestJob, index: int) -> None:
        path = job.paths[index]
        job.update(index, stage="读取", started=time.monotonic())
        if job.on_file is not None:
            job.on_file(index, path)

        def on_stage(
            stage: str, done: int | None = None, total: int | None = None, *_: Any, **__: Any
        ) -> None:
            key = str(stage).lower()
            share = job.snapshot()[index].share
            if key in STAGE_SHARE:
                share = STAGE_SHARE[key]
                if key == "read" and done is not None and total:
                    share = STAGE_SHARE["tables"] * min(done / total, 1.0)
            job.update(index, stage=STAGE_NAMES.get(key, str(stage)), done=done, total=total, share=share,
                       embedding=key in EMBED_STAGES)  # fmt: skip

        def on_stored(outcome: IngestOutcome) -> None:
            job.update(index, outcome=outcome, stage="更新问答索引")
            self._answerable(job, index, outcome)
            job.update(index, embedding=True, stage=STAGE_NAMES["embed"])

        try:
            outcome = self._ingest_file(path, on_stage, on_stored)
        except Exception as exc:  # the worker must survive any file
            log.exception("ingest of %s failed", path)
            outcome = IngestOutcome(str(path), STATUS_FAILED, error=f"{path.name}: {exc}")
        if not job.snapshot()[index].answerable:
            job.update(index, outcome=outcome, stage="更新问答索引" if outcome.ok else "失败")
            self._answerable(job, index, outcome)
        job.update(index, outcome=outcome, finished=time.monotonic(), embedding=False,
                   stage="完成" if outcome.ok else "失败")  # fmt: skip

    def _answerable(self, job: IngestJob, index: int, outcome: IngestOutcome) -> None:
        """Run ``after_file`` for a stored file; then it is answerable."""
        try:
            if outcome.ok:
                self._after_file(outcome)
        except Exception:
            log.exception("refreshing the engine after %s failed", job.paths[index])
        job.update(index, answerable=outcome.ok)
