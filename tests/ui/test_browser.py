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
import urllib.error
import urllib.request
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


def _serve(home: Path, *options: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    """``budgetqa serve`` over ``home`` on a free port of 127.0.0.1; returns the process and its URL."""
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1",
           **(env or {})}  # fmt: skip
    cmd = [sys.executable, "-m", "ui.cli", "--home", str(home), "serve", "--host", "127.0.0.1",
           "--port", str(_free_port()), *options]  # fmt: skip
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
    if not (url and url.startswith("http://127.0.0.1:")):
        _stop(proc)
        raise AssertionError("server did not start:\n" + "".join(seen))
    return proc, url


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def server(chromium: str, sample_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``budgetqa serve`` over a copy of the sample home; yields its URL."""
    home = tmp_path_factory.mktemp("browser") / "home"
    shutil.copytree(sample_home, home)
    proc, url = _serve(home)
    try:
        yield url
    finally:
        _stop(proc)


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


def _ask(
    page: Any, question: str, evidence: str = "#bq-evidence-table mark, #bq-evidence-passage mark"
) -> None:
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
    assert saved.suffix == ".csv" and re.match(r"青山市人民政府办公室_2024_公开0[69]表_.+\.csv$", saved.name)
    assert saved.read_bytes().startswith(b"\xef\xbb\xbf")
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


WATCH_LOG = """() => {
  window.bqLogTexts = [];
  const log = document.querySelector('#bq-ingest-log');
  new MutationObserver(() => window.bqLogTexts.push(log.innerText))
    .observe(log, {childList: true, subtree: true, characterData: true});
}"""
"""Records every text the upload log shows (the embedding phase lasts seconds, polled twice a second)."""


def test_upload_a_shared_pdf_then_ask_about_it(
    page: Any, browser: Any, server: str, shots: Path, tmp_path: Path, pdf_reports: dict[str, Path]
) -> None:
    pdf = pdf_reports["putuo_planning_2024_dept_final.pdf"]
    not_a_report = tmp_path / "会议纪要.txt"
    not_a_report.write_text("今天开会，讨论了食堂的菜单。\n" * 5, encoding="utf-8")
    page.get_by_role("tab", name="报告库").click()
    page.set_input_files("#bq-upload input[type=file]", [str(pdf), str(not_a_report)])
    page.wait_for_timeout(1000)  # let the upload finish
    page.click("#bq-ingest")
    page.evaluate(WATCH_LOG)
    # the progress moves while the PDF is read, and another user is answered meanwhile
    page.wait_for_selector("#bq-ingest-log :text('已用')", timeout=INGEST_TIMEOUT_MS)
    first = page.inner_text("#bq-ingest-log")
    other = browser.new_context(locale="zh-CN").new_page()
    try:
        other.goto(server)
        other.wait_for_selector("#bq-examples button", timeout=ANSWER_TIMEOUT_MS)
        _ask(other, "青山市政府办2024年公务接待费是多少？")
        assert "3.46万元" in other.inner_text("#bq-chat")
        answered_during_upload = "导入完成" not in page.inner_text("#bq-ingest-log")
    finally:
        other.context.close()
    page.wait_for_function(
        "t => { const s = document.querySelector('#bq-ingest-log').innerText; return s !== t || s.includes('导入完成'); }",
        arg=first, timeout=INGEST_TIMEOUT_MS,
    )  # fmt: skip
    assert "正在导入" in first and re.search(r"已用 \d+ 秒", first), first
    page.wait_for_selector("#bq-ingest-log :text('导入完成')", timeout=INGEST_TIMEOUT_MS)
    assert answered_during_upload
    log = page.inner_text("#bq-ingest-log")
    assert "现在可以提问了" in log
    assert "成功 1 个，失败 1 个" in log
    assert "✓ putuo_planning_2024_dept_final.pdf" in log and "上海市普陀区规划和自然资源局" in log
    assert "✗ 会议纪要.txt：导入失败" in log
    # stored first, vectors after: the page said it was answerable while they were made
    assert page.evaluate("window.bqLogTexts.some(t => t.includes('现在可以提问了；正在后台生成检索向量'))")
    # the report list is refreshed by a follow-up event after the log says 导入完成: wait for it
    page.wait_for_function(
        "n => document.querySelector('#bq-reports').innerText.includes(n)",
        arg="上海市普陀区规划和自然资源局", timeout=ANSWER_TIMEOUT_MS,
    )  # fmt: skip
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


ENGLISH_ALLOWED = {"PDF", "CSV", "txt", "md", "pdf", "budgetqa", "ingest", "remove"}
"""Words that must stay: file kinds and the command people type."""
PAGE_TEXTS = """() => {
  const parts = [document.body.innerText];
  for (const el of document.querySelectorAll('[title], [aria-label], [placeholder], [alt]')) {
    for (const name of ['title', 'aria-label', 'placeholder', 'alt']) {
      const value = el.getAttribute(name);
      if (value && el.getClientRects().length) parts.push(value);
    }
  }
  return parts.join('\\n');
}"""


def _english_words(page: Any) -> set[str]:
    text = page.evaluate(PAGE_TEXTS)
    text = re.sub(r"[\w.\\-]+\.(?:pdf|txt|md|csv)\b", " ", text)  # file names are kept as they are
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"\b[0-9a-f]{16}\b", " ", text)  # report ids
    return {w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in ENGLISH_ALLOWED}


def _new_page(browser: Any, url: str, **context: Any) -> Any:
    options = {"viewport": {"width": 1440, "height": 900}, "locale": "en-US", **context}
    pg = browser.new_context(**options).new_page()
    pg.goto(url)
    pg.wait_for_selector("#bq-examples button", timeout=ANSWER_TIMEOUT_MS)
    return pg


def test_follow_up_then_clear_starts_over(browser: Any, server: str, shots: Path) -> None:
    pg = _new_page(browser, server)
    try:
        _ask(pg, "绿水县财政局2023年公务接待费是多少？")
        _ask(pg, "那公务用车运行维护费呢？")
        last = pg.locator(BOT).last.inner_text()
        assert "按此理解：绿水县财政局2023年公务用车运行维护费" in last and "绿水县财政局" in last
        pg.locator(BOT).last.click()
        _ask(pg, "青山市政府办2024年公务接待费是多少？")
        _ask(pg, "那2023年呢？", evidence="#bq-chat")
        assert (
            "青山市人民政府办公室2023年" in pg.locator(BOT).last.inner_text()
        )  # the same office, the year asked
        pg.screenshot(path=str(shots / "06_follow_up.png"), full_page=True)

        pg.click("#bq-clear")
        pg.wait_for_function(
            f"() => document.querySelectorAll({BOT!r}).length === 0", timeout=ANSWER_TIMEOUT_MS
        )
        assert (
            pg.locator("#bq-evidence-table td").count() == 0 and pg.locator("#bq-sources label").count() == 0
        )
        assert pg.locator("#bq-page img").count() == 0
        _ask(pg, "那公务接待费呢？", evidence="#bq-chat")
        chat = pg.inner_text("#bq-chat")
        assert pg.locator(BOT).count() == 1 and "2023年呢" not in chat and "公务用车" not in chat
        assert "按此理解" not in chat  # nothing inherited from before the clear
    finally:
        pg.context.close()


def test_no_english_on_the_page_and_examples_above_the_fold(browser: Any, server: str) -> None:
    pg = _new_page(browser, server)  # an English browser: the page is Chinese all the same
    try:
        box = pg.locator("#bq-examples button").first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 900  # seen at 1440×900 without scrolling
        examples = pg.locator("#bq-examples button").all_inner_texts()
        kinds = ("是多少", "原因", "比上年", "哪个多", "加起来等于")
        assert all(any(k in e for e in examples) for k in kinds), examples
        assert _english_words(pg) == set()
        _ask(pg, "青山市政府办2024年公务接待费是多少？")
        pg.locator("#bq-chat .message-row, #bq-chat [data-testid='bot']").last.hover()
        assert _english_words(pg) == set()
        pg.get_by_role("tab", name="报告库").click()
        pg.wait_for_selector("#bq-upload", timeout=ANSWER_TIMEOUT_MS)
        assert _english_words(pg) == set()
        assert "footer" not in pg.evaluate(
            "() => [...document.querySelectorAll('footer')].filter(f => f.getClientRects().length).map(f => 'footer').join()"
        )
    finally:
        pg.context.close()


def _luminance(rgb: str) -> float:
    channels = [int(x) / 255 for x in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_dark_mode_cited_cell_readable_and_headers_stick(browser: Any, server: str, shots: Path) -> None:
    pg = _new_page(browser, server + "?__theme=dark", color_scheme="dark")
    try:
        assert pg.evaluate(
            "() => document.body.classList.contains('dark') || !!document.querySelector('.dark')"
        )
        _ask(pg, "青山市政府办2024年公务接待费是多少？")
        pg.screenshot(path=str(shots / "07_dark_mode.png"), full_page=True)
        colors = pg.evaluate(
            """() => {
              const cell = document.querySelector('#bq-evidence-table td.bq-cell-hit');
              const mark = cell.querySelector('mark');
              const row = cell.closest('tr').querySelector('td:not(.bq-cell-hit)');
              const st = e => getComputedStyle(e);
              return {mark: [st(mark).color, st(mark).backgroundColor],
                      row: [st(row).color, st(cell.closest('tr')).backgroundColor],
                      head: st(document.querySelector('#bq-evidence-table thead')).position};
            }"""
        )
        assert _contrast(*colors["mark"]) >= 4.5, colors
        assert _contrast(*colors["row"]) >= 4.5, colors
        assert colors["head"] == "sticky"
    finally:
        pg.context.close()


def test_phone_layout_says_where_the_evidence_is(browser: Any, server: str, shots: Path) -> None:
    pg = _new_page(browser, server, viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    try:
        intro = pg.inner_text("#bq-intro")
        assert "在对话下方" in intro and "在右侧" not in intro
        _ask(pg, "青山市政府办2024年公务接待费是多少？")
        chat, evidence = pg.locator("#bq-chat").bounding_box(), pg.locator("#bq-sources").bounding_box()
        assert chat is not None and evidence is not None and evidence["y"] > chat["y"] + chat["height"] - 1
        pg.screenshot(path=str(shots / "08_phone_390px.png"), full_page=True)
    finally:
        pg.context.close()


def test_ambiguous_answer_offers_the_reports_as_buttons(browser: Any, server: str) -> None:
    pg = _new_page(browser, server, locale="zh-CN")
    try:
        _ask(pg, "公务接待费是多少？", evidence="#bq-candidates button")
        buttons = pg.locator("#bq-candidates button")
        assert buttons.count() >= 2 and "绿水县财政局" in " ".join(buttons.all_inner_texts())
        pg.locator("#bq-candidates button", has_text="绿水县财政局").click()
        pg.wait_for_function(
            f"() => document.querySelectorAll({BOT!r}).length === 2"
            " && !document.querySelector('#bq-chat').innerText.includes('正在查找')",
            timeout=ANSWER_TIMEOUT_MS,
        )  # fmt: skip
        assert "1.86" in pg.locator(BOT).last.inner_text() or "18,600" in pg.locator(BOT).last.inner_text()
    finally:
        pg.context.close()


def test_read_only_and_login_for_uploads(browser: Any, sample_home: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    proc, url = _serve(home, "--read-only")
    try:
        pg = _new_page(browser, url, locale="zh-CN")
        pg.get_by_role("tab", name="报告库").click()
        pg.wait_for_selector("#bq-read-only", timeout=ANSWER_TIMEOUT_MS)
        assert pg.locator("#bq-upload, #bq-ingest, input[type=file][accept*='pdf']").count() == 0
        assert "青山市人民政府办公室" in pg.inner_text("#bq-reports")
        assert _post_upload(url) == 403  # no upload route either
        pg.context.close()
    finally:
        _stop(proc)
    auth = tmp_path / "auth.txt"
    auth.write_text("editor:pa55word\n", encoding="utf-8")
    proc, url = _serve(home, "--auth-file", str(auth))
    try:
        pg = _new_page(browser, url, locale="zh-CN")
        pg.get_by_role("tab", name="报告库").click()
        pg.wait_for_selector("#bq-login", timeout=ANSWER_TIMEOUT_MS)
        assert not pg.locator("#bq-upload").is_visible() and not pg.locator("#bq-ingest").is_visible()
        pg.fill("#bq-user textarea, #bq-user input", "editor")
        pg.fill("#bq-password input", "wrong")
        pg.click("#bq-login-button")
        pg.wait_for_selector("#bq-login-message :text('不对')", timeout=ANSWER_TIMEOUT_MS)
        assert not pg.locator("#bq-upload").is_visible()
        assert _post_upload(url) == 403  # gradio's upload route too: nothing is stored before a login
        pg.fill("#bq-password input", "pa55word")
        pg.click("#bq-login-button")
        pg.wait_for_selector("#bq-upload", state="visible", timeout=ANSWER_TIMEOUT_MS)
        assert pg.locator("#bq-ingest").is_visible()
        cookies = {c["name"]: c["value"] for c in pg.context.cookies()}
        assert "bq_upload" in cookies
        assert _post_upload(url, cookie=f"bq_upload={cookies['bq_upload']}") == 200
        assert _post_upload(url, cookie="bq_upload=forged") == 403
        # the logged-in page uploads through the route and its file reaches the ingest
        memo = tmp_path / "会议纪要.txt"
        memo.write_text("今天开会，讨论了食堂的菜单。\n" * 5, encoding="utf-8")
        pg.set_input_files("#bq-upload input[type=file]", [str(memo)])
        pg.wait_for_selector("#bq-upload :text('会议纪要')", timeout=ANSWER_TIMEOUT_MS)
        pg.click("#bq-ingest")
        pg.wait_for_selector("#bq-ingest-log :text('会议纪要')", timeout=INGEST_TIMEOUT_MS)
        assert "请先登录" not in pg.inner_text("#bq-ingest-log")
        pg.context.close()
    finally:
        _stop(proc)


def _post_upload(url: str, cookie: str | None = None) -> int:
    """POST one small file to gradio's upload route of the page at ``url``; the HTTP status."""
    boundary = "bqboundary"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"x.txt\"\r\n"
        f"Content-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n"
    ).encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(url.rstrip("/") + "/gradio_api/upload", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
