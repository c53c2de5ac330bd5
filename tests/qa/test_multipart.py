"""Questions of several parts answered part by part (qa.multipart)."""

from __future__ import annotations

from decimal import Decimal

from qa.engine import QAEngine
from qa.model import STATUS_ANSWERED
from qa.multipart import sub_questions


def test_later_parts_get_the_first_parts_unit_year_and_item() -> None:
    parts = sub_questions(
        "兖州区政府办公室2023年“行政单位医疗（项）”年初预算多少？决算完成了年初预算的多少？"
    )
    assert parts == [
        "兖州区政府办公室2023年“行政单位医疗（项）”年初预算多少",
        "兖州区政府办公室2023年“行政单位医疗（项）”决算完成了年初预算的多少",
    ]


def test_context_before_the_first_ask_is_kept() -> None:
    parts = sub_questions("某某局的驻京联络处工作经费，2022年年初预算多少万元？全年支出决算多少？")
    assert parts[1] == "某某局的驻京联络处工作经费，2022年全年支出决算多少"


def test_a_question_of_one_part_is_not_cut() -> None:
    assert sub_questions("临沂市政府办2022年公务接待费是多少？") == []


def test_every_part_answered_with_its_own_citation(text_engine: QAEngine) -> None:
    answer = text_engine.ask(
        "兖州区政府办公室2023年“行政单位医疗（项）”年初预算多少？决算完成了年初预算的多少？"
    )
    assert answer.status == STATUS_ANSWERED
    assert answer.value == Decimal("33.95")
    assert "33.95" in answer.answer and "119.56" in answer.answer
    assert len(answer.citations) >= 2  # one per part


def test_a_total_is_written_as_its_parts_from_the_lexicon() -> None:
    from qa.text_measures import _parts_of

    ways = _parts_of("三公经费")
    assert sorted(ways[0]) == sorted(["公务接待费", "公务用车购置及运行维护费", "因公出国（境）费"])
    # the car costs written as their own parts too
    assert any("公务用车购置费" in way and "公务用车运行维护费" in way for way in ways[1:])
    assert _parts_of("公务接待费") == []
