"""Chinese keyword search (BM25) over chunk texts, persisted on disk.

Three parts:

- :func:`tokenize` — jieba with the report vocabulary (:mod:`index.lexicon`), numbers protected
  before jieba sees them (``4,723.92`` / ``1, 708. 47`` / ``12.5%`` / ``2010301`` / ``2022`` stay
  whole; amounts are normalised: ``4,723.92`` → ``4723.92``, ``47.50`` → ``47.5``), stop words
  and punctuation dropped, plus the character bigrams of every run of Chinese characters (so
  a question that writes a name or term differently from the report still shares tokens).
- :func:`expand_query` (from :mod:`index.lexicon`, re-exported) — everyday words → report
  terms (招待费 → 公务接待费), from :data:`index.lexicon.SYNONYMS`.
- :class:`KeywordIndex` — a bm25s index in a directory, rebuilt only when the caller's stamp
  changes, written atomically, memory-mapped on load.

On-disk layout of ``KeywordIndex(path)``::

    path/CURRENT          name of the live generation directory (replaced atomically)
    path/gen-<id>/        bm25s arrays + vocab, ids.json (chunk ids by row), meta.json (stamp…)

A build writes a new ``gen-<id>`` directory, then points ``CURRENT`` at it with ``os.replace``,
so a crash leaves either the old index or the new one, never a half-written one. The
generation that was live before stays on disk until the next build, so a reader in another
process that read ``CURRENT`` just before the switch still finds its folder; a reader that
loses the race anyway reads ``CURRENT`` again. Folders of builds that never went live
(a crash) are removed by the next build.

Measured on the 113 dev questions with evidence (140 question/evidence pairs) over the 2,012
chunks of the five shared reports: recall@10 / MRR of the evidence chunk, with the search
scoped to the question's report (``allowed``) and over all reports; k1=1.2, b=0.5, query
expansion at weight 0.3 (without expansion: about -0.03 recall@10, -0.01 MRR).

=====================================  ===============  ===============  ==========
tokens                                 scoped           all reports      index size
=====================================  ===============  ===============  ==========
jieba words only                       0.84 / 0.61      0.76 / 0.48      0.7 MB
+ bigrams of jieba tokens of 3+ chars  0.88 / 0.68      0.84 / 0.55      1.0 MB
+ bigrams of Chinese runs (default)    0.88 / 0.69      0.83 / 0.57      1.5 MB
=====================================  ===============  ===============  ==========

Bigrams matter because jieba cuts questions and report text differently (临沂市政府办 →
临沂/市政府办, but 临沂市/人民政府办公室). Run bigrams also bridge jieba's word boundaries and
rank slightly better (within noise of token bigrams); they cost index size, not speed.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.lexicon import DOMAIN_WORDS, STOP_WORDS, expand_query, normalize_text
from index.model import Chunk

__all__ = ["KeywordIndex", "Tokenizer", "TokenizerOptions", "expand_query", "normalize_number", "tokenize"]

logger = logging.getLogger(__name__)

TOKENIZER_VERSION = 1
"""Bump when tokenisation changes: indexes built by another version report no stamp (rebuild)."""

FORMAT_VERSION = 1
EXPANSION_WEIGHT = 0.3
"""Weight of expansion terms relative to the words of the question itself."""

_CURRENT = "CURRENT"
_META = "meta.json"
_IDS = "ids.json"
_BM25_PARAMS = "params.index.json"  # written by bm25s.BM25.save

# Amounts with thousands separators (optionally with the stray spaces of PDF conversions:
# "1, 708. 47"), then plain integers/decimals ("761. 17" only with exactly two decimals),
# with an optional percent sign. Not preceded by a digit or a decimal point.
_NUMBER = (
    r"(?<![\d.])(?:\d{1,3}(?:,[ \t]?\d{3})+(?:\.[ \t]?\d+)?"
    r"|\d+(?:\.\d+|\.[ \t]\d{2}(?!\d))?)%?"
)
_SPACES = re.compile(r"[,\s]+")
_STOP_CHARS = frozenset("的了吗呢么啥是在和与及或把被给这那哪")
"""Characters that make a bigram worthless (多少 → 是多, 少钱 … are dropped)."""
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{3,}")

BM25_K1 = 1.2
BM25_B = 0.5
"""BM25 parameters, chosen on the dev questions (b=0.5: row chunks are short, text chunks long)."""


def _is_cjk(token: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in token)


def normalize_number(text: str) -> str:
    """Canonical form of a number as printed: no separators or spaces, no trailing decimal zeros.

    ``"4,723.92"`` → ``"4723.92"``; ``"1, 708. 47"`` → ``"1708.47"``; ``"47.50"`` → ``"47.5"``;
    ``"0.00"`` → ``"0"``; ``"12.5%"`` stays ``"12.5%"``; integers (codes, years, ``"09"``) unchanged.
    """
    raw = _SPACES.sub("", text)
    percent = raw.endswith("%")
    number = raw.rstrip("%")
    if "." in number:
        number = number.rstrip("0").rstrip(".") or "0"
    return number + ("%" if percent else "")


@dataclass(frozen=True)
class TokenizerOptions:
    """How text becomes tokens.

    Attributes:
        parts: extra tokens for recall: ``"run_bigrams"`` (character bigrams of every run of 3+
            Chinese characters, minus bigrams with a function character such as 的/是), the
            default; ``"token_bigrams"`` (bigrams of jieba tokens of 3+ characters only); or
            ``"none"`` (jieba words only). Measured on the dev questions, see the module notes.
        hmm: let jieba guess unknown words (HMM). Off by default: guesses differ between a
            question and a report for the same name.
    """

    parts: str = "run_bigrams"
    hmm: bool = False

    def signature(self) -> str:
        return f"v{TOKENIZER_VERSION}-{self.parts}-hmm{int(self.hmm)}"


class Tokenizer:
    """jieba with the report vocabulary; initialised once, lazily and quietly (thread-safe)."""

    def __init__(self, options: TokenizerOptions | None = None) -> None:
        self.options = options or TokenizerOptions()
        self._jieba = None
        self._lock = threading.Lock()
        bracketed = sorted(
            {normalize_text(w) for w in DOMAIN_WORDS if not _is_cjk(normalize_text(w))}, key=len, reverse=True
        )
        phrases = "|".join(re.escape(w) for w in bracketed)
        self._protected = re.compile(f"(?P<phrase>{phrases})|(?P<number>{_NUMBER})")

    def _dt(self) -> Any:  # jieba.Tokenizer (jieba has no type hints)
        if self._jieba is None:
            with self._lock:
                if self._jieba is None:
                    import jieba

                    jieba.setLogLevel(logging.WARNING)
                    started = time.perf_counter()
                    dt = jieba.Tokenizer()
                    dt.initialize()
                    for word in DOMAIN_WORDS:
                        word = normalize_text(word)
                        if _is_cjk(word):
                            dt.add_word(word, freq=max(dt.suggest_freq(word, tune=False), 1000))
                    logger.debug("jieba ready in %.2fs", time.perf_counter() - started)
                    self._jieba = dt
        return self._jieba

    def __call__(self, text: str) -> list[str]:
        """Tokens of ``text`` (see :func:`tokenize`)."""
        text = normalize_text(text)
        out: list[str] = []
        pos = 0
        for match in self._protected.finditer(text):
            self._cut(text[pos : match.start()], out)
            if match.group("number"):
                out.append(normalize_number(match.group("number")))
            else:
                phrase = match.group("phrase")
                out.append(phrase)
                self._cut(re.sub(r"[^\u4e00-\u9fff]+", " ", phrase), out)
            pos = match.end()
        self._cut(text[pos:], out)
        return out

    def _cut(self, segment: str, out: list[str]) -> None:
        if not segment or segment.isspace():
            return
        dt = self._dt()
        parts = self.options.parts
        for token in dt.cut(segment, HMM=self.options.hmm):
            token = token.strip()
            if not token or token in STOP_WORDS or not any(ch.isalnum() for ch in token):
                continue
            out.append(token)
            if parts == "token_bigrams" and len(token) >= 3 and _is_cjk(token):
                out.extend(token[i : i + 2] for i in range(len(token) - 1))
        if parts == "run_bigrams":
            for run in _CJK_RUN.findall(segment):
                out.extend(
                    g
                    for i in range(len(run) - 1)
                    if (g := run[i : i + 2]) not in STOP_WORDS and not (set(g) & _STOP_CHARS)
                )


_DEFAULT = Tokenizer()


def tokenize(text: str) -> list[str]:
    """Tokens for keyword search (duplicates kept: BM25 counts them).

    Numbers are matched before jieba and kept whole: amounts (``4,723.92`` → ``4723.92``,
    ``1, 708. 47`` → ``1708.47``, trailing decimal zeros dropped), percentages (``12.5%``),
    功能/经济分类 codes (``2010301``) and years (``2022``). Chinese goes through jieba with the
    report vocabulary (``公务接待费`` stays one token); every run of 3+ Chinese characters also
    yields its character bigrams, so ``临沂市政府办`` and ``临沂市人民政府办公室`` share tokens
    even where jieba cuts them differently. Text goes through
    :func:`index.lexicon.normalize_text` (``“三公”经费`` = ``三公经费``); punctuation and
    :data:`index.lexicon.STOP_WORDS` are dropped.

    Args:
        text: any text (a chunk or a question).

    Returns:
        The tokens. The first call loads jieba's dictionary (about a second).
    """
    return _DEFAULT(text)


def _dedupe(tokens: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(tokens))


class KeywordIndex:
    """BM25 keyword index over chunk texts, stored in a directory.

    Build it with :meth:`build` when :meth:`stamp` differs from the stamp of the chunks in the
    database; otherwise just :meth:`search` — the index is loaded (memory-mapped) on first use
    and reloaded when another process has rebuilt it.

    Args:
        path: the index directory (created on build).
        tokenizer: the tokenizer; the default one unless measuring alternatives.
    """

    def __init__(self, path: Path, tokenizer: Tokenizer | None = None) -> None:
        self.path = Path(path)
        self.tokenizer = tokenizer or _DEFAULT
        self._lock = threading.Lock()
        self._loaded: _Loaded | None = None

    # -- disk -------------------------------------------------------------------------------

    def _live_generation(self) -> str | None:
        try:
            name = (self.path / _CURRENT).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return name if name and (self.path / name).is_dir() else None

    def _read_meta(self, generation: str) -> dict | None:
        folder = self.path / generation
        try:
            meta = json.loads((folder / _META).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            logger.warning("keyword index %s: unreadable %s (%s); it will be rebuilt", folder, _META, exc)
            return None
        if (
            meta.get("format") != FORMAT_VERSION
            or meta.get("tokenizer") != self.tokenizer.options.signature()
        ):
            logger.info("keyword index %s was built by another version; it will be rebuilt", folder)
            return None
        if not (folder / _IDS).is_file() or (meta.get("indexed") and not (folder / _BM25_PARAMS).is_file()):
            logger.warning("keyword index %s is incomplete; it will be rebuilt", folder)
            return None
        return meta

    def stamp(self) -> str | None:
        """The stamp passed to the :meth:`build` that wrote the index on disk.

        Returns:
            The stamp, or ``None`` if there is no index, it is unreadable or incomplete, or it was
            built with a different tokenizer or format (then the caller should rebuild).
        """
        for _attempt in range(2):  # a concurrent build may switch generations between the reads
            generation = self._live_generation()
            meta = self._read_meta(generation) if generation else None
            if meta is not None or generation == self._live_generation():
                break
        return meta["stamp"] if meta else None

    def build(self, chunks: Sequence[Chunk], stamp: str) -> None:
        """Tokenise and index ``chunks``, and replace the index on disk atomically.

        Side effects: writes ``path/gen-<id>/``, switches ``path/CURRENT`` to it, then deletes
        older generations except the one live before (a reader may be opening it). Readers in other processes pick the new index up on their next search.

        Args:
            chunks: every chunk to index (the index holds exactly these afterwards).
            stamp: identifies this set of chunks, e.g. a hash of their sorted ids; returned by
                :meth:`stamp` until the next build.

        Raises:
            ValueError: if two chunks share an id.
            OSError: if the directory cannot be written (the previous index stays in place).
        """
        import bm25s

        ids = [c.chunk_id for c in chunks]
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate chunk ids given to KeywordIndex.build; pass each chunk once")
        started = time.perf_counter()
        corpus = [self.tokenizer(c.text) for c in chunks]
        tokenized = time.perf_counter()
        indexed = any(corpus)  # bm25s cannot index a corpus without a single token
        self.path.mkdir(parents=True, exist_ok=True)
        previous = self._live_generation()
        generation = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
        target = self.path / generation
        try:
            target.mkdir()
            if indexed:
                retriever = bm25s.BM25(k1=BM25_K1, b=BM25_B)
                retriever.index(corpus, show_progress=False)
                retriever.save(str(target), show_progress=False)
            _write_json(target / _IDS, ids)
            meta = {
                "format": FORMAT_VERSION,
                "tokenizer": self.tokenizer.options.signature(),
                "stamp": stamp,
                "count": len(ids),
                "indexed": indexed,
                "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
            }
            _write_json(target / _META, meta)
            _write_text_atomic(self.path / _CURRENT, generation)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        self._remove_old_generations(keep={generation, previous or generation})
        logger.info(
            "keyword index %s: %d chunks (tokenize %.2fs, index+save %.2fs)",
            self.path,
            len(ids),
            tokenized - started,
            time.perf_counter() - tokenized,
        )

    def _remove_old_generations(self, keep: set[str]) -> None:
        for old in self.path.glob("gen-*"):
            if old.name not in keep:
                try:
                    shutil.rmtree(old)
                except OSError as exc:  # e.g. still mapped by a reader on Windows
                    logger.warning("could not remove old keyword index %s: %s", old, exc)

    def clean_leftovers(self) -> list[str]:
        """Remove generation folders that are neither live nor the one live before it (a build
        that crashed before going live) and half-written ``CURRENT`` files; returns their names.
        Call only when no build is running (the library holds its writer lock)."""
        live = self._live_generation()
        generations = sorted(self.path.glob("gen-*"), key=lambda p: p.stat().st_mtime)
        before = [g.name for g in generations if g.name != live and g.name < (live or "")]
        keep = {live, before[-1] if before else None}
        removed = []
        for old in [*generations, *self.path.glob(f".{_CURRENT}.*.tmp")]:
            if old.name in keep:
                continue
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)
            removed.append(f"bm25/{old.name}")
        return removed

    def _current(self) -> _Loaded | None:
        """The live generation, loaded (memory-mapped) if it is not already; read again once
        if a concurrent build removed it while it was being opened."""
        loaded = self._load_current()
        if loaded is None and self._live_generation() is not None:
            loaded = self._load_current()
        return loaded

    def _load_current(self) -> _Loaded | None:
        generation = self._live_generation()
        loaded = self._loaded
        if generation is None or (loaded is not None and loaded.generation == generation):
            return loaded if generation is not None else None
        with self._lock:
            if self._loaded is not None and self._loaded.generation == generation:
                return self._loaded
            if self._read_meta(generation) is None:
                return None
            import bm25s

            started = time.perf_counter()
            folder = self.path / generation
            try:
                ids = json.loads((folder / _IDS).read_text(encoding="utf-8"))
                bm25 = None
                if (folder / _BM25_PARAMS).is_file():
                    bm25 = bm25s.BM25.load(str(folder), mmap=True, show_progress=False)
            except (OSError, ValueError) as exc:  # replaced or removed under us
                logger.warning("keyword index %s could not be loaded (%s); rebuild it", folder, exc)
                return None
            self._loaded = _Loaded(generation, bm25, ids, {cid: i for i, cid in enumerate(ids)})
            logger.debug(
                "keyword index %s loaded (%d chunks) in %.3fs",
                folder,
                len(ids),
                time.perf_counter() - started,
            )
            return self._loaded

    # -- queries ----------------------------------------------------------------------------

    def count(self) -> int:
        """Number of chunks in the index on disk (0 if there is none)."""
        loaded = self._current()
        return len(loaded.ids) if loaded else 0

    def search(
        self, query: str, k: int = 10, allowed: set[str] | None = None, expand: bool = True
    ) -> list[tuple[str, float]]:
        """The chunks that best match ``query`` by BM25.

        Args:
            query: a question or keywords.
            k: at most this many results.
            allowed: if given, only these chunk ids can be returned (ids not in the index are
                ignored); an empty set returns nothing.
            expand: also search the report terms of :func:`expand_query`, weighted
                :data:`EXPANSION_WEIGHT`.

        Returns:
            ``(chunk_id, score)`` pairs, best first (ties by index order); chunks sharing no
            token with the query are left out. Empty when there is no index (build it first).
        """
        loaded = self._current()
        if loaded is None:
            logger.warning("no keyword index in %s; build it first (budgetqa ingest / refresh)", self.path)
            return []
        if k <= 0 or loaded.bm25 is None:
            return []
        vocab = loaded.bm25.vocab_dict
        words = [t for t in _dedupe(self.tokenizer(query)) if t in vocab]
        extra: list[str] = []
        if expand and (terms := expand_query(query)):
            extra = [t for t in _dedupe(self.tokenizer(" ".join(terms))) if t in vocab and t not in words]
        if not words and not extra:
            return []
        scores = np.zeros(len(loaded.ids), dtype=np.float32)
        if words:
            scores += loaded.bm25.get_scores(words)
        if extra:
            scores += EXPANSION_WEIGHT * loaded.bm25.get_scores(extra)
        if allowed is not None:
            mask = np.zeros(len(loaded.ids), dtype=np.float32)
            mask[[loaded.row_of[cid] for cid in allowed if cid in loaded.row_of]] = 1.0
            scores *= mask
        candidates = np.flatnonzero(scores > 0)
        if candidates.size > k:
            candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        ranked = sorted(candidates.tolist(), key=lambda row: (-scores[row], row))
        return [(loaded.ids[row], float(scores[row])) for row in ranked]


@dataclass(frozen=True)
class _Loaded:
    """One generation of the index in memory (swapped as a whole, so readers see one state)."""

    generation: str
    bm25: Any  # bm25s.BM25, or None when no chunk had a token
    ids: list[str]
    row_of: dict[str, int]


def _write_json(path: Path, data: object) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())


def _write_text_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
