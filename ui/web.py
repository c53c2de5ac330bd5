"""The chat page (gradio): ask in Chinese, see the cited cell on its table and page.

Two tabs: 问答 (:mod:`ui.web_chat`: the conversation with follow-ups, example questions of
several kinds, candidate reports as buttons when a question is ambiguous, and the evidence —
the table with the cited row and cell highlighted, the passage, the PDF page with the cited
place boxed, the table as CSV) and 报告库 (:mod:`ui.web_library`: the reports, and uploads
ingested in the background with progress, unless the page is read-only; optionally only after
logging in).

Every user's conversation lives in per-session ``gr.State``; only the library and engine are
shared (:class:`ui.backend.Backend`), and questions never wait for an upload. Analytics are
off, nothing is shared publicly, and every word on the page is Chinese (gradio's own strings
through :func:`ui.web_style.chinese_i18n`, its footer hidden).
"""

from __future__ import annotations

import os
import signal

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported
# gradio's queue keeps the last N events and, after every event, summarises them with pandas for
# its monitoring dashboard (off here): ~20% of the server's CPU under load (bench_web). Keep few
# and never summarise (a deployer may still set these).
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "10")
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", str(2**62))

from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from ingest.settings import Settings
from ui.ask_service import AskService
from ui.backend import REPORT_HEADERS, Backend, report_rows
from ui.web_auth import Credentials, UploadGate, UploadTokens
from ui.web_chat import build_chat_tab, filter_choices
from ui.web_library import build_library_tab
from ui.web_style import CSS, HEAD_JS, INTRO, chinese_i18n

MAX_UPLOAD = "200mb"
"""Largest file the page accepts (the largest real report we know is a few MB)."""


def build_app(
    backend: Backend,
    read_only: bool = False,
    credentials: Credentials | None = None,
    tokens: UploadTokens | None = None,
) -> gr.Blocks:
    """The page, wired to ``backend``. Launch it with :func:`serve` (or ``demo.launch``).

    Args:
        backend: the shared library and engine.
        read_only: no upload controls at all (the library is managed from the command line).
        credentials: logins that may upload; ``None`` lets anyone who reaches the page upload.
        tokens: where a login's upload token is issued (the same object :func:`serve` gives
            :class:`ui.web_auth.UploadGate`); ``None`` issues none.
    """
    with gr.Blocks(
        title="预决算公开问答 · budgetqa", analytics_enabled=False, delete_cache=(3600, 3600)
    ) as demo:
        session = gr.State(None)
        gr.Markdown(INTRO, elem_id="bq-intro")
        with gr.Tabs():
            with gr.Tab("问答", id="chat"):
                chat = build_chat_tab(backend, session)
            with gr.Tab("报告库", id="library"):
                library = build_library_tab(backend, read_only, credentials, session, tokens)

        def views() -> tuple[Any, ...]:
            """Report list, unit and year filters, example questions: all from the home."""
            units, years = filter_choices(backend)
            return (
                gr.Dataframe(value=report_rows(backend.records()) or None, headers=REPORT_HEADERS),
                gr.Dropdown(choices=units),
                gr.Dropdown(choices=years),
                gr.Dataset(samples=[[q] for q in backend.examples()]),
            )

        outputs = [library.reports, chat.unit, chat.year, chat.examples]
        if library.ingest_done is not None:
            library.ingest_done.then(views, None, outputs, queue=False)
        if library.remove_done is not None:
            library.remove_done.then(views, None, outputs, queue=False)
        demo.load(views, None, outputs, queue=False)
    return demo


def _stop_on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 7860,
    block: bool = True,
    read_only: bool = False,
    credentials: Credentials | None = None,
    root_path: str | None = None,
) -> tuple[gr.Blocks, str]:
    """Start the page on ``host:port`` and print its local URL.

    Args:
        settings: the home whose reports are served.
        host: interface to listen on (``127.0.0.1`` keeps it on this machine).
        port: TCP port.
        block: wait until interrupted (Ctrl+C); ``False`` returns at once (tests).
        read_only: no uploads (public service; the library is managed with ``budgetqa ingest``).
        credentials: logins required to upload (``None``: no login).
        root_path: the path the page is served under behind a reverse proxy (``/budgetqa``).

    Returns:
        The running app and its local URL.
    """
    backend = Backend(settings, watch=True)
    backend.warm()
    if not read_only:
        backend.prepare_uploads()
    # gradio stores uploaded files before any event runs: without the login cookie (or on a
    # read-only page) its upload route refuses them
    tokens = UploadTokens() if credentials is not None and not read_only else None
    gate = read_only or credentials is not None
    demo = build_app(backend, read_only=read_only, credentials=credentials, tokens=tokens)
    demo.queue(default_concurrency_limit=4, max_size=None)
    _, url, _ = demo.launch(server_name=host, server_port=port, share=False, prevent_thread_lock=True, quiet=True,
                            show_error=True, ssr_mode=False, mcp_server=False, css=CSS, inbrowser=False,
                            footer_links=["settings"], i18n=chinese_i18n(), js=HEAD_JS, root_path=root_path,
                            max_file_size="1kb" if read_only else MAX_UPLOAD, enable_monitoring=False,
                            app_kwargs={"middleware": [Middleware(UploadGate, tokens=tokens)]} if gate else None)  # fmt: skip
    print(f"budgetqa 问答页面已启动 / running on: {url}", flush=True)
    asks = AskService(settings, lambda question, as_json: cli_answer(backend, question, as_json))
    if asks.start():
        print(f"命令行 budgetqa ask 也由本服务回答 / answering `budgetqa ask` on {asks.path}", flush=True)
    if block:
        print(f"在浏览器打开 {url} ；按 Ctrl+C 停止 / open it in a browser; Ctrl+C stops it", flush=True)
        signal.signal(signal.SIGTERM, _stop_on_sigterm)  # `kill` cleans up like Ctrl+C
        try:
            demo.block_thread()
        finally:
            asks.close()
            backend.close()  # the ingest child, temporary files (/tmp/budgetqa-web-*)
    else:
        demo.ask_service = asks  # type: ignore[attr-defined]  # the caller closes it (tests)
    return demo, url


def cli_answer(backend: Backend, question: str, as_json: bool) -> str | None:
    """What ``budgetqa ask`` prints, from the server's current engine (``None`` without reports:
    the CLI then says so itself)."""
    if not backend.records():
        return None
    import ui.cli  # noqa: F401  (first: the command modules import it, and it imports them)
    from ui.cli_query import answer_output

    return answer_output(backend.engine(), question, as_json)
