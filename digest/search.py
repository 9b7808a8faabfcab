"""Site search: a Pagefind index of the article pages, and the table that converts queries to the site's script.

Pagefind (the extended build, which segments Chinese into words) indexes the built article pages and
writes its bundle into `pagefind/`; the search page's script (static/search.js) loads it with
Pagefind's JS API. Only the article pages are given to Pagefind, and in them only the element marked
`data-pagefind-body`, so list and tag pages never show up as results.

Queries are typed in either script while the articles are in one (`script` in config.yaml), so the
browser converts a query character by character with a table made here from OpenCC: every CJK
Unified Ideograph that the conversion changes into one other character.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from digest.script import converter
from digest.errors import DigestError
from digest.pagefind_order import sort_filters
from digest.urls import Route

# The candidates for the table: CJK Unified Ideographs, Extension A and the main block.
CANDIDATES = (range(0x3400, 0x4DC0), range(0x4E00, 0xA000))

# Articles in the target script -> the conversion that brings a query typed in the other script
# to it. Phrase conversions (s2twp) act on single characters as their plain form (s2tw) does;
# t2tw and t2hk take Traditional input, so a Simplified query needs s2tw and s2hk.
QUERY_CONVERSIONS = {
    "t2s": "t2s", "tw2s": "tw2s", "hk2s": "hk2s",
    "s2t": "s2t", "s2tw": "s2tw", "s2twp": "s2tw", "s2hk": "s2hk", "t2tw": "s2tw", "t2hk": "s2hk",
}

CANCEL_POLL_SECONDS = 0.02  # how soon a cancelled indexing stops: the preview's next build waits for it


@dataclass(frozen=True)
class SearchIndex:
    """What indexing wrote: pages indexed, files in the bundle."""

    pages: int
    files: int


@lru_cache(maxsize=None)
def script_map(conversion: str) -> dict[str, str]:
    """character -> converted character, for every candidate the OpenCC `conversion` changes into
    exactly one other character (`黨` -> `党` with t2s); characters left alone are not listed."""
    convert = converter(conversion).convert
    table = {}
    for block in CANDIDATES:
        for code in block:
            char = chr(code)
            converted = convert(char)
            if converted != char and len(converted) == 1:
                table[char] = converted
    return table


def script_map_asset(script: str) -> bytes:
    """The table as compact JSON for the search page: two strings, `from[i]` becomes `to[i]`.
    Characters outside the Basic Multilingual Plane occur, so the script reads them by code point."""
    conversion = QUERY_CONVERSIONS[script]
    table = script_map(conversion)
    data = {"conversion": conversion, "from": "".join(table), "to": "".join(table.values())}
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def index_site(site_dir: Path, output: Path | None = None,
               cancelled: Callable[[], bool] = lambda: False) -> SearchIndex | None:
    """Index the article pages of the site built in `site_dir` into `output` (`site_dir/pagefind/`);
    None if `cancelled()` turned true first (the preview stops indexing when a new save comes in).

    Runs the Pagefind binary that the `pagefind[extended]` wheel ships, as `python -m pagefind`
    would, rather than through Pagefind's async Python API: that drives the same binary as a
    service, answers each request after a 0.1 s poll and cannot start inside a running event loop.
    Result URLs are the pages' paths from the site root; the search page gives Pagefind the base
    path (its baseUrl option)."""
    try:
        from pagefind.service import get_executable  # the extended binary first, as `python -m pagefind`
    except ImportError:
        raise DigestError("search needs Pagefind: pip install -r requirements.txt "
                          "(or set `search: false` in config.yaml)") from None
    binary = get_executable()
    if binary is None:
        raise DigestError("search needs the Pagefind binary: pip install -r requirements.txt")
    output = output or index_folder(site_dir)
    command = [str(binary), "--site", str(site_dir), "--output-path", str(output),
               "--glob", Route("article", "*").path, "--silent"]  # articles/*/index.html
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   encoding="utf-8", errors="replace")
    except OSError as exc:
        raise DigestError(f"search index: cannot run Pagefind ({binary}): {exc}") from None
    while True:
        try:
            stdout, stderr = process.communicate(timeout=CANCEL_POLL_SECONDS)
            break
        except subprocess.TimeoutExpired:
            if cancelled():
                process.kill()
                process.communicate()
                return None
    if process.returncode != 0 or not (output / "pagefind.js").is_file():
        message = (stderr.strip() or stdout.strip() or f"exit status {process.returncode}")
        raise DigestError(f"search index: Pagefind failed: {message}")
    sort_filters(output)  # Pagefind 1.5.2 writes its filters in random order; see digest/pagefind_order.py
    return search_index_stats(site_dir, output)


def index_folder(site_dir: Path) -> Path:
    return site_dir / Route("search_index", "").location  # pagefind/


def search_index_stats(site_dir: Path, output: Path | None = None) -> SearchIndex:
    """Pages and files of the index in `output` (`site_dir/pagefind/`)."""
    output = output or index_folder(site_dir)
    entry = json.loads((output / "pagefind-entry.json").read_text(encoding="utf-8"))
    pages = sum(language["page_count"] for language in entry["languages"].values())
    return SearchIndex(pages, sum(len(files) for _, _, files in os.walk(output)))
