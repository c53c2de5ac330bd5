"""A batch from a folder as strangers make them: names that are not UTF-8 or hold newlines and
escape codes, other file types beside the reports, a file that crashes the reader — the
batch ingests everything it can and always ends with its summary line; the home stays
consistent, and what an interrupted ingest leaves behind is cleaned up."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import index.library
from ingest.settings import Settings
from ui.cli import cli

BAD_NAME = os.fsdecode(b"\xb1\xa8\xb8\xe6\xff.pdf")  # GBK bytes of 报告 + a stray byte: not UTF-8
TRICKY_NAME = "决算\n\x1b[31m红色.pdf"


def _run(home: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--home", str(home), *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture()
def folder(tmp_path: Path, sample_paths: list[Path]) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(sample_paths[0], folder / BAD_NAME)
    shutil.copyfile(sample_paths[1], folder / TRICKY_NAME)
    (folder / "notes.docx").write_bytes(b"PK\x03\x04 a word file")
    (folder / "page.html").write_text("<html>决算</html>", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\0\0")
    return folder


def test_every_name_is_stored_and_printed_safely(tmp_path: Path, folder: Path) -> None:
    home = tmp_path / "home"
    code, out = _run(home, "ingest", str(folder))
    assert code == 0, out
    lines = out.splitlines()
    assert lines[-1] == "2 ingested, 0 failed, 2 skipped (unsupported type)"
    assert "\x1b" not in out and "\\x1b[31m" in out and "决算\\n" in out  # escaped, one line each
    assert "\\xb1\\xa8\\xb8\\xe6\\xff.pdf" in out
    assert any(line.startswith("– notes.docx") and "Word" in line for line in lines)
    assert any(line.startswith("– page.html") and "网页" in line for line in lines)
    assert ".DS_Store" not in out
    code, listed = _run(home, "reports", "--json")
    assert code == 0 and "\\\\xb1\\\\xa8" in listed  # stored as text, shown as \xb1\xa8…
    code, checked = _run(home, "index", "--check")
    assert code == 0 and "→ consistent" in checked
    code, again = _run(home, "ingest", str(folder))  # same bytes, same (undecodable) names: unchanged
    assert code == 0 and again.count("unchanged") == 2


def test_a_file_that_crashes_does_not_stop_the_batch(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = index.library.chunks_of

    def crash_on_one(parsed):  # type: ignore[no-untyped-def]
        if "红色" in parsed.report.source_file:
            raise RecursionError("a bug met on one file")
        return original(parsed)

    monkeypatch.setattr(index.library, "chunks_of", crash_on_one)
    home = tmp_path / "home"
    code, out = _run(home, "ingest", str(folder))
    assert code == 1
    assert "意外错误（RecursionError" in out
    assert out.splitlines()[-1] == "1 ingested, 1 failed, 2 skipped (unsupported type)"
    monkeypatch.undo()
    code, checked = _run(home, "index", "--check")
    assert code == 0 and "reports 1 " in checked and "→ consistent" in checked


def test_leftovers_are_cleaned_and_an_empty_home_is_consistent(tmp_path: Path, sample_paths: list[Path]) -> None:
    empty = tmp_path / "empty"
    code, out = _run(empty, "index", "--check")
    assert code == 0 and "→ consistent" in out
    home = tmp_path / "home"
    assert _run(home, "ingest", str(sample_paths[0]))[0] == 0
    part = home / "files" / "0123456789abcdef.pdf.part"  # a copy an interrupted ingest left
    part.write_bytes(b"%PDF-1.4 half")
    live = (home / "bm25" / "CURRENT").read_text(encoding="utf-8").strip()
    crashed = home / "bm25" / "gen-99991231235959-deadbeef"  # a build that never went live
    crashed.mkdir()
    code, out = _run(home, "index")
    assert code == 0 and "removed leftover" in out and "→ consistent" in out
    assert not part.exists() and not crashed.exists()
    assert (home / "bm25" / live).is_dir()
    part.write_bytes(b"%PDF-1.4 half")
    with index.library.Library(Settings(home=home)):  # opening the library cleans up too
        pass
    assert not part.exists()
