"""The chat page in headless Chromium, against the real QA engine and a copy of the sample home.

Starts ``budgetqa serve`` on a free port of 127.0.0.1, asks questions, opens the evidence,
downloads a cited table, uploads a shared PDF (and a file that is not a report) and asks
about it. Screenshots go to ``$BUDGETQA_SCREENSHOTS`` or a temporary folder, printed at the
start (``pytest -s`` shows it). Skips only when Chromium is not installed.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
START_TIMEOUT = 120.0
ANSWER_TIMEOUT_MS = 30_000
INGEST_TIMEOUT_MS = 120_000
BOT = "#bq-chat [data-testid='bot']"
"""The assistant's messages in the chat."""


def _chromium() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chromium() -> str:
    path = _chromium()
    if path is None:
        pytest.skip(
            "Chromium is not installed (apt-get install chromium; `make test` tries): browser test skipped"
        )
    return path


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("BUDGETQA_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {folder}")
    return folder


@pytest.fixture(scope="module")
def server(chromium: str, sample_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``budgetqa serve`` over a copy of the sample home; yields its URL."""
    home = tmp_path_factory.mktemp("browser") / "home"
    shutil.copytree(sample_home, home)
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
    cmd = [
        sys.executable,
        "-m",
        "ui.cli",
        "--home",
        str(home),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(_free_port()),
    ]
    proc = subprocess.Popen(
        cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout or []], daemon=True).start()
    url, seen, deadline = None, [], time.monotonic() + START_TIMEOUT
    while url is None and time.monotonic() < deadline and proc.poll() is None:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        seen.append(line)
        if "running on:" in line:
            url = line.rsplit("running on:", 1)[1].strip()
    try:
        assert url and url.startswith("http://127.0.0.1:"), "server did not start:\n" + "".join(seen)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def page(browser: Any, server: str) -> Iterator[Any]:
    """One user's page; every request it makes is recorded in ``page.requests_made``."""
    context = browser.new_context(
        viewport={"width": 1440, "height": 1000}, accept_downloads=True, locale="zh-CN"
    )
    pg = context.new_page()
    pg.requests_made = []
    pg.on("request", lambda r: pg.requests_made.append(r.url))
    pg.goto(server)
    pg.wait_for_selector("#bq-examples button", timeout=ANSWER_TIMEOUT_MS)  # examples come from the reports
    yield pg
    context.close()


def _ask(page: Any, question: str, evidence: str = "#bq-evidence-table mark, #bq-evidence-passage mark") -> None:
    """Ask, wait for the answer and for ``evidence`` (a selector) to be shown."""
    answers = page.locator(BOT).count()
    page.fill("#bq-question textarea", question)
    page.click("#bq-ask")
    page.wait_for_function(
        f"n => document.querySelectorAll({BOT!r}).length > n"
        " && !document.querySelector('#bq-chat').innerText.includes('正在查找')",
        arg=answers, timeout=ANSWER_TIMEOUT_MS,
    )  # fmt: skip
    page.wait_for_selector(evidence, timeout=ANSWER_TIMEOUT_MS)
    page.wait_for_timeout(500)


def test_ask_see_cited_answer_and_evidence(page: Any, shots: Path, tmp_path: Path) -> None:
    page.screenshot(path=str(shots / "01_start.png"), full_page=True)
    examples = page.locator("#bq-examples button").all_inner_texts()
    assert any("青山市政府办2024年" in e for e in examples) and any(
        "绿水县财政局2023年" in e for e in examples
    )

    _ask(page, "青山市政府办2024年公务接待费是多少？")
    chat = page.inner_text("#bq-chat")
    assert "3.46万元" in chat and "[1]" in chat
    assert "qingshan_gov_office_2024_dept_final.pdf" in chat and "公务接待费" in chat
    assert re.search(r"第\d+页 · 公开0[69]表", chat)  # the file, page and table of the cited cell
    assert re.match(r"\[1\] 第\d+页", page.locator("#bq-sources label").first.inner_text())
    hit = page.locator("#bq-evidence-table td.bq-cell-hit mark")
    assert hit.inner_text() == "3.46" and hit.is_visible()  # printed in 公开06表 and 公开09表 alike
    assert (
        "公务接待费" in page.inner_text("#bq-evidence-table") and page.locator("tr.bq-row-hit").count() == 1
    )
    assert page.locator("#bq-page img").first.is_visible()
    page.screenshot(path=str(shots / "02_answer_with_table_and_page.png"), full_page=True)

    with page.expect_download() as download:
        page.click("#bq-csv")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".csv" and re.search(r"_公开0[69]表\.csv$", saved.name)
    assert "3.46" in saved.read_text(encoding="utf-8-sig")

    # a sentence, not a cell: wait until the evidence panel shows the passage (slow machines lag)
    _ask(page, "绿水县财政局2023年公务用车运行维护费增加的原因是什么？", evidence="#bq-evidence-passage mark")
    assert page.locator("#bq-evidence-passage mark").count() >= 1
    assert page.locator("#bq-page img").first.is_visible()
    page.screenshot(path=str(shots / "03_answer_with_passage.png"), full_page=True)

    page.locator("#bq-examples button").first.click()  # an example question is asked at once
    page.wait_for_function(
        f"() => document.querySelectorAll({BOT!r}).length >= 3"
        " && !document.querySelector('#bq-chat').innerText.includes('正在查找')",
        timeout=ANSWER_TIMEOUT_MS,
    )  # fmt: skip

    page.locator(BOT).first.click()  # back to the first answer: its sources and evidence again
    page.wait_for_function(
        "() => document.querySelector('#bq-evidence-table td.bq-cell-hit mark')?.innerText === '3.46'",
        timeout=ANSWER_TIMEOUT_MS,
    )
    assert re.match(r"\[1\] 第\d+页 · 公开0[69]表", page.locator("#bq-sources label").first.inner_text())


def test_sessions_do_not_share_the_conversation(page: Any, browser: Any, server: str) -> None:
    other = browser.new_context().new_page()
    try:
        other.goto(server)
        other.wait_for_selector("#bq-examples button", timeout=ANSWER_TIMEOUT_MS)
        assert "公务接待费是多少" not in other.inner_text("#bq-chat")
        assert other.locator("#bq-sources label").count() == 0
    finally:
        other.context.close()


def test_upload_a_shared_pdf_then_ask_about_it(
    page: Any, shots: Path, tmp_path: Path, pdf_reports: dict[str, Path]
) -> None:
    pdf = pdf_reports["putuo_planning_2024_dept_final.pdf"]
    not_a_report = tmp_path / "会议纪要.txt"
    not_a_report.write_text("今天开会，讨论了食堂的菜单。\n" * 5, encoding="utf-8")
    page.get_by_role("tab", name="报告库").click()
    page.set_input_files("#bq-upload input[type=file]", [str(pdf), str(not_a_report)])
    page.wait_for_timeout(1000)  # let the upload finish
    page.click("#bq-ingest")
    page.wait_for_selector("#bq-ingest-log :text('导入完成')", timeout=INGEST_TIMEOUT_MS)
    log = page.inner_text("#bq-ingest-log")
    assert "成功 1 个，失败 1 个" in log
    assert "✓ putuo_planning_2024_dept_final.pdf" in log and "上海市普陀区规划和自然资源局" in log
    assert "✗ 会议纪要.txt：导入失败" in log
    assert "上海市普陀区规划和自然资源局" in page.inner_text("#bq-reports")
    page.screenshot(path=str(shots / "04_library_after_upload.png"), full_page=True)

    page.get_by_role("tab", name="问答").click()
    _ask(page, "普陀区规划和自然资源局2024年公务接待费是多少？")
    chat = page.inner_text("#bq-chat")
    assert (
        "putuo_planning_2024_dept_final.pdf"
        in chat.rsplit("普陀区规划和自然资源局2024年公务接待费是多少？", 1)[1]
    )
    assert page.locator("#bq-evidence-table td.bq-cell-hit mark").count() == 1
    page.screenshot(path=str(shots / "05_answer_about_uploaded_pdf.png"), full_page=True)


def test_nothing_leaves_the_machine(page: Any, server: str) -> None:
    local = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
    assert page.requests_made
    assert [u for u in page.requests_made if not u.startswith(local)] == []
