"""A plain ``budgetqa ask`` answered by a running server of the same home (:mod:`ui.ask_client`,
:mod:`ui.ask_service`): the same output as answering in the process, falling back to that
whenever the server cannot take the ask."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.home import chosen_home
from ingest.settings import Settings
from ui.ask_client import forward, simple_ask, socket_dir, socket_path
from ui.ask_service import AskService

REPO = Path(__file__).resolve().parents[2]
QUESTION = "青山市政府办2024年公务接待费是多少？"


def _budgetqa(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The ``budgetqa`` entry point (``ui.ask_client:main``) in a fresh process."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("BUDGETQA_")}
    environ.update(HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False", ANONYMIZED_TELEMETRY="False", **env)
    code = "from ui.ask_client import main; main()"
    return subprocess.run([sys.executable, "-c", code, "--home", str(home), *args], check=False, cwd=REPO, env=environ,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


@pytest.fixture()
def served_home(sample_home: Path, tmp_path: Path) -> Iterator[tuple[Path, AskService]]:
    """A copy of the sample home with a server's ask socket listening on it."""
    from ui.backend import Backend
    from ui.web import cli_answer

    home = tmp_path / "h"
    shutil.copytree(sample_home, home)
    settings = Settings(home=home)
    backend = Backend(settings)
    service = AskService(settings, lambda question, as_json: cli_answer(backend, question, as_json))
    assert service.start()
    try:
        yield home, service
    finally:
        service.close()
        backend.close()


def test_plain_asks_are_recognised_and_everything_else_is_not() -> None:
    assert simple_ask(["ask", "问题"]) == (None, "问题", False)
    assert simple_ask(["--home", "/h", "ask", "--json", "问题"]) == ("/h", "问题", True)
    assert simple_ask(["--home=/h", "ask", "问题", "--json"]) == ("/h", "问题", True)
    for argv in (["ask"], ["ask", "--explain", "问题"], ["ask", "--batch", "f.jsonl"], ["ask", "a", "b"],
                 ["--embed-model", "x", "ask", "问题"], ["search", "问题"], ["ask", "问题", "--json", "--json"],
                 ["ask", "-h"], ["ask", " "], []):  # fmt: skip
        assert simple_ask(argv) is None, argv


def test_the_client_finds_the_home_the_settings_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg")}
    monkeypatch.delenv("BUDGETQA_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", env["XDG_DATA_HOME"])
    assert chosen_home(None, env) == str(Settings.from_env(env).home) == str(tmp_path / "xdg" / "budgetqa")
    env["BUDGETQA_HOME"] = "~/bq"
    assert chosen_home(None, env) == str(Settings.from_env(env).home) == os.path.expanduser("~/bq")
    assert chosen_home("/given", env) == str(Settings.from_env(env, home="/given").home) == "/given"
    (tmp_path / ".budgetqa").mkdir()
    assert chosen_home(None, {}) == str(tmp_path / ".budgetqa")  # the home `make demo` made here


def test_a_running_server_answers_a_plain_ask_as_the_process_would(
    served_home: tuple[Path, AskService],
) -> None:
    home, service = served_home
    assert service.path is not None and socket_path(str(home), os.environ) == str(service.path)
    assert oct(service.path.stat().st_mode)[-3:] == "600" and not str(service.path).startswith(str(home))
    forwarded = _budgetqa(home, "ask", QUESTION, "--json")
    assert forwarded.returncode == 0, forwarded.stderr
    assert service.served == 1
    local = _budgetqa(home, "ask", QUESTION, "--json", BUDGETQA_ASK_LOCAL="1")
    assert local.returncode == 0 and service.served == 1
    theirs, ours = json.loads(forwarded.stdout), json.loads(local.stdout)
    assert theirs.pop("elapsed_ms") >= 0 and ours.pop("elapsed_ms") >= 0
    assert theirs == ours and theirs["status"] == "answered" and theirs["value"] == 3.46
    text = _budgetqa(home, "ask", QUESTION)
    assert text.stdout.startswith("[answered] 3.46万元") and "[1]" in text.stdout and service.served == 2
    # options the server does not take, and other settings than the server's: answered in the process
    explained = _budgetqa(home, "ask", QUESTION, "--explain")
    other = _budgetqa(home, "ask", QUESTION, BUDGETQA_LLM_MODEL="another-model")
    assert explained.returncode == 0 and other.returncode == 0 and service.served == 2
    assert other.stdout.startswith("[answered] 3.46万元")


def test_one_server_per_home_and_stale_sockets_are_replaced(served_home: tuple[Path, AskService]) -> None:
    home, service = served_home
    second = AskService(Settings(home=home), lambda q, j: "never")
    assert not second.start()  # the first one listens
    second.close()
    assert service.path is not None and service.path.exists()
    service.close()
    assert not service.path.exists()
    # a server killed without cleaning up leaves its socket file behind
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(service.path))
    stale.close()
    answered = _budgetqa(home, "ask", QUESTION)
    assert answered.returncode == 0 and answered.stdout.startswith("[answered] 3.46万元")
    third = AskService(Settings(home=home), lambda q, j: "from the third")
    try:
        assert third.start()
        assert _budgetqa(home, "ask", QUESTION).stdout.strip() == "from the third"
    finally:
        third.close()


def test_a_server_without_reports_lets_the_cli_say_so(tmp_path: Path) -> None:
    home = tmp_path / "empty"
    home.mkdir()
    service = AskService(Settings(home=home), lambda q, j: None)
    assert service.start()
    try:
        result = _budgetqa(home, "ask", QUESTION)
    finally:
        service.close()
    assert result.returncode == 1 and "no reports" in result.stderr


def test_no_socket_in_a_folder_others_may_enter(tmp_path: Path) -> None:
    """The socket folder must be this user's alone: in one that others may write to, a stranger's
    socket could answer in the server's name. Then the server offers none and asks run locally."""
    runtime = Path(tempfile.mkdtemp(prefix="bq-run-"))  # short: socket paths are limited to 107 bytes
    env = {"XDG_RUNTIME_DIR": str(runtime)}
    assert socket_dir(env) is None  # not there yet
    assert socket_dir(env, create=True) == str(runtime / "budgetqa")  # made, owner-only
    os.chmod(runtime / "budgetqa", 0o777)
    assert socket_dir(env) is None and socket_path(str(tmp_path), env) is None
    service = AskService(Settings(home=tmp_path / "h"), lambda q, j: "never", environ=env)
    assert not service.start()
    assert forward(["--home", str(tmp_path / "h"), "ask", QUESTION], {**env, "BUDGETQA_HOME": ""}) is None
    os.chmod(runtime / "budgetqa", 0o700)
    assert service.start()
    try:
        assert forward(["--home", str(tmp_path / "h"), "ask", QUESTION], env) == "never"
        other_home = forward(["--home", str(tmp_path / "elsewhere"), "ask", QUESTION], env)
        assert other_home is None  # another home's asks are not this server's
    finally:
        service.close()
        shutil.rmtree(runtime, ignore_errors=True)
