"""digest.urls: one table of routes, one url_for that knows the base path."""

from __future__ import annotations

import json

import pytest

import build
from conftest import make_project
from digest.errors import DigestError
from digest.urls import Route, Urls, atom_id, base_url_problem


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


# --- base_url values that would break every URL are refused (issue 21, point 12) ------------

ODD_BASE_URLS = ["/digest/?a=1", "/digest/#top", "/digest/index.html", "https://example.com/index.html",
                 "//evil.com/", "/a b/", "/digest/../", "/./", "/a//b/", "https://user:pw@example.com/",
                 "javascript:alert(1)", "https:///x/", "digest/", "", "/\"><script>/"]


@pytest.mark.parametrize("base_url", ODD_BASE_URLS)
def test_an_odd_base_url_in_config_is_one_line_and_builds_nothing(tmp_path, capsys, base_url):
    project = make_project(tmp_path)
    config = project / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"\nbase_url: {json.dumps(base_url)}\n",
                      encoding="utf-8")
    assert build.main(["--config", str(config), "build"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {config}: setting 'base_url' ")
    assert not (project / "site").exists()


@pytest.mark.parametrize("base_url", ODD_BASE_URLS)
def test_an_odd_base_url_on_the_command_line_is_one_line(tmp_path, capsys, base_url):
    project = make_project(tmp_path)
    assert build.main(["--config", str(project / "config.yaml"), "build", "--base-url", base_url]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: --base-url: setting 'base_url' ")
    assert not (project / "site").exists()


@pytest.mark.parametrize("base_url", ["/", "/digest/", "/digest", "https://user.github.io/digest/",
                                      "http://localhost:8000/", "https://example.com", "/%E6%96%87/"])
def test_usual_base_urls_are_accepted(base_url):
    assert base_url_problem(base_url) is None


def test_a_path_base_url_leaves_the_sitemap_out_of_robots_and_says_so(tmp_path, capsys):
    project = make_project(tmp_path)
    args = ["--config", str(project / "config.yaml")]
    assert build.main([*args, "build"]) == 0
    robots = (project / "site" / "robots.txt").read_text(encoding="utf-8")
    assert robots == "User-agent: *\nDisallow:\n"
    notes = [line for line in capsys.readouterr().out.splitlines() if line.startswith("note: ")]
    assert len(notes) == 1 and "base_url" in notes[0] and "sitemap" in notes[0]
    build.main([*args, "check"])
    notes = [line for line in capsys.readouterr().out.splitlines() if line.startswith("note: ")]
    assert len(notes) == 1 and "base_url" in notes[0]
    assert build.main([*args, "build", "--base-url", "https://example.com/digest/"]) == 0
    assert "note:" not in capsys.readouterr().out
    robots = (project / "site" / "robots.txt").read_text(encoding="utf-8")
    assert robots == "User-agent: *\nDisallow:\n\nSitemap: https://example.com/digest/sitemap.xml\n"
