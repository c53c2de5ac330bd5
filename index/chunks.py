"""Cut a parsed report into retrievable chunks.

- **text**: narrative paragraphs of one section merged up to ~500 characters (never
  across sections; long paragraphs split at sentence ends), prefixed with the unit,
  year and heading path so each chunk stands on its own.
- **table**: one chunk per table: title, unit, columns and every row, compactly.
- **row**: one chunk per table row, a self-contained line: unit, year, table title,
  amount unit, row code and label, every column with its value and unit — so a
  single row can be retrieved and cited on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from index.model import CHUNK_ROW, CHUNK_TABLE, CHUNK_TEXT, Chunk, chunk_id_of
from ingest.model import Cell, ParsedReport, Report, Row, Table, TextBlock, column_label

MIN_TEXT = 200
MAX_TEXT = 500
MAX_TABLE = 4000
SECTION_SEPARATOR = " > "

_SENTENCE_END = re.compile(r"(?<=[。；！？])")


def _report_prefix(report: Report) -> str:
    year = f"{report.fiscal_year}年" if report.fiscal_year else ""
    scope = report.scope if report.kind in ("决算", "预算") else ""
    return f"{report.unit_name} {year}{scope}{report.kind}".strip()


def _base(report: Report, file: str = "") -> dict[str, object]:
    """Fields every chunk of ``report`` shares; ``file`` names the source file of a multi-file report."""
    return {
        "report_id": report.report_id,
        "file": file or report.source_file,
        "unit": report.unit_name,
        "year": report.fiscal_year,
        "report_kind": report.kind,
    }


def _split_long(text: str) -> list[str]:
    if len(text) <= MAX_TEXT:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
        if not sentence:
            continue
        while len(sentence) > MAX_TEXT:  # a sentence longer than a chunk: cut it
            head, sentence = sentence[:MAX_TEXT], sentence[MAX_TEXT:]
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
        if current and len(current) + len(sentence) > MAX_TEXT:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces


def text_chunks(report: Report, blocks: Iterable[TextBlock]) -> list[Chunk]:
    """Paragraphs merged per section into chunks of roughly 200–500 characters."""
    chunks: list[Chunk] = []
    prefix = _report_prefix(report)
    groups: list[list[TextBlock]] = []
    for block in blocks:
        text = block.text.strip()
        if not text:
            continue
        last = groups[-1] if groups else None
        if (
            last
            and last[-1].section_path == block.section_path
            and sum(len(b.text) for b in last) + len(text) <= MAX_TEXT
            and sum(len(b.text) for b in last) < MIN_TEXT
        ):
            last.append(block)
        else:
            groups.append([block])
    for group in groups:
        section = SECTION_SEPARATOR.join(group[0].section_path)
        first, last_block = group[0].location, group[-1].location
        body = "".join(b.text.strip() for b in group) if first.page is not None else "\n".join(
            b.text.strip() for b in group
        )
        for n, piece in enumerate(_split_long(body)):
            heading = f"【{group[0].section_path[-1]}】" if group[0].section_path else ""
            text = f"{prefix} {heading}{piece}"
            location = f"{first.file + ':' if first.file else ''}{first.page}:{first.line_start}:{n}"
            chunks.append(
                Chunk(
                    chunk_id=chunk_id_of(report.report_id, CHUNK_TEXT, location, text),
                    kind=CHUNK_TEXT,
                    text=text,
                    section=section,
                    page=first.page,
                    line_start=first.line_start,
                    line_end=last_block.line_end or first.line_end,
                    **_base(report, first.file),  # type: ignore[arg-type]
                )
            )
    return chunks


def _value_text(cell: Cell) -> str:
    if cell.value is None:
        return cell.text
    unit = cell.unit if cell.unit not in ("", "%") else ("%" if cell.unit == "%" else "")
    return f"{cell.text}{unit}"


def row_line(table: Table, row: Row) -> str:
    """``2010301 行政运行：本年支出 / 小计 2,603.73万元；本年支出 / 基本支出 2,603.73万元``."""
    head = " ".join(p for p in (row.group, row.code, row.label) if p) or table.title
    values = "；".join(f"{column_label(c.column) or '数值'} {_value_text(c)}" for c in row.cells if c.text)
    return f"{head}：{values}" if values else head


def _table_head(report: Report, table: Table) -> str:
    unit = f"（单位：{table.unit}）" if table.unit else ""
    number = f"{table.printed_number} " if table.printed_number else ""
    return f"{_report_prefix(report)} {number}{table.title}{unit}"


def table_chunks(report: Report, table: Table) -> list[Chunk]:
    """One chunk for the whole table and one per row."""
    head = _table_head(report, table)
    chunks: list[Chunk] = []
    table_meta = {
        "table_seq": table.seq,
        "table_no": table.printed_number,
        "table_title": table.title,
        "table_kind": table.kind,
    }
    lines = [row_line(table, row) for row in table.rows]
    body = "\n".join(lines)
    if table.note:
        body += f"\n注：{table.note}"
    if not table.rows and not table.note:
        body = "（空表）"
    whole = f"{head}\n{body}"[:MAX_TABLE]
    loc = table.location
    chunks.append(
        Chunk(
            chunk_id=chunk_id_of(report.report_id, CHUNK_TABLE, str(table.seq), whole),
            kind=CHUNK_TABLE,
            text=whole,
            page=loc.page,
            line_start=loc.line_start,
            line_end=loc.line_end,
            **table_meta,  # type: ignore[arg-type]
            **_base(report, table.file),  # type: ignore[arg-type]
        )
    )
    for index, (row, line) in enumerate(zip(table.rows, lines)):
        if not row.cells:
            continue
        text = f"{head} | {line}"
        rloc = row.location
        chunks.append(
            Chunk(
                chunk_id=chunk_id_of(report.report_id, CHUNK_ROW, f"{table.seq}:{index}", text),
                kind=CHUNK_ROW,
                text=text,
                page=rloc.page,
                line_start=rloc.line_start,
                line_end=rloc.line_end or rloc.line_start,
                row_index=index,
                row_code=row.code,
                row_label=row.label,
                row_group=row.group,
                **table_meta,  # type: ignore[arg-type]
                **_base(report, table.file),  # type: ignore[arg-type]
            )
        )
    return chunks


def chunks_of(parsed: ParsedReport) -> list[Chunk]:
    """Every chunk of a report: text chunks, then each table's chunk and row chunks."""
    chunks = text_chunks(parsed.report, parsed.blocks)
    for table in parsed.tables:
        chunks.extend(table_chunks(parsed.report, table))
    seen: set[str] = set()
    unique = []
    for chunk in chunks:
        if chunk.chunk_id not in seen:
            seen.add(chunk.chunk_id)
            unique.append(chunk)
    return unique


EMBED_MAX = 160


def embedding_text(chunk: Chunk) -> str:
    """The short form of a chunk that is embedded (the full text is keyword-indexed).

    Figures carry little meaning for a sentence embedder and cost most of its time, so
    rows are embedded as table title, code, label and column names; text chunks and
    tables are cut to ``EMBED_MAX`` characters.
    """
    year = f"{chunk.year}年" if chunk.year else ""
    if chunk.kind == CHUNK_ROW:
        columns = re.findall(r"(?:^|；|：)([^；：\d]+?) [\d\-−(（]", chunk.text.split(" | ", 1)[-1])
        label = " ".join(p for p in (chunk.row_group, chunk.row_code, chunk.row_label) if p)
        names = "、".join(dict.fromkeys(c.strip() for c in columns if c.strip()))
        return f"{chunk.unit}{year} {chunk.table_title} {label} {names}"[:EMBED_MAX]
    if chunk.kind == CHUNK_TABLE:
        return chunk.text[:EMBED_MAX]
    return chunk.text[:EMBED_MAX]
