"""How much a piece of text reads like Chinese: jieba's word frequencies, and the page's script."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Optional

from digest.intake.clean.mojibake.weights import (ASCII_COST, COMMON_PUNCT_COST, COMMON_PUNCTUATION,
                                                  COMMON_WORD, DOUBLED_MARK, FLUENT_CHAR, GARBAGE_CHAR, OFF_SCRIPT,
                                                  OPEN_MARK_AT_LINE_END, OPEN_MARKS, PUNCT_COST, PUNCTUATION,
                                                  SENTENCE_MARKS, TONED)
from digest.script import converter


@dataclass(frozen=True)
class Lexicon:
    logp: dict[str, float]
    unknown: float
    longest: int


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """jieba's dictionary as log probabilities, loaded on first use."""
    counts: dict[str, int] = {}
    source = resources.files("jieba").joinpath("dict.txt").read_text(encoding="utf-8")
    for line in source.splitlines():
        word, count, *_ = line.split(" ")
        if len(word) <= 6:
            counts[word] = counts.get(word, 0) + int(count)
    total = sum(counts.values())
    logp = {word: math.log(count / total) for word, count in counts.items()}
    return Lexicon(logp, math.log(0.5 / total), max(map(len, logp)))


@lru_cache(maxsize=65536)
def _simplified(char: str) -> str:
    converted = converter("t2s").convert(char)
    return converted if len(converted) == 1 else char


def simplified_text(text: str) -> str:
    """The text with each character in its Simplified form (character by character)."""
    return "".join(map(_simplified, text))


def _char_cost(char: str, words: Lexicon) -> float:
    if char in PUNCTUATION:
        return COMMON_PUNCT_COST if char in COMMON_PUNCTUATION else PUNCT_COST
    if char == "\n":  # the end of the line after a region: the same for every reading of it
        return 0.0
    if char.isascii() or char in TONED:
        return ASCII_COST
    return words.logp.get(char, words.unknown)


def plausibility(text: str) -> float:
    """How much likelier than ordinary text of its length this text is, as a log ratio."""
    return segmentation(text)[0]


@lru_cache(maxsize=1 << 16)
def segmentation(text: str) -> tuple[float, tuple[tuple[int, int], ...]]:
    """Score of the best split into jieba words (after t2s), and the common words in it."""
    words = lexicon()
    simple = simplified_text(text)
    best = [0.0] * (len(simple) + 1)
    back = [0] * (len(simple) + 1)
    for end in range(1, len(simple) + 1):
        best[end], back[end] = best[end - 1] + _char_cost(simple[end - 1], words), end - 1
        if end > 1:
            best[end] += _mark_pair_cost(simple[end - 2], simple[end - 1])
        for begin in range(max(0, end - words.longest), end - 1):
            word = words.logp.get(simple[begin:end])
            if word is not None and best[begin] + word > best[end]:
                best[end], back[end] = best[begin] + word, begin
    return best[-1] + FLUENT_CHAR * len(simple), _common_words(simple, back, words)


def _mark_pair_cost(first: str, second: str) -> float:
    """What two marks in a row cost: `。。` and a line ending on `，` are rare in real text."""
    if first in SENTENCE_MARKS and second in SENTENCE_MARKS:
        return DOUBLED_MARK
    return OPEN_MARK_AT_LINE_END if second == "\n" and first in OPEN_MARKS else 0.0


def _common_words(simple: str, back: list[int], words: Lexicon) -> tuple[tuple[int, int], ...]:
    """The (begin, end) spans of the best split's words common enough to vouch for their characters."""
    found = []
    end = len(simple)
    while end:
        begin = back[end]
        if end - begin > 1 and words.logp[simple[begin:end]] >= COMMON_WORD:
            found.append((begin, end))
        end = begin
    return tuple(found)


def unigram(text: str) -> float:
    """The cost of the rarest character of the text on its own."""
    words = lexicon()
    return min(_char_cost(char, words) for char in simplified_text(text))


@lru_cache(maxsize=65536)
def is_plausible(char: Optional[str]) -> bool:
    """Whether real text could hold this character at a lost position."""
    if char is None:
        return False
    if char in PUNCTUATION:
        return not char.isascii()
    return "\u4e00" <= char <= "\u9fff" and unigram(char) >= GARBAGE_CHAR


def off_script(option: str, traditional: bool) -> float:
    """Penalty for guessed characters that are not the standard form in the page's script."""
    return OFF_SCRIPT * sum(not _is_standard(char, traditional) for char in option)


@lru_cache(maxsize=65536)
def _is_standard(char: str, traditional: bool) -> bool:
    """Whether a page in this script would write the character so: not 该 or 剋 for 該 or 克."""
    simplified = converter("t2s").convert(char)
    if not traditional:
        return simplified == char
    return any(converter(script).convert(simplified) == char for script in ("s2t", "s2tw", "s2hk"))


def is_traditional(text: str) -> bool:
    """Whether the page is written in Traditional characters, judged from its opening."""
    scripts = [_script_of(char) for char in text[:4000] if "\u4e00" <= char <= "\u9fff"]
    return scripts.count(True) >= scripts.count(False)


@lru_cache(maxsize=65536)
def _script_of(char: str) -> Optional[bool]:
    """True for a Traditional-only character, False for a Simplified-only one, else None."""
    if converter("t2s").convert(char) != char:
        return True
    if converter("s2t").convert(char) != char:
        return False
    return None
