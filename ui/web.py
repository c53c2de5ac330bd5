"""The chat page (gradio): ask in Chinese, see the cited cell on its table and page.

Two tabs: 问答 (chat with the QA engine; every answer lists its numbered sources; picking a
source shows the table with the cited row and cell highlighted, the passage, and for PDFs
the page image with the cited place boxed; the cited table downloads as CSV) and 报告库
(upload PDFs or text files, ingested with progress and per-file errors; the list of
reports with their tables and identity checks). Optional unit/year filters scope questions
that name no unit or year; the example questions are made from the reports in the home.

Every user's conversation lives in per-session ``gr.State``; only the library and engine are
shared (:class:`ui.backend.Backend`). Analytics are off and nothing is shared publicly.
"""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported

from pathlib import Path
from typing import Any

import gradio as gr

from ingest.settings import Settings
from qa.model import Answer
from ui.backend import (
    REPORT_HEADERS,
    Backend,
    answer_markdown,
    citation_choice,
    example_questions,
    outcome_line,
    report_rows,
)

ALL = ""
"""Filter value meaning "no filter"."""
INTRO = (
    "# 预算/决算公开报告问答\n"
    "用中文提问，例如某单位某年的公务接待费。每个回答都注明出处（文件、页码或行号、表、行、列）；"
    "在右侧点选来源编号，可以看到原表中被引用的单元格和原页上的位置。"
)
CSS = """
#bq-evidence-table th { white-space: normal; min-width: 3.2em; }
"""
SCROLL_TO_HIT = """
const fit = () => {
  const cell = element.querySelector('.bq-cell-hit');
  const box = cell && cell.closest('.bq-scroll');
  if (!box) return;
  const c = cell.getBoundingClientRect(), b = box.getBoundingClientRect();
  box.scrollLeft += c.left - b.left - (b.width - c.width) / 2;
  box.scrollTop += c.top - b.top - (b.height - c.height) / 2;
};
watch('value', fit);
fit();
"""
"""Keeps the cited cell in view inside a wide or long table."""


def _filter_choices(backend: Backend) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    records = backend.records()
    units = sorted({r.report.unit_name for r in records if r.report.unit_name})
    years = sorted({r.report.fiscal_year for r in records if r.report.fiscal_year}, reverse=True)
    return [("全部单位", ALL)] + [(u, u) for u in units], [("全部年度", ALL)] + [
        (str(y), str(y)) for y in years
    ]


def _library_views(backend: Backend) -> tuple[Any, Any, Any, Any]:
    """Report table, unit and year filter choices, example questions: all from the home."""
    records = backend.records()
    units, years = _filter_choices(backend)
    examples = example_questions(records)
    return (
        gr.Dataframe(value=report_rows(records) or None, headers=REPORT_HEADERS),
        gr.Dropdown(choices=units),
        gr.Dropdown(choices=years),
        gr.Dataset(samples=[[q] for q in examples]),
    )


def _source_picker(answer: Answer) -> Any:
    """The numbered sources of an answer, the first one chosen."""
    choices = [(citation_choice(i, c), str(i - 1)) for i, c in enumerate(answer.citations, 1)]
    return gr.Radio(choices=choices, value="0" if choices else None)


def _no_evidence(message: str = "") -> tuple[Any, ...]:
    return message, "", "", None, gr.DownloadButton(value=None, visible=False)


def build_app(backend: Backend) -> gr.Blocks:
    """The page, wired to ``backend``. Launch it with :func:`serve` (or ``demo.launch``)."""
    with gr.Blocks(
        title="预决算公开问答 · budgetqa", analytics_enabled=False, delete_cache=(3600, 3600)
    ) as demo:
        # this browser session's conversation, and which answer's sources are listed
        session = gr.State({"answers": [], "messages": [], "current": -1})
        gr.Markdown(INTRO)
        with gr.Tabs():
            with gr.Tab("问答", id="chat"):
                with gr.Row():
                    unit = gr.Dropdown(label="限定单位（问题没写单位时使用）", choices=[("全部单位", ALL)],
                                       value=ALL, elem_id="bq-unit")  # fmt: skip
                    year = gr.Dropdown(label="限定年度（问题没写年度时使用）", choices=[("全部年度", ALL)],
                                       value=ALL, elem_id="bq-year")  # fmt: skip
                with gr.Row(equal_height=False):
                    with gr.Column(scale=5):
                        chatbot = gr.Chatbot(label="对话", height=560, elem_id="bq-chat", buttons=["copy"],
                                             placeholder="在下面输入问题，或点选示例问题。")  # fmt: skip
                        with gr.Row():
                            question = gr.Textbox(show_label=False, placeholder="例如：某某局2024年公务接待费是多少？",
                                                  scale=5, elem_id="bq-question", submit_btn=False)  # fmt: skip
                            ask = gr.Button("提问", variant="primary", scale=1, elem_id="bq-ask")
                        examples = gr.Dataset(label="示例问题（点一下即提问）", components=[question], samples=[],
                                              elem_id="bq-examples", samples_per_page=8)  # fmt: skip
                    with gr.Column(scale=6):
                        gr.Markdown("### 证据")
                        sources = gr.Radio(label="来源（点选编号查看；点对话中的回答可切换到它的来源）", choices=[],
                                           elem_id="bq-sources")  # fmt: skip
                        ev_title = gr.Markdown(elem_id="bq-evidence-title")
                        ev_table = gr.HTML(elem_id="bq-evidence-table", js_on_load=SCROLL_TO_HIT)
                        ev_passage = gr.HTML(elem_id="bq-evidence-passage", js_on_load=None)
                        ev_image = gr.Image(label="原页（红框为引用位置）", type="pil", interactive=False,
                                            elem_id="bq-page", buttons=["download", "fullscreen"])  # fmt: skip
                        ev_csv = gr.DownloadButton("下载该表 CSV", visible=False, elem_id="bq-csv")
            with gr.Tab("报告库", id="library"):
                gr.Markdown(
                    "上传预算/决算公开报告：PDF（.pdf）或文本转换件（.txt/.md），可以一次选多个文件。"
                )
                upload = gr.File(label="选择文件", file_count="multiple", file_types=[".pdf", ".txt", ".md"],
                                 elem_id="bq-upload")  # fmt: skip
                ingest = gr.Button("导入", variant="primary", elem_id="bq-ingest")
                ingest_log = gr.Markdown(elem_id="bq-ingest-log")
                reports = gr.Dataframe(headers=REPORT_HEADERS, interactive=False, wrap=True, elem_id="bq-reports",
                                       label="已导入的报告（识别的表、勾稽校验结果）")  # fmt: skip
        evidence_outputs = [ev_title, ev_table, ev_passage, ev_image, ev_csv]

        def show_source(choice: str | None, state: dict[str, Any]) -> tuple[Any, ...]:
            answers = state["answers"]
            if not answers or choice in (None, ""):
                return _no_evidence()
            answer = answers[state.get("current", -1)]
            index = int(choice)
            if not 0 <= index < len(answer.citations):
                return _no_evidence()
            evidence = backend.evidence(answer.citations[index])
            notes = "".join(f"\n\n> {n}" for n in evidence.notes)
            csv_path = backend.csv_file(evidence)
            return (
                f"**[{index + 1}]** {evidence.title}{notes}",
                evidence.table_html,
                evidence.passage_html,
                evidence.image,
                gr.DownloadButton(value=str(csv_path) if csv_path else None, visible=csv_path is not None),
            )

        def respond(text: str, state: dict[str, Any], unit_name: str, year_text: str) -> Any:
            text = (text or "").strip()
            if not text:
                yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
                return
            messages = [*state["messages"], {"role": "user", "content": text}]
            yield "", messages + [{"role": "assistant", "content": "正在查找……"}], state, gr.skip()
            answer, asked_as = backend.ask(text, unit_name or None, int(year_text) if year_text else None)
            messages.append({"role": "assistant", "content": answer_markdown(answer, asked_as)})
            state = {
                "answers": [*state["answers"], answer],
                "messages": messages,
                "current": len(state["answers"]),
            }
            yield "", messages, state, _source_picker(answer)

        def pick_answer(state: dict[str, Any], evt: gr.SelectData) -> tuple[Any, Any]:
            """Clicking a message lists the sources of its answer (messages come in question/answer pairs)."""
            index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
            current = int(index) // 2
            if not 0 <= current < len(state["answers"]):
                return gr.skip(), gr.skip()
            return {**state, "current": current}, _source_picker(state["answers"][current])

        ask_inputs = [question, session, unit, year]
        ask_outputs = [question, chatbot, session, sources]
        for trigger in (ask.click, question.submit):
            trigger(respond, ask_inputs, ask_outputs, concurrency_limit=None).then(
                show_source, [sources, session], evidence_outputs
            )
        examples.click(lambda sample: sample[0], examples, question).then(
            respond, ask_inputs, ask_outputs, concurrency_limit=None
        ).then(show_source, [sources, session], evidence_outputs)
        sources.input(show_source, [sources, session], evidence_outputs, concurrency_limit=None)
        chatbot.select(pick_answer, [session], [session, sources]).then(
            show_source, [sources, session], evidence_outputs
        )

        def do_ingest(files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:
            paths = [Path(f) for f in files or []]
            if not paths:
                return ("请先选择要上传的文件。", *_library_views(backend), gr.skip())
            progress(0, desc="开始导入")

            def on_file(i: int, path: Path) -> None:
                progress((i, len(paths)), desc=f"正在导入 {path.name}（{i + 1}/{len(paths)}）")

            outcomes = backend.ingest(paths, on_file=on_file)
            failed = sum(1 for o in outcomes if not o.ok)
            summary = f"**导入完成：成功 {len(outcomes) - failed} 个，失败 {failed} 个。**"
            log = "\n\n".join([summary, *(outcome_line(o) for o in outcomes)])
            return (log, *_library_views(backend), None)

        ingest.click(do_ingest, [upload], [ingest_log, reports, unit, year, examples, upload])
        demo.load(lambda: _library_views(backend), None, [reports, unit, year, examples])
    return demo


def serve(
    settings: Settings, host: str = "127.0.0.1", port: int = 7860, block: bool = True
) -> tuple[gr.Blocks, str]:
    """Start the page on ``host:port`` and print its local URL.

    Args:
        settings: the home whose reports are served.
        host: interface to listen on (``127.0.0.1`` keeps it on this machine).
        port: TCP port.
        block: wait until interrupted (Ctrl+C); ``False`` returns at once (tests).

    Returns:
        The running app and its local URL.
    """
    backend = Backend(settings)
    backend.warm()
    demo = build_app(backend)
    demo.queue(default_concurrency_limit=4)
    _, url, _ = demo.launch(server_name=host, server_port=port, share=False, prevent_thread_lock=True, quiet=True,
                            show_error=True, ssr_mode=False, mcp_server=False, css=CSS, inbrowser=False)  # fmt: skip
    print(f"budgetqa 问答页面已启动 / running on: {url}", flush=True)
    if block:
        print(f"在浏览器打开 {url} ；按 Ctrl+C 停止 / open it in a browser; Ctrl+C stops it", flush=True)
        try:
            demo.block_thread()
        finally:
            backend.close()
    return demo, url
