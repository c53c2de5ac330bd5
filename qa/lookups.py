"""Look-up answers in one report: one figure, each of several named items (分别), the figure for
several measures (年初预算…实际…), several listed rows summed, an empty fund table as 0, a figure
converted to the unit asked."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from ingest.store import TableRecord
from qa.compose import answered, computed_answer, figure_answer
from qa.compute import Operand, converted, total
from qa.context import ReportContext
from qa.lookup import CellMatch, empty_table
from qa.model import Answer
from qa.resolve import Resolver
from qa.understand import MEASURE_WORDS, Intent, part_measures

FUND_WORDS = (("政府性基金", "gov_fund"), ("国有资本经营", "soe_capital"))
_SUM_WORDS = re.compile(r"加起来|加在一起|合起来|之和|总和|一共|总共|共计|合计")
_LISTED = re.compile(r"[、和及与]")


def empty_note(table: TableRecord) -> str:
    """What an empty table's note says of it (``本单位没有…，故本表无数据``), or ``""``."""
    said = re.search(r"本(?:单位|部门)[^。]*?(?:无数据|没有[^。]*)", table.note or "")
    return said.group(0) if said else ""


def lookup_answer(ctx: ReportContext, intent: Intent, resolver: Resolver) -> Answer | None:
    if intent.multi and len(intent.concepts) >= 2:
        return _lookup_each(ctx, intent, resolver)
    measures = part_measures(intent)
    if len(set(measures)) >= 2:
        return _lookup_measures(ctx, intent, resolver, measures)
    rows = _rows_named(ctx, intent, resolver)
    if rows:
        return _rows_answer(ctx, intent, resolver, rows)
    for word, kind in FUND_WORDS:
        empty = empty_table(kind, ctx.tables) if (word in intent.text or intent.table_hint == kind) else None
        if empty is not None and not intent.codes:  # the fund's table is printed empty: 0, said so
            quote = empty_note(empty) or "表中没有填列数字"
            text = f"0万元：{ctx.title()}的{ctx.table_name(empty)}为空表（{quote}）。"
            return answered(intent.question, text, [ctx.cite_table(empty, quote)], Decimal(0), "万元",
                            "空表，按0计")  # fmt: skip
    found = resolver.resolve(ctx, intent)
    if found is None:
        return None
    if (
        intent.want_unit
        and found.operand.unit in ("元", "万元", "亿元")
        and found.operand.unit != intent.want_unit
    ):
        result = converted(found.operand, intent.want_unit)
        op = found.operand
        text = (f"{result.value}{result.unit}（{op.shown()}{op.unit}折合）。计算：{result.formula}。"
                f"出处：{ctx.title()}。")  # fmt: skip
        return answered(intent.question, text, [op.citation] if op.citation else [], result.value,
                        result.unit, result.formula)  # fmt: skip
    return figure_answer(intent.question, ctx, found)


def _rows_named(ctx: ReportContext, intent: Intent, resolver: Resolver) -> list[CellMatch]:
    """办公费、印刷费、邮电费三项加起来 / …分别是多少: several rows of one table each named in full by
    the question (their labels listed with 、/和/及), best cell of each; ``[]`` otherwise."""
    if not (_SUM_WORDS.search(intent.text) or intent.multi) or not _LISTED.search(intent.text):
        return []
    cells = resolver.cells(ctx, resolver.query_of(intent, ctx), retrieve=False)
    named = [c for c in cells if c.how.startswith("label in question") and c.measure_met]
    if len(named) < 2:
        return []
    table = named[0].row.table.seq
    chosen: dict[str, CellMatch] = {}
    for cell in named:
        if cell.row.table.seq == table and cell.row.nlabel not in chosen:
            chosen[cell.row.nlabel] = cell
    labels = list(chosen)
    if len(labels) < 2 or any(a in b for a in labels for b in labels if a != b):
        return []  # one label inside another (办公费 / 办公费用合计): not a list of items
    return list(chosen.values())


def _rows_answer(
    ctx: ReportContext, intent: Intent, resolver: Resolver, rows: list[CellMatch]
) -> Answer | None:
    operands = [ctx.operand(c.fact, c.row.label) for c in rows]
    if intent.multi and not _SUM_WORDS.search(intent.text):
        text = "；".join(f"{o.label}：{o.shown()}{o.unit}" for o in operands) + f"。出处：{ctx.title()}。"
        return answered(intent.question, text, [o.citation for o in operands if o.citation],
                        operands[0].value, operands[0].unit)  # fmt: skip
    return computed_answer(intent.question, "合计", total(operands), operands, ctx.title())


def _lookup_measures(
    ctx: ReportContext, intent: Intent, resolver: Resolver, measures: list[str]
) -> Answer | None:
    """年初预算是多少，实际花了多少？: the item's figure for each measure asked, each cited."""
    parts, citations, values = [], [], []
    for measure in dict.fromkeys(measures):
        found = resolver.resolve(ctx, replace(intent, measure=measure))
        if found is None or not found.operand.citation:
            return None  # one part not found: no partial answer passed off as whole
        op = found.operand
        parts.append(f"{MEASURE_WORDS[measure]}{op.shown()}{op.unit}")
        citations.append(op.citation)
        values.append(op)
    text = "；".join(parts) + f"。出处：{ctx.title()}。"
    return answered(intent.question, text, citations, values[0].value, values[0].unit)


def _lookup_each(ctx: ReportContext, intent: Intent, resolver: Resolver) -> Answer | None:
    parts = []
    citations = []
    first: Operand | None = None
    for match in intent.concepts:
        found = resolver.resolve(ctx, intent, match.word, concepts=[match.concept])
        if found is None:
            parts.append(f"{match.concept.key}：报告中没有找到")
            continue
        op = found.operand
        first = first or op
        parts.append(f"{match.concept.key}：{op.shown()}{op.unit}")
        citations += [v.citation for v in found.values if v.citation]
    if first is None:
        return None
    text = "；".join(parts) + f"。出处：{ctx.title()}。"
    return answered(intent.question, text, citations, first.value, first.unit)
