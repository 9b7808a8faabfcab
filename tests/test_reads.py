"""What templates read of their pages' articles: the fields they show and whose bodies they read."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from digest.reads import ARTICLE_FIELDS, PROPERTIES, Reads, template_reads

ENTRY_ARTICLE = frozenset({("entry", "article")})


def reads(folder: Path, templates: dict[str, str], name: str = "page.html") -> Reads:
    for file, source in templates.items():
        (folder / file).write_text(source, encoding="utf-8")
    return template_reads(folder)[name]


def test_the_shipped_article_page_reads_its_own_body_the_feeds_any_and_the_lists_none():
    found = template_reads(REPO / "templates")
    assert found["article.html"].bodies == ENTRY_ARTICLE
    assert found["feed.xml"].bodies is None  # in a loop over the feed's articles
    # A tag's or source's feed shows summaries: an edit of a body leaves it be.
    assert {name for name, read in found.items() if read.bodies == frozenset()} == {
        "404.html", "alias.html", "archive.html", "atom.xml", "base.html", "issue.html", "issues.html",
        "issues_feed.xml", "list.html", "macros.html", "robots.txt", "search.html", "sitemap.xml", "term_feed.xml",
        "terms.html"}
    # The lists show no length; the article page shows its neighbours' titles and dates only (its
    # own article counts whole, by its digest).
    assert "han_count" not in found["archive.html"].fields + found["list.html"].fields + found["article.html"].fields
    assert {"title", "date", "slug"} <= set(found["article.html"].fields)
    assert "summary" in found["list.html"].fields and "summary" not in found["archive.html"].fields


@pytest.mark.parametrize("source, bodies", [
    ("{{ entry.article.title }}", frozenset()),
    ("{{ entry.article.body_html|safe }}", ENTRY_ARTICLE),
    ("{% set article = entry.article %}{% if article.references_html %}x{% endif %}", ENTRY_ARTICLE),
    ("{{ page.context['entry'].article['body_html'] }}", frozenset({("page", "context", "entry", "article")})),
    ("{% for article in articles %}{{ article.body_html }}{% endfor %}", None),  # any article of the list
    ("{% set article = one %}{% set article = other %}{{ article.body_html }}", None),  # set twice
    ("{% block main %}{% set article = one %}{{ article.body_html }}{% endblock %}", None),  # not at the top
    ("{% import 'macros.html' as entry %}{{ entry.article.body_html }}", None),
    ("{% macro text(a) %}{{ a.body_html }}{% endmacro %}", None),
    # a scoped block sees the loop variables of the template it fills in: any article of the loop
    ("{% extends 'macros.html' %}{% block text scoped %}{{ article.body_html }}{% endblock %}", None),
    ("{% extends 'macros.html' %}{% block text %}{{ entry.article.body_html }}{% endblock %}", ENTRY_ARTICLE),
    ("{{ entries|map(attribute='body_html')|join }}", None),
    ("{{ article[field] }}", None),  # a computed name could be a body field
    ("{{ article|attr(name) }}", None),
    ("{{ {'tag': '标签'}[kind] }}", frozenset()),  # a lookup in a literal reaches no article
    ("{{ entry.article.digest }}", ENTRY_ARTICLE),
    ("{% if %}", None),  # broken: the build reports it, and the page counts as reading every body
])
def test_a_template_reads_the_bodies_at_the_paths_it_names_them_on(tmp_path, source, bodies):
    assert reads(tmp_path, {"page.html": source, "macros.html": ""}).bodies == bodies


def test_a_template_reads_what_the_templates_it_uses_read(tmp_path):
    templates = {
        "macros.html": "{% macro text(a) %}{{ a.body_html }}{% endmacro %}",
        "list.html": '{% extends "base.html" %}{% from "macros.html" import text %}',
        "base.html": "{% block main %}{% endblock %}{{ entry.article.summary }}",
        "other.html": '{% include "base.html" %}',
        "dynamic.html": "{% include name %}",
        "child.html": '{% extends "base.html" %}{% set entry = pick %}',  # sets a name base.html reads
    }
    found = {name: reads(tmp_path, templates, name) for name in templates}
    assert found["list.html"].bodies is None and found["dynamic.html"] == Reads(ARTICLE_FIELDS, None)
    assert found["other.html"] == Reads(("summary",), frozenset())
    exporting = reads(tmp_path, {**templates, "base.html": "{{ entry.article.body_html }}"}, "child.html")
    assert exporting.bodies is None


def test_a_property_counts_as_the_fields_its_code_reads(tmp_path):
    assert PROPERTIES["source_link"] == {"source_url"} and PROPERTIES["sort_key"] == {"published", "slug"}
    assert reads(tmp_path, {"page.html": "{{ entry.article.doi_url }}{{ entry.article['han_count'] }}"}) \
        == Reads(("doi", "han_count"), frozenset())
    # What the page shows of the article whose body it reads counts in that article's digest.
    assert reads(tmp_path, {"page.html": "{% set a = entry.article %}{{ a.body_html }}{{ a.doi }}"}).fields == ()
