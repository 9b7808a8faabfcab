"""Title, byline, date and source forms met on real pages of the widened dev part of tests/realworld
(issue 22): each test is one kind of line, taken from a real page (publisher names kept only where
the form needs them), run through extract as ingest runs it on cleaned text."""

import copy
import datetime as dt

import pytest

from digest.intake.facts import tidy_title, title_candidates
from test_extract import BODY, RULES, run


# --- titles -----------------------------------------------------------------------------------

def test_an_official_title_set_on_three_lines_is_one_title():
    found = run("国务院办公厅政府信息与政务公开办公室", "关于规范政府信息公开平台", "有关事项的通知",
                "文章来源：中央政府网 发布时间：2020-12-03", BODY)
    assert found.meta.title == "国务院办公厅政府信息与政务公开办公室关于规范政府信息公开平台有关事项的通知"
    assert found.paragraphs == [BODY]


@pytest.mark.parametrize("line, title", [
    ("《田间地垄处 春耕农忙时》", "田间地垄处 春耕农忙时"),                         # the whole headline in 《》
    ("教育兴则国家兴 教育强则国家强Word文件下载.docx", "教育兴则国家兴 教育强则国家强"),  # a document share's file name
    ("全省230名记者探寻茶乡写乡村振兴故事：某某电竞官方网站", "全省230名记者探寻茶乡写乡村振兴故事"),
])
def test_title_tails_and_wrappings_that_are_no_part_of_the_headline(line, title):
    assert tidy_title(line)[0] == title
    for kept in ("乡村振兴：从脱贫攻坚到共同富裕", "《论持久战》与《实践论》"):  # a colon, two book titles: kept
        assert tidy_title(kept)[0] == kept


def test_a_subtitle_is_never_a_title_candidate():
    header = ["党员进社区 增近党群情", "——平凉市审计局开展党员进社区“双报到”志愿服务活动", "• 分享：",
              "11月2日，平凉市审计局开展党员进社区“双报到”志愿服务活动，" + BODY]
    assert [c.text for c in title_candidates(header)] == ["党员进社区 增近党群情"]


def test_a_reporters_byline_opening_the_page_is_no_title():
    found = run("某某农村日报全媒体记者 周颖昳 洪瑜 刘佳 罗敏", BODY)
    assert found.meta.authors == ["周颖昳", "洪瑜", "刘佳", "罗敏"]
    assert found.meta.source == "某某农村日报"
    assert "记者" not in found.meta.title


# --- bylines ----------------------------------------------------------------------------------

@pytest.mark.parametrize("names, authors", [
    ("耿方雨，李 彬，汤圆圆", ["耿方雨", "李彬", "汤圆圆"]),
    ("刘 巧，王军永，王 力*", ["刘巧", "王军永", "王力"]),  # `*` marks the corresponding author
    ("边 林 柳 云", ["边林", "柳云"]),
])
def test_names_below_the_date_and_journal_lines_are_the_authors(names, authors):
    found = run("移动医疗在心力衰竭病人中的应用研究进展", "2023-12-01", "循证护理 2023年21期", names, BODY)
    assert found.meta.authors == authors
    assert (found.meta.source, found.meta.date) == ("循证护理", dt.date(2023, 12, 1))
    assert found.paragraphs == [BODY]


def test_an_author_note_opening_a_long_line_gives_the_name():
    found = run("长城文化带非遗与乡村双向赋能的融合模式研究（上）",
                "作者：朱利峰博士，北京联合大学艺术学院教授，硕士生导师。基金项目：北京文化艺术基金项目。", BODY)
    assert found.meta.authors == ["朱利峰"]
    assert found.paragraphs == [BODY]


def test_a_repost_line_names_the_source_and_the_author():
    found = run("技术选型指南", "文章转载自：某某洞见 作者：汪志成", BODY)
    assert (found.meta.title, found.meta.source, found.meta.authors) == ("技术选型指南", "某某洞见", ["汪志成"])


def test_a_chief_reporter_and_an_intern_in_the_lede():
    found = run("标题行在这里", "萧山日报讯 （首席记者 张莎 实习生 蒋静）大红春联添喜气，全家福其乐融融。" + BODY)
    assert (found.meta.authors, found.meta.source) == (["张莎", "蒋静"], "萧山日报")


def test_a_newspaper_page_trailer_gives_author_source_and_date():
    found = run("本版新闻", BODY, "苏凝《讽刺与幽默》（2021年12月10日 第 02 版）")
    assert (found.meta.authors, found.meta.source, found.meta.date) == (["苏凝"], "讽刺与幽默", dt.date(2021, 12, 10))
    assert "讽刺与幽默" not in "".join(found.paragraphs)


# --- sources and dates ------------------------------------------------------------------------

def test_the_outlet_after_a_date_stamp_is_the_source():
    found = run("重庆十二万红岩党员志愿者服务社区", "http://www.sina.com.cn 2005年08月04日05:54 人民网-人民日报", BODY)
    assert (found.meta.source, found.meta.date) == ("人民网-人民日报", dt.date(2005, 8, 4))


def test_a_source_label_among_counters_is_read():
    found = run("定制商品的展示方法和系统与流程", "文档序号：13736973阅读：149来源：国知局", BODY)
    assert found.meta.source == "国知局"


@pytest.mark.parametrize("line", ["时间：2023-09-28 18:45:02 来源：网友投稿", "来源：互联网新闻 时间：2023-09-28 07:17"])
def test_an_upload_by_users_or_the_internet_is_no_source(line):
    found = run("中小学择校热问题成因回溯及治理启示", line, BODY)
    assert (found.meta.source, found.meta.date) == (None, dt.date(2023, 9, 28))


def test_an_outlet_named_in_a_list_of_outlets_is_not_the_source():
    rules = copy.deepcopy(RULES)
    rules["source_names"] = {"新华网": "新华网"}
    lede = "本报讯 9月15日，由新华网、中新社、山西日报等媒体的20多名记者组成的采风团深入灵石县开展集中采访活动。"
    assert run("标题行在这里", lede + BODY, rules=rules).meta.source is None
    assert run("标题行在这里", "来源：新华网", BODY, rules=rules).meta.source == "新华网"


def test_a_news_site_message_lede_names_the_outlet():
    found = run("标题行在这里", "四川新闻网消息 春耕不等人，农时贵如金。随着气温再度回升，古蔺县内的春耕春播工作也陆续开展起来。")
    assert found.meta.source == "四川新闻网"


def test_a_notice_signed_at_its_end_takes_the_signature_date():
    found = run("各二级单位党委、党总支：", *[BODY] * 6, "校党委宣传部", "2026年3月5日")
    assert found.meta.date == dt.date(2026, 3, 5)
    ordinary = run("标题行在这里", *[BODY] * 7, "2026年3月5日")  # a date closing a text without a sender line
    assert ordinary.meta.date is None


def test_a_four_character_menu_word_above_the_headline_is_no_author():
    found = run("党务公开", "中共某某委员会理论学习中心组学习规则", BODY)
    assert found.meta.authors == []
    assert run("欧阳明辉", BODY).meta.authors == ["欧阳明辉"]  # four characters behind a compound surname


def test_a_forum_posts_poster_is_its_author():
    found = run("【序】写给建筑设计的大程序时代", "管理员|深圳老梁 发表于 2019-9-12 10:11:44 | 显示全部楼层", BODY)
    assert (found.meta.authors, found.meta.date) == (["深圳老梁"], dt.date(2019, 9, 12))


def test_an_author_label_naming_a_site_page_names_no_author():
    found = run("全省230名记者探寻茶乡写乡村振兴故事", "作者：某某电竞首页 来源： 日期：2024-04-20 00:39", BODY)
    assert (found.meta.authors, found.meta.date) == ([], dt.date(2024, 4, 20))
