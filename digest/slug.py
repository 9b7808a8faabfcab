"""ASCII URL slugs from Chinese text: pinyin by phrase (pypinyin), [a-z0-9-] only."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

MAX_LENGTH = 60
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1 << 16)  # headings and terms repeat across a site; pypinyin is slow
def slugify(text: str, max_length: int = MAX_LENGTH, fallback: str = "item") -> str:
    """`重庆银行行长` -> `chong-qing-yin-hang-hang-zhang`; cut at a word boundary."""
    from pypinyin import Style, lazy_pinyin  # loaded when a slug is made: its dictionaries take 0.25 s

    words = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: _latin_words(chars))
    slug = _NOT_SLUG.sub("-", "-".join(words).lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[: max_length + 1].rsplit("-", 1)[0] if "-" in slug[:max_length] else slug[:max_length]
    return slug.strip("-") or fallback


def _latin_words(chars: str) -> list[str]:
    ascii_text = unicodedata.normalize("NFKD", chars).encode("ascii", "ignore").decode("ascii")
    return [word for word in _NOT_SLUG.split(ascii_text.lower()) if word]


def unique_slug(base: str, taken: Iterable[str]) -> str:
    """`base`, or `base-2`, `base-3`, ... whichever is not taken yet."""
    taken = set(taken)
    candidate, number = base, 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate = base[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        number += 1
    return candidate
