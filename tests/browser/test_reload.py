"""In a real browser, a tab open on the preview reloads by itself when a content file is saved.

Playwright drives Debian's chromium (/usr/bin/chromium, installed by `make deps-system`); it
never downloads a browser. Without chromium the test is skipped, except in CI (CI=true), where
a missing browser is a failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser_support import launched_chromium, require_chromium
from conftest import SUB_PATH_URL
from digest.config import load_config
from digest.serve import Preview

require_chromium()

from playwright.sync_api import Page, expect  # noqa: E402

ARTICLE = "content/zhong-guo-jing-ji.md"
TIMEOUT_MS = 10_000


@pytest.fixture
def preview(project: Path) -> Iterator[Preview]:
    def load():
        return load_config(project / "config.yaml").with_overrides(base_url=SUB_PATH_URL)

    running = Preview(load(), drafts=False, reload=load)
    running.start("127.0.0.1", 0)
    yield running
    running.stop()


@pytest.fixture
def page() -> Iterator[Page]:
    with launched_chromium() as browser:
        yield browser.new_page()


def test_open_tab_reloads_after_a_save(preview: Preview, project: Path, page: Page):
    article = project / ARTICLE
    good = article.read_text(encoding="utf-8")
    page.goto(preview.url + "articles/zhong-guo-jing-ji/")
    expect(page).to_have_title(re.compile("^中国经济观察"))

    article.write_text(good.replace("中国经济观察", "中国经济新观察"), encoding="utf-8")
    expect(page).to_have_title(re.compile("^中国经济新观察"), timeout=TIMEOUT_MS)

    article.write_text("---\ntitle: 好\nsource: a: b\n---\n", encoding="utf-8")
    expect(page.locator("h1")).to_have_text("Build failed", timeout=TIMEOUT_MS)
    expect(page.locator(".where")).to_have_text(f"{ARTICLE}, line 3")

    article.write_text(good, encoding="utf-8")
    expect(page).to_have_title(re.compile("^中国经济观察"), timeout=TIMEOUT_MS)
