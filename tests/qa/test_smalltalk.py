"""Greetings and nonsense are told apart from questions about the reports."""

from __future__ import annotations

import re

import pytest

from qa.smalltalk import is_smalltalk, smalltalk_answer


@pytest.mark.parametrize(
    "text", ["你好", "您好！", "谢谢", "在吗？", "今天天气怎么样", "asdf 1234", "hello", "???", "讲个笑话吧"]
)
def test_smalltalk(text: str) -> None:
    assert is_smalltalk(text)


@pytest.mark.parametrize(
    "text",
    [
        "青山市政府办2024年公务接待费是多少？",
        "招待费花了多少",
        "2023年呢？",
        "公车的钱为什么增加",
        "三公经费合计",
        "PPP项目有哪些",
    ],
)
def test_questions_about_reports(text: str) -> None:
    assert not is_smalltalk(text)


def test_in_a_conversation_a_short_follow_up_is_not_smalltalk() -> None:
    assert is_smalltalk("为什么会这样") and not is_smalltalk("为什么会这样", in_conversation=True)
    assert is_smalltalk("你好", in_conversation=True)
    assert not is_smalltalk("绿水县的呢", names=["绿水县财政局", "绿水县"])


def test_the_reply_says_what_can_be_asked_without_figures() -> None:
    answer = smalltalk_answer("你好", ["青山市政府办2024年公务接待费是多少？", "b", "c", "d"])
    assert answer.citations == () and answer.value is None
    assert "青山市政府办2024年公务接待费是多少？" in answer.answer and "“d”" not in answer.answer
    assert not re.search(r"\d+\.\d\d", answer.answer)
    assert "导入报告" in smalltalk_answer("你好").answer
