#!/usr/bin/env python3
"""Search benchmark: our index against Pagefind on generated content corpora.

    python bench/search.py [--articles 1000 10000] [--pagefind-max 1000] [--seed 1]

For each size, on one generated corpus (bench/out/search-N, kept between runs), each build a
subprocess measured for wall time and the peak RSS of its process tree (bench.measure):
- ours, search off, one edition; ours with the shipped settings (two editions, search on), a full
  clean build and then a rebuild after appending a sentence to one article (the command line);
- Pagefind (`pagefind[extended]` from bench/requirements.txt) run on the search-off site, as a
  user of Hugo would run it on Hugo's output (up to --pagefind-max articles: at 10,000 it needs
  about 5 GB);
- in Chromium (Debian's, through Playwright) on the shipped site served from 127.0.0.1: per query,
  on the search page freshly opened (nothing cached from another query), the bytes fetched
  (uncompressed, as a plain static server sends them) and the time from submitting the form to the
  results shown, after the index has loaded; the bytes the page loads first; the largest sum of the two;
- recall and precision of both engines in Chromium on the same queries (substrings of 1 to 6
  characters of the articles' own text, a third in Traditional, two-term queries, absent strings;
  up to --recall-max articles) against a brute-force scan of the Simplified article pages. Pagefind
  is queried as this project's search page queried it: the query as typed and converted to the
  site's script with the character table, results of both.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path[1:1] = [str(ROOT / "tests"), str(ROOT / "tests" / "browser")]

from bench.corpus import write_content_corpus  # noqa: E402
from bench.measure import measure  # noqa: E402
from bench.projects import BENCH_SETTINGS, OUT, SHIPPED_SETTINGS, ours  # noqa: E402
from bench.sections import put_section  # noqa: E402
from bench.run import newest_article, restored  # noqa: E402
from bench.trash import discard, trash_emptied_after  # noqa: E402
from digest.search import brute_force, fold, query_terms  # noqa: E402
from search_reader import page_texts  # noqa: E402

QUERIES = ["党建", "基层党组织", "网格化管理", "黨組織", "发", "乡村振兴 党支部", "人民群众", "际问", "创新发展",
           "治理能力现代化", "党员干部", "服务", "組織建設", "经济 社会", "zzqq"]


def prepare(articles: int, seed: int) -> Path:
    """bench/out/search-N with config.yaml and N generated content files (kept between runs; bench/editions.py
    uses it too)."""
    project = OUT / f"search-{articles}"
    content = project / "content"
    if not content.is_dir() or len(list(content.glob("*.md"))) != articles:
        discard(project)
        write_content_corpus(content, articles, seed)
    shutil.copy(ROOT / "config.yaml", project / "config.yaml")
    for name in ("templates", "static"):
        if not (project / name).exists():
            (project / name).symlink_to(ROOT / name)
    return project


def corpus(articles: int, seed: int) -> Path:
    return prepare(articles, seed) / "content"


def pagefind(site: Path, log: Path):
    """Pagefind's extended binary, as `python -m pagefind` runs it, over the article pages of `site`."""
    from pagefind.service import get_executable

    output = site / "pagefind"
    command = [str(get_executable()), "--site", str(site), "--output-path", str(output),
               "--glob", "articles/*/index.html", "--silent"]
    return measure(command, log), folder_bytes(output)


def folder_bytes(folder: Path) -> tuple[int, int]:
    files = [path for path in folder.rglob("*") if path.is_file()]
    return len(files), sum(path.stat().st_size for path in files)


def browser_queries(site: Path) -> dict[str, float]:
    """Median and largest bytes and milliseconds of QUERIES, each on the search page freshly opened (nothing
    cached from another query), the bytes the page loads first, and the largest sum of the two."""
    from browser_support import launched_chromium, static_server

    script = """async (query) => {
      const input = document.getElementById('search-q');
      performance.clearResourceTimings();
      const start = performance.now();
      input.value = query;
      document.getElementById('search').requestSubmit();
      const wanted = new URLSearchParams({q: query}).toString();
      while (document.getElementById('search-results').dataset.resultsFor !== wanted)
        await new Promise((resolve) => setTimeout(resolve, 2));
      const ms = performance.now() - start;
      const bytes = performance.getEntriesByType('resource').reduce((sum, entry) => sum + entry.decodedBodySize, 0);
      return [ms, bytes, document.querySelectorAll('#search-results li').length];
    }"""
    firsts, results = [], []
    with static_server(site) as url, launched_chromium() as browser:  # built for base_url "/"
        for query in QUERIES:
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{url}search/")
            page.wait_for_selector("#search[data-ready=true]")
            firsts.append(page.evaluate("performance.getEntriesByType('resource').reduce((s, e) => s + e.decodedBodySize,"
                                        " 0) + performance.getEntriesByType('navigation')[0].decodedBodySize"))
            results.append(page.evaluate(script, query))
            context.close()
    times, sizes = [ms for ms, _, _ in results], [size for _, size, _ in results]
    return {"first_kb": max(firsts) / 1e3, "query_kb": statistics.median(sizes) / 1e3, "query_kb_max": max(sizes) / 1e3,
            "query_ms": statistics.median(times), "query_ms_max": max(times),
            "total_kb_max": max(first + size for first, size in zip(firsts, sizes)) / 1e3}


HARNESS = """<!DOCTYPE html><meta charset="utf-8"><title>Pagefind</title><script type="module">
const pagefind = await import("./pagefind/pagefind.js");
await pagefind.options({ baseUrl: "/" });
await pagefind.init();
const table = await (await fetch("./fold.json")).json();
const from = Array.from(table.from), to = Array.from(table.to);
const map = new Map(from.map((char, index) => [char, to[index]]));
window.pagefindSearch = async (query) => {
  const converted = Array.from(query, (char) => map.get(char) ?? char).join("");
  const terms = converted === query ? [query] : [converted, query];
  const urls = new Set();
  for (const term of terms) {
    const response = await pagefind.search(term);
    for (const page of await Promise.all(response.results.map((result) => result.data()))) urls.add(page.url);
  }
  return [...urls].map((url) => url.split("/").filter(Boolean).pop());
};
window.ready = true;
</script>"""


def draw_queries(texts: dict[str, list[tuple[int, str]]], count: int = 100, seed: int = 24) -> list[str]:
    import random

    from digest.script import to_target_script

    rng = random.Random(seed)
    pieces = [text for segments in texts.values() for _, text in segments if text.strip()]
    singles = []
    for _ in range(count - count // 5 - 4):
        text = rng.choice(pieces)
        start = rng.randrange(len(text))
        query = text[start:start + rng.randint(1, 6)].strip() or text.strip()[:2]
        singles.append(to_target_script(query, "s2t") if rng.random() < 0.34 else query)
    pairs = [f"{one} {two}" for one, two in zip(singles[::2], singles[1::2])][:count // 5]
    return singles + pairs + ["乾坤大挪移", "zzqqxx", "党建党建党建党建", "網格化化"]


def truth(texts: dict[str, list[tuple[int, str]]], queries: list[str]) -> list[set[str]]:
    folded = {slug: [fold(text) for _, text in segments] for slug, segments in texts.items()}
    return [{slug for slug, parts in folded.items() if all(brute_force(parts, term) for term in query_terms(query))}
            for query in queries]


def run_queries(folder: Path, path: str, hook: str, queries: list[str]) -> list[set[str]]:
    """The slugs each query finds through window.<hook> of the page at `path` under `folder`, served."""
    from browser_support import launched_chromium, static_server

    with static_server(folder) as url, launched_chromium() as browser:  # built for base_url "/"
        page = browser.new_page()
        page.set_default_timeout(600_000)
        page.goto(f"{url}{path}")
        page.wait_for_function(f"window.{hook} !== undefined")
        found = page.evaluate(f"async (queries) => {{ const out = []; for (const q of queries)"
                              f" out.push(await window.{hook}(q)); return out; }}", queries)
    return [set(slugs) for slugs in found]


def score(found: list[set[str]], expected: list[set[str]]) -> dict[str, float]:
    hits = sum(len(one & two) for one, two in zip(found, expected))
    return {"recall": hits / max(1, sum(map(len, expected))), "precision": hits / max(1, sum(map(len, found))),
            "missing": sum(bool(two - one) for one, two in zip(found, expected)),
            "extra": sum(bool(one - two) for one, two in zip(found, expected))}


def pagefind_recall(plain_site: Path, shipped_site: Path, queries: list[str], expected: list[set[str]]) -> dict:
    (plain_site / "pagefind-harness.html").write_text(HARNESS, encoding="utf-8")
    (plain_site / "fold.json").write_bytes((shipped_site / "search" / "fold.json").read_bytes())
    return score(run_queries(plain_site, "pagefind-harness.html", "pagefindSearch", queries), expected)


def bench(articles: int, seed: int, with_pagefind: bool, recall: bool) -> dict[str, float]:
    content = corpus(articles, seed)
    row: dict[str, float] = {"articles": articles}
    plain = ours(content, BENCH_SETTINGS)
    plain.clean()
    result = measure(list(plain.command), plain.log)
    row.update(off_s=result.seconds, off_mb=result.peak_rss / 1e6)
    shipped = ours(content, SHIPPED_SETTINGS)
    shipped.clean()
    result = measure(list(shipped.command), shipped.log)
    row.update(shipped_s=result.seconds, shipped_mb=result.peak_rss / 1e6)
    site = Path(shipped.outputs[0])
    row["index_files"], index_bytes = folder_bytes(site / "search" / "index")
    row["index_mb"] = index_bytes / 1e6
    with restored(newest_article(content)):
        with newest_article(content).open("a", encoding="utf-8") as handle:
            handle.write("基准测试追加的一句话。\n")
        result = measure(list(shipped.command), shipped.log)
    row.update(edit_s=result.seconds, edit_mb=result.peak_rss / 1e6)
    row.update(browser_queries(site))
    if recall:
        texts = page_texts(site)
        queries = draw_queries(texts)
        expected = truth(texts, queries)
        row["queries"] = len(queries)
        row["ours"] = score(run_queries(site, "search/", "digestSearch", queries), expected)
    if with_pagefind:
        measured, (files, size) = pagefind(Path(plain.outputs[0]), content.parent / "logs" / "pagefind.log")
        row.update(pagefind_s=measured.seconds, pagefind_mb=measured.peak_rss / 1e6, pagefind_files=files,
                   pagefind_index_mb=size / 1e6)
        if recall:
            row["pagefind"] = pagefind_recall(Path(plain.outputs[0]), site, queries, expected)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--pagefind-max", type=int, default=1000, help="largest size Pagefind indexes")
    parser.add_argument("--recall-max", type=int, default=1000, help="largest size recall is measured at")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md",
                        help="the file whose section 'Search engines' gets the tables")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    lines = ["| articles | search off, 1 edition | shipped (2 editions, search) | one article edited, shipped "
             "| index files / MB | page opened kB | query kB median / max | page and query kB max | query ms median / max "
             "| Pagefind on the search-off site | Pagefind files / MB |", "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    print("\n".join(lines), flush=True)
    recalls = []
    with trash_emptied_after():
        for articles in args.articles:
            row = bench(articles, args.seed, articles <= args.pagefind_max, articles <= args.recall_max)
            recalls += [(articles, row["queries"], engine, row[engine]) for engine in ("ours", "pagefind") if engine in row]
            pagefind_cells = ("{pagefind_s:.1f} s, {pagefind_mb:.0f} MB | {pagefind_files} / {pagefind_index_mb:.0f}"
                              .format(**row) if "pagefind_s" in row else "not run | not run")
            lines.append(("| {articles:,} | {off_s:.1f} s, {off_mb:.0f} MB | {shipped_s:.1f} s, {shipped_mb:.0f} MB "
                          "| {edit_s:.2f} s | {index_files} / {index_mb:.1f} | {first_kb:.0f} | {query_kb:.0f} / "
                          "{query_kb_max:.0f} | {total_kb_max:.0f} | {query_ms:.0f} / {query_ms_max:.0f} | ").format(**row)
                         + pagefind_cells + " |")
            print(lines[-1], flush=True)
    lines += ["", "| articles | queries | engine | recall | precision | queries missing an article "
              "| queries with a non-match |", "|---:|---:|---|---:|---:|---:|---:|"]
    lines += [f"| {articles:,} | {queries} | {engine} | {result['recall']:.1%} | {result['precision']:.1%} "
              f"| {result['missing']} | {result['extra']} |" for articles, queries, engine, result in recalls]
    print("\n".join(lines[-len(recalls) - 3:]), flush=True)
    command = "python bench/search.py " + " ".join(sys.argv[1:])
    intro = (f"`{command.strip()}` (2 cores; load average {load:.1f} at the start and {os.getloadavg()[0]:.1f} at "
             "the end, from other work on the machine: read the times as upper bounds). Wall time and peak RSS "
             "summed over the process tree of one run each; bytes are uncompressed (a plain static server); a query "
             "is timed from submitting the form to the results shown, after the index has loaded. Recall and "
             "precision against a brute-force scan of the Simplified article pages; Pagefind queried as this "
             "project's search page used to query it.")
    put_section(args.output, "## Search engines", intro + "\n\n" + "\n".join(lines))
    print(f"wrote the section 'Search engines' of {args.output}")


if __name__ == "__main__":
    main()
