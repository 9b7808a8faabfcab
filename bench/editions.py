#!/usr/bin/env python3
"""Editions benchmark: build time with one edition (Simplified) and with two (plus Traditional, s2twp).

    python bench/editions.py [--articles 1000 10000] [--seed 1]

For each size: generate content/ (bench.corpus.write_content_corpus, cached in bench/out/search-N,
shared with bench/search.py), then build the site with search off (the index is measured by
bench/search.py; each edition's index costs what one does) with `editions` set to the first edition
of the shipped config.yaml only, then to all of it (best of two runs up to 2,000 articles). Writes bench/RESULTS-editions.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search import prepare  # noqa: E402
from bench.trash import discard, trash_emptied_after  # noqa: E402
from digest.config import load_config  # noqa: E402
from digest.render import build_site  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS-editions.md"


def timed_build(config) -> tuple[float, int]:
    """One build into an empty site/ (the previous one is moved to the trash, see bench.trash)."""
    discard(config.dir("site"))
    start = time.perf_counter()
    report = build_site(config)
    return time.perf_counter() - start, report.pages


def bench(articles: int, seed: int, repeat: int) -> dict[str, float]:
    project = prepare(articles, seed)
    config = load_config(project / "config.yaml").with_overrides(search=False)
    editions = config["editions"]
    one, one_pages = min(timed_build(config.with_overrides(editions=editions[:1])) for _ in range(repeat))
    two, two_pages = min(timed_build(config) for _ in range(repeat))
    return {"articles": articles, "one": one, "one_pages": one_pages, "two": two, "two_pages": two_pages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with trash_emptied_after():
        write_results(args)


def write_results(args: argparse.Namespace) -> None:
    rows = []
    for articles in args.articles:
        result = bench(articles, args.seed, 2 if articles <= 2000 else 1)
        rows.append(result)
        print(f"{articles} articles: one edition {result['one']:.1f} s ({result['one_pages']} pages), "
              f"two editions {result['two']:.1f} s ({result['two_pages']} pages), "
              f"x{result['two'] / result['one']:.2f}", flush=True)
    lines = ["# Editions benchmark", "", "`python bench/editions.py`: build with search off, generated articles.", "",
             "| articles | one edition | pages | two editions | pages | ratio |", "|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['articles']:,} | {r['one']:.1f} s | {r['one_pages']:,} | {r['two']:.1f} s | {r['two_pages']:,} "
              f"| {r['two'] / r['one']:.2f} |" for r in rows]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
