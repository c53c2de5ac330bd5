"""Why the engine answered as it did: ``budgetqa ask --explain``.

The question as read (scope, task, operation, measure, the measure stated against last year,
the kind of figure expected, concepts, codes, the table named), the candidates weighed —
table cells with their row and column scores and how the row was found, text facts of the
asked measure with how much of their label the question covers — and, for the answer given,
what the refusal checks found (items the evidence does not name, a figure of another kind).
Nothing is stored; the answer is the engine's own.
"""

from __future__ import annotations

from typing import Any

from qa import coverage, text_measures
from qa.engine import QAEngine
from qa.scope import unit_names
from qa.understand import understand

MAX_CANDIDATES = 8


def explain(engine: QAEngine, question: str) -> dict[str, Any]:
    """The reading of ``question``, its candidates per report in scope, and the answer (JSON-ready)."""
    intent = understand(question, engine.records())
    reading = {
        "task": intent.task,
        "operation": intent.operation,
        "units": list(intent.units),
        "years": list(intent.years),
        "year_before": intent.year_before,
        "reports": list(intent.report_ids),
        "measure": intent.measure,
        "asks": intent.asks,
        "expect": intent.expect,
        "concepts": [c.concept.key for c in intent.concepts],
        "codes": list(intent.codes),
        "table_hint": intent.table_hint,
        "column_words": list(intent.column_words),
    }
    reports = []
    for report_id in intent.report_ids[:4]:
        ctx = engine.context(report_id)
        query = engine.resolver.query_of(intent, ctx)
        cells = [
            {
                "score": round(c.score, 2),
                "row_score": round(c.row_score, 2),
                "how": c.how,
                "measure_met": c.measure_met,
                "table": ctx.table_name(fact=c.fact),
                "row": " ".join(p for p in (c.fact.row_code, c.fact.row_label) if p),
                "column": c.fact.column,
                "value": str(c.fact.value),
                "unit": c.fact.unit,
                "page": c.fact.page,
            }
            for c in engine.resolver.cells(ctx, query)[:MAX_CANDIDATES]
        ]
        facts = []
        if intent.asks:
            asked = text_measures.content(question, ctx)
            for c in text_measures.candidates(ctx.text_facts, intent.asks, asked)[:MAX_CANDIDATES]:
                facts.append({"label": c.fact.label, "measure": c.fact.measure, "value": str(c.fact.value),
                              "unit": c.fact.unit, "cover": round(c.cover, 2), "page": c.fact.page,
                              "formula": c.fact.formula})  # fmt: skip
        reports.append({"report": ctx.describe(), "cells": cells, "text_facts": facts,
                        "item_words": coverage.content(question, unit_names(ctx.record)).strip("|")})  # fmt: skip
    answer = engine.ask(question)
    checks: dict[str, Any] = {"unit_fits": coverage.unit_fits(intent.expect, answer.unit)}
    if answer.citations and intent.report_ids:
        names = unit_names(engine.context(intent.report_ids[0]).record)
        checks["uncovered_items"] = coverage.uncovered(question, answer.citations, names)
    return {"question": question, "reading": reading, "candidates": reports, "checks": checks,
            "answer": answer.to_json()}  # fmt: skip


def explain_text(data: dict[str, Any]) -> str:
    """The explanation as plain lines for the terminal."""
    r = data["reading"]
    lines = [
        f"问题 / question: {data['question']}",
        (
            f"读作 / read as: task={r['task']} operation={r['operation']} measure={r['measure']} asks={r['asks']} "
            f"expect={r['expect']} table={r['table_hint']} concepts={','.join(r['concepts']) or '-'} "
            f"codes={','.join(r['codes']) or '-'}"
        ),
        f"范围 / scope: {', '.join(r['units']) or '-'} {r['years'] or ''}{' (上年)' if r['year_before'] else ''}",
    ]
    for rep in data["candidates"]:
        lines.append(
            f"报告 / report: {rep['report']}   问题中的项目词 / item words: {rep['item_words'] or '-'}"
        )
        for c in rep["cells"]:
            lines.append(f"  cell {c['score']:>6} (row {c['row_score']}, {c['how']}) {c['table']} | {c['row']} | "
                         f"{c['column']} = {c['value']} {c['unit']} p.{c['page']}")  # fmt: skip
        for f in rep["text_facts"]:
            lines.append(f"  text cover {f['cover']} {f['label']} [{f['measure']}] = {f['value']} {f['unit']} "
                         f"p.{f['page']} {f['formula']}")  # fmt: skip
    checks = data["checks"]
    lines.append(f"检查 / checks: unit fits={checks.get('unit_fits')} "
                 f"uncovered={checks.get('uncovered_items', [])}")  # fmt: skip
    answer = data["answer"]
    lines.append(f"回答 / answer [{answer['status']}]: {answer['answer']}")
    return "\n".join(lines)
