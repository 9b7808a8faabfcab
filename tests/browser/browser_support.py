"""What the browser tests share: Debian's chromium driven by Playwright, never a downloaded browser; the
shipped content built into a site and served by a plain static server on 127.0.0.1; tabs that may not
leave that server; the Node packages (axe-core, Lighthouse) that `make test` installs.

Without /usr/bin/chromium (or node_modules/) a browser test module is skipped, except in CI (CI=true),
where a missing browser or package is a failure (`make deps-system` and `make test` install them).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import REPO
from digest.config import load_config
from digest.render import build_site

CHROMIUM = Path("/usr/bin/chromium")
# No background connections: this machine's network is closed, and tests stay on 127.0.0.1.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
IN_CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")
NODE_MODULES = REPO / "node_modules"
LOCAL_ORIGIN = "http://127.0.0.1:"


def require_chromium() -> None:
    """Call at module level, before importing playwright."""
    if not CHROMIUM.exists() and not IN_CI:
        pytest.skip(f"{CHROMIUM} is missing (make deps-system installs it)", allow_module_level=True)


def require_node_package(name: str) -> Path:
    """node_modules/<name>, installed by `make test` (npm ci); call at module level."""
    folder = NODE_MODULES / name
    if not folder.is_dir() and not IN_CI:
        pytest.skip(f"{folder} is missing (make test runs npm ci)", allow_module_level=True)
    return folder


@contextmanager
def launched_chromium():  # -> Iterator[playwright Browser]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def offline_page(browser, **context_options):  # -> Iterator[playwright Page]
    """A fresh tab (its own context, with `context_options`) that fails the test on a script error or
    on any request leaving 127.0.0.1: the site must work offline and load nothing from elsewhere."""
    context = browser.new_context(**context_options)
    errors: list[str] = []

    def only_local(route, request):
        if request.url.startswith(LOCAL_ORIGIN):
            route.continue_()
        else:
            errors.append(f"request off the site: {request.url}")
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert errors == []


def build_seed_site(folder: Path, base_url: str, site: str = "site", extra_content: Path | None = None) -> Path:
    """The shipped config.yaml, content/ and issues/ (plus the files in `extra_content`), with the
    repository's templates and static files, built in `folder` for `base_url` into
    folder/`site`; returns that site folder."""
    shutil.copy(REPO / "config.yaml", folder / "config.yaml")
    shutil.copytree(REPO / "content", folder / "content")
    shutil.copytree(REPO / "issues", folder / "issues")
    for path in sorted(extra_content.glob("*.md")) if extra_content else ():
        shutil.copy(path, folder / "content" / path.name)
    for name in ("templates", "static"):
        (folder / name).symlink_to(REPO / name)
    config = load_config(folder / "config.yaml")
    config = config.with_overrides(base_url=base_url, paths={**config["paths"], "site": site})
    build_site(config)
    return config.dir("site")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


@contextmanager
def static_server(root: Path) -> Iterator[str]:
    """`root` served at http://127.0.0.1:<a free port>/ as a plain static host serves files (it may be
    filled after the server started); yields that URL."""
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
