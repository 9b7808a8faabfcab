"""ASCII URL slugs from Chinese text: pinyin by phrase (pypinyin), [a-z0-9-] only."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Iterable
from functools import cache, lru_cache
from itertools import chain
from typing import Any

MAX_LENGTH = 60
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


# Slugs made with the default length, by (text, fallback): made in this process, or remembered
# from an earlier build (the build cache keeps them), so that a build whose tags, sources and
# headings are all known never loads pypinyin, whose dictionaries take half a second.
_known: dict[tuple[str, str], str] = {}
_made: list[tuple[str, str, str]] = []  # (text, fallback, slug) made here since `newly_made_slugs` was last asked


def remember(slugs: Iterable[tuple[str, str, str]]) -> None:
    """(text, fallback, slug) triples, as `known_slugs` gives them."""
    _known.update(((text, fallback), slug) for text, fallback, slug in slugs)


def known_slugs() -> set[tuple[str, str, str]]:
    return {(text, fallback, slug) for (text, fallback), slug in _known.items()}


def newly_made_slugs() -> list[tuple[str, str, str]]:
    """The slugs made in this process since the last call: a worker's, for its parent to `remember`."""
    made = _made[:]
    _made.clear()
    return made


def slugify(text: str, max_length: int = MAX_LENGTH, fallback: str = "item") -> str:
    """`重庆银行行长` -> `chong-qing-yin-hang-hang-zhang`; cut at a word boundary."""
    if max_length != MAX_LENGTH:
        return _slugify(text, max_length, fallback)
    key = (text, fallback)
    if key not in _known:
        _known[key] = _slugify(text, max_length, fallback)
        _made.append((text, fallback, _known[key]))
    return _known[key]


@lru_cache(maxsize=1 << 16)  # headings and terms repeat across a site; pypinyin is slow
def _slugify(text: str, max_length: int, fallback: str) -> str:
    words = _syllables(text)
    slug = _NOT_SLUG.sub("-", "-".join(words).lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[: max_length + 1].rsplit("-", 1)[0] if "-" in slug[:max_length] else slug[:max_length]
    return slug.strip("-") or fallback


def _syllables(text: str) -> list[str]:
    """`lazy_pinyin(text, style=Style.NORMAL, errors=_latin_words)`, word by word: pypinyin splits the
    text into words (by its phrase dictionary) and converts each word on its own, so a word's
    syllables, remembered, are the same in every text (most of the time went into converting)."""
    return [syllable for word in _pinyin().seg(text) for syllable in _word_syllables(word)]


@lru_cache(maxsize=1 << 16)
def _word_syllables(word: str) -> tuple[str, ...]:
    from pypinyin import Style

    return tuple(chain(*_pinyin()._converter.convert(word, Style.NORMAL, False, _latin_words, strict=True)))


@cache
def _pinyin() -> Any:
    """The converter `pypinyin.lazy_pinyin` makes on each call with its default arguments, made once
    (loaded when a slug is made: see _known)."""
    from pypinyin.converter import UltimateConverter
    from pypinyin.core import Pinyin

    return Pinyin(UltimateConverter(v_to_u=False, neutral_tone_with_five=False, tone_sandhi=False))


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
