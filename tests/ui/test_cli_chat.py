"""``budgetqa chat``: questions piped one per line, each read in the context of the earlier ones,
``/clear`` starting over, small talk answered without figures; and ``ask`` on small talk.

The follow-up test runs the real engine on a home holding the sample reports ``budgetqa demo``
ingests plus the shared 兖州区政府办 2023 决算 (the demo's samples are two invented offices, so
the office the issue's example asks about comes from ``../shared``).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from index.library import Library
from ingest.settings import Settings
from ui.cli import cli
from ui.cli_chat import WELCOME

YANZHOU = "002_8f719b23cddbd7a6.txt"
HAS_CONVERSATION = importlib.util.find_spec("qa.conversation") is not None
needs_conversation = pytest.mark.skipif(not HAS_CONVERSATION, reason="qa/conversation.py is not there yet")


@pytest.fixture(scope="module")
def chat_home(
    sample_home: Path, text_reports: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The demo's sample reports plus the shared 兖州区政府办 2023 决算 (real stores, real embedder)."""
    home = tmp_path_factory.mktemp("chat_home") / "home"
    shutil.copytree(sample_home, home)
    with Library(Settings(home=home)) as library:
        outcomes = library.ingest_paths([text_reports[YANZHOU]])
    assert outcomes and all(o.ok for o in outcomes), [o.error for o in outcomes]
    return home


def _answers(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


@pytest.mark.shared
@pytest.mark.slow
@needs_conversation
def test_piped_follow_up_is_answered_in_context(chat_home: Path) -> None:
    first = "兖州区政府办2023年三公经费合计是多少？"
    result = CliRunner().invoke(
        cli, ["--home", str(chat_home), "chat", "--json"], input=f"{first}\r\n\n那公务接待费呢？\n"
    )
    assert result.exit_code == 0, result.output
    answers = _answers(result.stdout)
    assert [a["question"] for a in answers] == [first, "那公务接待费呢？"]
    assert [a["status"] for a in answers] == ["answered", "answered"]
    assert [a["value"] for a in answers] == [21.65, 0.95]
    assert all(a["unit"] == "万元" for a in answers)
    assert answers[0]["asked_as"] is None
    understood = answers[1]["asked_as"]
    assert "兖州区" in understood and "2023" in understood and "公务接待费" in understood
    cited = answers[1]["citations"][0]
    assert cited["file"] == YANZHOU and cited["year"] == 2023 and cited["quote"] == "0.95"

    # the same fields as `ask --json`
    ask = CliRunner().invoke(cli, ["--home", str(chat_home), "ask", first, "--json"])
    assert ask.exit_code == 0, ask.output
    assert set(json.loads(ask.stdout.strip().splitlines()[-1])) == set(answers[0])


@pytest.mark.shared
@pytest.mark.slow
@needs_conversation
def test_clear_starts_a_new_conversation(chat_home: Path) -> None:
    lines = "兖州区政府办2023年三公经费合计是多少？\n/clear\n那公务接待费呢？\n"
    result = CliRunner().invoke(cli, ["--home", str(chat_home), "chat", "--json"], input=lines)
    assert result.exit_code == 0, result.output
    answers = _answers(result.stdout)
    assert len(answers) == 2, result.stdout
    assert "新对话" in result.stderr
    after = answers[1]
    # nothing carried over: the question is read as typed, and names no office
    assert after["asked_as"] is None and after["status"] != "answered"
    assert {c["unit_name"] for c in after["candidates"]} >= {"济宁市兖州区人民政府办公室（本级）"}


@needs_conversation
def test_chat_for_people_says_how_a_follow_up_was_understood(sample_home: Path) -> None:
    lines = "青山市政府办2024年公务接待费是多少？\n那基本支出呢？\n/quit\n那公务接待费呢？\n"
    result = CliRunner().invoke(cli, ["--home", str(sample_home), "chat"], input=lines)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("[answered]") == 2  # nothing after /quit
    understood = [line for line in result.stdout.splitlines() if "按上下文理解为" in line]
    assert len(understood) == 1 and "2024" in understood[0] and "基本支出" in understood[0]
    assert WELCOME not in result.stdout  # no prompt or banner when the input is piped


@needs_conversation
def test_small_talk_gets_a_reply_without_figures(sample_home: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--home", str(sample_home), "chat", "--json"], input="你好\nasdf qwer\n"
    )
    assert result.exit_code == 0, result.output
    answers = _answers(result.stdout)
    assert len(answers) == 2
    for answer in answers:
        assert answer["status"] == "unanswerable" and answer["value"] is None and not answer["citations"]
        assert "可以这样问" in answer["answer"] and "青山" in answer["answer"]

    asked = CliRunner().invoke(cli, ["--home", str(sample_home), "ask", "你好", "--json"])
    assert asked.exit_code == 0, asked.output
    reply = json.loads(asked.stdout.strip().splitlines()[-1])
    assert reply["status"] == "unanswerable" and not reply["citations"] and not reply["candidates"]


def test_chat_needs_reports(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--home", str(tmp_path), "chat"], input="你好\n")
    assert result.exit_code == 1 and "budgetqa ingest" in result.output
