"""CSV for spreadsheets: UTF-8 with a byte-order mark (so Excel shows Chinese, not mojibake)
and file names people recognise, ``<单位>_<年度>_<表名>.csv``.

No web framework and no click here: the command line and the chat page both use it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

BOM = "\ufeff"
"""The UTF-8 byte-order mark, written first when a CSV is meant for a spreadsheet."""

_UNSAFE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')
NAME_MAX = 120
"""Longest file-name stem (characters), well inside every file system's limit."""


def csv_file_name(unit: str | None, year: int | None, table_name: str | None) -> str:
    """``<单位>_<年度>_<表名>.csv``, safe on every file system.

    Args:
        unit: the report's unit (``青山市人民政府办公室``); ``未知单位`` when unknown.
        year: the fiscal year (``2024``); ``未知年度`` when unknown.
        table_name: the table's title (``财政拨款“三公”经费支出决算表``) or any other label.

    Returns:
        e.g. ``青山市人民政府办公室_2024_财政拨款“三公”经费支出决算表.csv``: characters that file
        systems refuse (``\\ / : * ? " < > |``) and white space become ``_``.
    """
    parts = [unit or "未知单位", str(year) if year else "未知年度", table_name or "表"]
    stem = "_".join(_UNSAFE.sub("_", p).strip("_.") or "_" for p in parts)
    return stem[:NAME_MAX] + ".csv"


def write_csv(
    stream: TextIO, rows: Iterable[Mapping[str, Any]], fields: Sequence[str], bom: bool = True
) -> None:
    """Write ``rows`` under a header of ``fields`` to an open text stream.

    Args:
        stream: where to write (standard output or a file opened with ``newline=""``).
        rows: one mapping per line; keys outside ``fields`` are an error.
        fields: the columns, in order.
        bom: write the UTF-8 byte-order mark first (for spreadsheets); ``False`` for plain UTF-8.
    """
    if bom:
        stream.write(BOM)
    writer = csv.DictWriter(stream, fieldnames=list(fields))
    writer.writeheader()
    writer.writerows(rows)


def write_csv_file(
    path: Path, rows: Iterable[Mapping[str, Any]], fields: Sequence[str], bom: bool = True
) -> Path:
    """Write a CSV file (overwriting it); the folder is created if missing. Returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as stream:
        write_csv(stream, rows, fields, bom=bom)
    return path
