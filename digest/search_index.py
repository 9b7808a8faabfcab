"""Site search, the index: character n-grams of the folded own text of every article, with positions,
in files by a hash of the n-gram, one index for all editions; static/search-core.js reads it.

Articles are grouped in *shards* by a hash of their slug (SHARD_ARTICLES or half as many each); within a
shard they are numbered in slug order. For every n-gram the index has (article, count) and for
every bigram also (article, positions). A term of k >= 2 characters occurs at p exactly when its
bigrams at offsets 0, 2, 4, ... and k - 2 occur at p plus that offset: the text is pinned
character by character, so matching needs no text and has no false positives; a term of one or
two characters needs only the counts, which are much smaller than the positions. Where the
editions show a segment differently, each occurrence says which editions show it, and whether it
is in the title (its flags: editions bit mask * 2 + 1 in the title; see digest/search_encode.py).

Files, under search/index/ at the site root (varints are LEB128, unsigned):
- `<n>.bin`: the counts of the n-grams with hash(n-gram) mod `buckets` = n, and the positions of
  the bigrams with hash(bigram) mod 2 * `buckets` = n - buckets (positions are the larger part:
  finer files for them). Per shard having entries there: varint shard, varint
  length, then that many bytes: varint entries; per entry varint (first char - previous entry's
  first char), varint second char (0 for a single character), varint body length; then the
  bodies in order. A body of counts is a run of (varint article delta, varint (count * 2 + 1 if
  flagged) [varint flags]), one per article and flags; a body of positions a run of (varint
  article delta, varint count, count times varint (position delta * 2 + 1 if flagged) [varint
  flags]). Unflagged: every edition, not the title. Deltas start from 0 in each entry and article.
- `docs.json`: buckets, editions, and the number of articles in each shard: all the page loads
  first, with `ranks.bin`, each article's site order (0 newest) as a varint, shard by shard.
- `shard-<n>.json`: the slugs of shard n, fetched for the results shown.
- `filters.json`: tag and source -> the articles having it, as deltas of their global numbers
  (shard by shard, slug order within), fetched when a filter is chosen.

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

from digest.cache import BuildCache, code_version
from digest.parallel import ordered_results
from digest.search import read_text_file
from digest.search_encode import POSITION_FILES, encode_shard, varint

SHARD_ARTICLES = 128  # articles per shard, about (64-128: shards are a power of two): an edit re-encodes one
MAX_BUCKETS = 2048
MIN_BUCKETS = 16
ARTICLES_PER_BUCKET = 5  # at 10,000 articles, 2,048 buckets: 2,048 files of counts and 4,096 of positions, ~20 kB each
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


def index_layout(articles: int) -> tuple[int, int]:
    """(shards, buckets) for a site of `articles`: powers of two."""
    shards = 1 << max(0, (articles - 1) // SHARD_ARTICLES).bit_length()
    wanted = max(MIN_BUCKETS, min(MAX_BUCKETS, int(articles / ARTICLES_PER_BUCKET)))
    return shards, 1 << (wanted - 1).bit_length()


def shard_of(slug: str, shards: int) -> int:
    return zlib.crc32(slug.encode("utf-8")) & (shards - 1)


# ------------------------------------------------------------------ the index ------------

def shard_key(members: list[Indexed], buckets: int, editions: int) -> str:
    parts = [code_version(), str(buckets), str(editions)]
    for article in members:
        parts += [article.slug, *article.prints]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def write_index(articles: list[Indexed], editions: int, sources: list[Path], target: Path, cache: BuildCache | None,
                current: Path | None = None, cancelled: Callable[[], bool] = lambda: False,
                jobs: int | None = None) -> bool | None:
    """Write the index of `articles` (site order) into `target` (a new folder), their text files
    each read from the first of `sources` that has it. Shards whose key the cache has are not
    encoded again; the others are, in `jobs` processes when there are several. With `current`
    (the index as it is) laid out alike, only the files that change are written, each bucket
    file from the current one with the changed shards' pieces put in: True then (the caller moves
    them over), False for a whole index (the caller replaces the folder), None if `cancelled()`
    turned true first."""
    shards, buckets = index_layout(len(articles))
    members: list[list[Indexed]] = [[] for _ in range(shards)]
    for article in sorted(articles, key=lambda article: article.slug):
        members[shard_of(article.slug, shards)].append(article)
    docs = dump({"buckets": buckets, "editions": editions, "shards": [len(group) for group in members]})
    partial = laid_out_alike(current, buckets, editions, shards) and cache is not None
    pieces: list[dict[int, bytes] | None] = []
    fresh: list[int] = []  # the shards encoded anew, pickled for the cache only when saved (one at a time)
    changed: set[int] = set()
    kept = cache.search_shard_keys() if cache else {}
    keys = [shard_key(group, buckets, editions) for group in members]
    stale = [number for number, key in enumerate(keys) if kept.get(number) != key]
    tasks = [ShardTask([article.texts for article in members[number]], sources, editions, buckets) for number in stale]
    encoded = {}
    for number, new in zip(stale, ordered_results(encode_task, tasks, jobs, parallel_from=2, chunksize=1)):
        if cancelled():  # the preview's next save: the workers stop after their shard
            return None
        encoded[number] = new
    for number in range(shards):
        if number not in encoded:
            pieces.append(None if partial else pickle.loads(cache.search_shard(number)))
            continue
        new = encoded[number]
        fresh.append(number)
        old = pickle.loads(cache.search_shard(number)) if partial and number in kept else None
        if old is None:
            partial = False
        else:
            changed |= {bucket for bucket in old.keys() | new.keys() if old.get(bucket) != new.get(bucket)}
        pieces.append(new)
    if not partial and any(shard is None for shard in pieces):  # a shard's old pieces are missing after all
        pieces = [shard if shard is not None else pickle.loads(cache.search_shard(number))
                  for number, shard in enumerate(pieces)]
    target.mkdir(parents=True, exist_ok=True)
    if partial:
        for bucket in sorted(changed):
            (target / f"{bucket}.bin").write_bytes(spliced((current / f"{bucket}.bin").read_bytes(), pieces, bucket))
    else:
        for bucket, data in bucket_files(pieces, (1 + POSITION_FILES) * buckets):
            (target / f"{bucket}.bin").write_bytes(data)
    for number in encoded if partial else range(shards):  # a shard's slugs change only with its key
        (target / f"shard-{number}.json").write_bytes(dump([article.slug for article in members[number]]))
    (target / "ranks.bin").write_bytes(b"".join(varint(article.rank) for group in members for article in group))
    (target / "docs.json").write_bytes(docs)
    (target / "filters.json").write_bytes(dump(filters(members)))
    if cache:
        cache.save_search_shards(((number, keys[number], pickle.dumps(pieces[number], pickle.HIGHEST_PROTOCOL))
                                  for number in fresh), shards)
    return partial


@dataclass(frozen=True)
class ShardTask:
    """One shard to encode: each article's text file in each edition, where to find them, and the layout."""

    texts: list[tuple[str, ...]]
    sources: list[Path]
    editions: int
    buckets: int


def encode_task(task: ShardTask) -> dict[int, bytes]:
    def read(path: str) -> list[tuple[int, str]]:
        folder = next(folder for folder in task.sources if (folder / path).is_file())
        return read_text_file((folder / path).read_bytes())

    return encode_shard([[read(path) for path in paths] for paths in task.texts], task.editions, task.buckets)


def laid_out_alike(current: Path | None, buckets: int, editions: int, shards: int) -> bool:
    """Whether the index in `current` has these buckets, editions and shards."""
    try:
        docs = json.loads((current / "docs.json").read_bytes()) if current else None
    except (OSError, ValueError):
        return False
    return bool(docs) and (docs["buckets"], docs["editions"], len(docs["shards"])) == (buckets, editions, shards)


def segments(data: bytes) -> dict[int, bytes]:
    """shard -> its bytes in one bucket file."""
    found, at = {}, 0
    while at < len(data):
        shard, at = read_varint(data, at)
        length, at = read_varint(data, at)
        found[shard], at = data[at:at + length], at + length
    return found


def spliced(data: bytes, pieces: list[dict[int, bytes] | None], bucket: int) -> bytes:
    """A bucket file's bytes with the pieces of the shards encoded anew (those not None) put in."""
    found = segments(data)
    for shard, shard_pieces in enumerate(pieces):
        if shard_pieces is not None:
            found.pop(shard, None)
            if shard_pieces.get(bucket):
                found[shard] = shard_pieces[bucket]
    return b"".join(varint(shard) + varint(len(found[shard])) + found[shard] for shard in sorted(found))


def read_varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7


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
