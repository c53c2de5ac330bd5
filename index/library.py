"""The library: ingest, index and remove reports, keeping every store consistent.

Three stores hold a report: the SQLite fact store (facts and the ``chunks`` table,
written in one transaction), the Chroma vector index and the BM25 keyword index.
SQLite is the source of truth:

- ingest commits a report's facts and chunk rows in one short SQLite transaction first
  (the report is answerable from then on: its figures, and its text once the keyword
  index is refreshed), *then* embeds its chunks into Chroma; the vectors of the versions
  it replaced go after the commit. Vectors are a repairable index, never the truth: a
  chunk without its vector yet is still found by keyword, ``check()`` counts it as
  pending (expected while the writer is busy) and ``sync()`` / the next ingest embeds
  it. Readers never wait: SQLite is in WAL mode, and a search ignores vectors whose
  chunk is not (or not any more) in the ``chunks`` table;
- every change runs under the home's writer lock (:mod:`ingest.locking`), so writers
  take turns while readers go on;
- the keyword index is rebuilt from the ``chunks`` table whenever its fingerprint
  differs (after a batch of ingests or a removal), never half-written; a reader that
  finds it stale while a writer is busy keeps using the previous one;
- ``check()`` compares the stores and ``sync()`` repairs them (re-embeds what is
  missing, deletes what is stale, re-chunks reports from their kept source copies).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Self

from index.chunks import chunks_of
from index.docstore import ChunkStore
from ingest.locking import writer_lock
from ingest.model import ParsedReport
from ingest.names import printable, storable
from ingest.pipeline import STATUS_FAILED, Ingestor, IngestOutcome, StageCallback, iter_report_files
from ingest.settings import Settings
from ingest.store import FactStore

if TYPE_CHECKING:
    from index.embedder import Embedder
    from index.keyword import KeywordIndex
    from index.model import Chunk
    from index.vector import VectorIndex

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Consistency:
    """How the stores compare (``ok`` when they hold exactly the same chunks).

    While a writer is busy (``writer_busy``), the report it just committed may still be
    being embedded (``missing_vectors``) and the keyword index waits for its batch to end:
    those differences are expected then and do not make the state not ``ok``. With no
    writer, missing vectors are pending work for ``budgetqa index`` (a writer was
    stopped while embedding).
    """

    reports: int
    chunks: int
    vectors: int
    reports_without_chunks: tuple[str, ...]
    missing_vectors: int
    stale_vectors: int
    keyword_current: bool
    writer_busy: bool = False

    @property
    def ok(self) -> bool:
        if self.reports_without_chunks:
            return False
        return self.writer_busy or (not self.missing_vectors and not self.stale_vectors and self.keyword_current)


class Library:
    """Reports on disk, searchable. Loads the embedder and the indexes lazily."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, live: bool = False) -> None:
        """Args:
        settings: the home and the embedder's name.
        embedder: an embedder already loaded (else loaded on first use).
        live: a long-running reader: its vector index follows what other processes write
            (see :mod:`index.vector`).
        """
        self.settings = settings
        self.live = live
        self.facts = FactStore(settings.db_path)
        self.chunks = ChunkStore(self.facts.connection)
        self._embedder = embedder
        self._vector: VectorIndex | None = None
        self._keyword: KeywordIndex | None = None
        self.lock = writer_lock(settings.home)
        self.cleaned_at_open = self.clean_leftovers()
        """What an interrupted writer had left and opening the library removed."""

    # ---- lazily opened parts ---------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from index.embedder import load_embedder

            self._embedder = load_embedder(self.settings.embed_model)
        return self._embedder

    @property
    def loaded_embedder(self) -> Embedder | None:
        """The embedder if it is loaded already (to share with another library), else ``None``."""
        return self._embedder

    @property
    def vector(self) -> VectorIndex:
        if self._vector is None:
            from index.vector import VectorIndex

            self._vector = VectorIndex(self.settings.home / "chroma", self.embedder, live=self.live)
        return self._vector

    @property
    def keyword(self) -> KeywordIndex:
        if self._keyword is None:
            from index.keyword import KeywordIndex

            self._keyword = KeywordIndex(self.settings.home / "bm25")
        return self._keyword

    def warm_up(self) -> None:
        """Load the embedder, Chroma and jieba's dictionary now (what an ingest needs after its
        commit, and a search on its first report), so a long-running process's first upload
        is answerable sooner."""
        from index.keyword import tokenize

        self.vector.count()
        tokenize("公务接待费 4,723.92")

    def close(self) -> None:
        if self._vector is not None:
            self._vector.close()
            self._vector = None
        self.facts.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- writing -----------------------------------------------------------------

    def ingest(self, path: Path, on_stage: StageCallback | None = None, embed: bool = True) -> IngestOutcome:
        """Ingest one file into every store (the keyword index is refreshed by :meth:`refresh`).

        A bad file gives a failed outcome; an unexpected error (a bug, a full disk) before the
        commit is raised after everything of the file was undone (see :meth:`ingest_one` for
        batches). After the commit the report stays whatever happens: a failure to embed it is
        logged and told in the outcome's ``notes`` (``budgetqa index`` finishes the job).

        Args:
            path: the file.
            on_stage: called as ``on_stage(stage, done, total)`` when each stage starts:
                ``read`` (again with pages done and in all as a PDF's pages are loaded),
                ``tables``, ``check``, ``store`` (the short transaction: answerable from its
                end), ``embed`` (vectors, after the commit) and ``done`` — a file that is
                unchanged, a duplicate or fails skips from where it stopped to ``done``.
            embed: embed the new chunks now (and any left pending); ``False`` stops after
                ``store`` and leaves them (and ``done``) to :meth:`embed_committed`, e.g. after
                the caller has refreshed the keyword index.
        """
        hooks = _IndexWriter(self, on_stage)
        with self.lock.held():
            outcome = Ingestor(self.settings, store=self.facts).ingest(path, hooks=hooks, on_stage=on_stage)
            if hooks.stored and embed:
                return self.embed_committed(outcome, on_stage)
        if on_stage is not None and not hooks.stored:
            on_stage("done", None, None)
        return outcome

    def embed_committed(self, outcome: IngestOutcome, on_stage: StageCallback | None = None) -> IngestOutcome:
        """Embed what an ingest with ``embed=False`` left pending (see :meth:`embed_pending`),
        then report ``done``; returns its outcome, with a note if embedding failed (the report
        stays answerable)."""
        try:
            self.embed_pending(on_stage)
        except Exception as exc:  # the report is stored; its vectors can be made later
            log.exception("embedding after the commit of %s failed", printable(outcome.path))
            note = f"检索向量未能生成（{type(exc).__name__}: {exc}），运行 budgetqa index 补齐 / vectors pending"
            outcome = replace(outcome, notes=(*outcome.notes, storable(note)))
        if on_stage is not None:
            on_stage("done", None, None)
        return outcome

    def embed_pending(self, on_stage: StageCallback | None = None) -> int:
        """Embed every chunk that has no vector yet (a report just committed, or one whose
        writer was stopped while embedding); returns how many were embedded."""
        with self.lock.held():
            missing = self.chunks.ids() - self.vector.ids()
            if not missing:
                return 0
            if on_stage is not None:
                on_stage("embed", None, None)
            found = self.chunks.get(missing)
            self.vector.add([found[i] for i in sorted(found)])
            return len(found)

    def ingest_one(self, path: Path, on_stage: StageCallback | None = None) -> IngestOutcome:
        """:meth:`ingest` for one file of a batch: an unexpected error becomes a failed outcome
        (logged with its traceback) so the batch goes on and ends with its summary."""
        try:
            return self.ingest(path, on_stage)
        except Exception as exc:  # reported as this file's failure; the batch continues
            log.exception("unexpected error while ingesting %s", printable(str(path)))
            return IngestOutcome(
                storable(str(path)), STATUS_FAILED,
                error=storable(
                    f"{path}: 意外错误（{type(exc).__name__}: {exc}），该文件未导入，其余文件照常 / "
                    "unexpected error: this file was not ingested; please report it"
                ),
            )  # fmt: skip

    def clean_leftovers(self) -> list[str]:
        """Remove what an interrupted writer left behind (``files/*.part`` copies, keyword
        index folders that never went live), if no writer is running; returns their names."""
        removed: list[str] = []
        with self.lock.held_if_free() as free:
            if not free:
                return removed
            files_dir = self.settings.files_dir
            if files_dir.is_dir():
                for part in files_dir.glob("*.part"):
                    part.unlink(missing_ok=True)
                    removed.append(part.name)
            if (self.settings.home / "bm25").is_dir():
                from index.keyword import KeywordIndex

                removed += KeywordIndex(self.settings.home / "bm25").clean_leftovers()
        if removed:
            log.info("removed leftovers of an interrupted ingest: %s", ", ".join(removed))
        return removed

    def ingest_paths(
        self, paths: Iterable[Path], on_file: Callable[[Path], None] | None = None
    ) -> list[IngestOutcome]:
        """Ingest files and folders, then refresh the keyword index once (all under the writer
        lock: readers keep the previous keyword index until the batch is done)."""
        outcomes = []
        with self.lock.held():
            for path in iter_report_files(paths):
                if on_file is not None:
                    on_file(path)
                outcomes.append(self.ingest_one(path))
            self.refresh(wait=True)
        return outcomes

    def remove(self, report_id: str) -> bool:
        """Remove a report from every store; False if there is no such report."""
        old_ids: set[str] = set()

        def drop(conn: sqlite3.Connection, rid: str) -> None:
            old_ids.update(c.chunk_id for c in self.chunks.of_report(rid))
            self.chunks.delete_report(conn, rid)

        with self.lock.held():
            removed = Ingestor(self.settings, store=self.facts).remove(
                report_id, before_remove=drop, hooks=_IndexWriter(self)
            )
            if removed:
                stale = old_ids - self.chunks.ids()
                if stale:
                    self.vector.delete_ids(stale)
                self.refresh(wait=True)
        return removed

    def refresh(self, wait: bool = False) -> bool:
        """Rebuild the keyword index if the chunks changed; True if it was rebuilt.

        Args:
            wait: wait for a running writer (ingest, removal) to finish. By default a
                reader does not wait: while a writer is busy the previous index stays in
                use (the writer refreshes it when it is done) and False is returned.
        """
        if self.keyword.stamp() == self.chunks.stamp():
            return False
        if not self.lock.try_acquire(blocking=wait):
            log.info("keyword index stale while a writer is busy: the previous one stays in use")
            return False
        try:
            stamp = self.chunks.stamp()
            if self.keyword.stamp() == stamp:
                return False
            self.keyword.build(self.chunks.all(), stamp)
            return True
        finally:
            self.lock.release()

    # ---- consistency ---------------------------------------------------------------

    def check(self) -> Consistency:
        """Compare the stores (reads only; never waits for a writer)."""
        vector = self.vector  # loads the embedder, if needed, before taking the lock
        with self.lock.held_if_free() as free:
            report_ids = set(self.facts.report_ids())
            chunk_ids = self.chunks.ids()
            vector_ids = vector.ids()
            with_chunks = {c.report_id for c in self.chunks.all()} if chunk_ids else set()
            keyword_current = self.keyword.stamp() == self.chunks.stamp() or not (chunk_ids or self.keyword.count())
        return Consistency(
            reports=len(report_ids),
            chunks=len(chunk_ids),
            vectors=len(vector_ids),
            reports_without_chunks=tuple(sorted(report_ids - with_chunks)),
            missing_vectors=len(chunk_ids - vector_ids),
            stale_vectors=len(vector_ids - chunk_ids),
            keyword_current=keyword_current,
            writer_busy=not free,
        )

    def sync(self, on_progress: Callable[[str], None] | None = None, wait: bool = False) -> Consistency:
        """Repair the stores from SQLite: chunk reports that have none (from their kept
        source copies), embed missing chunks, delete stale vectors, rebuild keywords.

        Args:
            on_progress: called with a line for each step.
            wait: wait for a running writer. By default, while an ingest or a removal is
                running, nothing is repaired (its vectors are not stale, only not committed
                yet) and the state is returned as it is.
        """
        say = on_progress or (lambda message: None)
        if not self.lock.try_acquire(blocking=wait):
            say("an ingest is running: the indexes are left to it / 正在导入，索引由导入程序更新")
            return self.check()
        try:
            return self._sync(say)
        finally:
            self.lock.release()

    def _sync(self, say: Callable[[str], None]) -> Consistency:
        cleaned, self.cleaned_at_open = [*self.cleaned_at_open, *self.clean_leftovers()], []
        for name in cleaned:
            say(f"removed leftover {name}")
        self.vector.drop_other_collections()
        state = self.check()
        for report_id in state.reports_without_chunks:
            record = self.facts.report(report_id)
            parsed = Ingestor(self.settings, store=self.facts).reparse(report_id) if record else None
            if record is None or parsed is None:
                log.warning("report %s has no kept source file; re-ingest it", report_id)
                continue
            say(f"chunking {record.report.source_file}")
            chunks = [c for c in chunks_of(parsed)]
            with self.facts.transaction() as conn:
                self.chunks.write(conn, [_with_file(c, record.report.source_file, report_id) for c in chunks])
        chunk_ids = self.chunks.ids()
        vector_ids = self.vector.ids()
        stale = vector_ids - chunk_ids
        if stale:
            say(f"deleting {len(stale)} stale vectors")
            self.vector.delete_ids(sorted(stale))
        missing = chunk_ids - vector_ids
        if missing:
            say(f"embedding {len(missing)} chunks with {self.embedder.name}")
            self.embed_pending()
        if self.refresh(wait=True):
            say("keyword index rebuilt")
        return self.check()


def _with_file(chunk, source_file: str, report_id: str):  # type: ignore[no-untyped-def]
    """Chunks re-made from a kept copy keep the original file name and report id."""
    return replace(chunk, file=source_file, report_id=report_id)


class _IndexWriter:
    """The index's part of one report's ingest (:class:`ingest.pipeline.StoreHooks`): make its
    chunks before the store transaction, write their rows inside it, drop the vectors of
    replaced versions after the commit (embedding the new ones is :meth:`Library.embed_pending`)."""

    def __init__(self, library: Library, on_stage: StageCallback | None = None) -> None:
        self.library = library
        self.on_stage = on_stage
        self._new: list[Chunk] = []
        self._old: set[str] = set()
        self.stored = False
        """The transaction committed."""

    def prepare(self, parsed: ParsedReport, replaced: tuple[str, ...]) -> None:
        lib = self.library
        self._new = chunks_of(parsed)
        self._old = {c.chunk_id for old in replaced for c in lib.chunks.of_report(old)}

    def write(self, conn: sqlite3.Connection, parsed: ParsedReport, replaced: tuple[str, ...]) -> None:
        for old in replaced:
            self.library.chunks.delete_report(conn, old)
        self.library.chunks.write(conn, self._new)

    def committed(self, parsed: ParsedReport, replaced: tuple[str, ...]) -> None:
        self.stored = True
        stale = self._old - {c.chunk_id for c in self._new}
        if stale:
            try:
                self.library.vector.delete_ids(stale)
            except Exception:  # searches skip them; ``budgetqa index`` deletes them
                log.exception("could not delete %d replaced vectors", len(stale))

    def aborted(self, parsed: ParsedReport, replaced: tuple[str, ...]) -> None:
        """Nothing was embedded before the transaction: nothing to undo."""
