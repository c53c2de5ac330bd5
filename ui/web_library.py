"""The 报告库 tab: the ingested reports, and — unless the page is read-only — uploads.

Uploads are ingested by the backend's background worker (:mod:`ui.ingest_jobs`): the handler
only starts the job and reports its progress every :data:`POLL_SECONDS` (stage, pages if the
library says, seconds so far, and when each report can be asked about), so questions in other
sessions are answered meanwhile. A report can be removed too (删除, then 确认删除), as
``budgetqa remove`` does. With credentials (:mod:`ui.web_auth`), the upload and removal
controls appear only after logging in, and their handlers check the session's login themselves.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from ui.backend import REPORT_HEADERS, Backend, ChatSession, md_escape, outcome_line, report_rows
from ui.ingest_jobs import FileState, IngestJob
from ui.web_auth import UPLOAD_COOKIE, Credentials, UploadTokens

POLL_SECONDS = 0.5
SET_UPLOAD_COOKIE_JS = (
    "(token) => { if (token) { document.cookie = '" + UPLOAD_COOKIE + "=' + token + '; path=/; SameSite=Strict'"
    " + (location.protocol === 'https:' ? '; Secure' : ''); } return []; }"
)
"""Runs in the browser after a login: keeps the upload token as a cookie for gradio's upload route."""
UPLOAD_LIMIT = 2
"""Upload handlers running at once (each only watches its job; the worker ingests one file at a time)."""


@dataclass
class LibraryTab:
    """The components the rest of the page updates, and the event that ends an upload."""

    reports: Any
    ingest_done: Any = None
    """The dependency of the ingest event (chain ``.then`` to refresh other parts of the page)."""
    remove_done: Any = None
    """The dependency of the confirmed removal (chain ``.then`` likewise)."""


def _file_line(state: FileState, now: float) -> str:
    name = md_escape(state.name)
    seconds = f"{state.elapsed(now):.0f} 秒"
    if state.outcome is not None and state.finished is not None:
        line = outcome_line(state.outcome)
        if state.answerable:
            line += f"（用时 {seconds}，现在可以提问了）"
        return line
    if state.outcome is not None and state.answerable:
        return outcome_line(state.outcome) + f"（现在可以提问了；正在后台生成检索向量，已用 {seconds}）"
    if state.outcome is not None:
        return f"⏳ **{name}**：已存入，正在更新问答索引……（已用 {seconds}）"
    if state.started is None:
        return f"· **{name}**：排队中"
    pages = f"，第 {state.done}/{state.total} 页" if state.done is not None and state.total else ""
    embedding = "（数字已可查询，正在生成检索向量）" if state.embedding else ""
    return f"⏳ **{name}**：{html.escape(state.stage)}{pages}{embedding}……（已用 {seconds}）"


def progress_markdown(job: IngestJob, now: float | None = None) -> str:
    """The upload's progress: a bar, then one line per file (stage and seconds, or its outcome)."""
    now = now or time.monotonic()
    files = job.snapshot()
    finished = sum(1 for f in files if f.finished is not None)
    failed = sum(1 for f in files if f.outcome is not None and f.finished is not None and not f.outcome.ok)
    percent = round(job.fraction() * 100)
    if job.done.is_set():
        head = f"**导入完成：成功 {finished - failed} 个，失败 {failed} 个。**"
    else:
        head = f"**正在导入：已完成 {finished}/{len(files)} 个文件（{percent}%），其间可以照常提问。**"
    bar = f'<div class="bq-bar"><div style="width:{percent}%"></div></div>'
    return "\n\n".join([head, bar, *(_file_line(f, now) for f in files)])


def report_choices(backend: Backend) -> list[tuple[str, str]]:
    """The reports as (label, report id) choices for the removal list."""
    choices = []
    for record in backend.records():
        r = record.report
        label = f"{r.unit_name or '未识别单位'} {r.fiscal_year or '?'}年 {r.kind}（{r.source_file}，{r.report_id[:8]}）"
        choices.append((label, r.report_id))
    return choices


def remove_report(backend: Backend, report_id: str | None, allowed: bool) -> tuple[str, bool]:
    """Remove a report (its removal confirmed) if the session may; returns (the message to
    show, whether it was removed)."""
    if not allowed:
        return "请先登录再删除报告。", False
    if not report_id:
        return "请先选择要删除的报告。", False
    label = next((name for name, rid in report_choices(backend) if rid == report_id), report_id)
    try:
        removed = backend.remove(report_id)
    except RuntimeError as exc:
        return f"删除失败：{md_escape(str(exc))}", False
    if not removed:
        return f"没有这份报告（{md_escape(report_id)}），可能已被删除。", False
    return f"已删除：{md_escape(label)}。", True


def build_library_tab(
    backend: Backend,
    read_only: bool,
    credentials: Credentials | None,
    session: Any,
    tokens: UploadTokens | None = None,
) -> LibraryTab:
    """Lay out the 报告库 tab (inside an open ``gr.Blocks``) and wire its events.

    Args:
        backend: the shared backend.
        read_only: no upload controls at all (the library is managed with the command line).
        credentials: logins that may upload (``None``: anyone who reaches the page may).
        session: the page's per-session ``gr.State`` (holds the login).
        tokens: issues the upload cookie a login sets in the browser (gradio's upload route
            refuses files without it, :class:`ui.web_auth.UploadGate`).

    Returns:
        The report list and the ingest event (chain ``.then`` on it to refresh the page).
    """
    tab = LibraryTab(reports=None)
    if read_only:
        gr.Markdown("这是只读页面：报告由管理员用命令行导入（`budgetqa ingest`）。", elem_id="bq-read-only")
    else:
        gr.Markdown("上传预算/决算公开报告：PDF（.pdf）或文本转换件（.txt/.md），可以一次选多个文件。")
        with gr.Group(visible=credentials is None) as upload_group:
            upload = gr.File(label="选择文件", file_count="multiple", file_types=[".pdf", ".txt", ".md"],
                             elem_id="bq-upload")  # fmt: skip
            ingest = gr.Button("导入", variant="primary", elem_id="bq-ingest")
        ingest_log = gr.Markdown(elem_id="bq-ingest-log")
        if credentials is not None:
            with gr.Group(elem_id="bq-login") as login_group:
                gr.Markdown("上传或删除报告需要先登录。")
                user = gr.Textbox(label="用户名", elem_id="bq-user")
                password = gr.Textbox(label="密码", type="password", elem_id="bq-password")
                login = gr.Button("登录", elem_id="bq-login-button")
                login_message = gr.Markdown(elem_id="bq-login-message")
                token = gr.Textbox(visible=False, elem_id="bq-upload-token")

        def do_ingest(files: list[str] | None, state: ChatSession | None) -> Any:
            if credentials is not None and not (state is not None and state.can_upload):
                yield "请先登录再上传。", None
                return
            paths = [Path(f) for f in files or []]
            if not paths:
                yield "请先选择要上传的文件。", gr.skip()
                return
            job = backend.start_ingest(paths)
            while not job.done.wait(POLL_SECONDS):
                yield progress_markdown(job), gr.skip()
            yield progress_markdown(job), None

        tab.ingest_done = ingest.click(
            do_ingest, [upload, session], [ingest_log, upload], concurrency_limit=UPLOAD_LIMIT,
            concurrency_id="upload", show_progress="hidden",
        )  # fmt: skip
    tab.reports = gr.Dataframe(headers=REPORT_HEADERS, interactive=False, wrap=True, elem_id="bq-reports",
                               label="已导入的报告（识别的表、勾稽校验结果）",
                               value=report_rows(backend.records()) or None)  # fmt: skip
    if read_only:
        return tab
    remove_group = _removal(backend, credentials, session, tab)
    if credentials is not None:

        def do_login(name: str, secret: str, state: ChatSession | None) -> tuple[Any, ...]:
            state = state or backend.new_session()
            if not credentials.check(name or "", secret or ""):
                time.sleep(1.0)  # slows down guessing
                return state, "用户名或密码不对。", gr.skip(), gr.skip(), gr.skip(), "", ""
            state.can_upload = True
            issued = tokens.issue() if tokens is not None else ""
            return state, "", gr.Group(visible=True), gr.Group(visible=True), gr.Group(visible=False), "", issued

        login.click(do_login, [user, password, session],
                    [session, login_message, upload_group, remove_group, login_group, password, token],
                    ).then(None, token, None, js=SET_UPLOAD_COOKIE_JS)  # fmt: skip
    return tab


def _removal(backend: Backend, credentials: Credentials | None, session: Any, tab: LibraryTab) -> Any:
    """The removal controls (pick a report, 删除, then 确认删除 or 取消); returns their group,
    hidden until login when there are credentials."""
    with gr.Group(visible=credentials is None, elem_id="bq-remove") as remove_group:
        pick = gr.Dropdown(choices=report_choices(backend), value=None, label="删除报告", elem_id="bq-remove-pick")
        remove = gr.Button("删除", variant="secondary", elem_id="bq-remove-button")
        with gr.Row(visible=False) as confirm_row:
            confirm = gr.Button("确认删除", variant="stop", elem_id="bq-remove-confirm")
            cancel = gr.Button("取消", elem_id="bq-remove-cancel")
    message = gr.Markdown(elem_id="bq-remove-message")

    def ask_to_confirm(report_id: str | None) -> tuple[Any, ...]:
        if not report_id:
            return "请先选择要删除的报告。", gr.Row(visible=False)
        label = next((name for name, rid in report_choices(backend) if rid == report_id), report_id)
        return f"确定要删除 **{md_escape(label)}** 吗？删除后不能撤销（可以重新上传）。", gr.Row(visible=True)

    def do_remove(report_id: str | None, state: ChatSession | None) -> tuple[Any, ...]:
        allowed = credentials is None or (state is not None and state.can_upload)
        text, removed = remove_report(backend, report_id, allowed)
        pick_update = gr.Dropdown(choices=report_choices(backend), value=None) if removed else gr.skip()
        return text, gr.Row(visible=False), pick_update

    remove.click(ask_to_confirm, pick, [message, confirm_row], queue=False)
    cancel.click(lambda: ("已取消。", gr.Row(visible=False)), None, [message, confirm_row], queue=False)
    tab.remove_done = confirm.click(do_remove, [pick, session], [message, confirm_row, pick],
                                    concurrency_id="upload", show_progress="minimal")  # fmt: skip
    if tab.ingest_done is not None:
        tab.ingest_done.then(lambda: gr.Dropdown(choices=report_choices(backend)), None, pick, queue=False)
    return remove_group
