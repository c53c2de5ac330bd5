"""One report from several files: which files belong together, and how they combine.

Many departments publish a report as two PDFs, the narrative ("公开表附后") and the
tables; a tables-only file names its unit only in the captions over its tables
(``部门：中共江苏省委办公厅``) while the narrative says ``江苏省委办公厅``. Files form one
report when they are of the same unit, year, kind (预算/决算/绩效自评) and scope
(部门/单位). Unit names are compared in a canonical form that drops what people drop
(中国共产党/中共, 人民政府→政府, 委员会→委, a trailing 本级; see
:func:`ingest.metadata.canonical_unit`), so the spellings above agree. The combined
report's id is a hash of its files' ids, so the order of upload does not matter; every table, row, cell and text block keeps the file it came from in
its :class:`~ingest.model.Location`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace

from ingest.metadata import canonical_unit  # re-exported: grouping compares units by it
from ingest.model import Location, ParsedReport, Report, Table, TextBlock

FILES_SEPARATOR = " + "
"""How a combined report's ``source_file`` lists its files."""

def group_key(report: Report) -> tuple[str, int, str, str] | None:
    """(canonical unit, year, kind, scope), or ``None`` when any of them is unknown."""
    unit = canonical_unit(report.unit_name)
    if not unit or report.fiscal_year is None or report.kind in ("", "other") or not report.scope:
        return None
    return (unit, report.fiscal_year, report.kind, report.scope)


def combined_id(file_ids: Sequence[str]) -> str:
    """A combined report's id: a hash of its files' ids (order-free); one file keeps its own id."""
    ids = sorted(set(file_ids))
    if len(ids) == 1:
        return ids[0]
    return hashlib.sha256("+".join(ids).encode()).hexdigest()[:16]


def _order(part: ParsedReport) -> tuple[int, str]:
    """Narrative files first (more text than tables), then by file name, then id."""
    return (0 if len(part.blocks) >= len(part.tables) else 1, part.report.source_file + part.report.report_id)


def _located(loc: Location, file: str) -> Location:
    return loc if loc.file else replace(loc, file=file)


def _tag_table(table: Table, file: str, seq: int) -> Table:
    rows = tuple(
        replace(
            row,
            location=_located(row.location, file),
            cells=tuple(replace(c, location=_located(c.location, file)) for c in row.cells),
        )
        for row in table.rows
    )
    return replace(table, seq=seq, rows=rows, file=table.file or file)


def _tag_block(block: TextBlock, file: str) -> TextBlock:
    return replace(block, location=_located(block.location, file))


def combine(parts: Sequence[ParsedReport]) -> ParsedReport:
    """One report from the parsed files of one unit, year, kind and scope.

    Metadata comes from the narrative file when there is one (its title names the
    report); tables are renumbered in order (narrative file first); the checks are
    left to the caller, who runs them over the combined tables.
    """
    if len(parts) == 1:
        return parts[0]
    ordered = sorted(parts, key=_order)
    lead = ordered[0].report
    tables: list[Table] = []
    blocks: list[TextBlock] = []
    warnings: list[str] = []
    for part in ordered:
        name = part.report.source_file
        for table in part.tables:
            tables.append(_tag_table(table, name, len(tables)))
        blocks.extend(_tag_block(b, name) for b in part.blocks)
        warnings.extend(f"{name}: {w}" for w in part.warnings)
    files = tuple(p.report.source_file for p in ordered)
    report = replace(
        lead,
        report_id=combined_id([p.report.report_id for p in ordered]),
        source_file=FILES_SEPARATOR.join(files),
        short_names=tuple(
            sorted({n for p in ordered for n in p.report.short_names}, key=lambda n: (len(n), n))
        ),
        title=lead.title or next((p.report.title for p in ordered if p.report.title), ""),
        page_count=sum(p.report.page_count or 0 for p in ordered) or None,
        line_count=sum(p.report.line_count or 0 for p in ordered) or None,
        files=files,
    )
    return ParsedReport(
        report=report, blocks=tuple(blocks), tables=tuple(tables), checks=(), warnings=tuple(warnings)
    )
