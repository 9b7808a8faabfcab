"""The search index in a build: the articles to index, the index put into site/, and an index a build left for later finished."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from digest.cache import BuildCache
from digest.config import Config
from digest.editions import editions_of
from digest.lock import project_lock
from digest.outputs import Output
from digest.site_folder import new_folder, replace_folder, staging_area, tidy

if TYPE_CHECKING:
    from digest.search_index import Indexed

# digest.search_index is imported where it is used: it loads numpy, which a build with search off
# never needs (0.1 s of a small build's start).


# Cache state: the articles to index (as JSON) when a build left the search index to finish_search.
STALE_SEARCH = "stale_search"


def stale_search(cache: BuildCache) -> bool:
    return cache.get(STALE_SEARCH) is not None


def set_stale_search(cache: BuildCache, articles: list[Indexed] | None) -> None:
    cache.set(STALE_SEARCH, None if articles is None else json.dumps([list(asdict(article).values())
                                                                      for article in articles], ensure_ascii=False))


def finish_search(config: Config, cancelled: Callable[[], bool] = lambda: False) -> int:
    """Index search again, in site/ itself, if a `search_later` build left it; 1 if it did, else 0.
    When `cancelled()` turns true it is left for the next call."""
    with project_lock(config.dir("cache")):
        cache = BuildCache(config.dir("cache"))
        saved = cache.get(STALE_SEARCH)
        if saved is None:
            return 0
        from digest.search_index import INDEX_FOLDER, Indexed, write_index
        site_dir = config.dir("site")
        area = staging_area(config)
        folder = new_folder(area, "search-")
        articles = [Indexed(slug, rank, tuple(tags), source, tuple(texts), tuple(prints))
                    for slug, rank, tags, source, texts, prints in json.loads(saved)]
        try:
            changed_only = write_index(articles, len(editions_of(config.data)), [site_dir], folder / "index", cache,
                                        site_dir / INDEX_FOLDER, cancelled)
            if changed_only is None:
                return 0
            put_index(folder / "index", site_dir / INDEX_FOLDER, changed_only, area)
            set_stale_search(cache, None)
            return 1
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            tidy(area)


def indexed_articles(outputs: list[Output]) -> list[Indexed]:
    """The articles whose search text files are among `outputs`, in site order."""
    from digest.search_index import Indexed

    texts: dict[str, list[Output]] = {}
    for output in outputs:
        if output.search_text:
            texts.setdefault(output.page.route.key, []).append(output)
    articles = []
    for rank, (slug, files) in enumerate(texts.items()):  # the plan's article pages are in site order
        entry = files[0].page.context["entry"]
        articles.append(Indexed(slug, rank, tuple(tag.name for tag in entry.tags), entry.source.name,
                                tuple(output.path for output in files), tuple(output.fingerprint for output in files)))
    return articles


def put_index(new: Path, current: Path, changed_only: bool, area: Path) -> None:
    """The index made in `new` into `current`: file by file (only the changed ones), or the whole
    folder (the old one put aside in the staging `area`)."""
    if not changed_only:
        replace_folder(current, new, area)
        return
    for path in sorted(new.iterdir()):
        os.replace(path, current / path.name)
    new.rmdir()


def index_files(site_dir: Path) -> int:
    """How many files the search index has."""
    from digest.search_index import INDEX_FOLDER

    folder = site_dir / INDEX_FOLDER
    return sum(1 for _ in folder.iterdir()) if folder.is_dir() else 0
