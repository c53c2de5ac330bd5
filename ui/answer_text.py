"""The Chinese the chat page shows: answers with their numbered sources, source labels,
ingest outcomes, the report list, and how filters and candidate reports scope a question.

No web framework here; :mod:`ui.web_chat` and :mod:`ui.web_library` put the text on the page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ingest.pipeline import STATUS_DUPLICATE, STATUS_FAILED, STATUS_UNCHANGED, IngestOutcome
from ingest.store import ReportRecord
from qa.model import STATUS_AMBIGUOUS, STATUS_UNANSWERABLE, Answer, Candidate, Citation
from ui.evidence import describe

REPORT_HEADERS = ["单位", "年度", "类型", "文件", "页数/行数", "识别表", "标准表/9", "校验通过", "舍入差", "未通过", "报告编号"]  # fmt: skip

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")
_YEAR = re.compile(r"(19|20)\d\d")


def md_escape(text: str) -> str:
    """Text safe to put into Markdown (no emphasis, links or HTML by accident)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


# ---- names and scoping ----------------------------------------------------------------------


def short_name(record: ReportRecord) -> str:
    """The name people would type for a unit: a short name of up to 6 characters, else the full name."""
    names = [n for n in record.report.short_names if n]
    fitting = [n for n in names if len(n) <= 6]
    if fitting:
        return max(fitting, key=len)
    return min(names, key=len) if names else record.report.unit_name


def scoped_question(
    question: str, unit: str | None, year: int | None, records: Sequence[ReportRecord]
) -> str:
    """The question with the chosen unit and year added when it names none itself.

    A question that names an ingested unit (full or short name) keeps it; a question
    that names a year keeps it.
    """
    question = question.strip()
    prefix = ""
    if unit:
        names = {n for r in records for n in (r.report.unit_name, *r.report.short_names) if n}
        if not any(n in question for n in names):
            record = next((r for r in records if r.report.unit_name == unit), None)
            prefix += short_name(record) if record else unit
    if year and not _YEAR.search(question):
        prefix += f"{year}年"
    return prefix + question


def _without_names(question: str, records: Sequence[ReportRecord]) -> str:
    names = sorted({n for r in records for n in (r.report.unit_name, *r.report.short_names) if n}, key=len)
    for name in reversed(names):  # longest first
        question = question.replace(name, "")
    return re.sub(r"(?:19|20)\d\d\s*年度?", "", question).lstrip("的，, ")


def candidate_question(question: str, candidate: Candidate, records: Sequence[ReportRecord]) -> str:
    """The question asked again about one candidate report of an ambiguous answer.

    The unit and year the question named (if any) give way to the candidate's; when two
    candidates share unit and year, the report's scope (部门/单位) and kind say which.
    """
    record = next((r for r in records if r.report.report_id == candidate.report_id), None)
    unit = short_name(record) if record else candidate.unit_name
    same = [
        r
        for r in records
        if r.report.unit_name == candidate.unit_name and r.report.fiscal_year == candidate.year
    ]
    year = f"{candidate.year}年" if candidate.year else ""
    which = ""
    if len(same) > 1 and record is not None:
        which = f"{record.report.scope}{record.report.kind}" if record.report.scope else record.report.kind
    return f"{unit}{year}{which}{_without_names(question, records)}"


def candidate_label(candidate: Candidate, records: Sequence[ReportRecord]) -> str:
    """``青山市人民政府办公室 2024年 决算（部门）``: a candidate report as a button says it."""
    record = next((r for r in records if r.report.report_id == candidate.report_id), None)
    scope = f"（{record.report.scope}）" if record is not None and record.report.scope else ""
    year = f" {candidate.year}年" if candidate.year else ""
    return f"{candidate.unit_name}{year} {candidate.kind}{scope}"


# ---- answers ----------------------------------------------------------------------------------------


def _badge(answer: Answer) -> str:
    """``**无法回答：**`` or ``**需要澄清：**``, unless the answer's text already says so."""
    text = answer.answer
    if answer.status == STATUS_AMBIGUOUS and not re.match(r"\s*需(?:要)?澄清", text):
        return "**需要澄清：** "
    if answer.status == STATUS_UNANSWERABLE and "无法回答" not in text and "无法给出" not in text:
        return "**无法回答：** "
    return ""


def _emphasise_lead(text: str) -> str:
    """``需澄清：…`` / ``无法给出…：…``: the engine's own lead word in bold, said once."""
    m = re.match(r"(需(?:要)?澄清：)", text)
    return f"**{m.group(1)}** {text[m.end() :]}" if m else text


def answer_markdown(answer: Answer, asked_as: str | None = None, plain: bool = False) -> str:
    """An answer as the chat shows it: how the question was read, the answer, the formula,
    then the numbered sources.

    Args:
        answer: the engine's answer.
        asked_as: the question as sent to the engine when it differs from the typed one
            (filters, conversation context).
        plain: a reply that is not an answer (small talk): no "无法回答" badge.
    """
    parts = []
    understood = answer.asked_as or asked_as
    if understood:
        parts.append(f"*按此理解：{md_escape(understood)}*")
    badge = "" if plain else _badge(answer)
    parts.append(badge + _emphasise_lead(md_escape(answer.answer)))
    if answer.formula and answer.formula not in answer.answer:
        parts.append(f"计算：{md_escape(answer.formula)}")
    if answer.candidates:
        parts.append("请点选下面的报告按钮，按那份报告重新回答。")
    if answer.citations:
        lines = [
            f"**[{i}]** {md_escape(describe(c))} · 原文「{md_escape(c.quote)}」"
            for i, c in enumerate(answer.citations, 1)
        ]
        parts.append("**来源**（在“证据”中点选编号，查看原表和原页）：\n\n" + "\n\n".join(lines))
    return "\n\n".join(parts)


def citation_choice(number: int, citation: Citation) -> str:
    """Short label of a source for the source picker: ``[1] 第11页 · 公开06表 · 30217 公务接待费 · 决算数``."""
    where = (
        f"第{citation.page}页"
        if citation.page
        else (f"第{citation.line}行" if citation.line else citation.file)
    )
    table = citation.table.split(" ")[0] if citation.table else ""
    row = citation.row.split(" > ")[-1] if citation.row else ""
    parts = [where, table, row, citation.column]
    return f"[{number}] " + " · ".join(p for p in parts if p)


# ---- the library -----------------------------------------------------------------------------------


def outcome_line(outcome: IngestOutcome) -> str:
    """One line per uploaded file: what was found, or what went wrong and what to do."""
    name = Path(outcome.path).name
    if outcome.status == STATUS_FAILED:
        error = (outcome.error or "未知错误").replace(str(outcome.path), name)
        if error.startswith((f"{name}:", f"{name}：")):
            error = error[len(name) + 1 :].strip()
        error = chinese_only(error)
        return f"✗ **{md_escape(name)}**：导入失败 — {md_escape(error)}"
    r = outcome.report
    assert r is not None
    what = f"{r.unit_name or '未识别单位'} {r.fiscal_year or '未识别年度'} {r.kind}{f'（{r.scope}）' if r.scope else ''}"
    state = "已导入"
    if outcome.status == STATUS_UNCHANGED:
        state = "已导入过（内容相同，未重复导入）"
    elif outcome.status == STATUS_DUPLICATE:
        state = "与已导入的另一个文件内容完全相同，未重复存储"
    if outcome.replaced:
        state += f"，替换旧版本 {', '.join(outcome.replaced)}"
    return (
        f"✓ **{md_escape(name)}**：{state} · {md_escape(what)} · 识别表格 {outcome.tables} 张"
        f"（标准表 {len(outcome.standard_found)}/9）· 数字 {outcome.facts} 个 · 勾稽校验 通过 {outcome.checks_pass}"
        f"，舍入差异 {outcome.checks_rounding}，未通过 {outcome.checks_fail}"
        + "".join(f" · ⚠ {md_escape(chinese_only(note))}" for note in outcome.notes)
    )


_CJK = re.compile(r"[\u4e00-\u9fff]")
_ENGLISH = re.compile(r"[A-Za-z]{3,}")


def chinese_only(message: str) -> str:
    """The Chinese of a message that says things in Chinese and English.

    Ingest errors read ``<file>: <problem> — 中文说明 / English hint``; the page shows the
    Chinese: of each `` — `` part, the Chinese half of ``中文 / English``, and an English-only
    part is left out when a Chinese part says what to do. A message without Chinese is kept.
    """
    if not _CJK.search(message):
        return message
    kept = []
    for part in message.split(" — "):
        halves = [h for h in part.split(" / ") if _CJK.search(h) or not _ENGLISH.search(h)]
        text = " / ".join(halves).strip()
        if text and (_CJK.search(text) or not _ENGLISH.search(text)):
            if kept and kept[-1] in text:
                kept.pop()  # "文件为空 — 文件为空，请检查…": said once
            kept.append(text)
    return " — ".join(kept) or message


def report_rows(records: Sequence[ReportRecord]) -> list[list[Any]]:
    """The report list, one row per report (see :data:`REPORT_HEADERS`)."""
    rows = []
    for rec in records:
        r = rec.report
        size = f"{r.page_count}页" if r.page_count else (f"{r.line_count}行" if r.line_count else "")
        kind = f"{r.kind}（{r.scope}）" if r.scope else r.kind
        rows.append([r.unit_name, r.fiscal_year or "", kind, r.source_file, size, rec.tables_found,
                     len(rec.standard_found), rec.checks_pass, rec.checks_rounding, rec.checks_fail, r.report_id])  # fmt: skip
    return rows
