"""digest.content: content files -> Articles (safe HTML, heading ids, reading time, slugs)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.inlinepatterns import SimpleTagInlineProcessor

from digest.config import load_config
from digest.content import ArticleReader, count_han, load_articles, reading_minutes, split_references, summarize
from digest.errors import DigestError
from digest.markdown_html import HeadingIds, PlainTextSkipper, SafeMarkdown, is_safe_url

REFERENCE_LABELS = ["参考文献", "References"]


def write_article(folder: Path, name: str, body: str, front: str = "title: 标题\ndate: 2024-05-01\n") -> Path:
    path = folder / name
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return path


def read(tmp_path: Path, body: str, **kwargs) -> object:
    return ArticleReader(REFERENCE_LABELS).read(write_article(tmp_path, "a.md", body, **kwargs))


def heading_ids(html: str) -> list[str]:
    return re.findall(r'<h[1-6] id="([^"]*)"', html)


def test_reading_time_counts_han_characters_not_english_words():
    assert count_han("经济，形势 economy grows 平稳。") == 6
    assert count_han("English words " * 500) == 0
    assert reading_minutes(800, 400) == 2
    assert reading_minutes(801, 400) == 3
    assert reading_minutes(0, 400) == 1


def test_article_counts_han_characters_of_the_body_only(tmp_path):
    article = read(tmp_path, "一二三四五 six seven\n\n## 参考文献\n\n1. 六七八\n")
    assert article.han_count == 5
    assert article.reading_minutes == 1
    assert "六七八" in article.references_html and "六七八" not in article.body_html


def test_chinese_headings_get_unique_non_empty_pinyin_ids(tmp_path):
    article = read(tmp_path, "## 背景\n\n## 背景\n\n### 小结：要点\n\n## ？？\n\n## main\n")
    ids = heading_ids(article.body_html)
    assert ids == ["bei-jing", "bei-jing-2", "xiao-jie-yao-dian", "section", "main-2"]
    assert [(h.level, h.text, h.id) for h in article.toc][:3] == [
        (2, "背景", "bei-jing"), (2, "背景", "bei-jing-2"), (3, "小结：要点", "xiao-jie-yao-dian")]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet="背景经济政策小结一二 AbC1？：*-", min_size=1, max_size=8)
                .filter(lambda text: text.strip(" *-")), min_size=1, max_size=6))
def test_heading_ids_are_always_unique_and_non_empty(titles):
    reader = ArticleReader(REFERENCE_LABELS)
    html, toc = reader.renderer.render("\n\n".join(f"## {title.strip()}" for title in titles))
    ids = heading_ids(html)
    assert len(ids) == len(set(ids)) == len(toc)
    assert all(ids)


def test_raw_html_and_script_urls_stay_text(tmp_path):
    article = read(tmp_path, '<script>alert(1)</script>\n\n<div onclick="x()">正文</div>\n\n'
                             "行内 <b>粗</b>，[坏](javascript:alert(1))，[好](https://example.com/)\n")
    assert "<script" not in article.body_html and "&lt;script&gt;" in article.body_html
    assert "<div" not in article.body_html and "<b>" not in article.body_html
    assert "javascript" not in article.body_html
    assert '<a href="https://example.com/">好</a>' in article.body_html


def test_ingest_escapes_show_as_the_plain_characters(tmp_path):
    article = read(tmp_path, r"\*星号\*，\#井号，\<b\>尖括号，\[方括号\]，&lt;i>实体&amp;" + "\n")
    assert "<p>*星号*，#井号，&lt;b&gt;尖括号，[方括号]，&lt;i&gt;实体&amp;</p>" in article.body_html
    assert "\\" not in article.body_html


@pytest.mark.parametrize("url, safe", [
    ("https://example.com/", True), ("/articles/x/", True), ("#bei-jing", True), ("mailto:a@b.c", True),
    ("javascript:alert(1)", False), (" JavaScript:alert(1)", False), ("java\tscript:x", False),
    ("&#106;avascript:x", False), ("data:text/html,x", False),
])
def test_is_safe_url(url, safe):
    assert is_safe_url(url) is safe


def test_references_are_split_from_the_body():
    text, references = split_references("正文\n\n## 参考文献\n\n1. 甲\n", REFERENCE_LABELS)
    assert text == "正文\n\n" and references.strip() == "1. 甲"
    assert split_references("## 参考文献综述\n\n正文", REFERENCE_LABELS)[1] == ""


def test_summary_is_the_first_paragraph_when_front_matter_has_none(tmp_path):
    assert summarize("## 标题\n\n第一段\\*内容\\*。\n第二行。\n\n第二段") == "第一段*内容*。 第二行。"
    assert summarize("&lt;b>甲&amp;乙\\[注\\]") == "<b>甲&乙[注]"
    assert summarize("长" * 200).endswith("…")
    assert read(tmp_path, "正文第一段。\n", front="title: 标\nsummary: 手写摘要\n").summary == "手写摘要"


def test_slug_comes_from_front_matter_or_file_name(tmp_path):
    reader = ArticleReader(REFERENCE_LABELS)
    assert reader.read(write_article(tmp_path, "my-file.md", "正文")).slug == "my-file"
    assert reader.read(write_article(tmp_path, "中文名.md", "正文")).slug == "zhong-wen-ming"
    named = write_article(tmp_path, "other.md", "正文", front="title: 标\nslug: chosen\n")
    assert reader.read(named).slug == "chosen"


def test_source_url_is_linked_only_when_it_is_a_web_address(tmp_path):
    linked = read(tmp_path, "正", front="title: 标\nsource_url: https://example.com/a\ndoi: 10.1/x y\n")
    assert linked.source_link == "https://example.com/a"
    assert linked.doi_url == "https://doi.org/10.1/x%20y"
    assert read(tmp_path, "正", front="title: 标\nsource_url: javascript:x\n").source_link is None


def project_config(tmp_path: Path):
    (tmp_path / "config.yaml").write_text("title: 测试\n", encoding="utf-8")
    (tmp_path / "content").mkdir()
    return load_config(tmp_path / "config.yaml")


def test_load_articles_sorts_newest_first_then_by_slug_and_leaves_out_drafts(tmp_path):
    config = project_config(tmp_path)
    content = tmp_path / "content"
    write_article(content, "b.md", "正", front="title: B\ndate: 2024-01-02\n")
    write_article(content, "a.md", "正", front="title: A\ndate: 2024-01-02\n")
    write_article(content, "c.md", "正", front="title: C\ndate: 2024-03-01\n")
    write_article(content, "undated.md", "正", front="title: U\n")
    write_article(content, "draft.md", "正", front="title: D\ndate: 2025-01-01\ndraft: true\n")
    assert [a.slug for a in load_articles(config)] == ["c", "a", "b", "undated"]
    assert [a.slug for a in load_articles(config, drafts=True)][0] == "draft"


def test_duplicate_slug_names_the_second_file_and_its_line(tmp_path):
    config = project_config(tmp_path)
    content = tmp_path / "content"
    write_article(content, "first.md", "正", front="title: A\n")
    write_article(content, "second.md", "正", front="title: B\ndate: 2024-01-01\nslug: first\n")
    with pytest.raises(DigestError) as caught:
        load_articles(config)
    assert caught.value.path == content / "second.md" and caught.value.line == 4
    assert "first.md" in caught.value.message


def test_a_missing_content_folder_is_an_error_not_an_empty_site(tmp_path):
    config = project_config(tmp_path)
    (tmp_path / "content").rmdir()
    with pytest.raises(DigestError, match="content folder not found"):
        load_articles(config)


def test_hidden_files_such_as_editor_locks_are_not_articles(tmp_path):
    config = project_config(tmp_path)
    write_article(tmp_path / "content", "a.md", "正")
    (tmp_path / "content" / ".#a.md").symlink_to(tmp_path / "nowhere")
    assert [article.slug for article in load_articles(config)] == ["a"]


MARKDOWN_ALPHABET = st.sampled_from([*"经济政策，。「」abc12 \n", "`", "\\", "[", "]", "(", ")", "!", "<", ">",
                                     "*", "_", "&", "#", "-", ":", "  \n", "\n\n", "http://a.b", "a@b.c"])


@settings(max_examples=300, deadline=None)
@given(st.lists(MARKDOWN_ALPHABET, max_size=60).map("".join))
def test_texts_skipped_as_plain_give_the_html_the_inline_stage_would(text):
    fast = ArticleReader(REFERENCE_LABELS).renderer.markdown
    assert "skip_plain_text" in fast.treeprocessors  # every inline pattern Markdown has is known
    plain = markdown.Markdown(output_format="html", extensions=[SafeMarkdown(HeadingIds())])
    plain.treeprocessors.deregister("skip_plain_text")
    assert fast.reset().convert(text) == plain.reset().convert(text)


def test_an_unknown_inline_pattern_turns_the_plain_text_skip_off():
    md = markdown.Markdown(output_format="html", extensions=[SafeMarkdown(HeadingIds())])
    md.inlinePatterns.register(SimpleTagInlineProcessor(r"(~~)(.+?)~~", "del"), "strike", 55)
    assert PlainTextSkipper.for_patterns(md) is None


# ------------------------------------------------------------------ odd content files (issue 21, point 13) ----

ODD_FRONT_MATTER = {
    "whitespace-only title": ("title: '   '\ndate: 2024-01-01\n", 2, "needs a non-empty 'title'"),
    "a title of a full-width space": ("date: 2024-01-01\ntitle: \"\u3000\"\n", 3, "needs a non-empty 'title'"),
    "slug of 61 characters": (f"title: 长\nslug: {'a' * 61}\n", 3, "'slug' must be at most 60 characters, not 61"),
    "slug of 300 characters": (f"title: 长\nslug: {'ab-' * 99}abc\n", 3, "at most 60 characters, not 300"),
}


@pytest.mark.parametrize("case", ODD_FRONT_MATTER)
def test_an_empty_title_or_a_long_slug_names_the_file_and_line_and_leaves_the_site(tmp_path, case):
    from conftest import built, snapshot
    from digest.render import build_site

    config = built(tmp_path)
    before = snapshot(config.dir("site"))
    front, line, message = ODD_FRONT_MATTER[case]
    bad = write_article(config.dir("content"), "zz-odd.md", "正文\n", front=front)
    with pytest.raises(DigestError) as caught:
        build_site(config)
    assert (caught.value.path, caught.value.line) == (bad, line) and message in caught.value.message
    assert snapshot(config.dir("site")) == before


def test_a_long_file_name_gives_a_slug_of_at_most_60_characters(tmp_path):
    write_article(tmp_path, f"{'abc-' * 20}def.md", "正文\n")
    [article] = load_articles(load_config(None).with_overrides(paths={**load_config(None)["paths"],
                                                                      "content": str(tmp_path)}))
    assert article.slug == ("abc-" * 15).rstrip("-") and len(article.slug) <= 60


def make_odd_file(content: Path, kind: str) -> Path:
    path = content / "zz-odd.md"
    if kind == "folder":
        path.mkdir()
        (path / "inner.md").write_text("---\ntitle: 里面\n---\n", encoding="utf-8")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "dangling symlink":
        path.symlink_to(content / "no-such-file.md")
    return path


ODD_FILES = {
    "folder": "a folder named like a content file",
    "fifo": "not a plain file (a FIFO, socket or device)",
    "dangling symlink": "a symbolic link to",
}


@pytest.mark.parametrize("kind", ODD_FILES)
@pytest.mark.parametrize("command", ["build", "check", "ingest"])
def test_a_folder_fifo_or_dangling_symlink_named_md_is_one_line_naming_it(tmp_path, kind, command):
    """Through the command line, in a process of its own: opening a FIFO would wait forever."""
    from conftest import REPO, make_project, snapshot

    project = make_project(tmp_path)
    (project / "seeds").mkdir()
    content = project / "content"
    odd = make_odd_file(content, kind)
    before = snapshot(content)
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(project / "config.yaml"), command],
                            capture_output=True, text=True, timeout=120)
    lines = [line for line in (result.stdout + result.stderr).splitlines() if str(odd) in line]
    if command == "ingest":  # it reads content/ only to find its own files: no hang, no traceback, nothing touched
        assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
    else:
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert lines == [f"error: {odd}: {ODD_FILES[kind]}" + lines[0].split(ODD_FILES[kind], 1)[1]], lines
    assert snapshot(content) == before
    assert not (project / "site").exists() or command == "check"
