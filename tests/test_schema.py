"""Front-matter is read with YAML 1.2 core rules: what the curator typed is what the site shows;
what ingest writes reads back the same under YAML 1.2 and 1.1; a key given twice is an error."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st
from ruamel.yaml import YAML

import build
from digest.config import load_config
from digest.errors import DigestError
from digest.render import build_site
from digest.schema import FrontMatter, dump_front_matter, read_document

TYPED = """---
title: 12:30
date: 2024-05-26
authors: [on, off, 007]
editor: yes
source: 1.10
tags: [0x1F, 1e3, .inf, 0o17, ~x]
doi: 10.1000
summary: 2024-05-26
---

正文。
"""


def test_text_fields_keep_the_text_as_typed(tmp_path):
    path = tmp_path / "typed.md"
    path.write_text(TYPED, encoding="utf-8")
    meta, _, _ = read_document(path)
    assert meta.title == "12:30" and meta.authors == ["on", "off", "007"] and meta.editor == "yes"
    assert meta.source == "1.10" and meta.doi == "10.1000" and meta.summary == "2024-05-26"
    assert meta.tags == ["0x1F", "1e3", ".inf", "0o17", "~x"]
    assert meta.date in (dt.date(2024, 5, 26), "2024-05-26")  # a date, or the text of one


class TextOf(HTMLParser):
    """The text of the page's <h1> and of its links into tags/ and the source."""

    def __init__(self) -> None:
        super().__init__()
        self.where: list[str] = []
        self.h1, self.links = "", []

    def handle_starttag(self, tag, attrs):
        self.where.append(tag)
        if tag == "a":
            self.links.append("")

    def handle_endtag(self, tag):
        if self.where and self.where[-1] == tag:
            self.where.pop()

    def handle_data(self, data):
        if "h1" in self.where:
            self.h1 += data
        if "a" in self.where:
            self.links[-1] += data


def test_the_built_page_shows_the_text_as_typed(project):
    (project / "content" / "typed.md").write_text(TYPED, encoding="utf-8")
    config = load_config(project / "config.yaml")
    build_site(config)
    page = TextOf()
    page.feed((config.dir("site") / "articles" / "typed" / "index.html").read_text(encoding="utf-8"))
    assert page.h1.strip() == "12:30"
    links = [text.strip() for text in page.links]
    assert {"0x1F", "1e3", "0o17"} <= set(links) and "31" not in links


@pytest.mark.parametrize("front, line", [
    ("title: 一\ntitle: 二\n", 3),
    ("title: 一\ntags: [a]\nauthors: [b]\ntags: [c]\n", 5),
    ("title: 一\nsummary:\n  a: 1\n  a: 2\n", 5),
])
def test_a_duplicate_key_is_an_error_naming_file_and_line(tmp_path, capsys, front, line):
    (tmp_path / "content").mkdir()
    path = tmp_path / "content" / "dup.md"
    path.write_text(f"---\n{front}---\n\n正文。\n", encoding="utf-8")
    (tmp_path / "config.yaml").write_text("title: 测试\n", encoding="utf-8")
    with pytest.raises(DigestError) as error:
        read_document(path)
    assert error.value.line == line and "duplicate key" in error.value.message
    assert build.main(["--config", str(tmp_path / "config.yaml"), "check"]) == 1
    assert f"{path}:{line}: invalid front-matter YAML: duplicate key" in capsys.readouterr().out


def test_draft_needs_true_or_false_not_yes(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("---\ntitle: 一\ndraft: yes\n---\n", encoding="utf-8")
    with pytest.raises(DigestError, match="'draft' must be true or false"):
        read_document(path)


TRICKY = ["on", "off", "yes", "no", "y", "n", "null", "~", "true", "True", "12:30", "1:2:3", "007", "0o17",
          "0x1F", "0b101", "1.10", "1e3", "1_000", ".5", ".inf", "-.inf", ".NaN", "2024-05-26",
          "2024-05-26 10:00", "<<", "=", "- a", "a: b", "#c", "'q'", '"q"', "@x", "`x", "!x", "&a", "*a",
          "%x", "|", ">", "?", "-", "[a]", "{a: b}", " lead", "trail ", "", "标题：副题", "a\nb"]
words = st.one_of(st.sampled_from(TRICKY), st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=20))


@settings(max_examples=300, deadline=None)
@given(title=words.filter(str.strip), text=words, items=st.lists(words, max_size=4))
def test_what_ingest_writes_reads_back_the_same_under_yaml_1_2_and_1_1(tmp_path_factory, title, text, items):
    meta = FrontMatter(title=title, date=dt.date(2024, 5, 26), authors=items, editor=text, source=text,
                       tags=items, summary=text, doi=text, review=items)
    written = dump_front_matter(meta)
    path = tmp_path_factory.mktemp("rt") / "x.md"
    path.write_bytes(written.encode("utf-8"))
    again, _, _ = read_document(path)
    assert (again.title, again.authors, again.editor, again.tags, again.summary, again.review) == (
        title, items, text, items, text, items)
    yaml_text = written.split("---\n")[1]
    for reader in (yaml.safe_load, YAML(typ="safe", pure=True).load):  # YAML 1.1 (PyYAML), 1.2 (ruamel)
        data = reader(yaml_text)
        assert (data["title"], data["authors"], data["editor"], data["tags"]) == (title, items, text, items)


def test_a_byte_order_mark_before_the_front_matter_is_accepted(tmp_path):
    path = tmp_path / "bom.md"
    path.write_bytes("\ufeff---\ntitle: 标题\n---\n\n正文。\n".encode("utf-8"))
    meta, body, line = read_document(path)
    assert meta.title == "标题" and body.strip() == "正文。" and line == 4


def test_a_byte_order_mark_article_is_built(project):
    (project / "content" / "bom.md").write_bytes("\ufeff---\ntitle: 有标记\n---\n\n正文。\n".encode("utf-8"))
    config = load_config(project / "config.yaml")
    build_site(config)
    assert "有标记" in (config.dir("site") / "articles" / "bom" / "index.html").read_text(encoding="utf-8")
