"""Metadata extraction on cleaned text: each kind of header, byline and footer."""

import datetime as dt

import pytest

from digest.config import load_config
from digest.intake.extract import cut_at_sentence, extract

RULES = load_config(None).rules
BODY = "这是正文的第一段，讲述了一个很长的故事，内容足够长以便被认作正文而不是标题或者元数据行。"


def run(*paragraphs, rules=RULES):
    return extract("\n\n".join(paragraphs), rules)


def test_title_then_date_line_with_category_word():
    found = run("把握核心推进工作", "General 更新 2024年05月26日", BODY)
    assert found.meta.title == "把握核心推进工作"
    assert found.meta.date == dt.date(2024, 5, 26)
    assert found.paragraphs == [BODY]


def test_no_title_line_guesses_from_first_sentence_and_asks_for_review():
    found = run(BODY, BODY.replace("第一", "第二"))
    assert found.meta.title == "这是正文的第一段，讲述了一个很长的故事"  # whole clauses, at most 32 chars
    assert any("标题" in note for note in found.meta.review)
    assert found.paragraphs[0] == BODY


def test_column_prefix_becomes_tag():
    found = run("人民论坛网评 | 念好“三字诀”", BODY)
    assert found.meta.title == "念好“三字诀”"
    assert found.meta.tags[0] == "人民论坛网评"


@pytest.mark.parametrize("title", ["【基层一线】乡村新貌", "乡村新貌【基层一线】"])
def test_bracketed_column_tag_around_title(title):
    found = run(title, BODY)
    assert (found.meta.title, found.meta.tags[:1]) == ("乡村新貌", ["基层一线"])


def test_byline_name_and_affiliation_under_title():
    found = run("浅谈示范基地的作用", "李海燕", "中共某市某区委党校", "DOI:10.12238/er.v3i10.3312", BODY)
    assert found.meta.authors == ["李海燕"]
    assert found.meta.doi == "10.12238/er.v3i10.3312"
    assert found.paragraphs == [BODY]


def test_abstract_and_keywords_become_summary_and_tags():
    found = run("论文题目在这里", "[摘要] 本文讨论示范点的作用。", "[关键词] 党建示范基地； 作用； 创新", BODY)
    assert found.meta.summary == "本文讨论示范点的作用。"
    assert found.meta.tags == ["党建示范基地", "作用", "创新"]


def test_trailing_labelled_author_and_editor_and_tags():
    found = run("标题行在这里", BODY + "（作者：郭素娇）", "[责任编辑：赵光菊]", "标签： 人民论坛网评   基层党组织")
    assert found.meta.authors == ["郭素娇"]
    assert found.meta.editor == "赵光菊"
    assert found.meta.tags == ["人民论坛网评", "基层党组织"]
    assert found.paragraphs == [BODY]


def test_trailing_bare_name_in_parentheses_is_author():
    found = run("标题行在这里", BODY + "（谢佳祥）", "责任编辑：陈虹")
    assert found.meta.authors == ["谢佳祥"]
    assert found.meta.editor == "陈虹"
    assert found.paragraphs[-1].endswith("元数据行。")


@pytest.mark.parametrize("ending", ["（试行）", "（全文完）", "（2019）", "（上）"])
def test_real_parenthetical_at_end_is_not_an_author(ending):
    found = run("标题行在这里", BODY + ending)
    assert (found.paragraphs[-1], found.meta.authors) == (BODY + ending, [])


def test_date_run_together_with_author_names():
    found = run("标题行在这里", "2023-03-15 08:20张伟李娜", BODY)
    assert found.meta.date == dt.date(2023, 3, 15)
    assert found.meta.authors == ["张伟", "李娜"]


def test_header_clock_with_weekday_is_not_the_article_date():
    found = run("2026年11月23日 星期一", "标题行在这里", "发布时间：2021-07-01", BODY)
    assert found.meta.title == "标题行在这里"
    assert found.meta.date == dt.date(2021, 7, 1)


def test_wire_dateline_stays_in_body_and_is_no_author():
    lede = "新华社北京3月2日电 国务院新闻办公室今天举行发布会，介绍了有关情况和下一步的工作安排等内容。"
    found = run("标题行在这里", lede)
    assert found.paragraphs == [lede]
    assert found.meta.authors == []


def test_source_line_with_url():
    found = run("标题行在这里", "来源：人民网 https://example.org/a/1.html", BODY)
    assert found.meta.source == "人民网"
    assert found.meta.source_url == "https://example.org/a/1.html"


def test_source_from_known_names_and_doi_rules():
    config = load_config(None)
    rules = {**config.rules, "source_names": {"人民论坛网": "人民论坛网"}, "doi_journals": {"10.1234/ab": "某学报"}}
    assert run("人民论坛网评 | 题目在此", BODY, rules=rules).meta.source == "人民论坛网"
    assert run("题目在此处", "DOI: 10.1234/ab.2020.1", BODY, rules=rules).meta.source == "某学报"
    assert run("题目在此处", BODY).meta.source is None


def test_vocabulary_tags_from_title_or_repeated_in_body():
    rules = {**RULES, "tag_vocabulary": ["乡村振兴", "网格化", "示范点"]}
    found = run("乡村振兴的新路子", BODY + "网格化。网格化管理。示范点", rules=rules)
    assert found.meta.tags == ["乡村振兴", "网格化"]


def test_references_after_heading_are_listed():
    found = run("标题行在这里", BODY, "[参考文献]", "[1]刘进德.如何发挥作用[J].经济师,2011(07):293.", "[2]谢振华.以示范引领[J].当代江西,2019(02):61.")
    assert found.paragraphs == [BODY]
    assert len(found.references) == 2


def test_summary_cut_at_sentence_end():
    long = "第一句话讲清楚了事情的来龙去脉。" * 12
    assert cut_at_sentence(long, 120).endswith("。")
    assert len(cut_at_sentence(long, 120)) <= 120


def test_repeated_headline_dropped_and_truncated_page_noted():
    cut = BODY.rstrip("。") + "并且还在继续讲述但是页面在这里被截断了没有句号也没有结尾的标点符号在这"
    found = run("标题行在这里", "标题行在这里", cut)
    assert found.paragraphs == [cut]
    assert any("截断" in note for note in found.meta.review)


@pytest.mark.parametrize("line", [
    "2023-03-15 08:20 来源：新华网 作者：张伟",
    "作者：张伟　来源：新华网　发布时间：2023-03-15",
    "来源: 新华网 | 作者: 张伟 | 2023年3月15日",
])
def test_several_labels_on_one_header_line(line):
    found = run("标题行在这里", line, BODY)
    assert (found.meta.date, found.meta.source, found.meta.authors) == (dt.date(2023, 3, 15), "新华网", ["张伟"])
    assert found.paragraphs == [BODY]


def test_body_sentence_mentioning_a_label_word_is_not_split():
    sentence = "作者认为，来源：基层的经验值得推广，这一点在2023年3月15日的会议上得到了确认，并写入了文件。"
    found = run("标题行在这里", sentence)
    assert found.paragraphs == [sentence] and found.meta.authors == []


@pytest.mark.parametrize("line", ["文化建设是重点", "来源广泛的经验", "编辑部的故事"])
def test_short_lines_starting_with_a_label_word_stay_text(line):
    found = run("标题行在这里", BODY, line, BODY)
    assert line in found.paragraphs and found.meta.authors == [] and found.meta.source is None


def test_repeated_headline_without_its_column_is_dropped():
    found = run("【基层一线】小村庄的大变化", "小村庄的大变化", BODY)
    assert (found.meta.title, found.meta.tags, found.paragraphs) == ("小村庄的大变化", ["基层一线"], [BODY])


def test_labelled_publication_date_is_not_replaced_by_a_later_date_line():
    """A government header: the date labelled 发布日期 is the article's, not the 成文日期 line under
    the title (real shape: tests/realworld/ dev part, government document pages)."""
    found = run("发布机构：永川区来苏镇 成文日期：2021-03-11 发布日期：2021-03-15",
                "关于印发《来苏镇村民委员会换届选举工作方案》的通知", "成文日期：2021-03-11", BODY)
    assert found.meta.date == dt.date(2021, 3, 15)


def test_a_lede_opening_with_a_dateline_is_not_a_flattened_title():
    """`中国网/中国发展门户网讯 民族要复兴，…`: the outlet's dateline opens the lede; it stays there
    and names the source, it is not a headline run into the text."""
    found = run("中国网/中国发展门户网讯 民族要复兴，乡村必振兴。" + BODY, BODY)
    assert found.meta.source == "中国网"
    assert found.meta.title != "中国网/中国发展门户网讯"
    assert any(note.startswith("标题") for note in found.meta.review)
