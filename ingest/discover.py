"""Which files of the paths given to ingest are reports, and which are left out and why.

Files named directly are always tried (and refused with a reason if they are not reports).
In folders, supported files (:data:`SUPPORTED_SUFFIXES`) are ingested, in sorted order;
every other visible file is listed by :func:`unsupported_in_folders` with the reason it is
left out, so a batch never skips anything silently. Hidden files (``.DS_Store``, ``.git``)
and the ``.part`` copies of an interrupted ingest are not listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
PDF_SUFFIXES = (".pdf",)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + PDF_SUFFIXES

_KNOWN = {
    ".doc": "Word 文档", ".docx": "Word 文档", ".wps": "WPS 文档", ".xls": "Excel 表格", ".xlsx": "Excel 表格",
    ".et": "WPS 表格", ".html": "网页", ".htm": "网页", ".ofd": "OFD 文档", ".zip": "压缩包", ".rar": "压缩包",
    ".png": "图片", ".jpg": "图片", ".jpeg": "图片", ".tif": "图片", ".tiff": "图片",
}  # fmt: skip


def _visible_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if any(part.startswith(".") for part in parts) or path.name.endswith(".part"):
            continue
        if path.is_file():
            yield path


def iter_report_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named directly, and supported files under folders (sorted)."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            yield from (p for p in _visible_files(path) if p.suffix.lower() in SUPPORTED_SUFFIXES)
        else:
            yield path


def unsupported_reason(path: Path) -> str:
    """Why a file in a folder is not ingested (its type), in Chinese and English."""
    suffix = path.suffix.lower()
    kind = _KNOWN.get(suffix, "")
    what = f"{kind}（{suffix}）" if kind else (suffix or "无扩展名")
    return (
        f"跳过：不支持的文件类型 {what}；只导入 PDF（.pdf）和文本（.txt/.md），请另存为 PDF 后再导入 / "
        f"skipped: unsupported file type {suffix or '(none)'}"
    )


def unsupported_in_folders(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """``(file, reason)`` for every visible file under the given folders that is not ingested."""
    found: list[tuple[Path, str]] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found.extend(
                (p, unsupported_reason(p)) for p in _visible_files(path) if p.suffix.lower() not in SUPPORTED_SUFFIXES
            )
    return found
