"""Limits on one file: non-regular files, size, pages, decompression bombs, timeout — each
refused with its reason, nothing stored; the real reports pass the default limits.
(Time and memory of refusing the bomb: ``eval/bench_limits.py``.)"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import pytest

from ingest.limits import Limits, check_pdf, inflated_size
from ingest.pipeline import STATUS_FAILED, Ingestor
from ingest.settings import Settings

EMPTY = dict.fromkeys(("reports", "tables", "table_rows", "cells", "blocks", "checks"), 0)


def write_bomb_pdf(path: Path, inflated_mb: int = 1024) -> Path:
    """A valid-looking one-page PDF whose content stream is ``inflated_mb`` MB of deflated zeros."""
    packer = zlib.compressobj(9)
    chunk = b"\0" * (1024 * 1024)
    stream = b"".join(packer.compress(chunk) for _ in range(inflated_mb)) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_bomb_pdf(tmp_path_factory.mktemp("bomb") / "report.pdf")


def test_a_decompression_bomb_is_refused_for_what_it_is(tmp_path: Path, bomb: Path) -> None:
    assert bomb.stat().st_size < 1.5 * 1024 * 1024
    ingestor = Ingestor(Settings(home=tmp_path / "home"))
    outcome = ingestor.ingest(bomb)
    assert outcome.status == STATUS_FAILED
    assert "压缩" in outcome.error and "report.pdf" in outcome.error, outcome.error
    assert "扫描" not in outcome.error
    assert ingestor.store.counts() == EMPTY


def test_inflated_size_counts_without_keeping_and_stops_at_the_cap() -> None:
    raw = zlib.compress(b"\0" * (20 * 1024 * 1024))
    assert inflated_size(raw, 100 * 1024 * 1024) == 20 * 1024 * 1024
    assert 5 * 1024 * 1024 < inflated_size(raw, 5 * 1024 * 1024) <= 10 * 1024 * 1024
    assert inflated_size(b"not zlib at all", 1024) == 0


def test_devices_fifos_and_folders_are_refused_at_once(tmp_path: Path) -> None:
    ingestor = Ingestor(Settings(home=tmp_path / "home"))
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)  # opening it would hang until a writer appears
    for path, kind in ((Path("/dev/zero"), "设备"), (fifo, "管道"), (tmp_path, "文件夹")):
        outcome = ingestor.ingest(path)
        assert outcome.status == STATUS_FAILED and "不是普通文件" in outcome.error and kind in outcome.error
    assert ingestor.store.counts() == EMPTY


def test_size_pages_and_time_limits_are_configurable(tmp_path: Path, sample_paths: list[Path]) -> None:
    sample = sample_paths[0]
    cases = [
        (Settings(home=tmp_path / "a", max_file_mb=0.01), "文件太大"),
        (Settings(home=tmp_path / "b", max_pages=2), "页数太多"),
        (Settings(home=tmp_path / "c", file_timeout_s=0.05), "超时"),
    ]
    for settings, reason in cases:
        ingestor = Ingestor(settings)
        outcome = ingestor.ingest(sample)
        assert outcome.status == STATUS_FAILED and reason in outcome.error, outcome.error
        assert "BUDGETQA" in outcome.error or "--max" in outcome.error  # says how to raise it
        assert ingestor.store.counts() == EMPTY
    ok = Ingestor(Settings(home=tmp_path / "d", max_pages=0, max_file_mb=0, max_stream_mb=0, file_timeout_s=0))
    assert ok.ingest(sample).ok


def test_settings_from_environment_are_typed_and_checked() -> None:
    settings = Settings.from_env({"BUDGETQA_MAX_PAGES": "40", "BUDGETQA_MAX_FILE_MB": "1.5"})
    assert settings.limits == Limits(max_file_bytes=1572864, max_pages=40, max_stream_bytes=64 * 1024 * 1024)
    assert Settings.from_env({"BUDGETQA_MAX_PAGES": "40"}, max_pages=7).max_pages == 7
    with pytest.raises(ValueError, match="BUDGETQA_MAX_PAGES"):
        Settings.from_env({"BUDGETQA_MAX_PAGES": "many"})
    assert all(Settings.help_texts()[name] for name in ("max_file_mb", "max_pages", "max_stream_mb", "file_timeout_s"))


@pytest.mark.shared
def test_every_real_pdf_passes_the_default_limits(pdf_reports: dict[str, Path]) -> None:
    for path in pdf_reports.values():
        check_pdf(path, path.read_bytes(), Limits())  # raises if a real report were refused
    assert len(pdf_reports) >= 10
