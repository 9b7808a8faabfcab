#!/usr/bin/env python3
"""Benchmarks, measured on generated corpora; results go to bench/RESULTS.md.

    python bench/run.py [--runs 3] [--sizes 1000 10000 100000] [--rebuild-size 10000] [--jobs N]
    python bench/run.py --quick      # 200 and 1,000 articles, one run, to bench/out/RESULTS-quick.md

Ingest: the whole seeds -> content path (decode, clean, extract, write) on a generated raw corpus,
in process, one worker per core, as MB/s of raw text and seconds per N articles.

Builds, for each size, on one generated content corpus (bench.corpus.write_content_corpus), each tool
a subprocess measured for wall time and peak RSS of its process tree (bench.measure), runs
interleaved (ours, floor, Hugo, Pelican, ours, ...) so that drift hits every tool alike:
- ours with the bench settings (search off, first edition only, as Pelican and Hugo have neither),
  the Python floor (bench/floor.py), Hugo (up to --hugo-max articles), Pelican (up to --pelican-max);
  a full clean build deletes the output (and our .digest-cache/) first;
- up to --pagefind-max articles (and at --rebuild-size) ours with the shipped settings (two editions,
  search), and the stack a user would otherwise pick for search, Hugo followed by Pagefind on Hugo's
  output (one edition);
- at --rebuild-size also, when build.py has --jobs, ours with --jobs 1; then, for ours with both
  settings, a no-change rebuild and a rebuild after appending a sentence to the newest article's
  body (restored afterwards, with its times); and, for ours with the bench settings, that edit
  built in process as the preview builds it (at least 5 runs).
Every figure is the median of --runs runs (--large-runs from 50,000 articles on).
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import write_raw_corpus  # noqa: E402
from bench.measure import CommandFailed, Measurement, measure  # noqa: E402
from bench.projects import (BENCH_SETTINGS, ONE_JOB, OUT, SHIPPED_SETTINGS, Contender, build_flags,  # noqa: E402
                            floor, hugo, hugo_pagefind, ours, pelican, write_corpus)
from bench.report import EDITED, FULL, NO_CHANGE, PREVIEW_EDITED, Report, Row, write_report  # noqa: E402
from bench.trash import discard, trash_emptied_after  # noqa: E402
from digest.config import load_config  # noqa: E402
from digest.intake.ingest import ingest  # noqa: E402

LARGE = 50_000  # articles from which --large-runs applies
DATE_RE = re.compile(r"^date: (\S+)$", re.MULTILINE)
QUICK = {"sizes": [200, 1000], "rebuild_size": 1000, "ingest_articles": 1000, "runs": 1,
         "output": OUT / "RESULTS-quick.md"}


def bench_ingest(articles: int, runs: int) -> dict[str, float]:
    """Median wall time of a full ingest of `articles` generated raw pages."""
    project = OUT / f"ingest-{articles}"
    discard(project)
    raw_bytes = write_raw_corpus(project / "seeds", articles)
    (project / "config.yaml").write_text((ROOT / "config.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    config = load_config(project / "config.yaml")
    times = []
    for _ in range(runs):
        discard(project / "content")
        start = time.perf_counter()
        report = ingest(config)
        times.append(time.perf_counter() - start)
        failed = report.failed
        if failed:
            raise SystemExit(f"ingest failed on {len(failed)} generated pages, e.g. {failed[0].error}")
    seconds = statistics.median(times)
    return {"articles": articles, "raw_mb": raw_bytes / 1e6, "seconds": seconds,
            "mb_per_s": raw_bytes / 1e6 / seconds, "runs": runs}


def contenders_for(content: Path, articles: int, args: argparse.Namespace, flags: set[str]) -> list[Contender]:
    jobs = ("--jobs", str(args.jobs)) if args.jobs else ()
    chosen = [ours(content, BENCH_SETTINGS, jobs), floor(content)]
    if articles <= args.hugo_max:
        chosen.append(hugo(content))
    if articles <= args.pelican_max:
        chosen.append(pelican(content))
    if articles == args.rebuild_size or articles <= args.pagefind_max:
        chosen.append(ours(content, SHIPPED_SETTINGS, jobs))
    if articles <= min(args.hugo_max, args.pagefind_max):  # after hugo(), which sets up the Hugo site
        chosen.append(hugo_pagefind(content))
    if articles == args.rebuild_size and "--jobs" in flags:
        chosen.append(ours(content, ONE_JOB))
    return chosen


def compile_code() -> None:
    """digest's bytecode written once, as the first run writes it on a user's machine (and pip does for
    the libraries it installs): where PYTHONDONTWRITEBYTECODE is set, every build would otherwise
    compile digest's modules from source again at start-up, a cost no user pays twice."""
    compileall.compile_dir(ROOT / "digest", quiet=1)


def run_once(contender: Contender, row: Row, runs: int) -> None:
    """Measure one build into `row`, and say so; a failed build ends that row (the others go on)."""
    if row.failure:
        return
    where = f"{row.articles:>7,} articles  {row.label:<25} {row.build:<20} run {len(row.runs) + 1}/{runs}:"
    try:
        result = measure(list(contender.command), contender.log)
    except CommandFailed as error:
        row.failure = f"failed, see {os.path.relpath(contender.log, ROOT)}"
        print(f"{where} {error}", flush=True)
        return
    row.runs.append(result)
    print(f"{where} {result.seconds:8.2f} s {result.peak_rss / 1e6:7.0f} MB RSS {result.peak_pss / 1e6:7.0f} MB PSS",
          flush=True)


def full_builds(contenders: list[Contender], articles: int, runs: int) -> list[Row]:
    """Clean builds of every contender, `runs` rounds, interleaved."""
    rows = [Row(contender.label, articles, FULL) for contender in contenders]
    for _ in range(runs):
        for contender, row in zip(contenders, rows):
            contender.clean()
            run_once(contender, row, runs)
    return rows


def rebuilds(contender: Contender, article: Path, articles: int, runs: int) -> list[Row]:
    """After a full build: rebuilds with nothing changed, then each after appending a sentence to `article`."""
    unchanged, edited = Row(contender.label, articles, NO_CHANGE), Row(contender.label, articles, EDITED)
    for _ in range(runs):
        run_once(contender, unchanged, runs)
    with restored(article):
        for run in range(runs):
            with article.open("a", encoding="utf-8") as handle:
                handle.write(f"基准测试第{run + 1}次修改时追加的一句话。\n")
            run_once(contender, edited, runs)
    return [unchanged, edited]


def preview_rebuilds(contender: Contender, article: Path, articles: int, runs: int) -> Row:
    """As `serve` builds: in one process keeping its plan, a first build, then one after each edit of `article`."""
    from digest.render import BuildMemory, build_site

    config = load_config(Path(contender.command[contender.command.index("--config") + 1]))
    row, memory = Row(contender.label, articles, PREVIEW_EDITED), BuildMemory()
    build_site(config, memory=memory)
    with restored(article):
        for run in range(runs):
            with article.open("a", encoding="utf-8") as handle:
                handle.write(f"预览第{run + 1}次修改时追加的一句话。\n")
            started = time.perf_counter()
            build_site(config, memory=memory)
            row.runs.append(Measurement(time.perf_counter() - started, psutil.Process().memory_info().rss))
    return row


def newest_article(content: Path) -> Path:
    """The article with the latest date (the first of them by name): an edit there reaches the home page
    and the site's feed as well as its own page, its neighbours, tags and source."""
    dates = {path: DATE_RE.search(path.read_text(encoding="utf-8")).group(1) for path in sorted(content.glob("*.md"))}
    return max(dates, key=dates.__getitem__)


@contextmanager
def restored(path: Path) -> Iterator[None]:
    """Puts the file's bytes and times back afterwards, so that no later build sees it as changed."""
    data, stat = path.read_bytes(), path.stat()
    try:
        yield
    finally:
        path.write_bytes(data)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def bench_size(articles: int, args: argparse.Namespace, flags: set[str]) -> tuple[list[Row], list[Contender]]:
    content = write_corpus(articles, args.seed)
    contenders = contenders_for(content, articles, args, flags)
    rows = full_builds(contenders, articles, args.large_runs if articles >= LARGE else args.runs)
    if articles == args.rebuild_size:
        for contender in contenders:
            if contender.label in (BENCH_SETTINGS.label, SHIPPED_SETTINGS.label):
                rows += rebuilds(contender, newest_article(content), articles, args.runs)
            if contender.label == BENCH_SETTINGS.label:
                rows.append(preview_rebuilds(contender, newest_article(content), articles, max(args.runs, 5)))
    return rows, contenders


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="try it out: 200 and 1,000 articles, rebuilds at "
                        "1,000, one run each, results in bench/out/RESULTS-quick.md (other options still apply)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000], help="articles per build")
    parser.add_argument("--rebuild-size", type=int, default=10000, help="the size with rebuilds and more variants")
    parser.add_argument("--ingest-articles", type=int, default=10000, help="raw articles ingested")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median is reported)")
    parser.add_argument("--large-runs", type=int, default=1, help=f"runs per figure from {LARGE:,} articles on")
    parser.add_argument("--pelican-max", type=int, default=10000, help="largest size Pelican builds")
    parser.add_argument("--hugo-max", type=int, default=10000, help="largest size Hugo builds")
    parser.add_argument("--pagefind-max", type=int, default=10000,
                        help="largest size with our shipped settings (search on) and Hugo + Pagefind (at 10,000 "
                        "articles Pagefind needs about 5 GB)")
    parser.add_argument("--jobs", type=int, help="pass --jobs N to our build (default: its own default)")
    parser.add_argument("--seed", type=int, default=1, help="the corpus generator's seed")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md", help="the results file")
    args = parser.parse_args(argv)
    if args.quick:
        parser.set_defaults(**QUICK)
        args = parser.parse_args(argv)
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with trash_emptied_after():
        started = time.perf_counter()
        flags = build_flags()
        compile_code()
        if args.jobs and "--jobs" not in flags:
            raise SystemExit("bench: build.py build has no --jobs yet")
        ingest_result = bench_ingest(args.ingest_articles, args.runs)
        print("ingest: {articles} articles, {raw_mb:.1f} MB in {seconds:.2f} s = {mb_per_s:.2f} MB/s".format(**ingest_result))
        rows, contenders = [], []
        for articles in args.sizes:
            size_rows, size_contenders = bench_size(articles, args, flags)
            rows += size_rows
            contenders += size_contenders
        command = "python bench/run.py " + " ".join(sys.argv[1:] if argv is None else argv)
        write_report(args.output, Report(command.strip(), rows, ingest_result, contenders, flags,
                                         time.perf_counter() - started, args.runs, args.large_runs))
        print(f"wrote {args.output} ({(time.perf_counter() - started) / 60:.1f} min)")


if __name__ == "__main__":
    main()
