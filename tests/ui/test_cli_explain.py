"""``budgetqa ingest --explain``: a report per file, as text or JSON, and nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ui.cli import cli

LINXIA = "003_009896d8ed9def9b.txt"


def _stored(home: Path) -> list[Path]:
    return list(home.rglob("*")) if home.exists() else []


@pytest.mark.shared
def test_explain_prints_a_report_and_stores_nothing(tmp_path: Path, text_reports: dict[str, Path]) -> None:
    home = tmp_path / "home"
    result = CliRunner().invoke(cli, ["--home", str(home), "ingest", "--explain", str(text_reports[LINXIA])])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "临夏市人民政府办公室" in out and "2023" in out
    assert "gov_fund" in out and "本表无数据" in out and "空 empty" in out
    assert "standard tables: 9/9" in out
    assert "1 explained, 0 failed (nothing stored)" in out
    assert _stored(home) == []


@pytest.mark.shared
def test_explain_json_one_object_per_file(tmp_path: Path, text_reports: dict[str, Path]) -> None:
    home = tmp_path / "home"
    files = [str(text_reports[LINXIA]), str(text_reports["004_42d2408e0d9055cd.txt"])]
    result = CliRunner().invoke(cli, ["--home", str(home), "ingest", "--explain", "--json", *files])
    assert result.exit_code == 0, result.output
    objects = [json.loads(line) for line in result.output.splitlines() if line.strip()]
    assert [Path(o["path"]).name for o in objects] == [Path(f).name for f in files]
    first = objects[0]
    assert first["report"]["unit_name"] == "临夏市人民政府办公室"
    gov_fund = next(t for t in first["tables"] if t["kind"] == "gov_fund")
    assert gov_fund["empty"] is True and "本表无数据" in gov_fund["note"] and gov_fund["lines"] == [480, 494]
    assert first["standard_missing"] == [] and {m["name"] for m in first["metadata"]} == {
        "unit", "year", "kind", "scope"}
    assert _stored(home) == []


def test_explain_reports_a_bad_file_and_exits_1(tmp_path: Path) -> None:
    home = tmp_path / "home"
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--home", str(home), "ingest", "--explain", str(empty)])
    assert result.exit_code == 1
    assert "empty.txt" in result.output and "empty file" in result.output
    assert _stored(home) == []
