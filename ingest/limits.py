"""Limits on what one file may cost, checked before it is read in full.

A library open to strangers (an upload page) must refuse, quickly and with the reason:

- anything that is not a regular file (``/dev/zero``, a FIFO, a socket, a folder): at once,
  from ``stat``, without opening it;
- a file larger than ``max_file_mb``: from ``stat``, then read at most that many bytes;
- a PDF with more than ``max_pages`` pages (counted by pdfium without reading the pages);
- a PDF with a compressed stream that decodes beyond ``max_stream_mb`` (a "zip bomb":
  1 MB of deflated zeros is 1 GB): every stream whose filters include one that expands
  (``/FlateDecode``, ``/LZWDecode``, ``/RunLengthDecode``, ``/ASCII85Decode``) is decoded
  through its whole chain (``[/ASCII85Decode /FlateDecode]``, ``[/FlateDecode /FlateDecode]``):
  each filter but the last is decoded up to the limit, the last only counted piece by piece
  and never kept, so the check needs at most about the limit in memory whatever the bomb;
- a file whose reading takes longer than ``timeout_s``: checked as each page is read, in
  any thread (:class:`FileGuard`), and on the main thread also by a SIGALRM timer that
  interrupts a single page that hangs;
- a file whose reading makes the process grow by more than ``max_memory_mb`` (resident
  memory, checked as each page is read, where ``/proc/self/statm`` exists; measured from the
  start of the file after memory freed before is handed back, so a long-lived process counts
  what the file uses, not only what it adds beyond earlier peaks).

Defaults (:class:`ingest.settings.Settings`) are sized far above real reports: the largest
known one has 35 pages and a few MB, the largest stream of the 16 shared PDFs inflates
to 0.67 MB (64 MB still holds a full-page 300 dpi colour scan), and reading any of them
grows the process by 10–28 MB (2048 MB leaves room for the 2,000-page limit).
"""

from __future__ import annotations

import logging
import os
import re
import signal
import stat
import threading
import time
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
        "超出导入限制；确属正常报告可调高限制（--max-file-mb / --max-pages / --max-stream-mb / --max-memory-mb / "
        "--file-timeout，"
        "或 BUDGETQA_* 环境变量）/ over an ingest limit: raise it if the report is genuine"
    )


@dataclass(frozen=True)
class Limits:
    """What one file may cost (0 = no limit)."""

    max_file_bytes: int = 200 * MB
    max_pages: int = 2000
    max_stream_bytes: int = 64 * MB
    timeout_s: float = 300.0
    max_memory_bytes: int = 2048 * MB

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_file_bytes=int(settings.max_file_mb * MB),
            max_pages=int(settings.max_pages),
            max_stream_bytes=int(settings.max_stream_mb * MB),
            timeout_s=float(settings.file_timeout_s),
            max_memory_bytes=int(settings.max_memory_mb * MB),
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


_FILTERS = {
    b"FlateDecode": "flate", b"Fl": "flate", b"LZWDecode": "lzw", b"LZW": "lzw",
    b"RunLengthDecode": "runlength", b"RL": "runlength", b"ASCII85Decode": "a85", b"A85": "a85",
    b"ASCIIHexDecode": "hex", b"AHx": "hex",
}  # fmt: skip
"""The decoding filters of PDF 32000 §7.4 (full names and the abbreviations) this module decodes."""
_EXPANDING = frozenset({"flate", "lzw", "runlength", "a85"})
"""The filters whose output can be larger than their input (ASCII85's ``z`` is 4 bytes)."""
_FILTER_ENTRY = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)")


def _filter_chain(head: bytes) -> tuple[str | None, ...]:
    """The filters a stream dictionary names, in the order they are applied (``None`` for a
    filter not decoded here, e.g. an image codec)."""
    entries = _FILTER_ENTRY.findall(head)
    if not entries:
        return ()
    return tuple(_FILTERS.get(name) for name in re.findall(rb"/([A-Za-z0-9]+)", entries[-1]))


def _expanding_streams(data: bytes) -> Iterator[tuple[tuple[str | None, ...], bytes]]:
    """``(filter chain, raw bytes)`` of every top-level stream whose chain has an expanding filter."""
    for match in _STREAM.finditer(data):
        head = data[max(0, match.start() - _DICT_TAIL) : match.start()]
        head = head[head.rfind(b"obj") + 3 :] if b"obj" in head else head
        chain = _filter_chain(head)
        if not _EXPANDING.intersection(kind for kind in chain if kind):
            continue
        end = data.find(b"endstream", match.end())
        yield chain, data[match.end() : end if end >= 0 else len(data)]


def _inflated_pieces(raw: bytes, cap: int) -> Iterator[bytes]:
    """``raw`` (zlib data) inflated :data:`_INFLATE_STEP` bytes at a time, until past ``cap``;
    stops at the first error (a damaged stream is the PDF reader's business)."""
    inflater, total, pending = zlib.decompressobj(), 0, raw
    try:
        while pending and total <= cap:
            piece = inflater.decompress(pending, _INFLATE_STEP)
            total += len(piece)
            pending = inflater.unconsumed_tail
            yield piece
        if total <= cap and not inflater.eof:
            yield inflater.flush()
    except zlib.error:
        return


def _lzw_pieces(raw: bytes, cap: int) -> Iterator[bytes]:
    """``raw`` (LZW data) decoded piece by piece by pdfminer's decoder, the one the reader uses."""
    from io import BytesIO

    from pdfminer.lzw import LZWDecoder
    from pdfminer.pdfexceptions import PDFException

    try:
        yield from LZWDecoder(BytesIO(raw)).run()
    except (PDFException, EOFError, IndexError, TypeError):  # damaged: the PDF reader's business
        return


def _runlength_pieces(raw: bytes, cap: int) -> Iterator[bytes]:
    """``raw`` (RunLength data, PDF 32000 §7.4.5) decoded run by run: a length byte 0–127 copies
    that many + 1 bytes, 129–255 repeats the next byte 257 − length times, 128 ends the data."""
    i = 0
    while i < len(raw):
        length = raw[i]
        if length == 128:
            return
        if length < 128:
            yield raw[i + 1 : i + length + 2]
            i += length + 2
        else:
            yield raw[i + 1 : i + 2] * (257 - length)
            i += 2


def _counted(pieces: Iterator[bytes], cap: int) -> int:
    """How many bytes ``pieces`` hold, counting no further than the first piece past ``cap``
    (none is kept)."""
    total = 0
    for piece in pieces:
        total += len(piece)
        if total > cap:
            break
    return total


def _kept(pieces: Iterator[bytes], cap: int) -> bytes:
    """``pieces`` joined, up to the first piece past ``cap``."""
    kept, total = [], 0
    for piece in pieces:
        kept.append(piece)
        total += len(piece)
        if total > cap:
            break
    return b"".join(kept)


def inflated_size(raw: bytes, cap: int) -> int:
    """How many bytes ``raw`` (zlib data) inflates to, counting no further than about ``cap``."""
    return _counted(_inflated_pieces(raw, cap), cap)


def lzw_size(raw: bytes, cap: int) -> int:
    """How many bytes ``raw`` (LZW data) decodes to, counting no further than about ``cap``."""
    return _counted(_lzw_pieces(raw, cap), cap)


def runlength_size(raw: bytes, cap: int) -> int:
    """How many bytes ``raw`` (RunLength data) decodes to, counting no further than about ``cap``."""
    return _counted(_runlength_pieces(raw, cap), cap)


def _a85_payload(raw: bytes) -> bytes:
    """ASCII85 data as the reader decodes it (pdfminer strips ``<~`` … ``~>``)."""
    from pdfminer.ascii85 import end_re, start_re

    return end_re.sub(b"", start_re.sub(b"", raw))


def a85_size(raw: bytes, cap: int) -> int:
    """How many bytes ``raw`` (ASCII85 data) decodes to, counted without decoding: ``z`` is 4
    zero bytes, every 5 other characters 4 bytes, a last group of k characters k − 1 bytes."""
    payload = _a85_payload(raw)
    zeros = payload.count(b"z")
    chars = len(payload) - zeros - sum(payload.count(c) for c in (b" ", b"\n", b"\r", b"\t", b"\f", b"\0"))
    return 4 * zeros + 4 * (chars // 5) + max(0, chars % 5 - 1)


def hex_size(raw: bytes, cap: int) -> int:
    """How many bytes ``raw`` (ASCIIHex data) decodes to: at most half its length."""
    return (len(raw) + 1) // 2


def _a85(raw: bytes, cap: int) -> bytes:
    from base64 import a85decode

    try:
        return a85decode(_a85_payload(raw))
    except ValueError:
        return b""


def _hex(raw: bytes, cap: int) -> bytes:
    from pdfminer.ascii85 import asciihexdecode

    return asciihexdecode(raw)


_DECODED_SIZE = {"flate": inflated_size, "lzw": lzw_size, "runlength": runlength_size, "a85": a85_size,
                 "hex": hex_size}  # fmt: skip
_COUNTED_FIRST = frozenset({"a85", "hex"})
"""Filters whose output size is known without decoding (checked before decoding them whole)."""
_PIECES = {"flate": _inflated_pieces, "lzw": _lzw_pieces, "runlength": _runlength_pieces}
_WHOLE = {"a85": _a85, "hex": _hex}


def decoded_size(chain: tuple[str | None, ...], raw: bytes, cap: int) -> int:
    """How many bytes ``raw`` decodes to through the filter ``chain``, counting no further than
    about ``cap``: every filter but the last is decoded (at most ``cap + 1`` bytes kept), the
    last only measured; a filter not decoded here ends the count with what came so far."""
    data = raw
    for position, kind in enumerate(chain):
        if kind is None:
            return len(data)
        if position == len(chain) - 1 or kind in _COUNTED_FIRST:
            size = _DECODED_SIZE[kind](data, cap)
            if position == len(chain) - 1 or size > cap:
                return size
        data = _kept(_PIECES[kind](data, cap), cap) if kind in _PIECES else _WHOLE[kind](data, cap)
        if len(data) > cap:
            return len(data)
    return len(data)


def check_pdf(path: Path, data: bytes, limits: Limits) -> None:
    """Refuse a PDF over the page or inflated-stream limit (before pdfplumber opens it).

    Raises:
        LimitExceededError: with the count and the limit.
    """
    if limits.max_stream_bytes:
        for chain, raw in _expanding_streams(data):
            size = decoded_size(chain, raw, limits.max_stream_bytes)
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
    """Raise :class:`FileTimeoutError` in the block after ``seconds`` (main thread only: a
    SIGALRM timer, which also interrupts a page that hangs; elsewhere :class:`FileGuard`
    checks the time between pages)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        if seconds > 0:
            log.debug("per-file timeout of %s checked between pages only (not the main thread)", path)
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


def _resident_bytes() -> int | None:
    """This process's resident memory, or ``None`` where ``/proc/self/statm`` does not exist."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


_libc: object = None


def release_free_memory() -> None:
    """Hand memory the process has freed back to the system (glibc ``malloc_trim``; nothing
    elsewhere). Without it a long-lived process (the upload child) keeps what earlier files
    freed and reuses it, so a file's growth of resident size would not show what it uses."""
    global _libc
    try:
        if _libc is None:
            import ctypes

            _libc = ctypes.CDLL("libc.so.6")
        _libc.malloc_trim(0)  # type: ignore[attr-defined]
    except (OSError, AttributeError):
        _libc = False  # not glibc: resident size is what it is


class FileGuard:
    """The time and memory one file's reading may take, checked whenever :meth:`check` is
    called (as each page is read), in any thread: raises when the file is over either.
    Memory is the growth of resident size from the start of the file, after freed memory is
    handed back (:func:`release_free_memory`)."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        self.started = time.monotonic()
        if limits.max_memory_bytes and _libc is not False:
            release_free_memory()
        self.base = _resident_bytes() if limits.max_memory_bytes else None

    def check(self) -> None:
        """Raise :class:`FileTimeoutError` or :class:`LimitExceededError` if over a limit."""
        limits = self.limits
        seconds = time.monotonic() - self.started
        if limits.timeout_s > 0 and seconds > limits.timeout_s:
            raise FileTimeoutError(
                str(self.path),
                f"读取超时（超过 {limits.timeout_s:g} 秒）/ reading took longer than {limits.timeout_s:g} s",
            )
        if self.base is not None and limits.max_memory_bytes:
            now = _resident_bytes()
            if now is not None and now - self.base > limits.max_memory_bytes:
                raise LimitExceededError(
                    str(self.path),
                    f"读取该文件占用内存超过 {_mb(limits.max_memory_bytes)}（已增加 {_mb(now - self.base)}）"
                    " / reading this file took more memory than the limit",
                )
