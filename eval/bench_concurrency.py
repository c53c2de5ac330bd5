"""Readers during an ingest: ``budgetqa ask`` processes answering while a PDF is ingested.

A fresh home gets one report (the 罗庄区 text conversion, whose 三公 budget total is 25.00
万元). ``--asks`` processes of ``budgetqa ask --json`` ask about it twice: first with
nothing else running (``idle``, the baseline on this machine), then while ``budgetqa
ingest`` of a ~30-page PDF runs in another process. Each ask is timed from its process
start to its exit (wall, including Python start-up and imports) and by the engine's own
``elapsed_ms``; its answer is checked against 25.00. The two phases side by side tell
waiting for the writer (there should be none) from sharing the CPU with it.

Two ways to send the asks:

- ``--mode staggered`` (default): one ask every ``--interval`` seconds while the ingest
  runs (a steady stream of users; several overlap);
- ``--mode burst``: all at once (2 cores: their start-up alone queues for the CPU).

With ``--serve`` a ``budgetqa serve`` of the home runs throughout, so every plain ask is
forwarded to it over its socket (:mod:`ui.ask_service`: no engine start-up in the ask
process); without it each ask starts the engine itself.

Run::

    python -m eval.bench_concurrency [--asks 20] [--mode staggered|burst] [--pdf PATH] [--serve]

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
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from eval.bench_web import _start_server as start_server

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


def _ask(home: Path, ingest: subprocess.Popen[bytes] | None, out: list[AskResult]) -> None:
    """Run one ``budgetqa ask --json`` and append its result (timed from start to exit)."""
    started = time.perf_counter()
    proc = subprocess.Popen(_budgetqa(home, "ask", QUESTION, "--json"), env=_env(), cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - started
    during = ingest is not None and ingest.poll() is None
    try:
        answer = json.loads(stdout)
    except ValueError:
        out.append(AskResult(started, wall, None, None, "error", (stderr or stdout).strip()[-300:], during))
        return
    value = answer.get("value")
    out.append(AskResult(
        started, wall, answer.get("elapsed_ms"), None if value is None else str(value),
        answer.get("status", "?"), stderr.strip()[-300:] if proc.returncode else "", during,
    ))  # fmt: skip


def _send(
    home: Path, asks: int, mode: str, interval: float, ingest: subprocess.Popen[bytes] | None
) -> list[AskResult]:
    """Start ``asks`` ask processes (all at once, or one every ``interval`` s); wait for all."""
    results: list[AskResult] = []
    threads = []
    for i in range(asks):
        if mode == "staggered" and i:
            time.sleep(interval)
        thread = threading.Thread(target=_ask, args=(home, ingest, results))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return sorted(results, key=lambda r: r.started)


def run(
    asks: int, mode: str, interval: float, pdf: Path, home: Path, serve: bool = False
) -> dict[str, list[AskResult]]:
    """Set up ``home``; send the asks once with nothing else running (``idle``), then again
    while ``pdf`` is ingested by another process (``during ingest``); with ``serve``, a server
    of the home runs throughout."""
    setup = subprocess.run(
        _budgetqa(home, "ingest", str(ANSWER_REPORT)), check=False, env=_env(), capture_output=True, text=True
    )
    if setup.returncode:
        raise SystemExit(f"setup failed: {setup.stderr or setup.stdout}")
    server = start_server(home)[0] if serve else None  # it answers asks once it says it is running
    try:
        return _phases(asks, mode, interval, pdf, home)
    finally:
        if server is not None:
            server.terminate()
            server.wait()


def _phases(asks: int, mode: str, interval: float, pdf: Path, home: Path) -> dict[str, list[AskResult]]:
    subprocess.run(
        _budgetqa(home, "ask", QUESTION), env=_env(), capture_output=True, check=True
    )  # warm caches
    idle = _send(home, asks, mode, interval, None)
    ingest_started = time.perf_counter()
    ingest = subprocess.Popen(_budgetqa(home, "ingest", str(pdf)), env=_env(), cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    time.sleep(2.0)  # let it open the store and start parsing
    during = _send(home, asks, mode, interval, ingest)
    ingest.wait()
    print(f"ingest of {pdf.name}: {time.perf_counter() - ingest_started:.1f} s, exit {ingest.returncode}")
    return {"idle": idle, "during ingest": during}


def _summary(label: str, results: list[AskResult]) -> str:
    correct = sum(r.correct for r in results)
    walls = [r.wall_s for r in results]
    engine = [r.engine_ms for r in results if r.engine_ms is not None]
    during = sum(r.during_ingest for r in results)
    return (
        f"{label}: {correct}/{len(results)} answered correctly, {sum(1 for r in results if r.error)} errors, "
        f"{during} finished while the ingest ran; wall p50 {statistics.median(walls):.2f} s, max {max(walls):.2f} s; "
        f"engine p50 {statistics.median(engine) if engine else float('nan'):.0f} ms, "
        f"max {max(engine) if engine else float('nan'):.0f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--asks", type=int, default=20, help="how many ask processes (default 20)")
    parser.add_argument(
        "--mode", choices=["staggered", "burst"], default="staggered", help="how the asks are sent"
    )
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between asks in staggered mode")
    parser.add_argument("--pdf", type=Path, default=INGEST_PDF, help="the PDF ingested meanwhile")
    parser.add_argument("--home", type=Path, default=None, help="home directory (default: a new temp folder)")
    parser.add_argument("--serve", action="store_true", help="run `budgetqa serve` of the home meanwhile")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bq-bench-conc-") as tmp:
        home = args.home or Path(tmp) / "home"
        phases = run(args.asks, args.mode, args.interval, args.pdf, home, serve=args.serve)
    for i, r in enumerate(phases["during ingest"], 1):
        print(
            f"ask {i:2d}: {r.status:12s} value={r.value} wall {r.wall_s:.2f} s engine "
            f"{r.engine_ms if r.engine_ms is None else round(r.engine_ms)} ms"
            f"{' (during ingest)' if r.during_ingest else ''}{' ERROR ' + r.error if r.error else ''}"
        )
    for label, results in phases.items():
        print(_summary(f"{args.mode}{', server running' if args.serve else ''}, {label}", results))
    return 0 if all(r.correct for results in phases.values() for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
