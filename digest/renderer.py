"""Making the planned files: a renderer per process, the files written in chunks over worker processes."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, TemplateError

from digest.config import Config
from digest.content import INVISIBLE_RE
from digest.editions import Edition, TextConverter, text_converter
from digest.outputs import Output
from digest.parallel import chunked, ordered_map
from digest.search import own_segments, text_file
from digest.site import Page
from digest.templating import make_environment, template_errors
from digest.urls import Route


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

# The renderer and target folder of a worker process, and the search text folders it made there.
_worker: tuple[Renderer, Path, set[str]] | None = None


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
    _worker = (work, target, set())


def write_chunk(outputs: list[Output]) -> None:
    work, target, made = _worker
    with template_errors(work.config.dir("templates")):
        for output in outputs:
            if output.search_text:
                continue  # written with its page, below
            with open(os.path.join(target, output.path), "wb") as file:
                file.write(work.data(output))
            if output.searchable:
                route = Route("search_text", output.page.route.key)
                path = os.path.join(target, work.editions[output.edition].path + route.path)
                folder = os.path.dirname(path)
                if folder not in made:  # its chunk may be handed out before the folder's; one folder holds them all
                    os.makedirs(folder, exist_ok=True)
                    made.add(folder)
                with open(path, "wb") as file:
                    file.write(work.search_text(output))


def make_folders(target: Path, outputs: list[Output], made: set[str]) -> None:
    """The folders of `outputs` not yet in `made`, which is told of them."""
    for folder in sorted({os.path.dirname(output.path) for output in outputs} - made):
        os.makedirs(os.path.join(target, folder), exist_ok=True)
        made.add(folder)
