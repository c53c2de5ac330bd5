"""Does the engine hold on questions it was not written for?

- ``dev_pdf.jsonl`` over the Jiangsu PDFs: accuracy, and — the figure that matters most —
  answered-but-wrong (a confident wrong figure) at most 2% of the questions;
- ``tests/qa/data/own_pdf.jsonl``: 47 questions written (by reading the PDFs, without running the
  engine) over five reports no development question asks about — the nearest we have to the
  hidden measurement;
- ``tests/qa/data/blind_pdf.jsonl``: 44 more, written the same way over four other PDFs (a 决算, a
  部门/单位 pair, a narrative-only file, a WPS file); first run 25/44 (56.8%) with 3 answered wrong
  before anything was changed for it;
- rewordings (``tests/qa/data/rewordings.jsonl``, written by hand: colloquial, formal, abbreviated
  unit name / other word order; three per question for 79 dev and dev_pdf questions): each
  rewording should get the same answer as its original (same status, figure and unit). The
  floors are what the engine achieves now; the failures are printed, as the to-do list.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.engine import QAEngine
from qa.model import STATUS_ANSWERED, Answer

REWORDINGS = Path(__file__).parent / "data" / "rewordings.jsonl"


def _key(answer: Answer) -> tuple[str, str | None, str | None]:
    value = str(answer.value.normalize()) if answer.value is not None else None
    return answer.status, value, answer.unit if value is not None else None


def _rewordings(source: str) -> list[dict]:
    rows = [json.loads(line) for line in REWORDINGS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["source"] == source]


def test_rewordings_file_is_well_formed() -> None:
    rows = _rewordings("dev") + _rewordings("dev_pdf")
    assert len(rows) >= 60
    for row in rows:
        assert len(row["rewordings"]) == 3 and len(set(row["rewordings"])) == 3, row["id"]
        assert row["original"] not in row["rewordings"], row["id"]


def _agreement(engine: QAEngine, rows: list[dict]) -> tuple[int, int, list[str]]:
    agree = total = 0
    differ: list[str] = []
    wrong: list[str] = []
    for row in rows:
        original = engine.ask(row["original"])
        for question in row["rewordings"]:
            answer = engine.ask(question)
            total += 1
            if _key(answer) == _key(original):
                agree += 1
                continue
            differ.append(f"{row['id']}: {question} → {_key(answer)} (original {_key(original)})")
            if answer.status == STATUS_ANSWERED and original.status == STATUS_ANSWERED:
                wrong.append(differ[-1])
    print("\n".join(differ))
    return agree, total, wrong


@pytest.mark.shared
@pytest.mark.slow
def test_dev_rewordings_get_the_originals_answer(text_engine: QAEngine) -> None:
    agree, total, wrong = _agreement(text_engine, _rewordings("dev"))
    print(f"dev rewordings: {agree}/{total} agree")
    assert total >= 150
    assert agree / total >= 0.89  # measured 143/159 = 0.899
    assert len(wrong) <= 8, wrong  # answered with another figure than the original


@pytest.mark.shared
@pytest.mark.slow
def test_dev_pdf_rewordings_get_the_originals_answer(jiangsu_engine: QAEngine) -> None:
    agree, total, wrong = _agreement(jiangsu_engine, _rewordings("dev_pdf"))
    print(f"dev_pdf rewordings: {agree}/{total} agree")
    assert total >= 75
    assert agree / total >= 0.95  # measured 78/78
    assert len(wrong) <= 3, wrong


@pytest.mark.shared
@pytest.mark.slow
def test_dev_pdf_accuracy_and_answered_but_wrong(jiangsu_engine: QAEngine, shared_dir: Path) -> None:
    from eval.harness import format_summary, run_eval

    result = run_eval(shared_dir / "eval" / "dev_pdf.jsonl", jiangsu_engine.ask)
    print(format_summary(result))
    assert result.accuracy >= 0.93  # measured 58/60 = 0.967, 0 answered wrong
    assert result.answered_wrong <= 0.02 * result.total
    assert result.silent_refused == result.silent
    assert all(s.numbers_supported for s in result.scores)


def _floors(engine: QAEngine, gold: str, total: int, accuracy: float, wrong: int) -> None:
    from eval.harness import format_summary, run_eval

    result = run_eval(Path(__file__).parent / "data" / gold, engine.ask)
    print(format_summary(result))
    assert result.total >= total
    assert result.accuracy >= accuracy
    assert result.answered_wrong <= wrong
    assert result.silent_refused == result.silent
    assert all(s.numbers_supported for s in result.scores)


@pytest.mark.shared
@pytest.mark.slow
def test_held_out_pdf_questions(all_pdf_engine: QAEngine) -> None:
    # measured 44/47 = 0.936 (first run 29/47), 0 answered wrong
    _floors(all_pdf_engine, "own_pdf.jsonl", total=45, accuracy=0.85, wrong=1)


@pytest.mark.shared
@pytest.mark.slow
def test_blind_pdf_questions(all_pdf_engine: QAEngine) -> None:
    # measured 38/44 = 0.864 (first, untouched run: 25/44), 0 answered wrong
    _floors(all_pdf_engine, "blind_pdf.jsonl", total=40, accuracy=0.75, wrong=1)


@pytest.mark.shared
@pytest.mark.slow
def test_second_blind_pdf_questions(all_pdf_engine: QAEngine) -> None:
    # 60 questions written without the engine over 12 PDFs (blind2_pdf.jsonl): first untouched
    # run 47/60 = 0.783 with 6 answered wrong; after generic fixes 57/60, 0 answered wrong
    _floors(all_pdf_engine, "blind2_pdf.jsonl", total=60, accuracy=0.9, wrong=1)


@pytest.mark.shared
@pytest.mark.slow
def test_third_blind_text_questions(text_engine: QAEngine) -> None:
    # 60 new questions over the five text reports, written without the engine (blind3_text.jsonl):
    # first untouched run 43/60 = 0.717 with 8 answered wrong; after generic fixes 50/60, 2 wrong
    _floors(text_engine, "blind3_text.jsonl", total=60, accuracy=0.8, wrong=2)
