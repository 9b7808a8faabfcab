"""ASCII URL slugs from Chinese text: pinyin by phrase (pypinyin), [a-z0-9-] only."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Iterable
from functools import lru_cache

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
