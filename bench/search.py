#!/usr/bin/env python3
"""Search benchmark: Pagefind index build time and index size on generated content corpora.

    python bench/search.py [--articles 1000 10000] [--seed 1]

For each size: generate content/ (bench.corpus.write_content_corpus, cached in bench/out/search-N),
build the site with search off, then index it as the build does (digest.search.index_site) and
report the time, Pagefind's peak memory, and the bundle's size: all of pagefind/, the part that
grows with the corpus (word index, fragments, filters, metadata), and what the browser fetches
before the first result (entry, metadata, the wasm and the script). The script conversion table
is the same for every size.
"""

from __future__ import annotations

import argparse
import gzip
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import write_content_corpus  # noqa: E402
from bench.trash import discard, trash_emptied_after  # noqa: E402
from digest.config import load_config  # noqa: E402
from digest.render import build_site  # noqa: E402
from digest.search import index_site, script_map_asset  # noqa: E402

OUT = ROOT / "bench" / "out"
GROWING = ("index", "fragment", "filter")  # folders of pagefind/ that grow with the corpus


def prepare(articles: int, seed: int) -> Path:
    """bench/out/search-N with config.yaml and N generated content files (kept between runs)."""
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


def size(paths: list[Path]) -> int:
    return sum(path.stat().st_size for path in paths if path.is_file())


def bench(articles: int, seed: int) -> dict[str, float]:
    project = prepare(articles, seed)
    config = load_config(project / "config.yaml").with_overrides(search=False)
    start = time.perf_counter()
    build_site(config)
    build_seconds = time.perf_counter() - start
    site = config.dir("site")
    html = size(list(site.glob("articles/*/index.html")))
    start = time.perf_counter()
    index = index_site(site)
    index_seconds = time.perf_counter() - start
    bundle = site / "pagefind"
    files = [path for path in bundle.rglob("*") if path.is_file()]
    growing = [path for path in files if path.parent.name in GROWING or path.suffix == ".pf_meta"]
    first = [bundle / "pagefind-entry.json", bundle / "pagefind.js", bundle / "wasm.unknown.pagefind",
             *bundle.glob("*.pf_meta")]
    return {
        "articles": articles, "pages": index.pages, "article_html_mb": html / 1e6,
        "build_s": build_seconds, "index_s": index_seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "files": len(files), "bundle_mb": size(files) / 1e6, "growing_mb": size(growing) / 1e6,
        "first_kb": size(first) / 1e3,
        "fragments": len(list((bundle / "fragment").iterdir())), "chunks": len(list((bundle / "index").iterdir())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    table = script_map_asset(load_config(ROOT / "config.yaml")["script"])
    print(f"script map (search/script-map.json): {len(table) / 1e3:.1f} kB, "
          f"{len(gzip.compress(table, 9, mtime=0)) / 1e3:.1f} kB gzipped")
    print("| articles | article HTML MB | build s (search off) | index s | Pagefind peak MB | files "
          "| pagefind/ MB | of it index+fragments+filters MB | word chunks | Pagefind start kB (entry, js, wasm, meta) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with trash_emptied_after():
        for articles in args.articles:
            result = bench(articles, args.seed)
            print("| {articles} | {article_html_mb:.1f} | {build_s:.1f} | {index_s:.1f} | {peak_mb:.0f} | {files} "
                  "| {bundle_mb:.1f} | {growing_mb:.1f} | {chunks} | {first_kb:.0f} |".format(**result), flush=True)


if __name__ == "__main__":
    main()
