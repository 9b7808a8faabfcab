"""Body paragraphs -> Markdown: headings, references, and escaping that keeps text as text."""

import markdown
import pytest

from digest.intake.blocks import Block, escape_markdown, to_blocks, to_markdown

PARA = "这是一个完整的段落，它以句号结尾，并且足够长，不会被误认为标题。"


@pytest.mark.parametrize("line, level", [
    ("1 创建党建示范基地的目的", 2),
    ("2.1 党建示范基地注重发挥示范带动作用", 3),
    ("一、总体要求", 2),
    ("（一）工作目标", 3),
    ("第三章 附则", 2),
    ("建组织体系，补充“细胞”营养", 2),
])
def test_headings_recognised(line, level):
    assert to_blocks([PARA, line, PARA])[1] == Block(line, level)


@pytest.mark.parametrize("line", [
    PARA,
    "这一句虽然很短，但以逗号结尾，",
    "2019年是关键的一年。",
])
def test_paragraphs_are_not_headings(line):
    assert to_blocks([PARA, line, PARA])[1].level == 0


def test_last_short_line_is_not_a_heading():
    assert to_blocks([PARA, "短句无标点"])[-1].level == 0


def test_long_numbered_lead_sentence_splits_at_dash():
    line = "一、做好“大局”文章，强化核心引领——围绕中心、服务大局始终是推动和落实基层党建工作的核心。"
    assert to_blocks([line, PARA])[:2] == [
        Block("一、做好“大局”文章，强化核心引领", 2),
        Block("围绕中心、服务大局始终是推动和落实基层党建工作的核心。")]


def test_references_become_ordered_list():
    text = to_markdown([Block(PARA)], ["[1]刘进德.题目[J].经济师,2011(07):293.", "[2]谢振华.题目[J]."])
    html = markdown.markdown(text)
    assert "<h2>参考文献</h2>" in html and html.count("<li>") == 2
    assert "[1]" not in html and "\\[J\\]" not in html and "[J]" in html


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>", "*强调* 与 _下划线_", "# 不是标题", "1. 不是列表", "- 不是列表",
    "[链接](javascript:alert(1))", "`代码`", "a & b &amp; c", "> 不是引用", "![图](x.png)",
])
def test_scraped_text_renders_as_the_same_text(text):
    html = markdown.markdown(escape_markdown(text))
    assert html.startswith("<p>") and html.endswith("</p>")
    inner = html[3:-4]
    import html as html_lib
    assert html_lib.unescape(inner) == text
    assert "<" not in inner.replace("&lt;", "")
