"""How fast and how lean bad input is refused: a 1 MB PDF whose stream inflates to 1 GB, the
same bomb hidden inside a filter chain ([/ASCII85Decode /FlateDecode] and
[/FlateDecode /FlateDecode]), ``/dev/zero`` and a FIFO, each given to ``budgetqa ingest`` in
its own process.

Prints, per input: wall seconds, peak memory of the process (max RSS), exit code and the
message. Targets (issue 13): the bomb under 2 s and 300 MB; the others at once.

Run::

    python -m eval.bench_limits
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.ingest.test_limits import write_bomb_pdf


def ingest_once(home: Path, path: Path) -> tuple[float, float, int, str]:
    """(wall s, peak RSS MB, exit code, first line of its output) of one ``budgetqa ingest``."""
    command = [str(Path(sys.executable).parent / "budgetqa"), "--home", str(home), "ingest", str(path)]
    env = dict(os.environ, HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    output = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    first = (output.strip().splitlines() or [""])[0]
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), first


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bq-bench-limits-") as tmp:
        root = Path(tmp)
        bomb = write_bomb_pdf(root / "bomb.pdf")
        a85 = write_bomb_pdf(root / "bomb_a85.pdf", outer=("ASCII85Decode",))
        double = write_bomb_pdf(root / "bomb_flate2.pdf", outer=("FlateDecode",))
        fifo = root / "pipe.pdf"
        os.mkfifo(fifo)
        print(f"bomb.pdf: {bomb.stat().st_size / 1024 / 1024:.2f} MB on disk, 1024 MB inflated")
        print(f"chained: {a85.stat().st_size / 1024 / 1024:.2f} MB (ASCII85), {double.stat().st_size / 1024:.0f} KB (Flate twice)")
        inputs = (("bomb", bomb), ("bomb in [/ASCII85Decode /FlateDecode]", a85),
                  ("bomb in [/FlateDecode /FlateDecode]", double), ("/dev/zero", Path("/dev/zero")), ("fifo", fifo))  # fmt: skip
        for name, path in inputs:
            wall, peak_mb, code, line = ingest_once(root / "home", path)
            print(f"{name}: {wall:.2f} s wall, peak RSS {peak_mb:.0f} MB, exit {code}: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
