"""Metadata as scored candidates (digest/intake/facts.py, bylines.py, sources.py), on real header
lines from the seeds and the dev part of tests/realworld (publisher names made generic), and the
lines that must be left alone."""

import datetime as dt

import pytest

from digest.config import load_config
from digest.intake.extract import extract
from digest.intake.facts import choose_title, tidy_title, title_candidates

RULES = load_config(None).rules
BODY = "这是正文的第一段，讲述了一个很长的故事，内容足够长以便被认作正文而不是标题或者元数据行。"


def run(*paragraphs):
    return extract("\n\n".join(paragraphs), RULES)


def title_notes(found):
    return [note for note in found.meta.review if note.startswith("标题")]


# --- titles -----------------------------------------------------------------------------------

def test_the_headline_below_a_site_header_wins_over_the_banner_lines():
    found = run("您好！今天是", "设为主页收藏本页", "社交网站：", "今日导读", "本报新闻", "字体：放大 还原 缩小",
                "街总广东办庆祝成立六周年", BODY)
    assert found.meta.title == "街总广东办庆祝成立六周年"
    assert found.paragraphs == [BODY]  # the site header above the headline left the body


def test_text_above_the_headline_never_leaves_with_the_site_header():
    text_line = "今年以来，全县各级党组织围绕基层治理开展了一系列富有成效的工作，积累了经验"
    found = run("设为首页 加入收藏", text_line, "街总广东办庆祝成立六周年", BODY)
    assert found.paragraphs == [text_line, BODY]
    menu = "首页 | 专题 | 经验交流 | 材料汇编"
    guessed = run("专题报道", menu, "一、前言", BODY)  # above a weak guess only short lines go
    assert guessed.meta.title == "一、前言" and title_notes(guessed)
    assert guessed.paragraphs == [menu, BODY]


def test_a_greeting_opening_a_speech_is_not_split_off_as_a_headline():
    speech = "尊敬的各位领导、同志们：大家好！今天我们在这里召开全县基层党建工作推进会。"
    found = run(speech, BODY)
    assert found.paragraphs[0] == speech


def test_a_breadcrumb_is_never_the_title():
    found = run("当前位置：首页 >> 地方 >> 浙江", "仙乡有礼·雷峰广场", "发布时间：2023-12-13 11:10:41", BODY)
    assert (found.meta.title, found.meta.date) == ("仙乡有礼·雷峰广场", dt.date(2023, 12, 13))


def test_a_list_of_links_above_the_headline_is_not_the_title():
    bullets = ["· 我校举行2023级领... 10/12", "· 张涛看望慰问老同志 01/20", "· 全省党校（行政学... 05/24"]
    found = run("热点新闻", *bullets, "跨界治理理论与数字政府建设", "刘祺", BODY)
    assert (found.meta.title, found.meta.authors) == ("跨界治理理论与数字政府建设", ["刘祺"])


def test_the_repeated_headline_with_its_date_below_beats_a_subtitle_nearer_the_text():
    found = run("• 澳近三百上市药物在琴可用", "责任博彩联盟访两局", "2017-01-30 06:35", "责任博彩联盟访两局",
                "促加强非博彩元素保障从业员", BODY)
    assert (found.meta.title, found.meta.date) == ("责任博彩联盟访两局", dt.date(2017, 1, 30))


def test_an_official_document_title_beats_the_sender_and_the_document_number():
    found = run("中共某某学院委员会组织部", "校组〔2020〕25号", "关于开展2020年度“特色主题党日活动”评比的通知",
                "各基层党组织：", BODY)
    assert found.meta.title == "关于开展2020年度“特色主题党日活动”评比的通知"


@pytest.mark.parametrize("line, title", [
    ("广东“新春第一会”首设县委书记发言，透露哪些关键信息？|羊晚政见", "广东“新春第一会”首设县委书记发言，透露哪些关键信息？"),
    ("小小社区大民生_某某新闻网", "小小社区大民生"),
    ("向世界展现中国乡村发展的和美画卷（和音）", "向世界展现中国乡村发展的和美画卷"),
    ("推进高素质农村党组织书记队伍建设（共五则范文）", "推进高素质农村党组织书记队伍建设"),
    ("庙岗乡第九届人民代表大会第四次会议胜利召开[图]", "庙岗乡第九届人民代表大会第四次会议胜利召开"),
    ("党建引领“三治融合”乡村治理的实践逻辑阐释* 基于《全国乡村治理典型案例》", "党建引领“三治融合”乡村治理的实践逻辑阐释"),
    ("第三篇 发展党员_三、入党积极分子的培养教育和考察", "入党积极分子的培养教育和考察"),
])
def test_site_suffix_column_brackets_and_footnote_tails_are_cut(line, title):
    assert tidy_title(line)[0] == title


@pytest.mark.parametrize("line", ["村（社区）“两委”换届选举实施办法（试行）", "江口凯德：坚持党建引领 激活基层治理“神经末梢”",
                                  "浅谈发挥党建示范基地的作用探究", "关于认真做好城南新区(三江街道)村和社区组织换届选举工作的实施意见"])
def test_titles_that_only_look_decorated_are_left_alone(line):
    assert tidy_title(line) == (line, None)


@pytest.mark.parametrize("header, title", [
    (["新华社北京8月2日电 题：建设人与自然和谐共生的美丽家园"], "建设人与自然和谐共生的美丽家园"),
    (["标题：重庆市永川区来苏镇人民政府关于印发《换届选举工作方案》的通知"], "重庆市永川区来苏镇人民政府关于印发《换届选举工作方案》的通知"),
    (["projects", "公益项目", "2025.03.04 以党建带联建·以联建促创建“三联”模式助力儿童友好主题社区建设的行动研究报告",
      "三圣街道幸福社区党委副书记"], "以党建带联建·以联建促创建“三联”模式助力儿童友好主题社区建设的行动研究报告"),
])
def test_a_label_or_date_in_front_of_the_headline_is_not_part_of_it(header, title):
    assert run(*header, BODY).meta.title == title


def test_a_page_without_a_headline_gets_a_guess_that_says_so():
    found = run("他们是带头人", "——播下一种信念、一份希望", "“以前为什么穷，现在又为什么挣到钱了？”", BODY)
    assert found.meta.title == "他们是带头人"
    assert title_notes(found)  # a pull quote and a subtitle are no headline; the guess is flagged


def test_a_guessed_title_does_not_open_with_the_day():
    lede = "6月18日，某馆党支部组织9名青年党员积极参与文明交通志愿服务活动。"
    found = run(lede + BODY)
    assert found.meta.title == "某馆党支部组织9名青年党员积极参与文明交通志愿服务活动"
    assert title_notes(found) and found.paragraphs == [lede + BODY]


@pytest.mark.parametrize("header", [["引言：共同富裕的时代背景与意义"], ["本篇文章3302字，读完约8分钟"], ["张玥", "一、前言"]])
def test_a_section_heading_or_counter_as_the_only_candidate_is_flagged(header):
    assert title_notes(run(*header, BODY))


def test_a_close_runner_up_is_named_under_review():
    header = ["智美社区嘉年华推广健康心理", "2025-10-25", "营造社区和谐氛围", BODY]
    choice = choose_title(header)
    assert choice.runner_up is not None and choice.best.score - choice.runner_up.score <= 1.0
    found = run(*header)
    runner_up = {"智美社区嘉年华推广健康心理", "营造社区和谐氛围"} - {found.meta.title}
    assert f"标题也可能是：“{runner_up.pop()}”" in found.meta.review


def test_a_clear_winner_has_no_review_note():
    found = run("把握核心推进基层党建工作扎实开展", "General 更新 2024年05月26日", BODY)
    assert found.meta.review == []


@pytest.mark.parametrize("first, title, rest", [
    ("支部主题党日制度 支部主题党日制度 为进一步加强和规范党内政治生活，增强党的组织生活活力。", "支部主题党日制度",
     "为进一步加强和规范党内政治生活，增强党的组织生活活力。"),
    ("县委书记在推动经济高质量发展大会上的讲话同志们：今天，我们召开全县经济高质量发展动员大会。",
     "县委书记在推动经济高质量发展大会上的讲话", "同志们：今天，我们召开全县经济高质量发展动员大会。"),
    ("富民秀村 情系同乐 11月初，记者沿着蜿蜒陡峭的山路登上同乐村。", "富民秀村 情系同乐", "11月初，记者沿着蜿蜒陡峭的山路登上同乐村。"),
])
def test_a_headline_run_into_the_first_paragraph_is_split_off(first, title, rest):
    found = run(first, BODY)
    assert (found.meta.title, found.paragraphs[0]) == (title, rest)
    assert title_notes(found)


def test_a_lede_is_not_split_like_a_flattened_headline():
    lede = "本报讯（记者 郭世清 通讯员 王德伟）5月10日，是汝州市汝南街道规定的支部主题党日。"
    found = run(lede, BODY)
    assert found.paragraphs[0] == lede and found.meta.authors == ["郭世清", "王德伟"]


def test_prose_and_name_lines_are_never_candidates():
    assert title_candidates([BODY, "李海燕", BODY]) == []
    assert [c.text for c in title_candidates(["浅谈发挥党建示范基地的作用探究", "李海燕", "中共贵阳市观山湖区委党校", BODY])] \
        == ["浅谈发挥党建示范基地的作用探究"]



def test_a_spaced_title_label_in_a_document_catalogue_gives_the_title():
    title = "某市人民政府办公室关于印发《某市政务云平台管理实施细则》等三个文件的通知"
    found = run("中国政府网 省政府网 English Русская версия 市人大 市政协 市纪委监委", "首 页 政 务 公 开 网 上 办 事",
                "发 布 机 构 市人民政府办公室 发 文 日 期 2019-11-29",
                f"名 称 {title}文 号 某政办发〔2019〕29号 上 载 日 期 2019-12-02{title}", "信息来源：市人民政府办公室",
                "各县（市）、区人民政府，市政府各委、办、局：", BODY)
    assert found.meta.title == title
    assert not title_notes(found)



@pytest.mark.parametrize("label", ["名 称：", "标 题："])
def test_a_spaced_title_label_with_a_colon_is_not_part_of_the_title(label):
    found = run(label + "某市关于印发工作方案的通知", "发布日期：2021-03-15", BODY)
    assert found.meta.title == "某市关于印发工作方案的通知"


@pytest.mark.parametrize("line", ["某市召开党建工作推进会_某某新闻网", "某市召开党建工作推进会 - 某某网"])
def test_a_site_name_after_the_headline_does_not_make_it_a_guess(line):
    found = run(line, "2023年03月05日 08:12  来源：某某网", BODY)
    assert (found.meta.title, title_notes(found)) == ("某市召开党建工作推进会", [])



@pytest.mark.parametrize("byline", ["■ 本报记者 张伟", "本报记者 张伟 通讯员 王芳"])
def test_a_reporter_line_under_the_headline_makes_it_no_guess(byline):
    found = run("某市召开党建工作推进会", byline, BODY)
    assert (found.meta.title, title_notes(found), found.meta.authors[:1]) == ("某市召开党建工作推进会", [], ["张伟"])


@pytest.mark.parametrize("line, title", [("某市召开党建工作推进会——记某村党支部书记", "某市召开党建工作推进会——记某村党支部书记"),
                                         ("【某市召开党建工作推进会】", "某市召开党建工作推进会")])
def test_a_headline_with_its_subtitle_or_in_brackets_is_a_sure_title(line, title):
    found = run(line, "2023-03-05", BODY)
    assert (found.meta.title, title_notes(found)) == (title, [])


# --- dates ------------------------------------------------------------------------------------

def test_a_date_only_in_the_site_header_is_used_with_a_note():
    found = run("当前报章2024年12月07日", "今日导读", "街总广东办庆祝成立六周年", BODY)
    assert found.meta.date == dt.date(2024, 12, 7)
    assert any(note.startswith("日期") for note in found.meta.review)


def test_the_date_below_the_headline_beats_the_header_date():
    found = run("2025年10月25日", "星期六", "智美社区嘉年华推广健康心理营造社区和谐", "2025-10-24", BODY)
    assert found.meta.date == dt.date(2025, 10, 24)
    assert not any(note.startswith("日期") for note in found.meta.review)


def test_of_several_dates_on_a_line_the_publication_date_is_taken():
    found = run("某镇人民政府关于印发工作方案的通知", "发布机构：永川区来苏镇 成文日期：2021-03-11 发布日期：2021-03-15", BODY)
    assert (found.meta.date, found.meta.source) == (dt.date(2021, 3, 15), "永川区来苏镇")



def test_an_upload_stamp_loses_to_the_articles_own_date_line():
    found = run("推进高素质农村党组织书记队伍建设（共五则范文）", "时间：2019-05-12 16:19:27下载本文作者：会员上传",
                "推进高素质农村党组织书记队伍建设", "时间：2010年08月10日 11时20分来源：《党建研究》作者：毕筱奇", BODY)
    assert (found.meta.date, found.meta.source, found.meta.authors) == (dt.date(2010, 8, 10), "党建研究", ["毕筱奇"])


def test_a_date_only_on_an_upload_stamp_is_used_with_a_note():
    found = run("推进高素质农村党组织书记队伍建设", "时间：2019-05-12 16:19:27下载本文作者：会员上传", BODY)
    assert found.meta.date == dt.date(2019, 5, 12)
    assert any(note.startswith("日期") for note in found.meta.review)


def test_two_dates_under_the_headline_name_the_other_under_review():
    found = run("街总广东办庆祝成立六周年", "2024-05-26", "时间：2024年05月20日 来源：某某日报 作者：张伟", BODY)
    assert found.meta.date == dt.date(2024, 5, 26)
    assert "日期也可能是：2024-05-20" in found.meta.review


# --- bylines ----------------------------------------------------------------------------------

@pytest.mark.parametrize("lede, authors, source", [
    ("？？？本报讯（记者王颖）7月27日，市委常委带领市协调督导组来我县调研。", ["王颖"], None),
    ("某某新闻网眉山2月2日讯（黄绍玲 文/图）连日来，新型冠状病毒疫情牵动着全国人民的心。", ["黄绍玲"], "某某新闻网"),
    ("云上通山报道：（通讯员 韩眸果）为进一步加大环境卫生整治力度，营造干净、整洁的社区环境。", ["韩眸果"], "云上通山"),
    ("【连网】（记 者 赵梦若 通讯员 吴建升）昨日下午，我市百家社区志愿行活动启动。", ["赵梦若", "吴建升"], "连网"),
    ("本报讯（文轩）9月10日，全国教育大会召开。", ["文轩"], None),
])
def test_a_byline_opening_the_lede_gives_authors_and_outlet(lede, authors, source):
    found = run("标题行在这里", lede + BODY)
    assert (found.meta.authors, found.meta.source) == (authors, source)



def test_a_headline_flattened_twice_before_a_reporters_lede_goes_and_the_byline_is_read():
    title = "党建引领合作社 盐碱地变身“聚宝盆”——某村十年蝶变实现产业兴村群众富"
    news = "5月22日，某市政府新闻办举行“榜样在身边”系列记者见面会。合作社被评为市级示范社。"
    found = run(title, f"{title}{title}某某网（mǒumǒuwǎng）记者 彭静 聊城报道{news}", BODY)
    assert (found.meta.title, found.meta.authors, found.meta.source) == (title, ["彭静"], "某某网")
    assert found.paragraphs[0].startswith("某某网") and found.meta.summary == news


@pytest.mark.parametrize("line, authors, rest", [
    ("新华社记者谢良、石志勇、初杭、张斌", ["谢良", "石志勇", "初杭", "张斌"], []),
    ("锦绣北疆绿更浓——“三北”工程攻坚战在行动本报记者 张 洋 刘洪超（liúhóngchāo）", ["张洋", "刘洪超"], []),
])
def test_a_reporter_line_under_the_headline_gives_the_authors(line, authors, rest):
    found = run("锦绣北疆绿更浓——“三北”工程攻坚战在行动", line, BODY)
    assert found.meta.authors == authors
    assert found.paragraphs == [*rest, BODY]


@pytest.mark.parametrize("lede, source", [("某某网/某某发展门户网讯 民族要复兴，乡村必振兴。", "某某网"),
                                          ("本报讯 民族要复兴，乡村必振兴。", None)])
def test_an_outlets_dateline_without_a_byline_still_names_the_source(lede, source):
    found = run("标题行在这里", lede + BODY)
    assert (found.meta.source, found.meta.summary) == (source, "民族要复兴，乡村必振兴。" + BODY)


def test_the_paper_of_a_labelled_reporter_is_the_source_and_the_role_no_author():
    found = run("标题行在这里", "文 / 羊城晚报全媒体记者 丰西西", "图 / 羊城晚报全媒体记者 汤铭明", BODY)
    assert (found.meta.authors, found.meta.source) == (["丰西西"], "羊城晚报")


@pytest.mark.parametrize("closing, authors, editor", [
    ("（供稿人：一支部 冯欣）", ["冯欣"], None),
    ("（图文：张莎莎；一审：李霞；二审：刘志成）", ["张莎莎"], "李霞、刘志成"),
    ("王晓宇 巩雪", ["王晓宇", "巩雪"], None),
])
def test_closing_credits_give_authors_and_reviewers_go_to_editor(closing, authors, editor):
    found = run("标题行在这里", BODY, closing)
    assert (found.meta.authors, found.meta.editor, found.paragraphs) == (authors, editor, [BODY])


def test_a_closing_bracket_naming_the_unit_the_text_is_about_is_no_author():
    story = ("6月18日，常图党支部组织9名青年党员参与文明交通志愿服务活动。常图党支部第一时间召集青年党员"
             "召开临时会议，部署志愿服务任务，让文明、诚信、进步传递四方。")
    found = run("常图党支部参与文明交通志愿服务", story + "（常图）")
    assert (found.meta.authors, found.paragraphs) == ([], [story])




@pytest.mark.parametrize("line, authors", [("记者 张伟 通讯员 王芳", ["张伟", "王芳"]),
                                           ("作者：张伟（作者单位：某某大学马克思主义学院）", ["张伟"])])
def test_role_words_and_affiliations_in_a_byline_are_no_authors(line, authors):
    found = run("某市召开党建工作推进会", line, BODY)
    assert found.meta.authors == authors



@pytest.mark.parametrize("line", ["文 | 张伟", "作者｜张伟", "◎张伟", "□ 张伟", "张伟 （某某大学马克思主义学院）",
                                  "作者：张伟，某某大学马克思主义学院教授"])
def test_bylines_behind_a_bar_or_a_mark_or_before_an_affiliation_give_the_name(line):
    found = run("某市召开党建工作推进会", line, BODY)
    assert (found.meta.authors, found.paragraphs) == (["张伟"], [BODY])


def test_an_author_profile_gives_the_names():
    found = run("标题行在这里", "作者简介：刘在洲，教育学博士，某大学二级教授；李忆辛，通讯作者，某大学博士研究生。", BODY)
    assert found.meta.authors == ["刘在洲", "李忆辛"] and found.paragraphs == [BODY]


@pytest.mark.parametrize("paragraphs", [
    ["标题行在这里", BODY, "我要留言：", "留 言：", "查看"],   # a widget word after the comment box
    ["标题行在这里", "记者发现", BODY],                        # 记者 starting a short line
    ["标题行在这里", BODY + "（试行）"],
    ["标题行在这里", "据报道（一）今年以来，全市各地积极推进基层治理。" + BODY],
])
def test_lines_that_only_look_like_bylines_are_left_alone(paragraphs):
    assert run(*paragraphs).meta.authors == []


def test_an_editor_is_never_an_author():
    found = run("标题行在这里", BODY, "（责任编辑：杨学静）")
    assert (found.meta.authors, found.meta.editor) == ([], "杨学静")


# --- sources ----------------------------------------------------------------------------------

def test_a_source_with_its_url_keeps_both():
    found = run("标题行在这里", "来源：某某日报 https://example.org/a/1.html", BODY)
    assert (found.meta.source, found.meta.source_url) == ("某某日报", "https://example.org/a/1.html")


def test_the_pages_address_ending_the_text_is_the_source_url():
    found = run("标题行在这里", BODY, "这样才能达到效果。本文来源：https://example.org/doc/1.html")
    assert found.meta.source_url == "https://example.org/doc/1.html"
    assert found.paragraphs == [BODY, "这样才能达到效果。"]
    assert run("标题行在这里", BODY, "详见 https://example.org/doc/1.html").meta.source_url is None  # no label, no claim


@pytest.mark.parametrize("line, source", [
    ("来源：《政治学研究》2018年第6期 作者：张三", "政治学研究"),
    ("理论探讨 2022年6期", "理论探讨"),
    ("人民日报·2025-10-23 22:06", "人民日报"),
    ("• 来源：党群工作部", "党群工作部"),
    ("发布单位：| 某市农业农村局（某市乡村振兴局）| 主题分类：| 农业、畜牧业、渔业 |", "某市农业农村局（某市乡村振兴局）"),
    ("发 布 机 构 市人民政府办公室 发 文 日 期 2019-11-29", "市人民政府办公室"),
])
def test_the_source_named_in_a_header_line_of_any_kind(line, source):
    assert run("标题行在这里", line, BODY).meta.source == source


def test_a_name_after_the_source_is_an_author_and_the_site_itself_no_source():
    found = run("标题行在这里", "2020年05月25日 07:10 来源：南方日报 顾保国", BODY)
    assert (found.meta.source, found.meta.authors) == ("南方日报", ["顾保国"])
    assert run("标题行在这里", "发布时间：2017-10-26 11:46:39 来源：本站 阅读次数：1407", BODY).meta.source is None


# --- summary ----------------------------------------------------------------------------------

@pytest.mark.parametrize("lede", ["某某网杭州3月18日电（记者张三）", "本报讯（记者王颖）", "【连网】（记者 赵梦若）"])
def test_the_summary_never_starts_with_a_dateline(lede):
    found = run("标题行在这里", lede + BODY)
    assert found.meta.summary == BODY


def test_a_summary_starting_with_ordinary_text_is_kept_whole():
    assert run("标题行在这里", "据报道，" + BODY).meta.summary.startswith("据报道，")


# --- tags -------------------------------------------------------------------------------------

ARTICLE = ("全面从严治党永远在路上。坚持党的领导，党中央作出部署，推进制度治党。"
           "自治、法治、德治相结合，三治融合是乡村治理的方向。")


@pytest.mark.parametrize("line, tags", [
    ("关键词：治党党的领导党中央", ["治党", "党的领导", "党中央"]),
    ("关键词：三治德治党组织", ["三治", "德治", "党组织"]),  # one keyword only the list names
])
def test_keywords_run_together_are_cut_at_words_of_the_text_and_flagged(line, tags):
    found = run("党的自我革命制度规范体系的主要成就", line, ARTICLE)
    assert found.meta.tags[:len(tags)] == tags
    assert any(note.startswith("标签") for note in found.meta.review)


@pytest.mark.parametrize("line, tags", [("关键词：乡村振兴战略", ["乡村振兴战略"]),
                                        ("关键词：全面从严治党", ["全面从严治党"])])
def test_a_keyword_that_is_one_word_is_left_whole(line, tags):
    found = run("党的自我革命制度规范体系的主要成就", line, ARTICLE)
    assert found.meta.tags[:1] == tags and not any(note.startswith("标签") for note in found.meta.review)


def test_a_list_with_separators_is_never_cut_further():
    found = run("党的自我革命制度规范体系的主要成就", "关键词：治党；党的建设新要求；党中央", ARTICLE)
    assert found.meta.tags[:3] == ["治党", "党的建设新要求", "党中央"]


# --- metadata flattened into text -------------------------------------------------------------

def test_bracketed_journal_labels_run_into_the_first_paragraph_are_read_off_it():
    opening = "习近平总书记指出，“坚持人民至上，不断造福人民”。贯彻落实这一思想就要牢牢把握人民至上的从政初心。"
    found = run("健全以人民为中心的决策机制", "〔关键词〕以人民为中心；决策系统；公众参与〔中图分类号〕D601？〔文献标识码〕A"
                "〔文章编号〕1009-1203(2020)06-0113-04" + opening, BODY)
    assert found.meta.tags[:3] == ["以人民为中心", "决策系统", "公众参与"]
    assert found.paragraphs == [opening, BODY]


def test_a_source_label_opening_a_line_of_text_names_the_word_after_it():
    lede = "回望非凡的五年系列网评之四：昔日不毛之地披上绿装，黑臭水体变身生态河道，大气雾霾治理取得明显进展。"
    found = run("某网评这五年青山常在绿水长流", "城市镜像.新闻汇总 2020-10-23", "消息来源：某某新闻网 " + lede, BODY)
    assert found.meta.source == "某某新闻网"
    assert found.paragraphs == [lede, BODY]




def test_keywords_separated_by_slashes_are_several_tags():
    found = run("某市召开党建工作推进会", "Tags：党建/基层/治理", BODY)
    assert found.meta.tags[:3] == ["党建", "基层", "治理"]



@pytest.mark.parametrize("line, source", [("转载自某某网", "某某网"), ("本文转载自微信公众号“某某发布”", "某某发布"),
                                          ("《政治学研究》2018年第6期", "政治学研究")])
def test_a_repost_or_journal_line_under_the_headline_names_the_source_and_leaves(line, source):
    found = run("某市召开党建工作推进会", line, BODY)
    assert (found.meta.title, found.meta.source, title_notes(found), found.paragraphs) == \
        ("某市召开党建工作推进会", source, [], [BODY])


def test_an_anonymous_author_is_no_author():
    found = run("某市召开党建工作推进会", "来源：某某网 作者：佚名", BODY)
    assert (found.meta.source, found.meta.authors) == ("某某网", [])


def test_the_publication_date_wins_over_the_update_date_on_one_line():
    found = run("某市召开党建工作推进会", "更新时间：2023-04-01 发布时间：2023-03-05", BODY)
    assert found.meta.date == dt.date(2023, 3, 5)



def test_a_photo_caption_under_the_headline_is_never_the_title():
    found = run("某市推进基层治理现代化", "图为某市社区工作者入户走访。张伟 摄", BODY)
    assert (found.meta.title, title_notes(found)) == ("某市推进基层治理现代化", [])



def test_an_exclamation_inside_a_headline_does_not_make_it_a_sentence():
    found = run("新闻中心", "喜讯！某村获评全国文明村", "2023-03-05 来源：某某网", BODY)
    assert (found.meta.title, title_notes(found)) == ("喜讯！某村获评全国文明村", [])



@pytest.mark.parametrize("paragraphs, authors", [
    (["本报讯 记者张伟 通讯员王芳报道：" + BODY], ["张伟", "王芳"]),
    (["（记者 张伟）" + BODY], ["张伟"]),
    (["作者：张 伟", BODY], ["张伟"]),
    ([BODY, "（本报记者 张伟）"], ["张伟"]),
])
def test_bylines_of_the_lede_and_the_close_in_other_forms(paragraphs, authors):
    found = run("某市推进基层治理现代化", *paragraphs)
    assert found.meta.authors == authors
