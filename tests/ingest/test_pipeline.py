"""Ingest end to end: bad input stores nothing, re-ingest is a no-op, a changed file
replaces its old version, and a failure mid-way leaves no half-written report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.pipeline import (
    STATUS_ADDED,
    STATUS_DUPLICATE,
    STATUS_FAILED,
    STATUS_REPLACED,
    STATUS_UNCHANGED,
    Ingestor,
    parse_file,
)
from ingest.settings import Settings
from tests.ingest.badfiles import write_bad_files
from ui.cli import cli

EMPTY = dict.fromkeys(("reports", "tables", "table_rows", "cells", "blocks", "checks"), 0)


@pytest.fixture()
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ingest.samples import generate_sample_reports

    samples = generate_sample_reports(tmp_path_factory.mktemp("samples"))
    return samples[0].path


def test_each_bad_input_fails_clearly_and_stores_nothing(tmp_path: Path, sample_pdf: Path) -> None:
    bad = write_bad_files(tmp_path / "bad", sample_pdf.read_bytes())
    (tmp_path / "bad" / "notes.docx").write_bytes(b"PK\x03\x04 not a report")
    ingestor = Ingestor(Settings(home=tmp_path / "home"))
    expected = {
        "empty": "空",
        "docx": "PDF",
        "truncated": "损坏",
        "encrypted": "加密",
        "scanned": "扫描",
    }
    for kind, path in bad.items():
        outcome = ingestor.ingest(path)
        assert outcome.status == STATUS_FAILED, kind
        assert path.name in outcome.error, outcome.error
        assert expected[kind] in outcome.error, (kind, outcome.error)
    unsupported = ingestor.ingest(tmp_path / "bad" / "notes.docx")
    assert unsupported.status == STATUS_FAILED and "notes.docx" in unsupported.error
    readme = tmp_path / "bad" / "README.md"
    readme.write_text("# 说明\n\n这个文件夹里放的是决算报告的文本转换件。\n", encoding="utf-8")
    not_a_report = ingestor.ingest(readme)
    assert not_a_report.status == STATUS_FAILED and "不是预算/决算报告" in not_a_report.error
    assert ingestor.store.counts() == EMPTY
    files = tmp_path / "home" / "files"
    assert not files.exists() or not any(files.iterdir())


def test_reingest_is_noop_and_changed_file_replaces(tmp_path: Path, sample_pdf: Path) -> None:
    ingestor = Ingestor(Settings(home=tmp_path / "home"))
    first = ingestor.ingest(sample_pdf)
    assert first.status == STATUS_ADDED and first.facts > 0
    counts = ingestor.store.counts()
    again = ingestor.ingest(sample_pdf)
    assert again.status == STATUS_UNCHANGED
    assert ingestor.store.counts() == counts
    # a corrected re-publication: same path, different bytes
    changed = tmp_path / sample_pdf.name
    shutil.copyfile(sample_pdf, changed)
    moved = ingestor.ingest(changed)  # same bytes from another path: still the same report
    assert moved.status == STATUS_UNCHANGED
    with changed.open("ab") as f:
        f.write(b"\n% appended comment changes the bytes\n")
    replaced = ingestor.ingest(changed)
    assert replaced.status == STATUS_REPLACED and replaced.replaced == (first.report.report_id,)
    assert ingestor.store.report_ids() == [replaced.report.report_id]
    assert ingestor.store.counts() == counts
    files = sorted(p.name for p in (tmp_path / "home" / "files").iterdir())
    assert files == [f"{replaced.report.report_id}.pdf"]


def test_failure_inside_the_transaction_leaves_nothing(tmp_path: Path, sample_pdf: Path) -> None:
    ingestor = Ingestor(Settings(home=tmp_path / "home"))

    def broken_index(conn: object, parsed: object, replaced: object) -> None:
        raise RuntimeError("index write failed")

    with pytest.raises(RuntimeError):
        ingestor.ingest(sample_pdf, after_store=broken_index)
    assert ingestor.store.counts() == EMPTY
    assert not any((tmp_path / "home" / "files").iterdir())


def test_cli_batch_reports_partial_failure(tmp_path: Path, sample_pdf: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(sample_pdf, folder / sample_pdf.name)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")
    runner = CliRunner()
    result = runner.invoke(cli, ["--home", str(tmp_path / "home"), "ingest", str(folder)])
    assert result.exit_code == 1
    assert "broken.pdf" in result.output and "1 ingested, 1 failed" in result.output
    listed = runner.invoke(cli, ["--home", str(tmp_path / "home"), "reports", "--json"])
    assert listed.exit_code == 0 and sample_pdf.name in listed.output


def test_duplicate_content_under_another_name_is_said_and_not_stored_twice(tmp_path: Path, sample_pdf: Path) -> None:
    ingestor = Ingestor(Settings(home=tmp_path / "home"))
    first = ingestor.ingest(sample_pdf)
    copy = tmp_path / "copy_of_report.pdf"
    shutil.copyfile(sample_pdf, copy)
    again = ingestor.ingest(copy)
    assert again.status == STATUS_DUPLICATE and again.duplicate_of == sample_pdf.name
    assert again.report is not None and again.report.report_id == first.report.report_id
    assert ingestor.store.report_ids() == [first.report.report_id]


def test_text_in_utf16_and_gbk_reads_like_utf8(tmp_path: Path, text_reports: dict[str, Path]) -> None:
    original = text_reports["001_5564e2671ee696e1.txt"]
    text = original.read_text(encoding="utf-8")
    utf8 = parse_file(original)
    for encoding in ("utf-16", "gbk"):  # "utf-16" writes a BOM, as Windows Notepad does
        path = tmp_path / f"report_{encoding}.txt"
        path.write_bytes(text.encode(encoding, errors="replace" if encoding == "gbk" else "strict"))
        parsed = parse_file(path)
        assert parsed.report.unit_name == utf8.report.unit_name and parsed.report.fiscal_year == 2021
        assert len(parsed.tables) == len(utf8.tables)
        assert sum(len(t.rows) for t in parsed.tables) == sum(len(t.rows) for t in utf8.tables)


def test_prose_without_tables_or_amounts_is_not_a_report(tmp_path: Path) -> None:
    prose = tmp_path / "about.txt"
    prose.write_text(
        "临沂市人民政府办公室2022年度单位决算\n\n临沂市人民政府办公室位于沂蒙路，负责市政府日常工作。\n"
        "办公室下设秘书科、综合科等科室，欢迎来访。\n",
        encoding="utf-8",
    )
    outcome = Ingestor(Settings(home=tmp_path / "home")).ingest(prose)
    assert outcome.status == STATUS_FAILED and "没有标准报表" in outcome.error, outcome.error
