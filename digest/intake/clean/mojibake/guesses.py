"""Choosing the lost bytes of a run: every candidate character, scored in its context.

Each pair of the run's bytes is a slot; a slot with a guessed byte has several candidate
characters. The slots are filled by coordinate ascent on how well their window reads, and
characters that no common word holds are tried as two fused by a dropped (undecodable) pair.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable, Iterator, Optional, Sequence

from digest.intake.clean.mojibake.fluency import (is_plausible, lexicon, off_script, plausibility,
                                                  segmentation, simplified_text)
from digest.intake.clean.mojibake.gbk import LEADS, ByteSpec, decode_pair, droppable_trails, options, readings
from digest.intake.clean.mojibake.regions import Region, right_context
from digest.intake.clean.mojibake.weights import (CONFIDENT, DROPPED_PAIR, GARBAGE_AVERAGE, LOST, MAX_DROPS, WINDOW,
                                                  WRONG_READING)

Guess = tuple[str, int]                 # a character and the lost byte it implies


@dataclass(frozen=True)
class Slot:
    """One character (two for a dropped pair) of the repaired text, with its candidates."""

    options: tuple[str, ...]
    lead: ByteSpec = ()
    trail: ByteSpec = ()

    @property
    def restorable(self) -> bool:
        """One character with a surviving trail byte: it may be two fused by a dropped pair."""
        return isinstance(self.trail, int) and 0 < len(options(self.lead)) <= 16


@dataclass(frozen=True)
class Repair:
    """The best reading of a region: chosen text per slot, the runners-up, the score."""

    region: Region
    slots: tuple[Slot, ...]
    chosen: tuple[str, ...]
    ranked: tuple[tuple[str, ...], ...]   # candidates per slot, best first
    margins: tuple[tuple[float, ...], ...]  # per slot, per character: lead over the runner-up
    score: float


def best_repair(regions: list[Region], left: str, text: str) -> Optional[Repair]:
    """The highest-scoring repair over every reading of the marker's region."""
    repairs = sorted((repair for region in regions
                      if (repair := _repair_region(region, left, right_context(text, region.end)))),
                     key=_score, reverse=True)
    if len(repairs) > 1 and _rival(repairs[0], repairs[1]):
        return replace(repairs[0], margins=tuple((0.0,) * len(chosen) for chosen in repairs[0].chosen),
                       ranked=tuple((*ranked, "".join(repairs[1].chosen)) for ranked in repairs[0].ranked))
    return repairs[0] if repairs else None


def _rival(best: Repair, second: Repair) -> bool:
    """Another reading of the same marker, as likely and saying something else: neither is sure."""
    return (best.score - second.score < CONFIDENT and best.region.end == second.region.end
            and "".join(best.chosen) != "".join(second.chosen))


def _score(repair: Repair) -> float:
    return repair.score


def _repair_region(region: Region, left: str, right: str) -> Optional[Repair]:
    """The best reading of one region, restoring dropped pairs one at a time while that helps."""
    slots = tuple(_pair_slot(region.template[i], region.template[i + 1])
                  for i in range(0, len(region.template) - 1, 2))
    best = _fill(region, slots, region.prior, left, right)
    prior = region.prior
    for _ in range(MAX_DROPS):
        prior += DROPPED_PAIR
        chosen = best.chosen if best else tuple(_placeholder(slot) for slot in slots)
        trials = (_fill(region, restored, prior, left, right)
                  for restored in _with_a_drop(slots, chosen, left, right, region.reading))
        trial = max((trial for trial in trials if trial), key=_score, default=None)
        if trial is None or best is not None and trial.score <= best.score:
            break
        best, slots = trial, trial.slots
    return best


@lru_cache(maxsize=4096)
def _pair_slot(lead: ByteSpec, trail: ByteSpec) -> Slot:
    """The character two bytes make; for guessed bytes, every plausible one."""
    if isinstance(lead, int) and isinstance(trail, int):
        char = decode_pair(lead, trail)
        return Slot((char,) if char else (), lead, trail)
    found = (decode_pair(a, b) for a in options(lead) for b in options(trail))
    return Slot(tuple(dict.fromkeys(char for char in found if is_plausible(char))), lead, trail)


def _placeholder(slot: Slot) -> str:
    return slot.options[0] if len(slot.options) == 1 else LOST


def _with_a_drop(
    slots: tuple[Slot, ...], chosen: tuple[str, ...], left: str, right: str, reading: Optional[str]
) -> Iterator[tuple[Slot, ...]]:
    """The slots with one character split into the two a dropped pair had fused.

    Only characters that no common word holds are tried: a fused character rarely makes one.
    """
    loose = _loose_characters(left, chosen, right)
    for index, slot in enumerate(slots):
        if not slot.restorable or index not in loose:
            continue
        before = (left + "".join(chosen[:index]))[-WINDOW:]
        after = ("".join(chosen[index + 1:]) + right)[:WINDOW]
        last = index == len(slots) - 1
        split = _dropped_pair_slot(slot, before, after, reading if last else None)
        if split.options:
            yield (*slots[:index], split, *slots[index + 1:])


def _loose_characters(left: str, chosen: tuple[str, ...], right: str) -> set[int]:
    """Indexes of one-character slots that are not part of a common word in context."""
    _, words = segmentation(left + "".join(chosen) + right)
    held = {position for begin, end in words for position in range(begin, end)}
    loose = set()
    position = len(left)
    for index, text in enumerate(chosen):
        if len(text) == 1 and position not in held:
            loose.add(index)
        position += len(text)
    return loose


def _dropped_pair_slot(slot: Slot, before: str, after: str, reading: Optional[str]) -> Slot:
    """Two characters whose middle bytes (trail, lead) made no GBK character and were dropped.

    The fused character kept the first one's lead byte and the second one's trail byte.
    """
    firsts, seconds = _split_guesses(slot.lead, slot.trail, reading)
    words = [(first, second) for first in firsts for second in seconds
             if simplified_text(first[0] + second[0]) in lexicon().logp]
    firsts = _shortlist(firsts, lambda char: before + char + LOST)
    seconds = _shortlist(seconds, lambda char: LOST + char + after)
    pairs = dict.fromkeys([*words, *((first, second) for first in firsts for second in seconds)])
    fused = tuple(first + second for (first, lost_trail), (second, lost_lead) in pairs
                  if decode_pair(lost_trail, lost_lead) is None)
    return Slot(fused)


@lru_cache(maxsize=4096)
def _split_guesses(
    lead: ByteSpec, trail: ByteSpec, reading: Optional[str]
) -> tuple[tuple[Guess, ...], tuple[Guess, ...]]:
    """Plausible first characters (with their lost trail) and second ones (with their lost lead)."""
    firsts = [(char, lost) for first in options(lead) for lost in droppable_trails()
              if is_plausible(char := decode_pair(first, lost))]
    seconds = [(char, lost) for lost in LEADS for last in options(trail)
               if is_plausible(char := decode_pair(lost, last))]
    return tuple(firsts), tuple(_reading_fits(seconds, reading))


def _reading_fits(guesses: Sequence[Guess], reading: Optional[str]) -> Sequence[Guess]:
    """Guesses an annotation's reading allows; all of them if it allows none."""
    fitting = [guess for guess in guesses if reading in readings(guess[0])]
    return fitting or guesses


def _shortlist(
    guesses: Sequence[Guess], window: Callable[[str], str], keep: int = 8
) -> list[Guess]:
    """The guesses that read best in their window."""
    return sorted(guesses, key=lambda guess: plausibility(window(guess[0])), reverse=True)[:keep]


def _fill(
    region: Region, slots: tuple[Slot, ...], prior: float, left: str, right: str
) -> Optional[Repair]:
    """Choose each open slot's text by coordinate ascent on the plausibility of its window."""
    slots, mismatch = _constrain_last(slots, region.reading)
    if not all(slot.options for slot in slots):
        return None
    chosen = [_placeholder(slot) for slot in slots]
    open_slots = [index for index, slot in enumerate(slots) if len(slot.options) > 1]
    ranked: dict[int, list[tuple[float, str]]] = {}
    for _ in range(2):
        for index in open_slots:
            before = (left + "".join(chosen[:index]))[-WINDOW:]
            after = ("".join(chosen[index + 1:]) + right)[:WINDOW]
            ranked[index] = sorted(
                ((plausibility(before + option + after)
                  + off_script(option, region.traditional), option)
                 for option in slots[index].options),
                reverse=True,
            )
            chosen[index] = ranked[index][0][1]
    return Repair(
        region=region,
        slots=slots,
        chosen=tuple(chosen),
        ranked=tuple(tuple(option for _, option in ranked.get(i, ())) for i in range(len(slots))),
        margins=tuple(_margins(ranked[i]) if i in ranked else (math.inf,) * len(chosen[i])
                      for i in range(len(slots))),
        score=plausibility(left + "".join(chosen) + right) + prior + mismatch
        + sum(off_script(chosen[index], region.traditional) for index in open_slots),
    )


def _constrain_last(
    slots: tuple[Slot, ...], reading: Optional[str]
) -> tuple[tuple[Slot, ...], float]:
    """Keep the last slot's candidates that fit the annotation after it; penalise if none do."""
    last = slots[-1]
    if reading is None:
        return slots, 0.0
    fitting = tuple(option for option in last.options if reading in readings(option[-1]))
    if not fitting:
        return slots, WRONG_READING
    return (*slots[:-1], replace(last, options=fitting)), 0.0


def reads_well(repair: Repair, left: str, text: str) -> bool:
    """Whether the repaired characters cost what ordinary text costs, not what garbage does."""
    right = right_context(text, repair.region.end)
    repaired = "".join(repair.chosen)
    cost = plausibility(left + repaired + right) - plausibility(left + right)
    return cost / len(repaired) >= GARBAGE_AVERAGE


def _margins(scored: list[tuple[float, str]]) -> tuple[float, ...]:
    """For each character of the best candidate, its lead over the best one that differs there."""
    best_score, best = scored[0]
    plain = simplified_text(best)
    return tuple(
        next((best_score - score for score, option in scored[1:]
              if simplified_text(option)[position:position + 1] != plain[position]), math.inf)
        for position in range(len(best))
    )
