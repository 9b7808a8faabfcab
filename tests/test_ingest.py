"""Ingest of the real seeds: exact metadata, golden output, no residue, curator edits kept."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import opencc
import pytest

import build
from digest.config import load_config
from digest.intake.ingest import ingest, is_edited
from digest.schema import read_document

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def make_project(folder: Path, seeds=SEEDS) -> Path:
    (folder / "seeds").mkdir(parents=True)
    for seed in seeds:
        shutil.copy(seed, folder / "seeds" / seed.name)
    shutil.copy(ROOT / "config.yaml", folder / "config.yaml")
    return folder


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    folder = make_project(tmp_path_factory.mktemp("ingest"))
    report = ingest(load_config(folder / "config.yaml"))
    assert [r.status for r in report.results] == ["created"] * len(SEEDS)
    return folder


@pytest.fixture(scope="module")
def articles(project) -> dict[str, tuple]:
    """seed name prefix (000..004) -> (front-matter, body)."""
    out = {}
    for path in sorted((project / "content").glob("*.md")):
        meta, body, _ = read_document(path)
        out[meta.seed[:3]] = (meta, body)
    return out


EXPECTED = {
    "000": dict(title="基层党建示范点是守正创新的“试金石”、促进发展的“助推剂”", date=None, authors=[],
                source=None, tags=["基层党建", "基层党组织", "党建示范点", "党支部"]),
    "001": dict(title="把握核心推进基层党建工作扎实开展", date=dt.date(2024, 5, 26), authors=[], source=None,
                tags=["基层党建", "基层党组织", "党建品牌", "经济社会发展"]),
    "002": dict(title="江口凯德：坚持党建引领 激活基层治理“神经末梢”", date=None, authors=["谢佳祥"],
                source=None, tags=["基层党建", "基层党组织", "基层治理", "乡村振兴", "党建引领"]),
    "003": dict(title="浅谈发挥党建示范基地的作用探究", date=None, authors=["李海燕"], source=None,
                tags=["党建示范基地", "作用", "创新", "基层党建", "基层党组织", "党建示范点", "示范基地"]),
    "004": dict(title="念好“三字诀”，锻造基层党建“动力主轴”", date=None, authors=["郭素娇"], source="人民论坛网",
                tags=["人民论坛网评", "基层党组织", "基层党建", "基层治理", "网格化"]),
}


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_seed_metadata(articles, seed):
    meta, _ = articles[seed]
    assert {key: getattr(meta, key) for key in EXPECTED[seed]} == EXPECTED[seed]


def test_editors_doi_summary(articles):
    assert articles["002"][0].editor == "陈虹"
    assert articles["004"][0].editor == "赵光菊"
    paper = articles["003"][0]
    assert paper.doi == "10.12238/er.v3i10.3312"
    assert paper.summary.startswith("基层党建示范点的优势在于能够利用示范点资源集中")
    assert articles["001"][0].summary.endswith("。") and len(articles["001"][0].summary) <= 120


def test_seed_without_title_line_is_flagged(articles):
    assert any("标题" in note for note in articles["000"][0].review)


def test_repeated_clause_is_a_finding_not_a_change(articles):
    meta, body = articles["003"]
    assert any("真正起到了示范性的作用" in note for note in meta.review)
    assert body.count("真正起到了示范性的作用，真正起到了示范性的作用") == 1


@pytest.mark.parametrize("seed, fragment", [
    ("004", "堡垒。基层党组织"), ("004", "能够将资源串联"), ("004", "向专业化和智能化"),
    ("004", "赋能聚势。基层党建"), ("000", "发展潜力大、典型作用突出的基层党组织"),
])
def test_mojibake_spans_recovered(articles, seed, fragment):
    assert fragment in articles[seed][1]


def test_paper_structure(articles):
    body = articles["003"][1]
    assert "## 1 创建党建示范基地的目的" in body
    assert "### 2.1 党建示范基地注重发挥示范带动作用" in body
    assert "## 参考文献\n\n1. 刘进德" in body
    for joined in ("引导、带动了基层党建水平的总体提升。", "人人是人才，人人有平台", "要有一定的前瞻性",
                   "把点上的经验做法推广到面上", "推行“廉、带、稳”三字工作方针"):
        assert joined in body
    assert "中图分类号" not in body and "文献标识码" not in body and "李海燕" not in body


RESIDUE = [
    ("pinyin annotation", re.compile(r"\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)")),
    ("question-mark mojibake", re.compile(r"\?")),
    ("replacement character", re.compile("\ufffd")),
    ("spam", re.compile(r"久久|在线观看|在线播放")),
    ("navigation", re.compile(r"网站首页|网站地图|首页\s*>|正文$", re.M)),
    ("caption", re.compile(r"配图")),
    ("copyright", re.compile(r"版权声明|不承担相关法律责任")),
    ("comments", re.compile(r"网友评论")),
    ("related list", re.compile(r"相关知识|述职评价考核|开学典礼讲话稿")),
    ("editor line", re.compile(r"责任编辑")),
    ("tag line", re.compile(r"标签[:：]")),
    ("half-width comma in Chinese", re.compile(r"[\u4e00-\u9fff],|,[\u4e00-\u9fff]")),
    ("control character", re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")),
]


@pytest.mark.parametrize("kind, pattern", RESIDUE, ids=[kind for kind, _ in RESIDUE])
def test_no_residue_in_any_content_file(project, kind, pattern):
    for path in (project / "content").glob("*.md"):
        match = pattern.search(path.read_text(encoding="utf-8"))
        assert match is None, f"{path.name}: {kind} left: {match.group(0)!r}"


def test_no_traditional_character_left(project):
    t2s = opencc.OpenCC("t2s.json")
    for path in (project / "content").glob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert t2s.convert(text) == text, path.name


def test_golden_files(project):
    """The whole output for each seed; UPDATE_GOLDEN=1 rewrites them after a reviewed change."""
    for path in sorted((project / "content").glob("*.md")):
        golden = GOLDEN / path.name
        if os.environ.get("UPDATE_GOLDEN"):
            GOLDEN.mkdir(exist_ok=True)
            golden.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        assert golden.exists(), f"no golden file for {path.name}; run with UPDATE_GOLDEN=1 and review"
        assert path.read_text(encoding="utf-8") == golden.read_text(encoding="utf-8"), path.name


def test_shipped_content_matches_a_fresh_ingest(project):
    """content/ in the repository is what ingest makes from seeds/ (or a curator's edit of it)."""
    for path in sorted((project / "content").glob("*.md")):
        shipped = ROOT / "content" / path.name
        assert shipped.exists(), f"content/{path.name} missing: run `./build.py ingest`"
        assert is_edited(shipped) or shipped.read_bytes() == path.read_bytes(), path.name


def test_rerun_is_idempotent_and_touches_nothing(tmp_path):
    project = make_project(tmp_path, SEEDS[:2])
    config = load_config(project / "config.yaml")
    ingest(config)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (project / "content").glob("*.md")}
    report = ingest(config)
    assert [r.status for r in report.results] == ["unchanged", "unchanged"]
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (project / "content").glob("*.md")} == before


def test_curator_edit_is_kept_and_force_reingests(tmp_path):
    project = make_project(tmp_path, SEEDS[:1])
    config = load_config(project / "config.yaml")
    ingest(config)
    path = next((project / "content").glob("*.md"))
    edited = path.read_text(encoding="utf-8").replace("draft: false", "draft: true") + "\n编辑补充的一段。\n"
    path.write_text(edited, encoding="utf-8")
    assert [r.status for r in ingest(config).results] == ["kept (edited)"]
    assert path.read_text(encoding="utf-8") == edited
    assert [r.status for r in ingest(config, force=True).results] == ["updated"]
    assert "编辑补充的一段" not in path.read_text(encoding="utf-8")


def test_changed_seed_updates_an_unedited_file_in_place(tmp_path):
    project = make_project(tmp_path, SEEDS[:1])
    config = load_config(project / "config.yaml")
    ingest(config)
    seed = project / "seeds" / SEEDS[0].name
    seed.write_text(seed.read_text(encoding="utf-8") + "\n补充的一段新的正文内容，用来测试更新。\n", encoding="utf-8")
    result = ingest(config).results[0]
    assert result.status == "updated"
    assert "补充的一段新的正文内容" in result.path.read_text(encoding="utf-8")
    assert len(list((project / "content").glob("*.md"))) == 1


def test_bad_seeds_fail_alone_with_their_name(tmp_path, capsys):
    project = make_project(tmp_path, SEEDS[:1])
    (project / "seeds" / "empty.txt").write_bytes(b"")
    (project / "seeds" / "binary.bin").write_bytes(bytes(range(256)) * 8)
    status = build.main(["--config", str(project / "config.yaml"), "ingest"])
    out = capsys.readouterr().out
    assert status == 1
    assert re.search(r"failed\s+.*empty\.txt", out) and re.search(r"failed\s+.*binary\.bin", out)
    assert re.search(r"created\s+000_", out)
    assert len(list((project / "content").glob("*.md"))) == 1
    assert not list((project / "content").glob(".*.tmp"))


def test_same_title_gets_a_suffix_never_an_overwrite(tmp_path):
    project = make_project(tmp_path, [])
    # Two different stories under one title (the same text twice is a duplicate: test_intake.py).
    bodies = {"a.txt": "这是正文，内容足够长，足以被当作正文段落来处理，而不会被当成标题或者元数据。",
              "b.txt": "另一篇完全不同的文章讲述乡村学校的图书馆如何在三年里从无到有地建立起来。"}
    for name, body in bodies.items():
        (project / "seeds" / name).write_text(f"同一个标题\n\n{body}\n", encoding="utf-8")
    results = ingest(load_config(project / "config.yaml")).results
    assert sorted(r.path.name for r in results) == ["tong-yi-ge-biao-ti-2.md", "tong-yi-ge-biao-ti.md"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "big5"])
def test_seed_encodings_and_newlines(tmp_path, encoding):
    project = make_project(tmp_path, [])
    text = "測試標題\r\n\r\n這是正文，內容足夠長，足以被當作正文段落來處理，而不會被當成標題或者元資料。\r\n"
    (project / "seeds" / "a.txt").write_bytes(text.encode(encoding))
    result = ingest(load_config(project / "config.yaml")).results[0]
    meta, body, _ = read_document(result.path)
    assert meta.title == "测试标题"
    assert "这是正文" in body and "\r" not in body


def test_parallel_ingest_equals_single_process(tmp_path):
    """A generated corpus big enough for the process pool gives the same files either way."""
    from bench.corpus import write_raw_corpus
    from digest.intake.ingest import PARALLEL_FROM

    trees = []
    for jobs in (1, 2):
        project = make_project(tmp_path / f"jobs{jobs}", [])
        write_raw_corpus(project / "seeds", PARALLEL_FROM + 6, seed=7)
        report = ingest(load_config(project / "config.yaml"), jobs=jobs)
        assert not report.failed
        trees.append({p.name: p.read_bytes() for p in (project / "content").glob("*.md")})
    assert len(trees[0]) == PARALLEL_FROM + 6
    assert trees[0] == trees[1]
