"""The optional LLM (qa.llm, qa.phrasing, QAEngine(llm=...)), tested with a fake — no network, no model.

- :class:`FakeLLM` is a llama-index ``CustomLLM`` that answers with canned text (or raises) and
  records every prompt; the engine runs over a real library (``sample_home``: the generated
  青山市人民政府办公室 2024 and 绿水县财政局 2023 reports).
- phrasing: kept when its numbers are the cited ones; dropped when it invents one (68.13 for
  68.12), changes a unit, loses the figure, writes a number in Chinese numerals, or the call
  fails or times out; value, unit, formula, citations and status never change;
- question rewriting: a question the rules could not read becomes answerable through the
  canonical rewording, the figure coming from the cited cell; a rewording that still fails,
  that names another report, or that prints a figure gives back the original refusal;
- ``make_llm`` without a base URL is ``None``; ``OpenAICompatibleLLM`` sends the right JSON
  (checked with an ``httpx.MockTransport``) and its failures keep the rule-based answer.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from llama_index.core.llms import CompletionResponse, CompletionResponseGen, CustomLLM, LLMMetadata
from llama_index.core.llms.callbacks import llm_completion_callback
from pydantic import PrivateAttr

from index.library import Library
from ingest.settings import Settings
from qa.engine import QAEngine
from qa.llm import OpenAICompatibleLLM, make_llm
from qa.model import STATUS_ANSWERED, STATUS_UNANSWERABLE, Answer, Citation
from qa.phrasing import PHRASE_SYSTEM, REWRITE_SYSTEM, AnswerPhraser, QuestionRewriter
from qa.verify import llm_text_problems, unsupported_figures

QS = "青山市人民政府办公室"
CANONICAL = "青山市人民政府办公室2024年公务接待费决算数是多少？"
UNREAD = "青山市政府办2024年请客吃饭花了多少？"  # the rules know no word of it for a figure
RULE_QUESTION = "青山市政府办2024年招待费花了多少？"


class FakeLLM(CustomLLM):
    """A llama-index LLM that answers from ``reply(prompt)`` and records every prompt.

    ``reply`` returns the text, or raises to simulate a failure (HTTP error, timeout).
    """

    _reply: Callable[[str], str] = PrivateAttr()
    _prompts: list[str] = PrivateAttr(default_factory=list)

    def __init__(self, reply: Callable[[str], str] | str) -> None:
        super().__init__()
        self._reply = reply if callable(reply) else (lambda _prompt: reply)
        self._prompts = []

    @property
    def prompts(self) -> list[str]:
        return self._prompts

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(model_name="fake")

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        self._prompts.append(prompt)
        return CompletionResponse(text=self._reply(prompt))

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        text = self.complete(prompt).text

        def gen() -> CompletionResponseGen:
            yield CompletionResponse(text=text, delta=text)

        return gen()


def by_task(phrase: str | Callable[[str], str] = "", rewrite: str = "无法改写") -> Callable[[str], str]:
    """A reply function: ``rewrite`` to rewording prompts, ``phrase`` (or its result) to phrasing ones."""

    def reply(prompt: str) -> str:
        if REWRITE_SYSTEM[:20] in prompt:
            return rewrite
        assert PHRASE_SYSTEM[:20] in prompt, prompt
        return phrase(prompt) if callable(phrase) else phrase

    return reply


def timeout(_prompt: str) -> str:
    raise httpx.ReadTimeout("timed out")


@pytest.fixture(scope="module")
def library(sample_home: Path) -> Iterator[Library]:
    lib = Library(Settings(home=sample_home))
    yield lib
    lib.close()


@pytest.fixture(scope="module")
def rules(library: Library) -> QAEngine:
    return QAEngine(library)


def engine(library: Library, llm: FakeLLM) -> QAEngine:
    return QAEngine(library, llm=llm)


def same_except_text(a: Answer, b: Answer) -> None:
    """Everything but the text is the rule-based answer's."""
    assert replace(a, answer="", elapsed_ms=0) == replace(b, answer="", elapsed_ms=0)


# ---------------------------------------------------------------------------- phrasing


def test_phrasing_kept_when_its_numbers_are_cited(library: Library, rules: QAEngine) -> None:
    base = rules.ask(RULE_QUESTION)
    assert base.status == STATUS_ANSWERED and base.value == Decimal("3.46") and base.unit == "万元"
    text = "青山市人民政府办公室2024年用于公务接待的钱是3.46万元，这个数字来自公开09表。"
    fake = FakeLLM(by_task(text))
    answer = engine(library, fake).ask(RULE_QUESTION)
    assert answer.answer == text
    same_except_text(answer, base)
    assert unsupported_figures(answer) == []
    # the prompt carried the rule-based text and the cited quote, and asked for one or two sentences
    (prompt,) = fake.prompts
    assert base.answer in prompt and "“3.46”" in prompt and "一到两句话" in prompt


def test_phrasing_may_convert_or_round_the_cited_figure(library: Library) -> None:
    question = "绿水县财政局2023年公务接待费是多少？"
    text = "绿水县财政局2023年的公务接待费为18,600.00元，约1.86万元。"
    answer = engine(library, FakeLLM(by_task(text))).ask(question)
    assert answer.answer == text and answer.value == Decimal("18600.00") and answer.unit == "元"


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        ("青山市人民政府办公室2024年公务接待费是68.13万元。", "68.13 无出处"),  # an invented figure
        ("青山市人民政府办公室2024年公务接待费是3.47万元。", "3.47 无出处"),  # one cent off
        ("青山市人民政府办公室2024年公务接待费是3.46元。", "3.46元 与答案中的数字或单位不符"),  # wrong unit
        ("青山市人民政府办公室2023年公务接待费是3.46万元。", "2023 无出处"),  # wrong year
        ("青山市人民政府办公室公务接待费不多。", "缺少答案的数字 3.46万元"),  # figure lost
        ("青山市人民政府办公室2024年公务接待费约三万四千元。", "用汉字写数字"),  # uncheckable
        ("", "空白"),
    ],
)
def test_phrasing_dropped_when_a_number_does_not_match(
    library: Library, rules: QAEngine, reply: str, why: str, caplog: pytest.LogCaptureFixture
) -> None:
    base = rules.ask(RULE_QUESTION)
    with caplog.at_level(logging.WARNING, logger="qa.phrasing"):
        answer = engine(library, FakeLLM(by_task(reply))).ask(RULE_QUESTION)
    assert answer.answer == base.answer
    same_except_text(answer, base)
    assert "dropped" in caplog.text and why in caplog.text


def test_phrasing_with_invented_figure_68_13_for_68_12() -> None:
    """The brief's example on a hand-made answer citing the cell 68.12 (万元)."""
    cell = Citation(
        "r1", "a.pdf", QS, 2022, 5, "公开09表 财政拨款“三公”经费支出决算表", "合计", "决算数", "68.12"
    )
    answer = Answer("三公经费是多少？", STATUS_ANSWERED, "68.12万元。出处：公开09表。", Decimal("68.12"), "万元",
                    citations=(cell,))  # fmt: skip
    assert llm_text_problems("三公经费决算数是68.12万元。", answer) == []
    assert llm_text_problems("三公经费决算数是68.13万元。", answer) == ["68.13 无出处", "68.13万元 与答案中的数字或单位不符",
                                                                    "缺少答案的数字 68.12万元"]  # fmt: skip
    assert llm_text_problems("三公经费决算数约68.1万元。", answer) == []  # rounded, as the engine allows
    assert llm_text_problems("三公经费决算数是681200元。", answer) == []  # converted exactly
    assert "6812 无出处" in llm_text_problems(
        "三公经费决算数是68.12万元，即6812。", answer
    )  # no ×100 when bare


@pytest.mark.parametrize("reply", [timeout, lambda _p: (_ for _ in ()).throw(RuntimeError("HTTP 500"))])
def test_phrasing_kept_rule_text_when_the_llm_fails(
    library: Library, rules: QAEngine, reply: Callable[[str], str], caplog: pytest.LogCaptureFixture
) -> None:
    base = rules.ask(RULE_QUESTION)
    with caplog.at_level(logging.WARNING, logger="qa.phrasing"):
        answer = engine(library, FakeLLM(reply)).ask(RULE_QUESTION)
    assert answer.answer == base.answer
    same_except_text(answer, base)
    assert "LLM phrasing failed" in caplog.text


def test_only_answered_answers_are_phrased(library: Library) -> None:
    fake = FakeLLM(by_task("随便说说。"))
    refusal = engine(library, fake).ask("青山市政府办2019年公务接待费是多少？")  # no 2019 report
    assert refusal.status == STATUS_UNANSWERABLE and "2019" in refusal.answer
    assert fake.prompts == []  # understood (the year is missing): neither reworded nor phrased
    ambiguous = engine(library, fake).ask("公务接待费是多少？")
    assert ambiguous.status == "ambiguous" and not any(PHRASE_SYSTEM[:20] in p for p in fake.prompts)


def test_phraser_alone_never_changes_the_figures() -> None:
    cell = Citation("r1", "a.pdf", QS, 2024, 3, "公开09表", "公务接待费", "决算数", "3.46")
    answer = Answer("招待费？", STATUS_ANSWERED, "3.46万元。", Decimal("3.46"), "万元", citations=(cell,))
    phrased = AnswerPhraser(FakeLLM("“公务接待花了3.46万元。”")).phrase(answer)
    # quotes stripped, nothing else changed
    assert phrased == replace(answer, answer="公务接待花了3.46万元。")


# ---------------------------------------------------------------------------- question rewriting


def test_unread_question_is_refused_as_not_understood(rules: QAEngine) -> None:
    refusal = rules.ask(UNREAD)
    assert refusal.status == STATUS_UNANSWERABLE and not refusal.understood
    # a report that does not contain something is a different refusal: understood
    assert rules.ask("青山市政府办2019年公务接待费是多少？").understood
    assert rules.ask("北京市财政局2023年公务接待费是多少？").understood


def test_rewording_makes_an_unread_question_answerable(library: Library, rules: QAEngine) -> None:
    fake = FakeLLM(by_task(phrase=timeout, rewrite=f"改写后的问题：{CANONICAL}"))
    answer = engine(library, fake).ask(UNREAD)
    direct = rules.ask(CANONICAL)
    assert answer.status == STATUS_ANSWERED and answer.question == UNREAD
    assert answer.value == Decimal("3.46") and answer.unit == "万元" and answer.citations == direct.citations
    (cell,) = answer.citations
    assert cell.unit_name == QS and cell.quote == "3.46" and "公务接待费" in cell.column
    assert answer.answer.startswith(f"按“{CANONICAL}”理解：") and direct.answer in answer.answer
    assert unsupported_figures(answer) == []
    rewrite_prompt = fake.prompts[0]
    assert UNREAD in rewrite_prompt and "绿水县财政局" in rewrite_prompt and "公务接待费" in rewrite_prompt


def test_reworded_answer_is_phrased_too(library: Library) -> None:
    text = "青山市人民政府办公室2024年请客吃饭（公务接待）花了3.46万元。"
    answer = engine(library, FakeLLM(by_task(phrase=text, rewrite=CANONICAL))).ask(UNREAD)
    assert answer.answer == text and answer.value == Decimal("3.46")


@pytest.mark.parametrize(
    "rewrite",
    [
        "无法改写",
        "青山市人民政府办公室2024年请客吃饭花了多少？",  # still unreadable
        "绿水县财政局2023年公务接待费决算数是多少？",  # another report than the question named
        "青山市人民政府办公室2024年公务接待费是3.46万元吗？",  # hands the rules a figure
        "",
    ],
)
def test_failed_rewording_returns_the_original_refusal(
    library: Library, rules: QAEngine, rewrite: str
) -> None:
    original = rules.ask(UNREAD)
    answer = engine(library, FakeLLM(by_task(phrase="不应被调用。", rewrite=rewrite))).ask(UNREAD)
    assert (answer.status, answer.answer, answer.citations) == (
        original.status,
        original.answer,
        original.citations,
    )


def test_rewording_failure_returns_the_original_refusal(library: Library, rules: QAEngine) -> None:
    answer = engine(library, FakeLLM(timeout)).ask(UNREAD)
    assert answer.status == STATUS_UNANSWERABLE and answer.answer == rules.ask(UNREAD).answer


def test_rewriter_cleans_and_refuses() -> None:
    assert QuestionRewriter(FakeLLM(f"```\n“{CANONICAL}”\n```")).rewrite(UNREAD, []) == CANONICAL
    assert (
        QuestionRewriter(FakeLLM(f"<think>\n请客吃饭即公务接待。\n</think>\n{CANONICAL}")).rewrite(UNREAD, [])
        == CANONICAL
    )
    assert QuestionRewriter(FakeLLM("无法改写")).rewrite(UNREAD, []) is None
    assert QuestionRewriter(FakeLLM(UNREAD)).rewrite(UNREAD, []) is None  # nothing new
    # numbers: years and the question's own numbers only (no amounts, no codes it did not write)
    assert (
        QuestionRewriter(FakeLLM("青山市人民政府办公室2024年30217公务接待费是多少？")).rewrite(UNREAD, [])
        is None
    )
    assert (
        QuestionRewriter(FakeLLM("青山市人民政府办公室2024年项目预算315万元执行了多少？")).rewrite(UNREAD, [])
        is None
    )
    coded = "青山市人民政府办公室2024年2010301行政运行决算数是多少？"
    assert QuestionRewriter(FakeLLM(coded)).rewrite("青山市府办2024年2010301花了多少钱啊", []) == coded


def test_without_an_llm_nothing_changes(library: Library, rules: QAEngine) -> None:
    assert rules.llm is None and rules.phraser is None and rules.rewriter is None
    assert rules.ask(UNREAD).status == STATUS_UNANSWERABLE


# ---------------------------------------------------------------------------- the endpoint


def test_make_llm_needs_a_base_url() -> None:
    assert make_llm(Settings()) is None
    assert make_llm(Settings(llm_base_url="  ", llm_model="m")) is None
    llm = make_llm(Settings(llm_base_url="http://localhost:8000/v1/", llm_model="qwen", llm_api_key="k"))
    assert isinstance(llm, OpenAICompatibleLLM) and isinstance(llm, CustomLLM)
    assert llm.endpoint == "http://localhost:8000/v1/chat/completions" and llm.model == "qwen"


def test_settings_from_env_configure_the_llm() -> None:
    env = {"BUDGETQA_LLM_BASE_URL": "http://h/v1", "BUDGETQA_LLM_MODEL": "m", "BUDGETQA_LLM_API_KEY": "k"}
    settings = Settings.from_env(env)
    assert (settings.llm_base_url, settings.llm_model, settings.llm_api_key) == ("http://h/v1", "m", "k")
    assert isinstance(make_llm(settings), OpenAICompatibleLLM)


def _completion(text: str) -> dict[str, Any]:
    return {"id": "x", "object": "chat.completion", "choices": [{"index": 0, "message": {"role": "assistant",
            "content": text}, "finish_reason": "stop"}]}  # fmt: skip


def test_openai_compatible_llm_sends_the_right_json() -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json=_completion("公务接待花了3.46万元。"))

    settings = Settings(llm_base_url="http://llm.test/v1/", llm_model="qwen2.5-7b", llm_api_key="sk-test")
    llm = make_llm(settings, transport=httpx.MockTransport(handler))
    cell = Citation("r1", "a.pdf", QS, 2024, 3, "公开09表", "公务接待费", "决算数", "3.46")
    answer = Answer("招待费？", STATUS_ANSWERED, "3.46万元。", Decimal("3.46"), "万元", citations=(cell,))
    assert llm is not None
    phrased = AnswerPhraser(llm).phrase(answer)
    assert phrased.answer == "公务接待花了3.46万元。"
    (request,) = requests
    assert request.method == "POST" and str(request.url) == "http://llm.test/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-test"
    assert request.headers["content-type"] == "application/json"
    body = json.loads(request.content)
    assert body["model"] == "qwen2.5-7b" and body["temperature"] == 0 and body["stream"] is False
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert (
        body["messages"][0]["content"] == PHRASE_SYSTEM
        and "答案：3.46万元。" in body["messages"][1]["content"]
    )
    assert "sk-test" not in repr(llm)  # the key is not a model field
    assert llm.timeout == 20.0


def test_openai_compatible_llm_without_key_sends_no_authorization() -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json=_completion("好"))

    llm = OpenAICompatibleLLM("http://llm.test/v1", "m", transport=httpx.MockTransport(handler))
    assert llm.complete("你好").text == "好"
    assert "authorization" not in requests[0].headers
    assert json.loads(requests[0].content)["messages"] == [{"role": "user", "content": "你好"}]


@pytest.mark.parametrize(
    "respond",
    [
        lambda request: httpx.Response(500, text="server error"),
        lambda request: httpx.Response(200, json={"error": "no choices"}),
        lambda request: (_ for _ in ()).throw(httpx.ReadTimeout("timed out", request=request)),
        lambda request: (_ for _ in ()).throw(httpx.ConnectError("refused", request=request)),
    ],
)
def test_endpoint_failures_keep_the_rule_based_answer(
    library: Library, rules: QAEngine, respond: Callable[[httpx.Request], httpx.Response]
) -> None:
    llm = OpenAICompatibleLLM("http://llm.test/v1", "m", transport=httpx.MockTransport(respond))
    base = rules.ask(RULE_QUESTION)
    answer = QAEngine(library, llm=llm).ask(RULE_QUESTION)
    assert answer.answer == base.answer
    same_except_text(answer, base)
    refusal = QAEngine(library, llm=llm).ask(UNREAD)
    assert refusal.status == STATUS_UNANSWERABLE and refusal.answer == rules.ask(UNREAD).answer


def test_numbers_that_look_like_labels_are_checked_too() -> None:
    """``315万元`` reads like a subject code to the engine's own check; in LLM text it is a figure."""
    quote = "项目预算总金额 315 万元，2023 年支出 49.02 万元。"
    cell = Citation(
        "r1", "a.txt", "临夏市人民政府办公室", 2023, None, "", "（一）项目概况", "", quote, line=12
    )
    answer = Answer("预算总金额？", STATUS_ANSWERED, f"315万元。原文：“{quote}”", Decimal(315), "万元",
                    citations=(cell,))  # fmt: skip
    assert llm_text_problems(answer.answer, answer) == []
    assert llm_text_problems("项目预算总金额为315万元。", answer) == []
    assert "316 无出处" in llm_text_problems("项目预算总金额为316万元。", answer)


# ---------------------------------------------------------------------------- wiring


def test_cli_ask_uses_the_configured_llm(sample_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    import qa.llm
    from ui.cli import cli

    text = "青山市人民政府办公室2024年公务接待花了3.46万元。"
    made: list[Settings] = []

    def fake_make_llm(settings: Settings) -> FakeLLM:
        made.append(settings)
        return FakeLLM(by_task(text))

    monkeypatch.setattr(qa.llm, "make_llm", fake_make_llm)
    for name in ("BUDGETQA_LLM_BASE_URL", "BUDGETQA_LLM_MODEL", "BUDGETQA_LLM_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()
    plain = runner.invoke(cli, ["--home", str(sample_home), "ask", RULE_QUESTION, "--json"])
    assert plain.exit_code == 0 and made == [] and json.loads(plain.output)["answer"] != text
    by_flag = runner.invoke(
        cli,
        ["--home", str(sample_home), "--llm-base-url", "http://llm.test/v1", "--llm-model", "m", "ask", RULE_QUESTION,
         "--json"],
    )  # fmt: skip
    assert by_flag.exit_code == 0, by_flag.output
    data = json.loads(by_flag.output)
    assert data["answer"] == text and data["value"] == 3.46 and data["citations"]
    env = {"BUDGETQA_LLM_BASE_URL": "http://llm.test/v1", "BUDGETQA_LLM_API_KEY": "k"}
    by_env = runner.invoke(cli, ["--home", str(sample_home), "ask", RULE_QUESTION, "--json"], env=env)
    assert json.loads(by_env.output)["answer"] == text
    assert [(s.llm_base_url, s.llm_model, s.llm_api_key) for s in made] == [
        ("http://llm.test/v1", "m", ""),
        ("http://llm.test/v1", "", "k"),
    ]


def test_chat_page_engine_uses_the_configured_llm(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    import qa.llm
    from ui.backend import real_engine

    assert real_engine(library).llm is None  # type: ignore[attr-defined]
    fake = FakeLLM("好")
    monkeypatch.setattr(qa.llm, "make_llm", lambda settings: fake)
    configured = Library(replace(library.settings, llm_base_url="http://llm.test/v1"))
    try:
        assert real_engine(configured).llm is fake  # type: ignore[attr-defined]
    finally:
        configured.close()
