"""Which directory is the budgetqa home, with nothing but :mod:`os`.

The ``budgetqa`` entry point reads it before importing anything else (a plain ``ask`` may be
answered by a running server found in the home, :mod:`ui.ask_client`), and
:class:`ingest.settings.Settings` and the CLI use the same functions.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

HOME_VARIABLE = "BUDGETQA_HOME"
LOCAL_HOME = ".budgetqa"
"""The home ``make demo`` and ``make test`` use (``$(CURDIR)/.budgetqa``): when the current directory
has one and neither ``--home`` nor ``BUDGETQA_HOME`` is given, the CLI uses it too."""


def default_home(environ: Mapping[str, str]) -> str:
    """``$XDG_DATA_HOME/budgetqa``, i.e. ``~/.local/share/budgetqa`` by default."""
    base = environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "budgetqa")


def command_home(given: str | None, environ: Mapping[str, str]) -> str | None:
    """The home a command was given (``--home``), else ``./.budgetqa`` when it exists and
    ``BUDGETQA_HOME`` is unset, else ``None`` (the environment or the default decides)."""
    if given is None and not environ.get(HOME_VARIABLE) and os.path.isdir(LOCAL_HOME):
        return os.path.abspath(LOCAL_HOME)
    return given


def chosen_home(given: str | None, environ: Mapping[str, str]) -> str:
    """The home a command uses: ``--home``, else ``BUDGETQA_HOME``, else ``./.budgetqa`` when it
    exists, else :func:`default_home` (``~`` expanded, as :class:`ingest.settings.Settings` does)."""
    home = command_home(given, environ) or environ.get(HOME_VARIABLE) or default_home(environ)
    return os.path.expanduser(home)
