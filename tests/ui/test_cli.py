"""The CLI: every command has help text and is documented in the README."""

from __future__ import annotations

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


def test_empty_home_lists_nothing_and_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--home", str(tmp_path), "reports"])
    assert result.exit_code == 0
    assert "budgetqa ingest" in result.output
    missing = CliRunner().invoke(cli, ["--home", str(tmp_path), "facts", "nope"])
    assert missing.exit_code == 1 and "no report" in missing.output
