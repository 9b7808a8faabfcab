"""Fingerprints of the data a page is rendered from, so that a build can tell which pages changed.

A page's fingerprint covers everything its template can reach: the page (route, template, date)
and its context, walked through dataclasses, tuples, lists and dicts. An Article counts as its
`digest` (its file's bytes, read by this code with these settings), which also stands for its
body, on the pages whose template reads bodies; on the others (lists, the archive) as the fields
those templates name (`shown_fields`), so that an edit to what they do not show passes them by.
Templates, settings and code are not in it: they are in the build key, which covers every page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection
from dataclasses import fields, is_dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, TemplateSyntaxError, meta, nodes

from digest.content import Article
from digest.site import Page

PLAIN = (str, int, float, bool, type(None), dt.date, Path)
# The names by which a template reads an article's body (or the digest that stands for it).
BODY_NAMES = frozenset({"body_html", "references_html", "body_of", "digest"})
EXACT_PLAIN = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime})
LITERALS = (nodes.Dict, nodes.List, nodes.Tuple, nodes.Const)  # looked up by a computed key, still no article
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
    """Pages' fingerprints: article bodies count on the pages of the templates in `readers`, and
    only the article fields in `shown` on the others. The encodings of the objects pages share are
    kept from call to call, so a plan that keeps most of its objects is fingerprinted again only in
    the objects it made anew."""

    def __init__(self, readers: Collection[str], shown: tuple[str, ...]) -> None:
        self.readers, self.shown = readers, shown
        self._fingerprints = {True: Fingerprints(), False: Fingerprints(shown)}

    @classmethod
    def of_templates(cls, templates_dir: Path) -> PageFingerprints:
        return cls(body_readers(templates_dir), shown_fields(templates_dir))

    def fresh(self) -> PageFingerprints:
        """The same fingerprints, none of the encodings kept."""
        return PageFingerprints(self.readers, self.shown)

    def show_alike(self, one: Article, other: Article) -> bool:
        """Whether the pages reading no body show the two articles alike."""
        return all(getattr(one, name) == getattr(other, name) for name in self.shown)

    def __reduce__(self) -> tuple[Any, ...]:  # saved without the encodings, which are by object id
        return PageFingerprints, (self.readers, self.shown)

    def __call__(self, pages: list[Page]) -> list[str]:
        return [self._fingerprints[page.template in self.readers].of(page) for page in pages]

    def __len__(self) -> int:
        """How many objects' encodings are kept."""
        return sum(len(fingerprints._memo) for fingerprints in self._fingerprints.values())


def body_readers(templates_dir: Path) -> frozenset[str]:
    """The templates that read article bodies: those naming a body field, and those that extend,
    include or import one; a template naming another by a variable counts as one, to be safe."""
    return _readers(_all_facts(templates_dir))


def shown_fields(templates_dir: Path) -> tuple[str, ...]:
    """The Article fields that the templates reading no body name (by attribute or by a constant
    key); all of them when these templates name a property of Article, which may read any field."""
    facts = _all_facts(templates_dir)
    readers = _readers(facts)
    names = frozenset().union(*(names for name, (_, _, names) in facts.items() if name not in readers))
    if names & ARTICLE_PROPERTIES:
        return ARTICLE_FIELDS
    return tuple(name for name in ARTICLE_FIELDS if name in names)


Facts = tuple[bool, frozenset[str] | None, frozenset[str]]  # see _template_facts


def _all_facts(templates_dir: Path) -> dict[str, Facts]:
    environment = Environment(loader=FileSystemLoader(templates_dir))
    return {name: _template_facts(environment.loader.get_source(environment, name)[0])
            for name in environment.list_templates()}


def _readers(facts: dict[str, Facts]) -> frozenset[str]:
    readers = {name for name, (names_body, _, _) in facts.items() if names_body}
    while True:
        more = {name for name, (_, used, _) in facts.items()
                if name not in readers and (used is None or readers & used)}
        if not more:
            return frozenset(readers)
        readers |= more


@lru_cache(maxsize=256)
def _template_facts(source: str) -> Facts:
    """Whether a template may read a body field (it names one, or looks an item or attribute up by
    a computed name), the templates it uses (None: not all known), and the names it looks up."""
    try:
        tree = Environment().parse(source)
    except TemplateSyntaxError:
        return True, None, frozenset()  # the build reports it when rendering
    names = frozenset({node.attr for node in tree.find_all(nodes.Getattr)}
                      | {node.value for node in tree.find_all(nodes.Const) if isinstance(node.value, str)})
    computed = any(not isinstance(node.arg, nodes.Const) and not isinstance(node.node, LITERALS)
                   for node in tree.find_all(nodes.Getitem)) \
        or any(node.name in ("attr", "attribute") for node in tree.find_all(nodes.Filter))
    used = list(meta.find_referenced_templates(tree))
    return bool(names & BODY_NAMES) or computed, None if None in used else frozenset(used), names


# What a page not reading bodies may show of an Article: its fields but the digest and the body,
# and, named by a template, a property, which may read any of them.
ARTICLE_FIELDS = tuple(name for name in field_names(Article) if name not in ("digest", "body_of"))
ARTICLE_PROPERTIES = frozenset(name for name in dir(Article)
                               if not name.startswith("_") and isinstance(getattr(Article, name), property))


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
