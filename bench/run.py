#!/usr/bin/env python3
"""Benchmarks, measured on generated corpora; results go to bench/RESULTS.md.

    python bench/run.py [--articles 10000] [--runs 3]

Ingest: throughput of the whole seeds -> content path (decode, clean, extract, write) on a
generated raw corpus, one worker process per core, as MB/s of raw text and seconds per N articles.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import write_raw_corpus  # noqa: E402
from digest.config import load_config  # noqa: E402
from digest.ingest import ingest  # noqa: E402

OUT = ROOT / "bench" / "out"


def bench_ingest(articles: int, runs: int) -> dict[str, float]:
    """Median wall time of a full ingest of `articles` generated raw pages."""
    project = OUT / f"ingest-{articles}"
    shutil.rmtree(project, ignore_errors=True)
    raw_bytes = write_raw_corpus(project / "seeds", articles)
    (project / "config.yaml").write_text((ROOT / "config.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    config = load_config(project / "config.yaml")
    times = []
    for _ in range(runs):
        shutil.rmtree(project / "content", ignore_errors=True)
        start = time.perf_counter()
        report = ingest(config)
        times.append(time.perf_counter() - start)
        failed = report.failed
        if failed:
            raise SystemExit(f"ingest failed on {len(failed)} generated pages, e.g. {failed[0].error}")
    seconds = statistics.median(times)
    return {"articles": articles, "raw_mb": raw_bytes / 1e6, "seconds": seconds,
            "mb_per_s": raw_bytes / 1e6 / seconds, "runs": runs}


def machine() -> str:
    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                         capture_output=True, text=True).stdout.strip()
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def write_results(ingest_result: dict[str, float], command: str) -> None:
    lines = [
        "# Benchmark results", "",
        f"Machine: {machine()}  ",
        f"Command: `{command}`", "",
        "## Ingest (seeds -> content, one worker per core)", "",
        "| raw articles | raw MB | median seconds | MB/s | runs |", "|---:|---:|---:|---:|---:|",
        "| {articles} | {raw_mb:.1f} | {seconds:.2f} | {mb_per_s:.2f} | {runs} |".format(**ingest_result), "",
    ]
    (ROOT / "bench" / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    result = bench_ingest(args.articles, args.runs)
    print("ingest: {articles} articles, {raw_mb:.1f} MB in {seconds:.2f} s = {mb_per_s:.2f} MB/s".format(**result))
    write_results(result, "python bench/run.py " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
