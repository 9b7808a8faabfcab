"""The main-text detector (digest/intake/lines.py): line features and verdicts on real scraped lines
(from the seeds and the dev part of tests/realworld/), its settings checked once, and a page cut
after its lede kept as a draft."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from digest.config import load_config
from digest.errors import DigestError
from digest.intake.clean import clean_text
from digest.intake.clean.prose import kept_by_rules
from digest.intake.ingest import ingest
from digest.intake.lines import MODEL_FILE, bad_reason, classify, features, is_good, load_model, outside_reason

MODEL = load_model()
RULES = load_config(None).rules
PROSE = ("党建强，则发展强。习近平总书记强调，必须扎实做好抓基层、打基础的工作，"
         "使每个基层党组织都成为坚强战斗堡垒。")


@pytest.mark.parametrize("line", [
    PROSE,
    "近年来，江口县凯德街道党工委紧紧围绕省、市、县委基层党建工作部署要求，坚持把党的建设工作摆在首位。",
    "【本报消息】亚洲责任博彩联盟主席日前先后拜访博监局、社工局，就推动负责任博彩与两局负责人交换意见。",
])
def test_prose_is_good(line: str) -> None:
    found = features(line, MODEL)
    assert is_good(found, MODEL) and not bad_reason(found, MODEL)


@pytest.mark.parametrize("line, reason", [
    ("首页 > 人民论坛评论 > 正文", "separators"),
    (">> ... >> 其他政策文件", "separators"),
    ("索引号：| 002489698/2023-272488 | 公开方式：| 主动公开 |", "separators"),
    ("幻灯片 手机看 分享到", "spaced items"),
    ("读新闻 新闻 本港消息", "spaced items"),
    ("121909", "debris"),
    ("/p>", "debris"),
    ("b2 x; k; N", "debris"),
    ("TOP", "debris"),
])
def test_bad_lines_and_why(line: str, reason: str) -> None:
    assert bad_reason(features(line, MODEL), MODEL) == reason


@pytest.mark.parametrize("line", [
    "浅谈发挥党建示范基地的作用探究", "李海燕", "中共贵阳市观山湖区委党校", "一、做好“大局”文章，强化核心引领",
    "建组织体系，补充“细胞”营养", "张洋 刘洪超 王颖", "2024年05月26日",
])
def test_titles_names_and_headings_are_not_bad(line: str) -> None:
    assert bad_reason(features(line, MODEL), MODEL) == ""


@pytest.mark.parametrize("line, reason", [
    ("主题分类：人事工作", "label"), ("发布人：党委宣传部", "label"), ("终审：唐尚伟", "label"),
    ("张涛看望慰问老同志 01/20", "list item"), ("紫阳：五千网格员守牢“防疫门”", ""),
    ("江口凯德：坚持党建引领 激活基层治理“神经末梢”", ""), ("张三（作者单位：江西省委党校）", ""),
])
def test_lines_that_go_only_above_or_below_the_article(line: str, reason: str) -> None:
    found = features(line, MODEL)
    assert outside_reason(found, "header", MODEL) == reason
    assert bad_reason(found, MODEL) == ""  # inside the article such a line stays


def test_regions_and_verdicts_of_a_page_with_a_menu_above_it() -> None:
    lines = ["媒体", "• 政府消息", "• 澳门日报", "", "• 力报", "• 正报", "• 华侨报", "",
             "责任博彩联盟访两局", "", "2017-01-30 06:35", "", PROSE, "", "一、做好“大局”文章", PROSE,
             "", "网站首页 | 联系我们 | 网站地图"]
    protected = {10}  # the date line, as the rule lists protect it
    verdicts = classify(lines, MODEL, protected)
    kept = [v.text for v in verdicts if v.keep and v.text]
    assert kept == ["责任博彩联盟访两局", "2017-01-30 06:35", PROSE, "一、做好“大局”文章", PROSE]
    assert [v.region for v in verdicts][:13] == ["header"] * 12 + ["body"]
    assert verdicts[-1].region == "tail" and verdicts[-1].reason == "separators"
    assert {v.reason for v in verdicts[:7] if v.text} == {"link list"}


def test_without_prose_nothing_is_judged() -> None:
    lines = ["网站首页 | 网站地图", "只有一个短行", "121909"]
    assert all(v.keep and v.region == "header" for v in classify(lines, MODEL))
    assert not classify(lines + [PROSE], MODEL)[0].keep


def test_the_detector_keeps_the_seeds_articles_whole() -> None:
    """Every line of every seed's cleaned text stays: the seeds' output is what their tests assert."""
    seeds = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))
    assert len(seeds) == 5
    for seed in seeds:
        lines = clean_text(seed.read_text(encoding="utf-8"), RULES).text.split("\n")
        assert all(v.keep for v in classify(lines, MODEL, kept_by_rules(lines, RULES))), seed.name


@pytest.mark.parametrize("change, key", [
    ({"good": {"min_han": 0, "min_function_share": 0.06}}, "min_han"),
    ({"good": {"min_han": 15, "min_function_share": 2}}, "min_function_share"),
    ({"function_words": "的了a"}, "function_words"),
    ({"list_run": "five"}, "list_run"),
])
def test_bad_settings_name_the_file_and_the_key(tmp_path: Path, change: dict, key: str) -> None:
    data = yaml.safe_load(MODEL_FILE.read_text(encoding="utf-8"))
    path = tmp_path / "lines.yaml"
    path.write_text(yaml.safe_dump({**data, **change}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DigestError) as error:
        load_model.__wrapped__(path)
    assert str(path) in str(error.value) and key in str(error.value)


def test_a_page_cut_after_its_lede_becomes_a_draft_with_a_note(tmp_path: Path) -> None:
    """A paywalled page is never rejected: nothing a curator gave may vanish."""
    (tmp_path / "seeds").mkdir()
    (tmp_path / "config.yaml").write_text("title: t\n", encoding="utf-8")
    page = "让志愿者的微笑成为最美中国名片\n\n(剩余8000字)\n\n登录后即可阅读全文\n"
    (tmp_path / "seeds" / "paywall.txt").write_text(page, encoding="utf-8")
    result = ingest(load_config(tmp_path / "config.yaml"), jobs=1).results[0]
    assert result.status == "created" and result.path is not None
    text = result.path.read_text(encoding="utf-8")
    assert "\ndraft: true\n" in text
    assert any(note.startswith("正文：清洗后只剩标题或导语") for note in result.review)
    assert text.rstrip().endswith("让志愿者的微笑成为最美中国名片")
