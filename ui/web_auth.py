"""Logins that may upload reports on the chat page.

Credentials come from a file (``--auth-file PATH``: one ``user:password`` a line; blank lines
and lines starting with ``#`` are skipped) or from the environment (``BUDGETQA_AUTH``:
``user:password``, several separated by commas) — never from a command-line argument, which
other users of the machine could read in the process list. Passwords are compared in
constant time.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from pathlib import Path


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
