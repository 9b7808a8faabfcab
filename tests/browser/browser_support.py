"""What the browser tests share: Debian's chromium driven by Playwright, never a downloaded browser.

Without /usr/bin/chromium a browser test module is skipped, except in CI (CI=true), where a
missing browser is a failure (`make deps-system` installs it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# No background connections: this machine's network is closed, and tests stay on 127.0.0.1.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
IN_CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")


def require_chromium() -> None:
    """Call at module level, before importing playwright."""
    if not CHROMIUM.exists() and not IN_CI:
        pytest.skip(f"{CHROMIUM} is missing (make deps-system installs it)", allow_module_level=True)


@contextmanager
def launched_chromium():  # -> Iterator[playwright Browser]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
