"""Realistic, fictional 决算 PDFs with known figures, for tests and for ``budgetqa demo``.

:func:`generate_sample_reports` writes two reports into a folder, each with a ``.truth.json``
beside it, and returns a :class:`SampleReport` per report:

- ``qingshan_gov_office_2024_dept_final.pdf`` — 青山市人民政府办公室 2024 年度部门决算, tables in
  万元, 目录, page numbers, whole 7-digit codes except 公开05表 (类|款|项 columns, narrow wrapped
  labels, continued on the next page without its header), 三公 as one row of 12 figures
  (公开09表). Its narrative states 基本支出 0.01 above the table: the planted inconsistency.
- ``lvshui_finance_2023_unit_final.pdf`` — 绿水县财政局 2023 年度单位决算, tables in 元 with zeros
  as blank cells, narrative in 元 except the 三公 paragraph (万元), 类|款|项 columns in 公开03表
  (continued with its header repeated) and 公开05表, 三公 as rows (公开07表), three column groups
  in the 基本支出 table.

Both have a cover, 第一部分 概况, 第二部分 the nine standard tables (ruled, merged multi-level
headers, so ``pdfplumber``'s ``find_tables`` finds them), 第三部分 情况说明 and 第四部分 名词解释.
The text uses reportlab's built-in CID font ``STSong-Light`` (Adobe-GB1; no font file needed),
which pdfplumber extracts as ordinary Unicode. Output is byte-for-byte deterministic.

Modules: :mod:`~ingest.samples.data` (the figures and the content types),
:mod:`~ingest.samples.content` (the tables, identities by construction),
:mod:`~ingest.samples.narrative` (the text and its truth), :mod:`~ingest.samples.document`
(the whole report before layout), :mod:`~ingest.samples.render` (pages, with reportlab) and
:mod:`~ingest.samples.truth` (what tests are told). Nothing in :mod:`ingest` reading reports
imports this package.
"""

from __future__ import annotations

import json
from pathlib import Path

from ingest.model import KIND_FINAL
from ingest.samples.data import OFFICES, NarrativeFact, NarrativeLink, Planted, TableFact
from ingest.samples.document import build_document
from ingest.samples.render import render_pdf
from ingest.samples.truth import SampleReport, SampleRow, SampleTable, load_truth

__all__ = [
    "NarrativeFact", "NarrativeLink", "Planted", "SampleReport", "SampleRow", "SampleTable", "TableFact",
    "generate_sample_reports", "load_truth",
]


def generate_sample_reports(out_dir: Path) -> list[SampleReport]:
    """Write the sample PDFs and their ``.truth.json`` files into ``out_dir`` (created if missing).

    Files are overwritten; the same bytes are written on every run.

    Returns:
        One :class:`SampleReport` per PDF, in a fixed order.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    reports = []
    for office in OFFICES:
        doc = build_document(office)
        path = out_dir / f"{office.stem}.pdf"
        tables, page_count = render_pdf(path, doc)
        report = SampleReport(
            path=path, truth_path=out_dir / f"{office.stem}.truth.json", title=doc.title,
            unit_name=office.unit_name, short_names=office.short_names, region=office.region,
            year=office.year,
            kind=KIND_FINAL, scope=office.scope, amount_unit=office.unit, page_count=page_count,
            tables=tuple(tables), facts=tuple(f for t in doc.tables for f in t.facts),
            narrative=tuple(doc.narrative), links=tuple(doc.links), planted=tuple(doc.planted))
        report.truth_path.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n",
                                     encoding="utf-8")
        reports.append(report)
    return reports
