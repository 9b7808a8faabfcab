"""Tests for the GBK mojibake repair: the real seed spans, text it must leave alone,
corruption simulated on sentences of our own, and properties on arbitrary text."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import Style, pinyin

from digest.intake.clean import Cleaned
from digest.intake.clean.mojibake import LOST, repair_gbk_mojibake
from digest.intake.clean.mojibake.lost import repair_lost_encoding
from digest.intake.clean.mojibake.utf8 import reread_utf8_read_as_gbk

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def seed_excerpt(prefix: str, needle: str, before: int = 6, after: int = 6) -> str:
    """The text around `needle` in the seed whose name starts with `prefix`."""
    text = next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
    at = text.index(needle)
    return text[max(0, at - before):at + len(needle) + after]


def repaired(text: str) -> str:
    return repair_gbk_mojibake(text).text


# --- the five real spans ----------------------------------------------------------------


def test_lost_full_stop_with_half_width_semicolon():
    text = seed_excerpt("004", "堡壘?;鶎狱h組織")
    assert text == "zhàn)斗堡壘?;鶎狱h組織是黨執(zh"
    result = repair_gbk_mojibake(text)
    assert result.text == "zhàn)斗堡壘。基層黨組織是黨執(zh"
    assert result.findings == ("乱码修复：已还原为“堡壘。基層黨組織”，请核对",)


def test_lost_full_stop_when_the_semicolon_is_gone_too():
    assert repaired("使每個基層黨組織都成為堅強戰斗堡壘?鶎狱h組織是黨執政大廈") == (
        "使每個基層黨組織都成為堅強戰斗堡壘。基層黨組織是黨執政大廈"
    )


def test_long_run_after_a_pinyin_fragment():
    text = seed_excerpt("000", "展?jié)摿Υ蟆⒌湫妥饔猛怀龅幕鶎狱h組織", before=10, after=2)
    assert text == "特色鮮明、發(fā)展?jié)摿Υ蟆⒌湫妥饔猛怀龅幕鶎狱h組織作為"
    result = repair_gbk_mojibake(text)
    assert result.text == "特色鮮明、發(fā)展潛力大、典型作用突出的基層黨組織作為"
    assert result.findings == (
        "乱码修复：已还原为“發展潛力大、典型作用突出的基層黨組織”，请核对",
    )


def test_short_run_keeps_the_ordinary_annotation_after_it():
    text = seed_excerpt("004", "能夠?qū)①Y源串聯(lián)")
    assert repaired(text) == text.replace("?qū)①Y", "將資")
    assert "能夠將資源串聯(lián)" in repaired(text)


def test_empty_run_with_an_undecodable_pair_as_in_the_seed():
    text = seed_excerpt("004", "向?qū)", before=10, after=12)
    assert text == "推動黨建服務(wù)向?qū)\ue5ddI(yè)化和智能化發"
    # the page kept the undecodable misread pair A3 98 as a private-use character
    result = repair_gbk_mojibake(text)
    assert result.text == "推動黨建服務(wù)向專業(yè)化和智能化發"
    assert result.findings == ("乱码修复：已还原为“務向專業化和”，请核对",)


def test_empty_run_when_the_undecodable_pair_was_dropped():
    result = repair_gbk_mojibake("推動黨建服務向?qū)I(yè)化和智能化發展")
    assert result.text in ("推動黨建服務向專業(yè)化和智能化發展", f"推動黨建服務向{LOST}業(yè)化和智能化發展")
    assert len(result.findings) == 1


def test_lost_full_stop_before_a_new_sentence():
    text = seed_excerpt("004", "賦能聚勢?;鶎狱h建")
    assert repaired(text) == "發(fā)展賦能聚勢。基層黨建要樹立“嚴("


def test_whole_seeds_change_only_at_the_damaged_spans():
    expected_changes = {"000": 1, "001": 0, "002": 0, "003": 0, "004": 4}
    for prefix, count in expected_changes.items():
        text = next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
        result = repair_gbk_mojibake(text)
        assert len(result.findings) == count, prefix
        assert "鶎" not in result.text
    seed_001 = next(SEEDS.glob("001_*.txt")).read_text(encoding="utf-8")
    assert repaired(seed_001) == seed_001  # its `什麼?黨建` is a real question mark


# --- text that must be left alone -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "你好?世界",
        "抓好基層黨建工作的關鍵是什麼?黨建工作應該如何引領經濟社會發展?關鍵是",
        "這是什麼?我們的GDP增長了多少",
        "為什麼?OK嗎",
        "是什麼?A股市場",
        "多少錢?G20峰會在哪裡",
        "Python?3",
        "城市社區(社區)服務",
        "What? Is this English? Yes!",
        "沒有問號的普通中文句子。",
        "你知道嗎?(ma)好",
        "",
    ],
)
def test_leaves_ordinary_text_alone(text: str):
    assert repair_gbk_mojibake(text) == Cleaned(text)


def test_legit_question_marks_before_english_are_left_alone():
    base = "研究人員發現長期規律運動能夠顯著降低心血管疾病的風險政府宣布將加大對農業科技的投入"
    for cut in range(2, len(base) - 6, 3):
        for word in ("GDP", "App", "AI", "iPhone", "A股"):
            text = base[:cut] + "?" + base[cut:cut + 4] + word + base[cut + 4:]
            assert repaired(text) == text


# --- damage forms seen on real scraped pages ---------------------------------------------


def test_marker_after_an_annotated_character():
    # the annotation `(dāng)` is no byte of the page: the lost byte follows 當 itself
    result = repair_gbk_mojibake("為當(dāng)?shù)亟?jīng)濟(jì)發(fā)展做出")
    assert result.text == "為當(dāng)地經(jīng)濟(jì)發(fā)展做出"
    assert len(result.findings) == 1


def test_run_ended_by_a_second_marker_then_in_step():
    result = repair_gbk_mojibake("的捍衛者?!皥远ㄐ判?、乘勢而上”陜西縣域")
    assert result.text == "的捍衛者。“堅定信心、乘勢而上”陜西縣域"


def test_end_marker_that_swallowed_an_annotations_parenthesis():
    result = repair_gbk_mojibake("的作用[2]?;诖耍瑢?shí)施好高等教育對於")
    assert "此，實(shí)施好" in result.text
    assert not set("?;诖耍瑢") & set(result.text)
    assert len(result.findings) == 1


def test_end_marker_that_swallowed_a_tags_bracket():
    result = repair_gbk_mojibake("其對當(dāng)?shù)鼐用竦奈τ卸啻螅?/p>\n據(jù)說")
    assert result.text.startswith("其對當(dāng)地居民的")
    # the last mark's trail byte is gone: `？` ranks first (a line does not end on `，`), unsure
    assert result.text.endswith(f"有多大{LOST}</p>\n據(jù)說")
    assert "；？/" in result.findings[0]
    # `？！?` misread from `。”`: a short run, no sure reading; marked, never `。。。` or `常常。`
    result = repair_gbk_mojibake("基础就实了?！?/p>\n")
    assert result.text == f"基础就实了{LOST * 3}</p>\n"


def test_a_gloss_after_the_resync_letter_proves_the_run():
    # `F(xiàn)`: the annotator glosses Han characters only; AC 46 is 現, which reads xiàn
    result = repair_gbk_mojibake("就是金山銀山”?,F(xiàn)在,,這一理念")
    assert result.text == "就是金山銀山”。現(xiàn)在,,這一理念"


def test_two_markers_and_a_lone_letter_inside_han_text():
    result = repair_gbk_mojibake("進(jìn)行調(diào)研??h領(lǐng)導(dǎo)馬善軍")
    assert result.text == f"進(jìn)行調(diào)研{LOST}縣領(lǐng)導(dǎo)馬善軍"


def test_in_step_marker_that_swallowed_an_entitys_ampersand():
    result = repair_gbk_mojibake("的勞動場?hellip;…經過一個多小時")
    assert result.text == f"的勞動場{LOST}&hellip;…經過一個多小時"
    assert len(result.findings) == 1


def test_a_run_stops_at_a_second_marker_and_keeps_the_text_after_it():
    result = repair_gbk_mojibake("參加麥?zhǔn)?、秋收的勞動場地")
    assert result.text in ("參加麥收、秋收的勞動場地", f"參加麥{LOST}、秋收的勞動場地")


@pytest.mark.parametrize(("damaged", "text"), [
    ("绀惧尯娌荤悊鐨勯噸鐐瑰湪鍩哄眰銆\ufffd", f"社区治理的重点在基层{LOST}"),
    ("鎺ㄥ姩楂樿川閲忓彂灞曪紝寤鸿\ufffd剧編涓戒腑鍥姐\ufffd\ufffd", f"推动高质量发展，建{LOST}美丽中国{LOST}"),
    ("会议：鍩哄眰鍏氬缓宸ヤ綔锛岃\ufffd佸潥鎸佸厷鐨勯\ufffd嗗\ufffd笺\ufffd\ufffd", f"会议：基层党建工作，{LOST}坚持党的{LOST}"),
])
def test_utf8_read_as_gbk_is_read_back(damaged: str, text: str):
    # each U+FFFD is one byte the GBK decoder gave up on: its character is lost, the rest in step
    result = reread_utf8_read_as_gbk(damaged)
    assert result.text == text
    assert len(result.findings) == 1


@pytest.mark.parametrize("text", ["浏览浒浔洪水浙江。", "洪洞县，浏览次数", "什么?我们的涓国", "锛銆紝是生僻字。"])
def test_text_read_right_is_not_taken_for_utf8_read_as_gbk(text: str):
    assert reread_utf8_read_as_gbk(text) == Cleaned(text)


def test_utf8_read_as_cp1252_is_read_back():
    assert repair_lost_encoding("党建工作ï¼šå\x9fºå±‚å…šç»„ç»‡").text == "党建工作：基层党组织"


def test_utf8_read_as_cp1252_with_a_dropped_byte_marks_only_the_broken_character():
    # 经 is E7 BB 8F; CP1252 has no 0x8F, so the page lost it
    result = repair_lost_encoding("据报道ï¼Œä¸\xadå›½ç»æµŽ增长")
    assert result.text == f"据报道，中国{LOST}济增长"
    assert len(result.findings) == 1


def test_bytes_gone_for_good_become_one_mark_with_a_note():
    assert repair_lost_encoding("锟斤拷锟斤拷基层党建").text == f"{LOST}基层党建"
    assert repair_lost_encoding("内容\ufffd\ufffd完").text == f"内容{LOST}完"
    assert len(repair_lost_encoding("锟斤拷锟斤拷基层党建").findings) == 1


def test_an_indent_the_page_could_not_encode_is_dropped():
    assert repair_lost_encoding("座談。\n??? 縣委書記、縣人大").text == "座談。\n縣委書記、縣人大"


def test_spaces_the_page_could_not_encode_are_spaces_again():
    damaged = "[中圖分類號]? D267? ? [文獻標識碼]? A? ? ? ?[文章編號]? 1009-928X"
    assert repair_lost_encoding(damaged).text == "[中圖分類號] D267 [文獻標識碼] A [文章編號] 1009-928X"
    assert repair_lost_encoding("?\n為貫徹落實《意見》").text == "為貫徹落實《意見》"


@pytest.mark.parametrize("text", ["Café naïve über 中文", "你好?世界", "什麼??", "价格 ¥100，约 €12",
                                  "你好? 我们走吧", "What? Is this? Yes", "为什么?\n因为"])
def test_other_encoding_repairs_leave_ordinary_text_alone(text: str):
    assert repair_lost_encoding(text) == Cleaned(text)


# --- corruption simulated on sentences of our own ---------------------------------------

SENTENCES = [
    "這座城市的圖書館每週末都會舉辦兒童閱讀活動，吸引了許多家長帶著孩子參加。",
    "研究人員發現，長期規律運動能夠顯著降低心血管疾病的風險。",
    "隨著電子商務的快速發展，傳統零售業者紛紛轉型，積極開拓線上銷售渠道。",
    "學校圖書館新購置了一批科學類書籍，供學生課餘時間閱讀。",
    "他們在山區建立了一所小學，讓當地的孩子不必再長途跋涉去上學。",
]
PARAGRAPHS = [first + second for first, second in zip(SENTENCES, SENTENCES[1:])]


def out_of_step(data: bytes, position: int) -> Optional[tuple[str, int]]:
    """Decode pairs one byte out of step until a byte below 0x80 comes up where a lead should.

    Undecodable pairs are dropped and full-width ASCII pairs (A3 xx) half-widthed, as the
    tools that ran on the seeds did. Returns the text and where the stream is in step again.
    """
    out = []
    while position + 1 < len(data):
        if data[position] < 0x80:
            return "".join(out) + chr(data[position]), position + 1
        pair = data[position:position + 2]
        try:
            char = pair.decode("gbk")
        except UnicodeDecodeError:
            position += 2
            continue
        out.append(chr(pair[1] - 0x80) if pair[0] == 0xA3 else char)
        position += 2
    return None


def corrupt(text: str, index: int, annotate: bool = True) -> Optional[str]:
    """Lose the lead byte of character `index` the way the seeds lost theirs.

    With `annotate`, the annotator read (previous trail, this lead) as one character and
    wrote its reading after the lead, which took the `(` with it: `?qū)`. Without, the lead
    stood alone before a half-widthed pair: `?;`.
    """
    data = text.encode("gbk")
    offsets = [len(text[:i].encode("gbk")) for i in range(len(text))]
    lead_at = offsets[index]
    head = "?"
    if annotate:
        misread = bytes((data[lead_at - 1], data[lead_at])).decode("gbk", errors="ignore")
        readings = pinyin(misread, style=Style.TONE, errors="ignore") if misread else []
        if not readings or not readings[0][0].isalpha():
            return None
        head = f"?{readings[0][0]})"
    elif data[lead_at + 1:lead_at + 2] != b"\xa3" or data[lead_at + 2:lead_at + 3] < b"\xa1":
        return None
    run = out_of_step(data, lead_at + 1)
    if run is None:
        return None
    misread_text, in_step = run
    return text[:index] + head + misread_text + data[in_step:].decode("gbk")


@pytest.mark.parametrize(
    "paragraph, lost, annotate",
    [
        (PARAGRAPHS[0], "童", True),    # `?hé)喿x`: 童閱 fused by a dropped pair, split again
        (PARAGRAPHS[0], "參", True),    # a run across the full stop
        (PARAGRAPHS[0], "規", True),    # back in step at `\`
        (PARAGRAPHS[0], "低", True),    # a long run
        (PARAGRAPHS[0], "。", False),   # `?Q芯咳藛T`: the full stop's lead byte alone
        (PARAGRAPHS[3], "。", False),
    ],
)
def test_recovers_simulated_damage(paragraph: str, lost: str, annotate: bool):
    damaged = corrupt(paragraph, paragraph.index(lost), annotate)
    expected = paragraph
    assert damaged is not None and damaged != expected
    result = repair_gbk_mojibake(damaged)
    assert result.text == expected
    assert len(result.findings) == 1 and result.findings[0].startswith("乱码修复：")


def test_simulated_damage_anywhere_is_mostly_recovered_and_never_left_as_garbage():
    outcomes = {"recovered": 0, "marked": 0, "wrong": 0}
    for paragraph in PARAGRAPHS:
        for index in range(1, len(paragraph)):
            damaged = corrupt(paragraph, index)
            if damaged is None or damaged == paragraph:
                continue
            result = repair_gbk_mojibake(damaged)
            assert "?" not in result.text, damaged
            assert len(result.findings) == 1, damaged
            if result.text == paragraph:
                outcomes["recovered"] += 1
            elif LOST in result.text:
                outcomes["marked"] += 1
            else:
                outcomes["wrong"] += 1
    total = sum(outcomes.values())
    assert total > 100
    assert outcomes["recovered"] >= 0.8 * total, outcomes
    assert outcomes["wrong"] <= 0.03 * total, outcomes


def out_of_step_to_a_marker(data: bytes, position: int) -> Optional[tuple[str, int]]:
    """`out_of_step`, where a trail byte met by an ASCII byte below 0x40 (`<` of `</p>`) makes
    one `?` of both, as the decoders of the real pages did; the stream is in step after it."""
    out = []
    while position + 1 < len(data):
        if data[position] < 0x80:
            return "".join(out) + chr(data[position]), position + 1
        if data[position + 1] < 0x40:
            return "".join(out) + "?", position + 2
        pair = data[position:position + 2]
        try:
            out.append(chr(pair[1] - 0x80) if pair[0] == 0xA3 else pair.decode("gbk"))
        except UnicodeDecodeError:
            pass
        position += 2
    return None


def test_simulated_runs_ended_by_a_swallowed_bracket_are_mostly_recovered_never_left_as_garbage():
    outcomes = {"recovered": 0, "marked": 0, "wrong": 0}
    from bench.corpus import sentence_pool  # the seeds' own sentences, cleaned

    for sentence in [sentence for sentence in sentence_pool() if 12 <= len(sentence) <= 40][:40]:
        page = sentence + "</p>\n" + sentence
        data = page.encode("gbk")
        for index in range(max(1, len(sentence) - 8), len(sentence)):
            lead_at = len(page[:index].encode("gbk"))
            misread = bytes((data[lead_at - 1], data[lead_at])).decode("gbk", errors="ignore")
            readings = pinyin(misread, style=Style.TONE, errors="ignore") if misread else []
            run = out_of_step_to_a_marker(data, lead_at + 1)
            if not readings or not readings[0][0].isalpha() or run is None or run[0][-1] != "?":
                continue
            damaged = page[:index] + f"?{readings[0][0]})" + run[0] + data[run[1]:].decode("gbk")
            result = repair_gbk_mojibake(damaged).text
            assert result.endswith("</p>\n" + sentence) and "?" not in result, damaged
            outcomes["recovered" if result == page else "marked" if LOST in result else "wrong"] += 1
    total = sum(outcomes.values())
    assert total >= 20
    assert outcomes["recovered"] >= 0.5 * total and outcomes["wrong"] <= 0.2 * total, outcomes


def test_unsure_characters_become_boxes_with_candidates():
    sentence = "經濟學家認為，今年的通貨膨脹壓力將逐步減輕，消費市場有望回暖。"
    damaged = corrupt(sentence, sentence.index("力"))
    assert damaged == "經濟學家認為，今年的通貨膨脹壓?háo)⒅鸩綔p輕，消費市場有望回暖。"
    result = repair_gbk_mojibake(damaged)
    assert result.text == f"經濟學家認為，今年的通貨膨脹壓力{LOST}逐步減輕，消費市場有望回暖。"
    assert result.findings[0].startswith(f"乱码：{LOST} 处有字无法还原（“")
    assert "可能是" in result.findings[0] and "將" in result.findings[0]


def test_a_fragment_that_cannot_be_repaired_becomes_a_box():
    result = repair_gbk_mojibake("能夠?qū)X")
    assert result.text == f"能夠{LOST}{LOST}"
    assert result.findings[0].startswith(f"乱码：{LOST} 处有字无法还原（“夠{LOST}{LOST}”，可能是 ")


def test_replacement_character_marker_keeps_its_parenthesis():
    text = "特色鮮明、發展\ufffd(jié)摿Υ蟆⒌湫妥饔猛怀龅幕鶎狱h組織作為創建點"
    assert repaired(text) == "特色鮮明、發展潛力大、典型作用突出的基層黨組織作為創建點"


# --- properties -------------------------------------------------------------------------

MOJIBAKE_ALPHABET = "?\ufffd();,:!qūjiéh基層黨組織鶎狱摿Υ①專業化的了。，ABxyz 1\ue5dd"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=MOJIBAKE_ALPHABET, max_size=40) | st.text(max_size=40))
def test_never_raises_never_adds_replacement_characters_and_is_idempotent(text: str):
    once = repair_gbk_mojibake(text)
    assert isinstance(once, Cleaned)
    assert once.text.count("\ufffd") <= text.count("\ufffd")
    assert repair_gbk_mojibake(once.text).text == once.text
    if "?" not in text and "\ufffd" not in text:
        assert once == Cleaned(text)
