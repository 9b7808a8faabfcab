"""Site search: the Pagefind index built with the site, the search page, the header box, the
script conversion table, and `search: false`. The browser side is tests/browser/test_search.py."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from conftest import SUB_PATH_URL, built, make_project, snapshot
from digest.config import load_config
from digest.errors import DigestError
from digest.links import check_links
from digest.render import build_site
from digest.search import QUERY_CONVERSIONS, script_map, script_map_asset
from test_build import PageParser, html_files

SEARCH_FILES = ("search/index.html", "search/script-map.json", "static/search.js", "pagefind/pagefind.js")


def read(config, path: str) -> str:
    return (config.dir("site") / path).read_text(encoding="utf-8")


# ------------------------------------------------------------------ conversion table ----

def test_the_table_maps_traditional_characters_to_simplified():
    table = script_map("t2s")
    assert (table["黨"], table["組"], table["織"], table["層"]) == ("党", "组", "织", "层")


def test_the_table_leaves_simplified_characters_alone():
    table = script_map("t2s")
    assert [char for char in "基层党组织网格化建设发展干部" if char in table] == []
    assert all(len(key) == len(value) == 1 and key != value for key, value in table.items())


def test_a_traditional_site_converts_simplified_queries_the_other_way():
    table = script_map(QUERY_CONVERSIONS["s2tw"])
    assert (table["党"], table["组"], table["织"]) == ("黨", "組", "織")
    assert "黨" not in table


def test_the_table_asset_is_two_aligned_strings_and_small():
    data = script_map_asset("t2s")
    table = json.loads(data)
    assert table["conversion"] == "t2s"
    assert len(table["from"]) == len(table["to"]) > 3000  # code points; a few are outside the BMP
    assert dict(zip(table["from"], table["to"])) == script_map("t2s")
    assert len(data) < 30_000 and len(gzip.compress(data, mtime=0)) < 20_000


def test_every_configured_script_has_a_query_conversion():
    from digest.config import SCRIPTS

    assert set(QUERY_CONVERSIONS) == set(SCRIPTS)


# ------------------------------------------------------------------ the built site -------

def test_article_pages_mark_body_filters_and_metadata_for_pagefind(root_site):
    text = read(root_site, "articles/zhong-guo-jing-ji/index.html")
    assert '<article class="article" data-pagefind-body>' in text
    assert '<dd data-pagefind-meta="date"><time datetime="2024-05-26">' in text
    assert re.search(r'<dd data-pagefind-filter="source" data-pagefind-meta="source"><a href="[^"]+">人民网</a>', text)
    assert re.search(r'<li data-pagefind-filter="tag"><a href="[^"]+">经济</a></li>', text)
    # The facts list, the table of contents and the references are not searched as text.
    assert '<dl class="article-meta" data-pagefind-ignore>' in text
    assert 'id="toc" aria-labelledby="toc-title" data-pagefind-ignore>' in text
    assert 'aria-labelledby="references" data-pagefind-ignore>' in text


def test_only_article_pages_are_indexed(root_site):
    site = root_site.dir("site")
    marked = [path.relative_to(site).as_posix() for path in html_files(site)
              if "data-pagefind-body" in path.read_text(encoding="utf-8")]
    assert marked and all(re.fullmatch(r"articles/[^/]+/index\.html", path) for path in marked)
    entry = json.loads((site / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert [(name, language["page_count"]) for name, language in entry["languages"].items()] == [("zh-hans", 5)]


def test_every_page_has_a_search_box_that_gets_the_search_page(sub_path_site):
    for path in html_files(sub_path_site.dir("site")):
        text = path.read_text(encoding="utf-8")
        assert '<form class="site-search" role="search" action="/digest/search/" method="get">' in text, path
        assert '<input type="search" id="site-search-q" name="q"' in text, path


def test_the_search_page_finds_its_index_and_table_under_the_sub_path(sub_path_site):
    text = read(sub_path_site, "search/index.html")
    assert 'data-bundle-url="/digest/pagefind/pagefind.js"' in text
    assert 'data-base-url="/digest/"' in text
    assert 'data-script-map-url="/digest/search/script-map.json"' in text
    assert '<script type="module" src="/digest/static/search.js"></script>' in text
    parsed = PageParser(text)
    assert {"/digest/tags/", "/digest/sources/"} <= set(parsed.links)  # the way on without JavaScript
    assert "搜索需要浏览器运行 JavaScript" in text


@pytest.mark.parametrize("fixture", ["root_site", "sub_path_site"])
def test_the_search_page_passes_the_link_checker(fixture, request):
    config = request.getfixturevalue(fixture)
    assert check_links(config.dir("site"), config["base_url"]) == []
    assert (config.dir("site") / "search/index.html").is_file()


def test_the_link_checker_notices_a_missing_index(sub_path_site, tmp_path):
    import shutil

    site = tmp_path / "site"
    shutil.copytree(sub_path_site.dir("site"), site)
    shutil.rmtree(site / "pagefind")
    assert check_links(site, SUB_PATH_URL) == [
        "search/index.html: /digest/pagefind/pagefind.js: no such file pagefind/pagefind.js"]


def test_search_false_leaves_out_index_page_box_and_script(tmp_path):
    config = load_config(make_project(tmp_path) / "config.yaml").with_overrides(search=False)
    report = build_site(config)
    site = config.dir("site")
    assert report.indexed is None
    assert [path for path in SEARCH_FILES if (site / path).exists()] == []
    assert not (site / "pagefind").exists()
    assert not any("site-search" in path.read_text(encoding="utf-8") for path in html_files(site))
    assert check_links(site, "/") == []


def test_search_can_be_turned_off_in_config_yaml(tmp_path):
    project = make_project(tmp_path)
    with (project / "config.yaml").open("a", encoding="utf-8") as handle:
        handle.write("search: false\n")
    assert load_config(project / "config.yaml")["search"] is False
    (project / "config.yaml").write_text("search: 'no'\n", encoding="utf-8")
    with pytest.raises(DigestError, match="search"):
        load_config(project / "config.yaml")


def test_a_site_without_articles_has_nothing_to_search(tmp_path):
    config = load_config(make_project(tmp_path) / "config.yaml")
    for path in config.dir("content").glob("*.md"):
        path.unlink()
    report = build_site(config, allow_empty=True)
    assert (report.articles, report.indexed) == (0, None)
    site = config.dir("site")
    assert [path for path in SEARCH_FILES if (site / path).exists()] == []
    assert "site-search" not in read(config, "index.html")
    assert check_links(site, "/") == []


def test_a_failing_index_leaves_the_old_site(tmp_path, monkeypatch):
    config = built(tmp_path)
    before = snapshot(config.dir("site"))

    def fail(site_dir, output=None):
        assert not site_dir.is_relative_to(config.dir("site"))  # a staging folder, not the published one
        raise DigestError("search index: Pagefind failed: boom")

    monkeypatch.setattr("digest.render.index_site", fail)
    (config.dir("content") / "english.md").unlink()
    with pytest.raises(DigestError, match="boom"):
        build_site(config)
    assert snapshot(config.dir("site")) == before


# ------------------------------------------------------------------ stable bundle --------

def test_the_filter_indexes_are_sorted_and_named_by_their_content(root_site):
    from digest.pagefind_order import full_hash, read_cbor

    bundle = root_site.dir("site") / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta = read_cbor(bundle / f"pagefind.{entry['languages']['zh-hans']['hash']}.pf_meta")
    assert [name for name, _ in meta[3]] == ["source", "tag"]
    for name, file_hash in meta[3]:
        filter_name, values = read_cbor(bundle / "filter" / f"{file_hash}.pf_filter")
        assert filter_name == name
        assert [value for value, _ in values] == sorted(value for value, _ in values)
    assert sorted(path.name for path in (bundle / "filter").iterdir()) == sorted(
        f"{file_hash}.pf_filter" for _, file_hash in meta[3])
    tags = dict(read_cbor(bundle / "filter" / f"{meta[3][1][1]}.pf_filter")[1])
    assert set(tags) == {"经济", "社会", "政策"} and all(tags.values())
    assert meta[3][1][1] == "zh-hans_" + full_hash(
        gzip.decompress((bundle / "filter" / f"{meta[3][1][1]}.pf_filter").read_bytes())[12:])[:7]


def test_an_unknown_bundle_layout_is_left_alone(root_site, tmp_path):
    import shutil

    from digest.pagefind_order import decode, encode, sort_filters

    bundle = tmp_path / "pagefind"
    shutil.copytree(root_site.dir("site") / "pagefind", bundle)
    entry = bundle / "pagefind-entry.json"
    entry.write_text(entry.read_text(encoding="utf-8").replace('"1.5.2"', '"9.9.9"'), encoding="utf-8")
    before = snapshot(bundle)
    assert sort_filters(bundle) is False
    assert snapshot(bundle) == before
    value = [1, -2, 300, 70000, "党建", b"\x00", [[]], {"a": 1}]
    assert decode(encode(value), 0) == (value, len(encode(value)))
