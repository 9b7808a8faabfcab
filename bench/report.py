"""bench/RESULTS.md from the measured rows: ratios, issue 9's targets, every figure, machine and method."""

from __future__ import annotations

import os
import platform
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from bench.measure import Measurement, median
from bench.sections import KEPT_SECTIONS, section_of
from bench.projects import (BENCH_SETTINGS, FLOOR, HUGO, HUGO_PAGEFIND, PELICAN, ROOT, SHIPPED_SETTINGS, Contender,
                            hugo_binary)

FULL, NO_CHANGE, EDITED = "full clean build", "no-change rebuild", "one article edited"
PREVIEW_EDITED = "one article edited, in the preview"
TARGET_SIZE = 10_000
OURS = BENCH_SETTINGS.label
SHIPPED = SHIPPED_SETTINGS.label
SMALL_SIZE = 1_000  # issue 24's small site: most digests are small


@dataclass
class Row:
    """The runs of one build of one tool at one size."""

    label: str
    articles: int
    build: str
    runs: list[Measurement] = field(default_factory=list)
    failure: str = ""

    @property
    def median(self) -> Measurement | None:
        return median(self.runs) if self.runs else None


@dataclass(frozen=True)
class Report:
    command: str
    rows: list[Row]
    ingest: dict[str, float]
    contenders: list[Contender]
    build_flags: set[str]
    seconds: float
    runs: int
    large_runs: int

    def find(self, label: str, articles: int, build: str = FULL) -> Measurement | None:
        rows = [row for row in self.rows if (row.label, row.articles, row.build) == (label, articles, build)]
        return rows[0].median if rows else None


def write_report(path: Path, report: Report) -> None:
    sections = [header(report), comparison(report), with_search(report), targets(report), search_targets(report),
                all_builds(report), ingest(report), method(report)]
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    sections += [section for heading in KEPT_SECTIONS if (section := section_of(old, heading))]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(sections) + "\n", encoding="utf-8")


def header(report: Report) -> str:
    runs = f"{report.runs} run(s) per figure ({report.large_runs} from 50,000 articles on), medians"
    return "\n".join([
        "# Benchmark results", "",
        f"Machine: {machine()}  ",
        f"Software: {software(report.build_flags)}  ",
        f"Command: `{make_command(report.command)}`, which runs `{report.command}`: {runs}; the whole run "
        f"took {report.seconds / 60:.0f} min."])


def make_command(command: str) -> str:
    args = command.removeprefix("python bench/run.py").strip()
    return f"make bench BENCH_ARGS={shlex.quote(args)}" if args else "make bench"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (f"{platform.system()} {platform.release()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), "
            f"{memory:.0f} GiB memory; load average at the end (1, 5, 15 min): {load}")


def software(build_flags: set[str]) -> str:
    hugo_version = subprocess.run([str(hugo_binary()), "version"], capture_output=True, text=True).stdout
    commit = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    packages = ", ".join(f"{name} {version(name)}" for name in ("Markdown", "Jinja2", "PyYAML", "pelican", "psutil"))
    flags = ", ".join(sorted(build_flags)) or "neither --jobs nor --full"
    return (f"Python {platform.python_version()}; digest at {commit} (`build.py build` has {flags}); {packages}; "
            f"Hugo {' '.join(re.findall(r'v[0-9.]+|extended', hugo_version)[:2])}")


def seconds(measurement: Measurement | None) -> str:
    return f"{measurement.seconds:.2f} s" if measurement else "–"


def megabytes(measurement: Measurement | None, attribute: str = "peak_rss") -> str:
    value = getattr(measurement, attribute) if measurement else 0
    return f"{value / 1e6:,.0f} MB" if value else "–"


def ratio(numerator: Measurement | None, denominator: Measurement | None, attribute: str = "seconds") -> str:
    if not numerator or not denominator or not getattr(denominator, attribute):
        return "–"
    return f"{getattr(numerator, attribute) / getattr(denominator, attribute):.2f}"


def table(head: list[str], align: str, rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def comparison(report: Report) -> str:
    """Full clean builds per size: ours (bench settings) against the floor, Pelican and Hugo."""
    rows = []
    for articles in sorted({row.articles for row in report.rows}):
        ours, floor, pelican, hugo = (report.find(label, articles) for label in (OURS, FLOOR, PELICAN, HUGO))
        rows.append([f"{articles:,}", seconds(ours), seconds(floor), seconds(pelican), seconds(hugo),
                     ratio(ours, floor), ratio(pelican, ours), ratio(ours, hugo),
                     megabytes(ours), megabytes(hugo), ratio(ours, hugo, "peak_rss"),
                     megabytes(ours, "peak_pss"), megabytes(hugo, "peak_pss")])
    head = ["articles", "digest", "Python floor", "Pelican", "Hugo", "digest ÷ floor", "Pelican ÷ digest",
            "digest ÷ Hugo", "digest peak RSS", "Hugo peak RSS", "RSS digest ÷ Hugo", "digest peak PSS",
            "Hugo peak PSS"]
    return "\n".join([
        "## Full clean builds: digest against the floor, Pelican and Hugo", "",
        "Median wall time of a full clean build, digest with search off and one edition (Pelican and Hugo have "
        "neither); the ratios are of those medians. Peak RSS is summed over the process tree, which counts "
        "the memory forked workers share with their parent once in each; peak PSS counts it once in all.", "",
        table(head, "r" * len(head), rows)])


def with_search(report: Report) -> str:
    """Full clean builds with search per size: ours as shipped against Hugo followed by Pagefind."""
    sizes = sorted({row.articles for row in report.rows if row.label in (SHIPPED, HUGO_PAGEFIND) and row.build == FULL})
    rows = []
    for articles in sizes:
        shipped, peer, ours, hugo = (report.find(label, articles) for label in (SHIPPED, HUGO_PAGEFIND, OURS, HUGO))
        rows.append([f"{articles:,}", seconds(shipped), seconds(peer), ratio(shipped, peer), seconds(ours),
                     ratio(shipped, ours), seconds(hugo), megabytes(shipped), megabytes(peer),
                     megabytes(shipped, "peak_pss"), megabytes(peer, "peak_pss")])
    head = ["articles", "digest, shipped settings", "Hugo + Pagefind", "shipped ÷ (Hugo + Pagefind)",
            "digest, search off", "shipped ÷ search off", "Hugo alone", "shipped peak RSS",
            "Hugo + Pagefind peak RSS", "shipped peak PSS", "Hugo + Pagefind peak PSS"]
    return "\n".join([
        "## Full clean builds with search: digest as shipped against Hugo + Pagefind", "",
        "Median wall time of a full clean build: digest with the shipped settings (two editions, search on) "
        "against the stack a user would otherwise pick, Hugo followed by Pagefind on Hugo's article pages "
        "(one edition, one command); beside them digest with search off and one edition, and Hugo alone. "
        "Peak memory is summed over the process tree (Hugo's, then Pagefind's, for the peer).", "",
        table(head, "r" * len(head), rows) if rows else "Not measured in this run (`--pagefind-max`)."])


def search_targets(report: Report) -> str:
    """Issue 24's build targets, checked against this run's figures."""
    big, small = TARGET_SIZE, SMALL_SIZE
    shipped, search_off = report.find(SHIPPED, big), report.find(OURS, big)
    edited = report.find(SHIPPED, big, EDITED)
    checks = [
        (f"shipped full build at {big:,} at most 2× the search-off one-edition build: shipped ÷ search off ≤ 2",
         ratio(shipped, search_off), 2, "le"),
        (f"shipped full build at {big:,}: peak RSS, summed over processes, at most 1.5 GB", gigabytes(shipped),
         1.5, "le"),
        (f"one article edited at {big:,}, shipped settings, command line: under 2 s",
         seconds(edited).removesuffix(" s"), 2, "lt"),
        *((f"shipped full build at {size:,} faster than Hugo + Pagefind: shipped ÷ (Hugo + Pagefind) < 1",
           ratio(report.find(SHIPPED, size), report.find(HUGO_PAGEFIND, size)), 1, "lt") for size in (small, big)),
        (f"search-off one-edition build at {small:,} no slower than Hugo: digest ÷ Hugo ≤ 1",
         ratio(report.find(OURS, small), report.find(HUGO, small)), 1, "le"),
    ]
    rows = [[name, value, verdict(value, bound, how)] for name, value, bound, how in checks]
    return "\n".join(["## Issue 24's build targets (full builds with search, and small sites)", "",
                      table(["target", "measured", "met"], "lrl", rows)])


def gigabytes(measurement: Measurement | None) -> str:
    return f"{measurement.peak_rss / 1e9:.2f}" if measurement and measurement.peak_rss else "–"


def targets(report: Report) -> str:
    """Issue 9's targets at 10,000 articles, checked against this run's figures."""
    size = TARGET_SIZE
    ours, floor, pelican, hugo = (report.find(label, size) for label in (OURS, FLOOR, PELICAN, HUGO))
    edited, unchanged = report.find(OURS, size, EDITED), report.find(OURS, size, NO_CHANGE)
    largest = max((row.articles for row in report.rows if row.label == OURS and row.runs), default=0)
    checks = [
        ("full build as fast as Hugo or faster: digest ÷ Hugo ≤ 1", ratio(ours, hugo), 1, "le"),
        ("full build about 0.7x the floor: digest ÷ floor ≤ 0.7", ratio(ours, floor), 0.7, "le"),
        ("at least 6x faster than Pelican: Pelican ÷ digest ≥ 6", ratio(pelican, ours), 6, "ge"),
        ("one-article rebuild from the command line under 1 s", seconds(edited).removesuffix(" s"), 1, "lt"),
        ("no-change rebuild under 0.5 s", seconds(unchanged).removesuffix(" s"), 0.5, "lt"),
        ("peak RSS under half of Hugo's: digest ÷ Hugo < 0.5", ratio(ours, hugo, "peak_rss"), 0.5, "lt"),
        ("the same by PSS (shared memory counted once)", ratio(ours, hugo, "peak_pss"), 0.5, "lt"),
        ("ingest at least 5 MB/s", f"{report.ingest['mb_per_s']:.2f}", 5, "ge"),
    ]
    rows = [[name, value, verdict(value, bound, how)] for name, value, bound, how in checks]
    rows.append(["100,000 articles build to completion", f"largest built: {largest:,}",
                 "yes" if largest >= 100_000 else "not measured"])
    preview = seconds(report.find(OURS, size, PREVIEW_EDITED)).removesuffix(" s")
    rows.append(["one-article rebuild inside the serve loop under 0.3 s", preview, verdict(preview, 0.3, "lt")])
    return "\n".join([f"## Issue 9's targets at {size:,} articles (digest with the bench settings)", "",
                      table(["target", "measured", "met"], "lrl", rows)])


def verdict(value: str, bound: float, how: str) -> str:
    if value in ("–", ""):
        return "not measured"
    number = float(value)
    met = {"le": number <= bound, "ge": number >= bound, "lt": number < bound}[how]
    return "yes" if met else "no"


def all_builds(report: Report) -> str:
    rows = [[f"{row.articles:,}", row.label, row.build, seconds(row.median), spread(row), megabytes(row.median),
             str(len(row.runs))] for row in report.rows]
    return "\n".join(["## Every build", "",
                      table(["articles", "tool", "build", "median", "range", "peak RSS (median)", "runs"],
                            "rllrrrr", rows)])


def spread(row: Row) -> str:
    """The fastest and slowest run, and the failure if a run failed."""
    times = [run.seconds for run in row.runs]
    return " ".join(filter(None, [f"{min(times):.2f}–{max(times):.2f}" if times else "", row.failure]))


def ingest(report: Report) -> str:
    result = report.ingest
    row = ["{articles:,}".format(**result), "{raw_mb:.1f}".format(**result), "{seconds:.2f}".format(**result),
           "{mb_per_s:.2f}".format(**result), str(result["runs"])]
    return "\n".join(["## Ingest (seeds -> content, in process, one worker per core)", "",
                      table(["raw articles", "raw MB", "median seconds", "MB/s", "runs"], "rrrrr", [row])])


def method(report: Report) -> str:
    commands = {}
    for contender in report.contenders:
        commands.setdefault(contender.label, shown(contender.command))
    return "\n".join([
        "## How it is measured", "",
        "- **Corpus**: `bench.corpus.write_content_corpus` (seed 1): content files with the digest's front-matter, "
        "1,500–4,000 characters of text with `##` headings, 2–5 tags from a vocabulary of 300 words, one of 60 "
        "sources, sentences taken from the cleaned seeds. The same files, converted, feed Pelican (its `Key: value` "
        "Markdown header; the source is the category) and Hugo (YAML front-matter, `tags` and `sources` taxonomies); "
        "the floor reads them as they are. Each size is generated afresh into `bench/out/build-N/`.",
        "- **Full clean build**: the tool's output (and our `.digest-cache/`) deleted, then one build. "
        "**No-change rebuild**: the same command again on the built site. **One article edited**: a sentence "
        "appended to the body of the newest article (so its page, its neighbours, tags and source, the home page "
        "and the site's feed change), then the build; the file is restored afterwards, with its times. "
        "**In the preview**: the same edit built as `serve` builds it, in one process that keeps its plan "
        "between builds (`BuildMemory`), timed around the build alone, after a first build in that process; "
        "its RSS is the process's after the last build (what the preview holds), not a peak. The time from "
        "a save to the reloaded page in a browser is `bench/reload.py`'s.",
        "- **Time**: wall time of the subprocess, from start to exit (interpreter start-up included).",
        "- **Peak RSS**: a thread samples every 20 ms the RSS of the process and all its descendants (worker "
        "processes) with psutil, adding them up, and keeps the largest sum; the list of descendants is "
        "refreshed every 0.1 s, so a child that lives less than that may be missed. Pages shared between "
        "processes (a forked worker's copy of its parent) count once per process, so the sum can overstate. "
        "**Peak PSS**: the same, with each process's proportional set size (psutil's `memory_full_info`: a "
        "page shared by n processes counts 1/n in each), so shared pages count once in the sum.",
        "- **Settings**: digest as `config.yaml` with `search: false` and the first edition only (`digest`), or as "
        "shipped, two editions and search (`digest, shipped settings`); Pelican 4 with its default theme, the "
        "site, category and tag Atom feeds (20 entries), pagination by 10 and no author pages "
        "(`bench/peers/pelicanconf.py`); Hugo "
        "with the minimal layouts in `bench/peers/hugo/` (article with table of contents, neighbours and 5 related; "
        "home, tag and source lists paginated by 10 with RSS; a yearly archive; the terms pages; Hugo's sitemap); "
        "Hugo + Pagefind: that Hugo site built into a folder of its own, then Pagefind (extended, for Chinese) "
        "over its article pages, `articles/*/index.html`, the pages our search indexes, in one `sh -c` command "
        "(both deleted before a clean build); the floor: `bench/floor.py`.",
        "- **Bytecode**: before measuring, digest's modules are compiled once (`compileall`), as a user's first "
        "run does and as pip does for the libraries it installs: where `PYTHONDONTWRITEBYTECODE` is set, each "
        "build would otherwise compile them from source again at start-up.",
        *not_run(report),
        "", "Commands (`python` is the venv's; `N` the size):", "",
        *(f"- {label}: `{command}`" for label, command in commands.items())])


def not_run(report: Report) -> list[str]:
    """A line for each peer left out at the largest size, with what a run there would take at its pace."""
    largest = max(row.articles for row in report.rows)
    lines = []
    for label, option in ((PELICAN, "--pelican-max"), (HUGO, "--hugo-max")):
        built = max((row for row in report.rows if row.label == label and row.runs), key=lambda row: row.articles,
                    default=None)
        if built and built.articles < largest:
            pace = built.median.seconds / built.articles
            lines.append(f"- **Not run**: {label} above {built.articles:,} articles (`{option}`); at its pace "
                         f"there, {largest:,} articles would take at least {pace * largest / 60:.0f} min a run.")
    return lines


def shown(command: tuple[str, ...]) -> str:
    """A command as a reader would type it in the repository: relative paths, `python`, any size as N."""
    text = shlex.join(command).replace(sys.executable, "python").replace(str(ROOT) + "/", "")
    return re.sub(r"build-\d+", "build-N", text)
