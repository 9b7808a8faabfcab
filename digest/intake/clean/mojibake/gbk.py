"""GBK byte pairs and pinyin readings: what two bytes decode to, and what a character reads as."""

from __future__ import annotations

from functools import lru_cache
from typing import Optional, Union

LEADS = tuple(range(0x81, 0xFF))
TRAILS = (*range(0x40, 0x7F), *range(0x80, 0xFF))

ByteSpec = Union[int, tuple[int, ...]]  # a known byte, or the values a lost one may have


def options(spec: ByteSpec) -> tuple[int, ...]:
    """The values a byte may have: itself when known."""
    return spec if isinstance(spec, tuple) else (spec,)


@lru_cache(maxsize=None)
def decode_pair(lead: int, trail: int) -> Optional[str]:
    """The GBK character for two bytes, or None if they are not one."""
    try:
        char = bytes((lead, trail)).decode("gbk")
    except UnicodeDecodeError:
        return None
    return char if len(char) == 1 and not "\ue000" <= char <= "\uf8ff" else None


@lru_cache(maxsize=65536)
def gbk_pair_bytes(char: str) -> Optional[bytes]:
    """The two GBK bytes of a character (user-defined ones included), or None."""
    for codec in ("gbk", "gb18030"):
        try:
            encoded = char.encode(codec)
        except UnicodeEncodeError:
            continue
        return encoded if len(encoded) == 2 else None
    return None


def run_bytes(char: str) -> Optional[bytes]:
    """The bytes a run character stands for; ASCII stands for a normalised full-width pair.

    A misread pair is (trail byte, lead byte), so its second byte is always 0x81 or above.
    """
    if "\x21" <= char <= "\x7e":
        return bytes((0xA3, ord(char) | 0x80))
    encoded = gbk_pair_bytes(char)
    return encoded if encoded is not None and encoded[1] >= 0x81 else None


@lru_cache(maxsize=1)
def droppable_trails() -> tuple[int, ...]:
    """Trail bytes that some lead byte after them turns into a pair GBK cannot decode."""
    return tuple(trail for trail in TRAILS
                 if trail >= 0x80 and any(decode_pair(trail, lead) is None for lead in LEADS))


@lru_cache(maxsize=65536)
def readings(char: Optional[str]) -> frozenset[str]:
    """Every pinyin reading of a character, with tone marks."""
    if not char:
        return frozenset()
    # pypinyin takes a quarter of a second to import, and most pages never need it
    from pypinyin import Style, pinyin

    found = pinyin(char, style=Style.TONE, heteronym=True, errors="ignore")
    return frozenset(found[0]) if found else frozenset()
