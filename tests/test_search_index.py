"""Site search: the fold, each article's own text, the index built with the site read back by a
Python twin of static/search-core.js and compared with a brute-force scan, the search page, and
`search: false`. The browser side is tests/browser/test_search.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, built, make_project, snapshot
from digest import search_index
from digest.search_encode import fold_all
from digest.config import load_config
from digest.errors import DigestError
from digest.links import check_links
from digest.render import build_site
from digest.search import FOLD_FILE, fold, fold_classes, fold_table_json, query_terms
from search_reader import IndexReader, OwnText, scan, shown_texts
from test_build import html_files

TWO_EDITIONS = [{"lang": "zh-Hans", "path": "", "convert": None},
                {"lang": "zh-Hant", "path": "zh-hant/", "convert": "s2twp"}]
SEARCH_FILES = ("search/index.html", "search/fold.json", "static/search.js", "static/search-core.js",
                "search/index/docs.json")


# ------------------------------------------------------------------ folding --------------

def test_the_fold_table_is_the_one_opencc_makes():
    assert FOLD_FILE.read_bytes() == fold_table_json(fold_classes())


def test_folding_joins_scripts_widths_and_cases_and_drops_whitespace_inside_chinese():
    assert fold("黨組織") == fold("党组织") == "党组织"
    assert fold("隨著") == fold("随着")  # 著 and 着: one class, though t2s leaves 著 alone
    assert fold("ＧＤＰ 增長") == fold("GDP增长") == "gdp增长"
    assert fold("党建 \u3000工作") == "党建工作"
    assert fold("Hello \n World") == "hello world"
    assert fold(" a\x00b ") == "ab"
    assert query_terms("黨建　网格 党建 ") == ["党建", "网格"]


@given(st.lists(st.text(alphabet="党黨組a B１Ｚ 　\t\n\x00\x01x9,。𠮷\u2003", max_size=12), min_size=1, max_size=6))
def test_the_index_folds_as_the_query_does(texts):
    """The build folds all segments at once with numpy; a query is folded by `fold` (and the browser's twin)."""
    points, offsets = fold_all(texts)
    assert ["".join(map(chr, points[offsets[i]:offsets[i + 1]])) for i in range(len(texts))] == list(map(fold, texts))


# ------------------------------------------------------------------ the contract ---------

HAN = "党黨组組织織网網格建设設發发展着著里裡干乾幹创建鼠标軟件软"
ALPHABET = HAN + "aBｃＤ１2 　，。𠮷"
text_of = st.text(alphabet=ALPHABET, min_size=1, max_size=40)


def write_articles(content: Path, articles: list[dict]) -> None:
    for path in content.glob("*.md"):
        path.unlink()
    for number, article in enumerate(articles):
        front = {"title": article["title"], "date": f"2024-01-{number % 28 + 1:02d}", "tags": article["tags"],
                 "source": article["source"], "authors": article["authors"]}
        body = "\n\n".join(article["paragraphs"])
        (content / f"a{number:02d}.md").write_text(
            "---\n" + json.dumps(front, ensure_ascii=False) + "\n---\n" + body + "\n", encoding="utf-8")


articles_of = st.lists(st.fixed_dictionaries({
    "title": text_of.filter(lambda text: text.strip(" 　")),
    "paragraphs": st.lists(text_of, min_size=1, max_size=4),
    "tags": st.lists(st.sampled_from(["党建", "網格", "GDP"]), max_size=2, unique=True),
    "source": st.sampled_from(["人民网", "新華社", "Example"]),
    "authors": st.lists(st.sampled_from(["王伟", "李娜", "Ｚhang"]), max_size=2, unique=True),
}), min_size=1, max_size=8)


def queries_for(data, texts: list[str]) -> list[str]:
    """Substrings of 1-6 characters of the texts, some converted to Traditional, pairs of them,
    and strings occurring nowhere."""
    from digest.script import to_target_script

    queries = []
    for _ in range(25):
        text = data.draw(st.sampled_from(texts))
        start = data.draw(st.integers(0, max(0, len(text) - 1)))
        query = text[start:start + data.draw(st.integers(1, 6))]
        if data.draw(st.booleans()):
            query = to_target_script(query, "s2t")
        queries.append(query)
    queries += [f"{one} {two}" for one, two in zip(queries[::2], queries[1::2])]
    return queries + ["乾坤", "zz", data.draw(text_of)]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(articles=articles_of, data=st.data())
def test_the_index_finds_exactly_what_a_brute_force_scan_finds(tmp_path_factory, articles, data):
    folder = tmp_path_factory.mktemp("oracle")
    config = load_config(make_project(folder) / "config.yaml").with_overrides(editions=TWO_EDITIONS)
    write_articles(config.dir("content"), articles)
    build_site(config)
    site = config.dir("site")
    reader = IndexReader(site / "search/index")
    ranks = dict(reader.articles)
    for number, edition in enumerate(("", "zh-hant")):
        texts = shown_texts(site, edition)
        queries = queries_for(data, [text for segments in texts.values() for _, text in segments])
        for query in queries:
            assert reader.search(query, number) == scan(texts, ranks, query), (edition, query)


@pytest.fixture(scope="module")
def repetitive_site(tmp_path_factory) -> Path:
    """40 articles, each with 党建 60 times: the positions of a frequent bigram are many."""
    folder = tmp_path_factory.mktemp("repetitive")
    config = load_config(make_project(folder) / "config.yaml").with_overrides(editions=TWO_EDITIONS)
    write_articles(config.dir("content"), [
        {"title": f"第{number}篇", "paragraphs": ["加强党建工作，" * 30, f"基层党建{number}，" * 30], "tags": [],
         "source": "人民网", "authors": []} for number in range(40)])
    build_site(config)
    return config.dir("site")


def test_a_term_of_two_characters_needs_its_counts_not_its_positions(repetitive_site):
    reader = IndexReader(repetitive_site / "search/index")
    assert len(reader.search("党建", 0)) == 40
    fetched = sum((repetitive_site / "search/index" / name).stat().st_size for name in reader.read)
    assert fetched < 40 * 60  # less than a byte an occurrence: no positions
    assert len(reader.search("党建工", 1)) == 40  # a longer term does need them, and finds the same


def test_what_the_search_page_loads_first_is_a_byte_or_two_an_article(repetitive_site):
    """docs.json and ranks.bin: no slugs (fetched by shard for the results shown)."""
    first = sum((repetitive_site / "search/index" / name).stat().st_size for name in ("docs.json", "ranks.bin"))
    assert first < 2 * 40 + 100
    assert json.loads((repetitive_site / "search/index/shard-0.json").read_bytes())[:2] == ["a00", "a01"]


# ------------------------------------------------------------------ the seed articles ----

@pytest.fixture(scope="module")
def seed_site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("seeds")
    shutil.copy(REPO / "config.yaml", folder / "config.yaml")
    shutil.copytree(REPO / "content", folder / "content")
    for name in ("templates", "static"):
        (folder / name).symlink_to(REPO / name)
    config = load_config(folder / "config.yaml")
    build_site(config)
    return config.dir("site")


@pytest.mark.parametrize("edition", [0, 1])
def test_the_seed_queries_find_every_article_containing_them_and_no_other(seed_site, edition):
    reader = IndexReader(seed_site / "search/index")
    assert len(reader.search("党支部", edition)) == 4
    assert len(reader.search("网格", edition)) == len(reader.search("網格", edition)) == 1
    texts = shown_texts(seed_site, ["", "zh-hant"][edition])
    assert sum("党支部" in fold(text) for segments in texts.values() for _, text in segments) >= 4


def test_the_search_texts_are_the_own_text_the_article_pages_show(seed_site):
    for edition in ("", "zh-hant/"):
        texts = shown_texts(seed_site, edition)
        assert len(texts) == 5
        for slug, segments in texts.items():
            page = (seed_site / edition / "articles" / slug / "index.html").read_text(encoding="utf-8")
            shown = OwnText(page).segments
            assert [text for kind, text in segments if kind != 2] == [text for kind, text in shown if kind != 2]
            assert {text for kind, text in segments if kind == 2} <= {part for kind, text in shown if kind == 2
                                                                      for part in [text, *text.split()]}


# ------------------------------------------------------------------ the built index ------

def test_the_index_is_the_same_from_build_to_build(tmp_path):
    one = built(tmp_path / "one")
    two = built(tmp_path / "two")
    assert snapshot(one.dir("site") / "search") == snapshot(two.dir("site") / "search")


def test_an_edit_encodes_one_shard_again(tmp_path, monkeypatch):
    config = load_config(make_project(tmp_path) / "config.yaml")
    monkeypatch.setattr(search_index, "SHARD_ARTICLES", 2)  # six articles: four shards
    monkeypatch.setattr(search_index, "MIN_BUCKETS", 256)
    build_site(config)
    encoded = []
    original = search_index.encode_shard
    monkeypatch.setattr(search_index, "encode_shard", lambda *args: encoded.append(args) or original(*args))
    index = config.dir("site") / "search/index"
    inodes = {path.name: path.stat().st_ino for path in index.glob("*.bin")}
    path = config.dir("content") / "english.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n新加的一句话。\n", encoding="utf-8")
    build_site(config)
    assert len(encoded) == 1 and len(encoded[0][0]) <= 2  # the one shard of english.md
    rewritten = [name for name, inode in inodes.items() if (index / name).stat().st_ino != inode]
    assert 0 < len(rewritten) < len(inodes) // 2  # only the bucket files of the n-grams that changed
    reader = IndexReader(config.dir("site") / "search/index")
    assert reader.search("新加的一句", 0) == ["english"]


def test_the_search_page_finds_its_index_under_the_sub_path(sub_path_site):
    text = (sub_path_site.dir("site") / "search/index.html").read_text(encoding="utf-8")
    assert 'data-index-url="/digest/search/index/docs.json" data-fold-url="/digest/search/fold.json"' in text
    assert 'data-text-pattern="/digest/search/text/{slug}.json"' in text
    assert 'data-article-pattern="/digest/articles/{slug}/"' in text
    assert '<script type="module" src="/digest/static/search.js"></script>' in text
    assert '<option value="经济">经济（' in text  # the tag filter, from the site's tags
    assert "搜索需要浏览器运行 JavaScript" in text


def test_every_page_has_a_search_box_that_gets_the_search_page(sub_path_site):
    for path in html_files(sub_path_site.dir("site")):
        text = path.read_text(encoding="utf-8")
        assert '<form class="site-search" role="search" action="/digest/search/" method="get">' in text, path


@pytest.mark.parametrize("fixture", ["root_site", "sub_path_site"])
def test_the_search_page_passes_the_link_checker(fixture, request):
    config = request.getfixturevalue(fixture)
    assert check_links(config.dir("site"), config["base_url"]) == []


def test_search_false_leaves_out_index_page_box_and_script(tmp_path):
    config = load_config(make_project(tmp_path) / "config.yaml").with_overrides(search=False)
    report = build_site(config)
    site = config.dir("site")
    assert report.indexed is None
    assert [path for path in SEARCH_FILES if (site / path).exists()] == []
    assert not (site / "search").exists()
    assert not any("site-search" in path.read_text(encoding="utf-8") for path in html_files(site))


def test_a_site_without_articles_has_nothing_to_search(tmp_path):
    config = load_config(make_project(tmp_path) / "config.yaml")
    for path in config.dir("content").glob("*.md"):
        path.unlink()
    report = build_site(config, allow_empty=True)
    assert (report.articles, report.indexed) == (0, None)
    assert [path for path in SEARCH_FILES if (config.dir("site") / path).exists()] == []


@pytest.mark.parametrize("incremental", [False, True])
def test_a_failing_index_leaves_the_old_site(tmp_path, monkeypatch, incremental):
    config = built(tmp_path)
    before = snapshot(config.dir("site"))

    def fail(*args, **kwargs):
        raise DigestError("search index: boom")

    monkeypatch.setattr(search_index, "encode_shard", fail)
    if not incremental:
        shutil.rmtree(config.dir("cache"))
    (config.dir("content") / "english.md").unlink()
    with pytest.raises(DigestError, match="boom"):
        build_site(config)
    assert snapshot(config.dir("site")) == before
