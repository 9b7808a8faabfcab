"""ASCII URL slugs from Chinese text: pinyin by phrase (pypinyin), [a-z0-9-] only."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Mapping
from functools import lru_cache

MAX_LENGTH = 60
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


# Slugs made with the default length and fallback, by text: made in this process, or remembered
# from an earlier build (the build cache keeps them), so that a build whose tags and sources are
# all known never loads pypinyin, whose dictionaries take half a second.
_known: dict[str, str] = {}


def remember(slugs: Mapping[str, str]) -> None:
    _known.update(slugs)


def known_slugs() -> dict[str, str]:
    return dict(_known)


def slugify(text: str, max_length: int = MAX_LENGTH, fallback: str = "item") -> str:
    """`重庆银行行长` -> `chong-qing-yin-hang-hang-zhang`; cut at a word boundary."""
    if max_length != MAX_LENGTH or fallback != "item":
        return _slugify(text, max_length, fallback)
    if text not in _known:
        _known[text] = _slugify(text, max_length, fallback)
    return _known[text]


@lru_cache(maxsize=1 << 16)  # headings and terms repeat across a site; pypinyin is slow
def _slugify(text: str, max_length: int, fallback: str) -> str:
    from pypinyin import Style, lazy_pinyin  # loaded when a slug is made (see _known)

    words = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: _latin_words(chars))
    slug = _NOT_SLUG.sub("-", "-".join(words).lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[: max_length + 1].rsplit("-", 1)[0] if "-" in slug[:max_length] else slug[:max_length]
    return slug.strip("-") or fallback


def _latin_words(chars: str) -> list[str]:
    ascii_text = unicodedata.normalize("NFKD", chars).encode("ascii", "ignore").decode("ascii")
    return [word for word in _NOT_SLUG.split(ascii_text.lower()) if word]


def unique_slug(base: str, taken: Container[str]) -> str:
    """`base`, or `base-2`, `base-3`, ... whichever is not taken yet."""
    candidate, number = base, 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate = base[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        number += 1
    return candidate
