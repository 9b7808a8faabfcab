"""digest.site: [Article] -> [Page]: lists, terms, related articles, archive, feeds, sitemap."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import make_project
from digest.config import load_config
from digest.content import Article, Body, KeptBody, load_articles
from digest.site import Related, group_terms, make_catalog, plan_site
from digest.urls import Route


@pytest.fixture
def config(tmp_path):
    return load_config(make_project(tmp_path) / "config.yaml")


def plan(config, drafts=False):
    return {page.path: page for page in plan_site(load_articles(config, drafts=drafts), config)}


def test_every_page_has_its_own_path_and_the_sitemap_comes_last(config):
    pages = plan_site(load_articles(config), config)
    assert len({page.path for page in pages}) == len(pages)
    assert pages[-1].path == "sitemap.xml"


def test_home_is_paginated_newest_first(config):
    pages = plan(config)
    slugs = [entry.article.slug for path in ("index.html", "page/2/index.html", "page/3/index.html")
             for entry in pages[path].context["entries"]]
    assert slugs == ["zhong-guo-jing-ji", "xss", "english", "wu-lai-yuan", "wu-ri-qi"]
    assert pages["page/2/index.html"].context["pager"].count == 3
    assert "page/4/index.html" not in pages


def test_tag_pages_are_paginated_and_drafts_only_count_when_asked_for(config):
    assert "tags/jing-ji/page/2/index.html" not in plan(config)
    with_drafts = plan(config, drafts=True)
    assert [e.article.slug for e in with_drafts["tags/jing-ji/page/2/index.html"].context["entries"]] == [
        "wu-lai-yuan"]


def test_articles_without_a_source_are_grouped_under_the_unknown_source(config):
    pages = plan(config)
    terms = {term.name: term for term in pages["sources/index.html"].context["terms"]}
    assert terms["未知来源"].slug == "wei-zhi-lai-yuan" and terms["未知来源"].count == 1
    assert [e.article.slug for e in pages["sources/wei-zhi-lai-yuan/index.html"].context["entries"]] == [
        "wu-lai-yuan"]
    assert pages["articles/wu-lai-yuan/index.html"].context["entry"].source.name == "未知来源"


def test_terms_are_listed_by_count_then_slug_with_ascii_slugs(config):
    terms = plan(config)["tags/index.html"].context["terms"]
    assert [(t.name, t.slug, t.count) for t in terms] == [
        ("经济", "jing-ji", 2), ("社会", "she-hui", 2), ("政策", "zheng-ce", 2)]


def test_term_slugs_are_unique_when_names_slugify_alike(config):
    articles = load_articles(config)
    members = {}
    terms = group_terms("tag", tuple(articles), lambda article: ("AI", "ai") if article.slug == "xss" else (), members)
    assert sorted(term.slug for term in terms.values()) == ["ai", "ai-2"]
    assert members["tag", "AI"] == members["tag", "ai"] == (articles[1],)


def test_related_articles_share_tags_most_first_then_newest(config):
    context = plan(config)["articles/zhong-guo-jing-ji/index.html"].context
    assert [entry.article.slug for entry in context["related"]] == ["xss", "wu-lai-yuan"]
    assert context["newer"] is None and context["older"].article.slug == "xss"


def test_archive_groups_by_year_and_month_with_undated_last(config):
    context = plan(config)["archive/index.html"].context
    grouped = [(year, [(month, [e.article.slug for e in entries]) for month, entries in months])
               for year, months in context["years"]]
    assert grouped == [(2024, [(5, ["zhong-guo-jing-ji", "xss"]), (1, ["english"])]),
                       (2023, [(12, ["wu-lai-yuan"])])]
    assert [e.article.slug for e in context["undated"]] == ["wu-ri-qi"]


BEIJING = dt.timezone(dt.timedelta(hours=8))  # the default `timezone`


def test_feeds_are_updated_as_of_their_newest_article(config):
    pages = plan(config)
    assert pages["feed.xml"].context["feed"].updated == dt.datetime(2024, 5, 26, tzinfo=BEIJING)
    assert pages["tags/she-hui/feed.xml"].context["feed"].updated == dt.datetime(2024, 5, 20, tzinfo=BEIJING)
    assert pages["sources/wei-zhi-lai-yuan/feed.xml"].context["feed"].updated == dt.datetime(2023, 12, 1,
                                                                                             tzinfo=BEIJING)


def test_sitemap_lists_every_article_and_list_page_but_not_the_404(config):
    listed = {page.route for page in plan(config)["sitemap.xml"].context["pages"]}
    assert {Route("article", slug) for slug in ("zhong-guo-jing-ji", "xss", "english", "wu-lai-yuan",
                                                "wu-ri-qi")} <= listed
    assert Route("home", None, 3) in listed and Route("not_found") not in listed


def test_custom_domain_and_nojekyll_files(config):
    pages = plan(config)
    assert pages["CNAME"].text == "digest.example.org\n"
    assert pages[".nojekyll"].text == ""


def test_no_cname_without_a_domain(tmp_path):
    project = make_project(tmp_path)
    text = (project / "config.yaml").read_text(encoding="utf-8").replace("domain: digest.example.org\n", "")
    (project / "config.yaml").write_text(text, encoding="utf-8")
    assert "CNAME" not in plan(load_config(project / "config.yaml"))


def test_an_empty_site_still_has_a_home_page_and_feeds(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "config.yaml").write_text("title: 空\n", encoding="utf-8")
    config = load_config(tmp_path / "config.yaml")
    pages = plan(config)
    assert pages["index.html"].context["entries"] == []
    assert pages["feed.xml"].context["feed"].updated == dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    assert make_catalog([], "未知来源").tags == {}


def brute_force_related(article, articles, count):
    shared = {other.slug: len(set(article.tags) & set(other.tags)) for other in articles if other is not article}
    ranked_others = sorted((other for other in articles if shared.get(other.slug)),
                           key=lambda other: (-shared[other.slug], other.sort_key))
    return [other.slug for other in ranked_others[:count]]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from("甲乙丙丁戊己"), max_size=4, unique=True),
                          st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2020, 1, 20)))),
                min_size=1, max_size=30),
       st.integers(1, 6))
def test_related_articles_are_those_a_count_over_every_other_article_ranks_first(drafts, count):
    articles = [article(f"a{number}", tuple(tags), date) for number, (tags, date) in enumerate(drafts)]
    catalog = make_catalog(articles, "未知来源")
    related = Related(catalog)
    for one in articles:
        assert [other.slug for other in related.to(one, count)] == brute_force_related(one, articles, count)


def article(slug, tags, date):
    published = dt.datetime.combine(date, dt.time(), BEIJING) if date else None
    return Article(slug=slug, title=slug, date=date, published=published, authors=(), source=None, source_url=None,
                   doi=None, tags=tags,
                   summary="", toc=(), han_count=0, reading_minutes=1, body_size=0, draft=False, path=f"{slug}.md",
                   digest=slug, body_of=KeptBody(Body("", "")))
