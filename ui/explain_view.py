"""``budgetqa ingest --explain``: print what the reader understood of each file (rich), storing nothing.

A thin view over :func:`ingest.explain.explain_file`; ``ui/cli.py`` only hands over the paths.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ingest.catalog import standard_name
from ingest.errors import IngestError
from ingest.explain import SOURCE_NONE, ExtractionReport, TableSummary, explain_file
from ingest.pipeline import iter_report_files

SECTIONS_SHOWN = 15
"""Narrative sections listed in the text view (``--json`` has them all)."""

_FIELD_NAMES = {"unit": "编制单位 unit", "year": "年度 year", "kind": "类型 kind", "scope": "范围 scope"}
_SOURCE_NAMES = {"title": "标题 title", "text": "正文 text", SOURCE_NONE: "未找到 not found"}
_GROUP_NAMES = {"standard": "标准", "extra": "附加", "other": "其他"}


def explain_paths(paths: Iterable[Path], as_json: bool = False, console: Console | None = None) -> int:
    """Explain every report file under ``paths``; return the exit code (1 if any file failed).

    Prints one JSON object per file with ``as_json``, else a readable report per file.
    Files that cannot be read get one line on stderr saying why. Nothing is stored.

    Raises:
        click.ClickException: no report file under ``paths``.
    """
    files = list(iter_report_files(paths))
    if not files:
        raise click.ClickException("没有找到可读取的文件（.pdf/.txt/.md）/ no report files found")
    console = console or Console(highlight=False, width=None if sys.stdout.isatty() else 140)
    failed = 0
    for path in files:
        try:
            explained = explain_file(path)
        except IngestError as exc:
            failed += 1
            click.echo(f"✗ {exc}", err=True)
            continue
        if as_json:
            click.echo(json.dumps(explained.as_dict(), ensure_ascii=False))
        else:
            print_explanation(explained, console)
    if not as_json:
        click.echo(f"{len(files) - failed} explained, {failed} failed (nothing stored)", err=bool(failed))
    return 1 if failed else 0


def _span(t: TableSummary) -> str:
    return t.span.replace("p. ", "第").replace("lines ", "第") + ("页" if t.pages else "行" if t.lines else "")


def _checks(t: TableSummary) -> str:
    if not (t.checks_pass or t.checks_rounding or t.checks_fail):
        return "-"
    return f"{t.checks_pass}✓ {t.checks_rounding}≈ {t.checks_fail}✗"


def _pages(pages: tuple[int, ...]) -> str:
    return "、".join(str(p) for p in pages) if pages else "无 none"


def print_explanation(e: ExtractionReport, console: Console) -> None:
    """The readable report of one file."""
    r = e.report
    size = f"{r.page_count} 页 pages" if r.page_count else f"{r.line_count} 行 lines"
    console.rule(f"[bold]{escape(Path(e.path).name)}[/]  ({size}, report id {r.report_id})")
    if r.title:
        console.print(f"标题 title: {escape(r.title)}")
    meta = Table(title="识别的报告信息 / metadata", title_justify="left")
    for column in ("项目 field", "值 value", "来源 source"):
        meta.add_column(column)
    for item in e.metadata:
        meta.add_row(_FIELD_NAMES.get(item.name, item.name), escape(item.value or "?"),
                     _SOURCE_NAMES.get(item.source, item.source))
    console.print(meta)

    tables = Table(title=f"表格 / tables ({len(e.tables)}; {e.figures} 个数字 figures)", title_justify="left")
    tables.add_column("#", justify="right")
    tables.add_column("编号 no.")
    tables.add_column("标题 title", overflow="fold", min_width=14)
    tables.add_column("类别 kind", overflow="fold")
    tables.add_column("组 set")
    tables.add_column("位置 at", overflow="fold")
    tables.add_column("单位 unit")
    for column in ("行 rows", "列 cols", "数字 figs"):
        tables.add_column(column, justify="right")
    tables.add_column("校验 checks")
    for t in e.tables:
        figures = f"{t.figures} 空 empty" if t.empty else str(t.figures)
        tables.add_row(str(t.seq), escape(t.printed_number or "-"), escape(t.title or "(无标题 untitled)"),
                       t.kind, _GROUP_NAMES.get(t.group, t.group), _span(t), t.unit or "-", str(t.rows),
                       str(len(t.value_columns)), figures, _checks(t))
    console.print(tables)
    console.print("组 set: 标准 = one of the nine standard tables, 附加 = a table some provinces add, "
                  "其他 = not recognised", style="dim")

    empty = [t for t in e.tables if t.empty and t.group != "other"]
    for t in empty:
        console.print(f"空表 empty: {escape(t.title)} ({_span(t)}) — {escape(t.note or '无说明 no note')}")
    missing = ", ".join(f"{standard_name(k)} ({k})" for k in e.standard_missing) or "无 none"
    expected = f"{len(e.standard_expected) - len(e.standard_missing)}/{len(e.standard_expected)}"
    console.print(f"标准表 standard tables: {expected} found; 缺少 missing: {escape(missing)}")
    console.print(f"校验 checks: {e.checks_pass} pass, {e.checks_rounding} rounding, {e.checks_fail} fail")
    for t in e.tables:
        for detail in t.failed_checks:
            console.print(f"    ✗ #{t.seq} {escape(detail)}")

    console.print(f"叙述 narrative: {e.blocks} 段 blocks in {len(e.sections)} 节 sections")
    for s in e.sections[:SECTIONS_SHOWN]:
        where = "" if s.first is None else f" ({s.first}" + (f"-{s.last}" if s.last != s.first else "") + ")"
        console.print(f"    {escape(s.section)}: {s.blocks}{where}")
    if len(e.sections) > SECTIONS_SHOWN:
        console.print(f"    … {len(e.sections) - SECTIONS_SHOWN} more (--json for all)")
    if r.page_count:
        console.print(f"无表格无叙述的页 pages with no table and no narrative: {_pages(e.pages_without_content)}")
        console.print(f"空白页 blank pages (no text): {_pages(e.blank_pages)}")
    if e.text_facts:
        counts = ", ".join(f"{measure} {n}" for measure, n in e.text_facts)
        console.print(f"正文数字 text facts: {sum(n for _, n in e.text_facts)} ({escape(counts)})")

    console.print(f"[bold]未理解 / not understood[/] ({len(e.issues)})" + (": 无 none" if not e.issues else ""))
    for issue in e.issues:
        where = f"{issue.where} " if issue.where else ""
        console.print(escape(f"  - [{issue.kind}] {where}{issue.detail}"))
