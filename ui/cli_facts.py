"""``budgetqa facts`` and ``budgetqa checks``: a report's figures (table cells or narrative) as
lines, JSON or CSV (UTF-8 with BOM for spreadsheets; one file per table with ``--out``), and its
accounting-identity checks, each named with its table."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ingest.store import FactStore
from ui.cli import _dump, _settings, _stored_id, cli
from ui.csv_export import csv_file_name, write_csv, write_csv_file

FACT_FIELDS = ("table", "table_no", "table_kind", "row_code", "row_label", "row_group", "column", "value", "unit",
               "page", "line", "text", "uncertain", "file")  # fmt: skip

TEXT_FACT_FIELDS = (
    "label", "measure", "value", "unit", "year", "page", "line", "text", "derived", "formula", "section", "sentence",
)  # fmt: skip

TEXT_FACTS_NAME = "正文中的数字"
"""The ``<表名>`` part of the CSV file of a report's narrative figures (``facts --text --out``)."""


def _emit(rows: list[dict[str, Any]], fields: Sequence[str], as_json: bool, as_csv: bool, bom: bool) -> bool:
    """Print ``rows`` as CSV (header first, BOM first unless ``bom`` is False) or JSON lines.

    Returns:
        False when neither was asked for (the caller prints lines for people).
    """
    if as_csv:
        write_csv(sys.stdout, rows, fields, bom=bom)
    elif as_json:
        for row in rows:
            click.echo(_dump(row))
    return as_csv or as_json


def _table_files(rows: list[dict[str, Any]], unit: str, year: int | None) -> dict[str, list[dict[str, Any]]]:
    """The rows of each table under its file name; two tables of one title get ``_2``, ``_3`` …"""
    by_table: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for row in rows:
        key = (row["_seq"], row["table"] or row["table_no"] or f"表{row['_seq'] + 1}")
        by_table.setdefault(key, []).append({k: v for k, v in row.items() if k != "_seq"})
    named: dict[str, list[dict[str, Any]]] = {}
    for (_, title), table_rows in by_table.items():
        name, n = csv_file_name(unit, year, title), 1
        while name in named:
            n += 1
            name = csv_file_name(unit, year, f"{title}_{n}")
        named[name] = table_rows
    return named


def _write_files(out: Path, files: dict[str, list[dict[str, Any]]], fields: Sequence[str], bom: bool) -> None:
    """Write each file's rows into ``out`` and print one line per file."""
    for name, rows in files.items():
        path = write_csv_file(out / name, rows, fields, bom=bom)
        click.echo(f"已写入 / wrote {path} ({len(rows)} 行 rows)")
    if not files:
        click.echo("没有数字可写 / no figures to write")


@cli.command()
@click.argument("report_id")
@click.option(
    "--table",
    "table",
    default=None,
    help="Only this table: seq, printed number (公开05表), kind or title part.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per fact.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row (UTF-8 with BOM unless --no-bom).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write CSV files into this folder instead: one per table, named <单位>_<年度>_<表名>.csv.",
)
@click.option(
    "--bom/--no-bom",
    default=True,
    show_default=True,
    help="Start CSV with the UTF-8 byte-order mark, so spreadsheets (Excel) read the Chinese correctly.",
)
@click.option(
    "--text",
    "text",
    is_flag=True,
    help="The figures of the narrative text instead (label, measure, sentence).",
)
@click.pass_context
def facts(
    ctx: click.Context,
    report_id: str,
    table: str | None,
    as_json: bool,
    as_csv: bool,
    out: Path | None,
    bom: bool,
    text: bool,
) -> None:
    """Print every figure of a report (one per table cell) with its place.

    With --text: every figure of the narrative (this year's, last year's — derived from
    比上年增加/减少 with its formula —, changes, growth rates, shares, counts). CSV starts
    with a BOM (--no-bom for plain UTF-8); --out DIR writes one CSV file per table.

    Example: budgetqa facts 16b76f591391e91c --table 公开09表 --csv
    (or: budgetqa facts 16b76f591391e91c --out 表格/ ; budgetqa facts 16b76f591391e91c --text --json)
    """
    with FactStore(_settings(ctx).db_path) as store:
        stored_id = _stored_id(store, report_id)
        record = store.report(stored_id)
        found = store.text_facts(stored_id) if text else store.facts(stored_id, table)
    assert record is not None
    unit, year = record.report.unit_name, record.report.fiscal_year
    if text:
        _text_facts(found, as_json, as_csv, out, bom, unit, year)
        return
    rows = [
        {
            "table": f.table_title, "table_no": f.table_no, "table_kind": f.table_kind, "row_code": f.row_code,
            "row_label": f.row_label, "row_group": f.row_group, "column": f.column, "value": str(f.value),
            "unit": f.unit, "page": f.page, "line": f.line, "text": f.text, "uncertain": f.uncertain, "file": f.file,
            "_seq": f.table_seq,
        }
        for f in found
    ]  # fmt: skip
    if out is not None:
        _write_files(out, _table_files(rows, unit, year), FACT_FIELDS, bom)
        return
    plain = [{k: v for k, v in row.items() if k != "_seq"} for row in rows]
    if not _emit(plain, FACT_FIELDS, as_json, as_csv, bom):
        for row in plain:
            where = f"p.{row['page']}" if row["page"] else f"L{row['line']}"
            code = f"{row['row_code']} " if row["row_code"] else ""
            flag = " (?)" if row["uncertain"] else ""
            click.echo(
                f"{row['table_no'] or row['table']} | {code}{row['row_label']} | {row['column']} = "
                f"{row['value']} {row['unit']}{flag} [{where}]"
            )


def _text_facts(
    found: Sequence[Any],
    as_json: bool,
    as_csv: bool,
    out: Path | None,
    bom: bool,
    unit: str,
    year: int | None,
) -> None:
    """``budgetqa facts ID --text``: the narrative's figures (lines, JSON, CSV or one CSV file)."""
    rows = [
        {
            "label": f.label, "measure": f.measure, "value": str(f.value), "unit": f.unit, "year": f.year,
            "page": f.page, "line": f.line, "text": f.text, "derived": f.derived, "formula": f.formula,
            "section": " > ".join(f.section_path), "sentence": f.sentence,
        }
        for f in found
    ]  # fmt: skip
    if out is not None:
        _write_files(
            out, {csv_file_name(unit, year, TEXT_FACTS_NAME): rows} if rows else {}, TEXT_FACT_FIELDS, bom
        )
        return
    if not _emit(rows, TEXT_FACT_FIELDS, as_json, as_csv, bom):
        for row in rows:
            where = f"p.{row['page']}" if row["page"] else f"L{row['line']}"
            how = f" ({row['formula']})" if row["derived"] else ""
            click.echo(
                f"{row['label']} | {row['measure']} | {row['value']} {row['unit']} | {row['year'] or ''}{how} "
                f"[{where}] {row['sentence']}"
            )


@cli.command()
@click.argument("report_id")
@click.option("--all", "show_all", is_flag=True, help="Also list checks that passed.")
@click.pass_context
def checks(ctx: click.Context, report_id: str, show_all: bool) -> None:
    """Show the accounting-identity checks of a report (failed and rounding by default), each
    with the table it checks (公开01表 收入支出决算总表).

    Example: budgetqa checks 16b76f591391e91c
    """
    with FactStore(_settings(ctx).db_path) as store:
        stored_id = _stored_id(store, report_id)
        found, text_found = store.checks(stored_id), store.text_checks(stored_id)
        tables = {
            t.seq: " ".join(p for p in (t.printed_number, t.title) if p) for t in store.tables(stored_id)
        }
    _print_checks(found, show_all, tables)
    if text_found:
        click.echo("文字与表格 / text vs tables:")
        _print_checks(text_found, show_all, {})


def _print_checks(found: Sequence[Any], show_all: bool, tables: dict[int, str]) -> None:
    """One line per check (failed and rounding, or all) naming its table when known, then the counts."""
    marks = {"pass": "✓", "rounding": "≈", "fail": "✗"}
    for c in found:
        if show_all or c.status != "pass":
            seq = getattr(c, "table_seq", None)
            table = tables.get(seq, f"表{seq + 1}") if seq is not None and tables else ""
            click.echo(f"{marks.get(c.status, '?')} {f'[{table}] ' if table else ''}{c.detail}")
    counts = {s: sum(1 for c in found if c.status == s) for s in marks}
    click.echo(f"{counts['pass']} pass, {counts['rounding']} rounding, {counts['fail']} fail")
