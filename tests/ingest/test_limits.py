"""Limits on one file: non-regular files, size, pages, decompression bombs (Flate, LZW,
RunLength, ASCII85, and each inside a filter chain), time and memory (page by page, in any thread) — each
refused with its reason, nothing stored; the real reports pass the default limits.
(Time and memory of refusing the bomb: ``eval/bench_limits.py``.)"""

from __future__ import annotations

import base64
import os
import zlib
from pathlib import Path

import pytest

from ingest.limits import Limits, a85_size, check_pdf, decoded_size, inflated_size, lzw_size, runlength_size
from ingest.pipeline import STATUS_FAILED, Ingestor
from ingest.settings import Settings

EMPTY = dict.fromkeys(("reports", "tables", "table_rows", "cells", "blocks", "checks"), 0)


def lzw_zeros(size: int) -> bytes:
    """``size`` zero bytes (or a little more) as PDF LZW data, written as the PDF reader decodes
    it: after each clear code, 0 then 258, 259, … (each repeats the last string plus one zero),
    at most 250 codes per table so the codes stay 9 bits wide."""
    codes: list[int] = []
    written = 0
    while written < size:
        codes += [256, 0]
        written += 1
        for n in range(250):
            if written >= size:
                break
            codes.append(258 + n)
            written += n + 2
    codes.append(257)
    bits = 0
    for code in codes:
        bits = (bits << 9) | code
    pad = -len(codes) * 9 % 8
    return (bits << pad).to_bytes((len(codes) * 9 + pad) // 8, "big")


def runlength_zeros(size: int) -> bytes:
    """``size`` zero bytes as RunLength data (128 zeros per two bytes, the most it expands)."""
    return b"\x81\x00" * (size // 128) + b"\x80"


def write_bomb_pdf(path: Path, inflated_mb: int = 1024, kind: str = "FlateDecode", outer: tuple[str, ...] = ()) -> Path:
    """A valid-looking one-page PDF whose content stream is ``inflated_mb`` MB of zeros, encoded
    with ``kind`` (FlateDecode, LZWDecode or RunLengthDecode), then by each of ``outer``
    (FlateDecode, ASCII85Decode: a filter chain, the last encoding decoded first)."""
    if kind == "FlateDecode":
        packer = zlib.compressobj(9)
        chunk = b"\0" * (1024 * 1024)
        stream = b"".join(packer.compress(chunk) for _ in range(inflated_mb)) + packer.flush()
    else:
        stream = (lzw_zeros if kind == "LZWDecode" else runlength_zeros)(inflated_mb * 1024 * 1024)
    for wrapper in outer:
        stream = zlib.compress(stream, 9) if wrapper == "FlateDecode" else base64.a85encode(stream) + b"~>"
    chain = b" ".join(b"/" + name.encode() for name in (*reversed(outer), kind))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter [%s] >>\nstream\n" % (len(stream), chain) + stream + b"\nendstream",
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


def test_lzw_and_runlength_sizes_match_the_pdf_reader_and_stop_at_the_cap() -> None:
    from pdfminer.lzw import lzwdecode
    from pdfminer.runlength import rldecode

    for encoded, measure, decode in ((lzw_zeros(300_000), lzw_size, lzwdecode),
                                     (runlength_zeros(300_032), runlength_size, rldecode)):  # fmt: skip
        decoded = decode(encoded)
        assert set(decoded) == {0} and len(decoded) >= 300_000
        assert measure(encoded, 10 * 1024 * 1024) == len(decoded)
        assert 100_000 < measure(encoded, 100_000) <= 100_000 + 4096  # counting stops past the cap
    assert lzw_size(b"not lzw", 1024) == 0 and runlength_size(b"", 1024) == 0


@pytest.mark.parametrize("kind", ["LZWDecode", "RunLengthDecode"])
def test_lzw_and_runlength_bombs_are_refused(tmp_path: Path, kind: str) -> None:
    bomb = write_bomb_pdf(tmp_path / "report.pdf", inflated_mb=4, kind=kind)
    assert bomb.stat().st_size < 200 * 1024  # 4 MB of zeros in a small file
    ingestor = Ingestor(Settings(home=tmp_path / "home", max_stream_mb=1))
    outcome = ingestor.ingest(bomb)
    assert outcome.status == STATUS_FAILED and "压缩" in outcome.error, outcome.error
    assert ingestor.store.counts() == EMPTY


def test_memory_and_time_are_checked_page_by_page_in_any_thread(tmp_path: Path, sample_paths: list[Path]) -> None:
    """The upload worker reads files off the main thread, where no SIGALRM timer can run:
    time and memory are checked as each page is read. (Memory is the growth of the process's
    resident size; tried in a fresh process with a tiny limit.)"""
    import subprocess
    import sys
    import threading

    outcomes: dict[str, object] = {}

    def ingest() -> None:
        outcomes["time"] = Ingestor(Settings(home=tmp_path / "t", file_timeout_s=0.01)).ingest(sample_paths[0])

    thread = threading.Thread(target=ingest)
    thread.start()
    thread.join(120)
    slow = outcomes["time"]
    assert slow.status == STATUS_FAILED and "超时" in slow.error  # type: ignore[attr-defined]
    budgetqa = str(Path(sys.executable).parent / "budgetqa")
    done = subprocess.run([budgetqa, "--home", str(tmp_path / "m"), "ingest", "--max-memory-mb", "0.001",
                           str(sample_paths[0])], capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert done.returncode == 1 and "内存" in done.stdout + done.stderr, done.stdout + done.stderr
    assert Ingestor(Settings(home=tmp_path / "ok")).ingest(sample_paths[0]).ok  # the defaults hold


MEMORY_REUSE = """
import os, sys
from pathlib import Path
from ingest.limits import FileGuard, LimitExceededError, Limits, _resident_bytes

# a process that once held ~300 MB and freed it (a few objects still pin the heap)
held = [bytes(2000) + i.to_bytes(4, "little") for i in range(150_000)]
pins = held[::500]
del held
guard = FileGuard(Path("next.pdf"), Limits(max_memory_bytes=100 * 1024 * 1024))
used = [bytes(2000) + i.to_bytes(4, "little") for i in range(150_000)]  # the next file uses ~300 MB
try:
    guard.check()
except LimitExceededError:
    print("refused")
else:
    print("passed", (_resident_bytes() - guard.base) // 2**20)
"""


def test_a_long_lived_process_counts_what_a_file_uses_not_only_new_peaks() -> None:
    """The upload child reads file after file: memory an earlier file freed is handed back when
    the next starts, so the next one's use shows as growth (without it: ~0 MB, passed)."""
    import subprocess
    import sys

    if not Path("/proc/self/statm").exists():
        pytest.skip("resident size is read from /proc")
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", MEMORY_REUSE], cwd=repo, capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.stdout.strip() == "refused", done.stdout + done.stderr


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
    assert all(Settings.help_texts()[name] for name in ("max_file_mb", "max_pages", "max_stream_mb", "file_timeout_s",
                                                         "max_memory_mb"))  # fmt: skip


@pytest.mark.shared
@pytest.mark.parametrize("outer", [("FlateDecode",), ("ASCII85Decode",), ("FlateDecode", "ASCII85Decode")])
def test_a_bomb_inside_a_filter_chain_is_refused(tmp_path: Path, outer: tuple[str, ...]) -> None:
    """The zeros hide behind another filter ([/ASCII85Decode /FlateDecode], [/FlateDecode
    /FlateDecode]): the first filter's output is small, the last one's is the bomb."""
    bomb = write_bomb_pdf(tmp_path / "report.pdf", inflated_mb=8, outer=outer)
    assert bomb.stat().st_size < 64 * 1024
    ingestor = Ingestor(Settings(home=tmp_path / "home", max_stream_mb=4))
    outcome = ingestor.ingest(bomb)
    assert outcome.status == STATUS_FAILED and "压缩" in outcome.error, outcome.error
    assert ingestor.store.counts() == EMPTY


def test_chains_are_measured_as_the_reader_decodes_them() -> None:
    from pdfminer.ascii85 import ascii85decode

    data = os.urandom(10_001) + b"\0" * 4000
    for encoded in (base64.a85encode(data) + b"~>", b"<~" + base64.a85encode(data, wrapcol=70) + b"~>"):
        assert a85_size(encoded, 1 << 30) == len(ascii85decode(encoded)) == len(data)
    inner = zlib.compress(data)
    assert decoded_size(("a85", "flate"), base64.a85encode(inner) + b"~>", 1 << 30) == len(data)
    assert decoded_size(("flate", "flate"), zlib.compress(inner), 1 << 30) == len(data)
    assert decoded_size(("hex", "flate"), inner.hex().encode() + b">", 1 << 30) == len(data)
    assert decoded_size(("flate", None), zlib.compress(b"x" * 500), 1 << 30) == 500  # an image codec ends the count
    assert decoded_size(("flate", "flate"), zlib.compress(inner), 1000) > 1000  # past the cap: stops early


def test_every_real_pdf_passes_the_default_limits(pdf_reports: dict[str, Path]) -> None:
    for path in pdf_reports.values():
        check_pdf(path, path.read_bytes(), Limits())  # raises if a real report were refused
    assert len(pdf_reports) >= 10
