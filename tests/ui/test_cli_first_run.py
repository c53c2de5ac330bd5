"""First run: ``budgetqa demo`` says what it does line by line even when its output is a pipe;
the CLI finds the ``./.budgetqa`` home ``make demo`` used; the port comes from ``--port`` or
``GRADIO_SERVER_PORT``, and a busy port says which port to try instead."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ui.cli import cli

REPO = Path(__file__).resolve().parents[2]


def test_demo_prints_one_line_per_sample_when_piped(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "BUDGETQA_HOME": str(home)}
    run = subprocess.run(
        [sys.executable, "-m", "ui.cli", "demo", "--no-serve"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    starts = [n for n, line in enumerate(lines) if line.startswith("正在导入示例报告 ")]
    samples = sorted(p.name for p in (home / "samples").glob("*.pdf"))
    assert len(starts) == len(samples) >= 2
    for count, n in enumerate(starts, start=1):
        assert lines[n].startswith(f"正在导入示例报告 {count}/{len(samples)}: ")
        name = lines[n].split(": ", 1)[1].split(" ", 1)[0]
        assert name in samples
        assert lines[n + 1].startswith(f"✓ {name} ")  # its outcome follows at once
    assert f"data: {home / 'budgetqa.sqlite'}" in run.stdout


def test_cli_uses_the_local_budgetqa_home_when_none_is_given(
    sample_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BUDGETQA_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    work = tmp_path / "checkout"
    work.mkdir()
    monkeypatch.chdir(work)
    runner = CliRunner()
    # no ./.budgetqa: the usual default (here under XDG_DATA_HOME), which is empty
    assert "budgetqa ingest" in runner.invoke(cli, ["reports"]).output

    shutil.copytree(sample_home, work / ".budgetqa")
    listed = runner.invoke(cli, ["reports", "--json"])
    assert listed.exit_code == 0, listed.output
    units = {r["unit"] for r in json.loads(listed.stdout)}
    assert units == {"青山市人民政府办公室", "绿水县财政局"}

    # BUDGETQA_HOME and --home still win
    other = tmp_path / "other"
    assert "budgetqa ingest" in runner.invoke(cli, ["reports"], env={"BUDGETQA_HOME": str(other)}).output
    assert "budgetqa ingest" in runner.invoke(cli, ["--home", str(other), "reports"]).output


def test_port_from_gradio_server_port_and_a_busy_port_names_another(
    sample_home: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(
            cli, ["--home", str(home), "serve"], env={"GRADIO_SERVER_PORT": str(port)}
        )
    assert result.exit_code == 1, result.output
    assert f"127.0.0.1:{port}" in result.output
    assert f"--port {port + 1}" in result.output and f"PORT={port + 1}" in result.output


def test_port_options_document_the_environment() -> None:
    for command in ("demo", "serve"):
        help_text = CliRunner().invoke(cli, [command, "--help"]).output
        assert "GRADIO_SERVER_PORT" in help_text, command
