"""Limits on what one file may cost, checked before it is read in full.

A library open to strangers (an upload page) must refuse, quickly and with the reason:

- anything that is not a regular file (``/dev/zero``, a FIFO, a socket, a folder): at once,
  from ``stat``, without opening it;
- a file larger than ``max_file_mb``: from ``stat``, then read at most that many bytes;
- a PDF with more than ``max_pages`` pages (counted by pdfium without reading the pages);
- a PDF with a compressed stream that inflates beyond ``max_stream_mb`` (a "zip bomb":
  1 MB of deflated zeros is 1 GB): every ``/FlateDecode`` stream is inflated piece by
  piece, counting, and never kept, so the check needs a few MB whatever the bomb;
- a file whose reading takes longer than ``timeout_s`` (main thread only: a SIGALRM
  timer; elsewhere the limit is not enforced and a debug line says so).

Defaults (:class:`ingest.settings.Settings`) are sized far above real reports: the largest
known one has 35 pages and a few MB, and the largest stream of the 16 shared PDFs inflates
to 0.67 MB (64 MB still holds a full-page 300 dpi colour scan).
"""

from __future__ import annotations

import logging
import os
import re
import signal
import stat
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.errors import IngestError

if TYPE_CHECKING:
    from ingest.settings import Settings

log = logging.getLogger(__name__)

MB = 1024 * 1024
_INFLATE_STEP = 4 * MB
"""Bytes inflated at a time while measuring a stream (the memory the check needs)."""
_STREAM = re.compile(rb"stream\r?\n")
_DICT_TAIL = 600
"""How far back from ``stream`` its dictionary (with /Filter) is looked for, in bytes."""


class NotARegularFileError(IngestError):
    hint = "只能导入普通文件（不能是设备、管道或文件夹）/ only regular files can be ingested"


class LimitExceededError(IngestError):
    hint = (
        "超出导入限制；确属正常报告可调高限制（--max-file-mb / --max-pages / --max-stream-mb / --file-timeout，"
        "或 BUDGETQA_* 环境变量）/ over an ingest limit: raise it if the report is genuine"
    )


@dataclass(frozen=True)
class Limits:
    """What one file may cost (0 = no limit)."""

    max_file_bytes: int = 200 * MB
    max_pages: int = 2000
    max_stream_bytes: int = 64 * MB
    timeout_s: float = 300.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_file_bytes=int(settings.max_file_mb * MB),
            max_pages=int(settings.max_pages),
            max_stream_bytes=int(settings.max_stream_mb * MB),
            timeout_s=float(settings.file_timeout_s),
        )


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB"


def check_regular_file(path: Path, limits: Limits) -> int:
    """The size of ``path`` if it is a regular file within the size limit (``stat`` only).

    Raises:
        NotARegularFileError: a device, FIFO, socket or folder.
        LimitExceededError: larger than ``limits.max_file_bytes``.
        IngestError: it cannot be read (missing, no permission).
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        raise IngestError(str(path), f"无法读取 / cannot read: {exc.strerror}", "请检查路径和权限") from exc
    if not stat.S_ISREG(info.st_mode):
        kind = (
            "文件夹 / a folder" if stat.S_ISDIR(info.st_mode)
            else "管道 / a FIFO" if stat.S_ISFIFO(info.st_mode)
            else "设备 / a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
            else "套接字等特殊文件 / a special file"
        )  # fmt: skip
        raise NotARegularFileError(str(path), f"不是普通文件，而是{kind}")
    if limits.max_file_bytes and info.st_size > limits.max_file_bytes:
        raise LimitExceededError(
            str(path), f"文件太大（{_mb(info.st_size)}，上限 {_mb(limits.max_file_bytes)}）/ file too large"
        )
    return info.st_size


def read_limited(path: Path, limits: Limits) -> bytes:
    """The bytes of a regular file, read only after :func:`check_regular_file` (and never
    more than the size limit, should the file grow meanwhile)."""
    check_regular_file(path, limits)
    cap = limits.max_file_bytes or -1
    try:
        with open(path, "rb") as f:
            data = f.read(cap + 1 if cap > 0 else -1)
    except OSError as exc:
        raise IngestError(str(path), f"无法读取 / cannot read: {exc.strerror}", "请检查路径和权限") from exc
    if cap > 0 and len(data) > cap:
        raise LimitExceededError(str(path), f"文件太大（超过 {_mb(cap)}）/ file too large")
    return data


def _flate_streams(data: bytes) -> Iterator[bytes]:
    """The raw bytes of every top-level stream whose dictionary names /FlateDecode."""
    for match in _STREAM.finditer(data):
        head = data[max(0, match.start() - _DICT_TAIL) : match.start()]
        head = head[head.rfind(b"obj") + 3 :] if b"obj" in head else head
        if b"FlateDecode" not in head and b"/Fl " not in head and b"/Fl/" not in head:
            continue
        end = data.find(b"endstream", match.end())
        yield data[match.end() : end if end >= 0 else len(data)]


def inflated_size(raw: bytes, cap: int) -> int:
    """How many bytes ``raw`` (zlib data) inflates to, counting no further than ``cap + 1``.

    Inflates :data:`_INFLATE_STEP` bytes at a time and keeps none of them; stops at the
    first error (a damaged stream is the PDF reader's business).
    """
    inflater = zlib.decompressobj()
    total = 0
    pending = raw
    try:
        while pending and total <= cap:
            total += len(inflater.decompress(pending, _INFLATE_STEP))
            pending = inflater.unconsumed_tail
        if total <= cap and not inflater.eof:
            total += len(inflater.flush())
    except zlib.error:
        pass
    return total


def check_pdf(path: Path, data: bytes, limits: Limits) -> None:
    """Refuse a PDF over the page or inflated-stream limit (before pdfplumber opens it).

    Raises:
        LimitExceededError: with the count and the limit.
    """
    if limits.max_stream_bytes:
        for raw in _flate_streams(data):
            size = inflated_size(raw, limits.max_stream_bytes)
            if size > limits.max_stream_bytes:
                raise LimitExceededError(
                    str(path),
                    f"PDF 中有一个压缩数据流解压后超过 {_mb(limits.max_stream_bytes)}（压缩前 {_mb(len(raw))}），"
                    "疑似恶意构造的“压缩炸弹” / a compressed stream inflates beyond the limit (a decompression bomb?)",
                )
    if limits.max_pages:
        pages = _page_count(data)
        if pages is not None and pages > limits.max_pages:
            raise LimitExceededError(
                str(path), f"页数太多（{pages} 页，上限 {limits.max_pages} 页）/ too many pages"
            )


def _page_count(data: bytes) -> int | None:
    """Pages by pdfium (reads the page tree only); ``None`` if pdfium cannot open it."""
    import pypdfium2

    try:
        doc = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        return None  # damaged or encrypted: the PDF reader says which
    try:
        return len(doc)
    finally:
        doc.close()


class FileTimeoutError(LimitExceededError):
    """Reading one file took longer than the per-file timeout."""


@contextmanager
def time_limit(seconds: float, path: Path) -> Iterator[None]:
    """Raise :class:`FileTimeoutError` in the block after ``seconds`` (main thread only)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        if seconds > 0:
            log.debug("per-file timeout not enforced for %s outside the main thread", path)
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise FileTimeoutError(
            str(path), f"读取超时（超过 {seconds:g} 秒）/ reading took longer than {seconds:g} s"
        )

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
