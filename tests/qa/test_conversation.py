"""Follow-up questions in a conversation (qa.conversation), on the real text reports."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qa.conversation import Conversation
from qa.engine import QAEngine
from qa.model import STATUS_AMBIGUOUS, STATUS_ANSWERED

YANZHOU = "济宁市兖州区人民政府办公室（本级）"
LINYI = "临沂市人民政府办公室本级"


@pytest.fixture()
def conversation(text_engine: QAEngine) -> Conversation:
    return Conversation(text_engine)


def test_first_question_is_answered_as_typed(conversation: Conversation, text_engine: QAEngine) -> None:
    question = "兖州区政府办2023年三公经费合计是多少？"
    answer = conversation.ask(question)
    alone = text_engine.ask(question)
    assert answer.asked_as is None
    assert answer.question == question
    assert (answer.status, answer.value) == (alone.status, alone.value)
    assert answer.to_json()["asked_as"] is None


def test_follow_up_inherits_unit_and_year(conversation: Conversation) -> None:
    first = conversation.ask("兖州区政府办2023年三公经费合计是多少？")
    assert first.value == Decimal("21.65")
    follow = conversation.ask("那公务接待费呢？")
    assert follow.question == "那公务接待费呢？"
    assert follow.asked_as is not None and YANZHOU in follow.asked_as and "2023年" in follow.asked_as
    assert "公务接待费" in follow.asked_as
    assert (follow.status, follow.value, follow.unit) == (STATUS_ANSWERED, Decimal("0.95"), "万元")
    assert follow.citations and all(c.unit_name == YANZHOU for c in follow.citations)


def test_follow_up_naming_another_unit_keeps_the_topic(conversation: Conversation) -> None:
    conversation.ask("兖州区政府办2023年三公经费合计是多少？")
    other = conversation.ask("那临夏市政府办呢？")
    assert other.asked_as is not None and "三公经费合计" in other.asked_as and "2023年" in other.asked_as
    assert other.status == STATUS_ANSWERED
    assert {c.unit_name for c in other.citations} == {"临夏市人民政府办公室"}


def test_relative_year_counts_from_the_conversation_year(conversation: Conversation) -> None:
    conversation.ask("临沂市政府办2022年基本支出是多少")
    last = conversation.ask("那上年呢？")
    assert last.asked_as is not None and "2021年" in last.asked_as and "基本支出" in last.asked_as
    # the 2022 report states last year's figure through its comparison: a formula, cited
    assert last.status == STATUS_ANSWERED and last.formula
    again = conversation.ask("去年的项目支出呢")
    assert again.asked_as is not None and "2020年" in again.asked_as and LINYI in again.asked_as


def test_clear_starts_a_new_conversation(conversation: Conversation) -> None:
    conversation.ask("兖州区政府办2023年三公经费合计是多少？")
    conversation.clear()
    alone = conversation.ask("那公务接待费呢？")
    assert alone.asked_as is None
    assert alone.status == STATUS_AMBIGUOUS  # several reports print it: which one?


def test_a_complete_question_is_not_rewritten(conversation: Conversation) -> None:
    conversation.ask("兖州区政府办2023年三公经费合计是多少？")
    answer = conversation.ask("临沂市政府办2022年基本支出是多少")
    assert answer.asked_as is None
    assert answer.value == Decimal("2942.21")


def test_relative_year_of_a_first_question_counts_from_the_latest_report(text_engine: QAEngine) -> None:
    # a 决算 of 2022 is published in 2023: 去年 is 2022 (said in asked_as)
    answer = text_engine.ask("临沂市政府办去年招待费花了多少？")
    assert answer.asked_as is not None and "2022年" in answer.asked_as
    assert answer.question == "临沂市政府办去年招待费花了多少？"
    assert (answer.status, answer.value) == (STATUS_ANSWERED, Decimal("68.12"))
    # a question naming its year is not rewritten
    assert text_engine.ask("临沂市政府办2022年招待费花了多少？").asked_as is None
