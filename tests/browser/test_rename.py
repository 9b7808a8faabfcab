"""In a real browser, the old address of a renamed article leads to the article, under a sub-path
and in the Traditional edition (issue 25: `rename` and aliases).

Playwright drives Debian's chromium (see browser_support.py); without it the test is skipped,
except in CI (CI=true).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from browser_support import launched_chromium, offline_page, require_chromium, static_server
from conftest import REPO
from digest.config import load_config
from digest.curate import rename_article
from digest.render import build_site

require_chromium()

from playwright.sync_api import expect  # noqa: E402

OLD = "jiang-kou-kai-de-jian-chi-dang-jian-yin-ling-ji-huo-ji-ceng"  # the shipped featured article, in issue 1
NEW = "jiang-kou-kai-de-dang-jian"
TIMEOUT_MS = 10_000


def renamed_seed_project(folder: Path) -> Path:
    """The shipped project, its featured article renamed, built under /digest/ into served/digest/."""
    for name in ("content", "issues"):
        shutil.copytree(REPO / name, folder / name)
    shutil.copy(REPO / "config.yaml", folder / "config.yaml")
    for name in ("templates", "static"):
        (folder / name).symlink_to(REPO / name)
    config = load_config(folder / "config.yaml")
    rename_article(config, OLD, NEW)
    config = config.with_overrides(base_url="/digest/", search=False,
                                   paths={**config["paths"], "site": "served/digest"})
    build_site(config)
    return folder / "served"


def test_the_old_address_of_a_renamed_article_leads_to_it_in_each_edition(tmp_path: Path):
    served = renamed_seed_project(tmp_path)
    with static_server(served) as url, launched_chromium() as browser, offline_page(browser) as page:
        for edition in ("", "zh-hant/"):
            page.goto(f"{url}digest/{edition}articles/{OLD}/")
            expect(page).to_have_url(f"{url}digest/{edition}articles/{NEW}/", timeout=TIMEOUT_MS)
            expect(page.locator("h1")).to_have_text(re.compile("^江口凯德|^江口凱德"))
            expect(page.locator("#note-title")).to_have_text(re.compile("^编者按$|^編者按$"))
        # The issue lists the article at its new address.
        page.goto(f"{url}digest/issues/1/")
        page.locator(f'a[href="/digest/articles/{NEW}/"]').first.click()
        expect(page).to_have_url(f"{url}digest/articles/{NEW}/", timeout=TIMEOUT_MS)
