"""`{% cache key %}…{% endcache %}`: a template fragment rendered once per key and reused.

For a fragment that depends on nothing but its key (and the environment: the edition, its URLs),
like an entry of a list, which shows on the home page and on the pages of its tags and its source:
the fragment is rendered the first time, then its HTML is reused, as Hugo's `partialCached` does.
The key is the object itself, by identity (a build's pages share one Entry per article), so a
lookup costs nothing however big the object, and the tag's place in its template: one object may
key several fragments. The cache holds the object, so its id is not reused, and at most FRAGMENTS
of them, the oldest forgotten first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import Environment, nodes
from jinja2.ext import Extension
from jinja2.parser import Parser

FRAGMENTS = 30_000  # per environment (one per edition in each process): a few MB of HTML


class FragmentCache(Extension):
    tags = {"cache"}

    def __init__(self, environment: Environment):
        super().__init__(environment)
        self._fragments: dict[tuple[str, int], tuple[Any, str]] = {}

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        number = parser.fragment_tags = getattr(parser, "fragment_tags", 0) + 1  # the template's n-th
        place = nodes.Const(f"{parser.name}:{number}")
        key = parser.parse_expression()
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_fragment", [place, key]), [], [], body).set_lineno(lineno)

    def _fragment(self, place: str, key: Any, caller: Callable[[], str]) -> str:
        known = self._fragments.get((place, id(key)))
        if known is not None and known[0] is key:
            return known[1]
        html = caller()
        if len(self._fragments) >= FRAGMENTS:
            del self._fragments[next(iter(self._fragments))]
        self._fragments[place, id(key)] = (key, html)
        return html
