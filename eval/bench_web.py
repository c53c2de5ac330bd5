"""Chat page under load: many browser sessions asking at once, with and without an upload.

Starts ``budgetqa serve`` on a free loopback port over a copy of a home, then runs
``--sessions`` simulated users for ``--seconds`` each phase. Every user is its own gradio
session (its own ``session_hash``, through gradio's queue as the page calls it, over one
async HTTP client so the load generator itself stays light) doing what the page does: ask a question (``/ask``), wait for the
answer, open its first source (``/evidence``: table, page image, CSV), then read for
``--think`` seconds (uniformly 0.5×–1.5×) before the next question; users arrive at random
times over the first ``--ramp`` seconds (default ``--think``; ``--ramp 0``: all 50 ask their first
question in the same instant, a burst the server works off in ~2–3 s on 2 cores). Phase 1 has no upload;
in phase 2 a second client uploads real PDFs one after another through the page (``/do_ingest``)
for the whole phase. Reported per phase: questions, errors, answer latency p50/p95/max (typed
to answer shown) and evidence latency p50/p95. The load generator runs on the same machine
(it shares the CPU with the server). Target: 0 errors and answer p95 ≤ 1 s in both phases.

Usage: python -m eval.bench_web [--home DIR] [--sessions 50] [--seconds 60] [--think 2]
Without --home, the sample reports are generated and ingested into a temporary home.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import queue
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED_PDFS = REPO.parent / "shared" / "reports" / "pdf"
UPLOADS = ("putuo_planning_2024_dept_final.pdf", "putuo_finance_2025_dept_budget.pdf",
           "jiangsu_high_court_2019_dept_budget.pdf", "putuo_justice_2026_dept_budget.pdf",
           "jiangsu_npc_office_2017_dept_budget.pdf")  # fmt: skip
QUESTIONS = (
    "青山市政府办2024年公务接待费是多少？",
    "绿水县财政局2023年“三公”经费合计是多少？",
    "青山市政府办2024年基本支出是多少？",
    "绿水县财政局2023年公务用车运行维护费增加的原因是什么？",
    "青山市政府办2024年“三公”经费比上年减少了多少？",
    "青山市政府办2024年和绿水县财政局2023年的公务接待费哪个多？",
    "那公务用车运行维护费呢？",
    "你好",
)


@dataclass
class Phase:
    """What one phase measured (milliseconds)."""

    name: str
    answer_ms: list[float] = field(default_factory=list)
    evidence_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    uploads: list[str] = field(default_factory=list)

    def line(self) -> str:
        def pct(values: list[float], q: float) -> float:
            return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else (values or [0])[0]

        a, e = self.answer_ms, self.evidence_ms
        return (
            f"{self.name}: {len(a)} questions, {len(self.errors)} errors · answer p50 {pct(a, 50):.0f} ms, "
            f"p95 {pct(a, 95):.0f} ms, max {max(a or [0]):.0f} ms · evidence p50 {pct(e, 50):.0f} ms, "
            f"p95 {pct(e, 95):.0f} ms"
            + (f" · uploads during the phase: {', '.join(self.uploads)}" if self.uploads else "")
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server(home: Path) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "ui.cli", "--home", str(home), "serve", "--port", str(_free_port())]
    proc = subprocess.Popen(
        cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout or []], daemon=True).start()
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if "running on:" in line:
            return proc, line.rsplit("running on:", 1)[1].strip()
    proc.kill()
    raise SystemExit("the server did not start")


async def _call(http: Any, api: str, data: list[Any], session: str) -> list[Any]:
    """One event through gradio's queue, as the page sends it (``/gradio_api/call/<api>``)."""
    posted = await http.post(f"/gradio_api/call/{api}", json={"data": data, "session_hash": session})
    posted.raise_for_status()
    event = posted.json()["event_id"]
    last, kind = None, ""
    async with http.stream("GET", f"/gradio_api/call/{api}/{event}") as stream:
        async for line in stream.aiter_lines():
            if line.startswith("event:"):
                kind = line[6:].strip()
            elif line.startswith("data:") and kind in ("generating", "complete"):
                last = json.loads(line[5:])
            elif line.startswith("data:") and kind == "error":
                raise RuntimeError(f"{api}: {line[5:].strip()[:120]}")
    if not isinstance(last, list):
        raise TypeError(f"{api}: no result")
    return last


async def _user(http: Any, stop: float, think: float, phase: Phase, seed: int, ramp: float) -> None:
    rng = random.Random(seed)
    session = uuid.uuid4().hex
    await asyncio.sleep(rng.uniform(0, ramp))  # users arrive spread over the ramp, not in one instant
    while time.monotonic() < stop:
        question = rng.choice(QUESTIONS)
        try:
            t = time.perf_counter()
            result = await _call(http, "ask", [question, "", ""], session)
            phase.answer_ms.append((time.perf_counter() - t) * 1000)
            text = str(result[1][-1]["content"]) if result[1] else ""
            if "正在查找" in text or "出错" in text or not text:
                raise RuntimeError(f"bad answer to {question}: {text[:80]}")
            sources = result[3].get("choices") if isinstance(result[3], dict) else None
            if sources:
                t = time.perf_counter()
                await _call(http, "evidence", ["0"], session)
                phase.evidence_ms.append((time.perf_counter() - t) * 1000)
        except Exception as exc:  # noqa: BLE001  (every failure is counted and reported)
            phase.errors.append(f"{question}: {exc!r}")
        await asyncio.sleep(think * rng.uniform(0.5, 1.5))


async def _users(url: str, sessions: int, seconds: float, think: float, phase: Phase, ramp: float) -> None:
    import httpx

    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=2 * sessions + 10)
    async with httpx.AsyncClient(base_url=url.rstrip("/"), timeout=120, limits=limits) as http:
        await asyncio.gather(*(_user(http, stop, think, phase, i, ramp) for i in range(sessions)))


def _uploader(url: str, stop: float, phase: Phase) -> None:
    from gradio_client import Client, handle_file

    client = Client(url, verbose=False)
    for name in UPLOADS:
        if time.monotonic() >= stop or not (SHARED_PDFS / name).exists():
            break
        t = time.perf_counter()
        try:
            log = client.predict([handle_file(str(SHARED_PDFS / name))], api_name="/do_ingest")
            ok = "成功 1 个" in str(log)
            phase.uploads.append(f"{name} {'ok' if ok else 'FAILED'} {time.perf_counter() - t:.1f} s")
        except Exception as exc:  # noqa: BLE001  (reported with the phase)
            phase.uploads.append(f"{name} error {exc}")


def run_phase(
    url: str, name: str, sessions: int, seconds: float, think: float, upload: bool, ramp: float = 0.0
) -> Phase:
    phase = Phase(name)
    uploader = None
    if upload:
        uploader = threading.Thread(target=_uploader, args=(url, time.monotonic() + seconds, phase))
        uploader.start()
        time.sleep(1.0)  # the upload is running when the questions start
    asyncio.run(_users(url, sessions, seconds, think, phase, ramp))
    if uploader is not None:
        uploader.join()
    return phase


def _sample_home(folder: Path) -> Path:
    from index.library import Library
    from ingest.samples import generate_sample_reports
    from ingest.settings import Settings

    home = folder / "home"
    samples = generate_sample_reports(folder / "samples")
    with Library(Settings(home=home)) as library:
        library.ingest_paths([s.path for s in samples])
    return home


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="copied, never changed")
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--think", type=float, default=2.0, help="mean seconds a user reads before asking again"
    )
    parser.add_argument("--no-upload", action="store_true", help="skip the phase with an upload")
    parser.add_argument("--ramp", type=float, default=None,
                        help="users start at random times over this many seconds (default: --think; "
                             "0 = every session asks its first question in the same instant)")  # fmt: skip
    parser.add_argument("--settle", type=float, default=10.0,
                        help="seconds to wait after the server is up (its ingest child loads meanwhile)")  # fmt: skip
    args = parser.parse_args()
    ramp = args.think if args.ramp is None else args.ramp
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "served"
        shutil.copytree(args.home, home) if args.home else shutil.copytree(_sample_home(Path(tmp)), home)
        proc, url = _start_server(home)
        time.sleep(args.settle)  # a running server: start-up work (the ingest child's loading) is done
        try:
            print(
                f"server {url} · {args.sessions} sessions · {args.seconds:.0f} s per phase · think {args.think} s"
                f" · ramp {ramp} s"
            )
            phases = [run_phase(url, "no upload", args.sessions, args.seconds, args.think, upload=False, ramp=ramp)]
            print(phases[-1].line(), flush=True)
            if not args.no_upload:
                phases.append(
                    run_phase(url, "during uploads", args.sessions, args.seconds, args.think, upload=True, ramp=ramp)
                )
                print(phases[-1].line(), flush=True)
            for phase in phases:
                for error in phase.errors[:5]:
                    print(f"  error ({phase.name}): {error}")
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
