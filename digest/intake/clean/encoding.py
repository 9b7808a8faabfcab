"""Bytes to text: pick the encoding of a scraped file, then tidy its whitespace."""

from __future__ import annotations

import re
from pathlib import Path

from digest.errors import DigestError
from digest.intake.clean import Cleaned

# Bytes that never occur in text files (everything below 0x20 except \t \n \r \f, ESC).
CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
MAX_CONTROL_SHARE = 0.3
# Legacy Chinese encodings, most likely first; UTF-8 (with or without BOM) is tried before them.
LEGACY_ENCODINGS = ("gb18030", "big5hkscs")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# UTF-16 without a BOM is accepted when this share of its characters is Han, ASCII text or CJK marks.
UTF16_TEXT_CHARS = re.compile(r"[\t\n\r\x20-\x7e\u00a0-\u00ff\u2000-\u206f\u3000-\u303f\u3400-\u9fff"
                              r"\uf900-\ufaff\uff00-\uffef]")
UTF16_TEXT_SHARE = 0.95
MAX_STRAY_NUL_SHARE = 0.01  # more NUL bytes than this and it is not text with a slip in it
# Characters a wrong legacy guess produces (Big5 read as GB18030 gives kana, Greek, Cyrillic,
# box drawing and private-use characters), and that real Chinese articles rarely contain.
UNLIKELY_CHARS = re.compile(r"[\u0370-\u04ff\u2500-\u257f\u3040-\u30ff\u3100-\u312f\ue000-\uf8ff\ufffd]")

# Line breaks other than LF, and C0/C1 controls (not tab or LF) and invisible format characters.
# Every regex below starts with one character class, which the regex engine scans for fast.
LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
INVISIBLES = (r"\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u00ad\u200b\u200e\u200f"
              r"\u202a-\u202e\u2060\u2066-\u2069\ufeff")
BREAK_OR_INVISIBLE = re.compile(rf"[{LINE_BREAKS}{INVISIBLES}](?:(?<=\r)\n)?")
SPACES = " \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
# Whitespace that needs rewriting: two or more characters, or one odd space (tab, NBSP, ...).
WHITESPACE_RUN = re.compile(rf"[{SPACES}\n](?:[{SPACES}\n]+|(?<=[{SPACES[1:]}]))")
# A character normalize_whitespace keeps: neither a line break, an invisible, nor a space.
TEXT_CHAR = re.compile(rf"[^{LINE_BREAKS}{INVISIBLES}{SPACES}\n]")


def decode_raw(data: bytes, path: Path | str | None) -> str:
    """Decode a seed file: `'基層'.encode('big5')` -> `'基層'`; errors name the file."""
    return decode_seed(data, path).text


def decode_seed(data: bytes, path: Path | str | None) -> Cleaned:
    """The seed's text, and a note for the curator when stray NUL bytes were dropped from it."""
    notes: tuple[str, ...] = ()
    if data.startswith(UTF16_BOMS):  # UTF-16 text is full of NUL bytes: look for its BOM first
        text = _decode_as(data, "utf-16", path)
    elif b"\x00" in data and (utf16 := _utf16_without_bom(data)) is not None:
        text = utf16
    elif b"\x00" in data:
        text = _decode_with_stray_nuls(data, path)
        notes = (f"删除了{data.count(0)}个空字节（NUL），请核对附近的文字",)
    elif _control_share(data) > MAX_CONTROL_SHARE:
        raise DigestError("binary file, not text", path)
    else:
        text = _decode(data, path)
    if not TEXT_CHAR.search(text):  # what normalize_whitespace leaves of it is empty
        raise DigestError("empty file", path)
    return Cleaned(text, notes)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a BOM: its ASCII characters have a zero byte each (second in
    little-endian, first in big-endian). Read in the right byte order it is Han, ASCII and CJK marks;
    in the wrong one (中 U+4E2D read as U+2D4E) or as random bytes, mostly other scripts."""
    if len(data) % 2:
        return None
    best = max((data.decode(order, errors="replace") for order in ("utf-16-le", "utf-16-be")),
               key=lambda text: len(UTF16_TEXT_CHARS.findall(text)))
    return best if len(UTF16_TEXT_CHARS.findall(best)) >= UTF16_TEXT_SHARE * len(best) else None


def _decode_with_stray_nuls(data: bytes, path: Path | str | None) -> str:
    """Text with a few NUL bytes in it (a scraper's or an editor's slip) is the text without them;
    a file with many, or that is no text once they are gone, is a binary file."""
    kept = data.replace(b"\x00", b"")
    if len(data) - len(kept) > MAX_STRAY_NUL_SHARE * len(data) or _control_share(kept) > MAX_CONTROL_SHARE:
        raise DigestError("binary file, not text", path)
    try:
        return _decode(kept, path)
    except DigestError:
        raise DigestError("binary file, not text", path) from None


def _control_share(data: bytes) -> float:
    if not data:
        return 0.0
    return (len(data) - len(data.translate(None, CONTROL_BYTES))) / len(data)


def _decode_as(data: bytes, encoding: str, path: Path | str | None) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise DigestError(f"cannot decode: not valid {encoding.upper()}", path) from None


def _decode(data: bytes, path: Path | str | None) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    candidates = []
    for encoding in LEGACY_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not UNLIKELY_CHARS.search(text):
            return text
        candidates.append(text)
    if not candidates:
        raise DigestError("cannot decode: not UTF-8, GB18030 or Big5", path)
    return min(candidates, key=lambda text: len(UNLIKELY_CHARS.findall(text)))


def normalize_whitespace(text: str) -> str:
    """One space between words, no indents, one blank line at most: `\\u3000\\u3000正文 \\r\\n` -> `正文`."""
    text = BREAK_OR_INVISIBLE.sub(lambda match: "\n" if match.group()[0] in LINE_BREAKS else "", text)
    return WHITESPACE_RUN.sub(_collapse, text).strip(" \n")


def _collapse(run: re.Match[str]) -> str:
    """A run of whitespace becomes one space, one line break, or one blank line."""
    breaks = run.group().count("\n")
    return " " if not breaks else "\n" if breaks == 1 else "\n\n"
