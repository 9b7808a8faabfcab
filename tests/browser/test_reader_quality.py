"""Reader quality in a real browser: accessibility (axe-core), Lighthouse, Chinese typography,
screenshots and page weight, on the shipped content/ built with the project's config.yaml.

The site is built for its full URL, http://127.0.0.1:<port>/ (as the Pages workflow builds for the
site's URL), and served there by a plain static HTTP server. Playwright drives Debian's chromium; every
tab fails its test on a request that leaves 127.0.0.1. axe-core and Lighthouse come from node_modules/
(package-lock.json, installed by `make test`). Screenshots, Lighthouse reports, axe results and the
page weight are written to test-artifacts/, which CI keeps.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser_support import (CHROMIUM, build_seed_site, launched_chromium, offline_page, require_chromium,
                             require_node_package, static_server)
from conftest import REPO

require_chromium()
AXE_SCRIPT = require_node_package("axe-core") / "axe.min.js"
require_node_package("lighthouse")

from playwright.sync_api import Browser, Page  # noqa: E402

ARTIFACTS = REPO / "test-artifacts"
LIGHTHOUSE_SCRIPT = Path(__file__).with_name("lighthouse.mjs")
LIGHTHOUSE_RUNS = 3  # scores are the median of three runs, as Lighthouse's docs advise for variance
LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LIGHTHOUSE_MINIMUM = 0.95
PAGE_WEIGHT_LIMIT = 50_000  # bytes: an article page and everything it loads
WIDTHS = {"phone": (360, 740), "desktop": (1280, 800)}
SEARCH_QUERY = "党建"
# The pages checked by axe, named; their paths come from the built site (see `site`).
PAGES = ("home", "article", "tag index", "tag", "source", "search", "404", "traditional article", "issue",
         "issue index")


class Site:
    """The built seed site: its URL and the path of each page in PAGES."""

    def __init__(self, url: str, folder: Path):
        self.url = url
        article = heaviest_article(folder)
        self.paths = {
            "home": "",
            "article": f"articles/{article}/",
            "tag index": "tags/",
            "tag": f"tags/{first_folder(folder / 'tags')}/",
            "source": f"sources/{first_folder(folder / 'sources')}/",
            "search": f"search/?q={SEARCH_QUERY}",
            "404": "404.html",
            "traditional article": f"zh-hant/articles/{article}/",
            "issue": f"issues/{first_folder(folder / 'issues')}/",
            "issue index": "issues/",
        }

    def open(self, page: Page, name: str) -> None:
        """Go to the page named `name` and wait until it is complete (the search page: its results)."""
        page.goto(self.url + self.paths[name])
        if name == "search":
            page.wait_for_selector("#search-results[data-results-for]", state="attached")


def heaviest_article(site: Path) -> str:
    """The slug of the article whose page is the largest: the one that tests reading and weight hardest."""
    pages = sorted(site.glob("articles/*/index.html"), key=lambda path: (-path.stat().st_size, path.parent.name))
    return pages[0].parent.name


def first_folder(folder: Path) -> str:
    return sorted(path.parent.name for path in folder.glob("*/index.html"))[0]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    project = tmp_path_factory.mktemp("reader-site")
    with static_server(project / "site") as url:
        yield Site(url, build_seed_site(project, url))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched_chromium() as launched:
        yield launched


@pytest.fixture(scope="module", autouse=True)
def fresh_artifacts() -> None:
    """No file left from an earlier run among this run's artifacts."""
    for kind in ("axe", "lighthouse", "page-weight", "screenshots"):
        shutil.rmtree(ARTIFACTS / kind, ignore_errors=True)


def artifact(*parts: str) -> Path:
    path = ARTIFACTS.joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


# ------------------------------------------------------------------ accessibility ----------

def describe_violations(violations: list[dict]) -> str:
    return "\n".join(f"{violation['id']} ({violation['impact']}): {violation['help']}: "
                     f"{[node['target'] for node in violation['nodes']]}" for violation in violations)


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violations_in_light_or_dark(browser: Browser, site: Site, name: str):
    """Every axe-core rule (WCAG 2.x A and AA, and axe's best practices) on the page as the reader
    sees it, in the light colour scheme, then in the dark one."""
    found, summary = {}, {}
    with offline_page(browser) as page:
        site.open(page, name)
        page.add_script_tag(path=str(AXE_SCRIPT))
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            assert results["passes"], f"axe checked nothing ({scheme})"
            found[scheme] = describe_violations(results["violations"])
            summary[scheme] = {"passed rules": len(results["passes"]),
                               "violations": sorted(rule["id"] for rule in results["violations"]),
                               "incomplete": sorted(rule["id"] for rule in results["incomplete"])}
    artifact("axe", f"{name.replace(' ', '-')}.json").write_text(json.dumps(summary, indent=1) + "\n")
    assert found == {"light": "", "dark": ""}


def relative_luminance(rgb: list[int]) -> float:
    def channel(value: int) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (channel(value) for value in rgb[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: list[int], second: list[int]) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


COLOURS_JS = """() => {
  const rgb = (value) => value.match(/\\d+/g).slice(0, 3).map(Number);
  const style = (selector) => getComputedStyle(document.querySelector(selector));
  return {background: rgb(style('body').backgroundColor), text: rgb(style('.article-body p').color),
          muted: rgb(style('.article-meta').color), link: rgb(style('.article-meta a').color)};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_each_colour_scheme_keeps_body_text_at_seven_to_one(browser: Browser, site: Site, scheme: str):
    """The dark scheme is really dark (and the light one light), body text keeps AAA contrast (7:1),
    secondary text and links AA (4.5:1)."""
    with offline_page(browser, color_scheme=scheme) as page:
        site.open(page, "article")
        colours = page.evaluate(COLOURS_JS)
    background = relative_luminance(colours["background"])
    assert background < 0.05 if scheme == "dark" else background > 0.85
    assert contrast(colours["text"], colours["background"]) >= 7
    assert contrast(colours["muted"], colours["background"]) >= 4.5
    assert contrast(colours["link"], colours["background"]) >= 4.5


def test_the_skip_link_comes_first_shows_focus_and_leads_to_the_text(browser: Browser, site: Site):
    with offline_page(browser, viewport={"width": 360, "height": 740}) as page:
        site.open(page, "article")
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => {
          const element = document.activeElement, box = element.getBoundingClientRect(), style = getComputedStyle(element);
          return {className: element.className, top: box.top, bottom: box.bottom, left: box.left, right: box.right,
                  outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth)};
        }""")
        assert focused["className"] == "skip-link"
        assert 0 <= focused["top"] < focused["bottom"] <= 740 and 0 <= focused["left"] < focused["right"] <= 360
        assert focused["outline"] != "none" and focused["outlineWidth"] >= 2
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"


# ------------------------------------------------------------------ typography -------------

def paragraph_geometry(page: Page) -> dict:
    return page.evaluate("""() => {
      const p = document.querySelector('.article-body p'), style = getComputedStyle(p), box = p.getBoundingClientRect();
      return {fontSize: parseFloat(style.fontSize), lineHeight: parseFloat(style.lineHeight), left: box.left,
              right: box.right, width: box.width, viewport: document.documentElement.clientWidth,
              scrollWidth: document.documentElement.scrollWidth};
    }""")


def test_on_a_desktop_a_line_holds_35_to_40_characters_at_a_leading_of_1_8(browser: Browser, site: Site):
    with offline_page(browser, viewport={"width": 1280, "height": 800}) as page:
        site.open(page, "article")
        text = paragraph_geometry(page)
    assert 1.7 <= text["lineHeight"] / text["fontSize"] <= 1.9
    assert 35 <= text["width"] / text["fontSize"] <= 40  # a Han character is one em wide
    assert abs(text["left"] - (text["viewport"] - text["right"])) <= 1  # centred


def test_on_a_phone_the_text_takes_the_full_width_less_small_margins(browser: Browser, site: Site):
    with offline_page(browser, viewport={"width": 360, "height": 740}, is_mobile=True) as page:
        site.open(page, "article")
        text = paragraph_geometry(page)
    assert text["scrollWidth"] <= 360  # nothing wider than the phone
    assert 12 <= text["left"] <= 24 and 12 <= 360 - text["right"] <= 24
    assert 1.7 <= text["lineHeight"] / text["fontSize"] <= 1.9


def test_emphasis_in_han_text_is_never_slanted(browser: Browser, site: Site):
    with offline_page(browser) as page:
        site.open(page, "article")
        style = page.evaluate("""() => {
          const p = document.querySelector('.article-body p');
          p.insertAdjacentHTML('beforeend', '<em>重点</em><i>书名</i><cite>引文</cite>');
          return [...p.querySelectorAll('em, i, cite')].map((element) => {
            const style = getComputedStyle(element);
            return {style: style.fontStyle, weight: Number(style.fontWeight), dots: style.textEmphasisStyle};
          });
        }""")
    assert [item["style"] for item in style] == ["normal"] * 3
    emphasis = style[0]
    assert "dot" in emphasis["dots"] or emphasis["weight"] >= 700


def test_chinese_text_is_drawn_with_a_system_font_the_stylesheet_names(browser: Browser, site: Site):
    """No web font (document.fonts is empty); the glyphs of the title and the text come from a font in
    the page's own font-family list, so that list names the Chinese font this system has."""
    with offline_page(browser) as page:
        site.open(page, "article")
        assert page.evaluate("document.fonts.size") == 0
        families = page.evaluate("getComputedStyle(document.querySelector('.article-body p')).fontFamily")
        named = {family.strip().strip('"') for family in families.split(",")}
        session = page.context.new_cdp_session(page)
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument")["root"]["nodeId"]
        for selector in ("h1", ".article-body p"):
            node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
            fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            assert fonts and {font["familyName"] for font in fonts} <= named, (selector, fonts, named)


def test_the_table_of_contents_adds_no_numbers_to_the_headings_own(browser: Browser, site: Site):
    """The headings are numbered in the text (1, 2.1, 一、); list numbers would repeat them, and
    count the sub-headings as well."""
    with offline_page(browser) as page:
        site.open(page, "article")
        markers = page.evaluate(
            "[...document.querySelectorAll('.toc li')].map((item) => getComputedStyle(item).listStyleType)")
    assert markers and set(markers) == {"none"}


def test_printing_leaves_out_the_site_around_the_article(browser: Browser, site: Site):
    with offline_page(browser) as page:
        site.open(page, "article")
        page.emulate_media(media="print", color_scheme="dark")
        shown = page.evaluate("""() => Object.fromEntries(
          ['.site-header nav', '.site-search', '.site-footer', '.toc', '.article-body', 'h1'].map(
            (selector) => [selector, getComputedStyle(document.querySelector(selector)).display !== 'none']))""")
        colours = page.evaluate("""() => [getComputedStyle(document.body).backgroundColor,
                                          getComputedStyle(document.querySelector('.article-body p')).color]""")
    assert shown == {".site-header nav": False, ".site-search": False, ".site-footer": False, ".toc": False,
                     ".article-body": True, "h1": True}
    assert colours == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"]  # black on white, even from a dark screen


# ------------------------------------------------------------------ screenshots and weight -

@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["home", "article"])
def test_screenshot(browser: Browser, site: Site, name: str, width: str, scheme: str):
    """A full-page screenshot for people to look at (test-artifacts/screenshots/); the page is no wider
    than the screen."""
    columns, rows = WIDTHS[width]
    with offline_page(browser, viewport={"width": columns, "height": rows}, color_scheme=scheme,
                      is_mobile=width == "phone") as page:
        site.open(page, name)
        assert page.evaluate("document.documentElement.scrollWidth") <= columns
        path = artifact("screenshots", f"{name}-{columns}px-{scheme}.png")
        page.screenshot(path=path, full_page=True)
    assert path.stat().st_size > 10_000


@pytest.mark.parametrize("edition", ["", "zh-hant/"])
def test_an_article_page_and_all_it_loads_weigh_under_50_kb(browser: Browser, site: Site, edition: str):
    """Measured in the browser, with nothing cached: every response's bytes on the wire (headers and
    body; nothing is compressed by the test server, so this is also the decoded size)."""
    with offline_page(browser) as page:
        finished = []
        page.on("requestfinished", lambda request: finished.append(request))
        page.goto(site.url + edition + site.paths["article"], wait_until="networkidle")
        responses = {request.url: request.sizes() for request in finished}
    weight = {url: sizes["responseHeadersSize"] + sizes["responseBodySize"] for url, sizes in responses.items()}
    artifact("page-weight", f"article{'-' + edition.strip('/') if edition else ''}.json").write_text(
        json.dumps({"bytes": sum(weight.values()), "responses": weight}, indent=1) + "\n")
    assert any(url.endswith("/static/style.css") for url in weight) and len(weight) >= 2
    assert sum(weight.values()) < PAGE_WEIGHT_LIMIT, weight


# ------------------------------------------------------------------ Lighthouse -------------

@pytest.fixture(scope="module")
def lighthouse(site: Site) -> dict[str, list[dict]]:
    """Lighthouse on home, the article and an issue, LIGHTHOUSE_RUNS runs each: page name -> the runs' reports."""
    out = ARTIFACTS / "lighthouse"
    pages = {"home": site.url, "article": site.url + site.paths["article"], "issue": site.url + site.paths["issue"]}
    subprocess.run(["node", str(LIGHTHOUSE_SCRIPT), str(out), str(LIGHTHOUSE_RUNS),
                    *(f"{name}={url}" for name, url in pages.items())],
                   check=True, timeout=600, env={**os.environ, "CHROME_PATH": str(CHROMIUM)})
    reports = {name: [json.loads((out / f"{name}-{run}.json").read_text(encoding="utf-8"))
                      for run in range(1, LIGHTHOUSE_RUNS + 1)] for name in pages}
    write_scores(out / "scores.md", reports)
    return reports


def median_score(runs: list[dict], category: str) -> float:
    return statistics.median(run["categories"][category]["score"] for run in runs)


def write_scores(path: Path, reports: dict[str, list[dict]]) -> None:
    lines = ["| page | " + " | ".join(LIGHTHOUSE_CATEGORIES) + " |", "|---" * (len(LIGHTHOUSE_CATEGORIES) + 1) + "|"]
    for name, runs in reports.items():
        cells = [f"{round(100 * median_score(runs, category))} "
                 f"({', '.join(str(round(100 * run['categories'][category]['score'])) for run in runs)})"
                 for category in LIGHTHOUSE_CATEGORIES]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    path.write_text("Median of the runs (each run)\n\n" + "\n".join(lines) + "\n", encoding="utf-8")


def failed_audits(run: dict, category: str) -> list[str]:
    audits = run["audits"]
    return [f"{ref['id']}: {audits[ref['id']]['score']} {audits[ref['id']].get('displayValue', '')}"
            for ref in run["categories"][category]["auditRefs"]
            if ref["weight"] and audits[ref["id"]]["score"] is not None and audits[ref["id"]]["score"] < 1]


@pytest.mark.parametrize("category", LIGHTHOUSE_CATEGORIES)
@pytest.mark.parametrize("name", ["home", "article", "issue"])
def test_lighthouse_scores_at_least_95(lighthouse: dict[str, list[dict]], name: str, category: str):
    """Mobile profile, simulated throttling; the median of the runs (goal: 100)."""
    runs = lighthouse[name]
    assert all(run["configSettings"]["formFactor"] == "mobile" for run in runs)
    assert median_score(runs, category) >= LIGHTHOUSE_MINIMUM, [failed_audits(run, category) for run in runs]


def test_lighthouse_saw_no_request_but_to_the_site(lighthouse: dict[str, list[dict]], site: Site):
    """Not even /favicon.ico: the page names its icon inside itself."""
    requested = [item["url"] for runs in lighthouse.values() for run in runs
                 for item in run["audits"]["network-requests"]["details"]["items"]]
    assert requested and all(url.startswith(site.url) for url in requested), requested
    assert not any(url.endswith("/favicon.ico") for url in requested)
