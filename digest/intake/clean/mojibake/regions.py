"""Finding the out-of-step runs: from a marker (`?` or U+FFFD) to a character that is back in step.

A run's characters are re-encoded to the bytes they stand for; the bytes lost at the marker
become guesses, narrowed by a pinyin fragment (`?jié)`) when the annotator left one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from digest.intake.clean.mojibake.fluency import is_plausible
from digest.intake.clean.mojibake.gbk import LEADS, ByteSpec, decode_pair, gbk_pair_bytes, readings, run_bytes
from digest.intake.clean.mojibake.weights import (CONTEXT, DROPPED_PAIR, GUESSED_BYTE, LOST, MARGIN, MAX_RESYNCS,
                                                  MAX_RUN, TONED, UNSUSPECTED_MARGIN, WINDOW)

_SYLLABLE = f"[a-zü]{{0,5}}[{TONED}][a-zü]{{0,5}}"
MARKERS = "?\ufffd"
MARKER = re.compile(f"[{MARKERS}]")
_RESYNC = re.compile(r"[\x40-\x7e]")
_FRAGMENT = re.compile(rf"([a-zü{TONED}]{{1,7}})\)")
_ANNOTATION = re.compile(rf"\(({_SYLLABLE})\)")  # toned: `(de)` could be anything
# What an end marker swallowed, told by what follows it: a tag's `<`, an entity's `&`, an
# annotation's `(`. Each is an ASCII byte below 0x40, which no GBK pair can end with.
SWALLOWED = (("<", re.compile(r"/?[A-Za-z][A-Za-z0-9]*[^<>\n]{0,200}>|!--")),
              ("&", re.compile(r"#?[A-Za-z0-9]{2,8};")),
              ("(", re.compile(rf"({_SYLLABLE})\)")))
_LINE_END = re.compile(r"\n|$|<?/(?:p|div|li|td|h[1-6])>|<?br", re.IGNORECASE)  # `<` perhaps swallowed
_ASCII_PUNCTUATION = frozenset("]),.;:!\"' ")
_TRAIL_AT_LEAD = tuple(range(0x80, 0xFF))  # a trail byte where a lead was expected


@dataclass(frozen=True)
class Region:
    """One way to read a marker and what follows it as an out-of-step run."""

    start: int                    # index of the marker
    end: int                      # index just past the resync character
    template: tuple[ByteSpec, ...]  # the original bytes; tuples are guesses for lost ones
    prior: float
    evident: bool                 # a pinyin fragment proves this is mojibake
    needed: float                 # what a repair must gain over the text as it stands
    traditional: bool             # the page's script, which guessed characters should match
    reading: Optional[str]        # annotation right after the resync character
    restored: str = ""            # the ASCII byte an end marker swallowed (`?/p>` lost its `<`)


def regions_at(text: str, start: int, before: str, traditional: Callable[[], bool]) -> list[Region]:
    """Readings of the text after a marker as an out-of-step run, one per resync point."""
    pre = gbk_pair_bytes(before) if before else None
    # after ASCII punctuation (`[2]?;鶎`) the run may start too, but no fragment can be read
    if pre is None and not (before and before in _ASCII_PUNCTUATION):
        return []
    if not _RESYNC.search(text, start + 1, start + 2 + MAX_RUN) and not MARKER.search(text, start + 2, start + 2 + MAX_RUN):
        return []
    position, lost = _lost_lead(text, _after_marker(text, start), pre[1] if pre else None)
    run = _Run()
    found: list[Region] = []
    while position < len(text) and position - start <= MAX_RUN and len(found) < MAX_RESYNCS:
        annotation = _ANNOTATION.match(text, position) if run.body else None
        if annotation:  # the annotator's note on a misread pair: not part of the bytes
            run.annotated = True
            position = annotation.end()
            continue
        char = text[position]
        if "\x40" <= char <= "\x7e":
            region = _region(text, start, position, lost, run, traditional)
            if region is not None:
                found.append(region)
        elif char in MARKERS and (run.body or lost.leads):
            ended = _regions_to_marker(text, start, position, lost, run, traditional)
            found += ended
            if any(region.restored for region in ended):  # `?/p>`: the run surely ends here
                break
        if not run.take(char):
            break
        position += 1
    return found


@dataclass
class _Run:
    """The bytes an out-of-step run stands for, and how suspicious it looks."""

    body: bytearray = field(default_factory=bytearray)
    characters: str = ""          # the non-ASCII ones
    first_is_ascii: Optional[bool] = None
    annotated: bool = False
    doubled: bool = False         # a `?` in the run: `??h` is two lost bytes, not a question

    def take(self, char: str) -> bool:
        """Add a character; False if it cannot be part of a run. The lost-text mark (□) ends a run as
        the U+FFFD it replaced did: a second cleaning must read the text as the first did."""
        encoded = None if char == LOST else run_bytes(char)
        if encoded is None:
            return False
        if self.first_is_ascii is None:
            self.first_is_ascii = char.isascii()
        if not char.isascii():
            self.characters += char
        self.doubled |= char == "?"
        self.body += encoded
        return True

    @property
    def suspicious(self) -> bool:
        """Rare characters and symbols where words should be: what misread pairs look like."""
        garbage = sum(not is_plausible(char) for char in self.characters)
        return self.annotated or self.doubled or garbage >= max(1, len(self.characters) / 4)


def _after_marker(text: str, start: int) -> int:
    """Where the run starts: a decoder that writes U+FFFD keeps the `(` the lost byte took."""
    if text[start] == "\ufffd" and text.startswith("(", start + 1):
        return start + 2
    return start + 1


@dataclass(frozen=True)
class _Lost:
    """The lead byte behind the marker, when a pinyin fragment after it names candidates."""

    leads: tuple[int, ...] = ()
    proven: bool = False  # a toned reading: nothing but mojibake leaves `?jié)` behind


def _lost_lead(text: str, position: int, trail: Optional[int]) -> tuple[int, _Lost]:
    """Where the run starts, and the lead bytes a `jié)` fragment there allows.

    The annotator read (previous trail byte, lost lead byte) as one character and wrote
    its reading, so the reading narrows the lost byte down to a few values.
    """
    fragment = _FRAGMENT.match(text, position) if trail is not None else None
    if fragment is None:
        return position, _Lost()
    reading = fragment.group(1)
    leads = tuple(lead for lead in LEADS if reading in readings(decode_pair(trail, lead)))
    if not leads:
        return position, _Lost()
    return fragment.end(), _Lost(leads, proven=any(char in TONED for char in reading))


def _head(leads: tuple[int, ...], first_is_ascii: Optional[bool]) -> tuple[ByteSpec, ...]:
    """The lost bytes in front of the run, as guesses."""
    if leads:
        return (leads,)
    if first_is_ascii:  # `?;`: the marker is a lone byte before a normalised A3 xx pair
        return (LEADS,)
    # `?鶎`: the A3 xx pair after the marker went missing, normalised and then lost,
    # or dropped as undecodable
    return (LEADS, 0xA3, LEADS)


def _region(
    text: str, start: int, resync: int, lost: _Lost, run: _Run, traditional: Callable[[], bool]
) -> Optional[Region]:
    """The run up to a resync character as a region, if it could be mojibake at all."""
    leads = lost.leads
    head = _head(leads, run.first_is_ascii)
    suspicious = run.suspicious
    # a longer all-ASCII run (`?Python`) is English, not misread pairs (`?kS著`)
    if not (leads or suspicious or not run.characters and len(run.body) <= 4):
        return None
    reading = _ANNOTATION.match(text, resync + 1)
    prior = _prior(leads, head)
    return Region(
        start=start,
        end=resync + 1,
        template=(*head, *run.body, ord(text[resync])),
        prior=prior,
        evident=(lost.proven or run.annotated or _lone_letter_after_markers(text, resync, run)
                 or _annotation_fits_resync(head, run, text[resync], reading)),
        needed=MARGIN if suspicious or leads else UNSUSPECTED_MARGIN,
        traditional=traditional(),
        reading=reading.group(1) if reading else None,
    )


def _annotation_fits_resync(
    head: tuple[ByteSpec, ...], run: _Run, resync: str, reading: Optional[re.Match[str]]
) -> bool:
    """`”?,F(xiàn)在`: the annotator glosses Han characters, never a Latin letter, so a toned
    reading after the resync letter that fits the character it ends (`現` = AC 46) proves the run."""
    template = (*head, *run.body, ord(resync))
    last_lead = template[-2] if len(template) % 2 == 0 else None
    return (reading is not None and isinstance(last_lead, int)
            and reading.group(1) in readings(decode_pair(last_lead, ord(resync))))


def _lone_letter_after_markers(text: str, resync: int, run: _Run) -> bool:
    """`調研??h領導`: two markers and one Latin letter inside Han text is no question, it is
    a lost byte, a misread `？` and a trail byte (`。縣` out of step)."""
    return (run.doubled and not run.characters and text[resync].isalpha()
            and "\u4e00" <= text[resync + 1:resync + 2] <= "\u9fff")


def _regions_to_marker(
    text: str, start: int, marker: int, lost: _Lost, run: _Run, traditional: Callable[[], bool]
) -> list[Region]:
    """The run ended by a second marker: the last trail byte met an ASCII byte below 0x40 (or
    none) where a lead was expected, the decoder wrote one marker for both, and the text after
    it is in step. `螅?/p>` is `？</p>`, `瑢?shí)` is `實(shí)`, `判?、` is `心、`."""
    swallowed, reading = "", None
    for ascii_byte, pattern in SWALLOWED:
        follows = pattern.match(text, marker + 1)
        if follows:
            swallowed = ascii_byte
            reading = follows.group(1) if ascii_byte == "(" else None
            break
    if not (lost.leads or run.suspicious or swallowed):  # `?/p>` is damage whatever came before
        return []
    heads = [(_head(lost.leads, run.first_is_ascii), 0.0)]
    if not lost.leads and not run.first_is_ascii:  # `?！?/p>`: a lone lost byte before `！`,
        heads = [(heads[0][0], DROPPED_PAIR), ((LEADS,), 0.0)]  # likelier than a lost pair
    return [Region(start=start, end=marker + 1, template=(*head, *run.body, _TRAIL_AT_LEAD),
                   prior=_prior(lost.leads, head) + GUESSED_BYTE + missing,
                   evident=lost.proven or run.annotated or bool(swallowed),
                   needed=MARGIN, traditional=traditional(), reading=reading, restored=swallowed)
            for head, missing in heads]


def _prior(leads: tuple[int, ...], head: tuple[ByteSpec, ...]) -> float:
    """Log prior of the lost bytes in front of the run."""
    if leads:
        return math.log(1 / len(leads))
    return GUESSED_BYTE * sum(1 for spec in head if isinstance(spec, tuple))


def right_context(text: str, end: int) -> str:
    """A few characters after the region, without the annotation of its last character."""
    annotation = _ANNOTATION.match(text, end)
    if annotation:
        end = annotation.end()
    elif text[end - 1:end] in MARKERS and (fragment := _FRAGMENT.match(text, end)):
        end = fragment.end()  # the reading of the run's last character, its `(` swallowed
    if _LINE_END.match(text, end):  # a closing block tag or a line break: the sentence ended
        return "\n"
    return without_annotations(text[end:end + CONTEXT])[:WINDOW]


def without_annotations(text: str) -> str:
    """The text without its toned pinyin annotations."""
    return _ANNOTATION.sub("", text)
