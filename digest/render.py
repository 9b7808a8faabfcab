"""Write the site: Jinja environment, one writer for every file, a temporary folder swapped in on success."""

from __future__ import annotations

import filecmp
import gc
import hashlib
import json
import os
import shutil
import time
import traceback
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import (Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, TemplateError,
                    TemplateSyntaxError, select_autoescape)

from digest.cache import BuildCache, code_version, hash_text
from digest.config import Config
from digest.content import INVISIBLE_RE, RACY_NS, load_articles
from digest.editions import Edition, TextConverter, editions_of, text_converter
from digest.errors import DigestError
from digest.fragments import FragmentCache
from digest.lock import project_lock
from digest.issues import load_issues
from digest.parallel import chunked, ordered_map
from digest.search import fold_asset, own_segments, text_file
from digest.search_index import INDEX_FOLDER, Indexed, write_index
from digest.replan import Plan, plan_pages
from digest.site import Page
from digest.site_folder import (MARKER, MARKER_TEXT, check_site_setting, claim_site, clear_leftovers, move_into,
                                new_folder, remove_files, replace_folder, staging_area, staging_folder, tidy)
from digest.slug import known_slugs, remember
from digest.urls import Route, Urls, atom_id

# Written once, at the site root, not per edition.
ROOT_ONLY = frozenset({"sitemap", "robots", "file"})

RESAVE_AFTER = 20  # articles edited since the saved plan: at 10,000, each costs about 15 ms to swap in, the save 0.3 s

# The search page's script in static/: copied only when search is on.
SEARCH_STATIC = ("search.js", "search-core.js")


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
    with collector_paused(), remembered_slugs(cache):
        previous = None if full else (memory and memory.plan) or cache.plan(key)
        everything = load_articles(config, drafts=True, cache=cache, jobs=jobs, entries=listed.get(config.dir("content")),
                                   remembered=previous.by_digest() if previous else {})
        articles = [article for article in everything if drafts or not article.draft]
        if not articles and not allow_empty:
            raise nothing_to_publish(config.dir("content"), listed.get(config.dir("content"), []))
        if not articles:  # nothing to search
            config = config.with_overrides(search=False)
            key = build_key(config, drafts)
        editions = editions_of(config.data)
        plan = plan_pages(articles, config, key, previous, load_issues(config, drafts))
        outputs = plan_outputs(plan, editions, config)
    known = None if full or not site_dir.is_dir() or cache.get("outputs_key") != key else cache.outputs()
    reuse = memory and memory.renderer and memory.plan and memory.plan.key == key
    work = memory.renderer if reuse else Renderer(config, editions)
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
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while the site's data is made: millions of objects and no
    cycles, which each full collection would walk again (at 10,000 articles, 0.8 s of 2 s). They
    are frozen, left out of the collections to come, before it is on again: else the first one,
    soon after, would walk them all (0.06 s for the plan of 10,000 articles)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()


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
        articles = indexed_articles(outputs) if reindex else []
        changed_only = False
        if reindex and not search_later:
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
    folder = site_dir / INDEX_FOLDER
    return sum(1 for _ in folder.iterdir()) if folder.is_dir() else 0


def make_environment(config: Config, edition: Edition | None = None,
                     editions: list[Edition] | None = None) -> Environment:
    """Templates from the project's templates/, autoescaped, with `url_for` (this edition's URLs) as
    the only URL maker and `edition_url` for the same page in another edition."""
    editions = editions or editions_of(config.data)
    edition = edition or editions[0]
    urls = Urls(config["base_url"], edition.path)
    environment = Environment(
        loader=FileSystemLoader(config.dir("templates")),
        extensions=[FragmentCache],
        bytecode_cache=template_bytecode(config.dir("cache")),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )

    # One Urls per edition, made once: every page links to each edition, and a new Urls checks the base URL.
    in_editions = {other.path: urls.in_edition(other.path) for other in editions}

    def edition_url(other: Edition, route: Route, absolute: bool = False) -> str:
        return in_editions[other.path].url_for(route.kind, route.key, route.page, absolute=absolute)

    def edition_atom_id(kind: str, key: str | None = None) -> str:
        return atom_id(kind, key, edition.path)

    environment.globals.update(url_for=urls.url_for, atom_id=edition_atom_id, edition_url=edition_url,
                               absolute_urls=urls.is_absolute,
                               site={**config.data, "language": edition.lang},
                               edition=edition, editions=editions)
    return environment


def template_bytecode(cache_dir: Path) -> FileSystemBytecodeCache:
    """Compiled templates kept between builds, in a folder per code version (how templates are
    compiled is code); other versions' folders are removed."""
    folder = cache_dir / "templates" / code_version()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    for other in folder.parent.iterdir():
        if other != folder:
            shutil.rmtree(other, ignore_errors=True)
    return FileSystemBytecodeCache(str(folder))


class Renderer:
    """Renders the planned pages in any edition: one Jinja environment and text converter per edition."""

    def __init__(self, config: Config, editions: list[Edition]):
        self.config = config
        self.editions = editions
        self._environments: dict[int, Environment] = {}
        self._converters: dict[int, TextConverter | None] = {}

    def data(self, output: Output) -> bytes:
        if output.data is not None:
            return output.data()
        page = output.page
        text = render_page(self.environment(output.edition), page)
        convert = self._converters[output.edition]
        xml = page.path.endswith(".xml")
        if convert and page.template:
            text = convert.markup(text, xml=xml)
        if xml:  # what XML does not allow, from settings or templates too (articles' text has none)
            text = INVISIBLE_RE.sub("", text)
        return text.encode("utf-8")

    def search_text(self, output: Output) -> bytes:
        """The search text file of the article page `output`, just rendered: its texts are in the
        converter's cache."""
        entry = output.page.context["entry"]
        convert = self._converters[output.edition]
        return text_file(entry, own_segments(entry, convert), convert)

    def __getstate__(self) -> dict[str, Any]:  # a worker process makes its own environments
        return {**self.__dict__, "_environments": {}, "_converters": {}}

    def load_all(self) -> None:
        """Every edition's environment, templates and text converter, made before a page needs them;
        a template that does not load is left for the page that needs it to report."""
        for number in range(len(self.editions)):
            environment = self.environment(number)
            for name in environment.list_templates():
                with suppress(TemplateError):
                    environment.get_template(name)

    def environment(self, number: int) -> Environment:
        if number not in self._environments:
            edition = self.editions[number]
            self._environments[number] = make_environment(self.config, edition, self.editions)
            self._converters[number] = text_converter(edition.convert, edition.overrides) if edition.convert else None
        return self._environments[number]


def render_page(environment: Environment, page: Page) -> str:
    if page.template is None:
        return page.text
    return environment.get_template(page.template).render(**page.context, page=page)


RENDER_CHUNK = 50  # outputs per task handed to a worker process, each with its page's data
PARALLEL_FROM = 8  # chunks of work before worker processes pay off

_worker: tuple[Renderer, Path] | None = None  # the renderer and target folder of a worker process


def render_outputs(work: Renderer, outputs: list[Output], target: Path, jobs: int | None,
                   besides: Callable[[], Any] | None = None) -> None:
    """Write `outputs` into `target`, spread over `jobs` processes when there are many; each file
    is made the same way wherever it is made, so the result does not depend on `jobs`. This process
    makes the folders, each once, just before the chunk needing them is handed out: workers making
    them would wait on each other's changes to one folder. `besides()` runs once, by a worker
    while the others write, or here after the files (see `ordered_results`)."""
    made: set[str] = set()
    ordered_map(write_chunk, chunked(outputs, RENDER_CHUNK), jobs, parallel_from=PARALLEL_FROM,
                initializer=start_worker, initargs=(work, target), chunksize=1,
                prepare=partial(make_folders, target, made=made), besides=besides)


def start_worker(work: Renderer, target: Path) -> None:
    global _worker
    _worker = (work, target)


def write_chunk(outputs: list[Output]) -> None:
    work, target = _worker
    with template_errors(work.config.dir("templates")):
        for output in outputs:
            if output.search_text:
                continue  # written with its page, below
            with open(os.path.join(target, output.path), "wb") as file:
                file.write(work.data(output))
            if output.searchable:
                route = Route("search_text", output.page.route.key)
                path = os.path.join(target, work.editions[output.edition].path + route.path)
                os.makedirs(os.path.dirname(path), exist_ok=True)  # its chunk may be handed out before the folder's
                with open(path, "wb") as file:
                    file.write(work.search_text(output))


def make_folders(target: Path, outputs: list[Output], made: set[str]) -> None:
    """The folders of `outputs` not yet in `made`, which is told of them."""
    for folder in sorted({os.path.dirname(output.path) for output in outputs} - made):
        os.makedirs(os.path.join(target, folder), exist_ok=True)
        made.add(folder)


@contextmanager
def template_errors(templates_dir: Path) -> Iterator[None]:
    """Jinja's errors as DigestErrors naming the template file and line, like every other input error."""
    try:
        yield
    except TemplateSyntaxError as exc:
        raise DigestError(f"template error: {exc.message}", exc.filename, exc.lineno) from exc
    except TemplateError as exc:
        raise DigestError(f"template error: {exc}", *_template_frame(exc, templates_dir)) from exc


def _template_frame(exc: Exception, templates_dir: Path) -> tuple[Path | None, int | None]:
    """The innermost template line being rendered: Jinja gives its frames the template's file name."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if Path(frame.filename).is_relative_to(templates_dir):
            return Path(frame.filename), frame.lineno
    return None, None


def same_bytes(one: Path, other: Path) -> bool:
    return other.is_file() and filecmp.cmp(one, other, shallow=False)


def hash_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
