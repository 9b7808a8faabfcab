"""The curator stays in control of the intake (issue 23; issue 21, point 2), through the command line
in a temporary project: the intake record, rejections that stick, restore, seeds deleted, per-seed
ingest, --force with a backup and a diff, a seed changed under an edited article, duplicates and
reposts merged (and shown on the page), quiet and verbose reports, review notes with their line,
check --strict (the Pages workflow publishing only what is committed is run in test_workflows.py)."""

from __future__ import annotations

import hashlib
import random
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import cli_output
from digest.schema import read_document
from tests.test_ingest import ROOT, SEEDS, make_project

RECORD = Path("content") / "ingest-record.yaml"


def articles(project: Path) -> dict[str, Path]:
    """seed name -> its content file."""
    return {read_document(path)[0].seed: path for path in sorted((project / "content").glob("*.md"))}


def record(project: Path) -> dict:
    return yaml.safe_load((project / RECORD).read_text(encoding="utf-8"))


def without_search(project: Path) -> Path:
    """A project that builds: the repository's templates and static files, no search index (quicker)."""
    with (project / "config.yaml").open("a", encoding="utf-8") as config:
        config.write(f"\nsearch: false\npaths: {{templates: '{ROOT / 'templates'}', static: '{ROOT / 'static'}'}}\n")
    return project


@pytest.fixture
def two(tmp_path, capsys) -> Path:
    project = make_project(tmp_path / "p", SEEDS[:2])
    assert cli_output(project, capsys, "ingest")[0] == 0
    return project


# ------------------------------------------------------------------ 1. the record

def test_record_names_each_seed_its_hash_article_and_fingerprint(two, capsys):
    data = record(two)
    assert sorted(data) == [seed.name for seed in SEEDS[:2]]
    for seed, path in articles(two).items():
        entry = data[seed]
        assert entry["sha256"] == hashlib.sha256((two / "seeds" / seed).read_bytes()).hexdigest()
        assert entry["article"] == path.stem and entry["decision"] == "ingested"
        assert f"fingerprint: {entry['fingerprint']}\n" in path.read_text(encoding="utf-8")
    before = (two / RECORD).read_bytes()
    cli_output(two, capsys, "ingest")
    assert (two / RECORD).read_bytes() == before  # deterministic: the same run writes the same record


# ------------------------------------------------------------------ 2. rejecting sticks

def test_reject_by_command_deletes_the_article_and_ingest_never_remakes_it(two, capsys):
    seed, path = next(iter(articles(two).items()))
    status, out = cli_output(two, capsys, "reject", path.stem)
    assert status == 0 and f"rejected       {seed}: content/{path.name} deleted" in out
    assert not path.exists() and record(two)[seed]["decision"] == "rejected"
    status, out = cli_output(two, capsys, "ingest")
    assert status == 0 and not path.exists() and seed not in out
    assert re.search(rf"rejected\s+{seed}", cli_output(two, capsys, "ingest", "-v")[1])


def test_deleting_an_article_is_a_rejection_reported_once(two, capsys):
    seed, path = next(iter(articles(two).items()))
    path.unlink()
    out = cli_output(two, capsys, "ingest")[1]
    assert f"rejected       {seed} (content/{path.name} was deleted)" in out
    assert not path.exists() and record(two)[seed]["decision"] == "rejected"
    out = cli_output(two, capsys, "ingest")[1]
    assert seed not in out and not path.exists()


def test_restore_brings_a_rejected_seed_back_under_its_slug(two, capsys):
    seed, path = next(iter(articles(two).items()))
    text = path.read_text(encoding="utf-8")
    cli_output(two, capsys, "reject", seed)
    status, out = cli_output(two, capsys, "ingest", "--restore", seed)
    assert status == 0 and re.search(rf"created\s+{seed} -> content/{path.name}", out)
    assert path.read_text(encoding="utf-8") == text and record(two)[seed]["decision"] == "ingested"


def test_a_byte_copy_of_a_rejected_seed_stays_out_and_can_be_restored(two, capsys):
    seed, path = next(iter(articles(two).items()))
    cli_output(two, capsys, "reject", seed)
    shutil.copyfile(two / "seeds" / seed, two / "seeds" / "copy.txt")
    status, out = cli_output(two, capsys, "ingest")
    assert status == 0 and f"rejected       copy.txt (same bytes as {seed}, which was rejected; not ingested)" in out
    assert not path.exists() and "content/" not in out and record(two)["copy.txt"]["decision"] == "rejected"
    assert "copy.txt" not in cli_output(two, capsys, "ingest")[1]  # said once
    status, out = cli_output(two, capsys, "ingest", "--restore", "copy.txt")
    assert status == 0 and re.search(rf"created\s+copy\.txt -> content/{path.name}", out) and path.exists()


def test_deleted_seed_is_reported_and_its_article_kept(two, capsys):
    seed, path = next(iter(articles(two).items()))
    (two / "seeds" / seed).unlink()
    out = cli_output(two, capsys, "ingest")[1]
    assert f"seed gone      {seed}: content/{path.name} kept" in out and path.exists()
    assert seed not in cli_output(two, capsys, "ingest")[1]  # said once


def test_unknown_name_is_one_clear_error(two, capsys):
    status, out = cli_output(two, capsys, "reject", "no-such-thing")
    assert status == 1 and out.strip().startswith("error: no seed or article named 'no-such-thing'")
    assert "Traceback" not in out


# ------------------------------------------------------------------ issue 21, point 2

@pytest.mark.parametrize("with_record", [True, False], ids=["record", "no-record"])
def test_unreadable_article_is_reported_and_its_seed_left_alone(two, capsys, with_record):
    seed, path = next(iter(articles(two).items()))
    if not with_record:
        (two / RECORD).unlink()  # a project ingested before there was a record
    broken = path.read_text(encoding="utf-8").replace("title: ", "title: [", 1)
    path.write_text(broken, encoding="utf-8")
    before = sorted(p.name for p in (two / "content").glob("*.md"))
    status, out = cli_output(two, capsys, "ingest")
    assert status == 1
    assert re.search(rf"^failed\s+content/{re.escape(path.name)}:\d+: invalid front-matter YAML", out, re.M)
    assert sorted(p.name for p in (two / "content").glob("*.md")) == before  # no …-2.md
    assert path.read_text(encoding="utf-8") == broken


def test_also_published_is_validated_with_its_line(two, capsys):
    _, path = next(iter(articles(two).items()))
    text = path.read_text(encoding="utf-8").replace("tags:", "also_published:\n- {site: 人民网}\ntags:", 1)
    path.write_text(text, encoding="utf-8")
    line = text.split("\n").index("also_published:") + 1
    status, out = cli_output(two, capsys, "check")
    assert status == 1 and f"error: {path}:{line}: unknown key 'site' in 'also_published'" in out


# ------------------------------------------------------------------ 3. nothing unreviewed is published

def test_check_reports_seeds_not_ingested_and_strict_fails_on_them(tmp_path, capsys):
    project = without_search(make_project(tmp_path / "p", SEEDS[:2]))
    cli_output(project, capsys, "ingest", SEEDS[0].name)
    for path in (project / "content").glob("*.md"):  # the curator reviewed it
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"^review:\n(?:- .*\n)+", "review: []\n", text, flags=re.M), encoding="utf-8")
    assert cli_output(project, capsys, "build")[0] == 0
    status, out = cli_output(project, capsys, "check")
    assert status == 0 and "1 seeds not ingested: " + SEEDS[1].name in out
    status, out = cli_output(project, capsys, "check", "--strict")
    assert status == 1 and "1 seeds not ingested" in out
    cli_output(project, capsys, "reject", SEEDS[1].name)  # a decision: no longer pending
    assert cli_output(project, capsys, "check", "--strict")[0] == 0


def test_strict_check_fails_on_open_review_notes(tmp_path, capsys):
    project = without_search(make_project(tmp_path / "p", [SEEDS[0]]))  # 000 has review notes
    assert cli_output(project, capsys, "ingest")[0] == 0 and cli_output(project, capsys, "build")[0] == 0
    assert cli_output(project, capsys, "check")[0] == 0
    status, out = cli_output(project, capsys, "check", "--strict")
    assert status == 1 and "1 articles with open review notes" in out


# ------------------------------------------------------------------ 4. edits are never lost

def append_to_seed(project: Path, name: str, text: str) -> None:
    seed = project / "seeds" / name
    seed.write_text(seed.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


def test_ingest_of_named_seeds_touches_no_other(two, capsys):
    first, second = (seed.name for seed in SEEDS[:2])
    paths = articles(two)
    append_to_seed(two, first, "补充的第一段新的正文内容，用来测试只更新指定的种子。")
    append_to_seed(two, second, "补充的第二段新的正文内容，这一段不应当被写进文章里。")
    status, out = cli_output(two, capsys, "ingest", first)
    assert status == 0 and re.search(rf"updated\s+{first}", out) and second not in out
    assert "补充的第一段" in paths[first].read_text(encoding="utf-8")
    assert "补充的第二段" not in paths[second].read_text(encoding="utf-8")


def edit(path: Path) -> str:
    text = path.read_text(encoding="utf-8").replace("draft: false", "draft: true") + "\n编辑补充的一段。\n"
    path.write_text(text, encoding="utf-8")
    return text


def test_force_saves_the_edited_file_and_shows_the_diff(two, capsys):
    seed, path = next(iter(articles(two).items()))
    edited = edit(path)
    status, out = cli_output(two, capsys, "ingest", "--force", seed)
    backups = list((two / "content" / ".replaced").glob("*.md"))
    assert status == 0 and len(backups) == 1 and backups[0].read_text(encoding="utf-8") == edited
    assert f"saved as content/.replaced/{backups[0].name}" in out
    assert f"--- content/{path.name} (yours)" in out and "-编辑补充的一段。" in out and "-draft: true" in out
    assert "编辑补充的一段" not in path.read_text(encoding="utf-8")
    from digest.config import load_config
    from digest.content import load_articles
    assert len(load_articles(load_config(two / "config.yaml"))) == 2  # the backup is never content


def test_seed_changed_under_an_edited_article_says_how_to_take_it(two, capsys):
    seed, path = next(iter(articles(two).items()))
    edited = edit(path)
    assert seed not in cli_output(two, capsys, "ingest")[1]  # an edit alone is nothing new
    append_to_seed(two, seed, "种子里新增的一段正文，文章已经被编辑过了。")
    out = cli_output(two, capsys, "ingest")[1]
    assert re.search(rf"kept \(edited\)\s+{seed}", out) and f"`./build.py ingest --force {seed}`" in out
    assert path.read_text(encoding="utf-8") == edited


# ------------------------------------------------------------------ 5. one story, one article

def test_byte_identical_seed_is_a_duplicate_not_an_article(two, capsys):
    seed, path = next(iter(articles(two).items()))
    shutil.copy(two / "seeds" / seed, two / "seeds" / "zz_copy.txt")
    out = cli_output(two, capsys, "ingest")[1]
    assert f"duplicate      zz_copy.txt -> content/{path.name} (same bytes as content/{path.name}" in out
    assert len(articles(two)) == 2 and record(two)["zz_copy.txt"] == {
        "sha256": record(two)[seed]["sha256"], "article": path.stem, "decision": "duplicate"}


def test_a_short_new_seed_beside_articles_is_an_article(two, capsys):
    """Too short for a sample of its 5-grams: compared exactly only, and ingested."""
    (two / "seeds" / "zz_short.txt").write_text("短讯标题\n\n会议于今日召开，代表们出席了会议。\n", encoding="utf-8")
    status, out = cli_output(two, capsys, "ingest")
    assert status == 0 and re.search(r"created\s+zz_short\.txt -> content/", out)


def repost_pair(tmp_path: Path, edits: int = 2) -> Path:
    from bench.corpus import sentence_pool
    from bench.duplicates import page, story

    project = without_search(make_project(tmp_path / "p", []))
    rng, pool = random.Random(3), sentence_pool()
    item = story(rng, pool)
    (project / "seeds" / "a.txt").write_text(page(rng, item, ("四川日报", "https://a.example.cn/1.html"), pool),
                                              encoding="utf-8")
    (project / "seeds" / "b.txt").write_text(
        page(rng, item, ("福建观察", "https://b.example.cn/2.html"), pool, edits), encoding="utf-8")
    return project


def test_repost_is_merged_and_shown_on_the_page_in_both_editions(tmp_path, capsys):
    project = repost_pair(tmp_path)
    status, out = cli_output(project, capsys, "ingest")
    assert status == 0 and re.search(r"merged\s+b\.txt -> content/\S+\.md \(a repost from 福建观察", out)
    (path,) = (project / "content").glob("*.md")
    meta = read_document(path)[0]
    assert [(p.source, p.url) for p in meta.also_published] == [("福建观察", "https://b.example.cn/2.html")]
    assert meta.also_published[0].date is not None and any("b.txt" in note for note in meta.review)
    assert cli_output(project, capsys, "build")[0] == 0
    for edition, label in (("", "同时刊载于"), ("zh-hant/", "同時刊載於")):
        html = (project / "site" / edition / "articles" / path.stem / "index.html").read_text(encoding="utf-8")
        links = Links()
        links.feed(html)
        assert label in html and "https://b.example.cn/2.html" in links.hrefs


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.hrefs += [value for name, value in attrs if name == "href"]


def test_restore_takes_a_merged_repost_back_as_its_own_article(tmp_path, capsys):
    project = repost_pair(tmp_path)
    cli_output(project, capsys, "ingest")
    status, out = cli_output(project, capsys, "ingest", "--restore", "b.txt")
    assert status == 0 and re.search(r"created\s+b\.txt -> content/\S+-2\.md", out)


def test_repost_arriving_later_is_added_to_an_edited_article_without_touching_its_body(tmp_path, capsys):
    project = repost_pair(tmp_path)
    repost = (project / "seeds" / "b.txt").rename(tmp_path / "b.txt")
    cli_output(project, capsys, "ingest")
    (path,) = (project / "content").glob("*.md")
    edited = edit(path)
    repost.rename(project / "seeds" / "b.txt")
    out = cli_output(project, capsys, "ingest")[1]
    assert re.search(rf"merged\s+b\.txt -> content/{path.name}", out)
    meta, body, _ = read_document(path)
    assert [p.source for p in meta.also_published] == ["福建观察"] and "编辑补充的一段" in body and meta.draft
    assert body == edited.split("\n---\n", 1)[1]
    assert [b.read_text(encoding="utf-8") for b in (project / "content" / ".replaced").glob("*.md")] == [edited]
    cli_output(project, capsys, "ingest", "--restore", "b.txt")  # a wrong merge undone: no longer listed
    assert read_document(path)[0].also_published == []


# ------------------------------------------------------------------ 6. a quiet, useful report

def test_quiet_report_by_default_every_seed_with_v(two, capsys):
    out = cli_output(two, capsys, "ingest")[1]
    assert out.strip() == "ingest: 2 seeds: 2 unchanged"
    out = cli_output(two, capsys, "ingest", "-v")[1]
    assert all(re.search(rf"unchanged\s+{seed.name} -> content/", out) for seed in SEEDS[:2])


def test_review_lists_each_note_with_its_file_and_line(two, capsys):
    status, out = cli_output(two, capsys, "review")
    notes = re.findall(r"^(content/\S+\.md):(\d+): (.+)$", out, re.M)
    assert status == 0 and notes
    expected = {(f"content/{path.name}", note) for path in articles(two).values() for note in read_document(path)[0].review}
    assert {(name, note) for name, _, note in notes} == expected
    for name, line, note in notes:
        assert note in (two / name).read_text(encoding="utf-8").split("\n")[int(line) - 1]


def test_serve_says_when_it_ingests_new_seeds(two, capsys):
    from digest.config import load_config
    from digest.render import BuildMemory
    from digest.serve import run_builder

    shutil.copy(SEEDS[2], two / "seeds" / SEEDS[2].name)
    config = load_config(without_search(two) / "config.yaml")
    run_builder(config, False, {two / "seeds" / SEEDS[2].name}, BuildMemory())
    assert re.search(rf"created\s+{SEEDS[2].name} -> content/", capsys.readouterr().out)


# ------------------------------------------------------------------ 7. a config change is listed

def test_config_change_lists_the_articles_and_fields_it_changes(tmp_path, capsys):
    project = make_project(tmp_path / "p", [SEEDS[4]])  # 004: source 人民论坛网, tag 网格化
    cli_output(project, capsys, "ingest")
    config = project / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("    - 网格化\n", "")
                      .replace("    人民论坛网: 人民论坛网\n", ""), encoding="utf-8")
    out = cli_output(project, capsys, "ingest")[1]
    (path,) = articles(project).values()
    assert re.search(rf"updated\s+{SEEDS[4].name} -> content/{path.name} \(source, tags\)", out), out


# ------------------------------------------------------------------ the dedup contract, against an oracle

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

HIGH, LOW = 0.8, 0.25  # the default threshold is 0.5: far above it always merged, far below never


@pytest.fixture(scope="module")
def pool() -> list[str]:
    from bench.corpus import sentence_pool
    return sorted(set(sentence_pool()))


seed_specs = st.lists(
    st.tuples(st.integers(0, 3),                       # which story
              st.sampled_from(["copy", "same", "edit"]),  # byte copy of the story's first seed, same text, edited
              st.lists(st.integers(0, 10_000), max_size=12)),  # edits: sentences replaced
    min_size=2, max_size=7)


def seed_text(number: int, sentences: list[str]) -> str:
    paragraphs = ["".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]
    return f"第{number}号文章的标题\n\n" + "\n\n".join(paragraphs) + "\n"


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=seed_specs, stories=st.lists(st.lists(st.integers(0, 10_000), min_size=12, max_size=30, unique=True),
                                          min_size=4, max_size=4))
def test_duplicates_follow_the_contract_of_a_brute_force_oracle(tmp_path_factory, pool, specs, stories):
    from digest.config import load_config
    from digest.intake.duplicates import jaccard, reduced, text_key
    from digest.intake.ingest import ingest

    project = make_project(tmp_path_factory.mktemp("dedup"), [])
    first_text: dict[int, str] = {}
    for number, (story, kind, edits) in enumerate(specs):
        sentences = list(dict.fromkeys(pool[i % len(pool)] for i in stories[story]))
        for edit_at in edits if kind == "edit" else ():
            sentences[edit_at % len(sentences)] = pool[(edit_at * 7) % len(pool)]
        text = first_text.get(story) if kind == "copy" and story in first_text else seed_text(number, sentences)
        first_text.setdefault(story, text)
        (project / "seeds" / f"{number:02d}.txt").write_text(text, encoding="utf-8")
    report = ingest(load_config(project / "config.yaml"), jobs=1)
    by_seed = {result.seed: result for result in report.results}
    bodies = {path.stem: read_document(path)[1] for path in (project / "content").glob("*.md")}
    seeds = sorted(by_seed)
    for index, name in enumerate(seeds):
        result, data = by_seed[name], (project / "seeds" / name).read_bytes()
        if result.status == "failed":
            continue  # no article text (a story of repeated sentences): nothing to compare
        earlier = [s for s in seeds[:index] if by_seed[s].status == "created"]
        mine = read_document(result.path)[1] if result.status == "created" else None
        same_bytes = [s for s in seeds[:index] if (project / "seeds" / s).read_bytes() == data
                      and by_seed[s].status != "failed"]
        if same_bytes:  # an exact copy: always a duplicate of the first one's article
            assert result.status == "duplicate" and result.path == by_seed[same_bytes[0]].path
            continue
        if result.status == "created":  # nothing far above the threshold was there before it
            for other in earlier:
                assert jaccard(mine, bodies[by_seed[other].path.stem]) < HIGH, (name, other)
                assert text_key(reduced(mine)) != text_key(reduced(bodies[by_seed[other].path.stem]))
        else:  # merged or duplicate: only into an article far from unlike it, made before it
            assert result.status in ("merged", "duplicate") and result.path.stem in bodies
            own = bodies[result.path.stem]
            rendered = seed_body(project, name)
            assert jaccard(rendered, own) > LOW, (name, result.path.name)


def seed_body(project: Path, name: str) -> str:
    from digest.config import load_config
    from digest.intake.ingest import render_seed

    path = project / "seeds" / name
    return render_seed(path.read_bytes(), path, load_config(project / "config.yaml"))[1]


def test_the_record_reads_back_as_written_when_a_value_looks_like_a_number_to_yaml_1_2(tmp_path: Path) -> None:
    """A slug `2e5` or a fingerprint `1234567e90123456` is a float under the YAML 1.2 core rules the
    record is read with: it must be written quoted (a libyaml 1.1 dumper left them plain)."""
    from digest.intake.record import Entry, Record, load_record, record_path

    entries = {"a.txt": Entry("0" * 64, "2e5", "ingested", fingerprint="1234567e90123456"),
               "b.txt": Entry("1" * 64, "0o17", "ingested", fingerprint="12:30")}
    Record(record_path(tmp_path), entries).save()
    again = load_record(tmp_path).entries
    assert [(e.article, e.fingerprint) for e in again.values()] == [("2e5", "1234567e90123456"), ("0o17", "12:30")]
