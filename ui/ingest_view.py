"""What ``budgetqa ingest`` prints: one safe line per file and the batch's summary line.

File names are printed through :func:`ingest.names.printable` (undecodable bytes as ``\\xNN``,
newlines and escape codes escaped), so no name can break a line or the terminal. Files of
a folder that are not reports are listed as skipped, with the reason.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from ingest.discover import unsupported_in_folders
from ingest.names import printable, storable
from ingest.pipeline import (
    STATUS_DUPLICATE,
    STATUS_FAILED,
    STATUS_SKIPPED,
    STATUS_UNCHANGED,
    IngestOutcome,
    StageCallback,
)
from ingest.settings import Settings

log = logging.getLogger(__name__)


def outcome_line(o: IngestOutcome) -> str:
    """One line for one file: ✓ stored, = unchanged or duplicate, – skipped, ✗ failed (with why)."""
    name = printable(Path(o.path).name)
    if o.status == STATUS_FAILED:
        return f"✗ {name}: {printable(o.error)}"
    if o.status == STATUS_SKIPPED:
        return f"– {name}: {printable(o.error)}"
    r = o.report
    assert r is not None
    mark = "=" if o.status in (STATUS_UNCHANGED, STATUS_DUPLICATE) else "✓"
    head = f"{mark} {name} [{r.report_id}] {printable(r.unit_name) or '?'} {r.fiscal_year or '?'} {r.kind}"
    std = f"{len(o.standard_found)}/9 standard"
    checks = f"checks {o.checks_pass} pass, {o.checks_rounding} rounding, {o.checks_fail} fail"
    extra = " (unchanged: already ingested)" if o.status == STATUS_UNCHANGED else ""
    if o.status == STATUS_DUPLICATE:
        extra = (
            f" · 与已导入的 {printable(o.duplicate_of)} 内容完全相同，未重复存储 / "
            f"same content as {printable(o.duplicate_of)}: not stored twice"
        )
    if o.joined:
        extra += f" · joined with {', '.join(printable(j) for j in o.joined)}: one report / 与已导入的文件合并为一份报告"
    elif o.replaced:
        extra += f" (replaces {', '.join(o.replaced)})"
    text = f" · {o.text_facts} text facts" if o.text_facts else ""
    notes = "".join(f" · ⚠ {printable(n)}" for n in o.notes)
    return f"{head} · {o.tables} tables ({std}) · {o.facts} facts{text} · {checks}{extra}{notes}"


STAGE_WORDS = {
    "read": "读取 / read", "tables": "识别表格 / tables", "check": "校验 / checks",
    "store": "写入 / storing", "embed": "生成检索向量，已可查询 / embedding, answerable", "done": "完成 / done",
}  # fmt: skip
"""What a stage of :meth:`index.library.Library.ingest` is called in a stage line."""


class StageLines:
    """One line per stage of each file (for output that is not a terminal, where a progress
    bar would be garbage): ``[1/3] report.pdf: 识别表格 / tables (30 页 / pages, 4.1 s)``.

    Args:
        echo: prints one line.
        count: how many files the batch has.
    """

    def __init__(self, echo: Callable[[str], None], count: int) -> None:
        self.echo = echo
        self.count = count

    def for_file(self, number: int, path: Path) -> StageCallback:
        """The ``on_stage`` callback of file ``number`` (1-based) of the batch."""
        started = time.monotonic()
        last: list[str] = []
        pages: list[int] = []

        def on_stage(stage: str, done: int | None = None, total: int | None = None) -> None:
            if total:
                pages[:] = [total]
            if last and last[-1] == stage:
                return  # a stage moving on (pages) is not a new line
            last.append(stage)
            notes = [f"{pages[0]} 页 / pages"] if pages and stage == "tables" else []
            if stage != "read":
                notes.append(f"{time.monotonic() - started:.1f} s")
            note = f" ({', '.join(notes)})" if notes else ""
            word = STAGE_WORDS.get(stage, printable(stage))
            self.echo(f"[{number}/{self.count}] {printable(path.name)}: {word}{note}")

        return on_stage


def skipped_outcomes(paths: Sequence[Path]) -> list[IngestOutcome]:
    """Files in the given folders that are not ingested (unsupported types), as outcomes."""
    return [IngestOutcome(storable(str(p)), STATUS_SKIPPED, error=reason) for p, reason in unsupported_in_folders(paths)]


def summary_line(outcomes: Sequence[IngestOutcome]) -> str:
    """``N ingested, M failed`` (+ duplicates and skipped files when there are any)."""
    failed = sum(o.status == STATUS_FAILED for o in outcomes)
    skipped = sum(o.status == STATUS_SKIPPED for o in outcomes)
    duplicates = sum(o.status == STATUS_DUPLICATE for o in outcomes)
    line = f"{len(outcomes) - failed - skipped} ingested, {failed} failed"
    if duplicates:
        line += f", {duplicates} duplicate{'s' if duplicates > 1 else ''}"
    if skipped:
        line += f", {skipped} skipped (unsupported type)"
    return line


def with_limits(
    settings: Settings,
    max_file_mb: float | None,
    max_pages: int | None,
    max_stream_mb: float | None,
    file_timeout: float | None,
    max_memory_mb: float | None = None,
) -> Settings:
    """``settings`` with the limits given on the command line (flags win over the environment)."""
    flags = {"max_file_mb": max_file_mb, "max_pages": max_pages, "max_stream_mb": max_stream_mb,
             "file_timeout_s": file_timeout, "max_memory_mb": max_memory_mb}  # fmt: skip
    return replace(settings, **{k: v for k, v in flags.items() if v is not None})


def lower_priority(settings: Settings) -> None:
    """Make this process yield the CPU to questions asked meanwhile (``ingest_nice``)."""
    if settings.ingest_nice > 0 and hasattr(os, "nice"):
        try:
            os.nice(settings.ingest_nice)
        except OSError as exc:
            log.debug("could not lower the ingest's priority: %s", exc)
