"""The 问答 tab: the conversation, example questions, candidate reports and the evidence panel.

Each browser session keeps a :class:`ui.backend.ChatSession` in a ``gr.State`` (made on its
first question): its messages, its answers and its conversation context. Clearing the chat
resets all three and empties the evidence panel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from qa.model import Answer
from ui.backend import (
    Backend,
    ChatSession,
    answer_markdown,
    candidate_label,
    candidate_question,
    citation_choice,
)
from ui.web_style import SCROLL_TO_HIT

ALL = ""
"""Filter value meaning "no filter"."""
ANSWER_LIMIT = 16
"""Questions answered at the same time (answering is fast; more would only share the CPU)."""
THINKING = "正在查找……"


@dataclass
class ChatTab:
    """The components the rest of the page updates (filters and examples after an upload)."""

    unit: Any
    year: Any
    examples: Any


def filter_choices(backend: Backend) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Unit and year filter choices from the reports in the home."""
    records = backend.records()
    units = sorted({r.report.unit_name for r in records if r.report.unit_name})
    years = sorted({r.report.fiscal_year for r in records if r.report.fiscal_year}, reverse=True)
    return [("全部单位", ALL)] + [(u, u) for u in units], [("全部年度", ALL)] + [
        (str(y), str(y)) for y in years
    ]


def _source_picker(answer: Answer | None) -> Any:
    """The numbered sources of an answer, the first one chosen."""
    citations = answer.citations if answer is not None else ()
    choices = [(citation_choice(i, c), str(i - 1)) for i, c in enumerate(citations, 1)]
    return gr.Radio(choices=choices, value="0" if choices else None)


def _candidates(backend: Backend, answer: Answer) -> Any:
    """The candidate reports of an ambiguous answer as buttons (hidden otherwise)."""
    if not answer.candidates:
        return gr.Dataset(samples=[], sample_labels=[], visible=False)
    records = backend.records()
    questions = [candidate_question(answer.question, c, records) for c in answer.candidates]
    labels = [candidate_label(c, records) for c in answer.candidates]
    return gr.Dataset(samples=[[q] for q in questions], sample_labels=labels, visible=True)


def _no_evidence() -> tuple[Any, ...]:
    return "", "", "", None, gr.DownloadButton(value=None, visible=False)


def build_chat_tab(backend: Backend, session: Any) -> ChatTab:
    """Lay out the 问答 tab (inside an open ``gr.Blocks``) and wire its events.

    Args:
        backend: the shared backend.
        session: the page's per-session ``gr.State`` (a :class:`ui.backend.ChatSession`, made on
            first use).
    """
    examples_now = backend.examples()
    with gr.Row():
        unit = gr.Dropdown(label="限定单位（问题没写单位时使用）", choices=[("全部单位", ALL)], value=ALL,
                           elem_id="bq-unit")  # fmt: skip
        year = gr.Dropdown(label="限定年度（问题没写年度时使用）", choices=[("全部年度", ALL)], value=ALL,
                           elem_id="bq-year")  # fmt: skip
    examples = gr.Dataset(label="示例问题（点一下即提问）", components=["textbox"], samples=[[q] for q in examples_now],
                          elem_id="bq-examples", samples_per_page=8, layout="gallery")  # fmt: skip
    with gr.Row(equal_height=False):
        with gr.Column(scale=5, min_width=320):
            chatbot = gr.Chatbot(label="对话", height=440, elem_id="bq-chat", buttons=["copy"],
                                 placeholder="在下面输入问题，或点选上面的示例问题。")  # fmt: skip
            candidates = gr.Dataset(label="可能指的报告（点一下即按该报告重新提问）", components=["textbox"],
                                    samples=[], visible=False, elem_id="bq-candidates", layout="gallery")  # fmt: skip
            with gr.Row():
                question = gr.Textbox(label="问题", show_label=False, placeholder="例如：某某局2024年公务接待费是多少？", scale=5,
                                      elem_id="bq-question", submit_btn=False)  # fmt: skip
                ask = gr.Button("提问", variant="primary", scale=1, min_width=80, elem_id="bq-ask")
                clear = gr.Button("新对话", variant="secondary", scale=1, min_width=80, elem_id="bq-clear")
        with gr.Column(scale=6, min_width=320):
            gr.Markdown("### 证据")
            sources = gr.Radio(label="来源（点选编号查看；点对话中的回答可切换到它的来源）", choices=[],
                               elem_id="bq-sources")  # fmt: skip
            ev_title = gr.Markdown(elem_id="bq-evidence-title")
            ev_table = gr.HTML(elem_id="bq-evidence-table", js_on_load=SCROLL_TO_HIT)
            ev_passage = gr.HTML(elem_id="bq-evidence-passage")
            ev_image = gr.Image(label="原页（红框为引用位置）", type="filepath", interactive=False, elem_id="bq-page",
                                buttons=["download", "fullscreen"])  # fmt: skip
            ev_csv = gr.DownloadButton("下载该表 CSV", visible=False, elem_id="bq-csv")
    evidence_outputs = [ev_title, ev_table, ev_passage, ev_image, ev_csv]
    slow = bool(backend.settings.llm_base_url.strip())

    def show_source(choice: str | None, state: ChatSession | None) -> tuple[Any, ...]:
        if state is None or not state.answers or choice in (None, ""):
            return _no_evidence()
        answer = state.answers[state.current]
        index = int(choice)  # type: ignore[arg-type]
        if not 0 <= index < len(answer.citations):
            return _no_evidence()
        citation = answer.citations[index]
        evidence = backend.evidence(citation)
        notes = "".join(f"\n\n> {n}" for n in evidence.notes)
        csv_path = backend.csv_file(evidence, citation)
        image = backend.image_file(evidence)
        return (
            f"**[{index + 1}]** {evidence.title}{notes}",
            evidence.table_html,
            evidence.passage_html,
            str(image) if image is not None else None,
            gr.DownloadButton(value=str(csv_path) if csv_path else None, visible=csv_path is not None),
        )

    def respond(text: str, state: ChatSession | None, unit_name: str, year_text: str) -> Any:
        text = (text or "").strip()
        if not text:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        state = state or backend.new_session()
        state.messages.append({"role": "user", "content": text})
        if slow:  # with an LLM an answer takes seconds: say so at once (rules alone take milliseconds)
            thinking = [*state.messages, {"role": "assistant", "content": THINKING}]
            yield "", thinking, state, gr.skip(), gr.skip()
        reply = backend.ask(text, unit_name or None, int(year_text) if year_text else None, session=state)
        state.messages.append(
            {
                "role": "assistant",
                "content": answer_markdown(reply.answer, reply.asked_as, plain=reply.smalltalk),
            }
        )
        state.answers.append(reply.answer)
        state.current = len(state.answers) - 1
        yield (
            "",
            list(state.messages),
            state,
            _source_picker(reply.answer),
            _candidates(backend, reply.answer),
        )

    def pick_answer(state: ChatSession | None, evt: gr.SelectData) -> tuple[Any, Any]:
        """Clicking a message lists the sources of its answer (messages come in question/answer pairs)."""
        index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        current = int(index) // 2
        if state is None or not 0 <= current < len(state.answers):
            return gr.skip(), gr.skip()
        state.current = current
        return state, _source_picker(state.answers[current])

    def clear_chat(state: ChatSession | None) -> tuple[Any, ...]:
        """A new conversation: no messages, no context, an empty evidence panel."""
        if state is not None:
            state.clear()
        hidden = gr.Dataset(samples=[], sample_labels=[], visible=False)
        return ([], state, gr.Radio(choices=[], value=None), hidden, "", *_no_evidence())

    ask_inputs = [question, session, unit, year]
    ask_outputs = [question, chatbot, session, sources, candidates]
    answer_events = {
        "concurrency_limit": ANSWER_LIMIT,
        "concurrency_id": "answer",
        "show_progress": "minimal",
    }
    evidence_events = {"concurrency_limit": ANSWER_LIMIT, "concurrency_id": "evidence"}
    for trigger, names in (
        (ask.click, ("ask", "evidence")),
        (question.submit, ("ask_submit", "evidence_submit")),
    ):
        trigger(respond, ask_inputs, ask_outputs, api_name=names[0], **answer_events).then(
            show_source, [sources, session], evidence_outputs, api_name=names[1], **evidence_events
        )
    for picked in (examples, candidates):
        picked.click(lambda sample: sample[0], picked, question, queue=False).then(
            respond, ask_inputs, ask_outputs, **answer_events
        ).then(show_source, [sources, session], evidence_outputs, **evidence_events)
    sources.input(show_source, [sources, session], evidence_outputs, **evidence_events)
    chatbot.select(pick_answer, [session], [session, sources]).then(
        show_source, [sources, session], evidence_outputs, **evidence_events
    )
    clear_outputs = [chatbot, session, sources, candidates, question, *evidence_outputs]
    clear.click(clear_chat, [session], clear_outputs, queue=False)
    chatbot.clear(clear_chat, [session], clear_outputs, queue=False)
    return ChatTab(unit, year, examples)
