"""Curation a reader can see (issue 25): editor's notes, featured articles, the curator's own fields,
old addresses redirecting to the new, the editor's name; in both editions and in the feeds."""

from __future__ import annotations

import html
import shutil
import xml.etree.ElementTree as etree
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import SUB_PATH_URL, make_project
from digest.config import Config, load_config
from digest.errors import DigestError
from digest.links import check_links
from digest.render import build_site

TWO_EDITIONS = [{"lang": "zh-Hans", "path": "", "convert": None},
                {"lang": "zh-Hant", "path": "zh-hant/", "convert": "s2twp"}]
ATOM = "{http://www.w3.org/2005/Atom}"
ARTICLE = "articles/zhong-guo-jing-ji/index.html"  # the fixture's featured article, with a note and aliases


class Elements(HTMLParser):
    """Each element's tag, attributes and text, in document order (text of the elements inside included)."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str], list[str]]] = []
        self.open: list[list[str]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        item = (tag, dict(attrs), [])
        self.found.append(item)
        if tag not in ("meta", "link", "input", "br", "img", "hr"):
            self.open.append(item[2])

    def handle_endtag(self, tag):
        if self.open:
            self.open.pop()

    def handle_data(self, data):
        for texts in self.open:
            texts.append(data)

    def text_of(self, tag: str, **attrs: str) -> list[str]:
        return ["".join(texts) for name, found, texts in self.found
                if name == tag and all(found.get(key) == value for key, value in attrs.items())]

    def tags(self, tag: str) -> list[dict[str, str]]:
        return [found for name, found, _ in self.found if name == tag]


def build(folder: Path, base_url: str = "/", **overrides) -> Config:
    config = load_config(make_project(folder) / "config.yaml").with_overrides(
        base_url=base_url, editions=TWO_EDITIONS, **overrides)
    build_site(config)
    return config


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Config:
    return build(tmp_path_factory.mktemp("curation"), SUB_PATH_URL)


def read(config: Config, path: str) -> str:
    return (config.dir("site") / path).read_text(encoding="utf-8")


def test_the_note_is_shown_above_the_text_under_its_label_rendered_as_markdown(site):
    page = read(site, ARTICLE)
    note = Elements(page).text_of("aside", **{"class": "note"})
    assert note == ["\n编者按\n这是编者按：经济观察值得细读，另见来源。\n"]
    assert "<strong>编者按</strong>" in page and '<a href="https://example.com/">来源</a>' in page
    assert page.index('class="note"') < page.index('class="article-body"')
    assert 'class="note"' not in read(site, "articles/english/index.html")  # none written, none shown


def test_html_in_a_note_stays_text_on_the_page_and_in_the_feed(site):
    page = read(site, "articles/xss/index.html")
    assert "<script>" not in page and "编者按里的&lt;script&gt;alert(2)&lt;/script&gt;也只是文字。" in page
    # The Traditional edition's feeds unescape such text today: issue 21, point 6, which adds its test.
    content = feed_contents(site, "feed.xml")[f"{SUB_PATH_URL}articles/xss/"]
    assert "<script>" not in content and "&lt;script&gt;alert(2)&lt;/script&gt;" in content


def feed_contents(config: Config, path: str) -> dict[str, str]:
    """Each entry's link -> its content's HTML, the feed parsed strictly by an XML parser."""
    root = etree.fromstring((config.dir("site") / path).read_bytes())
    return {entry.find(f"{ATOM}link").get("href"): content_html(entry.find(f"{ATOM}content"))
            for entry in root.iter(f"{ATOM}entry")}


def content_html(content: etree.Element) -> str:
    """The HTML of a `type="html"` content: its text, as Atom wants it; or, from a feed carrying
    the HTML as elements (issue 21, point 5), those elements written back as HTML."""
    for element in content.iter():
        element.tag = element.tag.rpartition("}")[2]
    return (content.text or "") + "".join(etree.tostring(child, encoding="unicode") for child in content)


def test_the_note_opens_the_articles_feed_entry_in_both_editions(site):
    simplified = feed_contents(site, "feed.xml")[f"{SUB_PATH_URL}articles/zhong-guo-jing-ji/"]
    assert simplified.startswith('<blockquote class="note"><p><strong>编者按</strong></p><p>这是<strong>编者按</strong>')
    traditional = feed_contents(site, "zh-hant/feed.xml")[f"{SUB_PATH_URL}zh-hant/articles/zhong-guo-jing-ji/"]
    assert traditional.startswith('<blockquote class="note"><p><strong>編者按</strong></p><p>這是<strong>編者按</strong>')
    assert '<a href="https://example.com/">來源</a>' in traditional


@pytest.mark.parametrize("full_text_max", [100_000, 10])
def test_the_note_is_in_its_feed_entry_once_with_the_text_or_with_the_summary(tmp_path, full_text_max):
    config = build(tmp_path, SUB_PATH_URL, feed_full_text_max=full_text_max, search=False)
    for edition, note in (("", "经济观察值得细读"), ("zh-hant/", "經濟觀察值得細讀")):
        html = feed_contents(config, edition + "feed.xml")[f"{SUB_PATH_URL}{edition}articles/zhong-guo-jing-ji/"]
        entry = Elements(html)
        assert len(entry.tags("blockquote")) == 1 and html.count(note) == 1, html
        assert html.startswith('<blockquote class="note">')
        ends_with_link = entry.tags("a")[-1]["href"] == f"{SUB_PATH_URL}{edition}articles/zhong-guo-jing-ji/"
        assert ends_with_link == (full_text_max == 10)  # the summary and a link, or the whole text


def test_the_traditional_edition_shows_the_note_and_the_editor_converted(site):
    page = Elements(read(site, "zh-hant/" + ARTICLE))
    assert page.text_of("aside", **{"class": "note"}) == ["\n編者按\n這是編者按：經濟觀察值得細讀，另見來源。\n"]
    assert "編輯" in page.text_of("dt") and "王編輯" in page.text_of("dd")


def test_the_editor_is_shown_on_the_article_page(site):
    page = Elements(read(site, ARTICLE))
    terms, details = page.text_of("dt"), page.text_of("dd")
    assert details[terms.index("编辑")] == "王编辑"
    assert "编辑" not in Elements(read(site, "articles/english/index.html")).text_of("dt")


def featured_titles(config: Config, path: str = "index.html") -> list[str]:
    section = read(config, path).partition('<section class="featured"')[2].partition("</section>")[0]
    return [Elements(item).text_of("a")[0] for item in section.split("<li>")[1:]]


def test_the_featured_block_tops_the_home_page_only(site):
    assert featured_titles(site) == ["中国经济观察"]
    home = read(site, "index.html")
    assert home.index('class="featured"') < home.index("<h1>")
    assert featured_titles(site, "zh-hant/index.html") == ["中國經濟觀察"]
    for other in ("page/2/index.html", "tags/jing-ji/index.html", "archive/index.html", ARTICLE):
        assert 'class="featured"' not in read(site, other), other


def test_featured_articles_are_newest_first_and_at_most_featured_max(tmp_path):
    project = make_project(tmp_path)
    for name in ("english.md", "wu-ri-qi.md", "xss.md"):  # 2024-01-15, undated, 2024-05-20
        path = project / "content" / name
        path.write_text(path.read_text(encoding="utf-8").replace("---\n", "---\nfeatured: true\n", 1), encoding="utf-8")
    config = load_config(project / "config.yaml")
    build_site(config)
    assert featured_titles(config) == ["中国经济观察", "<script>alert(1)</script>", "An English Note"]
    smaller = config.with_overrides(featured_max=2)
    build_site(smaller)
    assert featured_titles(smaller) == ["中国经济观察", "<script>alert(1)</script>"]


def test_extra_reaches_templates_as_written(tmp_path):
    project = make_project(tmp_path)
    (project / "templates").unlink()
    shutil.copytree(Path(__file__).parent.parent / "templates", project / "templates")
    article = project / "templates" / "article.html"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "{{ article.title }}</h1>",
        '{{ article.title }}</h1>{% if article.extra %}<p class="extra">{{ article.extra.cover_alt }} '
        '{{ article.extra.rating + 1 }} {{ article.extra|length }}</p>{% endif %}'), encoding="utf-8")
    config = load_config(project / "config.yaml")
    build_site(config)
    assert Elements(read(config, ARTICLE)).text_of("p", **{"class": "extra"}) == ["封面图 6 2"]
    assert 'class="extra"' not in read(config, "articles/english/index.html")


def test_each_alias_redirects_to_the_article_under_the_base_url_in_each_edition(site):
    for edition in ("", "zh-hant/"):
        target = f"/digest/{edition}articles/zhong-guo-jing-ji/"
        for alias in ("articles/old-economy/index.html", "jingji.html"):
            page = Elements(read(site, edition + alias))
            refresh = [meta["content"] for meta in page.tags("meta") if meta.get("http-equiv") == "refresh"]
            assert refresh == [f"0; url={target}"]
            canonical = [link["href"] for link in page.tags("link") if link.get("rel") == "canonical"]
            assert canonical == [f"https://user.github.io{target}"]
            assert target in [link["href"] for link in page.tags("a")]
            assert {"name": "robots", "content": "noindex"} in page.tags("meta")
    assert check_links(site.dir("site"), site["base_url"]) == []


def test_the_sitemap_lists_the_new_address_only(site):
    root = etree.parse(site.dir("site") / "sitemap.xml").getroot()
    locations = {element.text for element in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert f"{SUB_PATH_URL}articles/zhong-guo-jing-ji/" in locations
    assert not any("old-economy" in location or "jingji.html" in location for location in locations)


@pytest.mark.parametrize("alias, clash", [
    ("/articles/xss/", "another page"), ("/", "another page"), ("/tags/", "another page"),
    ("/zh-hant/articles/x/", "the folder zh-hant/"), ("/static/style.css", "the folder static/"),
])
def test_an_alias_taking_another_pages_address_is_refused_with_file_and_line(tmp_path, alias, clash):
    project = make_project(tmp_path)
    path = project / "content" / "english.md"
    path.write_text(path.read_text(encoding="utf-8").replace("source:", f"aliases:\n- {alias}\nsource:"),
                    encoding="utf-8")
    config = load_config(project / "config.yaml").with_overrides(editions=TWO_EDITIONS)
    with pytest.raises(DigestError) as caught:
        build_site(config)
    assert str(caught.value) == f"{path}:4: alias {alias!r} is the address of {clash}"
    assert not config.dir("site").exists()


@pytest.mark.parametrize("alias", ["../outside/", "/a/../../b/", "https://example.com/x/", "//evil.example/",
                                   "/a b/", "/old?x=1", "relative/path/"])
def test_an_alias_leaving_the_site_is_refused_with_file_and_line(tmp_path, alias):
    project = make_project(tmp_path)
    path = project / "content" / "english.md"
    path.write_text(path.read_text(encoding="utf-8").replace("source:", f"aliases: [{alias!r}]\nsource:"),
                    encoding="utf-8")
    with pytest.raises(DigestError) as caught:
        build_site(load_config(project / "config.yaml"))
    assert (caught.value.path, caught.value.line) == (path, 4)
    assert "is not a path of the site" in str(caught.value)


@pytest.mark.parametrize("front, message", [
    ("featured: yes please", "'featured' must be true or false"),
    ("extra: [a, b]", "'extra' must be a mapping of your own fields"),
    ("note: [a]", "'note' must be text"),
])
def test_bad_curation_fields_are_reported_with_file_and_line(tmp_path, front, message):
    project = make_project(tmp_path)
    path = project / "content" / "english.md"
    path.write_text(path.read_text(encoding="utf-8").replace("source:", f"{front}\nsource:"), encoding="utf-8")
    with pytest.raises(DigestError) as caught:
        build_site(load_config(project / "config.yaml"))
    assert str(caught.value) == f"{path}:4: {message}"


def test_html_of_the_note_is_never_unescaped_by_the_traditional_edition(site):
    page = read(site, "zh-hant/articles/xss/index.html")
    assert "<script>" not in page and html.escape("<script>alert(2)</script>", quote=False) in page


def test_headings_in_notes_take_no_ids_so_a_page_never_repeats_one(tmp_path):
    project = make_project(tmp_path)
    for name in ("english.md", "zhong-guo-jing-ji.md"):  # both in issue 2; the second's body has ## 背景
        path = project / "content" / name
        path.write_text(path.read_text(encoding="utf-8").replace("---\n", "---\nnote: \"## 背景\\n\\n编者的话。\"\n", 1)
                        if name == "english.md" else
                        path.read_text(encoding="utf-8").replace("note: |\n", "note: |\n  ## 背景\n\n", 1),
                        encoding="utf-8")
    config = load_config(project / "config.yaml")
    build_site(config)
    for page in (ARTICLE, "articles/english/index.html", "issues/2/index.html"):
        ids = [found["id"] for found in Elements(read(config, page)).tags("h2") if "id" in found]
        headings = Elements(read(config, page)).text_of("h2")
        assert "背景" in headings and len(ids) == len(set(ids)), (page, ids)
