"""The real-page corpus (tests/realworld/) is well-formed and reserves no held-out page, and the cleaning
scorer (bench/cleaning.py) scores ingest's real output by the stated rules. No accuracy threshold is
asserted here: the figures are bench/RESULTS.md's business (make cleaning-score)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bench.cleaning import (FIELDS, Output, load_corpus, norm, run_ingest, score_page, score_parts, summarise,
                            write_results)
from bench.sections import CLEANING_HEADING, section_of
from digest.script import to_target_script

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "realworld"
# CI runs with a copy of shared/ beside the clone; NOT_HOLDOUT names the tool where it lives elsewhere.
NOT_HOLDOUT = Path(os.environ.get("NOT_HOLDOUT", REPO.parent / "shared" / "tools" / "not-holdout"))
ANNOTATIONS = yaml.safe_load((CORPUS / "annotations.yaml").read_text(encoding="utf-8"))
PAGES = load_corpus()
PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,30}\)")
EDGE_PUNCTUATION = re.compile(r"^[\W_]|[\W_]$")
HAN = re.compile(r"[\u4e00-\u9fff]")


def page_text(page: dict) -> str:
    return (CORPUS / "pages" / f"{page['id']}.txt").read_bytes().decode("utf-8")


def simplified(text: str) -> str:
    return to_target_script(text, "t2s")


def test_corpus_is_big_enough_and_spread_over_sites():
    parts = Counter(page["part"] for page in PAGES)
    assert len(PAGES) >= 130 and parts["test"] >= 45 and parts["dev"] >= 85, parts
    assert set(parts) == {"test", "dev"}
    per_site = Counter(page["site"] for page in PAGES)
    assert max(per_site.values()) <= 6, per_site.most_common(3)
    assert len(per_site) >= 60


def test_every_page_has_one_annotation_and_one_seed_file():
    ids = [page["id"] for page in PAGES]
    assert len(ids) == len(set(ids))
    assert len({page["url"] for page in PAGES}) == len(PAGES)
    files = {path.stem for path in (CORPUS / "pages").iterdir()}
    assert files == set(ids)
    for page in PAGES:
        assert page["url"] not in page_text(page)  # the URL is recorded in the annotations only


def test_annotations_use_the_declared_kinds_and_forms():
    site_kinds, noise_kinds = set(ANNOTATIONS["site_kinds"]), set(ANNOTATIONS["noise_kinds"])
    for page in PAGES:
        where = page["id"]
        assert page["kind"] in site_kinds, where
        assert set(page["noise"]) <= noise_kinds, where
        assert all(page["noise"].values()), where
        assert page["date"] is None or dt.date.fromisoformat(page["date"]), where
        assert isinstance(page["authors"], list) and isinstance(page["tags"], list), where
        for value in (page["title"], page["source"], *page["authors"], *page["tags"]):
            assert value is None or (value.strip() and simplified(value) == value), (where, value)


def test_keep_phrases_are_simplified_han_text_found_in_the_page():
    for page in PAGES:
        plain = norm(PINYIN.sub("", page_text(page)))
        assert len(page["keep"]) == 3 and len(set(page["keep"])) == 3, page["id"]
        for phrase in page["keep"]:
            assert 8 <= len(phrase) <= 20 and not EDGE_PUNCTUATION.search(phrase), (page["id"], phrase)
            assert len(HAN.findall(phrase)) >= len(phrase) / 2, (page["id"], phrase)
            assert simplified(phrase) == phrase and norm(phrase) in plain, (page["id"], phrase)


def test_noise_strings_are_found_in_the_page():
    for page in PAGES:
        text = page_text(page)
        forms = (norm(text), norm(PINYIN.sub("", text)))
        for strings in page["noise"].values():
            for noise in strings:
                assert any(norm(noise) in form for form in forms), (page["id"], noise)


def test_test_part_covers_every_kind_of_site_and_the_common_noise():
    test = [page for page in PAGES if page["part"] == "test"]
    assert {page["kind"] for page in test} == {page["kind"] for page in PAGES}
    noise = {kind for page in test for kind in page["noise"]}
    assert {"pinyin", "mojibake", "spam", "academic-meta", "widget", "meta-line", "breadcrumb"} <= noise
    assert any(page["title"] is None for page in test)


@pytest.mark.skipif(not NOT_HOLDOUT.exists(), reason=f"{NOT_HOLDOUT} is absent: no shared/ folder beside the clone")
def test_no_page_is_reserved_for_the_independent_evaluation():
    urls = "\n".join(page["url"] for page in PAGES) + "\n"
    result = subprocess.run([sys.executable, str(NOT_HOLDOUT)], input=urls, capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout, result.stdout


def perfect_output(page: dict) -> Output:
    """A content file that says exactly what the editor said, its body only the kept phrases."""
    meta = {"title": page["title"] or "猜测的标题", "date": page["date"], "authors": page["authors"],
            "source": page["source"], "source_url": page.get("source_url"), "tags": [*page["tags"], "基层党建"],
            "review": [] if page["title"] else ["标题：原文没有标题行，已用首句推测，请核对"]}
    return Output(meta, "\n\n".join(page["keep"]) + "\n")


def test_a_perfect_output_gets_every_fact_and_a_missing_one_none():
    for page in PAGES[:20]:
        assert not score_page(page, perfect_output(page)).wrong, page["id"]
        assert score_page(page, None).right == 0
    summary = summarise([score_page(PAGES[0], perfect_output(PAGES[0])), score_page(PAGES[1], None)])
    assert summary["facts"] == len(FIELDS) and summary["fully_right"] == 1 and summary["vanished"] == [PAGES[1]["id"]]


def test_each_fact_is_compared_by_the_stated_rule():
    page = next(p for p in PAGES if p["title"] and p["authors"] and p["tags"]
                and re.search(r"[!-/:-@]", next(iter(p["noise"].values()), [""])[0]))
    output = perfect_output(page)
    output.meta["title"] = to_target_script(page["title"], "s2t") + " "  # script and whitespace do not count
    output.meta["authors"] = list(reversed(page["authors"]))  # a set
    assert not score_page(page, output).wrong
    kind, strings = next(iter(page["noise"].items()))
    escaped = re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", strings[0])  # as Markdown escapes ASCII punctuation
    noisy = Output(dict(output.meta, date="1999-01-01", tags=page["tags"][1:], review=["标题：猜的"]),
                   output.body.replace(page["keep"][0], "") + "\n\n" + escaped + "\n")
    score = score_page(page, noisy)
    assert set(score.wrong) == {"date", "tags", "body kept", "noise dropped"}  # escaped noise is still noise
    assert score.lost == [page["keep"][0]] and score.noise_left == [(kind, strings[0])]
    untitled = next(p for p in PAGES if p["title"] is None)
    guessed = perfect_output(untitled)
    assert not score_page(untitled, guessed).wrong
    guessed.meta["review"] = []  # a guessed title nobody is told about is a wrong title
    assert set(score_page(untitled, guessed).wrong) == {"title"}


def annotated_as_made(page: dict, output: Output) -> dict:
    """The page annotated with what ingest made of it: every fact as in its content file, three
    phrases of its body to keep, no noise."""
    meta = output.meta
    text = re.sub(r"\s+", "", output.body)  # as the scorer compares: whitespace left out
    assert len(text) >= 36, output.body
    return dict(page, title=meta["title"], date=str(meta["date"]) if meta.get("date") else None,
                authors=list(meta.get("authors") or []), source=meta.get("source"),
                source_url=meta.get("source_url") or None, tags=list(meta.get("tags") or []),
                keep=[text[start:start + 12] for start in (0, len(text) // 2, len(text) - 12)], noise={})


def test_the_scorer_runs_ingest_on_pages_end_to_end(tmp_path):
    """Three dev pages, annotated with what an ingest made of them, then scored by the scorer's own
    ingest: the unchanged annotation is fully right, and the facts changed in the others are the
    ones, and the only ones, found wrong."""
    chosen = [dict(page, part="dev") for page in PAGES if page["part"] == "dev"][:3]
    made = run_ingest(chosen, tmp_path / "first")
    assert sorted(made) == [page["id"] for page in chosen]  # every page matched to its content file
    unchanged, redated, noisy = (annotated_as_made(page, made[page["id"]]) for page in chosen)
    redated["date"] = "1999-01-01"
    noisy["noise"] = {"spam": [noisy["keep"][0]]}  # a phrase of its body named as noise: left in
    noisy["keep"] = [*noisy["keep"][1:], "这句话不在任何一页里"]
    corpus = tmp_path / "corpus"
    (corpus / "pages").mkdir(parents=True)
    for page in chosen:
        shutil.copy(CORPUS / "pages" / f"{page['id']}.txt", corpus / "pages")
    (corpus / "annotations.yaml").write_text(yaml.safe_dump({"pages": [unchanged, redated, noisy]}, allow_unicode=True),
                                             encoding="utf-8")
    scores = score_parts(["dev"], corpus)["dev"]
    assert [score.page["id"] for score in scores] == [page["id"] for page in chosen]
    assert [sorted(score.wrong) for score in scores] == [[], ["date"], ["body kept", "noise dropped"]]
    assert scores[1].wrong["date"] == repr(made[chosen[1]["id"]].meta["date"])
    assert scores[2].lost == ["这句话不在任何一页里"] and scores[2].noise_left == [("spam", noisy["noise"]["spam"][0])]


def test_results_replace_only_their_own_section(tmp_path):
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\n## Builds\n\nfast\n\n## How it is measured\n\ncarefully\n", encoding="utf-8")
    write_results(["| a | b |"], "make cleaning-score", results)
    write_results(["| c | d |"], "make cleaning-score", results)
    text = results.read_text(encoding="utf-8")
    assert text.count(CLEANING_HEADING) == 1 and "| c | d |" in text and "| a | b |" not in text
    assert "## Builds\n\nfast\n" in text and "## How it is measured\n\ncarefully\n" in text
    assert "| c | d |" in section_of(text, CLEANING_HEADING)
    assert unicodedata.is_normalized("NFC", text)
