"""The whole cleaning pipeline: the real seeds, and properties that hold for any text."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from digest.intake.clean import Cleaned, clean_text
from digest.intake.clean.encoding import decode_raw
from digest.config import load_config

SEEDS = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))
RULES = load_config(None).rules

PINYIN_GLOSS = re.compile(r"[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]", re.IGNORECASE)
MOJIBAKE_TRACE = re.compile(r"[?？][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]|\ufffd")
# Boilerplate the seeds carry: spam, nav, site name, caption, copyright, comments, related lists.
RESIDUE = ["久久", "在线观看", "网站首页", "网站地图", "首页 >", "首页>", "大国新村", "配图",
           "版权声明", "本站仅提供", "网友评论", "相关知识", "心得范文", "开学典礼讲话稿", "述职评价考核"]


@lru_cache(maxsize=None)
def cleaned(seed: Path) -> Cleaned:
    return clean_text(decode_raw(seed.read_bytes(), seed), RULES)


def control_characters(text: str) -> list[str]:
    return [char for char in text if unicodedata.category(char) == "Cc" and char != "\n"]


def test_there_are_seeds() -> None:
    assert len(SEEDS) >= 5


@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: seed.name)
def test_seed_has_no_pinyin_glosses(seed: Path) -> None:
    assert not PINYIN_GLOSS.findall(cleaned(seed).text)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: seed.name)
def test_seed_has_no_mojibake_traces(seed: Path) -> None:
    text = cleaned(seed).text
    assert "?" not in text
    assert not MOJIBAKE_TRACE.findall(text)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: seed.name)
def test_seed_has_no_boilerplate(seed: Path) -> None:
    text = cleaned(seed).text
    assert [word for word in RESIDUE if word in text] == []


@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: seed.name)
def test_seed_has_no_control_characters_and_tidy_paragraphs(seed: Path) -> None:
    text = cleaned(seed).text
    assert control_characters(text) == []
    assert text == text.strip() and "\n\n\n" not in text
    assert all(paragraph and "\n" not in paragraph for paragraph in text.split("\n\n"))


@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: seed.name)
def test_cleaning_a_seed_again_changes_nothing(seed: Path) -> None:
    text = cleaned(seed).text
    assert clean_text(text, RULES).text == text


def paragraphs(name: str) -> list[str]:
    seed = next(seed for seed in SEEDS if seed.name.startswith(name))
    return cleaned(seed).text.split("\n\n")


def test_seed_metadata_lines_survive_for_the_extractor() -> None:
    assert paragraphs("002")[-1] == "责任编辑：陈虹"
    assert paragraphs("004")[-2:] == ["[责任编辑：赵光菊]", "标签：人民论坛网评 基层党组织"]
    assert paragraphs("003")[:4] == ["浅谈发挥党建示范基地的作用探究", "李海燕", "中共贵阳市观山湖区委党校",
                                     "DOI:10.12238/er.v3i10.3312"]
    assert paragraphs("001")[:2] == ["把握核心推进基层党建工作扎实开展", "General 更新 2024年05月26日"]


def test_seed_titles_come_first() -> None:
    assert paragraphs("004")[0] == "人民论坛网评 | 念好“三字诀”，锻造基层党建“动力主轴”"
    assert paragraphs("002")[0] == "江口凯德：坚持党建引领 激活基层治理“神经末梢”"


def test_seed_broken_sentences_are_joined() -> None:
    text = "\n\n".join(paragraphs("003"))
    for joined in ["基层党建水平的总体提升。", "“人人是人才，人人有平台”", "要有一定的前瞻性",
                   "把点上的经验做法推广到面上", "推行“廉、带、稳”三字工作方针"]:
        assert joined in text
    assert "2.1 党建示范基地注重发挥示范带动作用" in paragraphs("003")


def test_seed_repeated_clauses_are_reported_not_removed() -> None:
    seed = next(seed for seed in SEEDS if seed.name.startswith("003"))
    result = cleaned(seed)
    assert "重复语句：“真正起到了示范性的作用”连续出现两次" in result.findings
    assert "重复语句：“要充分发挥示范基地的作用”连续出现两次" in result.findings
    assert "真正起到了示范性的作用，真正起到了示范性的作用" in result.text


# --- properties of clean_text -----------------------------------------------------------
# Pieces of the noise the stages handle, so that random text exercises every rule.
FRAGMENTS = ["點(diǎn)", "(社區)", "（", "）", "(", ")", ",", "，", "。", ":", "：", "?", "!", ";", "“", "”",
             "<p>", "</p>", "<br/>", "&amp;", "&nbsp;", "&lt;p&gt;", "&#x4e2d;", "<!--", "-->",
             "\r\n", "\n", "\n\n", " ", "\u3000", "\u00a0", "\t", "\x00", "\x0c", "\ufeff",
             "首页 > 新闻 > 正文", "网站首页 | 网站地图", "相关阅读", "网友评论", "版权声明:", "阅读(12)",
             "(剩余8000字)", "责任编辑：", "[1]", "1 ", "一、", "DOI:10.1/x", "1,000", "10:30",
             "基層黨建", "的总", "体提升。", "真正起到了作用，", "久久,超碰,在线观看,日韩,", "……", "——"]
ALPHABET = st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Z", "Cc", "Cf"))
NOISY_TEXT = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(ALPHABET, max_size=6)),
                      max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), NOISY_TEXT))
def test_clean_text_never_raises_and_leaves_no_control_characters(text: str) -> None:
    result = clean_text(text, RULES)
    assert control_characters(result.text) == []
    assert all(isinstance(finding, str) for finding in result.findings)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), NOISY_TEXT))
@example("首页 0?0")  # a navigation line only once its lost space is restored
@example("?<P")  # a lost-space mark left alone on its line once half markup goes
@example("一\x1e?Â\r¡)")  # UTF-8 read as Latin-1 whose halves a join of lines brings together
@example("一ã(剩余0字)¡")  # ... or a dropped counter
@example("?-->")  # ... and a lost space that a dropped fragment leaves alone
@example("0<P>?A\r0000000000000000000000000>")
@example("÷?0\ufffd?")  # the mark □ that lost text becomes ends a run of mojibake as U+FFFD did
def test_clean_text_is_idempotent(text: str) -> None:
    once = clean_text(text, RULES).text
    assert clean_text(once, RULES).text == once
