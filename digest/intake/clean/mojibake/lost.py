"""Other encoding damage: UTF-8 read as Latin-1 or CP1252 (`ï¼š` for `：`), read back as UTF-8
(a character a dropped byte broke becomes □), and text whose bytes are gone: `锟斤拷` (U+FFFD written as UTF-8 and read
as GBK), U+FFFD runs, Latin-1 runs no byte sequence explains, and `???` where a page's indent
could not be encoded. What cannot be read back becomes one □ with a note; nothing else changes.
"""

from __future__ import annotations

import re

from digest.intake.clean import Cleaned
from digest.intake.clean.mojibake.weights import LOST

# A UTF-8 lead byte (0xC2-0xEF) read as Latin-1/CP1252, then continuation bytes read so.
_CP1252_CONTINUATION = "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc" \
                       "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
_LATIN_MOJIBAKE = re.compile(f"(?:[\u00c2-\u00ef][{_CP1252_CONTINUATION}]+)+")
_HAN = re.compile("[\u4e00-\u9fff]")
# Bytes gone for good: 锟斤拷 (EF BF BD EF BF BD read as GBK), and the marker itself.
_GONE = re.compile("(?:锟斤拷|锟�|\ufffd)+")
# Spaces a GBK page could not encode (NBSP) became `?`: as an indent, a line of their own, runs
# between spaces (`A? ? ? ?[`), or after a closing bracket (`[中图分类号]? D267`). Questions are
# never written so.
_LOST_SPACES = re.compile(r"^[?\ufffd]{2,}[ \u3000]*(?=[\u4e00-\u9fff“「（【《])|^[?\ufffd][?\ufffd ]*$\n?"
                          r"|\?(?: +\?)+|(?<=[\]】〕])\?(?= )", re.MULTILINE)
# The cheap test that lets clean text skip the stage, one `in` per character (faster than a regex
# on Chinese text). Chinese read as CP1252 starts with ã ä å æ ç or ï (bytes E3-E7, EF) in any run
# longer than a few characters; è and é, also leads, are left out: inline pinyin is full of them.
_SUSPECT = ("ä", "å", "ï", "æ", "ç", "ã", "锟", "\ufffd")


def repair_lost_encoding(text: str) -> Cleaned:
    """`据报道ï¼Œ中国` -> `据报道，中国`; `锟斤拷锟斤拷` -> `□` with a note; `??? 本报讯` -> `本报讯`, `[中图分类号]? D267` -> `[中图分类号] D267`."""
    if not any(suspect in text for suspect in _SUSPECT) and "?" not in text:
        return Cleaned(text)
    text = _LOST_SPACES.sub(_space_or_nothing, text)
    notes: list[str] = []
    if shows_latin_mojibake(text):  # Latin pages keep their accents
        text = _repair_latin_runs(text, notes)
    text = _GONE.sub(lambda gone: _mark_lost(text, gone, notes), text)
    return Cleaned(text, tuple(notes))


def shows_latin_mojibake(text: str) -> bool:
    """Whether Chinese text still holds a run the repair would read back: a later stage (a line
    dropped, lines joined) can bring the two halves of one together."""
    return bool(_LATIN_MOJIBAKE.search(text) and _HAN.search(text))


def _space_or_nothing(lost: re.Match[str]) -> str:
    """Nothing where a space or a line's start is already there, else the one space it was."""
    after = lost.string[lost.end():lost.end() + 1]
    before = lost.string[lost.start() - 1:lost.start()]
    return "" if after in ("", " ", "\n") or before in ("", "\n") else " "


def _repair_latin_runs(text: str, notes: list[str]) -> str:
    """Each run re-read as UTF-8; the characters a dropped byte broke become one □ each."""
    def reread(run: re.Match[str]) -> str:
        decoded = _as_bytes(run.group()).decode("utf-8", errors="replace")
        if "\ufffd" not in decoded:
            return decoded
        notes.append(f"乱码：“{decoded.replace(chr(0xfffd), LOST)}”有字的编码已损坏，无法还原，已用 {LOST} 标出")
        return re.sub("\ufffd+", LOST, decoded)

    for _ in range(3):  # text encoded twice reads back in two steps (`ÂÂ¡` -> `Â¡` -> `¡`)
        repaired = _LATIN_MOJIBAKE.sub(reread, text)
        if repaired == text:
            break
        text = repaired
    return text


def _as_bytes(run: str) -> bytes:
    """The bytes a Latin-1/CP1252 reading came from (C1 controls stand for their own byte)."""
    return b"".join(bytes((ord(char),)) if ord(char) < 256 else char.encode("cp1252") for char in run)


def _mark_lost(text: str, gone: re.Match[str], notes: list[str]) -> str:
    before = "".join(char for char in text[max(0, gone.start() - 12):gone.start()] if char >= "\u2e80")[-4:]
    notes.append(f"乱码：“{before}”之后有一段文字的编码已损坏，无法还原，已用 {LOST} 标出")
    return LOST
