"""The CLI: every command has help text and is documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from ui.cli import cli

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_command_has_help_and_is_in_readme() -> None:
    runner = CliRunner()
    for name, command in cli.commands.items():
        assert command.help and "Example:" in command.help, name
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, result.output
        assert f"budgetqa {name}" in README, f"README does not mention `budgetqa {name}`"


def test_python_dash_m_has_every_command() -> None:
    """``python -m ui.cli`` (as benchmarks call it) knows the commands other modules register."""
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-m", "ui.cli", "--help"], cwd=repo, capture_output=True, text=True,
                          timeout=120, check=True)  # fmt: skip
    listed = set(re.findall(r"^  (\w+)", done.stdout, flags=re.MULTILINE))
    assert {"ask", "chat", "search", "facts", "checks", "eval", "ingest", "serve"} <= listed, done.stdout


def test_empty_home_lists_nothing_and_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--home", str(tmp_path), "reports"])
    assert result.exit_code == 0
    assert "budgetqa ingest" in result.output
    missing = CliRunner().invoke(cli, ["--home", str(tmp_path), "facts", "nope"])
    assert missing.exit_code == 1 and "no report" in missing.output


def test_ingest_into_a_pipe_prints_a_line_per_stage_then_the_summary(tmp_path: Path, sample_paths: list[Path]) -> None:
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "--home", str(tmp_path / "home"), "ingest", *map(str, sample_paths)],
        check=False, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout
    lines = done.stdout.strip().splitlines()
    count = len(sample_paths)
    for number, path in enumerate(sample_paths, start=1):
        mine = [line for line in lines if line.startswith(f"[{number}/{count}] {path.name}: ")]
        words = [line.split(": ", 1)[1].split(" (")[0] for line in mine]
        assert words == ["读取 / read", "识别表格 / tables", "校验 / checks", "写入 / storing",
                         "生成检索向量，已可查询 / embedding, answerable", "完成 / done"], mine  # fmt: skip
        assert re.search(r"识别表格 / tables \(\d+ 页 / pages, \d+\.\d s\)", mine[1])
    stage_end = max(i for i, line in enumerate(lines) if line.startswith("["))
    assert sum(line.startswith("✓ ") for line in lines[stage_end:]) == count  # outcomes after the stages
    assert lines[-1] == f"{count} ingested, 0 failed"
