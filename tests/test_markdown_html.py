"""digest.markdown_html: the plain-text fast path gives exactly what Python-Markdown gives."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.blockprocessors import BlockProcessor

from digest.markdown_html import HeadingIds, MarkdownRenderer, PlainDocument, SafeMarkdown
from digest.schema import read_document

ROOT = Path(__file__).resolve().parent.parent

# Plain text, with what only looks like syntax in it (a `#` heading, `>` inside a line, brackets, blank lines,
# spaces)...
PLAIN_TOKENS = st.sampled_from([*"经济政策，。「」abcAB12", " ", "\u3000", "\n", "\n\n", "\n\n\n", "## ", "# ", "###### ",
                                "\n## ", "\n\n## ", "\n\n# ", ">", "[", "]", "[摘要]", "(", ")"])
# ... and every kind of thing that makes a text not plain, at the places where it counts.
OTHER_TOKENS = st.sampled_from(["####### ", "#", "-", "- ", "=", "1. ", "1.5", "*", "_", "&", "&amp;", "<", "`", "\\", "[",
                                "]", "\t", "\r", "  \n", " \n", "\n    ", "\x02", "\n>", "\n-", "\n=", "\n1. ",
                                "](", "][", "] [", "]\n[", "\n[", "\n[a]: http://a.b\n", "![", "[a]"])
TEXTS = st.lists(st.one_of(*[PLAIN_TOKENS] * 6, OTHER_TOKENS), max_size=40).map("".join)
TYPICAL = """\u3000\u3000近年来，各地持续推进基层治理，成效明显。

## 一、总体情况

第一段的第一行
第二行接着写，a > b 时也不例外。[摘要] 和 [1] 都是文字。

## 一、总体情况



### 2024年的做法

\u3000
最后一段。
"""


def reference() -> tuple[markdown.Markdown, HeadingIds]:
    """Python-Markdown as the renderer sets it up, made to convert every text itself."""
    headings = HeadingIds()
    return markdown.Markdown(output_format="html", extensions=[SafeMarkdown(headings)]), headings


def converted(text: str) -> tuple[str, tuple]:
    md, headings = reference()
    return md.convert(text), tuple(headings.found) if text.strip() else ()


def plain_document() -> PlainDocument:
    plain = MarkdownRenderer().plain
    assert plain is not None  # every part of the converter is one the fast path knows
    return plain


@settings(max_examples=1000, deadline=None)
@given(TEXTS)
def test_a_text_taken_as_plain_gets_the_html_and_headings_python_markdown_makes(text):
    fast = plain_document()(text)
    if fast is not None:
        assert fast == converted(text)


def test_paragraphs_and_headings_are_taken_as_plain_and_rendered_as_markdown_does():
    html, toc = plain_document()(TYPICAL)
    assert (html, toc) == converted(TYPICAL)
    assert html.startswith("<p>近年来") and "a &gt; b" in html
    assert [(heading.level, heading.id) for heading in toc] == [
        (2, "yi-zong-ti-qing-kuang"), (2, "yi-zong-ti-qing-kuang-2"), (3, "2024-nian-de-zuo-fa")]


@pytest.mark.parametrize("text", ["有*强调*的段落", "## 标题\n紧接着的段落", "段落\n- 列表", "1. 条目", "> 引文",
                                  "段落\n===", "    代码", "[链接](http://a.b)", "甲&amp;乙", "见[注] [1]", "[注]\n\n[注]: http://a.b", "行尾两个空格  \n下一行",
                                  "##标题", "## 标题 ##", "段落\n## 标题"])
def test_any_other_markdown_is_left_to_python_markdown(text):
    assert plain_document()(text) is None
    assert MarkdownRenderer().render(text) == converted(text)


def test_every_shipped_content_file_renders_alike_with_and_without_the_fast_path():
    renderer, taken = MarkdownRenderer(), 0
    paths = sorted((ROOT / "content").glob("*.md")) + sorted((ROOT / "tests" / "golden").rglob("*.md"))
    for path in paths:
        _, body, _ = read_document(path)
        taken += plain_document()(body) is not None
        assert renderer.render(body) == converted(body), path
    assert paths and taken  # the fast path is taken by real articles, not only by made-up ones


def test_the_fast_path_is_off_for_a_converter_with_a_part_it_does_not_know():
    md, _ = reference()
    md.parser.blockprocessors.register(BlockProcessor(md.parser), "custom", 5)
    assert PlainDocument.for_converter(md) is None
    assert PlainDocument.for_converter(reference()[0]) is not None


def test_a_blank_text_has_no_headings_even_after_one_that_had():
    renderer = MarkdownRenderer()
    assert renderer.render("## 一\n\n*强调*")[1]
    assert renderer.render("  \n") == ("", ())
    renderer.plain = None  # Python-Markdown alone: its blank-text shortcut runs no tree processor
    assert renderer.render("## 一\n\n*强调*")[1]
    assert renderer.render("  \n") == ("", ())
