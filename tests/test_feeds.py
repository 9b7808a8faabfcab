"""Atom feeds (issue 21, points 5 and 6): well-formed XML in every edition, the HTML of an entry carried
as escaped text, and hostile text (markup-like bodies, titles, tags, term overrides, control
characters) never turned into markup, in the feeds or in the Traditional edition's pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import ATOM, make_project, strict_feed
from digest.config import load_config
from digest.render import build_site

HOSTILE = """---
title: 标题 & <b>粗</b> "引号" 正文
date: 2024-06-02
authors:
- 作者 <i>甲</i> & 乙
source: 来源 & <s>网</s>
tags:
- 标签 & <u>一</u>
summary: 摘要 <img src=x onerror=alert(2)> & 完
---
第一段：硬换行在这里  
第二行\\
第三行。

***

![图片 & 说明](https://example.com/tu.png "标题 <x>")

正文 <img src=x onerror=alert(1)> 且 a<b，还有 & 和 &amp; 和 <!-- 注释 --> 和 ]]> 。

<div onclick="x()">像标签的文字</div>
"""

# YAML escapes give characters XML 1.0 does not allow; the body holds some as they are.
CONTROLS = '---\ntitle: "控制\\x0b字符\\ufffe标题"\ndate: 2024-06-03\ntags: ["标\\x01签"]\n' \
           'authors: ["作\\x1f者"]\n---\n正文里的\x0b控制\x0c字符\ufffe。\n'

OVERRIDES = {"正文": "<script>alert(3)</script>&", "硬换行": "&amp;"}
BODY_RE = re.compile(r'<div class="article-body">\n(.*?)\n</div>', re.S)
XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
HTML_TAGS = {"p", "br", "hr", "img", "h2", "ol", "ul", "li", "a", "em", "strong", "code", "pre", "blockquote"}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory):
    """The basic fixture, plus the hostile articles, in two editions, the second with overrides."""
    project = make_project(tmp_path_factory.mktemp("feeds"))
    (project / "content" / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    (project / "content" / "controls.md").write_text(CONTROLS, encoding="utf-8")
    with (project / "config.yaml").open("a", encoding="utf-8") as handle:
        handle.write(yaml.safe_dump({"editions": [
            {"lang": "zh-Hans", "path": ""},
            {"lang": "zh-Hant", "path": "zh-hant/", "convert": "s2twp", "overrides": OVERRIDES}]},
            allow_unicode=True))
    config = load_config(project / "config.yaml").with_overrides(search=False)
    build_site(config)
    return config


class Elements(HTMLParser):
    """The start tags of an HTML text, with their attributes, and its text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


def entry_of(root, slug: str):
    return next(entry for entry in root.iter(f"{ATOM}entry")
                if entry.find(f"{ATOM}link").get("href").endswith(f"/articles/{slug}/"))


def test_every_feed_of_both_editions_is_well_formed_with_its_html_as_escaped_text(hostile_site):
    feeds = sorted(hostile_site.dir("site").rglob("feed.xml"))
    assert any("zh-hant" in path.parts for path in feeds) and len(feeds) > 12
    for path in feeds:
        strict_feed(path)


def test_an_entry_carries_the_body_html_of_its_page_in_each_edition(hostile_site):
    site = hostile_site.dir("site")
    for edition in ("", "zh-hant/"):
        content = entry_of(strict_feed(site / edition / "feed.xml"), "hostile").find(f"{ATOM}content")
        page = (site / edition / "articles/hostile/index.html").read_text(encoding="utf-8")
        assert content.get("type") == "html"
        assert content.text == BODY_RE.search(page).group(1), edition
        tags = [tag for tag, _ in Elements(content.text).tags]
        assert {"br", "hr", "img"} <= set(tags) and set(tags) <= HTML_TAGS


def test_titles_summaries_categories_and_authors_are_text(hostile_site):
    entry = entry_of(strict_feed(hostile_site.dir("site") / "feed.xml"), "hostile")
    assert entry.find(f"{ATOM}title").text == '标题 & <b>粗</b> "引号" 正文'
    assert entry.find(f"{ATOM}summary").text == "摘要 <img src=x onerror=alert(2)> & 完"
    assert [c.get("term") for c in entry.iter(f"{ATOM}category")] == ["标签 & <u>一</u>"]
    assert [a.find(f"{ATOM}name").text for a in entry.iter(f"{ATOM}author")] == ["作者 <i>甲</i> & 乙"]


def test_hostile_text_stays_text_in_the_traditional_edition(hostile_site):
    site = hostile_site.dir("site") / "zh-hant"
    entry = entry_of(strict_feed(site / "feed.xml"), "hostile")
    page = (site / "articles/hostile/index.html").read_text(encoding="utf-8")
    for html in (entry.find(f"{ATOM}content").text, BODY_RE.search(page).group(1)):
        parsed = Elements(html)
        assert all(tag in HTML_TAGS and "onerror" not in attrs and "onclick" not in attrs
                   for tag, attrs in parsed.tags), parsed.tags
        assert "<img src=x onerror=alert(1)>" in parsed.text and "a<b" in parsed.text
        assert "<script>alert(3)</script>&" in parsed.text  # the override's target, as text
        assert "第一段：&amp;在這裡" in parsed.text  # and the other's, as written
    assert "<script>alert(3)" not in page and "<script>" not in page.split("<main", 1)[1]
    title = entry.find(f"{ATOM}title").text
    assert title.startswith("標題 & <b>粗</b>") and title.endswith("<script>alert(3)</script>&")
    assert entry.find(f"{ATOM}summary").text.startswith("摘要 <img src=x onerror=alert(2)> &")


def test_characters_xml_does_not_allow_are_dropped_from_every_file(hostile_site):
    site = hostile_site.dir("site")
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".xml"):
            assert not XML_INVALID_RE.search(path.read_text(encoding="utf-8")), path
    entry = entry_of(strict_feed(site / "feed.xml"), "controls")
    assert entry.find(f"{ATOM}title").text == "控制字符标题"
    assert [c.get("term") for c in entry.iter(f"{ATOM}category")] == ["标签"]
    assert [a.find(f"{ATOM}name").text for a in entry.iter(f"{ATOM}author")] == ["作者"]
    assert "正文里的控制字符。" in entry.find(f"{ATOM}content").text


def test_characters_xml_does_not_allow_in_settings_are_dropped_from_the_feeds(tmp_path):
    project = make_project(tmp_path)
    settings = yaml.safe_load((project / "config.yaml").read_text(encoding="utf-8"))
    settings.update(title="文\x0b摘", author="编\x0c辑")  # written by YAML as "\v" and "\f" escapes
    (project / "config.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    config = load_config(project / "config.yaml").with_overrides(search=False)
    build_site(config)
    feed = strict_feed(config.dir("site") / "feed.xml")
    assert feed.find(f"{ATOM}title").text == "文摘"
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "编辑"


# ------------------------------------------------------------------ feed sizes (point 7) ----

TWO_EDITIONS = [{"lang": "zh-Hans", "path": ""}, {"lang": "zh-Hant", "path": "zh-hant/", "convert": "s2twp"}]


def project_with(folder: Path, articles: dict[str, str], **settings) -> Path:
    project = make_project(folder)
    for name, text in articles.items():
        (project / "content" / f"{name}.md").write_text(text, encoding="utf-8")
    config = yaml.safe_load((project / "config.yaml").read_text(encoding="utf-8"))
    config.update(editions=TWO_EDITIONS, search=False, **settings)
    (project / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return project


def article_text(title: str, paragraph: str, count: int) -> str:
    front = f"---\ntitle: {title}\ndate: 2024-06-05\nsource: 人民网\ntags: [经济, 社会, 政策]\n---\n"
    return front + "\n\n".join([paragraph] * count) + "\n"


def site_bytes(site: Path) -> int:
    return sum(path.stat().st_size for path in site.rglob("*") if path.is_file())


def test_the_site_feed_carries_text_up_to_the_limit_and_tag_and_source_feeds_summaries(tmp_path):
    project = project_with(tmp_path, {"short": article_text("短文", "短短的一段。", 2),
                                      "long": article_text("长文", "很长很长的一段话，讲了许多事情。" * 10, 20)},
                           feed_full_text_max=1000)
    config = load_config(project / "config.yaml")
    build_site(config)
    site = config.dir("site")
    for edition in ("", "zh-hant/"):
        feed = strict_feed(site / edition / "feed.xml")
        short = entry_of(feed, "short").find(f"{ATOM}content").text
        page = (site / edition / "articles/short/index.html").read_text(encoding="utf-8")
        assert short == BODY_RE.search(page).group(1)
        long = Elements(entry_of(feed, "long").find(f"{ATOM}content").text)
        assert [tag for tag, _ in long.tags] == ["p", "p", "a"] and len(long.text) < 300
        assert long.tags[2][1]["href"] == f"/{edition}articles/long/"
        assert "2800 字" in long.text and long.text.startswith(("很长很长", "很長很長"))
        for path in [site / edition / "tags/jing-ji/feed.xml", site / edition / "sources/ren-min-wang/feed.xml"]:
            entries = list(strict_feed(path).iter(f"{ATOM}entry"))
            assert entries and all(entry.find(f"{ATOM}content") is None and entry.find(f"{ATOM}summary").text
                                   for entry in entries), path


def test_a_big_article_adds_little_more_than_its_own_pages_to_the_site(tmp_path):
    """Its text in each edition's page and site feed up to the limit (here 200,000 characters, the
    default), above it in its pages alone: not once more in each feed of its three tags and source."""
    big = article_text("大文章", "基层治理的新办法，一条一条写下来。" * 40, 400)  # 272,000 characters
    small = load_config(project_with(tmp_path / "small", {}) / "config.yaml")
    config = load_config(project_with(tmp_path / "big", {"big": big}) / "config.yaml")
    for built in (small, config):
        build_site(built)
    site = config.dir("site")
    pages = sum((site / edition / "articles/big/index.html").stat().st_size for edition in ("", "zh-hant/"))
    assert pages > 1_500_000
    assert site_bytes(site) - site_bytes(small.dir("site")) < pages + 100_000
