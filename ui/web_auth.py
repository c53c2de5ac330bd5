"""Logins that may upload reports on the chat page.

Credentials come from a file (``--auth-file PATH``: one ``user:password`` a line; blank lines
and lines starting with ``#`` are skipped) or from the environment (``BUDGETQA_AUTH``:
``user:password``, several separated by commas) — never from a command-line argument, which
other users of the machine could read in the process list. Passwords are compared in
constant time.

A login on the page also gets a token cookie (:class:`UploadTokens`): :class:`UploadGate`
refuses gradio's file-upload route to requests without one, so files are not even stored in
gradio's temporary folder before a login (and never on a read-only page).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any


class AuthError(ValueError):
    """The credentials could not be read (the message says what to fix)."""


def _pair(text: str, where: str) -> tuple[str, str]:
    user, sep, password = text.strip().partition(":")
    if not sep or not user.strip() or not password:
        raise AuthError(f"{where}：应为“用户名:密码” / expected user:password")
    return user.strip(), password


@dataclass(frozen=True)
class Credentials:
    """User names and their passwords."""

    logins: tuple[tuple[str, str], ...]

    def check(self, user: str, password: str) -> bool:
        """Whether ``user`` may log in with ``password`` (constant time per login)."""
        ok = False
        for name, secret in self.logins:
            same_user = hmac.compare_digest(name.encode(), user.strip().encode())
            same_password = hmac.compare_digest(secret.encode(), password.encode())
            ok |= same_user and same_password
        return ok


def load_credentials(path: Path | None = None, env_value: str | None = None) -> Credentials | None:
    """The logins of ``path`` and ``env_value`` together; ``None`` when neither gives any.

    Raises:
        AuthError: the file cannot be read, or a line is not ``user:password``.
    """
    logins: list[tuple[str, str]] = []
    if path is not None:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise AuthError(f"无法读取登录文件 {path} / cannot read the auth file: {exc.strerror}") from exc
        for number, line in enumerate(lines, 1):
            if line.strip() and not line.lstrip().startswith("#"):
                logins.append(_pair(line, f"{path} 第{number}行"))
    if env_value:
        logins += [_pair(part, "BUDGETQA_AUTH") for part in env_value.split(",") if part.strip()]
    return Credentials(tuple(logins)) if logins else None


UPLOAD_COOKIE = "bq_upload"
"""The cookie a browser shows after logging in on the page, so its file uploads are accepted."""

UPLOAD_ROUTE = "/gradio_api/upload"
"""gradio's route that receives the files a page uploads (before any event runs)."""


class UploadTokens:
    """Proofs of a login, handed to the browser as the :data:`UPLOAD_COOKIE` cookie.

    gradio stores every file sent to its upload route before any of our code runs; with
    logins, :class:`UploadGate` lets that route accept files only from a browser holding a
    token issued here. Tokens are random, expire after ``ttl_s`` and at most ``limit`` are
    kept (the oldest go first).
    """

    def __init__(self, ttl_s: float = 12 * 3600, limit: int = 10_000) -> None:
        self._tokens: dict[str, float] = {}
        self._ttl_s, self._limit = ttl_s, limit
        self._lock = threading.Lock()

    def issue(self) -> str:
        """A new token (valid for ``ttl_s`` seconds)."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = time.monotonic() + self._ttl_s
            while len(self._tokens) > self._limit:
                self._tokens.pop(next(iter(self._tokens)))
        return token

    def valid(self, token: str | None) -> bool:
        """Whether ``token`` was issued here and has not expired."""
        if not token:
            return False
        with self._lock:
            expires = self._tokens.get(token)
            if expires is not None and expires < time.monotonic():
                del self._tokens[token]
                expires = None
        return expires is not None


def _cookie(headers: list[tuple[bytes, bytes]], name: str) -> str | None:
    """The value of cookie ``name`` in raw ASGI request headers, or ``None``."""
    for key, value in headers:
        if key.lower() == b"cookie":
            jar = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except CookieError:
                continue
            if name in jar:
                return jar[name].value
    return None


REFUSED_UPLOAD = "上传文件需要先登录 / log in on the page before uploading".encode()


class UploadGate:
    """ASGI middleware: a POST to gradio's upload route is refused (403) unless the request
    carries a valid :data:`UPLOAD_COOKIE`; with ``tokens=None`` (read-only) every upload is
    refused. Everything else passes through untouched."""

    def __init__(self, app: Any, tokens: UploadTokens | None) -> None:
        self.app, self.tokens = app, tokens

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if (
            scope.get("type") == "http"
            and scope.get("method") == "POST"
            and str(scope.get("path", "")).rstrip("/").endswith(UPLOAD_ROUTE)
            and (self.tokens is None or not self.tokens.valid(_cookie(scope.get("headers", []), UPLOAD_COOKIE)))
        ):
            headers = [(b"content-type", b"text/plain; charset=utf-8"),
                       (b"content-length", str(len(REFUSED_UPLOAD)).encode())]  # fmt: skip
            await send({"type": "http.response.start", "status": 403, "headers": headers})
            await send({"type": "http.response.body", "body": REFUSED_UPLOAD})
            return
        await self.app(scope, receive, send)
