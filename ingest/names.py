"""File names as text that can be stored and printed whatever they contain.

On Linux a file name is bytes; Python hands the bytes that are not UTF-8 over as lone
surrogates (``\\udcff``), which SQLite, JSON and the terminal all refuse. And a name may hold
newlines or terminal escape codes. Two views:

- :func:`storable` — valid Unicode for the store: each undecodable byte written ``\\xNN``
  (the same name always gives the same text, so "same path → new version" still works);
- :func:`printable` — :func:`storable`, with control characters (newline, tab, ESC …)
  escaped too, for one-line messages on a terminal.
"""

from __future__ import annotations

import os
import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def storable(text: str) -> str:
    """``text`` with surrogate-escaped bytes written as ``\\xNN`` (valid UTF-8 text)."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    return os.fsencode(text).decode("utf-8", errors="backslashreplace")


def printable(text: str) -> str:
    """:func:`storable` text with control characters escaped (``\\n``, ``\\x1b`` …): one safe line."""

    def escape(match: re.Match[str]) -> str:
        ch = match.group()
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch, f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}")

    return _CONTROL.sub(escape, storable(text))
