"""``budgetqa search``: JSON results with sources, batch mode, filters, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ui.cli import cli


def test_search_json_has_sources(sample_home: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--home", str(sample_home), "search", "青山市政府办2024年公务接待费", "--k", "3", "--json"]
    )
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    assert len(hits) == 3 and [h["rank"] for h in hits] == [1, 2, 3]
    top = hits[0]
    assert {"text", "score", "file", "report_id", "page", "section", "table", "row"} <= set(top)
    assert top["unit"] == "青山市人民政府办公室" and top["page"] >= 1 and top["file"].endswith(".pdf")
    assert "公务接待费" in top["text"]


def test_search_filters_and_plain_output(sample_home: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--home", str(sample_home), "search", "工资福利支出", "--unit", "绿水县财政局", "--year", "2023", "--type", "row"]
    )
    assert result.exit_code == 0, result.output
    assert "绿水县财政局" in result.output and "青山市" not in result.output


def test_search_batch(sample_home: Path, tmp_path: Path) -> None:
    batch = tmp_path / "q.jsonl"
    batch.write_text(
        '{"id": "a", "question": "青山市政府办行政运行支出"}\n{"id": "b", "question": "绿水县财政局三公经费"}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--home", str(sample_home), "search", "--batch", str(batch), "--k", "2", "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["id"] for line in lines] == ["a", "b"]
    assert all(len(line["results"]) == 2 for line in lines)
    assert lines[1]["results"][0]["unit"] == "绿水县财政局"


def test_search_without_reports_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--home", str(tmp_path), "search", "三公经费"])
    assert result.exit_code == 1 and "budgetqa ingest" in result.output


def test_index_check(sample_home: Path) -> None:
    result = CliRunner().invoke(cli, ["--home", str(sample_home), "index", "--check"])
    assert result.exit_code == 0 and "consistent" in result.output
