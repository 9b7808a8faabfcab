"""The stage: find each marker's out-of-step run, repair it when the repair reads far better,
and tell the curator what was restored or marked □."""

from __future__ import annotations

import re
from functools import cache, partial
from typing import Callable, Optional

from digest.intake.clean import Cleaned
from digest.intake.clean.mojibake.fluency import is_traditional, plausibility
from digest.intake.clean.mojibake.guesses import Repair, best_repair, reads_well
from digest.intake.clean.mojibake.regions import MARKER, SWALLOWED, regions_at, right_context, without_annotations
from digest.intake.clean.mojibake.weights import CONFIDENT, CONTEXT, LOST, WINDOW


def repair_gbk_mojibake(text: str) -> Cleaned:
    """Re-pair the bytes of out-of-step GBK runs: `堡壘?;鶎狱h組織` -> `堡壘。基層黨組織`."""
    findings: list[str] = []
    # A repair changes what follows the markers before it, so pass again until nothing
    # changes; every repair removes a marker, so this ends.
    while "?" in text or "\ufffd" in text:
        text, notes = _repair_pass(text)
        if not notes:
            break
        findings.extend(notes)
    if "?" in text or "\ufffd" in text:
        text, notes = _restore_swallowed(text)
        findings.extend(notes)
    return Cleaned(text, tuple(findings))


def _restore_swallowed(text: str) -> tuple[str, list[str]]:
    """A marker left in step before `/p>` or `hellip;` stands for a lost byte that swallowed the
    `<` or `&`: give the markup back (the markup stage removes it) and mark the lost character."""
    notes: list[str] = []

    def restore(marker: re.Match[str]) -> str:
        for ascii_byte, pattern in SWALLOWED[:2]:  # `<` and `&`, never an annotation's `(`
            if pattern.match(text, marker.end()):
                notes.append(f"乱码：“{_han_tail(text[:marker.start()], 4)}”之后有字无法还原，已用 {LOST} 标出")
                return LOST + ascii_byte
        return marker.group()

    return MARKER.sub(restore, text), notes


def _repair_pass(text: str) -> tuple[str, list[str]]:
    """One left-to-right pass over the markers: the repaired text and its findings."""
    out: list[str] = []
    findings: list[str] = []
    done = 0
    repaired_tail = ""  # the end of the output so far: context for the next region
    traditional = cache(partial(is_traditional, text))
    for marker in MARKER.finditer(text):
        start = marker.start()
        if start < done:
            continue
        # an annotation (`當(dāng)?shù)`) is no byte of the page: the marker follows its character
        before = without_annotations(text[max(done, start - 3 * CONTEXT):start])
        left = (repaired_tail + before)[-CONTEXT:]
        fixed = _fix_region(text, start, left, traditional)
        if fixed is None:
            continue
        end, replacement, note = fixed
        out += (text[done:start], replacement)
        repaired_tail = (left + replacement)[-CONTEXT:]
        findings.append(note)
        done = end
    out.append(text[done:])
    return "".join(out), findings


def _fix_region(
    text: str, start: int, left: str, traditional: Callable[[], bool]
) -> Optional[tuple[int, str, str]]:
    """(end, replacement, finding) for the region at a marker, or None to leave it."""
    regions = regions_at(text, start, left[-1:], traditional)
    if not regions:
        return None
    best = best_repair(regions, left[-WINDOW:], text)
    if best is not None and _worth_making(best, left[-WINDOW:], text):
        return _render(best, text, left)
    proven = [region.end for region in regions if region.evident]
    if proven:  # certainly garbage, but nothing reads well: keep none of it
        end = max(proven)
        return end, LOST, f"乱码：“{_han_tail(left, 4)}”之后有一段无法还原，已用 {LOST} 标出"
    return None


def _worth_making(repair: Repair, left: str, text: str) -> bool:
    """Whether the repair reads like text and, unless the region is proven mojibake,
    reads far better than the region as it stands."""
    if not reads_well(repair, left, text):
        return False
    if repair.region.evident:
        return True
    right = right_context(text, repair.region.end)
    original = text[repair.region.start:repair.region.end]
    as_is = plausibility(left + without_annotations(original) + right)
    return repair.score >= as_is + repair.region.needed


def _render(repair: Repair, text: str, left: str) -> tuple[int, str, str]:
    """The replacement text (uncertain characters as □) and the curator's note."""
    replacement = "".join(
        char if margin >= CONFIDENT else LOST
        for option, margins in zip(repair.chosen, repair.margins)
        for char, margin in zip(option, margins)
    )
    restored = repair.region.restored  # markup or an annotation's `(`: given back, not shown
    if LOST not in replacement:
        shown = _han_tail(left, 2) + replacement + _han_head(right_context(text, repair.region.end), 2)
        return repair.region.end, replacement + restored, f"乱码修复：已还原为“{shown}”，请核对"
    guesses = "；".join(dict.fromkeys(
        "/".join(ranked[:4])
        for ranked, margins in zip(repair.ranked, repair.margins)
        if min(margins) < CONFIDENT
    ))
    shown = left[-1:] + replacement + _han_head(right_context(text, repair.region.end), 1)
    note = f"乱码：{LOST} 处有字无法还原（“{shown}”，可能是 {guesses}）"
    return repair.region.end, replacement + restored, note


def _han_tail(text: str, count: int) -> str:
    """The last `count` CJK characters: context for a note, without glosses or `?`."""
    return "".join(char for char in text[-4 * count:] if char >= "\u2e80")[-count:]


def _han_head(text: str, count: int) -> str:
    """The first `count` CJK characters: context for a note, without markup."""
    return "".join(char for char in text if char >= "\u2e80")[:count]
