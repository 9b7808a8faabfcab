"""The cleaning pipeline: raw scraped text in, clean text and review findings out.

Order matters: bytes and encodings first, then annotations, then markup, then script,
then lost spaces (before lines are judged: `首页?要闻` is a navigation line once it reads
`首页 要闻`), then whole lines (boilerplate by rule, then what is not article text by the
main-text detector), then paragraphs, then punctuation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Union


@dataclass(frozen=True)
class Cleaned:
    """A stage's result when it has something to tell the curator besides its text."""

    text: str
    findings: tuple[str, ...] = ()


Stage = Callable[[str], Union[str, Cleaned]]
MAX_PASSES = 3


def stages(rules: dict[str, Any], script: str) -> list[Stage]:
    """The pipeline, in order. Every stage is a pure function of the text."""
    from digest.intake.clean.boilerplate import drop_boilerplate
    from digest.intake.clean.encoding import normalize_whitespace
    from digest.intake.clean.findings import find_repeated_clauses
    from digest.intake.clean.markup import strip_html_tags
    from digest.intake.clean.mojibake import repair_gbk_mojibake
    from digest.intake.clean.mojibake.lost import repair_lost_encoding
    from digest.intake.clean.mojibake.utf8 import reread_utf8_read_as_gbk
    from digest.intake.clean.pinyin import strip_pinyin_annotations
    from digest.intake.clean.prose import drop_non_prose
    from digest.intake.clean.punctuation import normalize_punctuation, restore_lost_spaces
    from digest.script import fix_phrases, to_target_script
    from digest.intake.clean.structure import join_broken_paragraphs

    return [
        normalize_whitespace,                          # CRLF, control chars, odd spaces
        reread_utf8_read_as_gbk,                       # 鍩哄眰鍏氬缓 -> 基层党建
        repair_gbk_mojibake,                           # ?鶎狱h組織 -> 基層黨組織
        strip_html_tags,                               # <p>, &nbsp; left by the scraper (before the next:
        repair_lost_encoding,                          # ï¼š -> ：, 锟斤拷 -> □ (noted)
        strip_pinyin_annotations,                      # 點(diǎn) -> 點
        partial(to_target_script, script=script),      # OpenCC, t2s by default
        partial(fix_phrases, fixes=rules["phrase_fixes"]),  # 随著 -> 随着, which OpenCC keeps
        partial(restore_lost_spaces, question_words=tuple(rules["question_words"])),  # 习近平?总书记
        partial(drop_boilerplate, rules=rules),        # nav, spam, copyright, related lists
        partial(drop_non_prose, rules=rules),          # what the main-text detector finds is not text,
        join_broken_paragraphs,                        # 的总 / 体提升。 -> 的总体提升。
        partial(drop_non_prose, rules=rules),          # and again once broken lines are joined (idempotent)
        normalize_punctuation,                         # , -> ，  inside Chinese only
        find_repeated_clauses,                         # reports, never changes
    ]


def run_stages(text: str, pipeline: list[Stage]) -> Cleaned:
    """Run each stage on the previous one's text, collecting findings in order."""
    findings: list[str] = []
    for stage in pipeline:
        result = stage(text)
        if isinstance(result, Cleaned):
            text = result.text
            findings.extend(result.findings)
        else:
            text = result
    return Cleaned(text, tuple(findings))


def clean_text(text: str, rules: dict[str, Any], script: str = "t2s") -> Cleaned:
    """Clean one article's raw text (already decoded) with the given rules: once, and again while
    a late stage has brought together encoding damage that an early one repairs, so that cleaning
    clean text changes nothing (at most MAX_PASSES; real pages take one)."""
    from digest.intake.clean.mojibake.lost import shows_latin_mojibake

    pipeline = stages(rules, script)
    cleaned = run_stages(text, pipeline)
    for _ in range(MAX_PASSES - 1):
        if "?" not in cleaned.text and not shows_latin_mojibake(cleaned.text):
            break  # a `?` left may be a lost space that a dropped line or tag has left alone
        again = run_stages(cleaned.text, pipeline)
        if again.text == cleaned.text:
            break
        cleaned = Cleaned(again.text, tuple(dict.fromkeys(cleaned.findings + again.findings)))
    return cleaned
