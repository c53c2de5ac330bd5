"""Readers during an ingest: ``budgetqa ask`` processes answering while a PDF is ingested.

A fresh home gets one report (the 罗庄区 text conversion, whose 三公 budget total is 25.00
万元); then ``budgetqa ingest`` of a ~30-page PDF starts in another process and, while it
runs, ``--asks`` processes of ``budgetqa ask --json`` ask about the stored report. Each
ask is timed from its process start to its exit (wall, including Python start-up and
imports) and by the engine's own ``elapsed_ms``; its answer is checked against 25.00.

Two ways to send the asks:

- ``--mode staggered`` (default): one ask every ``--interval`` seconds while the ingest
  runs (a steady stream of users; several overlap);
- ``--mode burst``: all at once (2 cores: their start-up alone queues for the CPU).

Run::

    python -m eval.bench_concurrency [--asks 20] [--mode staggered|burst] [--pdf PATH]

Prints one line per ask and a summary (answered correctly, errors, wall p50/max,
engine p50/max, whether the ingest was still running); exit code 1 if any ask failed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BUDGETQA_SHARED", REPO.parent / "shared"))
ANSWER_REPORT = SHARED / "reports" / "text" / "001_5564e2671ee696e1.txt"
INGEST_PDF = SHARED / "reports" / "pdf" / "putuo_planning_2024_dept_final.pdf"
QUESTION = "罗庄区政府办2021年“三公”经费年初预算合计是多少？"
EXPECTED = "25.00"


@dataclass(frozen=True)
class AskResult:
    """One ``budgetqa ask`` process: wall seconds, engine ms, answer, error text."""

    started: float
    wall_s: float
    engine_ms: float | None
    value: str | None
    status: str
    error: str
    during_ingest: bool

    @property
    def correct(self) -> bool:
        return self.status == "answered" and self.value is not None and float(self.value) == float(EXPECTED)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False", ANONYMIZED_TELEMETRY="False")
    return env


def _budgetqa(home: Path, *args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "budgetqa"), "--home", str(home), *args]


def _collect(proc: subprocess.Popen[str], started: float, ingest: subprocess.Popen[bytes]) -> AskResult:
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    during = ingest.poll() is None
    try:
        answer = json.loads(out)
    except ValueError:
        return AskResult(started, wall, None, None, "error", (err or out).strip()[-300:], during)
    value = answer.get("value")
    return AskResult(
        started, wall, answer.get("elapsed_ms"), None if value is None else str(value),
        answer.get("status", "?"), err.strip()[-300:] if proc.returncode else "", during,
    )  # fmt: skip


def run(asks: int, mode: str, interval: float, pdf: Path, home: Path) -> list[AskResult]:
    """Set up ``home``, start the ingest of ``pdf``, send the asks; return their results."""
    setup = subprocess.run(
        _budgetqa(home, "ingest", str(ANSWER_REPORT)), check=False, env=_env(), capture_output=True, text=True
    )
    if setup.returncode:
        raise SystemExit(f"setup failed: {setup.stderr or setup.stdout}")
    subprocess.run(_budgetqa(home, "ask", QUESTION), env=_env(), capture_output=True, check=True)  # warm caches
    ingest_started = time.perf_counter()
    ingest = subprocess.Popen(_budgetqa(home, "ingest", str(pdf)), env=_env(), cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    time.sleep(2.0)  # let it open the store and start parsing
    running: list[tuple[subprocess.Popen[str], float]] = []
    for i in range(asks):
        if mode == "staggered" and i:
            time.sleep(interval)
        started = time.perf_counter()
        proc = subprocess.Popen(_budgetqa(home, "ask", QUESTION, "--json"), env=_env(), cwd=REPO,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        running.append((proc, started))
    results = [_collect(proc, started, ingest) for proc, started in running]
    ingest.wait()
    print(f"ingest of {pdf.name}: {time.perf_counter() - ingest_started:.1f} s, exit {ingest.returncode}")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--asks", type=int, default=20, help="how many ask processes (default 20)")
    parser.add_argument("--mode", choices=["staggered", "burst"], default="staggered", help="how the asks are sent")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between asks in staggered mode")
    parser.add_argument("--pdf", type=Path, default=INGEST_PDF, help="the PDF ingested meanwhile")
    parser.add_argument("--home", type=Path, default=None, help="home directory (default: a new temp folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bq-bench-conc-") as tmp:
        home = args.home or Path(tmp) / "home"
        results = run(args.asks, args.mode, args.interval, args.pdf, home)
    for i, r in enumerate(results, 1):
        print(
            f"ask {i:2d}: {r.status:12s} value={r.value} wall {r.wall_s:.2f} s engine "
            f"{r.engine_ms if r.engine_ms is None else round(r.engine_ms)} ms"
            f"{' (during ingest)' if r.during_ingest else ''}{' ERROR ' + r.error if r.error else ''}"
        )
    correct = sum(r.correct for r in results)
    walls = [r.wall_s for r in results]
    engine = [r.engine_ms for r in results if r.engine_ms is not None]
    during = sum(r.during_ingest for r in results)
    print(
        f"{args.mode}: {correct}/{len(results)} answered correctly, {sum(1 for r in results if r.error)} errors, "
        f"{during} finished while the ingest ran; wall p50 {statistics.median(walls):.2f} s, max {max(walls):.2f} s; "
        f"engine p50 {statistics.median(engine) if engine else float('nan'):.0f} ms, "
        f"max {max(engine) if engine else float('nan'):.0f} ms"
    )
    return 0 if correct == len(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
