"""The library: ingest, index and remove reports, keeping every store consistent.

Three stores hold a report: the SQLite fact store (facts and the ``chunks`` table,
written in one transaction), the Chroma vector index and the BM25 keyword index.
SQLite is the source of truth:

- ingest writes facts and chunks in one transaction and adds the vectors inside it;
  if anything fails, the transaction rolls back and the new vectors are deleted;
- the keyword index is rebuilt from the ``chunks`` table whenever its fingerprint
  differs (after a batch of ingests or a removal), never half-written;
- ``check()`` compares the stores and ``sync()`` repairs them (re-embeds what is
  missing, deletes what is stale, re-chunks reports from their kept source copies).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from index.chunks import chunks_of
from index.docstore import ChunkStore
from ingest.model import ParsedReport
from ingest.pipeline import Ingestor, IngestOutcome, iter_report_files
from ingest.settings import Settings
from ingest.store import FactStore

if TYPE_CHECKING:
    from index.embedder import Embedder
    from index.keyword import KeywordIndex
    from index.vector import VectorIndex

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Consistency:
    """How the stores compare (``ok`` when they hold exactly the same chunks)."""

    reports: int
    chunks: int
    vectors: int
    reports_without_chunks: tuple[str, ...]
    missing_vectors: int
    stale_vectors: int
    keyword_current: bool

    @property
    def ok(self) -> bool:
        return not (self.reports_without_chunks or self.missing_vectors or self.stale_vectors) and self.keyword_current


class Library:
    """Reports on disk, searchable. Loads the embedder and the indexes lazily."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.facts = FactStore(settings.db_path)
        self.chunks = ChunkStore(self.facts.connection)
        self._embedder = embedder
        self._vector: VectorIndex | None = None
        self._keyword: KeywordIndex | None = None

    # ---- lazily opened parts ---------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from index.embedder import load_embedder

            self._embedder = load_embedder(self.settings.embed_model)
        return self._embedder

    @property
    def vector(self) -> VectorIndex:
        if self._vector is None:
            from index.vector import VectorIndex

            self._vector = VectorIndex(self.settings.home / "chroma", self.embedder)
        return self._vector

    @property
    def keyword(self) -> KeywordIndex:
        if self._keyword is None:
            from index.keyword import KeywordIndex

            self._keyword = KeywordIndex(self.settings.home / "bm25")
        return self._keyword

    def close(self) -> None:
        if self._vector is not None:
            self._vector.close()
            self._vector = None
        self.facts.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- writing -----------------------------------------------------------------

    def _index_hook(self, conn: sqlite3.Connection, parsed: ParsedReport, replaced: tuple[str, ...]) -> None:
        chunks = chunks_of(parsed)
        for old in replaced:
            self.chunks.delete_report(conn, old)
        self.chunks.write(conn, chunks)
        try:
            self.vector.add(chunks)
        except BaseException:
            self.vector.delete_report(parsed.report.report_id)
            raise
        for old in replaced:
            self.vector.delete_report(old)

    def ingest(self, path: Path) -> IngestOutcome:
        """Ingest one file into every store (the keyword index is refreshed by :meth:`refresh`)."""
        return Ingestor(self.settings, store=self.facts).ingest(path, after_store=self._index_hook)

    def ingest_paths(
        self, paths: Iterable[Path], on_file: Callable[[Path], None] | None = None
    ) -> list[IngestOutcome]:
        """Ingest files and folders, then refresh the keyword index once."""
        outcomes = []
        for path in iter_report_files(paths):
            if on_file is not None:
                on_file(path)
            outcomes.append(self.ingest(path))
        self.refresh()
        return outcomes

    def remove(self, report_id: str) -> bool:
        """Remove a report from every store; False if there is no such report."""

        def drop(conn: sqlite3.Connection, rid: str) -> None:
            self.chunks.delete_report(conn, rid)
            self.vector.delete_report(rid)

        removed = Ingestor(self.settings, store=self.facts).remove(
            report_id, before_remove=drop, after_store=self._index_hook
        )
        if removed:
            self.refresh()
        return removed

    def refresh(self) -> bool:
        """Rebuild the keyword index if the chunks changed; True if it was rebuilt."""
        stamp = self.chunks.stamp()
        if self.keyword.stamp() == stamp:
            return False
        self.keyword.build(self.chunks.all(), stamp)
        return True

    # ---- consistency ---------------------------------------------------------------

    def check(self) -> Consistency:
        report_ids = set(self.facts.report_ids())
        chunk_ids = self.chunks.ids()
        vector_ids = self.vector.ids()
        with_chunks = {c.report_id for c in self.chunks.all()} if chunk_ids else set()
        return Consistency(
            reports=len(report_ids),
            chunks=len(chunk_ids),
            vectors=len(vector_ids),
            reports_without_chunks=tuple(sorted(report_ids - with_chunks)),
            missing_vectors=len(chunk_ids - vector_ids),
            stale_vectors=len(vector_ids - chunk_ids),
            keyword_current=self.keyword.stamp() == self.chunks.stamp(),
        )

    def sync(self, on_progress: Callable[[str], None] | None = None) -> Consistency:
        """Repair the stores from SQLite: chunk reports that have none (from their kept
        source copies), embed missing chunks, delete stale vectors, rebuild keywords."""
        say = on_progress or (lambda message: None)
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
            found = self.chunks.get(missing)
            self.vector.add([found[i] for i in sorted(found)])
        if self.refresh():
            say("keyword index rebuilt")
        return self.check()


def _with_file(chunk, source_file: str, report_id: str):  # type: ignore[no-untyped-def]
    """Chunks re-made from a kept copy keep the original file name and report id."""
    from dataclasses import replace

    return replace(chunk, file=source_file, report_id=report_id)
