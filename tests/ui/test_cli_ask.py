"""``budgetqa ask``: one question (text or JSON) and a batch file (one JSON answer per line, in order)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ui.cli import cli


def test_ask_one_question_as_json(sample_home: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--home", str(sample_home), "ask", "青山市政府办2024年招待费花了多少？", "--json"]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output.strip().splitlines()[-1])
    assert answer["status"] == "answered" and answer["unit"] == "万元" and answer["value"] > 0
    cited = answer["citations"][0]
    assert cited["file"].endswith(".pdf") and cited["page"] and cited["table"] and cited["quote"]


def test_ask_prints_sources_for_people(sample_home: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--home", str(sample_home), "ask", "绿水县财政局2023年基本支出比项目支出多多少？"]
    )
    assert result.exit_code == 0, result.output
    assert "[answered]" in result.output and "formula" in result.output and "p." in result.output


def test_ask_batch_keeps_order_and_ids(sample_home: Path, tmp_path: Path) -> None:
    batch = tmp_path / "questions.jsonl"
    questions = [
        {"id": "q1", "question": "青山市政府办2023年的三公经费是多少？"},
        {"id": "q2", "question": "三公经费是多少？"},
        {"id": "q3", "question": "绿水县财政局2023年共有几辆车？"},
    ]
    batch.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in questions) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--home", str(sample_home), "ask", "--batch", str(batch), "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [a["id"] for a in lines] == ["q1", "q2", "q3"]
    assert [a["status"] for a in lines] == ["unanswerable", "ambiguous", "answered"]
    assert lines[1]["candidates"] and lines[2]["value"] == 2


def test_ask_needs_a_question_and_reports(tmp_path: Path) -> None:
    assert CliRunner().invoke(cli, ["--home", str(tmp_path), "ask"]).exit_code == 2
    empty = CliRunner().invoke(cli, ["--home", str(tmp_path), "ask", "三公经费是多少？"])
    assert empty.exit_code == 1 and "budgetqa ingest" in empty.output
