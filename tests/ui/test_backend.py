"""The chat page's logic without a browser: scoping, example questions, answer text, ingest
outcomes, and the shared backend with a fake engine."""

from __future__ import annotations

import re
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ingest.model import Report
from ingest.pipeline import STATUS_FAILED, IngestOutcome
from ingest.settings import Settings
from ingest.store import ReportRecord
from qa.model import STATUS_AMBIGUOUS, STATUS_ANSWERED, STATUS_UNANSWERABLE, Answer, Candidate, Citation
from ui.backend import (
    Backend,
    answer_markdown,
    citation_choice,
    example_questions,
    md_escape,
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
    assert "按此理解" in text and "计算：5.00 − 3.46 = 1.54" in text
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
    said = answer_markdown(
        Answer("q", STATUS_UNANSWERABLE, "报告中没有找到这个问题要的内容（未披露），无法回答。")
    )
    assert said.count("无法回答") == 1  # said once, not "无法回答： … 无法回答。"
    unclear = answer_markdown(Answer("q", STATUS_AMBIGUOUS, "需澄清：问题没有指明单位，有多份报告符合。"))
    assert "需要澄清" not in unclear and unclear.count("澄清") == 1
    assert citation_choice(1, CITATION) == "[1] 第11页 · 公开06表 · 公用经费 30217 公务接待费 · 决算数"


def test_ingest_outcomes_say_what_was_found_or_what_went_wrong() -> None:
    failed = IngestOutcome(
        "/tmp/upload/abc/bad.pdf", STATUS_FAILED, error="/tmp/upload/abc/bad.pdf: PDF 已加密"
    )
    line = outcome_line(failed)
    assert line.startswith("✗ **bad.pdf**") and "已加密" in line and "/tmp/upload" not in line
    bilingual = IngestOutcome("/tmp/u/纪要.txt", STATUS_FAILED, error="/tmp/u/纪要.txt: no issuing unit found — "
                              "未找到编制单位和预决算报表，这似乎不是预算/决算公开报告 / no issuing unit: not a budget report?")  # fmt: skip
    line = outcome_line(bilingual)
    assert "未找到编制单位" in line and not re.search(r"[A-Za-z]{3,}", line.replace(".txt", "")), line
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
        reply = backend.ask("公务接待费是多少？", None, 2024)
        assert reply.asked_as == "2024年公务接待费是多少？" and reply.answer.question == reply.asked_as
        assert backend.ask("青山市政府办2024年公务接待费是多少？").asked_as is None
        assert FakeEngine.built == before + 1  # one engine for every question
        bad = tmp_path / "notes.pdf"
        bad.write_bytes(b"not a pdf at all")
        seen: list[str] = []
        outcomes = backend.ingest([bad, sample_paths[0]], on_file=lambda i, p: seen.append(p.name))
        assert seen == ["notes.pdf", sample_paths[0].name]
        assert [o.ok for o in outcomes] == [False, True] and "notes.pdf" in outcome_line(outcomes[0])
        assert [r.report.source_file for r in backend.records()] == [sample_paths[0].name]
        assert FakeEngine.built == before + 2  # a new report: a new engine, built before the ingest ends
        backend.ask("公务接待费？")
        assert FakeEngine.built == before + 2
    finally:
        backend.close()


def test_backend_writes_the_cited_table_as_csv(tmp_path: Path, sample_paths: list[Path]) -> None:
    from ingest.pipeline import Ingestor
    from ingest.store import FactStore
    from ui.evidence import build_evidence

    settings = Settings(home=tmp_path)
    with FactStore(settings.db_path) as store:
        outcome = Ingestor(settings, store=store).ingest(sample_paths[0])
        assert outcome.report is not None
        fact = next(f for f in store.facts(outcome.report.report_id, "three_public") if f.bbox)
    citation = Citation(report_id=fact.report_id, file="x.pdf", unit_name="青山市人民政府办公室", year=2024, page=fact.page,
                        table=f"{fact.table_no} {fact.table_title}", row="", column=fact.column, quote=fact.text,
                        bbox=fact.bbox)  # fmt: skip
    backend = Backend(settings, engine_factory=FakeEngine)
    try:
        backend.engine()
        evidence = backend.evidence(citation)
        # built once per citation and engine generation, the same as built afresh
        assert backend.evidence(citation) is evidence
        with FactStore(settings.db_path) as store:
            fresh = build_evidence(store, settings.files_dir, citation)
        assert (fresh.title, fresh.table_html, fresh.csv_text) == (evidence.title, evidence.table_html, evidence.csv_text)
        path = backend.csv_file(evidence, citation)
        assert path is not None and path.name.startswith(f"青山市人民政府办公室_2024_{fact.table_no}_")
        assert path.name.endswith("经费支出决算表.csv"), path.name
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


def test_removal_controls_are_not_on_a_read_only_page(tmp_path: Path) -> None:
    pytest.importorskip("gradio")
    from ui.web import build_app
    from ui.web_auth import load_credentials

    backend = Backend(Settings(home=tmp_path), engine_factory=FakeEngine)
    try:
        for options, shown in [({"read_only": True}, False), ({}, True),
                               ({"credentials": load_credentials(None, "wang:pw")}, True)]:  # fmt: skip
            components = build_app(backend, **options).get_config_file()["components"]
            props = {c.get("props", {}).get("elem_id"): c.get("props", {}) for c in components}
            assert ("bq-remove-confirm" in props) == shown, options
            if "credentials" in options:  # behind the login, like the upload controls
                assert props["bq-remove"]["visible"] is False and props["bq-upload"] is not None
    finally:
        backend.close()


def test_demo_example_questions_all_answer_with_citations(sample_home) -> None:  # type: ignore[no-untyped-def]
    """What a new user sees after `make demo`: every example question is answered, with sources."""
    from index.library import Library
    from ingest.settings import Settings
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


def test_example_questions_are_of_several_kinds_and_answered(sample_home) -> None:  # type: ignore[no-untyped-def]
    from index.library import Library
    from qa.engine import QAEngine
    from ui.examples import validated_examples

    with Library(Settings(home=sample_home)) as library:
        engine = QAEngine(library)
        examples = validated_examples(library.facts.reports(), engine)
        assert len(examples) >= 6
        kinds = {
            "是多少": "lookup",
            "原因": "reason",
            "比上年": "change",
            "哪个多": "compare",
            "加起来等于": "add_up",
        }
        found = {kind for word, kind in kinds.items() if any(word in q for q in examples)}
        assert found == set(kinds.values()), examples
        for question in examples:
            assert engine.ask(question).status == STATUS_ANSWERED, question


def test_candidate_reports_become_questions_scoped_to_each() -> None:
    from ui.backend import candidate_label, candidate_question

    records = [QINGSHAN, LVSHUI]
    candidate = Candidate("r2", "绿水县财政局", 2023, "决算", "r2.pdf")
    assert (
        candidate_question("公务接待费是多少？", candidate, records) == "绿水县财政局2023年公务接待费是多少？"
    )
    assert candidate_question("青山市政府办2024年公务接待费是多少？", candidate, records) == (
        "绿水县财政局2023年公务接待费是多少？"
    )
    assert candidate_label(candidate, records) == "绿水县财政局 2023年 决算（部门）"


def test_clear_starts_a_new_conversation(sample_home: Path) -> None:
    backend = Backend(Settings(home=sample_home))
    try:
        session = backend.new_session()
        first = backend.ask("青山市政府办2024年公务接待费是多少？", session=session)
        session.answers.append(first.answer)
        follow = backend.ask("那“三公”经费合计呢？", session=session)
        assert follow.asked_as and "青山" in follow.asked_as  # a follow-up inherits the unit and year
        session.answers.append(follow.answer)
        session.messages.append({"role": "user", "content": "x"})
        session.clear()
        assert session.answers == [] and session.messages == [] and session.current == -1
        again = backend.ask("那“三公”经费合计呢？", session=session)
        assert again.asked_as is None  # nothing inherited after clearing
    finally:
        backend.close()


def test_greetings_and_nonsense_get_what_you_can_ask(sample_home: Path) -> None:
    backend = Backend(Settings(home=sample_home))
    try:
        for text in ("你好", "今天天气怎么样", "asdf 1234"):
            reply = backend.ask(text)
            assert reply.smalltalk and reply.answer.citations == () and reply.answer.value is None, text
            assert "可以这样问" in reply.answer.answer and not re.search(r"\d+\.\d\d", reply.answer.answer)
            assert "无法回答" not in answer_markdown(reply.answer, plain=True)
        assert not backend.ask("青山市政府办2024年公务接待费是多少？").smalltalk
    finally:
        backend.close()


def test_questions_are_answered_while_an_upload_is_ingested(
    tmp_path: Path, sample_home: Path, pdf_reports: dict[str, Path]
) -> None:
    """No lock shared with ingest: questions from several threads are answered during an
    upload. The ingest child commits the report and its keyword index first: it is answered
    while its vectors are still being made, and they are searched once written (the server's
    vector index follows the child's writes, no restart)."""
    import shutil

    from index.model import Filters

    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    backend = Backend(Settings(home=home))
    try:
        backend.warm()
        job = backend.start_ingest([pdf_reports["putuo_planning_2024_dept_final.pdf"]])
        during: list[str] = []

        def ask_until_done() -> None:
            while not job.done.is_set():
                answer = backend.ask("青山市政府办2024年公务接待费是多少？").answer
                if not job.done.is_set():
                    during.append(answer.status)
                time.sleep(0.05)

        threads = [threading.Thread(target=ask_until_done) for _ in range(4)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 300
        while not job.snapshot()[0].answerable and time.monotonic() < deadline:
            time.sleep(0.05)
        state = job.snapshot()[0]
        assert state.answerable and state.embedding and state.finished is None, state
        answer = backend.ask("普陀区规划和自然资源局2024年公务接待费是多少？").answer
        assert answer.status == STATUS_ANSWERED
        assert answer.citations[0].file == "putuo_planning_2024_dept_final.pdf"
        assert job.snapshot()[0].finished is None  # answered before the vectors were done
        for thread in threads:
            thread.join(timeout=300)
        assert job.done.is_set() and len(during) >= 8 and set(during) == {STATUS_ANSWERED}
        files = job.snapshot()
        assert files[0].answerable and files[0].outcome is not None and files[0].outcome.ok
        assert files[0].outcome.notes == ()
        answer = backend.ask("普陀区规划和自然资源局2024年公务接待费是多少？").answer
        assert (
            answer.status == STATUS_ANSWERED
            and answer.citations[0].file == "putuo_planning_2024_dept_final.pdf"
        )
        library = backend._build().library
        report_id = files[0].outcome.report.report_id
        chunk = next(c for c in library.chunks.all() if c.report_id == report_id)
        found = library.vector.search(chunk.text, k=1, filters=Filters(report_ids=(report_id,)))
        assert found and found[0][0] == chunk.chunk_id
    finally:
        backend.close()


def test_upload_progress_moves_through_stages(tmp_path: Path) -> None:
    from ui.ingest_jobs import IngestWorker
    from ui.web_library import progress_markdown

    release = threading.Event()
    stages_seen: list[str] = []

    def ingest_file(path: Path, on_stage: Any, on_stored: Any) -> IngestOutcome:
        on_stage("read", 3, 10)
        release.wait(5)
        on_stage("embed")
        return IngestOutcome(
            str(path), STATUS_FAILED, error=f"{path.name}: 文件为空 — 文件为空，请检查 / empty"
        )

    worker = IngestWorker(ingest_file, lambda outcome: None)
    try:
        job = worker.submit([tmp_path / "a.pdf", tmp_path / "b.pdf"])
        deadline = time.monotonic() + 5
        while job.snapshot()[0].done != 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        text = progress_markdown(job)
        stages_seen.append(job.snapshot()[0].stage)
        assert "读取，第 3/10 页" in text and "b.pdf**：排队中" in text and "已用" in text
        assert 0 < job.fraction() < 0.5
        release.set()
        assert job.done.wait(5)
        final = progress_markdown(job)
        assert "导入完成：成功 0 个，失败 2 个" in final and final.count("文件为空") == 2
    finally:
        worker.close()
    assert stages_seen == ["读取"]


def test_a_real_ingest_shows_the_page_its_stages_and_pages(tmp_path: Path, sample_paths: list[Path]) -> None:
    from index.library import Library
    from ui.ingest_jobs import IngestJob, IngestWorker
    from ui.web_library import progress_markdown

    holder: list[IngestJob] = []
    ready = threading.Event()
    seen: list[tuple[str, float, str]] = []

    with Library(Settings(home=tmp_path / "home")) as library:

        def ingest_file(path: Path, on_stage: Any, on_stored: Any) -> IngestOutcome:
            ready.wait(5)

            def tell(stage: str, done: int | None = None, total: int | None = None) -> None:
                on_stage(stage, done, total)
                seen.append((holder[0].snapshot()[0].stage, holder[0].fraction(), progress_markdown(holder[0])))

            outcome = library.ingest(path, on_stage=tell, embed=False)  # as the ingest child does
            on_stored(outcome)
            return library.embed_committed(outcome, tell)

        worker = IngestWorker(ingest_file, lambda outcome: None)
        try:
            holder.append(worker.submit([sample_paths[0]]))
            ready.set()
            assert holder[0].done.wait(120) and holder[0].outcomes()[0].ok
        finally:
            worker.close()
    names = list(dict.fromkeys(name for name, _, _ in seen))
    assert names == ["读取", "识别表格", "校验", "写入", "生成检索向量", "已存入"]
    embedding = [text for name, _, text in seen if name == "生成检索向量"]
    assert embedding and all("现在可以提问了；正在后台生成检索向量" in text for text in embedding)
    fractions = [fraction for _, fraction, _ in seen]
    assert fractions == sorted(fractions) and 0 < fractions[-1] < 1  # the bar only moves forward
    assert any(re.search(r"读取，第 \d+/\d+ 页", text) for _, _, text in seen)


def test_a_report_is_removed_from_the_page_as_with_budgetqa_remove(tmp_path: Path, sample_home: Path) -> None:
    import shutil

    from index.library import Library
    from ui.web_library import remove_report, report_choices

    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    backend = Backend(Settings(home=home), engine_factory=FakeEngine)
    try:
        choices = report_choices(backend)
        assert len(choices) == 2 and all(label.endswith(f"{rid[:8]}）") for label, rid in choices)
        label, gone = next((label, rid) for label, rid in choices if label.startswith("青山市人民政府办公室"))
        assert remove_report(backend, gone, allowed=False) == ("请先登录再删除报告。", False)
        assert remove_report(backend, None, allowed=True) == ("请先选择要删除的报告。", False)
        assert [rid for _, rid in report_choices(backend)].count(gone) == 1  # nothing removed yet
        message, removed = remove_report(backend, gone, allowed=True)
        assert removed and message == f"已删除：{md_escape(label)}。"
        assert [r.report.report_id for r in backend.records()] == [rid for _, rid in choices if rid != gone]
        assert not backend.remove(gone)  # gone already
        assert "没有这份报告" in remove_report(backend, gone, allowed=True)[0]
    finally:
        backend.close()
    with Library(Settings(home=home)) as library:  # every store, as after budgetqa remove
        state = library.check()
        assert state.ok and state.reports == 1 and state.chunks == state.vectors > 0
        assert gone not in {c.report_id for c in library.chunks.all()} and gone not in library.vector.report_ids()
        assert library.keyword.count() == state.chunks


def test_credentials_come_from_a_file_or_the_environment(tmp_path: Path) -> None:
    from ui.web_auth import AuthError, load_credentials

    assert load_credentials(None, None) is None
    path = tmp_path / "auth.txt"
    path.write_text("# editors\nwang:s3cret:x\n\nli:pw\n", encoding="utf-8")
    creds = load_credentials(path, "zhao:pw2")
    assert creds is not None
    assert creds.check("wang", "s3cret:x") and creds.check("zhao", "pw2") and creds.check("li", "pw")
    assert not creds.check("wang", "s3cret") and not creds.check("", "") and not creds.check("li", "PW")
    path.write_text("nocolon\n", encoding="utf-8")
    with pytest.raises(AuthError, match="第1行"):
        load_credentials(path)


def test_the_upload_route_needs_a_login_token() -> None:
    """UploadGate in front of a real ASGI app: uploads need a token issued by a login (none on a
    read-only page); tokens expire; other routes pass untouched."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from ui.web_auth import UPLOAD_COOKIE, UploadGate, UploadTokens

    async def stored(request: Any) -> PlainTextResponse:
        return PlainTextResponse("stored")

    routes = [Route("/gradio_api/upload", stored, methods=["POST"]), Route("/gradio_api/info", stored)]
    tokens = UploadTokens(ttl_s=60, limit=2)
    app = Starlette(routes=routes, middleware=[Middleware(UploadGate, tokens=tokens)])
    client = TestClient(app)
    files = {"files": ("x.txt", b"hello")}
    refused = client.post("/gradio_api/upload", files=files)
    assert refused.status_code == 403 and "登录" in refused.text
    token = tokens.issue()
    assert TestClient(app, cookies={UPLOAD_COOKIE: token}).post("/gradio_api/upload", files=files).text == "stored"
    assert TestClient(app, cookies={UPLOAD_COOKIE: "forged"}).post("/gradio_api/upload", files=files).status_code == 403
    assert client.get("/gradio_api/info").text == "stored"  # only the upload route is gated
    tokens.issue(), tokens.issue()  # limit 2: the oldest token is dropped
    assert not tokens.valid(token)
    expired = UploadTokens(ttl_s=0)
    assert not expired.valid(expired.issue()) and not expired.valid(None)
    read_only = TestClient(Starlette(routes=routes, middleware=[Middleware(UploadGate, tokens=None)]),
                           cookies={UPLOAD_COOKIE: token})  # fmt: skip
    assert read_only.post("/gradio_api/upload", files=files).status_code == 403
