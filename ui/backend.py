"""What the chat page does, without the web framework: ask, ingest, list, show evidence.

One :class:`Backend` serves every browser session of a server. It owns the library and the
QA engine (shared, read-mostly, guarded by a lock); everything that belongs to a user — the
conversation, the answers, which source is open — lives in that user's session state in
:mod:`ui.web`, never here. The text helpers turn answers, citations and ingest outcomes
into the Chinese the page shows.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from ingest.pipeline import STATUS_FAILED, STATUS_UNCHANGED, IngestOutcome
from ingest.settings import Settings
from ingest.store import FactStore, ReportRecord
from qa.model import STATUS_AMBIGUOUS, STATUS_UNANSWERABLE, Answer, Citation
from ui.evidence import Evidence, build_evidence, describe

log = logging.getLogger(__name__)

EXAMPLE_TOPICS = ("公务接待费", "“三公”经费合计", "基本支出")
"""Figures every 预算/决算 report prints (the 三公 table and the expenditure tables)."""
MAX_EXAMPLES = 8
REPORT_HEADERS = ["单位", "年度", "类型", "文件", "页数/行数", "识别表", "标准表/9", "校验通过", "舍入差", "未通过", "报告编号"]  # fmt: skip


class Engine(Protocol):
    """What the page needs of a QA engine (``qa.engine.QAEngine``)."""

    def ask(self, question: str) -> Answer: ...


def real_engine(library: Any) -> Engine:
    """The QA engine over ``library`` (imported lazily: it loads the question parsers), with the
    LLM its settings configure (``llm_base_url``), if any."""
    from qa.engine import QAEngine

    llm = None
    if library.settings.llm_base_url.strip():
        from qa.llm import make_llm

        llm = make_llm(library.settings)
    return QAEngine(library, llm=llm)


# ---- names and questions -----------------------------------------------------------------


def short_name(record: ReportRecord) -> str:
    """The name people would type for a unit: a short name of up to 6 characters, else the full name."""
    names = [n for n in record.report.short_names if n]
    fitting = [n for n in names if len(n) <= 6]
    if fitting:
        return max(fitting, key=len)
    return min(names, key=len) if names else record.report.unit_name


def example_questions(records: Sequence[ReportRecord], limit: int = MAX_EXAMPLES) -> list[str]:
    """Questions that work on these reports: ``<unit short name><year>年<figure>是多少？``."""
    out: list[str] = []
    for topic in EXAMPLE_TOPICS:
        for record in records:
            if not record.report.unit_name:
                continue
            year = f"{record.report.fiscal_year}年" if record.report.fiscal_year else ""
            question = f"{short_name(record)}{year}{topic}是多少？"
            if question not in out:
                out.append(question)
    return out[:limit]


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
    if year and not re.search(r"(19|20)\d\d", question):
        prefix += f"{year}年"
    return prefix + question


# ---- text for the page -------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def md_escape(text: str) -> str:
    """Text safe to put into Markdown (no emphasis, links or HTML by accident)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def answer_markdown(answer: Answer, asked_as: str | None = None) -> str:
    """An answer as the chat shows it: the answer, the formula, then the numbered sources."""
    parts = []
    if asked_as:
        parts.append(f"*按筛选条件提问：{md_escape(asked_as)}*")
    badge = {STATUS_AMBIGUOUS: "**需要澄清：** ", STATUS_UNANSWERABLE: "**无法回答：** "}.get(
        answer.status, ""
    )
    parts.append(badge + md_escape(answer.answer))
    if answer.formula and answer.formula not in answer.answer:
        parts.append(f"计算：{md_escape(answer.formula)}")
    if answer.candidates:
        names = "；".join(f"{c.unit_name} {c.year or ''} {c.kind}（{c.file}）" for c in answer.candidates)
        parts.append(f"可能指的报告：{md_escape(names)}")
    if answer.citations:
        lines = [
            f"**[{i}]** {md_escape(describe(c))} · 原文「{md_escape(c.quote)}」"
            for i, c in enumerate(answer.citations, 1)
        ]
        parts.append("**来源**（在右侧“证据”中点选编号，查看原表和原页）：\n\n" + "\n\n".join(lines))
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


def outcome_line(outcome: IngestOutcome) -> str:
    """One line per uploaded file: what was found, or what went wrong and what to do."""
    name = Path(outcome.path).name
    if outcome.status == STATUS_FAILED:
        error = (outcome.error or "未知错误").replace(str(outcome.path), name)
        return f"✗ **{md_escape(name)}**：导入失败 — {md_escape(error)}"
    r = outcome.report
    assert r is not None
    what = f"{r.unit_name or '未识别单位'} {r.fiscal_year or '未识别年度'} {r.kind}{f'（{r.scope}）' if r.scope else ''}"
    state = "已导入过（内容相同，未重复导入）" if outcome.status == STATUS_UNCHANGED else "已导入"
    if outcome.replaced:
        state += f"，替换旧版本 {', '.join(outcome.replaced)}"
    return (
        f"✓ **{md_escape(name)}**：{state} · {md_escape(what)} · 识别表格 {outcome.tables} 张"
        f"（标准表 {len(outcome.standard_found)}/9）· 数字 {outcome.facts} 个 · 勾稽校验 通过 {outcome.checks_pass}"
        f"，舍入差异 {outcome.checks_rounding}，未通过 {outcome.checks_fail}"
    )


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


# ---- the shared backend ---------------------------------------------------------------------------


class Backend:
    """The library and QA engine behind every session of one server.

    Args:
        settings: where the reports are (``home``) and which embedder indexes them.
        engine_factory: builds the engine over a :class:`index.library.Library`
            (tests pass a fake; the default is :func:`real_engine`).
    """

    def __init__(self, settings: Settings, engine_factory: Callable[[Any], Engine] | None = None) -> None:
        self.settings = settings
        self._engine_factory = engine_factory or real_engine
        self._lock = threading.RLock()
        self._library: Any = None
        self._engine: Engine | None = None
        self._tmp = Path(tempfile.mkdtemp(prefix="budgetqa-web-"))

    # ---- shared objects ------------------------------------------------------------

    def _get_library(self) -> Any:
        if self._library is None:
            from index.library import Library

            self._library = Library(self.settings)
        return self._library

    def _get_engine(self) -> Engine:
        if self._engine is None:
            self._engine = self._engine_factory(self._get_library())
        return self._engine

    def warm(self) -> None:
        """Open the library and engine now, so the first question is answered quickly."""
        if not self.records():
            return  # nothing to load yet
        with self._lock:
            engine = self._get_engine()
            warm = getattr(engine, "warm", None)
            if callable(warm):
                warm()

    def close(self) -> None:
        with self._lock:
            if self._library is not None:
                self._library.close()
            self._library = self._engine = None
        shutil.rmtree(self._tmp, ignore_errors=True)

    # ---- reading (own connection: never waits for an ingest) -------------------------------

    def records(self) -> list[ReportRecord]:
        """The ingested reports, by unit and year."""
        with FactStore(self.settings.db_path) as store:
            return store.reports()

    def evidence(self, citation: Citation) -> Evidence:
        """The table, passage, page image and CSV for a citation (see :func:`ui.evidence.build_evidence`)."""
        with FactStore(self.settings.db_path) as store:
            return build_evidence(store, self.settings.files_dir, citation)

    def csv_file(self, evidence: Evidence) -> Path | None:
        """Write the evidence's table CSV (UTF-8 with BOM, for spreadsheets) to a fresh file."""
        if evidence.csv_text is None or evidence.csv_name is None:
            return None
        folder = self._tmp / uuid.uuid4().hex
        folder.mkdir(parents=True)
        path = folder / evidence.csv_name
        path.write_text(evidence.csv_text, encoding="utf-8-sig")
        return path

    # ---- asking and ingesting (shared engine: one at a time) ----------------------------------

    def ask(
        self, question: str, unit: str | None = None, year: int | None = None
    ) -> tuple[Answer, str | None]:
        """Answer a question, scoped by the optional unit and year filters.

        Returns:
            The answer, and the question as sent to the engine when the filters changed it.
        """
        asked = scoped_question(question, unit, year, self.records()) if unit or year else question.strip()
        with self._lock:
            answer = self._get_engine().ask(asked)
        return answer, (asked if asked != question.strip() else None)

    def ingest(
        self, paths: Sequence[Path], on_file: Callable[[int, Path], None] | None = None
    ) -> list[IngestOutcome]:
        """Ingest uploaded files one by one; a file that fails does not stop the others.

        Args:
            paths: the uploaded files (their names are kept as the reports' file names).
            on_file: called with ``(index, path)`` before each file, for progress.
        """
        outcomes: list[IngestOutcome] = []
        with self._lock:
            library = self._get_library()
            for i, path in enumerate(paths):
                if on_file is not None:
                    on_file(i, path)
                try:
                    outcomes.append(library.ingest(Path(path)))
                except Exception as exc:  # every other file must still be ingested
                    log.exception("ingest of %s failed", path)
                    outcomes.append(
                        IngestOutcome(str(path), STATUS_FAILED, error=f"{Path(path).name}: {exc}")
                    )
            library.refresh()
            if any(o.ok and o.status != STATUS_UNCHANGED for o in outcomes):
                self._engine = None  # the engine caches the report list: rebuild it on the next question
        return outcomes
