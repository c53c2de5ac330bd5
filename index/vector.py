"""The vector index: chunk embeddings in a persistent Chroma store, through llama-index.

Only our own types cross this module's boundary (:class:`~index.model.Chunk` in, chunk
ids, cosine similarities and :class:`~index.model.Filters` out); Chroma and llama-index
objects stay inside.

Layout: one Chroma collection per embedder, named ``chunks_<sha1(embedder.name)[:10]>``
and created with cosine distance and *no* embedding function (Chroma's default one would
download a model): every vector comes from our :class:`~index.embedder.Embedder`. When the
embedder changes, the old collection is left alone; :meth:`VectorIndex.needs_reembed`
says so, the caller re-adds every chunk and :meth:`VectorIndex.drop_other_collections`
removes the old vectors. Vectors of two models are never mixed.

Other processes' writes: Chroma keeps one in-memory copy of an index per folder and
process, so a long-running reader (the web server, whose uploads are written by a child
process) would never see vectors added after it opened them. Every write rewrites
``<folder>.stamp``; a *live* index (``VectorIndex(..., live=True)``) checks it before each
read and, when it changed, opens the folder again through a fresh alias (a symlink in a
private temporary folder: a new path is a new Chroma instance that reads what is on disk;
live indexes of one process opened at the same stamp share an alias, hence one instance).

Writes are idempotent: :meth:`VectorIndex.add` replaces chunks that are already there
(by chunk id), deletes are by report id or chunk id, so repeating any of them after a
crash is safe.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import math
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import chromadb
from chromadb.config import Settings as ChromaSettings
from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode
from llama_index.core.vector_stores.types import (
    FilterOperator,
    MetadataFilter,
    MetadataFilters,
    VectorStoreQuery,
)
from llama_index.vector_stores.chroma import ChromaVectorStore

from index.chunks import embedding_text
from index.embedder import Embedder
from index.errors import BudgetQAIndexError
from index.model import Chunk, Filters

log = logging.getLogger(__name__)

COLLECTION_PREFIX = "chunks_"
ADD_BATCH = 256
"""Chunks embedded and written per step of :meth:`VectorIndex.add`."""
READ_BATCH = 5000
"""Rows read per page when listing ids or metadata (Chroma caps batch sizes)."""
STAMP_SUFFIX = ".stamp"
"""``<chroma folder>.stamp``: rewritten after every change, so live readers see it."""
RETIRE_SECONDS = 60.0
"""A live index closes a replaced client this long after replacing it (searches take ms)."""


_ALIAS_LOCK = threading.Lock()
_ALIASES: dict[tuple[str, str], Path] = {}
_ALIAS_DIR: list[Path] = []


def _alias(path: Path, stamp: str) -> Path:
    """The path a live index opens ``path`` through when its stamp is ``stamp``: a symlink in
    a private temporary folder (removed at exit), one per folder and stamp in this process."""
    key = (str(path.resolve()), stamp)
    with _ALIAS_LOCK:
        alias = _ALIASES.get(key)
        if alias is None:
            if not _ALIAS_DIR:
                _ALIAS_DIR.append(Path(tempfile.mkdtemp(prefix="budgetqa-chroma-")))
                atexit.register(shutil.rmtree, _ALIAS_DIR[0], True)
            alias = _ALIAS_DIR[0] / f"v{len(_ALIASES) + 1}"
            os.symlink(key[0], alias)
            _ALIASES[key] = alias
        return alias


def collection_name(embedder_name: str) -> str:
    """The ASCII collection name for an embedder signature."""
    return COLLECTION_PREFIX + hashlib.sha1(embedder_name.encode("utf-8")).hexdigest()[:10]


@dataclass(frozen=True)
class CollectionInfo:
    """A chunk collection in the store.

    Attributes:
        name: the Chroma collection name.
        embedder: the signature of the embedder that filled it (``?`` if unknown).
        count: how many vectors it holds.
    """

    name: str
    embedder: str
    count: int


def chunk_to_node(chunk: Chunk, embedding: Sequence[float] | None = None) -> TextNode:
    """The llama-index node of a chunk: id = chunk id, metadata = ``chunk.metadata()``,
    source document = the report (so llama-index's ``ref_doc_id`` is the report id)."""
    return TextNode(
        id_=chunk.chunk_id,
        text=chunk.text,
        metadata=chunk.metadata(),
        embedding=list(embedding) if embedding is not None else None,
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=chunk.report_id)},
    )


def to_metadata_filters(filters: Filters | None) -> MetadataFilters | None:
    """Our :class:`Filters` as llama-index metadata filters (AND), or ``None`` if empty.

    ``unit`` matches the full unit name exactly (the caller resolves short names);
    ``chunk_kind`` is stored under the metadata key ``kind``.
    """
    if filters is None:
        return None
    parts: list[MetadataFilter] = []
    if filters.report_ids:
        parts.append(
            MetadataFilter(key="report_id", value=list(filters.report_ids), operator=FilterOperator.IN)
        )
    if filters.unit:
        parts.append(MetadataFilter(key="unit", value=filters.unit))
    if filters.year is not None:
        parts.append(MetadataFilter(key="year", value=int(filters.year)))
    if filters.report_kind:
        parts.append(MetadataFilter(key="report_kind", value=filters.report_kind))
    if filters.table_kind:
        parts.append(MetadataFilter(key="table_kind", value=filters.table_kind))
    if filters.chunk_kind:
        parts.append(MetadataFilter(key="kind", value=filters.chunk_kind))
    return MetadataFilters(filters=parts) if parts else None  # type: ignore[arg-type]


def _pages(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


class VectorIndex:
    """Chunk vectors of one embedder in a persistent Chroma store.

    Args:
        path: the Chroma directory (created if missing).
        embedder: embeds chunks and queries; its ``name`` selects the collection.

    Raises:
        BudgetQAIndexError: the store cannot be opened, or its collection does not fit
            the embedder.
    """

    def __init__(self, path: Path, embedder: Embedder, live: bool = False) -> None:
        self.path = Path(path)
        self.embedder = embedder
        self.collection_name = collection_name(embedder.name)
        self.live = live
        self.path.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._retired: list[tuple[float, Any]] = []
        self._seen = self._stamp()
        self._client, self._collection, self._store = self._open()
        self._closed = False
        log.debug("vector index %s: collection %s (%s)", self.path, self.collection_name, embedder.name)

    def _open(self) -> tuple[Any, Any, ChromaVectorStore]:
        """A Chroma client, this embedder's collection and its llama-index store. A live index
        opens the folder through the alias of its current stamp, so Chroma (which keeps one
        in-memory copy per path and process) reads what other processes wrote, and live
        indexes opened at the same stamp share one copy."""
        where = _alias(self.path, self._seen) if self.live else self.path
        client: Any = None
        try:
            client = chromadb.PersistentClient(path=str(where), settings=ChromaSettings(anonymized_telemetry=False))
            collection = client.get_or_create_collection(
                self.collection_name,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"embedder": self.embedder.name, "dim": self.embedder.dim},
            )
        except Exception as exc:  # chroma raises many kinds
            if client is not None:
                client.close()
            raise BudgetQAIndexError(
                f"cannot open the vector index at {self.path} ({exc}); "
                "delete that folder and run `budgetqa sync` to rebuild it"
            ) from exc
        try:
            self._check_collection(collection)
        except BudgetQAIndexError:
            client.close()
            raise
        return client, collection, ChromaVectorStore(chroma_collection=collection)

    # ---- other processes' writes (live indexes) -----------------------------------------------

    @property
    def _stamp_path(self) -> Path:
        return self.path.with_name(self.path.name + STAMP_SUFFIX)

    def _stamp(self) -> str:
        try:
            return self._stamp_path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError):
            return ""

    def _touch(self) -> None:
        """Tell live readers (in any process) that the vectors changed."""
        part = self._stamp_path.with_name(f"{self._stamp_path.name}.{uuid.uuid4().hex}.part")
        part.write_text(uuid.uuid4().hex, encoding="ascii")
        part.replace(self._stamp_path)

    def _fresh(self) -> ChromaVectorStore:
        """The store to read from: for a live index, reopened when another writer changed the
        vectors since it was opened (the previous client is closed a while later, once no
        search can still be using it)."""
        if not self.live or self._stamp() == self._seen:
            return self._store
        with self._lock:
            stamp = self._stamp()
            if stamp != self._seen and not self._closed:
                now = time.monotonic()
                for retired_at, client in [r for r in self._retired if now - r[0] > RETIRE_SECONDS]:
                    client.close()
                    self._retired.remove((retired_at, client))
                self._retired.append((now, self._client))
                self._seen = stamp
                self._client, self._collection, self._store = self._open()
                log.debug("vector index %s reopened: another process changed it", self.path)
        return self._store

    def _check_collection(self, collection: Any) -> None:
        meta = collection.metadata or {}
        made_by = meta.get("embedder", self.embedder.name)
        dim = int(meta.get("dim", self.embedder.dim))
        if made_by != self.embedder.name or dim != int(self.embedder.dim):
            raise BudgetQAIndexError(
                f"collection {self.collection_name} in {self.path} holds vectors of "
                f"{meta.get('embedder')} (dim {meta.get('dim')}), not of {self.embedder.name}; "
                "delete that folder and run `budgetqa sync`"
            )
        # configuration_json, not configuration: the latter warns about the "legacy" (= no)
        # embedding function that embedding_function=None records.
        config = collection.configuration_json or {}
        space = (config.get("hnsw") or {}).get("space", "cosine")
        if space != "cosine":
            raise BudgetQAIndexError(
                f"collection {self.collection_name} in {self.path} uses {space} distance, not cosine; "
                "delete that folder and run `budgetqa sync`"
            )

    # ---- lifecycle -------------------------------------------------------------------

    def close(self) -> None:
        """Release the Chroma client (the store is closed once its last client is)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for _, client in self._retired:
                client.close()
            self._retired = []
            self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"VectorIndex({str(self.path)!r}, {self.embedder.name!r})"

    # ---- writing ---------------------------------------------------------------------

    def add(self, chunks: Sequence[Chunk]) -> None:
        """Embed and store chunks, replacing any already stored under the same chunk id.

        Work goes in steps of :data:`ADD_BATCH` chunks; a crash leaves whole steps done,
        and calling ``add`` again with the same chunks completes the job.
        """
        unique = list({c.chunk_id: c for c in chunks}.values())
        if len(unique) != len(chunks):
            log.debug("add: %d duplicate chunk ids ignored", len(chunks) - len(unique))
        for start in range(0, len(unique), ADD_BATCH):
            batch = unique[start : start + ADD_BATCH]
            vectors = self.embedder.embed_passages([embedding_text(c) for c in batch])
            if len(vectors) != len(batch) or any(len(v) != self.embedder.dim for v in vectors):
                raise BudgetQAIndexError(
                    f"embedder {self.embedder.name} returned {len(vectors)} vectors for {len(batch)} chunks "
                    f"or vectors of the wrong dimension (expected {self.embedder.dim})"
                )
            nodes = [chunk_to_node(c, v) for c, v in zip(batch, vectors, strict=True)]
            ids = [c.chunk_id for c in batch]
            present = self._collection.get(ids=ids, include=[])["ids"]
            if present:
                self._store.delete_nodes(node_ids=list(present))
            self._store.add(nodes)
        if unique:
            self._touch()  # once per call: each change makes live readers reopen (≈0.2 s)
            log.debug("added %d chunks to %s", len(unique), self.collection_name)

    def delete_report(self, report_id: str) -> None:
        """Delete every chunk of a report (no error if it has none)."""
        self._collection.delete(where={"report_id": report_id})
        self._touch()
        log.debug("deleted report %s from %s", report_id, self.collection_name)

    def delete_ids(self, ids: Iterable[str]) -> None:
        """Delete chunks by chunk id (ids not stored are ignored)."""
        wanted = sorted(set(ids))
        for page in _pages(wanted, READ_BATCH):
            self._store.delete_nodes(node_ids=page)
        if wanted:
            self._touch()

    # ---- reading ---------------------------------------------------------------------

    def _scan(self, include: list[str]) -> Iterator[dict[str, Any]]:
        self._fresh()
        collection = self._collection
        offset = 0
        while True:
            page = collection.get(include=include, limit=READ_BATCH, offset=offset)
            if not page["ids"]:
                return
            yield page
            if len(page["ids"]) < READ_BATCH:
                return
            offset += len(page["ids"])

    def ids(self) -> set[str]:
        """Every stored chunk id."""
        return {cid for page in self._scan([]) for cid in page["ids"]}

    def report_ids(self) -> set[str]:
        """The ids of the reports that have chunks here."""
        return {
            str(meta["report_id"])
            for page in self._scan(["metadatas"])
            for meta in page["metadatas"] or []
            if meta and meta.get("report_id")
        }

    def count(self) -> int:
        """How many chunks are stored."""
        self._fresh()
        return int(self._collection.count())

    def search(self, query: str, k: int = 10, filters: Filters | None = None) -> list[tuple[str, float]]:
        """The ``k`` chunks nearest to ``query``.

        Args:
            query: the question or keywords (embedded as a query).
            k: how many results at most.
            filters: restrict by report ids, unit (exact full name), year, report kind,
                table kind and chunk kind.

        Returns:
            ``(chunk_id, cosine similarity)`` pairs, best first.
        """
        if k <= 0 or not query.strip() or self.count() == 0:
            return []
        vector = self.embedder.embed_query(query)
        result = self._fresh().query(
            VectorStoreQuery(query_embedding=vector, similarity_top_k=k, filters=to_metadata_filters(filters))
        )
        ids = result.ids or []
        similarities = result.similarities or []
        # llama-index reports exp(-distance); Chroma's cosine distance is 1 - cos.
        return [(cid, 1.0 + math.log(sim)) if sim > 0 else (cid, -1.0) for cid, sim in zip(ids, similarities)]

    # ---- other embedders' collections ------------------------------------------------

    def collections(self) -> list[CollectionInfo]:
        """Every chunk collection in the store, this embedder's included."""
        infos = []
        for col in self._client.list_collections():
            name = getattr(col, "name", col)
            if not str(name).startswith(COLLECTION_PREFIX):
                continue
            handle = (
                col if hasattr(col, "count") else self._client.get_collection(name, embedding_function=None)
            )
            meta = handle.metadata or {}
            infos.append(
                CollectionInfo(name=str(name), embedder=str(meta.get("embedder", "?")), count=handle.count())
            )
        return sorted(infos, key=lambda info: info.name)

    def stale_collections(self) -> list[CollectionInfo]:
        """Chunk collections made by other embedders (left over from a model change)."""
        return [info for info in self.collections() if info.name != self.collection_name]

    def needs_reembed(self) -> bool:
        """True when another embedder's vectors are in the store: the index was built
        with a different model, so every chunk must be added again with this one
        (then call :meth:`drop_other_collections`)."""
        stale = [info for info in self.stale_collections() if info.count]
        for info in stale:
            log.info(
                "vector index %s has %d vectors of %s; current embedder is %s: re-embed",
                self.path, info.count, info.embedder, self.embedder.name,
            )  # fmt: skip
        return bool(stale)

    def drop_other_collections(self) -> list[str]:
        """Delete the other embedders' collections; returns their names."""
        dropped = []
        for info in self.stale_collections():
            self._client.delete_collection(info.name)
            log.info("dropped collection %s (%d vectors of %s)", info.name, info.count, info.embedder)
            dropped.append(info.name)
        return dropped
