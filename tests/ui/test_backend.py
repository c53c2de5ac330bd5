"""The chat page's logic without a browser: scoping, example questions, answer text, ingest
outcomes, and the shared backend with a fake engine."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ingest.model import Report
from ingest.pipeline import STATUS_FAILED, IngestOutcome
from ingest.settings import Settings
from ingest.store import ReportRecord
from qa.model import STATUS_ANSWERED, STATUS_UNANSWERABLE, Answer, Citation
from ui.backend import (
    Backend,
    answer_markdown,
    citation_choice,
    example_questions,
    outcome_line,
    report_rows,
    scoped_question,
    short_name,
)


def _record(unit: str, short: tuple[str, ...], year: int | None, rid: str = "r1") -> ReportRecord:
    report = Report(report_id=rid, source_file=f"{rid}.pdf", title="", unit_name=unit, short_names=short, region="",
                    fiscal_year=year, kind="决算", scope="部门", page_count=18, line_count=None, source_format="pdf")  # fmt: skip
    return ReportRecord(report=report, source_path="", tables_found=9, standard_found=("a",) * 9, standard_missing=(),
                        checks_pass=171, checks_fail=0, checks_rounding=2, facts=291, warnings=(), ingested_at="")  # fmt: skip


QINGSHAN = _record(
    "青山市人民政府办公室", ("青山市府办", "青山市政府办", "青山市人民政府办", "青山市政府办公室"), 2024
)
LVSHUI = _record("绿水县财政局", (), 2023, "r2")
CITATION = Citation(report_id="r1", file="qingshan_gov_office_2024.pdf", unit_name="青山市人民政府办公室", year=2024,
                    page=11, table="公开06表 一般公共预算财政拨款基本支出决算表", row="公用经费 30217 公务接待费",
                    column="决算数", quote="3.46", bbox=(1.0, 2.0, 3.0, 4.0))  # fmt: skip


def test_short_names_and_example_questions_come_from_the_reports() -> None:
    assert short_name(QINGSHAN) == "青山市政府办" and short_name(LVSHUI) == "绿水县财政局"
    questions = example_questions([QINGSHAN, LVSHUI])
    assert questions[:2] == ["青山市政府办2024年公务接待费是多少？", "绿水县财政局2023年公务接待费是多少？"]
    assert len(questions) == 6 and len(set(questions)) == 6
    assert example_questions([]) == []


def test_filters_scope_questions_that_name_no_unit_or_year() -> None:
    records = [QINGSHAN, LVSHUI]
    assert (
        scoped_question(" 公务接待费是多少？", "青山市人民政府办公室", 2024, records)
        == "青山市政府办2024年公务接待费是多少？"
    )
    assert (
        scoped_question("绿水县财政局2023年公务接待费？", "青山市人民政府办公室", 2024, records)
        == "绿水县财政局2023年公务接待费？"
    )
    assert scoped_question("公务接待费？", None, 2023, records) == "2023年公务接待费？"
    assert (
        scoped_question("青山市府办的公务接待费？", "绿水县财政局", None, records)
        == "青山市府办的公务接待费？"
    )


def test_answer_text_numbers_every_source_with_its_place() -> None:
    answer = Answer("q", STATUS_ANSWERED, "3.46万元。", value=Decimal("3.46"), unit="万元", formula="5.00 − 3.46 = 1.54",
                    citations=(CITATION, CITATION))  # fmt: skip
    text = answer_markdown(answer, asked_as="青山市政府办2024年公务接待费？")
    assert "按筛选条件提问" in text and "计算：5.00 − 3.46 = 1.54" in text
    assert "**[1]**" in text and "**[2]**" in text
    for part in (
        "qingshan\\_gov\\_office\\_2024.pdf",
        "第11页",
        "公开06表",
        "行：公用经费 30217 公务接待费",
        "列：决算数",
        "「3.46」",
    ):
        assert part in text, part
    refused = answer_markdown(Answer("q", STATUS_UNANSWERABLE, "报告中没有这个数。"))
    assert refused.startswith("**无法回答：**") and "来源" not in refused
    assert citation_choice(1, CITATION) == "[1] 第11页 · 公开06表 · 公用经费 30217 公务接待费 · 决算数"


def test_ingest_outcomes_say_what_was_found_or_what_went_wrong() -> None:
    failed = IngestOutcome(
        "/tmp/upload/abc/bad.pdf", STATUS_FAILED, error="/tmp/upload/abc/bad.pdf: PDF 已加密"
    )
    line = outcome_line(failed)
    assert line.startswith("✗ **bad.pdf**") and "已加密" in line and "/tmp/upload" not in line
    assert report_rows([QINGSHAN])[0] == [
        "青山市人民政府办公室",
        2024,
        "决算（部门）",
        "r1.pdf",
        "18页",
        9,
        9,
        171,
        2,
        0,
        "r1",
    ]


class FakeEngine:
    """Records the questions it gets; answers with one fixed citation."""

    built = 0

    def __init__(self, library: Any) -> None:
        FakeEngine.built += 1
        self.questions: list[str] = []

    def ask(self, question: str) -> Answer:
        self.questions.append(question)
        return Answer(question, STATUS_ANSWERED, "3.46万元。", citations=(CITATION,))


def test_backend_scopes_questions_and_rebuilds_the_engine_after_ingest(
    tmp_path: Path, sample_paths: list[Path]
) -> None:
    backend = Backend(Settings(home=tmp_path), engine_factory=FakeEngine)
    try:
        before = FakeEngine.built
        answer, asked = backend.ask("公务接待费是多少？", None, 2024)
        assert asked == "2024年公务接待费是多少？" and answer.question == asked
        assert backend.ask("青山市政府办2024年公务接待费是多少？")[1] is None
        assert FakeEngine.built == before + 1  # one engine for every question
        bad = tmp_path / "notes.pdf"
        bad.write_bytes(b"not a pdf at all")
        seen: list[str] = []
        outcomes = backend.ingest([bad, sample_paths[0]], on_file=lambda i, p: seen.append(p.name))
        assert seen == ["notes.pdf", sample_paths[0].name]
        assert [o.ok for o in outcomes] == [False, True] and "notes.pdf" in outcome_line(outcomes[0])
        assert [r.report.source_file for r in backend.records()] == [sample_paths[0].name]
        backend.ask("公务接待费？")
        assert FakeEngine.built == before + 2  # new reports: the engine is rebuilt
    finally:
        backend.close()


def test_backend_writes_the_cited_table_as_csv(tmp_path: Path, sample_paths: list[Path]) -> None:
    from ingest.pipeline import Ingestor
    from ingest.store import FactStore

    settings = Settings(home=tmp_path)
    with FactStore(settings.db_path) as store:
        outcome = Ingestor(settings, store=store).ingest(sample_paths[0])
        assert outcome.report is not None
        fact = next(f for f in store.facts(outcome.report.report_id, "three_public") if f.bbox)
    citation = Citation(report_id=fact.report_id, file="x.pdf", unit_name="", year=None, page=fact.page,
                        table=f"{fact.table_no} {fact.table_title}", row="", column=fact.column, quote=fact.text,
                        bbox=fact.bbox)  # fmt: skip
    backend = Backend(settings, engine_factory=FakeEngine)
    try:
        evidence = backend.evidence(citation)
        path = backend.csv_file(evidence)
        assert path is not None and path.name == f"{fact.report_id}_{fact.table_no}.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read it as UTF-8
        assert str(fact.value) in path.read_text(encoding="utf-8-sig")
    finally:
        backend.close()
    assert not path.exists()  # temporary files go with the backend


def test_the_page_builds_with_a_fake_engine(tmp_path: Path) -> None:
    gradio = pytest.importorskip("gradio")
    from ui.web import build_app

    backend = Backend(Settings(home=tmp_path), engine_factory=FakeEngine)
    try:
        assert isinstance(build_app(backend), gradio.Blocks)
    finally:
        backend.close()


def test_demo_example_questions_all_answer_with_citations(sample_home) -> None:  # type: ignore[no-untyped-def]
    """What a new user sees after `make demo`: every example question is answered, with sources."""
    from ingest.settings import Settings
    from index.library import Library
    from qa.engine import QAEngine

    with Library(Settings(home=sample_home)) as library:
        engine = QAEngine(library)
        questions = example_questions(library.facts.reports())
        assert len(questions) >= 4
        for question in questions:
            answer = engine.ask(question)
            assert answer.status == "answered", (question, answer.answer)
            assert answer.citations and answer.citations[0].page, question
            assert answer.value is not None, question
