"""digest.urls: one table of routes, one url_for that knows the base path."""

from __future__ import annotations

import pytest

from digest.errors import DigestError
from digest.urls import Route, Urls, atom_id


@pytest.mark.parametrize("route, location, path", [
    (Route("home"), "", "index.html"),
    (Route("home", None, 2), "page/2/", "page/2/index.html"),
    (Route("article", "zhong-guo"), "articles/zhong-guo/", "articles/zhong-guo/index.html"),
    (Route("tag", "jing-ji", 3), "tags/jing-ji/page/3/", "tags/jing-ji/page/3/index.html"),
    (Route("source_feed", "ren-min-wang"), "sources/ren-min-wang/feed.xml", "sources/ren-min-wang/feed.xml"),
    (Route("static", "style.css"), "static/style.css", "static/style.css"),
    (Route("not_found"), "404.html", "404.html"),
])
def test_routes_give_pretty_locations_and_their_files(route, location, path):
    assert (route.location, route.path) == (location, path)


def test_only_folder_routes_have_numbered_pages():
    with pytest.raises(ValueError):
        Route("feed", None, 2).location


@pytest.mark.parametrize("base_url, page, absolute", [
    ("/", "/tags/jing-ji/", "/tags/jing-ji/"),
    ("/digest", "/digest/tags/jing-ji/", "/digest/tags/jing-ji/"),
    ("https://user.github.io/digest/", "/digest/tags/jing-ji/", "https://user.github.io/digest/tags/jing-ji/"),
    ("https://example.org", "/tags/jing-ji/", "https://example.org/tags/jing-ji/"),
])
def test_url_for_carries_the_base_path_and_absolute_urls_the_base_url(base_url, page, absolute):
    urls = Urls(base_url)
    assert urls.url_for("tag", "jing-ji") == page
    assert urls.url_for("tag", "jing-ji", absolute=True) == absolute


@pytest.mark.parametrize("base_url", ["user.github.io/digest/", "ftp://example.org/", "digest"])
def test_a_base_url_that_is_neither_a_path_nor_http_is_refused(base_url):
    with pytest.raises(DigestError, match="base_url"):
        Urls(base_url)


def test_atom_ids_are_stable_uuids_that_do_not_depend_on_the_base_url():
    assert atom_id("article", "x") == atom_id("article", "x")
    assert atom_id("article", "x") != atom_id("article", "y")
    assert atom_id("feed").startswith("urn:uuid:")
