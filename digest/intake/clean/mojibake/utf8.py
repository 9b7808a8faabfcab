"""UTF-8 read as GBK: `鍩哄眰鍏氬缓` for 基层党建. Each Chinese character's three UTF-8 bytes
were paired two by two, so three characters of garbage stand for two of text. Re-encoding the
run as GBK and decoding it as UTF-8 gives the text back; bytes lost at a marker (`�`, `?`) or
that went with an ASCII character leave the character they belonged to □, with a note.
Runs that mix such garbage with text read right are left alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

from digest.intake.clean import Cleaned
from digest.intake.clean.mojibake.gbk import decode_pair
from digest.intake.clean.mojibake.regions import MARKERS
from digest.intake.clean.mojibake.weights import LOST

# The cheap test that lets clean text skip the stage: 。、《》「」 (E3 80 xx) read so start with 銆
# or lose a byte (U+FFFD), ，：；（）！？ (EF BC xx) start with 锛, and ， read one byte later is
# 紝; Chinese prose has some of them, and all are rare characters.
_PUNCTUATION_READ_AS_GBK = ("銆", "锛", "紝", "\ufffd")
MIN_CHARACTERS = 3  # fewer decoded characters could be chance: 6 bytes of real GBK text do it
_CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# A run of non-ASCII characters; a marker inside one (U+FFFD, or `?` between two) is the one byte
# of an invalid pair the decoder gave up on: kept in the run as a byte UTF-8 never has.
_RUN = re.compile("[^\x00-\x7f](?:[^\x00-\x7f]|\\?(?=[^\x00-\x7f]))*")


@lru_cache(maxsize=1)
def _utf8_lead_pairs() -> re.Pattern[str]:
    """The GBK characters whose bytes are a UTF-8 lead of a Chinese character (E4-E9) and a
    continuation byte: every two characters of such a run hold one. Clean text rarely does."""
    found = [char for lead in range(0xE4, 0xEA) for trail in range(0x80, 0xC0) if (char := decode_pair(lead, trail))]
    return re.compile(f"[{''.join(found)}]")


def reread_utf8_read_as_gbk(text: str) -> Cleaned:
    """`会议鍩哄眰鍏氬缓宸ヤ綔` -> `会议基层党建工作`; clean text passes untouched."""
    if not any(mark in text for mark in _PUNCTUATION_READ_AS_GBK):
        return Cleaned(text)
    notes: list[str] = []
    return Cleaned(_RUN.sub(lambda run: _reread(run.group(), notes), text), tuple(notes))


def _reread(run: str, notes: list[str]) -> str:
    """The run read back as UTF-8 from its start or from just before its first UTF-8 lead (text
    read right may come first: `会议：鍩哄…`), or as it was when that gives no Chinese text."""
    hit = _utf8_lead_pairs().search(run)
    if hit is None:
        return run
    readings = [(start, repaired) for start in dict.fromkeys((0, max(0, hit.start() - 1), hit.start()))
                if (repaired := _as_utf8(run[start:])) is not None]
    if not readings:
        return run
    start, repaired = min(readings, key=lambda reading: reading[1].count(LOST))
    shown = repaired[:12]
    notes.append(f"乱码：UTF-8 文字被当作 GBK 读取，已还原为“{shown}”，{LOST} 处有字无法还原"
                 if LOST in repaired else f"乱码修复：UTF-8 文字被当作 GBK 读取，已还原为“{shown}”，请核对")
    return run[:start] + repaired


def _as_utf8(garbage: str) -> str | None:
    """The characters the run's GBK bytes make as UTF-8 (a character cut at either end □)."""
    try:
        data = b"".join(b"\xff" if char in MARKERS else char.encode("gbk") for char in garbage)
    except UnicodeEncodeError:
        return None
    start = next((index for index, byte in enumerate(data) if not 0x80 <= byte < 0xC0), len(data))
    decoded = re.sub("\ufffd+", LOST, data[start:].decode("utf-8", errors="replace"))
    broken = decoded.count(LOST)
    chinese = len(_CJK.findall(decoded))
    # all of it Chinese, with at most one character lost for every two read back
    if chinese < MIN_CHARACTERS or chinese + broken < len(decoded) or broken * 2 > chinese:
        return None
    return (LOST if start else "") + decoded
