"""In a real browser, the search page finds exactly the articles containing a query (300 queries
and more against a brute-force scan of the article pages), under a sub-path, offline, with
Traditional and Simplified queries alike, excerpts with the match marked, filters that narrow, and a
clear "no results".

The committed content/ is built with the project's config.yaml under the base URL /digest/ and
served by a plain static HTTP server on 127.0.0.1 (a free port) with the site at /digest/: what
GitHub Pages does. Playwright drives Debian's chromium (/usr/bin/chromium), never a downloaded
browser; without it the tests are skipped, except in CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest

from browser_support import build_seed_site, launched_chromium, offline_page, require_chromium, static_server
from conftest import REPO
from search_reader import IndexReader, page_texts, scan

require_chromium()

from playwright.sync_api import Browser, Page, expect  # noqa: E402

BASE_PATH = "/digest/"
TIMEOUT_MS = 10_000
SEED_TITLES = {  # the five seed articles in content/
    "念好“三字诀”，锻造基层党建“动力主轴”",
    "把握核心推进基层党建工作扎实开展",
    "江口凯德：坚持党建引领 激活基层治理“神经末梢”",
    "浅谈发挥党建示范基地的作用探究",
    "基层党建示范点是守正创新的“试金石”、促进发展的“助推剂”",
}


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seed site built for /digest/ into <root>/digest/, served from <root> at http://127.0.0.1:<port>/."""
    project = tmp_path_factory.mktemp("seed-site")
    with static_server(project / "www") as root_url:
        build_seed_site(project, BASE_PATH, site="www/digest")
        yield root_url.rstrip("/") + BASE_PATH


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched_chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh tab that fails the test on a script error or on any request leaving 127.0.0.1 (offline)."""
    with offline_page(browser) as opened:
        opened.set_default_timeout(TIMEOUT_MS)
        yield opened


def search(page: Page, site_url: str, query: str, **filters: str) -> list[str]:
    """Open the search page for `query` and return the titles it lists, in order."""
    page.goto(f"{site_url}search/?q={query}" + "".join(f"&{name}={value}" for name, value in filters.items()))
    return titles_for(page, {"q": query, **filters})


def titles_for(page: Page, params: dict[str, str]) -> list[str]:
    """The titles listed once the page shows the results of the search named by `params`."""
    page.wait_for_function(
        "(params) => document.getElementById('search-results').dataset.resultsFor"
        " === new URLSearchParams(params).toString()", arg=params, timeout=TIMEOUT_MS)
    return page.locator("#search-results h2").all_text_contents()


def test_a_word_finds_the_article_about_it_first(page: Page, site_url: str):
    titles = search(page, site_url, "网格化")
    assert titles == ["念好“三字诀”，锻造基层党建“动力主轴”"]  # the one article containing it
    first = page.locator("#search-results li").first
    expect(first.locator("a")).to_have_attribute("href", re.compile(f"^{BASE_PATH}articles/[a-z0-9-]+/$"))
    expect(first.locator(".meta")).to_contain_text("人民论坛网")
    expect(first.locator(".summary mark").first).to_have_text("网格化")
    # the excerpt is text and <mark>s, nothing else
    assert first.locator(".summary").evaluate(
        "p => [...p.childNodes].every(n => n.nodeType === Node.TEXT_NODE || n.nodeName === 'MARK')")
    expect(page.locator("#search-status")).to_have_text(re.compile("^找到 1 篇与“网格化”相关的文章。$"))


@pytest.mark.parametrize("query, count", [("党支部", 4), ("网格", 1), ("網格", 1)])
def test_the_seed_queries_find_every_article_containing_them(page: Page, site_url: str, query: str, count: int):
    assert len(search(page, site_url, query)) == count


def test_a_phrase_finds_most_of_the_seed_articles(page: Page, site_url: str):
    titles = search(page, site_url, "基层党组织")
    assert len(set(titles) & SEED_TITLES) >= 3
    # across a word boundary (实际|问题): a word index cannot find it; this one finds every article having it
    having = {path.name for path in (REPO / "content").glob("*.md") if "际问" in path.read_text(encoding="utf-8")}
    assert having and len(search(page, site_url, "际问")) == len(having)


def test_a_traditional_query_finds_what_the_simplified_one_finds(page: Page, site_url: str):
    simplified = search(page, site_url, "党组织")
    assert simplified
    assert search(page, site_url, "黨組織") == simplified


def test_a_tag_filter_narrows_the_results(page: Page, site_url: str):
    everything = search(page, site_url, "党建")
    options = page.locator("#search-tag option")
    expect(options.nth(1)).to_be_attached()
    counts = {value: int(re.search(r"（(\d+)）$", text).group(1))
              for value, text in zip([option.get_attribute("value") for option in options.all()[1:]],
                                     options.all_text_contents()[1:])}
    tag = min(counts, key=lambda value: (counts[value], value))  # the tag with the fewest articles
    page.select_option("#search-tag", tag)
    narrowed = titles_for(page, {"q": "党建", "tag": tag})
    assert narrowed and len(narrowed) < len(everything) and set(narrowed) <= set(everything)
    assert "tag=" in page.url  # the address names the filter, so the narrowed list can be shared


def test_nonsense_says_there_are_no_results(page: Page, site_url: str):
    assert search(page, site_url, "zzqqxx") == []
    expect(page.locator("#search-status")).to_have_text("没有找到与“zzqqxx”相关的文章。")


def test_the_header_box_on_any_page_leads_to_the_results(page: Page, site_url: str):
    page.goto(site_url)
    page.fill("#site-search-q", "网格化")
    page.press("#site-search-q", "Enter")
    page.wait_for_url(re.compile(re.escape(f"{site_url}search/?q=")))
    assert titles_for(page, {"q": "网格化"})[0] == "念好“三字诀”，锻造基层党建“动力主轴”"


def test_without_javascript_the_page_says_so_and_links_the_indexes(browser: Browser, site_url: str):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{site_url}search/?q=网格化", timeout=TIMEOUT_MS)
        expect(page.locator("#search-without-script")).to_contain_text("搜索需要浏览器运行 JavaScript")
        expect(page.locator("#search")).to_be_hidden()
        links = page.locator("#search-without-script a")
        assert [links.nth(i).get_attribute("href") for i in range(2)] == [f"{BASE_PATH}tags/", f"{BASE_PATH}sources/"]
    finally:
        context.close()


def test_the_traditional_edition_searches_its_own_articles(page: Page, site_url: str):
    """zh-hant/search/ uses zh-hant's index: Traditional titles, zh-hant links, messages in Traditional;
    a Simplified query is brought to Traditional by that edition's table."""
    traditional_url = f"{site_url}zh-hant/"
    titles = search(page, traditional_url, "網格化")
    assert titles[0] == "念好“三字訣”，鍛造基層黨建“動力主軸”"
    expect(page.locator("#search-results li a").first).to_have_attribute(
        "href", re.compile(f"^{BASE_PATH}zh-hant/articles/[a-z0-9-]+/$"))
    expect(page.locator("#search-status")).to_have_text(re.compile("^找到 \\d+ 篇與“網格化”相關的文章。$"))
    assert search(page, traditional_url, "网格化") == titles
    everything = search(page, traditional_url, "黨建")
    assert everything and not set(everything) & SEED_TITLES  # no Simplified page among the results
    assert all(link.startswith(f"{BASE_PATH}zh-hant/") for link in
               page.locator("#search-results li h2 a").evaluate_all("links => links.map(a => a.getAttribute('href'))"))


# ------------------------------------------------------------------ the contract ---------

GENERATED = 40  # generated articles beside the five seeds
QUERIES = 320  # per edition


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    """The seeds plus generated articles, built for /digest/ and served; (URL, site folder)."""
    from bench.corpus import write_content_corpus

    project = tmp_path_factory.mktemp("big-site")
    with static_server(project / "www") as root_url:
        generated = project / "generated"
        write_content_corpus(generated, GENERATED, seed=7)
        site = build_seed_site(project, BASE_PATH, site="www/digest", extra_content=generated)
        yield root_url.rstrip("/") + BASE_PATH, site


def draw_queries(rng: random.Random, texts: dict[str, list[tuple[int, str]]]) -> list[str]:
    """Substrings of 1-6 characters of the articles' own text, a third in Traditional; two-term
    queries; strings that occur nowhere."""
    from digest.script import to_target_script

    pieces = [text for segments in texts.values() for _, text in segments]
    singles = []
    for _ in range(QUERIES * 3 // 4):
        text = rng.choice(pieces)
        start = rng.randrange(len(text))
        query = text[start:start + rng.randint(1, 6)].strip() or text.strip()[:2]
        singles.append(to_target_script(query, "s2t") if rng.random() < 0.34 else query)
    pairs = [f"{one} {two}" for one, two in zip(singles[::3], singles[1::3])][:QUERIES // 5]
    absent = ["乾坤大挪移", "zzqqxx", "党建党建党建党建", "網格化化", "基层党建 zzqq"]
    return (singles + pairs + absent)[:QUERIES] if len(singles + pairs + absent) > QUERIES else singles + pairs + absent


@pytest.mark.parametrize("edition", ["", "zh-hant/"])
def test_every_query_finds_exactly_the_articles_containing_it(browser: Browser, big_site, edition: str):
    """Recall and precision 100 %: every result contains every term, and every article containing
    them is a result, ranked as the contract says; one page load, the queries run through its hook."""
    url, site = big_site
    texts = page_texts(site, edition)
    ranks = dict(IndexReader(site / "search/index").articles)
    queries = draw_queries(random.Random(24), texts)
    assert len(queries) >= 300
    with offline_page(browser) as page:
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{url}{edition}search/")
        page.wait_for_selector("#search[data-ready=true]")
        found = page.evaluate("async (queries) => { const out = []; for (const q of queries)"
                              " out.push(await window.digestSearch(q)); return out; }", queries)
    wrong = [(query, got, scan(texts, ranks, query)) for query, got in zip(queries, found)
             if got != scan(texts, ranks, query)]
    assert wrong == []
    assert sum(bool(got) for got in found) > len(queries) // 2  # most queries find something
