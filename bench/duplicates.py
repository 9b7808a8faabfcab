"""Duplicate detection at scale: generated seeds with reposts, ingested with and without detection.

    .venv/bin/python bench/duplicates.py [--seeds 10000] [--reposts 0.1] [--jobs 0] [--rounds 3] [--write]

A repost is another site's copy of a story: its own navigation, site line, source line (name and
URL), date, footer and tail, its own scraping noise (script, pinyin, half-width punctuation), and
one to three sentences edited (dropped, replaced or added), as portals do with wire stories.
Measured: the share of reposts merged (recall), the share of distinct stories wrongly merged or
taken as duplicates (false merges), and the time detection adds to ingest (the same seeds
ingested with `duplicates.detect: false`): the wall-clock time, which is what a curator waits
(serial work in the parent counts in full there), and the CPU time of ingest and its workers.
`--write` puts the figures in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import random
import re
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import GIVEN, NAV, OUTLETS, PLACES, SURNAMES, TAIL, add_noise, make_article, sentence_pool  # noqa: E402
from bench.sections import put_section  # noqa: E402
from bench.sections import DUPLICATES_HEADING  # noqa: E402
from digest.script import to_target_script  # noqa: E402

FOOTERS = ["本文来源于网络，如有侵权请联系删除。", "Copyright © 2024 版权所有", "扫码下载APP", "返回顶部"]
SENTENCE_RE = re.compile(r"[^。！？]+[。！？]")
HEADING = DUPLICATES_HEADING


def story(rng: random.Random, pool: list[str]) -> dict:
    """One wire story: title, paragraphs, author, date; each site prints it its own way."""
    title, paragraphs = make_article(rng, pool, rng.randint(1500, 4000))
    return {"title": title, "paragraphs": paragraphs,
            "author": rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
            "date": f"{rng.randint(2015, 2024)}年{rng.randint(1, 12):02d}月{rng.randint(1, 28):02d}日"}


def site(rng: random.Random, number: int) -> tuple[str, str]:
    """A publisher's name and an article URL on it."""
    name = rng.choice(PLACES) + rng.choice(OUTLETS)
    return name, f"https://www{number % 97}.example.cn/news/{rng.randint(10**6, 10**7)}.html"


def edited(rng: random.Random, paragraphs: list[str], pool: list[str], edits: int) -> list[str]:
    """The paragraphs with `edits` sentences dropped, replaced or added."""
    paragraphs = list(paragraphs)
    for _ in range(edits):
        index = rng.randrange(len(paragraphs))
        sentences = SENTENCE_RE.findall(paragraphs[index]) or [paragraphs[index]]
        at = rng.randrange(len(sentences))
        kind = rng.choice(("drop", "replace", "add"))
        if kind == "drop" and len(sentences) > 1:
            del sentences[at]
        elif kind == "replace":
            sentences[at] = rng.choice(pool)
        else:
            sentences.insert(at, rng.choice(pool))
        paragraphs[index] = "".join(sentences)
    return paragraphs


def page(rng: random.Random, item: dict, publisher: tuple[str, str], pool: list[str], edits: int = 0) -> str:
    """A site's page of the story: its chrome, a source line, the (edited, noisy) text, its footer."""
    paragraphs, title = edited(rng, item["paragraphs"], pool, edits), item["title"]
    if rng.random() < 0.5:
        paragraphs, title = [to_target_script(p, "s2t") for p in paragraphs], to_target_script(title, "s2t")
    lines = [*rng.sample(NAV, 2), title, f"发布时间：{item['date']}", f"来源：{publisher[0]} {publisher[1]}",
             *(add_noise(rng, p) for p in paragraphs), f"（作者：{item['author']}）",
             "责任编辑：" + rng.choice(SURNAMES) + rng.choice(GIVEN), rng.choice(FOOTERS), *rng.sample(TAIL, 2)]
    return "\n".join(lines) + "\n"


def write_seeds(folder: Path, count: int, repost_share: float, seed: int = 1) -> dict[str, str]:
    """`count` seeds, `repost_share` of them reposts of an earlier story (named after it, so the
    original comes first by name); returns repost name -> original name."""
    rng, pool = random.Random(seed), sentence_pool()
    folder.mkdir(parents=True, exist_ok=True)
    reposts = int(count * repost_share)
    originals = [f"{number:06d}.txt" for number in range(count - reposts)]
    stories = {}
    for number, name in enumerate(originals):
        stories[name] = story(rng, pool)
        (folder / name).write_text(page(rng, stories[name], site(rng, number), pool), encoding="utf-8")
    of = {}
    for number in range(reposts):
        original = rng.choice(originals)
        name = f"{original[:-4]}_repost{number:05d}.txt"  # "_" sorts after ".": the original comes first
        (folder / name).write_text(page(rng, stories[original], site(rng, number + 1), pool, rng.randint(1, 3)),
                                   encoding="utf-8")
        of[name] = original
    return of


def ingest_timed(project: Path, detect: bool, jobs: int | None) -> tuple[float, float, object]:
    """(wall-clock seconds, CPU seconds, report) of ingesting every seed into an empty content/."""
    from digest.config import load_config
    from digest.intake.ingest import ingest

    config = load_config(project / "config.yaml")
    config.data["duplicates"] = {**config.data["duplicates"], "detect": detect}
    shutil.rmtree(project / "content", ignore_errors=True)
    wall, cpu = time.perf_counter(), cpu_seconds()
    report = ingest(config, jobs=jobs)
    return time.perf_counter() - wall, cpu_seconds() - cpu, report


def cpu_seconds() -> float:
    """CPU time of this process and its finished workers: on a machine shared with other work the
    wall-clock time says as much about the others as about ingest."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def measure(count: int, repost_share: float, jobs: int | None, rounds: int = 3) -> dict:
    """Ingest without and with detection, alternately, `rounds` times each; the least wall-clock and
    the least CPU time of each (the runs least disturbed by other work) are kept."""
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        shutil.copy(ROOT / "config.yaml", project / "config.yaml")
        of = write_seeds(project / "seeds", count, repost_share)
        least = {(detect, kind): float("inf") for detect in (False, True) for kind in ("wall", "cpu")}
        loads = []
        for _ in range(rounds):
            for detect in (False, True):
                wall, cpu, report = ingest_timed(project, detect, jobs)
                for kind, seconds in (("wall", wall), ("cpu", cpu)):
                    least[detect, kind] = min(least[detect, kind], seconds)
                loads.append(os.getloadavg()[0])
    status = {result.seed: result.status for result in report.results}
    path = {result.seed: result.path for result in report.results}
    merged = sum(status[name] in ("merged", "duplicate") and path[name] == path[of[name]] for name in of)
    distinct = [name for name in status if name not in of]
    wrong = sum(status[name] != "created" for name in distinct)
    return {"seeds": count, "reposts": len(of), "merged": merged, "recall": merged / len(of),
            "distinct": len(distinct), "false": wrong, "false_share": wrong / len(distinct),
            "plain": least[False, "cpu"], "detected": least[True, "cpu"],
            "added": least[True, "cpu"] / least[False, "cpu"] - 1,
            "plain_wall": least[False, "wall"], "detected_wall": least[True, "wall"],
            "added_wall": least[True, "wall"] / least[False, "wall"] - 1, "load": (min(loads), max(loads)),
            "rounds": rounds, "jobs": jobs}


def results_section(figures: dict, command: str) -> str:
    low, high = figures["load"]
    return (f"{HEADING}\n\n`{command}`: "
            f"every seed ingested into an empty content/ with `duplicates.detect: false` and with detection, "
            f"alternately, {figures['rounds']} times each, with "
            f"{f'{jobs} worker processes' if (jobs := figures['jobs']) else 'one worker process per core'}; "
            f"the least wall-clock time (what a curator waits) and the least CPU time (this process and its "
            f"workers) of each kind are kept; the 2 cores were shared with other work (load average "
            f"{low:.1f}–{high:.1f}):\n\n"
            f"| seeds | reposts | reposts merged | distinct stories wrongly merged | time | ingest without "
            f"| with detection | added |\n"
            f"|---:|---:|---:|---:|---|---:|---:|---:|\n"
            f"| {figures['seeds']:,} | {figures['reposts']:,} | {figures['merged']:,} ({figures['recall']:.2%}) | "
            f"{figures['false']} of {figures['distinct']:,} ({figures['false_share']:.2%}) | wall | "
            f"{figures['plain_wall']:.1f} s | {figures['detected_wall']:.1f} s | {figures['added_wall']:+.1%} |\n"
            f"| | | | | CPU | {figures['plain']:.1f} s | {figures['detected']:.1f} s | {figures['added']:+.1%} |\n")


def write_results(section: str, path: Path = ROOT / "bench" / "RESULTS.md") -> None:
    """Replace this benchmark's section of bench/RESULTS.md (or add it), leaving the rest as it is."""
    put_section(path, HEADING, section.removeprefix(HEADING))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10_000)
    parser.add_argument("--reposts", type=float, default=0.1)
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (default 0: one per core, as ingest runs)")
    parser.add_argument("--rounds", type=int, default=3, help="ingests of each kind, alternately; the least time counts")
    parser.add_argument("--write", action="store_true", help="write the figures into bench/RESULTS.md")
    args = parser.parse_args(argv)
    figures = measure(args.seeds, args.reposts, args.jobs or None, args.rounds)
    command = "python bench/duplicates.py" + (f" --seeds {args.seeds}" if args.seeds != 10_000 else "") + (
        f" --jobs {args.jobs}" if args.jobs else "") + (f" --rounds {args.rounds}" if args.rounds != 3 else "")
    section = results_section(figures, command)
    print(section)
    if args.write:
        write_results(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
