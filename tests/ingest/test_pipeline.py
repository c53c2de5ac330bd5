"""Ingest end to end: bad input stores nothing, re-ingest is a no-op, a changed file
replaces its old version, and a failure mid-way leaves no half-written report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.pipeline import STATUS_ADDED, STATUS_FAILED, STATUS_REPLACED, STATUS_UNCHANGED, Ingestor
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
