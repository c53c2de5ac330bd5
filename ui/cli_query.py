"""``budgetqa search`` and ``budgetqa ask``: retrieval over the indexed chunks, and answers from
the QA engine (plain text, JSON, batch files, ``--explain``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from ingest.settings import Settings
from ui.cli import _dump, _settings, cli


def _batch_questions(batch: Path) -> Iterator[tuple[dict[str, Any], str]]:
    """``(item, question)`` for each non-blank line ``{"id", "question"}`` of a JSONL file.

    Raises:
        click.ClickException: a line that is not such an object (its number said).
    """
    for n, line in enumerate(batch.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            question = item["question"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise click.ClickException(f'{batch}:{n}: 需要 {{"id", "question"}} / bad line: {exc}') from exc
        yield item, question


def _hit_json(rank: int, hit: Any) -> dict[str, Any]:
    c = hit.chunk
    return {
        "rank": rank, "score": hit.score, "text": c.text, "file": c.file, "report_id": c.report_id,
        "unit": c.unit, "year": c.year, "kind": c.kind, "page": c.page, "line": c.line_start,
        "section": c.section or None, "table": c.table_title or None, "table_no": c.table_no or None,
        "row": c.row_label or None, "row_code": c.row_code or None,
        "vector_rank": hit.vector_rank, "keyword_rank": hit.keyword_rank,
    }  # fmt: skip


def _open_searcher(settings: Settings) -> Any:
    from index.library import Library
    from index.search import Searcher

    library = Library(settings)
    if not library.facts.report_ids():
        library.close()
        raise click.ClickException(
            f"{settings.home} 里还没有报告 / no reports in {settings.home}. Run: budgetqa ingest PATH"
        )
    state = library.check()
    if not state.ok:
        click.echo("索引与报告库不一致，正在同步 / syncing the indexes with the reports…", err=True)
        library.sync(on_progress=lambda m: click.echo(f"  {m}", err=True))
    return Searcher(library)


@cli.command()
@click.argument("query", required=False)
@click.option(
    "--unit", default=None, help="Only reports of this unit (full or short name, e.g. 临沂市政府办)."
)
@click.option("--year", type=int, default=None, help="Only reports of this fiscal year.")
@click.option("--report", "report_id", default=None, help="Only this report (id).")
@click.option(
    "--type",
    "chunk_kind",
    type=click.Choice(["text", "table", "row"]),
    default=None,
    help="Only this chunk type.",
)
@click.option(
    "--mode", type=click.Choice(["hybrid", "vector", "keyword"]), default="hybrid", show_default=True
)
@click.option("--k", "k", type=int, default=10, show_default=True, help="How many results.")
@click.option(
    "--batch",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help='JSONL file of {"id", "question"}; prints one {"id", "results"} line each.',
)
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_context
def search(
    ctx: click.Context,
    query: str | None,
    unit: str | None,
    year: int | None,
    report_id: str | None,
    chunk_kind: str | None,
    mode: str,
    k: int,
    batch: Path | None,
    as_json: bool,
) -> None:
    """Search the reports: semantic + Chinese keyword search, fused, with sources.

    A question that names a unit (临沂市政府办) or a year is scoped to those reports.

    Example: budgetqa search "临沂市政府办2022年招待费" --k 5 --json
    """  # fmt: skip
    from index.model import Filters

    if not query and not batch:
        raise click.UsageError("give a QUERY or --batch FILE.jsonl")
    searcher = _open_searcher(_settings(ctx))
    filters = Filters(
        report_ids=(report_id,) if report_id else (), unit=unit, year=year, chunk_kind=chunk_kind
    )
    try:
        if batch:
            for item, question in _batch_questions(batch):
                hits = searcher.search(question, k=k, filters=filters, mode=mode)
                results = [_hit_json(i, h) for i, h in enumerate(hits, start=1)]
                click.echo(_dump({"id": item.get("id"), "results": results}))
            return
        assert query is not None
        hits = searcher.search(query, k=k, filters=filters, mode=mode)
        if as_json:
            click.echo(_dump([_hit_json(i, h) for i, h in enumerate(hits, start=1)]))
            return
        if not hits:
            click.echo("没有找到 / nothing found")
        for i, hit in enumerate(hits, start=1):
            c = hit.chunk
            where = f"p.{c.page}" if c.page else f"L{c.line_start}"
            place = (
                c.section
                if c.kind == "text"
                else f"{c.table_no or c.table_title} {c.row_code} {c.row_label}".strip()
            )
            click.echo(f"{i:>2}. [{hit.score:.4f}] {c.file} {where} · {c.kind} · {place}")
            click.echo(f"    {c.text[:300]}")
    finally:
        searcher.library.close()


def _open_engine(settings: Settings) -> Any:
    """A QA engine over the home's reports (keyword index refreshed if stale; no embedder loaded),
    with the configured LLM if any (llama-index's LLM classes are imported only then)."""
    from index.library import Library
    from qa.engine import QAEngine

    library = Library(settings)
    if not library.facts.report_ids():
        library.close()
        raise click.ClickException(
            f"{settings.home} 里还没有报告 / no reports in {settings.home}. Run: budgetqa ingest PATH"
        )
    library.refresh()
    llm = None
    if settings.llm_base_url.strip():
        from qa.llm import make_llm

        llm = make_llm(settings)
    return QAEngine(library, llm=llm)


def _unit_names(engine: Any) -> list[str]:
    """Every unit name of the engine's reports, full and short (a question naming one is real)."""
    names = []
    for record in engine.records():
        names += [record.report.unit_name, *record.report.short_names]
    return [n for n in dict.fromkeys(names) if n]


def _example_questions(engine: Any, limit: int = 3) -> list[str]:
    """Look-up questions that work on the engine's reports (``<简称><年度>年公务接待费是多少？``)."""
    out = []
    for record in engine.records():
        report = record.report
        names = sorted((n for n in report.short_names if n), key=len) or [report.unit_name]
        if names[0]:
            year = f"{report.fiscal_year}年" if report.fiscal_year else ""
            out.append(f"{names[0]}{year}公务接待费是多少？")
    return list(dict.fromkeys(out))[:limit]


def smalltalk_reply(engine: Any, question: str, in_conversation: bool = False) -> Any | None:
    """The reply to a greeting or nonsense (``你好``, ``asdf``) without asking the engine, or
    ``None`` when ``question`` is about the reports (:mod:`qa.smalltalk`).

    Args:
        engine: the QA engine (its reports' unit names make a question real).
        question: as typed.
        in_conversation: earlier questions were asked (a short follow-up is not small talk).
    """
    from qa.smalltalk import is_smalltalk, smalltalk_answer

    if not is_smalltalk(question, _unit_names(engine), in_conversation=in_conversation):
        return None
    return smalltalk_answer(question, _example_questions(engine))


def answer_output(engine: Any, question: str, as_json: bool) -> str:
    """What ``budgetqa ask QUESTION [--json]`` prints (a running server prints the same for a
    forwarded ask, :mod:`ui.ask_service`)."""
    answer = smalltalk_reply(engine, question) or engine.ask(question)
    return _dump(answer.to_json()) if as_json else _answer_text(answer)


def _answer_text(answer: Any) -> str:
    lines = [f"[{answer.status}] {answer.answer}"]
    if getattr(answer, "asked_as", None):
        lines.insert(0, f"（按上下文理解为 / understood as: {answer.asked_as}）")
    if answer.formula:
        lines.append(f"  公式 formula: {answer.formula}")
    for n, c in enumerate(answer.citations, start=1):
        where = f"p.{c.page}" if c.page else (f"L{c.line}" if c.line else "")
        place = " · ".join(p for p in (c.table, c.row, c.column) if p)
        lines.append(f"  [{n}] {c.file} {where} · {place} · “{c.quote}”")
    for c in answer.candidates:
        lines.append(f"  候选 candidate: {c.unit_name} {c.year or ''} {c.kind} ({c.file})")
    lines.append(f"  ({answer.elapsed_ms:.0f} ms)")
    return "\n".join(lines)


@cli.command()
@click.argument("question", required=False)
@click.option(
    "--batch",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help='JSONL file of {"id", "question"}; prints one answer JSON line per input line, in order.',
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the answer as JSON (status, answer, value, unit, formula, citations, candidates).",
)
@click.option(
    "--explain",
    is_flag=True,
    help="Also show how the question was read and the candidates weighed (cells, text facts, checks).",
)
@click.pass_context
def ask(ctx: click.Context, question: str | None, batch: Path | None, as_json: bool, explain: bool) -> None:
    """Answer a question from the reports: the exact figure, where it is printed, the formula
    of any computation; or say that the reports don't contain it, or ask which report is meant.

    Example: budgetqa ask "临沂市政府办2022年公务接待费是多少？" --json (add --explain to see
    how it was read and which candidates were weighed)
    """  # fmt: skip
    if not question and not batch:
        raise click.UsageError("give a QUESTION or --batch FILE.jsonl")
    engine = _open_engine(_settings(ctx))
    try:
        if batch:
            engine.warm()
            for item, text in _batch_questions(batch):
                answer = engine.ask(text, id=item.get("id"))
                click.echo(_dump(answer.to_json()) if as_json else _answer_text(answer))
            return
        assert question is not None
        if explain:
            from qa.explain import explain as explain_question
            from qa.explain import explain_text

            data = explain_question(engine, question)
            click.echo(_dump(data) if as_json else explain_text(data))
            return
        click.echo(answer_output(engine, question, as_json))
    finally:
        engine.library.close()
