"""Repair GBK mojibake: spans of a page that were decoded one byte out of step.

How the damage looks: the page was GBK. Somewhere a lead byte was lost (it shows as `?`
or U+FFFD), and from there on the decoder paired each character's trail byte with the
next character's lead byte, producing a run of unrelated, mostly rare characters
(`鶎狱`), until a trail byte in 0x40-0x7E came up where a lead byte was expected: it
decodes as a lone ASCII character (`h`) and the text is in step again. Tools that ran on
the out-of-step text left more traces: a pinyin annotator appended `(reading)` after a
misread pair (the `(` went with the lost byte, leaving `?qū)`), a half-width normaliser
turned misread full-width pairs (A3 xx) into ASCII (`;`), and pairs that are not GBK
characters at all were dropped.

Re-encoding the run and pairing its bytes the other way round gives the text back;
the bytes that were lost are guessed from the pinyin fragment and from which guess makes
Chinese words, scored with jieba's word frequencies. A repair is only made when it reads
far better than the text as it stands; characters that cannot be guessed with confidence
become □, and the curator gets a finding either way.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache, partial
from importlib import resources
from typing import Callable, Iterator, Optional, Sequence, Union

from digest.intake.clean import Cleaned
from digest.script import converter

LOST = "□"
CONTEXT = 8           # characters of output kept as context for the next region
WINDOW = 4            # characters either side that can share a word with a repaired one
MAX_RUN = 40          # characters between the marker and the resync character
MAX_RESYNCS = 2       # ASCII characters in a run tried as the point where it is back in step
MAX_DROPS = 4         # dropped (undecodable) pairs restored in one run
MARGIN = 6.0          # nats a repair must gain over leaving the text alone
UNSUSPECTED_MARGIN = 10.0  # the same when nothing in the run looks misread (`?kS著`)
OFF_SCRIPT = -3.0     # a guessed character the page's script would write otherwise
CONFIDENT = 2.0       # nats the best guess for a lost character must lead the next one by
GUESSED_BYTE = -1.0   # log prior of a byte guessed with nothing but the words to go on
DROPPED_PAIR = -3.0   # log prior of a dropped pair: about one misread pair in twelve
WRONG_READING = -12.0  # the character's pinyin annotation names another character
COMMON_WORD = -11.0   # log probability of a word common enough to vouch for its characters
GARBAGE_CHAR = -14.0  # unigram log probability below which a character counts as garbage
GARBAGE_AVERAGE = -4.0  # per repaired character, in context; garbage runs cost -8 and less
FLUENT_CHAR = 7.0     # what a character of ordinary text costs: scores are relative to it
PUNCT_COST = -7.0
COMMON_PUNCT_COST = -5.0  # 。 and ， are as common as 的
ASCII_COST = -10.0

TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_SYLLABLE = f"[a-zü]{{0,5}}[{TONED}][a-zü]{{0,5}}"
_MARKER = re.compile("[?\ufffd]")
_RESYNC = re.compile(r"[\x40-\x7e]")
_FRAGMENT = re.compile(rf"([a-zü{TONED}]{{1,7}})\)")
_ANNOTATION = re.compile(rf"\(({_SYLLABLE})\)")  # toned: `(de)` could be anything
_COMMON_PUNCTUATION = frozenset("。，")
_PUNCTUATION = frozenset("。，、；：？！“”‘’（）《》〈〉【】「」『』—…·,.;:?!()[]\"'")
_LEADS = tuple(range(0x81, 0xFF))
_TRAILS = (*range(0x40, 0x7F), *range(0x80, 0xFF))

ByteSpec = Union[int, tuple[int, ...]]  # a known byte, or the values a lost one may have
Guess = tuple[str, int]                 # a character and the lost byte it implies


@dataclass(frozen=True)
class _Region:
    """One way to read a marker and what follows it as an out-of-step run."""

    start: int                    # index of the marker
    end: int                      # index just past the resync character
    template: tuple[ByteSpec, ...]  # the original bytes; tuples are guesses for lost ones
    prior: float
    evident: bool                 # a pinyin fragment proves this is mojibake
    needed: float                 # what a repair must gain over the text as it stands
    traditional: bool             # the page's script, which guessed characters should match
    reading: Optional[str]        # annotation right after the resync character


@dataclass(frozen=True)
class _Slot:
    """One character (two for a dropped pair) of the repaired text, with its candidates."""

    options: tuple[str, ...]
    lead: ByteSpec = ()
    trail: ByteSpec = ()

    @property
    def restorable(self) -> bool:
        """One character with a surviving trail byte: it may be two fused by a dropped pair."""
        return isinstance(self.trail, int) and 0 < len(_options(self.lead)) <= 16


@dataclass(frozen=True)
class _Repair:
    """The best reading of a region: chosen text per slot, the runners-up, the score."""

    region: _Region
    slots: tuple[_Slot, ...]
    chosen: tuple[str, ...]
    ranked: tuple[tuple[str, ...], ...]   # candidates per slot, best first
    margins: tuple[tuple[float, ...], ...]  # per slot, per character: lead over the runner-up
    score: float


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
    return Cleaned(text, tuple(findings))


def _repair_pass(text: str) -> tuple[str, list[str]]:
    """One left-to-right pass over the markers: the repaired text and its findings."""
    out: list[str] = []
    findings: list[str] = []
    done = 0
    repaired_tail = ""  # the end of the output so far: context for the next region
    traditional = cache(partial(_is_traditional, text))
    for marker in _MARKER.finditer(text):
        start = marker.start()
        if start < done:
            continue
        left = (repaired_tail + text[max(done, start - CONTEXT):start])[-CONTEXT:]
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
    regions = _regions(text, start, left[-1:], traditional)
    if not regions:
        return None
    best = _best_repair(regions, left[-WINDOW:], text)
    if best is not None and _worth_making(best, left[-WINDOW:], text):
        return _render(best, text, left)
    proven = [region.end for region in regions if region.evident]
    if proven:  # certainly garbage, but nothing reads well: keep none of it
        end = max(proven)
        return end, LOST, f"乱码：“{_han_tail(left, 4)}”之后有一段无法还原，已用 {LOST} 标出"
    return None


def _worth_making(repair: _Repair, left: str, text: str) -> bool:
    """Whether the repair reads like text and, unless the region is proven mojibake,
    reads far better than the region as it stands."""
    if not _reads_well(repair, left, text):
        return False
    if repair.region.evident:
        return True
    right = _right_context(text, repair.region.end)
    original = text[repair.region.start:repair.region.end]
    as_is = _plausibility(left + _without_annotations(original) + right)
    return repair.score >= as_is + repair.region.needed


# --- finding the regions --------------------------------------------------------------


def _regions(text: str, start: int, before: str, traditional: Callable[[], bool]) -> list[_Region]:
    """Readings of the text after a marker as an out-of-step run, one per resync point."""
    pre = _gbk_pair_bytes(before) if before else None
    if pre is None or not _RESYNC.search(text, start + 1, start + 2 + MAX_RUN):
        return []
    position, lost = _lost_lead(text, _after_marker(text, start), pre[1])
    run = _Run()
    regions: list[_Region] = []
    while position < len(text) and position - start <= MAX_RUN and len(regions) < MAX_RESYNCS:
        annotation = _ANNOTATION.match(text, position) if run.body else None
        if annotation:  # the annotator's note on a misread pair: not part of the bytes
            run.annotated = True
            position = annotation.end()
            continue
        char = text[position]
        if "\x40" <= char <= "\x7e":
            region = _region(text, start, position, lost, run, traditional)
            if region is not None:
                regions.append(region)
        if not run.take(char):
            break
        position += 1
    return regions


@dataclass
class _Run:
    """The bytes an out-of-step run stands for, and how suspicious it looks."""

    body: bytearray = field(default_factory=bytearray)
    characters: str = ""          # the non-ASCII ones
    first_is_ascii: Optional[bool] = None
    annotated: bool = False

    def take(self, char: str) -> bool:
        """Add a character; False if it cannot be part of a run."""
        encoded = _run_bytes(char)
        if encoded is None:
            return False
        if self.first_is_ascii is None:
            self.first_is_ascii = char.isascii()
        if not char.isascii():
            self.characters += char
        self.body += encoded
        return True

    @property
    def suspicious(self) -> bool:
        """Rare characters and symbols where words should be: what misread pairs look like."""
        garbage = sum(not _is_plausible(char) for char in self.characters)
        return self.annotated or garbage >= max(1, len(self.characters) / 4)


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


def _lost_lead(text: str, position: int, trail: int) -> tuple[int, _Lost]:
    """Where the run starts, and the lead bytes a `jié)` fragment there allows.

    The annotator read (previous trail byte, lost lead byte) as one character and wrote
    its reading, so the reading narrows the lost byte down to a few values.
    """
    fragment = _FRAGMENT.match(text, position)
    if fragment is None:
        return position, _Lost()
    reading = fragment.group(1)
    leads = tuple(lead for lead in _LEADS if reading in _readings(_decode_pair(trail, lead)))
    if not leads:
        return position, _Lost()
    return fragment.end(), _Lost(leads, proven=any(char in TONED for char in reading))


def _head(leads: tuple[int, ...], first_is_ascii: Optional[bool]) -> tuple[ByteSpec, ...]:
    """The lost bytes in front of the run, as guesses."""
    if leads:
        return (leads,)
    if first_is_ascii:  # `?;`: the marker is a lone byte before a normalised A3 xx pair
        return (_LEADS,)
    # `?鶎`: the A3 xx pair after the marker went missing, normalised and then lost,
    # or dropped as undecodable
    return (_LEADS, 0xA3, _LEADS)


def _region(
    text: str, start: int, resync: int, lost: _Lost, run: _Run, traditional: Callable[[], bool]
) -> Optional[_Region]:
    """The run up to a resync character as a region, if it could be mojibake at all."""
    leads = lost.leads
    head = _head(leads, run.first_is_ascii)
    suspicious = run.suspicious
    # a longer all-ASCII run (`?Python`) is English, not misread pairs (`?kS著`)
    if not (leads or suspicious or not run.characters and len(run.body) <= 4):
        return None
    reading = _ANNOTATION.match(text, resync + 1)
    guesses = sum(1 for spec in head if isinstance(spec, tuple))
    prior = math.log(1 / len(leads)) if leads else guesses * GUESSED_BYTE
    return _Region(
        start=start,
        end=resync + 1,
        template=(*head, *run.body, ord(text[resync])),
        prior=prior,
        evident=lost.proven or run.annotated,
        needed=MARGIN if suspicious or leads else UNSUSPECTED_MARGIN,
        traditional=traditional(),
        reading=reading.group(1) if reading else None,
    )


def _run_bytes(char: str) -> Optional[bytes]:
    """The bytes a run character stands for; ASCII stands for a normalised full-width pair.

    A misread pair is (trail byte, lead byte), so its second byte is always 0x81 or above.
    """
    if "\x21" <= char <= "\x7e":
        return bytes((0xA3, ord(char) | 0x80))
    encoded = _gbk_pair_bytes(char)
    return encoded if encoded is not None and encoded[1] >= 0x81 else None


def _right_context(text: str, end: int) -> str:
    """A few characters after the region, without the annotation of its last character."""
    annotation = _ANNOTATION.match(text, end)
    if annotation:
        end = annotation.end()
    return _without_annotations(text[end:end + CONTEXT])[:WINDOW]


def _without_annotations(text: str) -> str:
    return _ANNOTATION.sub("", text)


# --- choosing the lost bytes ----------------------------------------------------------


def _best_repair(regions: list[_Region], left: str, text: str) -> Optional[_Repair]:
    """The highest-scoring repair over every reading of the marker's region."""
    repairs = (_repair_region(region, left, _right_context(text, region.end)) for region in regions)
    return max((repair for repair in repairs if repair), key=_score, default=None)


def _score(repair: _Repair) -> float:
    return repair.score


def _repair_region(region: _Region, left: str, right: str) -> Optional[_Repair]:
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
def _pair_slot(lead: ByteSpec, trail: ByteSpec) -> _Slot:
    """The character two bytes make; for guessed bytes, every plausible one."""
    if isinstance(lead, int) and isinstance(trail, int):
        char = _decode_pair(lead, trail)
        return _Slot((char,) if char else (), lead, trail)
    found = (_decode_pair(a, b) for a in _options(lead) for b in _options(trail))
    return _Slot(tuple(dict.fromkeys(char for char in found if _is_plausible(char))), lead, trail)


def _options(spec: ByteSpec) -> tuple[int, ...]:
    return spec if isinstance(spec, tuple) else (spec,)


def _placeholder(slot: _Slot) -> str:
    return slot.options[0] if len(slot.options) == 1 else LOST


def _with_a_drop(
    slots: tuple[_Slot, ...], chosen: tuple[str, ...], left: str, right: str, reading: Optional[str]
) -> Iterator[tuple[_Slot, ...]]:
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
    _, words = _segmentation(left + "".join(chosen) + right)
    held = {position for begin, end in words for position in range(begin, end)}
    loose = set()
    position = len(left)
    for index, text in enumerate(chosen):
        if len(text) == 1 and position not in held:
            loose.add(index)
        position += len(text)
    return loose


def _dropped_pair_slot(slot: _Slot, before: str, after: str, reading: Optional[str]) -> _Slot:
    """Two characters whose middle bytes (trail, lead) made no GBK character and were dropped.

    The fused character kept the first one's lead byte and the second one's trail byte.
    """
    firsts, seconds = _split_guesses(slot.lead, slot.trail, reading)
    words = [(first, second) for first in firsts for second in seconds
             if _simplified_text(first[0] + second[0]) in _lexicon().logp]
    firsts = _shortlist(firsts, lambda char: before + char + LOST)
    seconds = _shortlist(seconds, lambda char: LOST + char + after)
    pairs = dict.fromkeys([*words, *((first, second) for first in firsts for second in seconds)])
    options = tuple(first + second for (first, lost_trail), (second, lost_lead) in pairs
                    if _decode_pair(lost_trail, lost_lead) is None)
    return _Slot(options)


@lru_cache(maxsize=4096)
def _split_guesses(
    lead: ByteSpec, trail: ByteSpec, reading: Optional[str]
) -> tuple[tuple[Guess, ...], tuple[Guess, ...]]:
    """Plausible first characters (with their lost trail) and second ones (with their lost lead)."""
    firsts = [(char, lost) for first in _options(lead) for lost in _droppable_trails()
              if _is_plausible(char := _decode_pair(first, lost))]
    seconds = [(char, lost) for lost in _LEADS for last in _options(trail)
               if _is_plausible(char := _decode_pair(lost, last))]
    return tuple(firsts), tuple(_reading_fits(seconds, reading))


def _reading_fits(guesses: Sequence[Guess], reading: Optional[str]) -> Sequence[Guess]:
    """Guesses an annotation's reading allows; all of them if it allows none."""
    fitting = [guess for guess in guesses if reading in _readings(guess[0])]
    return fitting or guesses


def _shortlist(
    guesses: Sequence[Guess], window: Callable[[str], str], keep: int = 8
) -> list[Guess]:
    """The guesses that read best in their window."""
    return sorted(guesses, key=lambda guess: _plausibility(window(guess[0])), reverse=True)[:keep]


@lru_cache(maxsize=1)
def _droppable_trails() -> tuple[int, ...]:
    """Trail bytes that some lead byte after them turns into a pair GBK cannot decode."""
    return tuple(trail for trail in _TRAILS
                 if trail >= 0x80 and any(_decode_pair(trail, lead) is None for lead in _LEADS))


@lru_cache(maxsize=65536)
def _is_plausible(char: Optional[str]) -> bool:
    """Whether real text could hold this character at a lost position."""
    if char is None:
        return False
    if char in _PUNCTUATION:
        return not char.isascii()
    return "\u4e00" <= char <= "\u9fff" and _unigram(char) >= GARBAGE_CHAR


def _fill(
    region: _Region, slots: tuple[_Slot, ...], prior: float, left: str, right: str
) -> Optional[_Repair]:
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
                ((_plausibility(before + option + after)
                  + _off_script(option, region.traditional), option)
                 for option in slots[index].options),
                reverse=True,
            )
            chosen[index] = ranked[index][0][1]
    return _Repair(
        region=region,
        slots=slots,
        chosen=tuple(chosen),
        ranked=tuple(tuple(option for _, option in ranked.get(i, ())) for i in range(len(slots))),
        margins=tuple(_margins(ranked[i]) if i in ranked else (math.inf,) * len(chosen[i])
                      for i in range(len(slots))),
        score=_plausibility(left + "".join(chosen) + right) + prior + mismatch
        + sum(_off_script(chosen[index], region.traditional) for index in open_slots),
    )


def _constrain_last(
    slots: tuple[_Slot, ...], reading: Optional[str]
) -> tuple[tuple[_Slot, ...], float]:
    """Keep the last slot's candidates that fit the annotation after it; penalise if none do."""
    last = slots[-1]
    if reading is None:
        return slots, 0.0
    fitting = tuple(option for option in last.options if reading in _readings(option[-1]))
    if not fitting:
        return slots, WRONG_READING
    return (*slots[:-1], replace(last, options=fitting)), 0.0


def _reads_well(repair: _Repair, left: str, text: str) -> bool:
    """Whether the repaired characters cost what ordinary text costs, not what garbage does."""
    right = _right_context(text, repair.region.end)
    repaired = "".join(repair.chosen)
    cost = _plausibility(left + repaired + right) - _plausibility(left + right)
    return cost / len(repaired) >= GARBAGE_AVERAGE


def _margins(scored: list[tuple[float, str]]) -> tuple[float, ...]:
    """For each character of the best candidate, its lead over the best one that differs there."""
    best_score, best = scored[0]
    plain = _simplified_text(best)
    return tuple(
        next((best_score - score for score, option in scored[1:]
              if _simplified_text(option)[position:position + 1] != plain[position]), math.inf)
        for position in range(len(best))
    )


# --- writing the repair ---------------------------------------------------------------


def _render(repair: _Repair, text: str, left: str) -> tuple[int, str, str]:
    """The replacement text (uncertain characters as □) and the curator's note."""
    replacement = "".join(
        char if margin >= CONFIDENT else LOST
        for option, margins in zip(repair.chosen, repair.margins)
        for char, margin in zip(option, margins)
    )
    if LOST not in replacement:
        shown = _han_tail(left, 2) + replacement + _right_context(text, repair.region.end)[:2]
        return repair.region.end, replacement, f"乱码修复：已还原为“{shown}”，请核对"
    guesses = "；".join(dict.fromkeys(
        "/".join(ranked[:4])
        for ranked, margins in zip(repair.ranked, repair.margins)
        if min(margins) < CONFIDENT
    ))
    shown = left[-1:] + replacement + _right_context(text, repair.region.end)[:1]
    note = f"乱码：{LOST} 处有字无法还原（“{shown}”，可能是 {guesses}）"
    return repair.region.end, replacement, note


# --- scoring --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Lexicon:
    logp: dict[str, float]
    unknown: float
    longest: int


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    """jieba's dictionary as log probabilities, loaded on first use."""
    counts: dict[str, int] = {}
    source = resources.files("jieba").joinpath("dict.txt").read_text(encoding="utf-8")
    for line in source.splitlines():
        word, count, *_ = line.split(" ")
        if len(word) <= 6:
            counts[word] = counts.get(word, 0) + int(count)
    total = sum(counts.values())
    logp = {word: math.log(count / total) for word, count in counts.items()}
    return _Lexicon(logp, math.log(0.5 / total), max(map(len, logp)))


@lru_cache(maxsize=65536)
def _simplified(char: str) -> str:
    converted = converter("t2s").convert(char)
    return converted if len(converted) == 1 else char


def _simplified_text(text: str) -> str:
    return "".join(map(_simplified, text))


def _char_cost(char: str, lexicon: _Lexicon) -> float:
    if char in _PUNCTUATION:
        return COMMON_PUNCT_COST if char in _COMMON_PUNCTUATION else PUNCT_COST
    if char.isascii() or char in TONED:
        return ASCII_COST
    return lexicon.logp.get(char, lexicon.unknown)


def _plausibility(text: str) -> float:
    """How much likelier than ordinary text of its length this text is, as a log ratio."""
    return _segmentation(text)[0]


@lru_cache(maxsize=1 << 16)
def _segmentation(text: str) -> tuple[float, tuple[tuple[int, int], ...]]:
    """Score of the best split into jieba words (after t2s), and the common words in it."""
    lexicon = _lexicon()
    simple = _simplified_text(text)
    best = [0.0] * (len(simple) + 1)
    back = [0] * (len(simple) + 1)
    for end in range(1, len(simple) + 1):
        best[end], back[end] = best[end - 1] + _char_cost(simple[end - 1], lexicon), end - 1
        for begin in range(max(0, end - lexicon.longest), end - 1):
            word = lexicon.logp.get(simple[begin:end])
            if word is not None and best[begin] + word > best[end]:
                best[end], back[end] = best[begin] + word, begin
    words = []
    end = len(simple)
    while end:
        begin = back[end]
        if end - begin > 1 and lexicon.logp[simple[begin:end]] >= COMMON_WORD:
            words.append((begin, end))
        end = begin
    return best[-1] + FLUENT_CHAR * len(simple), tuple(words)


def _unigram(text: str) -> float:
    lexicon = _lexicon()
    return min(_char_cost(char, lexicon) for char in _simplified_text(text))


def _off_script(option: str, traditional: bool) -> float:
    """Penalty for guessed characters that are not the standard form in the page's script."""
    return OFF_SCRIPT * sum(not _is_standard(char, traditional) for char in option)


@lru_cache(maxsize=65536)
def _is_standard(char: str, traditional: bool) -> bool:
    """Whether a page in this script would write the character so: not 该 or 剋 for 該 or 克."""
    simplified = converter("t2s").convert(char)
    if not traditional:
        return simplified == char
    return any(converter(script).convert(simplified) == char for script in ("s2t", "s2tw", "s2hk"))


def _is_traditional(text: str) -> bool:
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


# --- GBK and pinyin tables ------------------------------------------------------------


@lru_cache(maxsize=None)
def _decode_pair(lead: int, trail: int) -> Optional[str]:
    """The GBK character for two bytes, or None if they are not one."""
    try:
        char = bytes((lead, trail)).decode("gbk")
    except UnicodeDecodeError:
        return None
    return char if len(char) == 1 and not "\ue000" <= char <= "\uf8ff" else None


@lru_cache(maxsize=65536)
def _gbk_pair_bytes(char: str) -> Optional[bytes]:
    """The two GBK bytes of a character (user-defined ones included), or None."""
    for codec in ("gbk", "gb18030"):
        try:
            encoded = char.encode(codec)
        except UnicodeEncodeError:
            continue
        return encoded if len(encoded) == 2 else None
    return None


@lru_cache(maxsize=65536)
def _readings(char: Optional[str]) -> frozenset[str]:
    """Every pinyin reading of a character, with tone marks."""
    if not char:
        return frozenset()
    # pypinyin takes a quarter of a second to import, and most pages never need it
    from pypinyin import Style, pinyin

    readings = pinyin(char, style=Style.TONE, heteronym=True, errors="ignore")
    return frozenset(readings[0]) if readings else frozenset()


def _han_tail(text: str, count: int) -> str:
    """The last `count` CJK characters: context for a note, without glosses or `?`."""
    return "".join(char for char in text[-4 * count:] if char >= "\u2e80")[-count:]
