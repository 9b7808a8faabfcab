"""Fingerprints of the data a page is rendered from, so that a build can tell which pages changed.

A page's fingerprint covers everything its template can reach: the page (route, template, date)
and its context, walked through dataclasses, tuples, lists and dicts. An Article counts as the
fields its template may show (see digest.reads), so that an edit to what a page does not show
passes it by; and the article whose body the template reads, as its `digest` (its file's bytes,
read by this code with these settings), which stands for its body too.
Templates, settings and code are not in it: they are in the build key, which covers every page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import fields, is_dataclass
from functools import cache
from pathlib import Path
from typing import Any

from digest.content import Article
from digest.reads import EVERYTHING, Reads, template_reads
from digest.site import Page

PLAIN = (str, int, float, bool, type(None), dt.date, Path)
EXACT_PLAIN = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime})
LONG = 64  # encodings longer than this are hashed, so that a shared object costs a few bytes to include


class Fingerprints:
    """Computes fingerprints, each dataclass object encoded once per build (they are shared:
    one Entry shows on its article page, its neighbours', lists and feeds). An Article counts as
    its `fields` when given, otherwise as its digest, which covers its body too."""

    def __init__(self, fields: tuple[str, ...] | None = None) -> None:
        self.fields = fields
        self._memo: dict[int, tuple[Any, str]] = {}

    def of(self, value: Any) -> str:
        return _hash(self.encode(value))

    def encode(self, value: Any) -> str:
        kind = type(value)  # the common types first, by identity: this runs for every value of every page
        if kind in EXACT_PLAIN:
            return repr(value)
        known = self._memo.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        if isinstance(value, (list, tuple)):
            return "[" + ",".join(map(self.encode, value)) + "]"
        if kind is Article:
            return self._article(value)
        names = field_names(kind)
        if names is not None:
            return self._dataclass(value, names)
        if isinstance(value, PLAIN):
            return repr(value)
        if isinstance(value, dict):
            return "{" + ",".join(sorted(f"{self.encode(k)}:{self.encode(v)}" for k, v in value.items())) + "}"
        raise TypeError(f"cannot fingerprint a {type(value).__name__} in a page's data")

    def _article(self, article: Article) -> str:
        if self.fields is None:
            return "Article:" + article.digest
        encoded = "Article:" + _hash(repr([getattr(article, name) for name in self.fields]))
        self._memo[id(article)] = (article, encoded)
        return encoded

    def _dataclass(self, value: Any, names: tuple[str, ...]) -> str:
        encode = self.encode
        encoded = type(value).__name__ + "(" + ",".join([encode(getattr(value, name)) for name in names]) + ")"
        if len(encoded) > LONG:
            encoded = "#" + _hash(encoded)
        self._memo[id(value)] = (value, encoded)  # the value is kept, so its id is not reused
        return encoded


@cache
def field_names(kind: type) -> tuple[str, ...] | None:
    """A dataclass's field names, found once per type; None for any other type."""
    return tuple(f.name for f in fields(kind)) if is_dataclass(kind) else None


class PageFingerprints:
    """Pages' fingerprints, each on what its template reads (`reads`, by template name): the
    article fields it shows, and the digests of the articles whose body it reads. The encodings of
    the objects pages share are kept from call to call, so a plan that keeps most of its objects is
    fingerprinted again only in the objects it made anew."""

    def __init__(self, reads: dict[str, Reads]) -> None:
        self.reads = reads
        self._modes: dict[tuple[str, ...] | None, Fingerprints] = {}

    @classmethod
    def of_templates(cls, templates_dir: Path) -> PageFingerprints:
        return cls(template_reads(templates_dir))

    def fresh(self) -> PageFingerprints:
        """The same fingerprints, none of the encodings kept."""
        return PageFingerprints(self.reads)

    def __reduce__(self) -> tuple[Any, ...]:  # saved without the encodings, which are by object id
        return PageFingerprints, (self.reads,)

    def __call__(self, pages: list[Page]) -> list[str]:
        return [self.of(page) for page in pages]

    def of(self, page: Page) -> str:
        reads = self.reads.get(page.template, EVERYTHING)
        if reads.bodies is None:
            return self._mode(None).of(page)
        if not reads.bodies:  # most pages: lists, the archive
            return self._mode(reads.fields).of(page)
        encoded = self._mode(reads.fields).encode(page)
        try:
            bodies = [self._mode(None).encode(_at(page, path)) for path in sorted(reads.bodies)]
        except (KeyError, AttributeError, TypeError):  # not there: rendering tells; meanwhile, all bodies count
            return self._mode(None).of(page)
        return _hash(encoded + "|" + ",".join(bodies))

    def may_differ(self, template: str | None, one: Article, other: Article) -> bool:
        """Whether a page of `template` holding `one` may differ holding `other` (of the same place)."""
        reads = self.reads.get(template, EVERYTHING)
        return bool(reads.bodies is None or reads.bodies
                    or any(getattr(one, name) != getattr(other, name) for name in reads.fields))

    def _mode(self, fields: tuple[str, ...] | None) -> Fingerprints:
        if fields not in self._modes:
            self._modes[fields] = Fingerprints(fields)
        return self._modes[fields]

    def __len__(self) -> int:
        """How many objects' encodings are kept."""
        return sum(len(fingerprints._memo) for fingerprints in self._modes.values())


def _at(page: Page, path: tuple[str, ...]) -> Any:
    """The value at `path` in what the page's template gets (its context, and `page`)."""
    value = page if path[0] == "page" else page.context[path[0]]
    for key in path[1:]:
        value = value[key] if isinstance(value, dict) else getattr(value, key)
    return value


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
