"""``budgetqa eval``: run a gold file through the QA engine and score it (eval.harness)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from ui.cli import _settings, cli
from ui.cli_query import _open_engine


@cli.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write results.json, report.md and accuracy.png here.")
@click.option("--reports", "report_paths", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Ingest these reports (files or folders) first if the home has none. Repeatable.")
@click.option("--floor", type=float, default=None, help="Exit 1 if overall accuracy is below this (0–1).")
@click.option("--failures", type=int, default=30, show_default=True, help="How many failures to print.")
@click.pass_context
def eval_command(
    ctx: click.Context, gold: Path, out_dir: Path | None, report_paths: tuple[Path, ...], floor: float | None,
    failures: int,
) -> None:
    """Score a gold file (format of ../shared/eval/FORMAT.md) against the QA engine.

    Prints accuracy by kind, persona and report, latency p50/p95 and the failures with
    reasons; writes JSON, Markdown and a bar chart with --out.

    Example: budgetqa eval ../shared/eval/dev.jsonl --reports ../shared/reports/text --out eval/out
    """  # fmt: skip
    from eval.harness import check_floor, format_summary, run_eval
    from index.library import Library

    settings = _settings(ctx)
    if report_paths:
        with Library(settings) as library:
            if not library.facts.report_ids():
                click.echo(f"ingesting {', '.join(map(str, report_paths))} …", err=True)
                library.ingest_paths(list(report_paths))
    engine = _open_engine(settings)
    try:
        engine.warm()
        with tempfile.TemporaryDirectory() as tmp:
            result = run_eval(gold, lambda q: engine.ask(q).to_json(), out_dir or Path(tmp))
    finally:
        engine.library.close()
    click.echo(format_summary(result, max_failures=failures))
    if out_dir:
        click.echo(f"written: {out_dir}/results.json, report.md, accuracy.png")
    if floor is not None and not check_floor(result, floor):
        click.echo(f"accuracy {result.accuracy:.1%} is below the floor {floor:.1%}", err=True)
        ctx.exit(1)
