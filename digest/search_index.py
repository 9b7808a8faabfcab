"""Site search, the index: character n-grams of the folded own text of every article, with positions,
in files by a hash of the n-gram, one index for all editions; static/search-core.js reads it.

Articles are grouped in *shards* by a hash of their slug (about SHARD_ARTICLES each); within a
shard they are numbered in slug order. Each article's text is cut into *subdocuments* by the
editions showing it (a segment whose folded text differs between editions is indexed once per
distinct text, with the editions showing it) and by whether it is the title. A subdocument's
segments are joined by a separator no n-gram crosses.

For every bigram, the postings are (subdocument, positions); for every single character,
(subdocument, count). A term of k >= 2 characters occurs at p exactly when its bigrams at
offsets 0, 2, 4, ... and k - 2 occur at p plus that offset: the text is pinned character by
character, so matching needs no text and has no false positives.

Files, under search/index/ at the site root (varints are LEB128, unsigned):
- `<bucket>.bin`, for bucket = hash(n-gram) mod `buckets`: per shard having n-grams there,
  varint shard, varint length, then that many bytes: varint entries; per entry varint
  (first char - previous entry's first char), varint second char (0 for a single character),
  varint body length; then the bodies in order. A body is a run of (varint subdocument delta,
  varint count, and for a bigram `count` varint position deltas, from 0 in each subdocument).
- `docs.json`: buckets, editions, and per shard the slugs, their site order (0 newest) and the
  subdocuments as [article, flags] (flags = editions bit mask * 2 + 1 for the title).
- `filters.json`: tag and source -> the articles having it, as deltas of their global numbers
  (shard by shard, slug order within).

A shard's encoded pieces are kept in the build cache under a key of its articles and their text
files' fingerprints, so an edit re-encodes one shard and the bucket files are put together again
from the pieces: the cost follows the change, not the site.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digest.cache import BuildCache, code_version
from digest.search import TITLE, fold

SHARD_ARTICLES = 256  # articles per shard, about: an edit re-encodes one shard
MAX_BUCKETS = 4096
MIN_BUCKETS = 16
ARTICLES_PER_BUCKET = 2.5  # at 10,000 articles, 4,096 buckets of about 20 kB
SEPARATOR = 0  # between segments and subdocuments; folding deletes it from any text
INDEX_FOLDER = "search/index/"


@dataclass(frozen=True)
class Indexed:
    """An article as the index needs it: slug, site order, filters, and per edition its text file."""

    slug: str
    rank: int
    tags: tuple[str, ...]
    source: str
    texts: tuple[str, ...]  # the text file's path in each edition (relative to the site folder)
    prints: tuple[str, ...]  # their fingerprints


def layout(articles: int) -> tuple[int, int]:
    """(shards, buckets) for a site of `articles`: powers of two."""
    shards = 1 << max(0, (articles - 1) // SHARD_ARTICLES).bit_length()
    wanted = max(MIN_BUCKETS, min(MAX_BUCKETS, int(articles / ARTICLES_PER_BUCKET)))
    return shards, 1 << (wanted - 1).bit_length()


def shard_of(slug: str, shards: int) -> int:
    return zlib.crc32(slug.encode("utf-8")) & (shards - 1)


def bucket_of(first: np.ndarray, second: np.ndarray, buckets: int) -> np.ndarray:
    """The bucket of n-grams (code points; second 0 for a single character), as search-core.js computes it."""
    with np.errstate(over="ignore"):
        h = (first.astype(np.uint32) * np.uint32(0x9E3779B1)) ^ ((second.astype(np.uint32) + np.uint32(1))
                                                                 * np.uint32(0x85EBCA77))
        h ^= h >> np.uint32(15)
        h *= np.uint32(0x2C1B3C6D)
        h ^= h >> np.uint32(12)
    return (h & np.uint32(buckets - 1)).astype(np.int64)


# ------------------------------------------------------------------ varints --------------

def varints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LEB128 bytes of `values` (non-negative, below 2**35), and each value's byte count."""
    values = values.astype(np.uint64)
    sizes = np.ones(len(values), dtype=np.int64)
    for bits in (7, 14, 21, 28):
        sizes += values >= (1 << bits)
    starts = np.cumsum(sizes) - sizes
    out = np.empty(int(sizes.sum()), dtype=np.uint8)
    for byte in range(5):
        mask = sizes > byte
        if not mask.any():
            break
        chunk = (values[mask] >> np.uint64(7 * byte)) & np.uint64(0x7F)
        more = (sizes[mask] > byte + 1).astype(np.uint64) << np.uint64(7)
        out[starts[mask] + byte] = (chunk | more).astype(np.uint8)
    return out, sizes


def varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def gather(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """data[starts[0]:starts[0]+lengths[0]] + data[starts[1]:...] + ..., in one go."""
    total = int(lengths.sum())
    if total == 0:
        return data[:0]
    offsets = np.cumsum(lengths) - lengths
    index = np.arange(total, dtype=np.int64) + np.repeat(starts - offsets, lengths)
    return data[index]


# ------------------------------------------------------------------ a shard --------------

def subdocuments(editions: list[list[tuple[int, str]]]) -> list[tuple[int, str]]:
    """(flags, folded text) of one article from its segments in each edition (all have the same
    kinds in the same order): each segment with the editions showing its folded text."""
    everyone = (1 << len(editions)) - 1
    texts: dict[int, list[str]] = {}
    for pieces in zip(*editions):
        folded: dict[str, int] = {}
        for number, (_, text) in enumerate(pieces):
            text = fold(text)
            folded[text] = folded.get(text, 0) | 1 << number
        title = pieces[0][0] == TITLE
        for text, mask in folded.items():
            if text:
                texts.setdefault(mask * 2 + title, []).append(text)
    order = sorted(texts, key=lambda flags: (-(flags & 1), flags != everyone * 2 + (flags & 1), flags))
    return [(flags, chr(SEPARATOR).join(texts[flags])) for flags in order]


def encode_shard(articles: list[list[list[tuple[int, str]]]], buckets: int) -> tuple[list[int], dict[int, bytes]]:
    """The subdocument table ([article, flags, ...]) and the bytes for each bucket of one shard,
    from each article's segments in each edition."""
    table: list[int] = []
    texts: list[str] = []
    for number, editions in enumerate(articles):
        for flags, text in subdocuments(editions):
            table += [number, flags]
            texts.append(text)
    if not texts:
        return table, {}
    points = np.frombuffer((chr(SEPARATOR).join(texts) + chr(SEPARATOR)).encode("utf-32-le"), dtype=np.uint32)
    lengths = np.array([len(text) + 1 for text in texts], dtype=np.int64)
    sub = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    position = np.arange(len(points), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    present = points != SEPARATOR
    pair = np.flatnonzero(present[:-1] & present[1:])
    single = np.flatnonzero(present)
    bigram = entries(points[pair], points[pair + 1], sub[pair], position[pair], buckets)
    unigram = entries(points[single], np.zeros(len(single), dtype=np.uint32), sub[single], None, buckets)
    return table, assemble(bigram, unigram, buckets)


@dataclass
class Entries:
    """Encoded n-gram entries: their sort keys, bucket, first char, second char, and body bytes."""

    keys: np.ndarray
    bucket: np.ndarray
    first: np.ndarray
    second: np.ndarray
    data: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray


def entries(first: np.ndarray, second: np.ndarray, sub: np.ndarray, position: np.ndarray | None,
            buckets: int) -> Entries:
    """The entries of the n-grams (first, second) occurring in subdocument `sub` at `position`
    (None: single characters, counted), in text order."""
    bucket = bucket_of(first, second, buckets)
    keys = (bucket.astype(np.uint64) << np.uint64(42)) | (first.astype(np.uint64) << np.uint64(21)) \
        | second.astype(np.uint64)
    order = np.argsort(keys, kind="stable")  # within an n-gram: by subdocument, then position
    keys, sub = keys[order], sub[order]
    new_entry = np.ones(len(keys), dtype=bool)
    new_entry[1:] = keys[1:] != keys[:-1]
    new_group = new_entry.copy()
    new_group[1:] |= sub[1:] != sub[:-1]
    group_starts = np.flatnonzero(new_group)
    counts = np.diff(np.append(group_starts, len(keys)))
    group_sub = sub[group_starts]
    sub_delta = group_sub.copy()
    continued = ~new_entry[group_starts]
    sub_delta[continued] -= np.concatenate(([0], group_sub[:-1]))[continued]
    if position is None:
        values = np.stack((sub_delta, counts), axis=1).ravel()
        value_starts = 2 * np.arange(len(group_starts))
    else:
        position = position[order]
        deltas = position.copy()
        deltas[~new_group] -= position[:-1][~new_group[1:]]
        group_of = np.cumsum(new_group) - 1
        values = np.empty(len(keys) + 2 * len(group_starts), dtype=np.int64)
        values[np.arange(len(keys)) + 2 * (group_of + 1)] = deltas
        value_starts = group_starts + 2 * np.arange(len(group_starts))
        values[value_starts] = sub_delta
        values[value_starts + 1] = counts
    data, sizes = varints(values)
    byte_starts = np.cumsum(sizes) - sizes
    entry_groups = np.flatnonzero(new_entry[group_starts])
    entry_value_starts = value_starts[entry_groups]
    entry_bytes = np.add.reduceat(sizes, entry_value_starts) if len(sizes) else np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(new_entry)
    return Entries(keys[starts], (keys[starts] >> np.uint64(42)).astype(np.int64),
                   ((keys[starts] >> np.uint64(21)) & np.uint64(0x1FFFFF)).astype(np.int64),
                   (keys[starts] & np.uint64(0x1FFFFF)).astype(np.int64),
                   data, byte_starts[entry_value_starts], entry_bytes)


def assemble(bigram: Entries, unigram: Entries, buckets: int) -> dict[int, bytes]:
    """bucket -> its bytes in this shard: entry count, headers, bodies."""
    data = np.concatenate((bigram.data, unigram.data))
    keys = np.concatenate((bigram.keys, unigram.keys))
    order = np.argsort(keys, kind="stable")
    bucket = np.concatenate((bigram.bucket, unigram.bucket))[order]
    first = np.concatenate((bigram.first, unigram.first))[order]
    second = np.concatenate((bigram.second, unigram.second))[order]
    starts = np.concatenate((bigram.starts, unigram.starts + len(bigram.data)))[order]
    lengths = np.concatenate((bigram.lengths, unigram.lengths))[order]
    bodies = gather(data, starts, lengths).tobytes()
    new_bucket = np.ones(len(bucket), dtype=bool)
    new_bucket[1:] = bucket[1:] != bucket[:-1]
    first_delta = first.copy()
    first_delta[~new_bucket] -= first[:-1][~new_bucket[1:]]
    header, header_sizes = varints(np.stack((first_delta, second, lengths), axis=1).ravel())
    header = header.tobytes()
    header_ends = np.cumsum(header_sizes.reshape(-1, 3).sum(axis=1))
    body_ends = np.cumsum(lengths)
    pieces: dict[int, bytes] = {}
    bucket_starts = np.flatnonzero(new_bucket)
    bounds = np.append(bucket_starts, len(bucket))
    for start, end in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        head_from = int(header_ends[start - 1]) if start else 0
        body_from = int(body_ends[start - 1]) if start else 0
        pieces[int(bucket[start])] = (varint(end - start) + header[head_from:int(header_ends[end - 1])]
                                      + bodies[body_from:int(body_ends[end - 1])])
    return pieces


# ------------------------------------------------------------------ the index ------------

def shard_key(members: list[Indexed], buckets: int, editions: int) -> str:
    parts = [code_version(), str(buckets), str(editions)]
    for article in members:
        parts += [article.slug, *article.prints]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def write_index(articles: list[Indexed], editions: int, read: Callable[[str], list[tuple[int, str]]],
                target: Path, cache: BuildCache | None, cancelled: Callable[[], bool] = lambda: False) -> bool:
    """Write the index of `articles` (site order) into `target` (a new folder); `read(path)` gives
    a text file's segments. Shards whose key the cache has are taken from it. False if
    `cancelled()` turned true first (nothing is left in `target` then but what was written)."""
    shards, buckets = layout(len(articles))
    members: list[list[Indexed]] = [[] for _ in range(shards)]
    for article in sorted(articles, key=lambda article: article.slug):
        members[shard_of(article.slug, shards)].append(article)
    tables, pieces, fresh = [], [], {}
    for number, group in enumerate(members):
        if cancelled():
            return False
        key = shard_key(group, buckets, editions)
        saved = cache.search_shard(number, key) if cache else None
        if saved is not None:
            table, shard_pieces = pickle.loads(saved)
        else:
            table, shard_pieces = encode_shard([[read(path) for path in article.texts] for article in group], buckets)
            fresh[number] = (key, pickle.dumps((table, shard_pieces), pickle.HIGHEST_PROTOCOL))
        tables.append(table)
        pieces.append(shard_pieces)
    target.mkdir(parents=True, exist_ok=True)
    for bucket, data in bucket_files(pieces, buckets):
        (target / f"{bucket}.bin").write_bytes(data)
    (target / "docs.json").write_bytes(dump({"buckets": buckets, "editions": editions, "shards": [
        {"slugs": [article.slug for article in group], "rank": [article.rank for article in group],
         "sub": table} for group, table in zip(members, tables)]}))
    (target / "filters.json").write_bytes(dump(filters(members)))
    if cache:
        cache.save_search_shards(fresh, shards)
    return True


def bucket_files(pieces: list[dict[int, bytes]], buckets: int) -> Iterator[tuple[int, bytes]]:
    for bucket in range(buckets):
        parts = []
        for shard, shard_pieces in enumerate(pieces):
            data = shard_pieces.get(bucket)
            if data:
                parts += [varint(shard), varint(len(data)), data]
        yield bucket, b"".join(parts)


def filters(members: list[list[Indexed]]) -> dict[str, dict[str, list[int]]]:
    """tag and source -> the global numbers of their articles, delta-encoded."""
    found: dict[str, dict[str, list[int]]] = {"tag": {}, "source": {}}
    number = 0
    for group in members:
        for article in group:
            for kind, names in (("tag", article.tags), ("source", (article.source,))):
                for name in names:
                    found[kind].setdefault(name, []).append(number)
            number += 1
    for kind in found:
        found[kind] = {name: [one - two for one, two in zip(numbers, [0, *numbers])]
                       for name, numbers in sorted(found[kind].items())}
    return found


def dump(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
