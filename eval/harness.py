"""End-to-end evaluation: run gold questions through a QA function, score, report.

Library use::

    from eval.harness import run_eval, format_summary, check_floor
    result = run_eval(Path("../shared/eval/dev.jsonl"), engine_answer, out_dir=Path("eval-out"))
    print(format_summary(result))
    assert check_floor(result, 0.6)

``answer_fn(question) -> dict`` returns the QA engine's JSON shape (``status``,
``answer``, ``value``, ``unit``, ``formula``, ``citations``, ``candidates``,
``elapsed_ms``); an object with ``to_json()`` is accepted too. Judging rules:
:mod:`eval.scoring`. Outputs: :mod:`eval.report`.

Command line (scores answers produced elsewhere, one JSON object with ``id`` per line)::

    python -m eval.harness answers.jsonl [--gold ../shared/eval/dev.jsonl] [--out DIR] [--floor 0.6]

Exit code 1 when accuracy is below ``--floor``.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from eval.report import Bucket, EvalResult, build_result, format_summary, write_outputs
from eval.scoring import Score, score_answer

__all__ = [
    "Bucket",
    "EvalResult",
    "Score",
    "check_floor",
    "format_summary",
    "load_gold",
    "run_eval",
    "score_answer",
    "score_answers",
]

logger = logging.getLogger(__name__)

DEFAULT_GOLD = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"
"""``../shared/eval/dev.jsonl`` beside the checkout (present in development and CI only)."""


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise ValueError(
                    f"{path}:{number}: not a JSON line ({error.msg}); fix or remove that line"
                ) from error
    return rows


def load_gold(gold_path: Path, ids: Collection[str] | None = None) -> list[dict[str, Any]]:
    """The gold rows of a ``dev.jsonl``-style file, optionally only those with the given ids."""
    rows = _read_jsonl(gold_path)
    return [row for row in rows if ids is None or row.get("id") in ids]


def _as_dict(answer: Any) -> dict[str, Any]:
    if isinstance(answer, Mapping):
        return dict(answer)
    to_json = getattr(answer, "to_json", None)
    if callable(to_json):
        return dict(to_json())
    raise TypeError(
        f"answer_fn returned {type(answer).__name__}; expected a dict or an object with to_json()"
    )


def run_eval(
    gold_path: Path,
    answer_fn: Callable[[str], Any],
    out_dir: Path | None = None,
    *,
    ids: Collection[str] | None = None,
) -> EvalResult:
    """Ask every gold question, score the answers, aggregate and (optionally) write reports.

    Latency is measured around each ``answer_fn`` call (wall clock, milliseconds) and
    replaces the answer's own ``elapsed_ms`` in the scores. An exception from
    ``answer_fn`` is recorded as a wrong answer with status ``error`` and the error in
    the reason; the run goes on.

    Args:
        gold_path: gold JSONL (see ``../shared/eval/FORMAT.md``).
        answer_fn: question text → answer dict.
        out_dir: where to write ``results.json``, ``report.md``, ``accuracy.png``;
            nothing is written when ``None``.
        ids: evaluate only these gold ids.

    Returns:
        The :class:`~eval.report.EvalResult`.
    """
    golds = load_gold(gold_path, ids)
    answers: list[dict[str, Any]] = []
    scores: list[Score] = []
    for index, gold in enumerate(golds, start=1):
        question = str(gold.get("question", ""))
        started = time.perf_counter()
        try:
            answer = _as_dict(answer_fn(question))
        except Exception as error:
            logger.warning("question %s failed: %s", gold.get("id"), error)
            answer = {"question": question, "status": "error", "answer": f"{type(error).__name__}: {error}"}
        elapsed_ms = (time.perf_counter() - started) * 1000
        answer.setdefault("id", gold.get("id"))
        score = score_answer(gold, answer, latency_ms=round(elapsed_ms, 1))
        if answer.get("status") == "error":
            score = _with_reason(score, f"answer_fn raised {answer['answer']}")
        answers.append(answer)
        scores.append(score)
        logger.info("%d/%d %s %s", index, len(golds), gold.get("id"), "ok" if score.correct else "WRONG")
    return _finish(gold_path, golds, answers, scores, out_dir)


def score_answers(gold_path: Path, answers_path: Path, out_dir: Path | None = None) -> EvalResult:
    """Score a batch file of answers produced elsewhere (JSON lines carrying the gold ``id``).

    Gold questions without an answer line count as wrong (status ``missing``); answer
    lines whose id is not in the gold are ignored with a warning. Latency comes from
    each answer's ``elapsed_ms``.

    Args:
        gold_path: gold JSONL.
        answers_path: answers JSONL, one answer dict with ``id`` per line.
        out_dir: where to write the reports, or ``None``.
    """
    golds = load_gold(gold_path)
    by_id = {str(row.get("id")): row for row in _read_jsonl(answers_path)}
    unknown = sorted(set(by_id) - {str(g.get("id")) for g in golds})
    if unknown:
        logger.warning(
            "%d answer(s) with ids not in %s ignored: %s", len(unknown), gold_path, ", ".join(unknown[:10])
        )
    answers: list[dict[str, Any]] = []
    scores: list[Score] = []
    for gold in golds:
        answer = by_id.get(str(gold.get("id")))
        if answer is None:
            answer = {
                "id": gold.get("id"),
                "question": gold.get("question"),
                "status": "missing",
                "answer": "",
            }
            score = _with_reason(
                score_answer(gold, answer), f"no answer with id {gold.get('id')} in {answers_path.name}"
            )
        else:
            score = score_answer(gold, answer)
        answers.append(answer)
        scores.append(score)
    return _finish(gold_path, golds, answers, scores, out_dir)


def check_floor(result: EvalResult, floor: float) -> bool:
    """True when overall accuracy (0–1) is at least ``floor`` (0–1)."""
    return result.accuracy >= floor


def _with_reason(score: Score, reason: str) -> Score:
    return replace(score, correct=False, reason=reason + (f"; {score.reason}" if score.reason else ""))


def _finish(
    gold_path: Path,
    golds: list[dict[str, Any]],
    answers: list[dict[str, Any]],
    scores: list[Score],
    out_dir: Path | None,
) -> EvalResult:
    result = build_result(gold_path, golds, answers, scores)
    if out_dir is not None:
        write_outputs(result, out_dir)
    return result


def main(argv: list[str] | None = None) -> int:
    """Command line: score an answers file; print the summary; exit 1 below ``--floor``."""
    parser = argparse.ArgumentParser(
        prog="python -m eval.harness",
        description="Score QA answers (JSON lines with gold ids) against gold questions. "
        "Example: python -m eval.harness answers.jsonl --out eval-out --floor 0.6",
    )
    parser.add_argument("answers", type=Path, help="answers JSONL, one answer object with 'id' per line")
    parser.add_argument(
        "--gold", type=Path, default=DEFAULT_GOLD, help=f"gold JSONL (default: {DEFAULT_GOLD})"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="write results.json, report.md, accuracy.png here"
    )
    parser.add_argument("--floor", type=float, default=None, help="fail (exit 1) below this accuracy, 0–1")
    args = parser.parse_args(argv)
    if not args.gold.is_file():
        parser.error(f"gold file not found: {args.gold}; pass --gold PATH")
    result = score_answers(args.gold, args.answers, args.out)
    print(format_summary(result))
    if args.floor is not None and not check_floor(result, args.floor):
        print(f"Accuracy {result.accuracy:.1%} is below the floor {args.floor:.1%}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
