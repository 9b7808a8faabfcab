"""Site search, the text side: what an article shows as its own, and the folding both the build and
the browser apply to it and to a query, so that a substring match ignores script and width.

An article's own text is its title, the text of its body and references, its authors, source and
tags, as the edition shows them (each text node converted as the page converts it), never the
navigation, the table of contents or the titles of related articles. Each piece is a *segment*;
a query term never matches across two segments (nor does a reader's Ctrl+F across two blocks).

Folding, character by character, the same in Python (`fold`) and in static/search-core.js:
1. a character of the fold table (`digest/data/search_fold.json`) becomes its representative:
   every Han character that an OpenCC conversion between the scripts turns into one other
   character is in a class with it (黨 and 党, 著 and 着, 裡 and 里), and the class is represented
   by one of its Simplified forms; full-width ASCII becomes ASCII, the ideographic space a space,
   Latin capitals small letters;
2. control characters are deleted;
3. a run of whitespace becomes one space between two ASCII letters or digits (`gdp growth`) and
   is deleted everywhere else (`党建 工作` is `党建工作`, `GDP 增长` is `gdp增长`).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from markupsafe import escape

from digest.config import SCRIPTS
from digest.editions import TAG_RE, TAG_NAME_RE, TextConverter
from digest.script import converter

FOLD_FILE = Path(__file__).parent / "data" / "search_fold.json"
# The candidates for the fold table's Han classes: CJK Unified Ideographs, Extension A and the main block.
CANDIDATES = (range(0x3400, 0x4DC0), range(0x4E00, 0xA000))
# Whitespace, listed rather than left to each language's `\s` (Python's and JavaScript's differ).
WHITESPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
GAP_RE = re.compile(f"(?<=[0-9a-z])[{WHITESPACE}]+(?=[0-9a-z])")
SPACE_RE = re.compile(f"[{WHITESPACE}]+")
GAP_MARK = "\x01"  # a kept gap while the other whitespace is deleted (control characters are gone by then)

# Segment kinds, as the search text file and the index name them.
TITLE, TEXT, META = 0, 1, 2
# Inline elements: their text runs on in the block around them. Any other tag ends a segment.
INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark",
                    "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "del",
                    "ins", "wbr"})
UNCONVERTED = frozenset({"code", "pre"})  # the editions leave their text as written (digest.editions)


def fold_classes() -> dict[str, str]:
    """character -> its class's representative, from OpenCC (slow: the build reads FOLD_FILE, which
    this made; a test checks the two agree). Classes join each candidate with every single character
    a conversion between the configured scripts turns it into; the representative is the smallest
    member that t2s leaves alone, so mostly the Simplified form."""
    parent: dict[str, str] = {}

    def root(char: str) -> str:
        while parent.get(char, char) != char:
            char = parent[char]
        return char

    for script in SCRIPTS:
        convert = converter(script).convert
        for block in CANDIDATES:
            for code in block:
                char = chr(code)
                other = convert(char)
                if other != char and len(other) == 1:
                    one, two = sorted((root(char), root(other)))
                    if one != two:
                        parent[two] = one
    t2s = converter("t2s").convert
    members: dict[str, list[str]] = {}
    for char in parent:
        members.setdefault(root(char), []).append(char)
    for char in list(members):
        members[char].append(char)
    table = {}
    for group in members.values():
        simplified = sorted(char for char in group if t2s(char) == char) or sorted(group)
        table.update({char: simplified[0] for char in group if char != simplified[0]})
    return dict(sorted(table.items()))


def fold_table_json(table: dict[str, str]) -> bytes:
    """The table as the browser reads it: `from[i]` folds to `to[i]`, by code point."""
    data = {"from": "".join(table), "to": "".join(table.values())}
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


@lru_cache(maxsize=1)
def fold_asset() -> bytes:
    return FOLD_FILE.read_bytes()


@lru_cache(maxsize=1)
def fold_translation() -> dict[int, str | None]:
    """str.translate's table for steps 1 and 2 of the fold."""
    data = json.loads(fold_asset())
    table: dict[int, str | None] = {ord(one): other for one, other in zip(data["from"], data["to"])}
    table.update({code: chr(code - 0xFEE0).lower() for code in range(0xFF01, 0xFF5F)})
    table.update({code: chr(code + 32) for code in range(ord("A"), ord("Z") + 1)})
    table[0x3000] = " "
    table.update({code: None for code in [*range(0x20), 0x7F] if CONTROL_RE.match(chr(code))})
    return table


def fold(text: str) -> str:
    """`text` folded (see the module's doc)."""
    text = text.translate(fold_translation())
    text = GAP_RE.sub(GAP_MARK, text)
    return SPACE_RE.sub("", text).replace(GAP_MARK, " ")


def query_terms(query: str) -> list[str]:
    """A query's terms: split at whitespace, each folded, empty ones and repeats left out."""
    terms = [fold(part) for part in SPACE_RE.split(query.translate(fold_translation()))]
    return list(dict.fromkeys(term for term in terms if term))


# ------------------------------------------------------------------ an article's own text --

def own_segments(entry, convert: TextConverter | None) -> list[tuple[int, str]]:
    """(kind, text) of what the article of `entry` (a digest.site.Entry) shows as its own, in the
    edition converting with `convert` (None: as written); empty segments left out. Every piece is
    converted as the article page converts it, so a page just rendered has them all in the
    converter's cache."""
    article = entry.article
    nodes: list[tuple[int, int, str, bool]] = [(TITLE, 0, str(escape(article.title)), True)]
    block = 0
    for body in (article.body_html, article.references_html):
        block = html_nodes(body, nodes, block + 1)
    meta = ["、".join(article.authors)] if article.authors else []  # one line, as the facts list shows them
    meta += [entry.source.name, *(tag.name for tag in entry.tags)]
    nodes += [(META, block + 1 + number, str(escape(text)), True) for number, text in enumerate(meta)]
    texts = [text for _, _, text, converted in nodes if converted]
    if convert is not None:
        texts = convert.texts(texts)
    converted = iter(texts)
    segments: dict[tuple[int, int], list[str]] = {}
    for kind, number, text, convertible in nodes:
        segments.setdefault((kind, number), []).append(next(converted) if convertible else text)
    shown = [(kind, html.unescape("".join(parts)).strip()) for (kind, _), parts in segments.items()]
    return [(kind, text) for kind, text in shown if text]


def html_nodes(markup: str, nodes: list[tuple[int, int, str, bool]], block: int) -> int:
    """Append the text nodes of `markup` (our own safe HTML) as (TEXT, block, text, converted?):
    a tag other than an inline one starts a new block, `<br>` is a space; the last block's number."""
    skipping = 0
    parts = TAG_RE.split(markup)
    for index, part in enumerate(parts):
        if index % 2 == 0:
            if part:
                nodes.append((TEXT, block, part, not skipping))
            continue
        name_match = TAG_NAME_RE.match(part)
        name = name_match.group(1).lower() if name_match else ""
        if name in UNCONVERTED:
            skipping += -1 if part.startswith("</") else 1
        if name == "br":
            nodes.append((TEXT, block, " ", False))
        elif name not in INLINE:
            block += 1
    return block


def text_file(entry, segments: list[tuple[int, str]], convert: TextConverter | None) -> bytes:
    """The search text file of an article in one edition: its date, source and own text as shown,
    which the search page fetches to show a result (title, source, an excerpt around the match)."""
    article = entry.article
    source = str(escape(entry.source.name))
    data = {"date": article.date.isoformat() if article.date else "",
            "source": html.unescape(convert.text(source) if convert else source), "segments": segments}
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def read_text_file(data: bytes) -> list[tuple[int, str]]:
    return [(kind, text) for kind, text in json.loads(data)["segments"]]


def brute_force(texts: Iterable[str], term: str) -> int:
    """How many times `term` (folded) occurs in the folded `texts`, overlapping ones counted."""
    count = 0
    for text in texts:
        start = text.find(term)
        while start >= 0:
            count += 1
            start = text.find(term, start + 1)
    return count
