"""``budgetqa ask --explain``: how the question was read and the candidates weighed."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from ui.cli import cli


def test_explain_shows_reading_candidates_and_the_answer(sample_home: Path) -> None:
    question = "青山市政府办2024年公务接待费是多少？"
    result = CliRunner().invoke(cli, ["--home", str(sample_home), "ask", "--explain", "--json", question])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["reading"]["units"] == ["青山市人民政府办公室"] and data["reading"]["years"] == [2024]
    assert "公务接待费" in data["reading"]["concepts"]
    answer = data["answer"]
    assert answer["status"] == "answered"
    cells = data["candidates"][0]["cells"]
    # the answer's figure is the best cell candidate, with the row it came from
    assert cells and Decimal(cells[0]["value"]) == Decimal(str(answer["value"])) and "公务接待费" in cells[0]["column"] + cells[0]["row"]
    assert data["checks"]["unit_fits"] and data["checks"]["uncovered_items"] == []


def test_explain_plain_text_names_the_refusal_reason(sample_home: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--home", str(sample_home), "ask", "--explain", "青山市政府办2024年会议室面积有多大？"]
    )
    assert result.exit_code == 0, result.output
    assert "读作 / read as" in result.output and "回答 / answer [unanswerable]" in result.output
