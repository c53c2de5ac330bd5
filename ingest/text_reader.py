"""Read a text conversion of a report (``.txt``/``.md``) into an :class:`Extracted`.

Text conversions flatten the report's PDF to lines: narrative paragraphs, headings
and tables whose rows are tab-separated (empty cells kept), ``|``-separated markdown
rows, or space-separated with empty cells dropped (handed to
:func:`ingest.text_spaced.parse_spaced_table`). Locations are 1-based line numbers
(``Location(line_start=…, line_end=…)``, ``page=None``).

A table is a title line (a standard table title or a short line ending in 表), the
metadata around it (``公开 01 表``/``附件1`` → printed number, ``金额单位：万元`` → unit,
``单位：…本级``, ``(2022年度)``) and the grid below it. Grid pieces separated by blank
lines or by a repeated page head (``公开02表``/``单位：…``) belong to the same table;
a piece that starts by repeating header lines already printed drops them. A table
ends at a note (``注：…``, kept as the table's note with ``本表无数据`` lines), at
narrative text, at a new printed number or at the next title.
"""

from __future__ import annotations

import codecs
import dataclasses
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import EmptyFileError, IngestError, UnsupportedFileError
from ingest.model import Location
from ingest.numbers import declared_unit
from ingest.rawtable import Extracted, RawCell, RawRow, RawTable
from ingest.text_layout import (
    BLANK,
    GRID,
    META,
    NODATA,
    NOTE,
    NUMBER,
    PART,
    TEXT,
    TITLE,
    build_blocks,
    is_enumerated,
    is_separator_row,
    is_short_heading,
    line_kind,
    section_heading,
    split_cells,
    standalone_number,
    strip_markup,
    title_number,
)

try:
    from ingest.text_spaced import parse_spaced_table
except ModuleNotFoundError as exc:  # written separately; tables it would parse are skipped
    if exc.name != "ingest.text_spaced":
        raise
    parse_spaced_table = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

HEAD_CHARS = 3000
SpacedParser = Callable[[str, str, str, list[tuple[int, str]]], RawTable]

_AMOUNT = re.compile(r"\d[.,，]\s*\d|%")
_TOC = re.compile(r"^目\s*录$")
_PART_NUMBER = re.compile(r"^第([一二三四五六七八九十]+)部分")
_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}


def read_text(path: Path) -> Extracted:
    """Read a text conversion of a report.

    Args:
        path: a ``.txt``/``.md`` file, UTF-8 (BOM allowed) or GB18030.

    Returns:
        The narrative blocks, the tables as printed grids (in document order,
        page-break continuations merged) and the first ~3000 characters.

    Raises:
        EmptyFileError: zero bytes or whitespace only.
        UnsupportedFileError: binary content (NUL bytes, undecodable bytes).
        IngestError: the file cannot be read.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(
            str(path), f"无法读取文件 / cannot read: {exc.strerror}", "请检查路径和权限"
        ) from exc
    text = decode_text(data, str(path))
    lines = split_lines(text)
    tables, consumed = find_tables(lines)
    pieces, adjacent = _narrative_pieces(lines, consumed)
    blocks = build_blocks(pieces, adjacent)
    logger.info("%s: %d lines, %d tables, %d text blocks", path.name, len(lines), len(tables), len(blocks))
    return Extracted(
        source_format="text",
        page_count=None,
        line_count=len(lines),
        head_text=text.lstrip()[:HEAD_CHARS],
        blocks=tuple(blocks),
        tables=tuple(tables),
    )


def decode_text(data: bytes, name: str) -> str:
    """Decode UTF-8 (BOM stripped), UTF-16 with a BOM, else GB18030 (which covers GBK);
    reject binary and empty content."""
    if not data.strip():
        raise EmptyFileError(name, "文件为空 / empty file")
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):  # UTF-16 (Windows "Unicode" text)
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise UnsupportedFileError(name, "UTF-16 文本已损坏 / damaged UTF-16 text") from exc
    if b"\x00" in data:
        raise UnsupportedFileError(name, "二进制文件，不是文本 / binary content (NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise UnsupportedFileError(
                name, "无法按 UTF-8 或 GB18030 解码 / not UTF-8 or GB18030 text"
            ) from exc
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if controls > max(3, len(text) // 100):
        raise UnsupportedFileError(name, "二进制文件，不是文本 / binary content (control bytes)")
    if not text.strip():
        raise EmptyFileError(name, "文件没有文字 / no text in file")
    return text


def split_lines(text: str) -> list[str]:
    """Split on line ends (``\\n``, ``\\r\\n``, ``\\r``); a final line end opens no new line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "" and text.endswith("\n"):
        lines.pop()
    return lines


# ------------------------------------------------------------------ tables


@dataclass
class _Draft:
    """A table being collected."""

    title: str
    number: str
    title_line: int | None
    unit: str = ""
    has_meta: bool = False
    state: str = "head"  # head → grid | spaced → note
    lines: list[int] = field(default_factory=list)
    pieces: list[list[tuple[int, list[str]]]] = field(default_factory=list)
    last_grid: int = -1
    spaced: list[tuple[int, str]] = field(default_factory=list)
    note: list[str] = field(default_factory=list)


class _TableFinder:
    """Scan classified lines once, collecting tables (see the module docstring)."""

    def __init__(self, lines: list[str], spaced_parser: SpacedParser | None) -> None:
        self.lines = lines
        self.kinds = [line_kind(line) for line in lines]
        self.texts = [strip_markup(line) if kind != GRID else "" for line, kind in zip(lines, self.kinds)]
        self.spaced_parser = spaced_parser
        self.spaced_file = GRID not in self.kinds
        self.tables: list[RawTable] = []
        self.consumed: set[int] = set()
        self.draft: _Draft | None = None
        self.pending: tuple[str, int] | None = None  # a printed number awaiting its title
        self.skip = _toc_lines(self.kinds, self.texts) | _junk_grid_lines(lines, self.kinds)

    def run(self) -> tuple[list[RawTable], set[int]]:
        for index in range(len(self.lines)):
            if index in self.skip:
                continue
            self._feed(index)
        self._close()
        self.consumed |= self.skip
        return self.tables, {i + 1 for i in self.consumed}

    # one line ---------------------------------------------------------------

    def _feed(self, i: int) -> None:
        kind, text = self.kinds[i], self.texts[i]
        if kind == BLANK:
            return
        draft = self.draft
        if draft is None:
            self._feed_outside(i, kind, text)
        elif draft.state == "head":
            self._feed_head(draft, i, kind, text)
        elif draft.state == "grid":
            self._feed_grid(draft, i, kind, text)
        elif draft.state == "spaced":
            self._feed_spaced(draft, i, kind, text)
        else:
            self._feed_note(draft, i, kind, text)

    def _feed_outside(self, i: int, kind: str, text: str) -> None:
        if kind == NUMBER:
            self.pending = (standalone_number(text), i)
        elif kind == TITLE:
            self._open(i, text)
        elif kind == GRID:
            number = self.pending[0] if self.pending else ""
            self.draft = _Draft(title="", number=number, title_line=None, state="grid")
            if self.pending:
                self.draft.lines.append(self.pending[1])
            self.pending = None
            self._add_grid(self.draft, i)
        elif kind != META:
            self.pending = None

    def _feed_head(self, draft: _Draft, i: int, kind: str, text: str) -> None:
        if kind == META:
            draft.unit = draft.unit or declared_unit(text)
            draft.has_meta = True
            draft.lines.append(i)
        elif kind == NUMBER:
            number = standalone_number(text)
            if draft.number and number != draft.number and number[:2] == draft.number[:2]:
                self._discard(draft)  # a list of attachments, not a table
                self._feed(i)
                return
            draft.number = draft.number or number
            draft.has_meta = True
            draft.lines.append(i)
        elif kind == GRID:
            draft.state = "grid"
            self._add_grid(draft, i)
        elif kind == TITLE:
            self._discard(draft)
            self._open(i, text)
        elif kind == TEXT and (self.spaced_file or draft.has_meta) and not section_heading(text):
            draft.state = "spaced"
            draft.spaced.append((i + 1, self.lines[i].strip()))
            draft.lines.append(i)
        else:
            self._discard(draft)
            self._feed(i)

    def _feed_grid(self, draft: _Draft, i: int, kind: str, text: str) -> None:
        if kind == GRID:
            self._add_grid(draft, i)
        elif kind == META:
            draft.unit = draft.unit or declared_unit(text)
            draft.lines.append(i)
        elif kind == NUMBER and standalone_number(text) == draft.number:
            draft.lines.append(i)  # the page head repeated after a page break
        elif kind in (NOTE, NODATA):
            self._start_note(draft, i, text)
        else:
            self._close()
            self._feed(i)

    def _feed_spaced(self, draft: _Draft, i: int, kind: str, text: str) -> None:
        if kind in (NOTE, NODATA):
            self._start_note(draft, i, text)
        elif kind in (META,) or (kind == NUMBER and standalone_number(text) == draft.number):
            draft.lines.append(i)
        elif kind in (TITLE, PART, NUMBER, GRID) or section_heading(text):
            self._close()
            self._feed(i)
        else:
            draft.spaced.append((i + 1, self.lines[i].strip()))
            draft.lines.append(i)

    def _feed_note(self, draft: _Draft, i: int, kind: str, text: str) -> None:
        last = draft.note[-1] if draft.note else ""
        wrapped = len(last) >= 25 and not last.endswith(("。", "！", "？"))
        numbered = _next_item(" ".join(draft.note), text)
        continues = kind in (NOTE, NODATA) or (
            kind == TEXT
            and (numbered or (wrapped and not is_short_heading(text) and not is_enumerated(text)))
        )
        if continues:
            draft.note.append(text)
            draft.lines.append(i)
        else:
            self._close()
            self._feed(i)

    # drafts -----------------------------------------------------------------

    def _open(self, i: int, text: str) -> None:
        number = title_number(text)
        lines = [i]
        if not number and self.pending:
            number = self.pending[0]
            lines.insert(0, self.pending[1])
        self.pending = None
        self.draft = _Draft(title=text, number=number, title_line=i, lines=lines)

    def _discard(self, draft: _Draft) -> None:
        logger.debug("line %d: %r has no table below it", (draft.title_line or 0) + 1, draft.title)
        self.draft = None
        self.pending = None

    def _add_grid(self, draft: _Draft, i: int) -> None:
        cells = split_cells(self.lines[i]) or []
        if is_separator_row(cells):
            draft.lines.append(i)
            draft.last_grid = i
            return
        if not draft.pieces or draft.last_grid != i - 1:
            draft.pieces.append([])
        draft.pieces[-1].append((i + 1, cells))
        draft.last_grid = i
        draft.lines.append(i)

    def _start_note(self, draft: _Draft, i: int, text: str) -> None:
        draft.state = "note"
        draft.note.append(text)
        draft.lines.append(i)

    def _close(self) -> None:
        draft, self.draft = self.draft, None
        if draft is None:
            return
        if draft.state == "head":
            self._discard(draft)
            return
        span = (min(draft.lines) + 1, max(draft.lines) + 1)
        note = " ".join(n for n in draft.note if n)
        if draft.spaced:
            table = self._spaced_table(draft, span, note)
        else:
            rows = _merge_pieces(draft.pieces)
            if not draft.title and len(rows) < 2:
                logger.debug("lines %d-%d: stray grid fragment dropped", *span)
                self.consumed.update(draft.lines)
                return
            table = RawTable(
                title=draft.title,
                printed_number=draft.number,
                unit=draft.unit,
                rows=rows,
                note=note,
                lines=span,
            )
        self.consumed.update(draft.lines)
        if table is not None:
            self.tables.append(table)

    def _spaced_table(self, draft: _Draft, span: tuple[int, int], note: str) -> RawTable | None:
        if self.spaced_parser is None:
            logger.warning(
                "lines %d-%d: space-separated table %r skipped (ingest.text_spaced is missing)",
                *span,
                draft.title,
            )
            return None
        table = self.spaced_parser(draft.title, draft.number, draft.unit, draft.spaced)
        return dataclasses.replace(table, note=table.note or note, lines=span)


def find_tables(
    lines: list[str], spaced_parser: SpacedParser | None = None
) -> tuple[list[RawTable], set[int]]:
    """Find the tables of a text conversion.

    Args:
        lines: the file's lines (index 0 is line 1).
        spaced_parser: parser for space-separated tables; defaults to
            :func:`ingest.text_spaced.parse_spaced_table` when that module exists.

    Returns:
        The tables in document order, and the 1-based line numbers that belong to
        tables (titles, metadata, grids, notes) or to the table of contents.
    """
    parser = spaced_parser if spaced_parser is not None else parse_spaced_table
    return _TableFinder(lines, parser).run()


def _next_item(note: str, text: str) -> bool:
    """Whether ``text`` is the next numbered item of a note (``注：1. …`` then ``2. …``)."""
    m = re.match(r"^\s*(\d{1,2})\s*[.、．]", text)
    if not m:
        return False
    items = [int(n) for n in re.findall(r"(?:^|[：:\s。；])(\d{1,2})\s*[.、．](?!\d)", note)]
    return bool(items) and int(m.group(1)) == max(items) + 1


def _headerish(cells: list[str]) -> bool:
    non_empty = [c for c in cells if c]
    return len(non_empty) >= 2 and not any(_AMOUNT.search(c) for c in non_empty)


def _key(cells: list[str]) -> tuple[str, ...]:
    trimmed = list(cells)
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return tuple(re.sub(r"\s+", "", c) for c in trimmed)


def _merge_pieces(pieces: list[list[tuple[int, list[str]]]]) -> tuple[RawRow, ...]:
    """Concatenate grid pieces, dropping header lines a later piece repeats; pad rows."""
    kept: list[tuple[int, list[str]]] = []
    headers: set[tuple[str, ...]] = set()
    for index, piece in enumerate(pieces):
        start = 0
        if index > 0:
            while start < len(piece) and _headerish(piece[start][1]) and _key(piece[start][1]) in headers:
                start += 1
            if start:
                logger.debug("line %d: %d repeated header line(s) dropped", piece[0][0], start)
        for line_no, cells in piece[start:]:
            kept.append((line_no, cells))
            if _headerish(cells):
                headers.add(_key(cells))
    width = max((len(cells) for _, cells in kept), default=0)
    rows: list[RawRow] = []
    for line_no, cells in kept:
        loc = Location(line_start=line_no, line_end=line_no)
        padded = cells + [""] * (width - len(cells))
        rows.append(tuple(RawCell(text=c, location=loc) for c in padded))
    return tuple(rows)


def _toc_lines(kinds: list[str], texts: list[str]) -> set[int]:
    """0-based indexes of the table of contents: ``目录`` up to where part numbering restarts."""
    start = next((i for i, text in enumerate(texts) if re.sub(r"\s", "", text) == "目录"), None)
    if start is None:
        return set()
    skip = {start}
    seen_parts: list[int] = []
    for i in range(start + 1, len(texts)):
        kind, text = kinds[i], texts[i]
        if kind == BLANK:
            skip.add(i)
            continue
        part = _PART_NUMBER.match(text)
        if part:
            number = _CN_DIGITS.get(part.group(1), 0)
            if seen_parts and number <= max(seen_parts):
                break
            seen_parts.append(number)
        elif kind == GRID or len(text) > 40 or text.endswith("。"):
            break
        skip.add(i)
    while skip and kinds[max(skip)] == BLANK:
        skip.discard(max(skip))
    return skip


def _junk_grid_lines(lines: list[str], kinds: list[str]) -> set[int]:
    """0-based indexes of stray markdown fragments: a header row and its ``---`` row, no body."""
    junk: set[int] = set()
    i = 0
    while i < len(lines):
        if kinds[i] != GRID:
            i += 1
            continue
        j = i
        while j < len(lines) and kinds[j] == GRID:
            j += 1
        rows = [split_cells(lines[k]) or [] for k in range(i, j)]
        separators = [k for k, cells in enumerate(rows) if is_separator_row(cells)]
        if separators and separators[-1] == len(rows) - 1 and len(rows) <= 2:
            junk.update(range(i, j))
        i = j
    return junk


# ---------------------------------------------------------------- narrative


def _narrative_pieces(
    lines: list[str], consumed: set[int]
) -> tuple[list[tuple[int, str]], set[tuple[int, int]]]:
    """Narrative lines (not in tables, not blank) and the pairs only blank lines separate."""
    pieces: list[tuple[int, str]] = []
    adjacent: set[tuple[int, int]] = set()
    previous: int | None = None
    for number, line in enumerate(lines, start=1):
        if number in consumed:
            previous = None
            continue
        text = re.sub(r"</?[a-zA-Z][^<>]*>", "", line).strip()
        if not text:
            continue
        if previous is not None:
            adjacent.add((previous, number))
        pieces.append((number, text))
        previous = number
    return pieces, adjacent
