"""The Jinja environment of an edition, its compiled templates kept in the cache, and template errors as input errors."""

from __future__ import annotations

import shutil
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jinja2 import (Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, TemplateError,
                    TemplateSyntaxError, select_autoescape)

from digest.cache import code_version
from digest.config import Config
from digest.editions import Edition, editions_of
from digest.errors import DigestError
from digest.fragments import FragmentCache
from digest.urls import Route, Urls, atom_id


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
