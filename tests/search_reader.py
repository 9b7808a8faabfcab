"""The search index read in Python, as static/search-core.js reads it, and the brute-force scan
it must agree with: the tests' two sides of the search contract."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from functools import lru_cache
from pathlib import Path

from digest.search import TEXT, TITLE, brute_force, fold, query_terms, read_text_file
from digest.search_encode import bucket_of
from digest.search_index import read_varint

import numpy as np


def bucket(first: int, second: int, buckets: int) -> int:
    return int(bucket_of(np.array([first]), np.array([second]), buckets)[0])


def pins(term: str) -> list[tuple[int, int, int]]:
    """(offset, first, second) of the n-grams that pin `term`."""
    points = [ord(char) for char in term]
    if len(points) == 1:
        return [(0, points[0], 0)]
    offsets = list(range(0, len(points) - 1, 2))
    if offsets[-1] != len(points) - 2:
        offsets.append(len(points) - 2)
    return [(offset, points[offset], points[offset + 1]) for offset in offsets]


class IndexReader:
    """The written index in `folder` (site/search/index/)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.docs = json.loads((folder / "docs.json").read_text(encoding="utf-8"))
        slugs = [slug for number in range(len(self.docs["shards"]))
                 for slug in json.loads((folder / f"shard-{number}.json").read_text(encoding="utf-8"))]
        ranks, data, at = [], (folder / "ranks.bin").read_bytes(), 0
        while at < len(data):
            rank, at = read_varint(data, at)
            ranks.append(rank)
        assert [len(json.loads((folder / f"shard-{number}.json").read_bytes())) for number in
                range(len(self.docs["shards"]))] == self.docs["shards"] and len(ranks) == len(slugs)
        self.articles = list(zip(slugs, ranks))
        self.offsets = np.cumsum([0] + self.docs["shards"]).tolist()
        self.read: set[str] = set()  # the index files the queries so far needed, as the browser fetches them

    @lru_cache(maxsize=None)
    def entries(self, number: int) -> dict[tuple[int, int, int], bytes]:
        """(shard, first, second) -> body, of one bucket file."""
        self.read.add(f"{number}.bin")
        data = (self.folder / f"{number}.bin").read_bytes()
        found, at = {}, 0
        while at < len(data):
            shard, at = read_varint(data, at)
            length, at = read_varint(data, at)
            end = at + length
            count, at = read_varint(data, at)
            headers, first = [], 0
            for _ in range(count):
                delta, at = read_varint(data, at)
                second, at = read_varint(data, at)
                size, at = read_varint(data, at)
                first += delta
                headers.append((first, second, size))
            for first, second, size in headers:
                found[shard, first, second] = data[at:at + size]
                at += size
            assert at == end
        return found

    def postings(self, shard: int, first: int, second: int,
                 places: bool) -> dict[int, dict[int, int] | list[tuple[int, int]]]:
        """article -> {position: flags} (`places`: a bigram's positions) or [(count, flags), ...] (counts)."""
        buckets = self.docs["buckets"]
        number = buckets + bucket(first, second, 2 * buckets) if places else bucket(first, second, buckets)
        body = self.entries(number).get((shard, first, second), b"")
        default = ((1 << self.docs["editions"]) - 1) * 2
        result: dict = {}
        at = article = 0
        while at < len(body):
            delta, at = read_varint(body, at)
            article += delta
            if not places:
                value, at = read_varint(body, at)
                flags = default
                if value & 1:
                    flags, at = read_varint(body, at)
                result.setdefault(article, []).append((value >> 1, flags))
                continue
            count, at = read_varint(body, at)
            positions, position = {}, 0
            for _ in range(count):
                value, at = read_varint(body, at)
                position += value >> 1
                flags = default
                if value & 1:
                    flags, at = read_varint(body, at)
                positions[position] = flags
            result[article] = positions
        return result

    def term(self, term: str, edition: int) -> dict[int, tuple[int, bool]]:
        """article number -> (occurrences, in the title?) in `edition`."""
        found: dict[int, tuple[int, bool]] = {}
        bit = 1 << edition
        for number in range(len(self.docs["shards"])):
            lists = [(offset, self.postings(number, first, second, len(term) > 2))
                     for offset, first, second in pins(term)]
            for article in set.intersection(*(set(postings) for _, postings in lists)):
                if len(term) <= 2:
                    shown = [(count, flags) for count, flags in lists[0][1][article] if flags >> 1 & bit]
                else:
                    shown = []
                    for start, flags in lists[0][1][article].items():
                        for offset, postings in lists[1:]:
                            flags = flags & (postings[article].get(start + offset, 0) | 1)
                        if flags >> 1 & bit:
                            shown.append((1, flags))
                if shown:
                    found[self.offsets[number] + article] = (sum(count for count, _ in shown),
                                                             any(flags & 1 for _, flags in shown))
        return found

    def search(self, query: str, edition: int) -> list[str]:
        """The slugs of the articles containing every term of `query`, best first."""
        scores: dict[int, list[int]] | None = None
        for term in query_terms(query):
            matches = self.term(term, edition)
            if scores is None:
                scores = {number: [int(title), count] for number, (count, title) in matches.items()}
            else:
                scores = {number: [score[0] + matches[number][1], score[1] + matches[number][0]]
                          for number, score in scores.items() if number in matches}
        ordered = sorted((scores or {}).items(), key=lambda item: (-item[1][0], -item[1][1], self.articles[item[0]][1]))
        return [self.articles[number][0] for number, _ in ordered]


def scan(texts: dict[str, list[tuple[int, str]]], ranks: dict[str, int], query: str) -> list[str]:
    """The brute force: slug -> the article's own segments (as shown in one edition) -> the slugs
    of those containing every term of `query`, ranked as the contract says."""
    terms = query_terms(query)
    if not terms:
        return []
    found = []
    for slug, segments in texts.items():
        folded = [(kind, fold(text)) for kind, text in segments]
        counts = [brute_force([text for _, text in folded], term) for term in terms]
        if all(counts):
            titles = sum(bool(brute_force([text for kind, text in folded if kind == TITLE], term)) for term in terms)
            found.append((-titles, -sum(counts), ranks[slug], slug))
    return [slug for *_, slug in sorted(found)]


def shown_texts(site: Path, edition: str = "") -> dict[str, list[tuple[int, str]]]:
    """slug -> its search text file's segments, in the edition at `edition` (a folder)."""
    folder = site / edition / "search" / "text"
    return {path.stem: read_text_file(path.read_bytes()) for path in sorted(folder.glob("*.json"))}


class OwnText(HTMLParser):
    """An article page's own text read from its HTML, block by block: the h1, the body's and
    references' blocks, the authors, source and tags in the facts list."""

    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "td", "th", "dd", "pre", "div", "section"}

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.depth, self.where, self.label = 0, None, ""
        self.segments: list[tuple[int, str]] = []
        self.current: list[str] = []
        self.feed(page)

    def flush(self) -> None:
        text = "".join(self.current).strip()
        if text and self.where:
            self.segments.append((TITLE if self.where == "h1" else TEXT if self.where == "body" else 2, text))
        self.current = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.BLOCKS:
            self.flush()
        if tag == "h1":
            self.where = "h1"
        elif attributes.get("class") == "article-body" or attributes.get("class") == "references":
            self.where, self.depth = "body", 0
        elif tag == "dd" and self.label in ("作者", "来源", "标签", "來源", "標籤"):
            self.where = "meta"
        elif tag == "br" and self.where:
            self.current.append(" ")
        if self.where == "body" and tag in ("div", "section"):
            self.depth += 1
        if tag == "h2" and attributes.get("id") == "references":
            self.where = None  # the references' heading is the template's, not the article's

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.flush()
        if tag == "h1" or (tag == "dd" and self.where == "meta"):
            self.where = None
        if self.where == "body" and tag in ("div", "section"):
            self.depth -= 1
            self.where = None if self.depth == 0 else self.where
        if tag == "h2" and self.where is None and self.segments:
            self.where = "body" if self.depth else None

    def handle_data(self, data):
        if self.where:
            self.current.append(data)
        elif self.lasttag == "dt":
            self.label = data.strip()


def page_texts(site: Path, edition: str = "") -> dict[str, list[tuple[int, str]]]:
    """slug -> the own text of its article page in the edition at `edition` (a folder), read from the HTML."""
    folder = site / edition / "articles"
    return {path.parent.name: OwnText(path.read_text(encoding="utf-8")).segments
            for path in sorted(folder.glob("*/index.html"))}
