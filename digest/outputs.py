"""Every file of a site planned with its fingerprint: the pages in each edition, the static files."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from digest.config import Config
from digest.editions import Edition
from digest.errors import DigestError
from digest.replan import Plan
from digest.search import fold_asset
from digest.site import Page
from digest.site_folder import MARKER, MARKER_TEXT
from digest.urls import Route

# Written once, at the site root, not per edition.
ROOT_ONLY = frozenset({"sitemap", "robots", "file"})

# The search page's script in static/: copied only when search is on.
SEARCH_STATIC = ("search.js", "search-core.js")



@dataclass(frozen=True)
class Output:
    """One file of the site: `page` of the plan in edition `edition`, or the bytes `data()`
    makes; `fingerprint` changes whenever what the file is made from changes."""

    path: str
    fingerprint: str
    page: Page | None = None
    edition: int = 0
    data: Callable[[], bytes] | None = None
    searchable: bool = False  # an article page, whose search text file is written with it
    search_text: bool = False  # that file: in the plan (for its fingerprint), written by its page


def plan_outputs(plan: Plan, editions: list[Edition], config: Config) -> list[Output]:
    """Every file of the site with its fingerprint: the pages in each edition (with search, each
    article's search text file), the search fold table, the static files, the marker of a site
    folder the build made; two files for one path are an error. The search index itself is made
    after them (see `index_search`)."""
    search = config["search"]
    outputs = []
    for number, edition in enumerate(editions):
        for page, fingerprint in zip(plan.pages, plan.prints):
            if edition.path and page.route.kind in ROOT_ONLY:
                continue
            searchable = search and page.route.kind == "article"
            outputs.append(Output(edition.path + page.path, fingerprint, page, number, searchable=searchable))
            if searchable:
                outputs.append(Output(edition.path + Route("search_text", page.route.key).path, fingerprint, page,
                                      number, search_text=True))
    if search:
        outputs.append(Output(Route("search_fold").path, "search-fold", data=fold_asset))
    outputs += static_outputs(config.dir("static"), leave_out=() if config["search"] else SEARCH_STATIC)
    marker = MARKER_TEXT.encode("utf-8")  # kept in the record like any file, so no build removes it
    outputs.append(Output(MARKER, hash_bytes(marker), data=partial(bytes, marker)))
    check_distinct_paths(outputs)
    return outputs


def static_outputs(static_dir: Path, leave_out: Collection[str] = ()) -> list[Output]:
    """static/ -> site/static/, hidden files and the paths in `leave_out` left out."""
    if not static_dir.is_dir():
        return []
    outputs = []
    for source in sorted(static_dir.rglob("*")):
        relative = source.relative_to(static_dir)
        if source.is_file() and relative.as_posix() not in leave_out \
                and not any(part.startswith(".") for part in relative.parts):
            data = source.read_bytes()
            outputs.append(Output(Route("static", relative.as_posix()).path, hash_bytes(data),
                                  data=partial(bytes, data)))
    return outputs


def check_distinct_paths(outputs: list[Output]) -> None:
    seen: set[str] = set()
    for output in outputs:
        if output.path in seen:
            raise DigestError(f"two pages would be written to the same file '{output.path}'")
        seen.add(output.path)


def hash_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
