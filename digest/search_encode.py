"""Site search: one shard of the index encoded with numpy (the layout is digest/search_index.py's doc).

Each article has one position space. A segment that folds alike in every edition is laid out once;
one whose folded text differs but keeps its length (s2twp's 创建 -> 建立) too, each n-gram occurrence
flagged with the editions showing it; one whose length differs is laid out once per distinct text,
after the others. Flags = editions bit mask * 2 + 1 in the title; most occurrences are in every
edition and not in the title, and carry no flags.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from digest.search import TITLE, WHITESPACE, fold_translation

DELETED = 0xFFFFFFFF
SPACE = 0x20
POSITION_FILES = 2  # files of positions per bucket, after the buckets of counts (search-core.js says the same)


@lru_cache(maxsize=1)
def fold_arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(code point -> folded code point or DELETED, is whitespace, is an ASCII letter or digit): the
    fold of digest.search as lookup tables."""
    table = np.arange(0x110000, dtype=np.uint32)
    for code, folded in fold_translation().items():
        table[code] = DELETED if folded is None else ord(folded)
    space = np.zeros(0x110000, dtype=bool)
    space[whitespace_codes()] = True
    alnum = np.zeros(0x110000, dtype=bool)
    alnum[[ord(char) for char in "0123456789abcdefghijklmnopqrstuvwxyz"]] = True
    return table, space, alnum


def whitespace_codes() -> list[int]:
    codes, chars, index = [], WHITESPACE, 0
    while index < len(chars):
        if index + 2 < len(chars) and chars[index + 1] == "-":
            codes += range(ord(chars[index]), ord(chars[index + 2]) + 1)
            index += 3
        else:
            codes.append(ord(chars[index]))
            index += 1
    return codes


def fold_all(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The folded code points of all `texts` one after the other, and where each one's start
    (len(texts) + 1 offsets): digest.search.fold of each, at once."""
    table, space, alnum = fold_arrays()
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    points = table[np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)]
    text_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    kept = points != DELETED
    points, text_of = points[kept], text_of[kept]
    blank = space[points]
    same_before = np.zeros(len(points), dtype=bool)
    same_before[1:] = text_of[1:] == text_of[:-1]
    run_start = blank & ~(np.concatenate(([False], blank[:-1])) & same_before)
    run_end = blank & ~(np.concatenate((blank[1:], [False])) & np.concatenate((same_before[1:], [False])))
    starts, ends = np.flatnonzero(run_start), np.flatnonzero(run_end)
    gap = (starts > 0) & (ends + 1 < len(points))
    gap[gap] &= alnum[points[starts[gap] - 1]] & alnum[points[ends[gap] + 1]] \
        & (text_of[starts[gap] - 1] == text_of[starts[gap]]) & (text_of[ends[gap] + 1] == text_of[starts[gap]])
    keep = ~blank
    keep[starts[gap]] = True
    points = points.copy()
    points[starts[gap]] = SPACE
    points, text_of = points[keep], text_of[keep]
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.bincount(text_of, minlength=len(texts)), out=offsets[1:])
    return points, offsets


def varints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LEB128 bytes of `values` (non-negative, below 2**32), and each value's byte count."""
    values = values.astype(np.uint32)
    sizes = 1 + (values >= 1 << 7).astype(np.int8) + (values >= 1 << 14) + (values >= 1 << 21) + (values >= 1 << 28)
    groups = np.empty((len(values), 5), dtype=np.uint8)
    for byte in range(5):
        groups[:, byte] = (values >> np.uint32(7 * byte)) & np.uint32(0x7F)
    columns = np.arange(5, dtype=np.int8)
    groups |= (columns < (sizes - 1)[:, None]).view(np.uint8) << np.uint8(7)
    return groups[columns < sizes[:, None]], sizes.astype(np.int64)


def varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def bucket_of(first: np.ndarray, second: np.ndarray, buckets: int) -> np.ndarray:
    """The bucket of n-grams (code points; second 0 for a single character), as search-core.js computes it."""
    with np.errstate(over="ignore"):
        h = (first.astype(np.uint32) * np.uint32(0x9E3779B1)) ^ ((second.astype(np.uint32) + np.uint32(1))
                                                                 * np.uint32(0x85EBCA77))
        h ^= h >> np.uint32(15)
        h *= np.uint32(0x2C1B3C6D)
        h ^= h >> np.uint32(12)
    return (h & np.uint32(buckets - 1)).astype(np.int64)


# ------------------------------------------------------------------ laying out -----------

def layout(articles: list[list[list[tuple[int, str]]]], editions: int) -> tuple[np.ndarray, np.ndarray]:
    """The folded points of the articles' segments (each article's segments in each edition, the
    editions' lists alike in kinds and order), and the rows to index in them: (start, length,
    article, position, flags) each."""
    everyone = (1 << editions) - 1
    texts, kinds = [], []
    for versions in articles:
        for pieces in zip(*versions):
            texts += [text for _, text in pieces]
            kinds.append(pieces[0][0])
    points, offsets = fold_all(texts)
    offsets = offsets.tolist()
    rows: list[tuple[int, int, int, int, int]] = []
    segment = 0
    for number, versions in enumerate(articles):
        position, later = 0, []
        for _ in range(len(versions[0])):
            title = int(kinds[segment] == TITLE)
            spans = [(offsets[segment * editions + edition], offsets[segment * editions + edition + 1])
                     for edition in range(editions)]
            segment += 1
            shown = [points[start:end].tobytes() for start, end in spans]
            if all(text == shown[0] for text in shown):
                rows.append((spans[0][0], spans[0][1] - spans[0][0], number, position, everyone * 2 + title))
            elif len({end - start for start, end in spans}) == 1:  # same length: the same positions
                rows += [(start, end - start, number, position, (1 << edition) * 2 + title)
                         for edition, (start, end) in enumerate(spans)]
            else:
                masks: dict[bytes, int] = {}
                for edition, text in enumerate(shown):
                    masks[text] = masks.get(text, 0) | 1 << edition
                later += [(spans[shown.index(text)], mask * 2 + title) for text, mask in masks.items()]
                continue
            position += spans[0][1] - spans[0][0] + 1
        for (start, end), flags in later:
            rows.append((start, end - start, number, position, flags))
            position += end - start + 1
    return points, np.array(rows, dtype=np.int64).reshape(-1, 5)


def occurrences(points: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, ...]:
    """Every character of the rows: (code point, next code point or 0 at a row's end, article,
    position, flags)."""
    starts, lengths, article, position, flags = rows.T
    total = int(lengths.sum())
    before = np.cumsum(lengths) - lengths
    inner = np.arange(total, dtype=np.int64) - np.repeat(before, lengths)
    index = np.repeat(starts, lengths) + inner
    first = points[index]
    second = np.zeros(total, dtype=np.uint32)
    last = inner == np.repeat(lengths, lengths) - 1
    second[~last] = points[index[~last] + 1]
    return (first, second, np.repeat(article, lengths), np.repeat(position, lengths) + inner,
            np.repeat(flags, lengths))


def encode_shard(articles: list[list[list[tuple[int, str]]]], editions: int, buckets: int) -> dict[int, bytes]:
    """file number -> the bytes of one shard there, from each article's segments in each edition: the
    counts of n-grams in file hash(n-gram) mod buckets, the positions of bigrams in file buckets +
    hash(bigram) mod 2 * buckets (they are larger: finer files, so a term fetches less beside its own)."""
    points, rows = layout(articles, editions)
    if not len(rows):
        return {}
    first, second, article, position, flags = occurrences(points, rows)
    default = ((1 << editions) - 1) * 2
    pairs = second != 0
    keys, article_of, position_of, flags_of = merged(gram_keys(first[pairs], second[pairs], buckets),
                                                     article[pairs], position[pairs], flags[pairs])
    bigram_counts = count_entries(keys, article_of, flags_of, default)
    low = np.uint64((1 << 42) - 1)
    half = np.uint64(0x1FFFFF)  # each character's rank in 21 bits
    place_file = bucket_of((keys >> np.uint64(21)) & half, keys & half, POSITION_FILES * buckets)
    bigram_places = place_entries(((place_file + buckets).astype(np.uint64) << np.uint64(42)) | (keys & low),
                                  article_of, position_of, flags_of, default)
    keys, article, _, flags = merged(gram_keys(first, np.zeros(len(first), dtype=np.uint32), buckets), article,
                                     position, flags)
    unigram = count_entries(keys, article, flags, default)
    return assemble([bigram_counts, bigram_places, unigram])


def gram_keys(first: np.ndarray, second: np.ndarray, buckets: int) -> np.ndarray:
    """Sort keys of n-grams: their bucket, first and second code points."""
    bucket = bucket_of(first, second, buckets)
    return (bucket.astype(np.uint64) << np.uint64(42)) | (first.astype(np.uint64) << np.uint64(21)) \
        | second.astype(np.uint64)


def merged(keys: np.ndarray, article: np.ndarray, position: np.ndarray, flags: np.ndarray):
    """Sorted by n-gram, article and position, one occurrence per place with its editions joined:
    (keys, article, position, flags). The occurrences come nearly in article and position order
    (only the rows of a segment shown differently at the same positions go back), which a stable
    sort sorts fast; the n-gram sort after it keeps that order."""
    place = article << 32 | position
    order = np.argsort(place, kind="stable")
    order = order[np.argsort(keys[order], kind="stable")]
    keys, place, flags = keys[order], place[order], flags[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = (keys[1:] != keys[:-1]) | (place[1:] != place[:-1])
    if not first.all():
        starts = np.flatnonzero(first)
        flags = np.bitwise_or.reduceat(flags, starts)
        keys, place = keys[starts], place[starts]
    return keys, place >> 32, place & 0xFFFFFFFF, flags


def count_entries(keys: np.ndarray, article: np.ndarray, flags: np.ndarray, default: int) -> Entries:
    """Entries of counts: per article, (count, flags) per distinct flags, from occurrences sorted by
    n-gram and article (merged's): a stable sort by (n-gram and article, flags) finds them in order."""
    run = np.ones(len(keys), dtype=bool)
    run[1:] = (keys[1:] != keys[:-1]) | (article[1:] != article[:-1])
    order = np.argsort((np.cumsum(run) << 16) | flags, kind="stable")
    keys, article, flags = keys[order], article[order], flags[order]
    run[1:] |= flags[1:] != flags[:-1]
    starts = np.flatnonzero(run)
    counts = np.diff(np.append(starts, len(keys)))
    keys, article, flags = keys[starts], article[starts], flags[starts]
    new_entry = entry_starts(keys)
    flagged = flags != default
    widths = 2 + flagged.astype(np.int64)
    heads = np.cumsum(widths) - widths
    values = np.empty(int(widths.sum()), dtype=np.int64)
    values[heads] = article_deltas(article, new_entry)
    values[heads + 1] = counts * 2 + flagged
    values[heads[flagged] + 2] = flags[flagged]
    return entries(keys, new_entry, values, heads[new_entry])


def place_entries(keys: np.ndarray, article: np.ndarray, position: np.ndarray, flags: np.ndarray,
                  default: int) -> Entries:
    """Entries of positions: per article, its positions with their flags where not `default`."""
    new_entry = entry_starts(keys)
    new_group = new_entry.copy()
    new_group[1:] |= article[1:] != article[:-1]
    flagged = flags != default
    group_starts = np.flatnonzero(new_group)
    counts = np.diff(np.append(group_starts, len(keys)))
    deltas = position.copy()
    deltas[~new_group] -= position[:-1][~new_group[1:]]
    widths = 1 + flagged.astype(np.int64)
    before = np.cumsum(widths) - widths
    group_of = np.cumsum(new_group) - 1
    at = before + 2 * (group_of + 1)
    values = np.empty(int(widths.sum()) + 2 * len(group_starts), dtype=np.int64)
    values[at] = deltas * 2 + flagged
    values[at[flagged] + 1] = flags[flagged]
    heads = before[group_starts] + 2 * np.arange(len(group_starts))
    values[heads] = article_deltas(article, new_entry)[group_starts]
    values[heads + 1] = counts
    return entries(keys, new_entry, values, heads[np.flatnonzero(new_entry[group_starts])])


def entry_starts(keys: np.ndarray) -> np.ndarray:
    new_entry = np.ones(len(keys), dtype=bool)
    new_entry[1:] = keys[1:] != keys[:-1]
    return new_entry


def article_deltas(article: np.ndarray, new_entry: np.ndarray) -> np.ndarray:
    """Each article number less the one before it in the same entry (itself at an entry's start)."""
    deltas = article.copy()
    deltas[~new_entry] -= article[:-1][~new_entry[1:]]
    return deltas


def entries(keys: np.ndarray, new_entry: np.ndarray, values: np.ndarray, entry_heads: np.ndarray) -> Entries:
    """Entries of the sorted `keys` whose bodies are `values` as varints, each entry's starting at its head."""
    data, sizes = varints(values)
    byte_starts = np.cumsum(sizes) - sizes
    entry_bytes = np.add.reduceat(sizes, entry_heads) if len(sizes) else np.zeros(0, dtype=np.int64)
    entry_keys = keys[np.flatnonzero(new_entry)]
    return Entries(entry_keys, (entry_keys >> np.uint64(42)).astype(np.int64),
                   ((entry_keys >> np.uint64(21)) & np.uint64(0x1FFFFF)).astype(np.int64),
                   (entry_keys & np.uint64(0x1FFFFF)).astype(np.int64), data, byte_starts[entry_heads], entry_bytes)


def gather(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """data[starts[0]:starts[0]+lengths[0]] + data[starts[1]:...] + ..., in one go."""
    total = int(lengths.sum())
    if total == 0:
        return data[:0]
    offsets = np.cumsum(lengths) - lengths
    index = np.arange(total, dtype=np.int64) + np.repeat(starts - offsets, lengths)
    return data[index]


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


def assemble(parts: list[Entries]) -> dict[int, bytes]:
    """file number -> its bytes in this shard: entry count, headers, bodies."""
    data = np.concatenate([part.data for part in parts])
    offsets = np.cumsum([0] + [len(part.data) for part in parts[:-1]])
    keys = np.concatenate([part.keys for part in parts])
    order = np.argsort(keys, kind="stable")
    bucket = np.concatenate([part.bucket for part in parts])[order]
    first = np.concatenate([part.first for part in parts])[order]
    second = np.concatenate([part.second for part in parts])[order]
    starts = np.concatenate([part.starts + offset for part, offset in zip(parts, offsets)])[order]
    lengths = np.concatenate([part.lengths for part in parts])[order]
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


