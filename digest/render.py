"""Build the site: what changed since the last build, the files made into a temporary folder and
swapped in whole (a full build) or moved in one by one (an incremental one). The files are planned in
digest.outputs, made in digest.renderer, the search index finished in digest.search_build."""

from __future__ import annotations

import filecmp
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

from digest.cache import BuildCache, code_version, hash_text
from digest.config import Config
from digest.content import RACY_NS, load_articles
from digest.editions import editions_of
from digest.errors import DigestError
from digest.issues import load_issues
from digest.lock import project_lock
from digest.outputs import Output, hash_bytes, plan_outputs
from digest.parallel import collector_paused
from digest.reads import template_reads
from digest.renderer import Renderer, render_outputs
from digest.replan import Plan, plan_pages
from digest.search_build import index_files, indexed_articles, put_index, set_stale_search, stale_search
from digest.site_folder import (check_site_setting, claim_site, clear_leftovers, move_into, remove_files,
                                staging_area, staging_folder)
from digest.slug import known_slugs, remember
from digest.templating import template_errors
from digest.urls import Route

RESAVE_AFTER = 20  # articles edited since the saved plan: at 10,000, each costs about 15 ms to swap in, the save 0.3 s


@dataclass(frozen=True)
class BuildReport:
    """What a build left in the site folder: articles, pages and files in all (the search index's
    too), pages indexed for search (None with search off); and what this build wrote and removed."""

    articles: int
    pages: int
    files: int
    output: Path
    indexed: int | None = None
    rendered: int = 0
    written: int = 0
    removed: int = 0
    drafts_left_out: int = 0  # articles marked draft: true that this build did not publish

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "output": str(self.output)})

    @classmethod
    def unchanged(cls, saved: str) -> "BuildReport":
        """The site as the last build left it, nothing made, changed or removed this time."""
        fields = json.loads(saved)
        return cls(**{**fields, "output": Path(fields["output"]), "rendered": 0, "written": 0, "removed": 0})

    def __str__(self) -> str:
        search = "" if self.indexed is None else f", {self.indexed} indexed for search"
        return (f"{self.articles} articles, {self.pages} pages, {self.files} files{search} in {self.output} "
                f"({self.rendered} made, {self.written} changed, {self.removed} removed)")


@dataclass
class BuildMemory:
    """What a process that builds again and again (the preview) keeps from one build to the next:
    its cache connection, and the last plan with its articles, so that an edit moving no article is
    planned again in the pages showing it, not across the whole site (see digest.replan). A build
    without it starts from the last plan made from scratch, which the cache keeps."""

    cache: BuildCache | None = None
    plan: Plan | None = None
    renderer: Renderer | None = None  # for the plan's build key

    def cache_in(self, folder: Path) -> BuildCache:
        if self.cache is None or self.cache.folder != folder:
            self.cache, self.plan = BuildCache(folder), None
        return self.cache


def build_site(config: Config, drafts: bool = False, jobs: int | None = None, full: bool = False,
               search_later: bool = False, memory: BuildMemory | None = None,
               allow_empty: bool = False) -> BuildReport:
    """content/ -> site/: read the articles, plan the pages, write them once per edition (the first at
    the root, each other in its folder, its text converted), in `jobs` processes (default: one per core).

    With the cache's record of the previous build (same settings, templates and code, unless `full`),
    only the files whose fingerprint changed are written and the ones no longer planned removed;
    otherwise the whole site is written into a new folder that replaces site/ on success.
    `search_later` leaves an incremental build's search index to `finish_search` (the preview
    reloads the page first); `memory` is what the builds of one process keep between them.

    The build holds the project lock (see digest.lock), writes only a site folder it made (see
    digest.site_folder), and refuses to leave a site with no article unless `allow_empty`."""
    check_site_setting(config)
    with project_lock(config.dir("cache")):
        cache = memory.cache_in(config.dir("cache")) if memory else BuildCache(config.dir("cache"))
        clear_leftovers(config)
        claim_site(config, cache)
        return write_site(config, cache, drafts, jobs, full, search_later, memory, allow_empty)


def write_site(config: Config, cache: BuildCache, drafts: bool, jobs: int | None, full: bool,
               search_later: bool, memory: BuildMemory | None, allow_empty: bool) -> BuildReport:
    """The body of `build_site`, once the site folder is known to be the build's."""
    site_dir = config.dir("site")
    key = build_key(config, drafts)
    listed = {folder: walk(folder) for folder in (config.dir("content"), config.dir("static"), config.dir("issues"))
              if folder.is_dir()}
    inputs = inputs_key(key, listed)
    if not full and site_dir.is_dir() and inputs and cache.get("inputs") == inputs and not stale_search(cache):
        return BuildReport.unchanged(cache.get("report"))
    cache.set("inputs", None)
    work = renderer_for(config, key, memory)
    with collector_paused(), remembered_slugs(cache):
        previous = None if full else (memory and memory.plan) or cache.plan(key)
        everything = load_articles(config, drafts=True, cache=cache, jobs=jobs, entries=listed.get(config.dir("content")),
                                   remembered=previous.by_digest() if previous else {},
                                   meanwhile=partial(prepare_templates, work))
        articles = [article for article in everything if drafts or not article.draft]
        if not articles and not allow_empty:
            raise nothing_to_publish(config.dir("content"), listed.get(config.dir("content"), []))
        if not articles:  # nothing to search
            config = config.with_overrides(search=False)
            key = build_key(config, drafts)
            work = renderer_for(config, key, memory)
        editions = work.editions
        plan = plan_pages(articles, config, key, previous, load_issues(config, drafts))
        outputs = plan_outputs(plan, editions, config)
    known = None if full or not site_dir.is_dir() or cache.get("outputs_key") != key else cache.outputs()
    # Kept for the next build to start from (see digest.replan): a plan made anew, or one made from a
    # plan so long ago that swapping all the articles edited since would cost more than saving it.
    # Saved by a worker while the others write the site, unless this process keeps the plan (the
    # preview), which needs it indexed here.
    keep = partial(keep_plan, cache, key, plan) if plan.showing is None or plan.swapped_in >= RESAVE_AFTER else None
    besides = None if memory else keep
    with template_errors(config.dir("templates")):
        if known is None:
            rendered = written = write_all(work, outputs, site_dir, jobs, cache, besides)
            removed = 0
            set_stale_search(cache, None)
            cache.save_outputs(key, {output.path: output.fingerprint for output in outputs})
        else:
            rendered, written, removed = update(work, outputs, known, cache, key, site_dir, jobs, search_later,
                                                besides)
    if keep and memory:
        keep()
    files = len(outputs) + (index_files(site_dir) if config["search"] else 0)
    indexed = len(articles) if config["search"] else None
    page_count = sum(1 for output in outputs if output.page is not None)
    report = BuildReport(len(articles), page_count, files, site_dir, indexed, rendered, written, removed,
                         drafts_left_out=len(everything) - len(articles))
    cache.set("report", report.to_json())
    cache.set("inputs", inputs)
    if memory:  # made ready for the next build, which the preview wants soon
        memory.plan, memory.renderer = plan, work
        work.load_all()
    return report


def renderer_for(config: Config, key: str, memory: BuildMemory | None) -> Renderer:
    """The renderer the preview kept, when its last build had this build key; else a new one."""
    if memory and memory.renderer and memory.plan and memory.plan.key == key:
        return memory.renderer
    return Renderer(config, editions_of(config.data))


def prepare_templates(work: Renderer) -> None:
    """What the build does with its templates before rendering, done while worker processes read the
    articles (this process would only wait): every template compiled (the workers rendering the
    pages are forked from this process later, and find them compiled, rather than each compile
    them again), and each template's source parsed for what it reads of an article (the parse is
    cached by source in reads._facts: planning the pages later reads the templates again but
    finds every parse done)."""
    work.load_all()
    template_reads(work.config.dir("templates"))  # run for the cache it fills, its result unused


def nothing_to_publish(content_dir: Path, entries: list[os.DirEntry]) -> DigestError:
    """The error of a build that would replace the site with one without articles."""
    drafts = sum(1 for entry in entries if entry.name.endswith(".md"))
    what = f"its {drafts} content files are all drafts" if drafts else "it holds no content file"
    return DigestError(f"no article to publish: {what}, and the site would be emptied; add articles "
                       f"(./build.py ingest, or ./build.py new \"标题\"), or build with --allow-empty", content_dir)


def keep_plan(cache: BuildCache, key: str, plan: Plan) -> None:
    """Index `plan` and save it for the next build."""
    with collector_paused():
        plan.index()
        cache.save_plan(key, plan)


@contextmanager
def remembered_slugs(cache: BuildCache) -> Iterator[None]:
    """The slugs earlier builds made, and the ones made now kept for the next build."""
    saved = cache.slugs()
    remember(saved)
    yield
    new = known_slugs() - saved
    if new:
        cache.save_slugs(new)


def inputs_key(key: str, listed: dict[Path, list[os.DirEntry]]) -> str | None:
    """The build key and the size and time of every content and static file (`listed` by folder):
    when it is the one the last build recorded, that build's site is this build's. None while a
    file is so new that a second save could keep its size and time (see content.RACY_NS)."""
    stats = [(entry.path, stat_of(entry)) for entries in listed.values() for entry in entries]
    if any(time.time_ns() - stat.st_mtime_ns < RACY_NS for _, stat in stats):
        return None
    return hash_text(key, *(f"{name} {stat.st_size} {stat.st_mtime_ns}" for name, stat in stats))


def stat_of(entry: os.DirEntry) -> os.stat_result:
    """The entry's stat, or its link's own for a symbolic link to nothing (reading it reports it)."""
    try:
        return entry.stat()
    except OSError:
        return entry.stat(follow_symlinks=False)


def walk(folder: Path) -> list[os.DirEntry]:
    """Every file and folder under `folder`, in name order (each entry keeps its stat once asked)."""
    entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    return [*entries, *(inner for entry in entries if entry.is_dir() for inner in walk(Path(entry.path)))]


def build_key(config: Config, drafts: bool) -> str:
    """What every page depends on: code, settings, templates, whether drafts are shown."""
    templates = config.dir("templates")
    parts = [code_version(), json.dumps(config.data, sort_keys=True, default=str), str(drafts)]
    for path in sorted(templates.rglob("*")) if templates.is_dir() else ():
        if path.is_file():
            parts.append(f"{path.relative_to(templates)}:{hash_bytes(path.read_bytes())}")
    return hash_text(*parts)


def write_all(work: Renderer, outputs: list[Output], site_dir: Path, jobs: int | None, cache: BuildCache,
              besides: Callable[[], Any] | None = None) -> int:
    """The whole site into a new folder, which replaces site/ once everything, search included, is
    written; `besides()` runs once meanwhile (see `render_outputs`)."""
    with staging_folder(site_dir, staging_area(work.config)) as staging:
        render_outputs(work, outputs, staging, jobs, besides)
        if work.config["search"]:  # built in the staging folder: a failure leaves site/ as it was
            from digest.search_index import INDEX_FOLDER, write_index  # numpy: only a build with search loads it

            write_index(indexed_articles(outputs), len(work.editions), [staging], staging / INDEX_FOLDER, cache,
                         jobs=jobs)
    return len(outputs)


def update(work: Renderer, outputs: list[Output], known: dict[str, str], cache: BuildCache, key: str,
           site_dir: Path, jobs: int | None, search_later: bool = False,
           besides: Callable[[], Any] | None = None) -> tuple[int, int, int]:
    """Make the files whose fingerprint changed, index search again in the editions whose articles
    changed, remove the files no longer planned, and record it all under build key `key`; (made,
    changed, removed). Everything is made beside site/ first, then the files whose bytes differ are
    moved in, one rename a file, so a failure leaves site/ as it was and an unchanged file keeps its
    time. `besides()` runs once meanwhile (see `render_outputs`)."""
    changed = [output for output in outputs if known.get(output.path) != output.fingerprint]
    planned = {output.path for output in outputs}
    stale = sorted(path for path in known if path not in planned)
    text_folders = tuple(edition.path + Route("search_text", "").location.removesuffix(".json")
                         for edition in work.editions)
    reindex = work.config["search"] and (stale_search(cache) or any(output.search_text for output in changed)
                                         or any(path.startswith(text_folders) for path in stale))
    if not (changed or stale or reindex):
        if besides:
            besides()
        return 0, 0, 0
    area = staging_area(work.config)
    with staging_folder(site_dir, area, swap=False) as staging:
        render_outputs(work, changed, staging, jobs, besides)
        new_index = staging / ".search-index"
        articles, changed_only = [], False
        if reindex:
            from digest.search_index import INDEX_FOLDER, write_index  # numpy: only a build with search loads it

            articles = indexed_articles(outputs)
            if not search_later:
                changed_only = write_index(articles, len(work.editions), [staging, site_dir], new_index, cache,
                                            site_dir / INDEX_FOLDER, jobs=jobs)
        differ = [output.path for output in changed if not same_bytes(staging / output.path, site_dir / output.path)]
        cache.set("outputs_key", None)  # until the new record is saved, the next build writes everything
        set_stale_search(cache, articles if reindex and search_later else None)
        move_into(staging, site_dir, differ)
        if new_index.is_dir():
            put_index(new_index, site_dir / INDEX_FOLDER, changed_only, area)
    remove_files(site_dir, stale)
    cache.update_outputs(key, {output.path: output.fingerprint for output in changed}, stale)
    return len(changed), len(differ), len(stale)


def same_bytes(one: Path, other: Path) -> bool:
    return other.is_file() and filecmp.cmp(one, other, shallow=False)


