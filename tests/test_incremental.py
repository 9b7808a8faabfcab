"""Incremental and parallel builds give the site a clean, single-process full build gives."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.corpus import write_content_corpus
from conftest import REPO, edit_content_file, make_project, snapshot
from digest import cache, content, render, replan
from digest.config import Config, load_config
from digest.errors import DigestError
from digest.render import BuildMemory, BuildReport, build_site
from digest.search_build import finish_search
from digest.site import plan_site

TWO_EDITIONS = [{"lang": "zh-Hans", "path": "", "convert": None},
                {"lang": "zh-Hant", "path": "zh-hant/", "convert": "s2twp"}]
TAGS = ["经济", "社会", "政策", "乡村振兴", "基层治理"]
# Dates with a time too, with or without a zone: articles of one day ordered by it (issue 21, point 9).
ZONES = st.sampled_from([None, dt.timezone.utc, dt.timezone(dt.timedelta(hours=8))])


def to_the_minute(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


# An action on the content folder: (what, which file by index, a value).
actions = st.one_of(
    st.tuples(st.just("body"), st.integers(0, 20), st.sampled_from(["乡村振兴的新路子。", "基层治理有了新办法。", "Plain text."])),
    st.tuples(st.just("title"), st.integers(0, 20), st.sampled_from(["新的标题", "發展經濟", "Another title"])),
    st.tuples(st.just("tags"), st.integers(0, 20), st.lists(st.sampled_from(TAGS), max_size=3, unique=True)),
    st.tuples(st.just("date"), st.integers(0, 20), st.one_of(st.none(), st.dates(dt.date(2023, 1, 1), dt.date(2024, 12, 31)),
                                                               st.datetimes(dt.datetime(2024, 3, 1), dt.datetime(2024, 3, 3),
                                                                            timezones=ZONES).map(to_the_minute))),
    st.tuples(st.just("source"), st.integers(0, 20), st.sampled_from([None, "人民网", "Example Journal"])),
    st.tuples(st.just("draft"), st.integers(0, 20), st.booleans()),
    st.tuples(st.just("add"), st.integers(0, 20), st.lists(st.sampled_from(TAGS), max_size=3, unique=True)),
    st.tuples(st.just("delete"), st.integers(0, 20), st.none()),
    st.tuples(st.just("rename"), st.integers(0, 20), st.none()),
    st.tuples(st.just("note"), st.integers(0, 20), st.sampled_from([None, "编者按：**值得一读**。", "<b>不是标签</b>"])),
    st.tuples(st.just("featured"), st.integers(0, 20), st.booleans()),
    st.tuples(st.just("extra"), st.integers(0, 20), st.sampled_from([{}, {"cover": "封面"}, {"rating": 5}])),
    st.tuples(st.just("aliases"), st.integers(0, 20), st.booleans()),  # an old path of its own, or none
    st.tuples(st.just("issue"), st.integers(0, 20), st.sampled_from(["add", "intro", "reorder", "draft", "delete"])),
)


def apply(action: tuple, content: Path) -> None:
    what, index, value = action
    files = sorted(content.glob("*.md"))
    if what == "issue":
        apply_to_issues(index, value, content.parent / "issues", [path.stem for path in files])
        return
    if what == "add" or not files:
        number = len(list(content.glob("*.md"))) + index
        body = "新文章的正文，讲的是" + "、".join(value or ["别的"]) + "。\n"
        front = f"---\ntitle: 新文章{number}\ndate: 2024-03-{index % 28 + 1:02d}\ntags: {list(value)}\n---\n"
        (content / f"new-{number}-{index}.md").write_text(front + body, encoding="utf-8")
        return
    path = files[index % len(files)]
    if what == "delete":
        path.unlink()
    elif what == "rename":
        path.rename(path.with_name(f"renamed-{path.name}"))
    elif what == "aliases":
        edit_content_file(path, what, [f"/old/{path.stem}/"] if value else [])
    else:
        edit_content_file(path, what, value)


def apply_to_issues(index: int, what: str, folder: Path, slugs: list[str]) -> None:
    """Add an issue listing two articles (by their file names, their slugs here), or change or
    delete the `index`-th issue file: its introduction, the order of its articles, its draft flag."""
    issues = sorted(folder.glob("*.md"))
    if what == "add" or not issues:
        number = 1 + max((int(re.search(r"number: (\d+)", path.read_text(encoding="utf-8")).group(1))
                          for path in issues), default=0)
        listed = list(dict.fromkeys(slugs[(index + step) % len(slugs)] for step in (0, 1))) if slugs else ["none"]
        front = f"---\nnumber: {number}\ntitle: 第 {number} 期\ndate: 2024-08-{index % 28 + 1:02d}\narticles: {listed}\n---\n"
        (folder / f"issue-{number}.md").write_text(front + "新一期的导言。\n", encoding="utf-8")
        return
    path = issues[index % len(issues)]
    text = path.read_text(encoding="utf-8")
    if what == "delete":
        path.unlink()
    elif what == "intro":
        path.write_text(text + "导言又多了一句。\n", encoding="utf-8")
    elif what == "reorder":
        path.write_text(re.sub(r"articles:.*?\n(?=[a-z]+:|---)", lambda match: "articles:\n" + "".join(
            reversed(re.findall(r"- .*\n", match.group(0)))) if "\n- " in match.group(0) else match.group(0),
            text, flags=re.S), encoding="utf-8")
    else:
        path.write_text(text.replace("\ndraft: true", "") if "\ndraft: true" in text
                        else text.replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")


def clean_full_build(config: Config, folder: Path, jobs: int = 1) -> dict[str, bytes]:
    """A full build from nothing, with its own site folder and cache, of the same content."""
    paths = {**config["paths"], "site": str(folder / "site"), "cache": str(folder / "cache")}
    build_site(config.with_overrides(paths=paths), jobs=jobs)
    return snapshot(folder / "site")


def project_config(folder: Path, **overrides) -> Config:
    config = load_config(make_project(folder) / "config.yaml")
    return config.with_overrides(**{"editions": TWO_EDITIONS, "search": False, **overrides})


@pytest.mark.parametrize("remember", [False, True], ids=["command-line", "preview"])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(actions, min_size=1, max_size=3), min_size=1, max_size=4))
def test_any_edits_built_incrementally_give_the_clean_full_build(tmp_path_factory, remember, batches):
    """Each build in a new process (the command line), or all in one that keeps its plan (the preview);
    with search on, so the index and the articles' search texts are compared too."""
    folder = tmp_path_factory.mktemp("incremental")
    config = project_config(folder, search=True)
    memory = BuildMemory() if remember else None
    build_site(config, memory=memory)
    for batch in batches:
        for action in batch:
            apply(action, config.dir("content"))
        try:
            build_site(config, memory=memory)
        except Exception as error:  # an edit may make two files claim one slug: then both builds refuse
            with pytest.raises(type(error)):
                clean_full_build(config, folder / "full-failing")
            shutil.rmtree(folder / "full-failing", ignore_errors=True)
            return
    assert snapshot(config.dir("site")) == clean_full_build(config, folder / "full")


def test_an_edit_with_search_on_updates_the_index_like_a_full_build(tmp_path):
    config = project_config(tmp_path, search=True)
    first = build_site(config)
    apply(("body", 2, "基层治理有了新办法。"), config.dir("content"))  # wu-lai-yuan.md
    apply(("delete", 1, None), config.dir("content"))  # english.md, the one article of its source
    report = build_site(config)
    assert 0 < report.written < first.written and report.removed > 0
    assert report.indexed == 4  # four articles, one index for both editions
    assert snapshot(config.dir("site")) == clean_full_build(config, tmp_path / "full")


def test_the_preview_updates_search_after_the_pages_and_ends_like_a_full_build(tmp_path):
    config = project_config(tmp_path, search=True)
    build_site(config)
    index = config.dir("site") / "search/index"
    before = snapshot(index)
    apply(("title", 2, "发展经济"), config.dir("content"))
    build_site(config, search_later=True)
    assert snapshot(index) == before  # pages first: the index is still the old one
    assert finish_search(config, cancelled=lambda: True) == 0  # a new save came in: left for later
    assert snapshot(index) == before and not (config.dir("site") / "search/.index-new").exists()
    assert finish_search(config) == 1  # one index for both editions
    assert snapshot(index) != before
    assert snapshot(config.dir("site")) == clean_full_build(config, tmp_path / "full")
    assert finish_search(config) == 0


def test_a_build_with_nothing_changed_writes_nothing(tmp_path):
    config = project_config(tmp_path)
    first = build_site(config)
    before = {path: path.stat().st_mtime_ns for path in config.dir("site").rglob("*")}
    report = build_site(config)  # the fast path: no content or static file has a new size or time
    assert (report.rendered, report.written, report.removed) == (0, 0, 0)
    assert (report.articles, report.pages, report.files) == (first.articles, first.pages, first.files)
    assert {path: path.stat().st_mtime_ns for path in config.dir("site").rglob("*")} == before


def edit_and_build(config: Config, edit: Callable[[str], str]) -> tuple[dict[str, bytes], BuildReport, list[str]]:
    """Build, edit english.md, build again: the site before, the second build's report, the files it changed."""
    build_site(config)
    before = snapshot(config.dir("site"))
    path = config.dir("content") / "english.md"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    report = build_site(config)
    return before, report, sorted(name for name, data in snapshot(config.dir("site")).items()
                                  if before.get(name) != data)


def test_one_edit_writes_only_the_pages_that_show_it(tmp_path):
    before, report, changed = edit_and_build(project_config(tmp_path), lambda text: text + "\nOne more sentence.\n")
    # Its page and the site's feed in both editions; the body is in the site's feed, not in any list,
    # nor in its tag's and source's feeds, which carry summaries (issue 21, point 7).
    assert changed == ["articles/english/index.html", "feed.xml", "zh-hant/articles/english/index.html",
                       "zh-hant/feed.xml"]
    # Made again: only those. Not the lists or the archive, which show only the article's other
    # fields, and those stayed the same; nor the article pages linking to it, which show its title
    # and date (they read the body of their own article only).
    assert pages_linking(before, "english") and report.rendered == report.written == len(changed)


def test_an_edit_changing_the_length_remakes_no_list_nor_the_archive(tmp_path):
    """The length is shown on the article's own page only: the lists, the archive and the article
    pages linking to it name other fields."""
    before, report, changed = edit_and_build(project_config(tmp_path), lambda text: text + "\n又写了一句话。\n")
    assert "articles/english/index.html" in changed and "archive/index.html" not in changed
    assert pages_linking(before, "english") and report.rendered == report.written


def pages_linking(site: dict[str, bytes], slug: str) -> list[str]:
    """The other article pages of the first edition with a link to article `slug`."""
    return [name for name, data in site.items() if name.startswith("articles/")
            and name != f"articles/{slug}/index.html" and f'href="/articles/{slug}/"'.encode() in data]


@pytest.mark.parametrize("shown, edit", [
    ("{{ entry.article.han_count }}", lambda text: text + "\n又写了一句话。\n"),  # a field
    ("{{ entry.article.source_link }}",  # a property, which reads a field the template does not name
     lambda text: text.replace("---\n", "---\nsource_url: https://example.org/new\n", 1)),
])
def test_a_list_showing_more_of_an_article_is_remade_when_that_changes(tmp_path, shown, edit):
    config = project_config(tmp_path)
    templates = copied_templates(config)
    listing = templates / "list.html"
    listing.write_text(listing.read_text(encoding="utf-8").replace(
        '<p class="summary">', f'<p class="shown">{shown}</p><p class="summary">', 1), encoding="utf-8")
    before, report, changed = edit_and_build(config, edit)
    assert "tags/she-hui/index.html" in changed
    assert snapshot(config.dir("site")) == clean_full_build(config, tmp_path / "full")


def test_an_article_page_showing_more_of_the_related_ones_is_remade_when_that_changes(tmp_path):
    config = project_config(tmp_path)
    page = copied_templates(config) / "article.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "<li>{{ entry_line(other) }}</li>", "<li>{{ entry_line(other) }} {{ other.article.han_count }}</li>"),
        encoding="utf-8")
    before, report, changed = edit_and_build(config, lambda text: text + "\n又写了一句话。\n")
    related = [name for name in pages_linking(before, "english")
               if b'href="/articles/english/"' in before[name].partition(b'class="related"')[2]]
    assert related and set(related) <= set(changed)
    assert snapshot(config.dir("site")) == clean_full_build(config, tmp_path / "full")


def copied_templates(config: Config) -> Path:
    """The project's templates folder, a link to the repository's, replaced by a copy to change."""
    templates = config.path.parent / "templates"
    templates.unlink()
    shutil.copytree(REPO / "templates", templates)
    return templates


def test_the_preview_plans_the_site_again_only_when_an_article_moves(tmp_path, monkeypatch):
    config, memory, planned = project_config(tmp_path), BuildMemory(), []
    monkeypatch.setattr(replan, "plan_site", lambda *args: planned.append(args) or plan_site(*args))
    build_site(config, memory=memory)
    path = config.dir("content") / "english.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    report = build_site(config, memory=memory)
    assert len(planned) == 1 and report.written == 4  # as from the command line (above)
    apply(("tags", 1, ["经济"]), config.dir("content"))  # english.md: its tag pages and related articles change
    build_site(config, memory=memory)
    assert len(planned) == 2
    assert snapshot(config.dir("site")) == clean_full_build(config, tmp_path / "full")


def test_a_build_in_a_new_process_starts_from_the_saved_plan(tmp_path, monkeypatch):
    """As the preview does from the plan it keeps: an edit moving no article plans nothing anew."""
    config, planned = project_config(tmp_path), []
    monkeypatch.setattr(replan, "plan_site", lambda *args: planned.append(args) or plan_site(*args))
    build_site(config)
    path = config.dir("content") / "english.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n又写了一句话。\n", encoding="utf-8")
    assert build_site(config).written > 0 and len(planned) == 1
    apply(("date", 1, dt.date(2020, 1, 1)), config.dir("content"))  # english.md moves: planned, and saved
    build_site(config)
    apply(("title", 1, "又一个标题"), config.dir("content"))
    build_site(config)
    assert len(planned) == 2
    assert snapshot(config.dir("site")) == clean_full_build(config, tmp_path / "full")


@pytest.mark.parametrize("remember", [False, True], ids=["command-line", "preview"])
def test_a_file_put_back_as_it_was_is_read_again(tmp_path, remember):
    """Its body left the cache with the edit, though the saved or kept plan still holds the article."""
    config, memory = project_config(tmp_path), BuildMemory() if remember else None
    build_site(config, memory=memory)
    path = config.dir("content") / "english.md"
    original = path.read_bytes()
    path.write_bytes(original + "\n又写了一句话。\n".encode())
    build_site(config, memory=memory)
    path.write_bytes(original)
    build_site(config, memory=memory)
    assert snapshot(config.dir("site")) == clean_full_build(config, tmp_path / "full")


def test_a_plan_many_edits_away_from_the_saved_one_is_saved_in_its_place(tmp_path, monkeypatch):
    config = project_config(tmp_path)
    monkeypatch.setattr(render, "RESAVE_AFTER", 2)
    key = render.build_key(config, False)
    build_site(config)
    apply(("title", 1, "一个新标题"), config.dir("content"))
    build_site(config)
    assert "一个新标题" not in {article.title for article in cache.BuildCache(config.dir("cache")).plan(key).articles.values()}
    apply(("title", 2, "另一个新标题"), config.dir("content"))  # two articles from the saved plan now
    build_site(config)
    saved = cache.BuildCache(config.dir("cache")).plan(key)
    assert {"一个新标题", "另一个新标题"} <= {article.title for article in saved.articles.values()}
    apply(("body", 3, "乡村振兴的新路子。"), config.dir("content"))
    build_site(config)
    assert snapshot(config.dir("site")) == clean_full_build(config, tmp_path / "full")


@pytest.mark.parametrize("spoil", [lambda path: path.write_bytes(b"not a pickle"),
                                   lambda path: path.write_bytes(path.read_bytes()[:-100]),
                                   lambda path: path.unlink()])
def test_a_saved_plan_that_cannot_be_read_only_means_planning_anew(tmp_path, spoil):
    config = project_config(tmp_path)
    build_site(config)
    spoil(config.dir("cache") / cache.PLAN_FILE)
    apply(("body", 1, "乡村振兴的新路子。"), config.dir("content"))
    build_site(config)
    assert snapshot(config.dir("site")) == clean_full_build(config, tmp_path / "full")


def test_a_plan_is_given_only_to_a_build_under_its_key(tmp_path):
    saved = cache.BuildCache(tmp_path)
    saved.save_plan("one key", {"pages": [1, 2, 3]})
    assert saved.plan("one key") == {"pages": [1, 2, 3]} and saved.plan("another key") is None


def test_a_title_edit_remakes_the_pages_that_list_it(tmp_path):
    config = project_config(tmp_path)
    before, report, changed = edit_and_build(config, lambda text: text.replace("title: ", "title: Edited ", 1))
    listing = {name for name, data in before.items() if name.endswith(".html") and
               not name.startswith(("articles/", "zh-hant/articles/")) and b'/articles/english/"' in data}
    assert {"archive/index.html", "tags/she-hui/index.html", "zh-hant/archive/index.html"} <= listing <= set(changed)
    assert set(pages_linking(before, "english")) <= set(changed)  # they show its title
    assert report.written == len(changed) <= report.rendered < report.pages / 2
    assert snapshot(config.dir("site")) == clean_full_build(config, tmp_path / "full")


def test_a_template_showing_bodies_in_lists_is_remade_when_a_body_changes(tmp_path):
    """The fingerprint of a list page holds the articles' bodies once its template names one,
    here through a macro file it imports."""
    config = project_config(tmp_path)
    templates = copied_templates(config)
    macros = templates / "macros.html"
    macros.write_text(macros.read_text(encoding="utf-8")
                      + "{% macro body_of(article) %}{{ article.body_html|safe }}{% endmacro %}\n", encoding="utf-8")
    listing = templates / "list.html"
    head, main_end = listing.read_text(encoding="utf-8").rsplit("{% endblock %}", 1)
    listing.write_text(head.replace('{% from "macros.html" import ', '{% from "macros.html" import body_of, ', 1)
                       + "{% for entry in entries %}{{ body_of(entry.article) }}{% endfor %}{% endblock %}"
                       + main_end, encoding="utf-8")
    build_site(config)
    path = config.dir("content") / "english.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA sentence only the body has.\n", encoding="utf-8")
    build_site(config)
    assert "A sentence only the body has." in (config.dir("site") / "tags/she-hui/index.html").read_text(encoding="utf-8")
    assert snapshot(config.dir("site")) == clean_full_build(config, tmp_path / "full")


def test_a_template_or_setting_change_rebuilds_everything(tmp_path):
    config = project_config(tmp_path)
    build_site(config)
    retitled = config.with_overrides(title="另一个文摘")
    report = build_site(retitled)
    assert report.rendered == report.files
    assert snapshot(retitled.dir("site")) == clean_full_build(retitled, tmp_path / "full")


def test_parallel_and_single_process_builds_are_byte_identical(tmp_path):
    config = project_config(tmp_path)  # search off: the pages are what this compares
    write_content_corpus(config.dir("content"), 150)  # enough for worker processes to be used
    assert clean_full_build(config, tmp_path / "parallel", jobs=2) == clean_full_build(config, tmp_path / "serial")


def test_a_file_saved_twice_within_the_clock_tick_is_read_again(tmp_path):
    config = project_config(tmp_path)
    path = config.dir("content") / "english.md"
    path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")  # saved just now
    build_site(config)
    stat = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("Plain", "Plain"[::-1]), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same time: only the bytes tell
    build_site(config)
    assert "nialP" in (config.dir("site") / "articles/english/index.html").read_text(encoding="utf-8")


def build_in_new_process(config: Config, jobs: int | None = None) -> tuple[int, bool]:
    """Build `config` (its file, with this module's overrides) in a new Python process: (files
    rendered, whether pypinyin was loaded there)."""
    script = ("import sys; from digest.config import load_config; from digest.render import build_site; "
              f"config = load_config({str(config.path)!r}).with_overrides(editions={TWO_EDITIONS!r}, search=False); "
              f"print(build_site(config, jobs={jobs!r}).rendered, 'pypinyin' in sys.modules)")
    rendered, loaded = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True,
                                      check=True).stdout.split()
    return int(rendered), loaded == "True"


def test_a_build_whose_tags_sources_and_headings_are_known_does_not_load_pypinyin(tmp_path):
    """Slugs come from the cache: pypinyin's dictionaries (half a second) are loaded for new text only."""
    config = project_config(tmp_path)
    build_site(config)
    path = config.dir("content") / "wu-lai-yuan.md"  # its headings 一 and 二 have slugs too
    path.write_text(path.read_text(encoding="utf-8") + "\n又写了一句。\n", encoding="utf-8")
    rendered, loaded = build_in_new_process(config)
    assert rendered > 0 and not loaded
    path.write_text(path.read_text(encoding="utf-8") + "\n## 三\n", encoding="utf-8")
    assert build_in_new_process(config)[1]
    assert '<h2 id="san">三</h2>' in (config.dir("site") / "articles/wu-lai-yuan/index.html").read_text(encoding="utf-8")
    assert snapshot(config.dir("site")) == clean_full_build(config, tmp_path / "full")


def test_slugs_made_by_reading_workers_are_the_builds_and_pypinyin_stays_out_of_the_planner(tmp_path):
    """Workers reading the articles make the slugs of their headings, tags and sources (the unknown
    source's too): the process planning the site never loads pypinyin, whose 57 MB its rendering
    workers would inherit, and the slugs are kept for the builds after."""
    config = project_config(tmp_path)
    write_content_corpus(config.dir("content"), 150)  # enough for worker processes to be used
    assert build_in_new_process(config, jobs=2) == (len(snapshot(config.dir("site"))), False)
    newest = sorted(config.dir("content").glob("article-*.md"))[-1]
    newest.write_text(newest.read_text(encoding="utf-8") + "\n又写了一句。\n", encoding="utf-8")
    rendered, loaded = build_in_new_process(config, jobs=2)
    assert rendered > 0 and not loaded
    assert snapshot(config.dir("site")) == clean_full_build(config, tmp_path / "full")


def test_a_build_failing_while_reading_leaves_no_unrecorded_body_in_the_cache(tmp_path, monkeypatch):
    config = project_config(tmp_path)
    build_site(config)
    monkeypatch.setattr(content, "BODY_BATCH", 1)  # each body saved as soon as it is read
    (config.dir("content") / "a-new.md").write_text("---\ntitle: 新文章\n---\n正文。\n", encoding="utf-8")
    (config.dir("content") / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    with pytest.raises(DigestError, match="broken.md"):
        build_site(config)
    with closing(sqlite3.connect(config.dir("cache") / "build.sqlite")) as db:
        recorded = {digest for digest, in db.execute("SELECT digest FROM sources")}
        assert {digest for digest, in db.execute("SELECT digest FROM bodies")} <= recorded


def test_the_preview_hands_many_changes_to_worker_processes_like_the_command_line(tmp_path):
    config, memory = project_config(tmp_path), BuildMemory()
    build_site(config, memory=memory)  # its renderer is kept, loaded, for the next build
    write_content_corpus(config.dir("content"), 150)
    build_site(config, memory=memory, jobs=2)
    assert snapshot(config.dir("site")) == clean_full_build(config, tmp_path / "full")
