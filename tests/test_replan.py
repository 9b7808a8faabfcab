"""A plan made from the last one, after edits, is the plan made anew; and what it keeps stays bounded."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.corpus import write_content_corpus
from conftest import edit_content_file, make_project
from digest.config import Config, load_config
from digest.content import load_articles
from digest.replan import Plan, plan_pages

KEY = "build key"
# Edits to one content file: the fields that give an article its place, and some that do not.
edits = st.one_of(
    st.tuples(st.just("body"), st.sampled_from(["乡村振兴的新路子。", "Plain text.", "## 新的小标题\n\n正文。"])),
    st.tuples(st.just("title"), st.sampled_from(["新的标题", "發展經濟", "<b>Bold</b>"])),
    st.tuples(st.just("summary"), st.sampled_from(["新的摘要。", ""])),
    st.tuples(st.just("authors"), st.lists(st.sampled_from(["张三", "李四"]), max_size=2, unique=True)),
    st.tuples(st.just("tags"), st.lists(st.sampled_from(["经济", "社会", "政策"]), max_size=3, unique=True)),
    st.tuples(st.just("date"), st.one_of(st.none(), st.dates(dt.date(2023, 1, 1), dt.date(2024, 12, 31)))),
    st.tuples(st.just("source"), st.sampled_from([None, "人民网", "Example Journal"])),
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Config:
    config = load_config(make_project(tmp_path_factory.mktemp("replan")) / "config.yaml")
    write_content_corpus(config.dir("content"), 40)
    return config


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 45), edits), min_size=1, max_size=4))
def test_a_plan_made_from_the_last_one_is_the_plan_made_anew(corpus, tmp_path_factory, steps):
    content = tmp_path_factory.mktemp("content")
    for path in corpus.dir("content").glob("*.md"):
        (content / path.name).write_bytes(path.read_bytes())
    config = corpus.with_overrides(paths={**corpus["paths"], "content": str(content)})
    files = sorted(content.glob("*.md"))
    plan = plan_pages(load_articles(config), config, KEY)
    for index, (what, value) in steps:
        edit_content_file(files[index % len(files)], what, value)
        articles = load_articles(config)
        last, plan = plan, plan_pages(articles, config, KEY, previous=plan)
        anew = plan_pages(articles, config, KEY)
        assert plan.pages == anew.pages and plan.prints == anew.prints
        if what in ("body", "title", "summary", "authors"):  # no article moved: nothing planned again
            assert plan.fingerprints is last.fingerprints


def test_an_edit_fingerprints_again_only_the_pages_showing_the_article(corpus):
    articles = load_articles(corpus)
    plan = plan_pages(articles, corpus, KEY)
    edited = replace(articles[0], title="新的标题", digest="new")  # the newest: on the home page
    again = plan_pages([edited, *articles[1:]], corpus, KEY, previous=plan)
    changed = {page.path for page, old, new in zip(plan.pages, plan.prints, again.prints) if old != new}
    kept = {old.path for old, new in zip(plan.pages, again.pages) if old is new}
    assert {f"articles/{edited.slug}/index.html", "index.html", "feed.xml", "archive/index.html"} <= changed
    assert "tags/index.html" not in changed and "tags/index.html" in kept  # no term changed its count
    assert changed.isdisjoint(kept) and len(kept) > len(changed)


def test_what_a_lineage_of_plans_keeps_stays_bounded(corpus):
    """Each edit leaves the old objects known; past twice the first reuse's count they are forgotten."""
    articles = load_articles(corpus)
    plan: Plan = plan_pages(articles, corpus, KEY)
    sizes = []
    for number in range(60):
        edited = [replace(a, title=f"标题{number}", digest=f"{number}") for a in articles[:8]]
        plan = plan_pages(edited + articles[8:], corpus, KEY, previous=plan)
        sizes.append(len(plan.fingerprints) + len(plan.contents))
    one_edit = sizes[1] - sizes[0]
    assert max(sizes) <= 2 * plan.known_at_first_reuse + one_edit  # at most one edit's objects past the bound
    assert min(sizes[1:]) < sizes[0]  # and it was reached: the known objects were forgotten at least once
    assert plan.pages == plan_pages(edited + articles[8:], corpus, KEY).pages
