"""The ``budgetqa`` entry point: a plain ``ask`` goes to a running server of its home.

A ``budgetqa ask`` process spends ≈0.4 s of CPU starting Python, importing the engine and
compiling its patterns before it answers in ~20 ms; twenty started at once on two cores queue
for seconds. A running ``budgetqa serve`` has all of that loaded and listens on a Unix socket
for its home (:func:`socket_path`, in a folder only this user may enter; :mod:`ui.ask_service`). :func:`main` — the
``budgetqa`` command — sends a plain ``budgetqa [--home H] ask QUESTION [--json]`` there and
prints the reply: the same text or JSON the command prints itself, from the same engine code
over the same reports.

Whatever does not fit runs in the process, as before: any other command or option
(``--explain``, ``--batch``, ``--llm-…``), settings that differ from the server's (embedder,
LLM: compared per request), no server, a stale socket, no reply within
:data:`ANSWER_TIMEOUT_S`, a home without reports. The fast path makes an ask faster, never
different. ``BUDGETQA_ASK_LOCAL=1`` forces the in-process path.

This module imports only small standard modules and :mod:`ingest.home` (a forwarded ask costs
the process ≈0.05 s of CPU).
"""

from __future__ import annotations

import json
import os
import socket
import stat
import sys
import zlib
from collections.abc import Mapping, Sequence

from ingest.home import chosen_home

CONNECT_TIMEOUT_S = 1.0
ANSWER_TIMEOUT_S = 60.0
LOCAL_VARIABLE = "BUDGETQA_ASK_LOCAL"


def socket_dir(environ: Mapping[str, str], create: bool = False) -> str | None:
    """The folder of ask sockets: ``$XDG_RUNTIME_DIR/budgetqa``, else ``$TMPDIR/budgetqa-<uid>``
    (``/tmp``); ``None`` unless it is a real folder of this user that no one else may enter (a
    folder someone else made could hand out answers that are not the server's)."""
    runtime = environ.get("XDG_RUNTIME_DIR")
    if runtime:
        folder = os.path.join(runtime, "budgetqa")
    else:
        folder = os.path.join(environ.get("TMPDIR") or "/tmp", f"budgetqa-{os.getuid()}")
    if create:
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
        except OSError:
            return None
    try:
        info = os.lstat(folder)
    except OSError:
        return None
    private = stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077
    return folder if private else None


def socket_path(home: str, environ: Mapping[str, str], create: bool = False) -> str | None:
    """Where a server of ``home`` listens for asks (one socket per home, named by a checksum of
    its real path; outside the home, so a home can be read-only, copied, or deeply nested), or
    ``None`` when there is no private folder for it (:func:`socket_dir`)."""
    folder = socket_dir(environ, create=create)
    if folder is None:
        return None
    real = os.path.realpath(home).encode("utf-8", "surrogateescape")
    return os.path.join(folder, f"ask-{zlib.crc32(real):08x}{zlib.adler32(real):08x}.sock")


def settings_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The ``BUDGETQA_*`` variables that shape an answer, sent with a request so the server can
    tell whether it would answer as this process would (no secrets)."""
    return {k: v for k, v in environ.items() if k.startswith("BUDGETQA_") and not k.endswith(("_KEY", "AUTH"))}


def simple_ask(argv: Sequence[str]) -> tuple[str | None, str, bool] | None:
    """``(home, question, as_json)`` when ``argv`` is exactly ``[--home H] ask QUESTION [--json]``
    (``--home=H`` too, ``--json`` before or after the question); ``None`` for anything else."""
    args, home = list(argv), None
    while args and args[0] != "ask":
        if args[0] == "--home" and len(args) > 1:
            home, args = args[1], args[2:]
        elif args[0].startswith("--home="):
            home, args = args[0].split("=", 1)[1], args[1:]
        else:
            return None
    if not args:
        return None
    as_json, question = False, None
    for arg in args[1:]:
        if arg == "--json" and not as_json:
            as_json = True
        elif not arg.startswith("-") and question is None and arg.strip():
            question = arg
        else:
            return None
    return (home, question, as_json) if question is not None else None


def forward(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> str | None:
    """The output of ``budgetqa <argv>`` from a running server of its home, or ``None`` when
    the command should run in this process (see the module docstring)."""
    env = os.environ if environ is None else environ
    if env.get(LOCAL_VARIABLE, "").strip() not in ("", "0"):
        return None
    parsed = simple_ask(argv)
    if parsed is None:
        return None
    home, question, as_json = parsed
    home_dir = chosen_home(home, env)
    path = socket_path(home_dir, env)
    if path is None or not os.path.exists(path):
        return None
    request = {"question": question, "json": as_json, "env": settings_env(env), "home": os.path.realpath(home_dir)}
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(CONNECT_TIMEOUT_S)
            conn.connect(path)
            conn.settimeout(ANSWER_TIMEOUT_S)
            conn.sendall(json.dumps(request, ensure_ascii=False).encode("utf-8") + b"\n")
            with conn.makefile("rb") as replies:
                reply = json.loads(replies.readline() or b"{}")
    except (OSError, ValueError):
        return None
    output = reply.get("output") if isinstance(reply, dict) else None
    return output if isinstance(output, str) else None


def main() -> None:
    """The ``budgetqa`` command: a plain ask goes to a running server when there is one, every
    other command (and every ask the server cannot take) to :func:`ui.cli.main`."""
    output = forward(sys.argv[1:])
    if output is not None:
        sys.stdout.write(output + "\n")
        sys.stdout.flush()
        return
    from ui.cli import main as cli_main

    cli_main()
