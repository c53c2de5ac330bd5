"""What the chat page does, without the web framework: ask, ingest, list, show evidence.

One :class:`Backend` serves every browser session of a server. Questions never wait for an
upload, and questions from different sessions are answered in parallel:

- **Answering holds no lock.** The QA engine is read-mostly: once built and warmed it only
  reads its caches, its own SQLite connection (WAL: readers never wait for a writer) and the
  keyword index loaded in memory. The backend keeps one *generation* — a library opened for
  reading, its engine, the report list and the example questions — and every question uses
  the generation that is current when it starts.
- **A new report is picked up without a restart.** After an upload is stored (or when another
  process — ``budgetqa ingest`` — commits a report or rebuilds the keyword index, seen by a
  watcher thread every :data:`WATCH_SECONDS`), a new generation is built and warmed in the
  background and then swapped in with one assignment; questions in flight finish on the old one.
- **Uploads run in a background worker** (:mod:`ui.ingest_jobs`), one file at a time, each
  ingested in a child process (:mod:`ui.ingest_process`: parsing a PDF is CPU-bound Python and
  would otherwise hold this process's interpreter lock); the page polls the job for its progress.

Everything that belongs to a user — the conversation, the answers, which source is open —
lives in that user's session state (:class:`ChatSession`), never here.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import shutil
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ingest.pipeline import STATUS_DUPLICATE, STATUS_UNCHANGED, IngestOutcome
from ingest.settings import Settings
from ingest.store import FactStore, ReportRecord
from qa.model import Answer, Citation
from qa.smalltalk import is_smalltalk, smalltalk_answer
from ui.answer_text import (  # noqa: F401  (re-exported: the page and tests use them from here)
    REPORT_HEADERS,
    answer_markdown,
    candidate_label,
    candidate_question,
    citation_choice,
    md_escape,
    outcome_line,
    report_rows,
    scoped_question,
    short_name,
)
from ui.csv_export import csv_file_name as named_csv
from ui.evidence import Evidence, build_evidence
from ui.examples import example_questions, validated_examples
from ui.ingest_jobs import IngestJob, IngestWorker, StageCallback
from ui.ingest_process import IngestProcess

log = logging.getLogger(__name__)

WATCH_SECONDS = 2.0
"""How often the watcher looks for reports committed by another process."""
RETIRE_SECONDS = 60.0
"""A replaced engine is closed this long after the swap (a question takes well under a second)."""
EVIDENCE_CACHE = 256
"""Citations whose evidence one engine generation keeps (least recently opened dropped first)."""


def _written_once(path: Path, write: Callable[[Path], Any]) -> Path:
    """``path``, written by ``write`` (to a temporary name, then renamed, so no reader sees half a
    file) unless it exists already."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(f"{path.name}.{uuid.uuid4().hex}.part")
        write(part)
        part.replace(path)
    return path


class Engine(Protocol):
    """What the page needs of a QA engine (``qa.engine.QAEngine``)."""

    def ask(self, question: str) -> Answer: ...


def real_engine(library: Any) -> Engine:
    """The QA engine over ``library`` (imported lazily: it loads the question parsers), with the
    LLM its settings configure (``llm_base_url``), if any."""
    from qa.engine import QAEngine

    llm = None
    if library.settings.llm_base_url.strip():
        from qa.llm import make_llm

        llm = make_llm(library.settings)
    return QAEngine(library, llm=llm)


def _open_store(path: Path) -> FactStore:
    """The fact store opened for reading (read-only where the store supports it)."""
    if "read_only" in inspect.signature(FactStore).parameters:
        return FactStore(path, read_only=True)  # type: ignore[call-arg]
    return FactStore(path)


@dataclass
class Generation:
    """The engine every question uses until a newer one is swapped in."""

    library: Any
    engine: Engine
    records: list[ReportRecord]
    examples: list[str]
    fingerprint: tuple[Any, ...]
    evidence: OrderedDict[str, Evidence] = field(default_factory=OrderedDict)
    """Evidence built for citations of this generation's reports (most recently used last;
    shared by every session, never changed after it is built)."""
    evidence_lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class Reply:
    """An answer for the chat: the answer, the question as sent when it differs from the typed
    one (filters, conversation), and whether it was small talk (no figures)."""

    answer: Answer
    asked_as: str | None = None
    smalltalk: bool = False


class CurrentEngine:
    """The backend's newest engine, for a :class:`qa.conversation.Conversation` that outlives
    engine generations."""

    def __init__(self, backend: Backend) -> None:
        self._backend = backend

    def records(self) -> list[ReportRecord]:
        return self._backend.records()

    def ask(self, question: str, id: str | None = None) -> Answer:
        return self._backend.engine().ask(question)


@dataclass
class ChatSession:
    """One browser session's conversation: its answers, the one whose sources are listed, and
    the conversation context (:class:`qa.conversation.Conversation`, when available)."""

    answers: list[Answer] = field(default_factory=list)
    messages: list[dict[str, str]] = field(default_factory=list)
    current: int = -1
    conversation: Any = None
    can_upload: bool = False

    def clear(self) -> None:
        """Start a new conversation: no messages, no answers, no context."""
        self.answers, self.messages, self.current = [], [], -1
        if self.conversation is not None:
            self.conversation.clear()


def _conversation(backend: Backend) -> Any:
    """A conversation over the backend's current engine, or ``None`` without :mod:`qa.conversation`."""
    try:
        from qa.conversation import Conversation
    except ImportError:
        return None
    return Conversation(CurrentEngine(backend))


class Backend:
    """The library and QA engine behind every session of one server.

    Args:
        settings: where the reports are (``home``) and which embedder indexes them.
        engine_factory: builds the engine over a :class:`index.library.Library`
            (tests pass a fake; the default is :func:`real_engine`).
        watch: look for reports committed by other processes every :data:`WATCH_SECONDS`.
    """

    def __init__(
        self, settings: Settings, engine_factory: Callable[[Any], Engine] | None = None, watch: bool = False
    ) -> None:
        self.settings = settings
        self._engine_factory = engine_factory or real_engine
        self._build_lock = threading.Lock()  # one generation built at a time (never held by a question)
        self._store_lock = threading.Lock()  # opening the shared reading connection
        self._store: FactStore | None = None
        self._generation: Generation | None = None
        self._retired: list[tuple[float, Generation]] = []  # replaced, closed a while later
        self._tmp = Path(tempfile.mkdtemp(prefix="budgetqa-web-"))
        self._closed = threading.Event()
        self._ingester = IngestProcess(settings)
        self._worker = IngestWorker(self._ingest_file, self._after_file)
        self._watcher: threading.Thread | None = None
        if watch:
            self._watcher = threading.Thread(target=self._watch, name="budgetqa-watch", daemon=True)
            self._watcher.start()

    # ---- reading: one shared connection, never a lock an ingest needs ---------------------------

    def _reader(self) -> FactStore:
        if self._store is None:
            with self._store_lock:
                if self._store is None:
                    self._store = _open_store(self.settings.db_path)
        return self._store

    def records(self) -> list[ReportRecord]:
        """The ingested reports, by unit and year (as of the current generation, else the store)."""
        generation = self._generation
        if generation is not None:
            return generation.records
        return self._reader().reports()

    def examples(self) -> list[str]:
        """Example questions that work on the reports (checked against the engine when it is built)."""
        generation = self._generation
        return generation.examples if generation is not None else example_questions(self.records())

    def evidence(self, citation: Citation) -> Evidence:
        """The table, passage, page image and CSV for a citation (see :func:`ui.evidence.build_evidence`),
        built once per citation and engine generation (many users open the same sources)."""
        generation, key = self._generation, repr(citation)
        if generation is not None:
            with generation.evidence_lock:
                cached = generation.evidence.get(key)
                if cached is not None:
                    generation.evidence.move_to_end(key)
                    return cached
        evidence = build_evidence(self._reader(), self.settings.files_dir, citation)
        if generation is not None:
            with generation.evidence_lock:
                generation.evidence[key] = evidence
                while len(generation.evidence) > EVIDENCE_CACHE:
                    generation.evidence.popitem(last=False)
        return evidence

    def csv_file(self, evidence: Evidence, citation: Citation | None = None) -> Path | None:
        """The evidence's table CSV (UTF-8 with BOM, for spreadsheets) in a file named
        ``<单位>_<年度>_<表名>.csv``, written once per name and content."""
        if evidence.csv_text is None or evidence.csv_name is None:
            return None
        name = evidence.csv_name
        if citation is not None:
            name = named_csv(citation.unit_name, citation.year, evidence.table_label or citation.table)
        text = evidence.csv_text
        key = hashlib.sha1(f"{name}\n{text}".encode()).hexdigest()[:20]
        return _written_once(
            self._tmp / "tables" / key / name, lambda part: part.write_text(text, encoding="utf-8-sig")
        )

    def image_file(self, evidence: Evidence) -> Path | None:
        """The evidence's page image as a PNG file, written once per page and boxes (many users
        open the same cited pages; encoding the image is the slow part of showing evidence)."""
        image = evidence.image
        if image is None:
            return None
        key = hashlib.sha1(repr((evidence.title, evidence.boxes, image.size)).encode()).hexdigest()[:20]
        return _written_once(
            self._tmp / "pages" / f"{key}.png", lambda part: image.save(part, format="PNG", compress_level=1)
        )

    # ---- the engine: built in the background, swapped in at once --------------------------------

    def _fingerprint(self) -> tuple[Any, ...]:
        """What changes when a report is committed or the keyword index is rebuilt, by anyone."""
        row = (
            self._reader()
            .connection.execute(
                "SELECT count(*), group_concat(report_id || ingested_at) FROM (SELECT report_id, ingested_at "
                "FROM reports ORDER BY report_id)"
            )
            .fetchone()
        )
        current = self.settings.home / "bm25" / "CURRENT"
        stamp = current.stat().st_mtime_ns if current.exists() else 0
        return (row[0], row[1] or "", stamp)

    def _build(self) -> Generation:
        """A new generation over the reports committed now, warmed; swapped in when ready."""
        with self._build_lock:
            fingerprint = self._fingerprint()
            current = self._generation
            if current is not None and current.fingerprint == fingerprint:
                return current
            from index.library import Library

            embedder = current.library.loaded_embedder if current is not None else None
            library = Library(self.settings, embedder=embedder, live=True)
            engine = self._engine_factory(library)
            records = self._reader().reports()
            warm = getattr(engine, "warm", None)
            if callable(warm) and records:
                warm()
            examples = validated_examples(records, engine)
            self._generation = Generation(library, engine, records, examples, fingerprint)
            log.info("engine ready: %d reports", len(records))
            if current is not None:
                self._retired.append((time.monotonic(), current))
            self._close_retired()
            return self._generation

    def _close_retired(self, everything: bool = False) -> None:
        """Close replaced generations once no question can still be using them
        (:data:`RETIRE_SECONDS` after they were replaced; all of them when closing)."""
        now = time.monotonic()
        for retired_at, generation in list(self._retired):
            if everything or now - retired_at > RETIRE_SECONDS:
                self._retired.remove((retired_at, generation))
                try:
                    generation.library.close()
                except Exception:  # closing an old generation must never hurt the current one
                    log.exception("could not close a replaced engine")

    def engine(self) -> Engine:
        """The current engine (built on first use)."""
        generation = self._generation
        return generation.engine if generation is not None else self._build().engine

    def warm(self) -> None:
        """Build and warm the engine now, so the first question (and the first upload, even
        into an empty home) is answered quickly."""
        generation = self._build()
        generation.library.warm_up()
        warm = getattr(generation.engine, "warm", None)
        if callable(warm) and not generation.records:  # built without warming: nothing to load then
            warm()

    def prepare_uploads(self) -> None:
        """Start the ingest child now (a server that takes uploads), so the first upload does
        not wait for it to load the embedder and indexes."""
        self._ingester.start()

    def _watch(self) -> None:
        while not self._closed.wait(WATCH_SECONDS):
            try:
                generation = self._generation
                if generation is not None and generation.fingerprint != self._fingerprint():
                    self._build()
                elif self._retired:
                    with self._build_lock:
                        self._close_retired()
            except Exception:  # a failed check must not stop the watcher; the next one retries
                log.exception("could not check the home for new reports")

    # ---- asking ------------------------------------------------------------------------------------

    def new_session(self, can_upload: bool = False) -> ChatSession:
        """A fresh conversation for one browser session."""
        return ChatSession(conversation=_conversation(self), can_upload=can_upload)

    def ask(
        self,
        question: str,
        unit: str | None = None,
        year: int | None = None,
        session: ChatSession | None = None,
    ) -> Reply:
        """Answer a question, scoped by the optional unit and year filters, in the session's
        conversation when there is one. Greetings and nonsense get a short "what you can ask".
        """
        typed = question.strip()
        records = self.records()
        in_conversation = bool(session and session.answers)
        names = [n for r in records for n in (r.report.unit_name, *r.report.short_names) if n]
        if is_smalltalk(typed, names, in_conversation=in_conversation):
            return Reply(smalltalk_answer(typed, self.examples()), smalltalk=True)
        asked = scoped_question(typed, unit, year, records) if unit or year else typed
        conversation = session.conversation if session is not None else None
        answer = conversation.ask(asked) if conversation is not None else self.engine().ask(asked)
        shown = getattr(answer, "asked_as", None) or (asked if asked != typed else None)
        return Reply(answer, shown)

    # ---- ingesting: a background worker, one file at a time ----------------------------------------

    def start_ingest(
        self, paths: Sequence[Path], on_file: Callable[[int, Path], None] | None = None
    ) -> IngestJob:
        """Queue uploaded files for ingest; returns at once with the job to watch.

        Args:
            paths: the uploaded files (their names are kept as the reports' file names).
            on_file: called (in the worker thread) with ``(index, path)`` as each file starts.
        """
        return self._worker.submit([Path(p) for p in paths], on_file=on_file)

    def ingest(
        self, paths: Sequence[Path], on_file: Callable[[int, Path], None] | None = None
    ) -> list[IngestOutcome]:
        """Ingest files and wait for the result (a file that fails does not stop the others)."""
        job = self.start_ingest(paths, on_file=on_file)
        job.done.wait()
        return job.outcomes()

    def remove(self, report_id: str) -> bool:
        """Remove a report from every store, as ``budgetqa remove`` does (in the ingest child, after
        any upload in progress), then build the engine without it; False if there is no such report.

        Raises:
            RuntimeError: the removal failed (the message says why, in Chinese).
        """
        removed = self._ingester.remove(report_id)
        if removed:
            self._build()
        return removed

    def _ingest_file(
        self, path: Path, on_stage: StageCallback, on_stored: Callable[[IngestOutcome], None]
    ) -> IngestOutcome:
        """One upload, ingested in the child process (never holds this process's interpreter);
        ``on_stored`` runs when it is committed and keyword-indexed, before it is embedded."""
        return self._ingester.ingest(path, on_stage, on_stored)

    def _after_file(self, outcome: IngestOutcome) -> None:
        """After each stored file (the child has refreshed the keyword index): a new engine.
        Its vectors come later; the live vector index reads them when they are written."""
        if outcome.ok and outcome.status not in (STATUS_UNCHANGED, STATUS_DUPLICATE):
            self._build()

    def close(self) -> None:
        """Stop the worker and the watcher, close the stores, delete the temporary files."""
        self._closed.set()
        self._worker.close()
        self._ingester.close()
        generation, self._generation = self._generation, None
        if generation is not None:
            generation.library.close()
        with self._build_lock:
            self._close_retired(everything=True)
        if self._store is not None:
            self._store.close()
            self._store = None
        shutil.rmtree(self._tmp, ignore_errors=True)
