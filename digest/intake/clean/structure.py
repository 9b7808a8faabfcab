"""Paragraphs: one per block, and sentences that a line break cut in two joined again."""

from __future__ import annotations

import re

from digest.intake.clean.punctuation import HAN

HAN_CHAR = re.compile(f"[{HAN}]")
# A paragraph without a sentence end was cut by a line break (PDF extraction) when it is prose:
# this long, or holding a sentence end inside (titles have neither).
MIN_CUT_HAN = 25
SENTENCE_INSIDE = re.compile(r"[。！？!?]")
# A paragraph is complete when it ends with one of these, once closing quotes are set aside;
# a closing bracket ends it too (`…活力。(谢佳祥)`).
COMPLETE_END = frozenset("。！？!?…；;：:.．)）】]")
CLOSING_QUOTES = "”’」』》\"'"
# After these a sentence cannot end: the paragraph goes on in the next line.
CONTINUES = frozenset("，,、“‘「『（(《—")
# Metadata stands alone: nothing joins it, and it joins nothing.
METADATA = re.compile(
    r"^(?:[\[【][^\]】]{1,10}[\]】]"                        # [1]…, [摘要]…, 【编者按】
    r"|[^\s，,。：:]{1,6}\s*[:：])")                     # DOI:…, 中图分类号:…, 作者：…
# A heading or list item starts a new paragraph.
STARTS_ITEM = re.compile(
    r"^(?:\d+(?:\.\d+)*(?:\s|[、.．](?!\d))"            # 1 创建…, 2.1 …, 1、…, 1. …
    r"|[一二三四五六七八九十百]+[、.．]"                   # 一、…
    r"|[(（][一二三四五六七八九十\d]+[)）]"                # （一）…, (1)…
    r"|第[一二三四五六七八九十百\d]+[章节部分条篇、，,：:]"  # 第一章, 第一，…
    r"|[-*•·●○■□◆◇▪]\s)")                                # bullets
# A caption or summary item (`▲10月14日，…摄`, `◆城市大脑…`) starts a paragraph: it is never glued
# to the one above, though that often ends without a sentence end (a caption's photo credit).
MARKED_ITEM = re.compile(r"^[▲△▼▽◀◁▶▷►★☆◆◇■□●○]")
# A short header line giving a date and time (`2010-10-25 16:50 来源：东南网`) is metadata, never a
# cut sentence, whatever marks a scraper left in it.
DATE_TIME = re.compile(r"(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*\d{1,2}:\d\d")
HEADER_LINE_MAX = 60
# A short line with no sentence end is a title or a name (`李海燕`), not a continuation.
TITLE_MAX = 25
LATIN_START = re.compile(r"^[A-Za-z0-9]")


def join_broken_paragraphs(text: str) -> str:
    """One blank line between paragraphs, cut sentences rejoined: `的总\\n\\n体提升。` -> `的总体提升。`."""
    lines = [line for line in text.split("\n") if line]
    paragraphs = _join_once(lines)
    while len(paragraphs) < len(lines):  # a joined line is longer: it can change an earlier decision
        lines, paragraphs = paragraphs, _join_once(paragraphs)
    return "\n\n".join(paragraphs)


def _join_once(lines: list[str]) -> list[str]:
    paragraphs: list[str] = []
    weights: list[int] = []
    for line in lines:
        # The first paragraph is the title: never glued to the text below it.
        if len(paragraphs) > 1 and _is_cut(paragraphs[-1], weights[-1] >= MIN_CUT_HAN, line):
            paragraphs[-1] = _glue(paragraphs[-1], line)
            weights[-1] += _prose_weight(line)
        else:
            paragraphs.append(line)
            weights.append(_prose_weight(line))
    return paragraphs


def _prose_weight(line: str) -> int:
    """Han characters, or enough to count as prose at once when a sentence ends inside."""
    return MIN_CUT_HAN if SENTENCE_INSIDE.search(line) else len(HAN_CHAR.findall(line))


def _is_cut(previous: str, is_prose: bool, line: str) -> bool:
    """Does `line` carry on the sentence that `previous` left unfinished?"""
    if METADATA.match(previous) or METADATA.match(line) or STARTS_ITEM.match(line):
        return False
    if MARKED_ITEM.match(line) or (len(previous) <= HEADER_LINE_MAX and DATE_TIME.search(previous)):
        return False
    if len(line) <= TITLE_MAX and not _is_complete(line):
        return False
    return previous[-1] in CONTINUES or (is_prose and not _is_complete(previous))


def _is_complete(paragraph: str) -> bool:
    """Does the paragraph end a sentence (closing quotes set aside)?"""
    ending = paragraph.rstrip(CLOSING_QUOTES)
    return bool(ending) and ending[-1] in COMPLETE_END


def _glue(previous: str, line: str) -> str:
    """Chinese joins directly; Latin text keeps a space before the next Latin word."""
    latin_end = "!" <= previous[-1] <= "~"  # a visible ASCII character: a word, a number, a mark
    return previous + (" " if latin_end and LATIN_START.match(line) else "") + line
