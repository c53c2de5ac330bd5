"""Benchmark: parse-and-store time per report and per page (before any embedding).

Usage: python -m eval.bench_ingest [PATHS...] [--repeat N] [--update-readme]
Defaults to the PDFs and text files in ../shared/reports. Prints a Markdown table;
``--update-readme`` writes it between the bench markers of README.md.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from ingest.errors import IngestError
from ingest.pipeline import Ingestor, iter_report_files, parse_file
from ingest.settings import Settings

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PATHS = [REPO.parent / "shared" / "reports" / "pdf", REPO.parent / "shared" / "reports" / "text"]


def bench(paths: list[Path], repeat: int) -> str:
    rows = ["| file | pages/lines | parse (s) | parse + store (s) | per page (s) |", "|---|---|---|---|---|"]
    for path in iter_report_files(paths):
        parse_times, total_times = [], []
        size = ""
        per_page = ""
        for _ in range(repeat):
            with tempfile.TemporaryDirectory() as home:
                start = time.perf_counter()
                try:
                    parsed = parse_file(path)
                except IngestError:
                    break
                parsed_at = time.perf_counter()
                ingestor = Ingestor(Settings(home=Path(home)))
                outcome = ingestor._store(path, parsed, None)
                ingestor.store.close()
                done = time.perf_counter()
            assert outcome.ok, outcome.error
            parse_times.append(parsed_at - start)
            total_times.append(done - start)
            pages = parsed.report.page_count
            size = f"{pages} pages" if pages else f"{parsed.report.line_count} lines"
        if not total_times:
            continue
        total = statistics.median(total_times)
        if parsed.report.page_count:
            per_page = f"{total / parsed.report.page_count:.3f}"
        rows.append(
            f"| {path.name} | {size} | {statistics.median(parse_times):.2f} | {total:.2f} | {per_page} |"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append("")
    rows.append(f"Median of {repeat} runs each; peak memory of the benchmark process {peak_mb:.0f} MB.")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=DEFAULT_PATHS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--update-readme", action="store_true")
    args = parser.parse_args()
    table = bench(args.paths, args.repeat)
    print(table)
    if args.update_readme:
        readme = REPO / "README.md"
        text = readme.read_text(encoding="utf-8")
        start, end = "<!-- bench:start -->", "<!-- bench:end -->"
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        readme.write_text(f"{head}{start}\n{table}\n{end}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
