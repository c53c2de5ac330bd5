"""Retrieval evaluation: is a chunk of the right report holding the gold figure in the top 5,
and first? Over the number questions of a gold file (cross-report questions excluded).

Usage: python -m eval.retrieval [GOLD.jsonl] [--home DIR] [--reports DIR...] [--json]
Ingests ../shared/reports first when the home (default: a temporary one) has no reports.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from index.library import Library
from index.model import Chunk
from index.search import Searcher
from ingest.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
MODES = ("hybrid", "vector", "keyword")


def _normalize(text: str) -> str:
    text = re.sub(r"(?<=\d)[,，]\s*(?=\d)", "", text)
    text = re.sub(r"(?<=\d)\s*\.\s*(?=\d)", ".", text)
    return text


_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")


def gold_value(answer: str) -> tuple[Decimal, int] | None:
    """The first gold number and its printed decimals."""
    first = answer.split("；")[0].strip()
    try:
        value = Decimal(first)
    except InvalidOperation:
        return None
    exponent = value.as_tuple().exponent
    return value, -exponent if isinstance(exponent, int) and exponent < 0 else 0


def holds(text: str, gold: tuple[Decimal, int], unit: str) -> bool:
    """Does the text print the gold figure, as is or converted between 元 and 万元
    (rounded to the gold's printed precision)?"""
    value, places = gold
    quantum = Decimal(1).scaleb(-places)
    for match in _NUMBER.finditer(_normalize(text)):
        n = Decimal(match.group())
        candidates = [n]
        if unit == "万元":
            candidates.append(n / 10000)
        elif unit == "元":
            candidates.append(n * 10000)
        if any(c.quantize(quantum) == value for c in candidates):
            return True
    return False


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    report: str
    unit: str
    gold: tuple[Decimal, int]


def load_questions(gold: Path) -> list[Question]:
    """Number questions about one report (cross-report, unanswerable, ambiguous excluded)."""
    out = []
    for line in gold.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["answer_type"] != "number" or row["kind"] in ("cross_report", "unanswerable", "ambiguous"):
            continue
        if "," in row["report"]:
            continue
        value = gold_value(row["answer"])
        if value is not None:
            out.append(Question(row["id"], row["question"], row["report"], row["unit"], value))
    return out


def printed(library: Library, questions: list[Question]) -> tuple[list[Question], list[Question]]:
    """Split into questions whose gold figure is printed in some chunk of the report, and
    the rest (computed answers: no chunk can hold them)."""
    by_file: dict[str, list[Chunk]] = {}
    for chunk in library.chunks.all():
        by_file.setdefault(chunk.file, []).append(chunk)
    yes, no = [], []
    for q in questions:
        (yes if any(holds(c.text, q.gold, q.unit) for c in by_file.get(q.report, [])) else no).append(q)
    return yes, no


def evaluate(searcher: Searcher, questions: list[Question], k: int = 5) -> dict[str, dict[str, object]]:
    results: dict[str, dict[str, object]] = {}
    for mode in MODES:
        first = top = 0
        misses = []
        for q in questions:
            hits = searcher.search(q.question, k=k, mode=mode)
            good = [i for i, h in enumerate(hits) if h.chunk.file == q.report and holds(h.chunk.text, q.gold, q.unit)]
            if good:
                top += 1
                first += good[0] == 0
            else:
                misses.append(q.id)
        n = len(questions) or 1
        results[mode] = {"questions": len(questions), "top1": first / n, "top5": top / n, "misses": misses}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="?", type=Path, default=SHARED / "eval" / "dev.jsonl")
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--reports", type=Path, nargs="*", default=[SHARED / "reports"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(home=args.home or Path(tmp))
        with Library(settings) as library:
            if not library.facts.report_ids():
                library.ingest_paths(args.reports)
            questions, computed = printed(library, load_questions(args.gold))
            results = evaluate(Searcher(library), questions)
            results["excluded"] = {"computed_not_printed": [q.id for q in computed]}
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return
    print("| mode | questions | top-1 | top-5 |\n|---|---|---|---|")
    for mode in MODES:
        r = results[mode]
        print(f"| {mode} | {r['questions']} | {r['top1']:.1%} | {r['top5']:.1%} |")
    for mode in MODES:
        print(f"{mode} misses: {', '.join(results[mode]['misses'])}")  # type: ignore[arg-type]
    excluded = results["excluded"]["computed_not_printed"]  # type: ignore[index]
    print(f"excluded ({len(excluded)} computed answers printed nowhere): {', '.join(excluded)}")


if __name__ == "__main__":
    main()
