"""digest.links: the link checker passes built sites and catches every kind of broken link."""

from __future__ import annotations

import shutil

from conftest import SUB_PATH_URL
from digest.links import check_links

PAGE = """<!DOCTYPE html><html lang="zh-Hans"><head><title>t</title>
<link rel="stylesheet" href="{base}static/style.css"></head><body>
<h2 id="bei-jing">背景</h2>
<a href="{base}">首页</a> <a href="#bei-jing">锚点</a> <a href="{base}about/#top">关于</a>
<a href="https://elsewhere.example/x">外站</a> <a href="mailto:a@b.c">信</a>
{extra}
</body></html>"""


def small_site(tmp_path, base="/", extra=""):
    site = tmp_path / "site"
    (site / "static").mkdir(parents=True)
    (site / "about").mkdir()
    (site / "static" / "style.css").write_text("", encoding="utf-8")
    (site / "index.html").write_text(PAGE.format(base=base, extra=extra), encoding="utf-8")
    (site / "about" / "index.html").write_text('<p id="top">关于</p><a href="../">上级</a>', encoding="utf-8")
    return site


def test_a_built_site_has_no_broken_link_at_the_domain_root(root_site):
    assert check_links(root_site.dir("site"), "/") == []


def test_a_built_site_has_no_broken_link_under_a_sub_path(sub_path_site):
    assert check_links(sub_path_site.dir("site"), SUB_PATH_URL) == []
    assert check_links(sub_path_site.dir("site"), SUB_PATH_URL.rstrip("/")) == []


def test_a_good_hand_made_site_passes(tmp_path):
    assert check_links(small_site(tmp_path), "/") == []
    assert check_links(small_site(tmp_path / "sub", "/digest/"), "/digest/") == []


def test_catches_missing_page_anchor_asset_and_links_outside_the_base_path(tmp_path):
    extra = ('<a href="/digest/missing/">缺页</a> <a href="/digest/about/#nope">缺锚</a>'
             '<img src="/digest/static/none.png" alt=""> <a href="/elsewhere/">越界</a> <a href="#gone">本页</a>')
    problems = check_links(small_site(tmp_path, "/digest/", extra), "https://user.github.io/digest/")
    assert problems == [
        "index.html: /digest/missing/: no such file missing/index.html",
        "index.html: /digest/about/#nope: no element with id 'nope' in about/index.html",
        "index.html: /digest/static/none.png: no such file static/none.png",
        "index.html: /elsewhere/: outside the base path /digest/",
        "index.html: #gone: no element with id 'gone' in index.html",
    ]


def test_catches_a_page_removed_from_a_built_site(root_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(root_site.dir("site"), site)
    shutil.rmtree(site / "tags" / "jing-ji")
    problems = check_links(site, "/")
    assert problems and all("tags/jing-ji/" in problem for problem in problems)
    assert any(problem.startswith("sitemap.xml: ") for problem in problems)


def test_a_site_built_for_another_base_path_fails(sub_path_site):
    assert check_links(sub_path_site.dir("site"), "/other/")


def test_feeds_carrying_html_as_elements_are_reported(tmp_path, root_site):
    """RFC 4287: the HTML of a type="html" element is escaped text; elements there are an error
    (strict readers show nothing); type="xhtml" holds elements by design."""
    site = small_site(tmp_path)
    feed = ('<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">t</title><entry>'
            '<summary type="html">&lt;p&gt;escaped&lt;/p&gt;</summary>{}</entry></feed>')
    (site / "feed.xml").write_text(feed.format('<content type="html"><p>正文</p></content>'), encoding="utf-8")
    (site / "zh-hant").mkdir()
    (site / "zh-hant/feed.xml").write_text(feed.format('<content type="html">正文<hr/></content>'),
                                           encoding="utf-8")
    (site / "tags").mkdir()
    (site / "tags/feed.xml").write_text(feed.format('<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
                                                    '<p>xhtml may</p></div></content>'), encoding="utf-8")
    assert check_links(site, "/") == [
        'feed.xml: <content type="html"> holds the element <p>: its HTML must be escaped text',
        'zh-hant/feed.xml: <content type="html"> holds the element <hr>: its HTML must be escaped text']
    assert check_links(root_site.dir("site"), "/") == []


def test_feeds_that_are_not_xml_are_reported(tmp_path):
    site = small_site(tmp_path)
    (site / "feed.xml").write_text("<feed><unclosed></feed>", encoding="utf-8")
    assert [problem.split(":")[0] for problem in check_links(site, "/")] == ["feed.xml"]


def test_form_actions_and_script_urls_in_data_attributes_are_links_too(tmp_path):
    extra = ('<form action="/digest/search/" data-index-url="/digest/search/index/docs.json" '
             'data-base-url="/digest/" data-label="/not/a/link"></form>')
    problems = check_links(small_site(tmp_path, "/digest/", extra), "/digest/")
    assert problems == [
        "index.html: /digest/search/: no such file search/index.html",
        "index.html: /digest/search/index/docs.json: no such file search/index/docs.json",
    ]
