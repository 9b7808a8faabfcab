"""Pinyin glosses some sites print after every character: `點(diǎn)` -> `點`."""

from __future__ import annotations

import re

from digest.intake.clean.punctuation import HAN

TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
TONE_MARKS = "\u0300\u0301\u0304\u030c"  # the same tones as combining marks (decomposed text)
VOWEL = rf"(?:[aeiouüv{TONED}][{TONE_MARKS}]?)"
# One syllable: optional initial, one to four vowels, optional nasal or -r ending. It must carry
# a tone mark or ü, so `(a)`, `(de)` and English words in parentheses stay.
SYLLABLE = rf"(?:[zcs]h|[bpmfdtnlgkhjqxrzcsyw])?{VOWEL}{{1,4}}(?:ng|n|r)?"
TONED_INSIDE = rf"(?=[^)）\n]*[{TONED}{TONED.upper()}{TONE_MARKS}üÜ])"
GLOSS = rf"[(（]{TONED_INSIDE}(?i:{SYLLABLE})[)）]"
# A gloss right after a Han character, with any repeats of it (`點(diǎn)(diǎn)`). The bracket
# comes first, the lookbehind after it, so that the regex engine can skip from bracket to bracket.
PINYIN_GLOSS = re.compile(rf"[(（](?<=[{HAN}][(（]){TONED_INSIDE}(?i:{SYLLABLE})[)）](?:{GLOSS})*")


def strip_pinyin_annotations(text: str) -> str:
    """Drop toned pinyin in parentheses right after a Han character: `點(diǎn)` -> `點`."""
    return PINYIN_GLOSS.sub("", text)
