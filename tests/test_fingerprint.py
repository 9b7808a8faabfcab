"""Which templates read article bodies: their pages' fingerprints hold the bodies, the others' do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from digest.fingerprint import ARTICLE_FIELDS, body_readers, shown_fields


def readers(folder: Path, templates: dict[str, str]) -> set[str]:
    for name, source in templates.items():
        (folder / name).write_text(source, encoding="utf-8")
    return set(body_readers(folder))


def test_the_shipped_templates_read_bodies_in_the_article_page_and_the_feeds_only():
    assert body_readers(REPO / "templates") == {"article.html", "feed.xml"}


@pytest.mark.parametrize("source, reads", [
    ("{{ entry.article.title }}", False),
    ("{{ entry.article.body_html|safe }}", True),
    ("{% if article.references_html %}x{% endif %}", True),
    ("{{ entries|map(attribute='body_html')|join }}", True),
    ("{{ article[field] }}", True),  # a computed name could be a body field
    ("{{ article|attr(name) }}", True),
    ("{{ {'tag': '标签'}[kind] }}", False),  # a lookup in a literal reaches no article
    ("{{ article.digest }}", True),
    ("{% if %}", True),  # broken: the build reports it, and the page counts as reading bodies
])
def test_a_template_reads_bodies_when_it_may_name_a_body_field(tmp_path, source, reads):
    assert readers(tmp_path, {"page.html": source}) == ({"page.html"} if reads else set())


def test_a_template_using_a_reader_is_one_and_a_computed_name_counts_as_one(tmp_path):
    found = readers(tmp_path, {
        "macros.html": "{% macro text(a) %}{{ a.body_html }}{% endmacro %}",
        "list.html": '{% extends "base.html" %}{% from "macros.html" import text %}',
        "base.html": "{% block main %}{% endblock %}",
        "other.html": '{% include "base.html" %}',
        "dynamic.html": "{% include name %}",
    })
    assert found == {"macros.html", "list.html", "dynamic.html"}


def test_lists_show_the_fields_their_templates_name_and_all_of_them_when_one_names_a_property(tmp_path):
    assert set(shown_fields(REPO / "templates")) == {"slug", "title", "date", "summary", "source", "tags", "path"}
    readers(tmp_path, {"list.html": "{{ entry.article.title }}{{ article['han_count'] }}",
                       "article.html": "{{ article.body_html }}{{ article.doi }}"})
    assert shown_fields(tmp_path) == ("title", "han_count")  # a reader's names count on its own pages only
    readers(tmp_path, {"list.html": "{{ entry.article.doi_url }}"})
    assert shown_fields(tmp_path) == ARTICLE_FIELDS
