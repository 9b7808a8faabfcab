"""Markup a scraper cut in half, in the forms real scraped pages show it: each is removed or
decoded, and text that only looks like it is left alone."""

from __future__ import annotations

import pytest

from digest.intake.clean.markup import strip_html_tags


@pytest.mark.parametrize(("raw", "clean"), [
    ("正文&nbsp内容&#12288结束", "正文 内容 结束"),                    # entity without `;`
    ("回忆着当年的劳动场面hellip;…经过", "回忆着当年的劳动场面……经过"),  # entity without `&`
    ("字体:小中大\n打印/a>3月7日,全国政协", "字体:小中大\n打印3月7日,全国政协"),  # `</a>` lost its `<`
    ("的基础就实了。”/p>\n巩固党执政基础", "的基础就实了。”\n巩固党执政基础"),
    ("推进基层党建<p style=\"text-indent:2em\"", "推进基层党建"),     # tag cut at the line's end
    ("文字 style=\"color:#333\">内容", "文字内容"),                    # an attribute list left over
    ("正文第一段。 style=\"font-size:14px;line-height\n第二段", "正文第一段。\n第二段"),  # cut in its quote
    ("<!--广告位 开始\n正文第一段", "正文第一段"),                      # a comment never closed
    ("排查外来人员。\n![]() |\n网格员们利用三天时间", "排查外来人员。\n网格员们利用三天时间"),
    ("如图![图片](http://example.com/a.jpg)所示", "如图所示"),
])
def test_half_removed_markup_is_gone(raw: str, clean: str):
    assert strip_html_tags(raw) == clean


@pytest.mark.parametrize("text", [
    "a < b 和 <<书名>>", "日期 2020/10/1", "and/or 5/10 a/b>c", "正常文本，没有标记。",
    "x=\"1\" 是赋值", "Python 3.11 的 class 关键字",
])
def test_text_that_only_looks_like_markup_is_left_alone(text: str):
    assert strip_html_tags(text) == text
