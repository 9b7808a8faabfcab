"""Write the site: Jinja environment, one writer for every file, a temporary folder swapped in on success."""

from __future__ import annotations

import os
import shutil
import tempfile
import traceback
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from jinja2 import (Environment, FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError,
                    select_autoescape)

from digest.config import Config
from digest.content import load_articles
from digest.editions import Edition, TextConverter, editions_of
from digest.errors import DigestError
from digest.search import index_site, script_map_asset
from digest.site import Page, plan_site
from digest.urls import Route, Urls, atom_id

# Written once, at the site root, not per edition.
ROOT_ONLY = frozenset({"sitemap", "robots", "file"})

# The search page's script in static/: copied only when search is on.
SEARCH_STATIC = ("search.js",)


@dataclass(frozen=True)
class BuildReport:
    """What a build wrote: articles read, pages rendered, files written in all (the search index's
    too), pages indexed for search (None with search off), and where."""

    articles: int
    pages: int
    files: int
    output: Path
    indexed: int | None = None

    def __str__(self) -> str:
        search = "" if self.indexed is None else f", {self.indexed} indexed for search"
        return f"{self.articles} articles, {self.pages} pages, {self.files} files{search} in {self.output}"


def build_site(config: Config, drafts: bool = False) -> BuildReport:
    """content/ -> site/: read every article, plan the pages, write them once per edition (the first at
    the root, each other in its folder, its text converted); site/ changes only on success."""
    articles = load_articles(config, drafts=drafts)
    if not articles:  # nothing to search (and Pagefind refuses to write an empty index)
        config = config.with_overrides(search=False)
    editions = editions_of(config.data)
    pages = plan_site(articles, config)
    site_dir = config.dir("site")
    indexes = []
    with staging_folder(site_dir) as staging, template_errors(config.dir("templates")):
        writer = Writer(staging)
        for edition in editions:
            environment = make_environment(config, edition, editions)
            convert = TextConverter(edition.convert, edition.overrides) if edition.convert else None
            for page in pages:
                if edition.path and page.route.kind in ROOT_ONLY:
                    continue
                text = render_page(environment, page)
                if convert and page.template:
                    text = convert.markup(text, xml=page.path.endswith(".xml"))
                writer.write(edition.path + page.path, text.encode("utf-8"))
            if config["search"]:
                writer.write(edition.path + Route("search_map").path,
                             script_map_asset(edition.convert or config["script"]))
        copy_static(writer, config.dir("static"), leave_out=() if config["search"] else SEARCH_STATIC)
        if config["search"]:
            # One index per edition, in its folder; built in the staging folder, so a failed index
            # leaves the previous site/ as it was.
            indexes = [index_site(staging / edition.path if edition.path else staging) for edition in editions]
    files = len(writer.written) + sum(index.files for index in indexes)
    indexed = sum(index.pages for index in indexes) if config["search"] else None
    rendered = sum(1 for edition in editions for page in pages if not (edition.path and page.route.kind in ROOT_ONLY))
    return BuildReport(len(articles), rendered, files, site_dir, indexed)


def make_environment(config: Config, edition: Edition | None = None,
                     editions: list[Edition] | None = None) -> Environment:
    """Templates from the project's templates/, autoescaped, with `url_for` (this edition's URLs) as
    the only URL maker and `edition_url` for the same page in another edition."""
    editions = editions or editions_of(config.data)
    edition = edition or editions[0]
    urls = Urls(config["base_url"], edition.path)
    environment = Environment(
        loader=FileSystemLoader(config.dir("templates")),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )

    def edition_url(other: Edition, route: Route, absolute: bool = False) -> str:
        return urls.in_edition(other.path).url_for(route.kind, route.key, route.page, absolute=absolute)

    def edition_atom_id(kind: str, key: str | None = None) -> str:
        return atom_id(kind, key, edition.path)

    environment.globals.update(url_for=urls.url_for, atom_id=edition_atom_id, edition_url=edition_url,
                               site={**config.data, "language": edition.lang},
                               edition=edition, editions=editions)
    return environment


def render_page(environment: Environment, page: Page) -> str:
    if page.template is None:
        return page.text
    return environment.get_template(page.template).render(**page.context, page=page)


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


class Writer:
    """The one way files get into the output folder; refuses to write the same path twice."""

    def __init__(self, root: Path):
        self.root = root
        self.written: set[str] = set()

    def write(self, path: str, data: bytes) -> None:
        if path in self.written:
            raise DigestError(f"two pages would be written to the same file '{path}'")
        self.written.add(path)
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def copy_static(writer: Writer, static_dir: Path, leave_out: Collection[str] = ()) -> None:
    """static/ -> site/static/, hidden files and the paths in `leave_out` left out."""
    if not static_dir.is_dir():
        return
    for source in sorted(static_dir.rglob("*")):
        relative = source.relative_to(static_dir)
        if relative.as_posix() in leave_out:
            continue
        if source.is_file() and not any(part.startswith(".") for part in relative.parts):
            writer.write(Route("static", relative.as_posix()).path, source.read_bytes())


@contextmanager
def staging_folder(site_dir: Path) -> Iterator[Path]:
    """A new folder next to `site_dir` to build into; it replaces `site_dir` only if the block succeeds."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-new-", dir=site_dir.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging)
        raise
    staging.chmod(0o755)  # mkdtemp makes it private; the site is meant to be read by a web server
    swap_in(staging, site_dir)


def swap_in(staging: Path, site_dir: Path) -> None:
    """Two renames, so site/ is never half-written; the old tree is deleted after."""
    old = staging.with_name(staging.name.replace("-new-", "-old-"))
    if site_dir.exists():
        os.rename(site_dir, old)
    os.rename(staging, site_dir)
    if old.exists():
        shutil.rmtree(old)
