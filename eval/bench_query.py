"""Query benchmark: answer latency p50/p95 over a gold file's questions (one warm
process), cold-start time of ``budgetqa ask`` (a new process answering one question),
and peak memory of both, on this machine.

Usage: python -m eval.bench_query [--home DIR] [--gold FILE] [--repeat N]
Without --home, ingests ../shared/reports/text into a temporary home first.
Targets: p50 ≤ 100 ms, p95 ≤ 500 ms, cold start ≤ 3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from index.library import Library
from ingest.settings import Settings
from qa.engine import QAEngine

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--gold", type=Path, default=SHARED / "eval" / "dev.jsonl")
    parser.add_argument("--repeat", type=int, default=3, help="cold starts to time")
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in args.gold.read_text("utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or Path(tmp)
        with Library(Settings(home=home)) as library:
            if not library.facts.report_ids():
                library.ingest_paths([SHARED / "reports" / "text"])
            engine = QAEngine(library)
            start = time.perf_counter()
            engine.warm()
            warm_seconds = time.perf_counter() - start
            latencies = []
            for question in questions:
                t = time.perf_counter()
                engine.ask(question)
                latencies.append((time.perf_counter() - t) * 1000)
        peak_warm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        env = {**os.environ, "BUDGETQA_HOME": str(home)}
        colds = []
        for n in range(args.repeat):
            t = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "ui.cli", "ask", questions[n % len(questions)], "--json"],
                env=env, check=True, capture_output=True,
            )  # fmt: skip
            colds.append(time.perf_counter() - t)
        peak_cold = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    latencies.sort()
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    print("| measure | value |\n|---|---|")
    print(f"| questions | {len(latencies)} |")
    print(f"| latency p50 / p95 (warm process) | {statistics.median(latencies):.1f} ms / {p95:.1f} ms |")
    print(f"| warm-up of a new engine (reports, word segmenter) | {warm_seconds:.2f} s |")
    print(f"| cold start of `budgetqa ask` (new process, one answer; median of {args.repeat}) | {statistics.median(colds):.2f} s |")
    print(f"| peak memory: warm process / one `budgetqa ask` | {peak_warm:.0f} MB / {peak_cold:.0f} MB |")


if __name__ == "__main__":
    main()
