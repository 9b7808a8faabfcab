"""A merged repost's listing follows it (issue 23, point 5), through the command line in a temporary
project: its `also_published` entry follows its seed and the config's source_names on the next
ingest, and rejecting it removes it (and its review note) from the article, an edited article
being saved first."""

from __future__ import annotations

import re
from pathlib import Path

from digest.intake.articles import is_edited
from digest.schema import read_document
from tests.test_ingest import ROOT, make_project
from conftest import cli_output
from tests.test_intake import articles, edit, record, repost_pair

REAL_PAGES = sorted((ROOT / "tests" / "realworld" / "pages").glob("*.txt"))


def merged_pair(tmp_path: Path, capsys) -> tuple[Path, Path]:
    project = repost_pair(tmp_path)
    assert cli_output(project, capsys, "ingest")[0] == 0
    (path,) = (project / "content").glob("*.md")
    assert [p.source for p in read_document(path)[0].also_published] == ["福建观察"]
    return project, path


def notes_of(path: Path, seed: str) -> list[str]:
    return [note for note in read_document(path)[0].review if seed in note]


def test_rejecting_a_merged_repost_removes_it_and_its_note_from_the_article(tmp_path, capsys):
    project, path = merged_pair(tmp_path, capsys)
    status, out = cli_output(project, capsys, "reject", "b.txt")
    assert status == 0 and f"no longer listed in content/{path.name}'s also_published" in out
    meta = read_document(path)[0]
    assert meta.also_published == [] and notes_of(path, "b.txt") == [] and meta.review  # the other notes stay
    assert not is_edited(path) and record(project)["b.txt"]["decision"] == "rejected"
    before = path.read_text(encoding="utf-8")
    out = cli_output(project, capsys, "ingest", "-v")[1]
    assert re.search(r"rejected\s+b\.txt", out) and path.read_text(encoding="utf-8") == before
    assert list(articles(project)) == ["a.txt"]


def test_rejecting_a_repost_merged_into_an_edited_article_saves_the_edit_first(tmp_path, capsys):
    project, path = merged_pair(tmp_path, capsys)
    edited = edit(path)
    out = cli_output(project, capsys, "reject", "b.txt")[1]
    (backup,) = (project / "content" / ".replaced").glob("*.md")
    assert backup.read_text(encoding="utf-8") == edited and f"saved as content/.replaced/{backup.name}" in out
    meta, body, _ = read_document(path)
    assert meta.also_published == [] and notes_of(path, "b.txt") == [] and meta.draft
    assert body == edited.split("\n---\n", 1)[1] and is_edited(path)


def test_a_merged_repost_follows_its_changed_seed(tmp_path, capsys):
    """Only the date changed: the same source and address, so before it was taken for a
    duplicate of itself and the article kept the old date."""
    project, path = merged_pair(tmp_path, capsys)
    seed = project / "seeds" / "b.txt"
    old_date = read_document(path)[0].also_published[0].date
    text = re.sub(r"发布时间：\d{4}年\d\d月\d\d日", "发布时间：2009年03月04日", seed.read_text(encoding="utf-8"))
    seed.write_text(text, encoding="utf-8")
    status, out = cli_output(project, capsys, "ingest")
    assert status == 0 and re.search(rf"merged\s+b\.txt -> content/{path.name}", out)
    (listed,) = read_document(path)[0].also_published
    assert str(listed.date) == "2009-03-04" != str(old_date) and record(project)["b.txt"]["decision"] == "merged"
    assert len(notes_of(path, "b.txt")) == 1


def test_a_merged_repost_follows_a_source_names_change_in_an_edited_article(tmp_path, capsys):
    project, path = merged_pair(tmp_path, capsys)
    edited = edit(path)
    config = project / "config.yaml"
    named = config.read_text(encoding="utf-8").replace("  source_names:\n", "  source_names:\n    福建观察: 福建日报\n")
    config.write_text(named, encoding="utf-8")
    status, out = cli_output(project, capsys, "ingest")
    assert status == 0 and re.search(rf"updated\s+b\.txt -> content/{path.name} \(its also_published entry: source\)", out)
    meta, body, _ = read_document(path)
    assert [(p.source, p.url) for p in meta.also_published] == [("福建日报", "https://b.example.cn/2.html")]
    assert [note for note in meta.review if "b.txt" in note and "福建日报" in note] == notes_of(path, "b.txt") != []
    assert record(project)["b.txt"]["published"]["source"] == "福建日报" and body == edited.split("\n---\n", 1)[1]
    (backup,) = (project / "content" / ".replaced").glob("*.md")
    assert backup.read_text(encoding="utf-8") == edited and f"is saved as content/.replaced/{backup.name}" in out
    assert cli_output(project, capsys, "ingest")[1].strip().endswith("1 kept (edited), 1 merged")  # said once


def test_restoring_a_merged_repost_removes_its_note_from_an_edited_article(tmp_path, capsys):
    project, path = merged_pair(tmp_path, capsys)
    edit(path)
    status, out = cli_output(project, capsys, "ingest", "--restore", "b.txt")
    assert status == 0 and re.search(r"created\s+b\.txt -> content/\S+-2\.md", out)
    assert read_document(path)[0].also_published == [] and notes_of(path, "b.txt") == []


def test_real_reposts_are_merged_and_no_other_real_page_is(tmp_path, capsys):
    """The 149 real pages: rw094 (金羊网) reposts rw092's story with a few sentences of its own,
    rw064 (81.cn) is rw062's text under the same source, rw044 is the same forum thread as rw020
    (tid 4025259) on a mirror forum, which once its anti-copy watermark lines are dropped is the
    same text; every other page is a story of its own."""
    project = make_project(tmp_path / "p", REAL_PAGES)
    assert cli_output(project, capsys, "ingest")[0] == 0
    entries = record(project)
    assert {seed: entry["decision"] for seed, entry in entries.items() if entry["decision"] != "ingested"} == {
        "rw044.txt": "duplicate", "rw064.txt": "duplicate", "rw094.txt": "merged"}
    assert entries["rw044.txt"]["article"] == entries["rw020.txt"]["article"]
    assert entries["rw064.txt"]["article"] == entries["rw062.txt"]["article"]
    assert entries["rw094.txt"]["article"] == entries["rw092.txt"]["article"]
    assert entries["rw094.txt"]["published"]["source"] == "金羊网"
    assert len(articles(project)) == len(REAL_PAGES) - 3


# ------------------------------------------------------------------ the index, against a brute-force oracle

from hypothesis import HealthCheck, example, given, settings, strategies as st  # noqa: E402

from tests.test_intake import pool  # noqa: E402,F401  (the fixture: sentences of the shipped seeds)


def brute_force_match(text: str, added: list[tuple[str, str]], threshold: float):
    """What the index must answer, found the slow way: the first article of the same reduced text,
    else, among every article sharing a band (4 MinHash values compared as they are) and estimated
    within LOOSER of the threshold, the one whose sample shares the most (ties: the first slug)."""
    from digest.intake.duplicates import BANDS, ROWS, DuplicateIndex, signature

    same = [slug for slug, other in added if other == text]
    if same:
        return same[0], 1.0, True
    mine = signature(text)
    scored = []
    for slug, other in added:
        theirs = signature(other)
        if mine is None or theirs is None:
            continue
        bands = zip(mine.minhash.reshape(BANDS, ROWS).tolist(), theirs.minhash.reshape(BANDS, ROWS).tolist())
        estimate = sum(a == b for a, b in zip(mine.minhash.tolist(), theirs.minhash.tolist())) / (BANDS * ROWS)
        if any(a == b for a, b in bands) and estimate >= threshold - DuplicateIndex.LOOSER:
            ours, others = set(mine.sample.tolist()), set(theirs.sample.tolist())
            scored.append((-len(ours & others) / len(ours | others), slug))
    best = min(scored, default=None)
    return (best[1], -best[0], False) if best and -best[0] >= threshold else None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stories=st.lists(st.lists(st.integers(0, 10_000), min_size=3, max_size=25, unique=True), min_size=1, max_size=4),
       texts=st.lists(st.tuples(st.booleans(),                                   # an article already there
                                st.integers(0, 3),                               # which story
                                st.lists(st.integers(0, 10_000), max_size=8),    # sentences replaced
                                st.text("0123456789", max_size=2)),              # a mark: often the same sample
                      min_size=1, max_size=12),
       threshold=st.sampled_from([0.3, 0.5, 0.7]))
@example(stories=[list(range(0, 200, 10))], texts=[(True, 0, [], ""), (True, 0, [], "1"), (False, 0, [3], "")],
         threshold=0.5)  # a tie: two articles there, a mark apart, with one sample, and a repost of both
def test_the_index_answers_as_a_brute_force_search_does(pool, stories, texts, threshold):
    """Articles already there are added as they are (alike or not, as ingest adds them); new texts
    (stories with a few sentences replaced) are looked up, in order, and added when they match
    nothing: the index's bucket keys, its candidates measured all at once and its ties (texts that
    differ by a mark often share a sample) give what comparing with every article gives."""
    from digest.intake.duplicates import DuplicateIndex, reduced, signature, text_key

    index, added = DuplicateIndex(threshold), []
    for number, (existing, story, edits, mark) in enumerate(sorted(texts, key=lambda spec: not spec[0])):
        sentences = [pool[i % len(pool)] for i in stories[story % len(stories)]]
        for edit_at in edits:
            sentences[edit_at % len(sentences)] = pool[(edit_at * 7) % len(pool)]
        text, slug = reduced("".join(sentences)) + mark, f"article-{99 - number:02d}"  # later, earlier by name
        found = None if existing else index.find(text_key(text), signature(text))
        if not existing:
            assert (found and (found.slug, found.similarity, found.exact)) == brute_force_match(text, added, threshold)
        if found is None:
            index.add(slug, text_key(text), signature(text))
            added.append((slug, text))
