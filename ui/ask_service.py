"""The socket a running ``budgetqa serve`` answers ``budgetqa ask`` on (see :mod:`ui.ask_client`).

One thread per connection; a request is one JSON line ``{"question", "json", "env"}``, the
reply one JSON line ``{"output": what budgetqa ask prints}`` or ``{"fallback": why}`` (the
client then answers by itself). The server answers only when the client's ``BUDGETQA_*``
settings give the same embedder and LLM as its own.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import socketserver
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ingest.settings import Settings
from ui.ask_client import CONNECT_TIMEOUT_S, socket_path

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 64 * 1024
MAX_SOCKET_PATH = 107
"""Unix socket paths are limited to 108 bytes (a very long ``$TMPDIR`` gets no socket)."""


def answer_profile(settings: Settings) -> tuple[str, str, str]:
    """What must be the same for a server's answer to be the one the CLI would give, besides the
    home (compared per request too: a socket's name is only a checksum of its home's path)."""
    return settings.embed_model, settings.llm_base_url.strip(), settings.llm_model


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        line = self.rfile.readline(MAX_REQUEST_BYTES + 1)
        try:
            request = json.loads(line)
            question, as_json = str(request["question"]), bool(request.get("json"))
            env = {str(k): str(v) for k, v in dict(request.get("env") or {}).items()}
            theirs = answer_profile(Settings.from_env(env, home=self.server.home))
            same_home = request.get("home") == os.path.realpath(self.server.home)
            if len(line) > MAX_REQUEST_BYTES or theirs != self.server.profile or not same_home:
                reply: dict[str, Any] = {"fallback": "settings differ or request too long"}
            else:
                output = self.server.answer(question, as_json)
                reply = {"output": output} if output is not None else {"fallback": "no reports"}
            self.server.served += "output" in reply
        except Exception as exc:  # noqa: BLE001  (the client answers by itself; the server goes on)
            log.warning("ask over the socket failed: %s", exc)
            reply = {"fallback": f"{type(exc).__name__}"}
        self.wfile.write(json.dumps(reply, ensure_ascii=False).encode("utf-8") + b"\n")


class _Server(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True
    allow_reuse_address = False
    request_queue_size = 128  # a burst of asks connects at once (the default 5 makes the rest wait)

    def __init__(self, path: str, settings: Settings, answer: Callable[[str, bool], str | None]) -> None:
        self.home, self.profile = settings.home, answer_profile(settings)
        self.answer, self.served = answer, 0
        super().__init__(path, _Handler)


def _listening(path: Path) -> bool:
    """Whether something accepts connections on the socket at ``path``."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(CONNECT_TIMEOUT_S)
            conn.connect(str(path))
        return True
    except OSError:
        return False


class AskService:
    """The socket a server answers ``budgetqa ask`` on (one thread per connection).

    Args:
        settings: the server's settings (the socket is its home's, :func:`ui.ask_client.socket_path`;
            see :func:`answer_profile`).
        answer: ``(question, as_json) -> output`` — what ``budgetqa ask`` would print, or
            ``None`` to let the client answer by itself.
    """

    def __init__(
        self,
        settings: Settings,
        answer: Callable[[str, bool], str | None],
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._settings, self._answer = settings, answer
        self._environ = os.environ if environ is None else environ
        path = socket_path(str(settings.home), self._environ, create=False)
        self.path: Path | None = Path(path) if path is not None else None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._inode: int | None = None

    @property
    def served(self) -> int:
        """Asks answered over the socket so far."""
        return self._server.served if self._server is not None else 0

    def start(self) -> bool:
        """Listen, unless another server of this home already does or the path is too long;
        returns whether this one listens. A stale socket file (its server died) is replaced."""
        path = socket_path(str(self._settings.home), self._environ, create=True)
        if path is None or len(path.encode()) > MAX_SOCKET_PATH:
            log.info("no private folder for the ask socket: budgetqa ask answers by itself")
            return False
        self.path = Path(path)
        if self.path.exists() or self.path.is_symlink():
            if _listening(self.path):
                return False
            self.path.unlink(missing_ok=True)
        try:
            self._server = _Server(str(self.path), self._settings, self._answer)
            os.chmod(self.path, 0o600)
            self._inode = self.path.stat().st_ino
        except OSError as exc:
            log.warning("cannot listen for asks on %s: %s", self.path, exc)
            self.close()
            return False
        self._thread = threading.Thread(target=self._server.serve_forever, name="ask-socket", daemon=True)
        self._thread.start()
        return True

    def close(self) -> None:
        """Stop listening and remove the socket file (if it is still this server's)."""
        server, self._server = self._server, None
        thread, self._thread = self._thread, None
        if server is None:
            return
        if thread is not None:
            server.shutdown()  # waits for serve_forever to return
        server.server_close()
        try:
            if self.path is not None and self._inode is not None and self.path.stat().st_ino == self._inode:
                self.path.unlink()
        except OSError:
            pass
