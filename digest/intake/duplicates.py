"""One story, one article: exact and near duplicates among seeds and articles.

Texts are compared as they are after cleaning (an article's Markdown body, or a seed's rendered
one), reduced to their letters and digits: headers, footers, punctuation and Markdown marks differ
between reposts of one story and say nothing about it. Two texts are

- exact duplicates when the reduced texts are equal (or the seeds' bytes are: see ingest), and
- near duplicates when the Jaccard similarity of their sets of character 5-grams ("shingles")
  reaches `duplicates.threshold`. It is estimated with MinHash signatures (64 permutations, over
  one shingle in four, chosen by hash: see shingle_hashes) and candidates are found with MinHash
  LSH buckets (Broder 1997), both from `datasketch`, so a new seed is compared with the few
  articles sharing a bucket, never with every article.

datasketch pulls in NumPy and SciPy (about 0.5 s to import): it is imported only when a run has a
new seed to decide, never by the build.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

SHINGLE = 5       # characters per shingle: long enough that two unrelated Chinese texts share few
PERMUTATIONS = 64      # a similarity of 0.5 is estimated within +-0.06 (one standard deviation)
SAMPLE = 4             # one shingle in four is hashed into the signature
SCHEME = "affine32"  # datasketch 2.0 hashing: named, so signatures kept from one call make the same MinHash
NOT_TEXT_RE = re.compile(r"[\W_]+")


def reduced(markdown: str) -> str:
    """The letters and digits of a text, in order: what two copies of one story share."""
    return NOT_TEXT_RE.sub("", markdown)


def text_key(markdown: str) -> str:
    """Equal for texts that are the same once reduced: an exact duplicate."""
    return hashlib.sha256(reduced(markdown).encode("utf-8")).hexdigest()


def shingle_hashes(markdown: str) -> Any:
    """64-bit hashes of the reduced text's character 5-grams, made with NumPy in one pass (a set of
    Python strings cost as much as cleaning the seed), then sampled: only the hashes divisible by
    SAMPLE are kept. The same shingles are kept in every text, so the Jaccard similarity of the
    samples estimates that of the whole sets, at a quarter of the cost."""
    import numpy as np

    codes = np.frombuffer(reduced(markdown).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    count = len(codes) - SHINGLE + 1
    if count < 1:
        return np.zeros(0, dtype=np.uint64)
    hashes = np.zeros(count, dtype=np.uint64)
    for offset in range(SHINGLE):  # a polynomial hash of each window, wrapping at 2**64
        hashes = hashes * np.uint64(1_000_003) + codes[offset:offset + count]
    hashes ^= hashes >> np.uint64(31)  # mixed, so that the low bits used for sampling are random
    hashes *= np.uint64(0x9E3779B97F4A7C15)
    hashes ^= hashes >> np.uint64(29)
    return hashes[hashes % np.uint64(SAMPLE) == 0]


def jaccard(a: str, b: str) -> float:
    """The exact Jaccard similarity of two texts' shingle sets (for tests and benchmarks)."""
    first = {reduced(a)[i:i + SHINGLE] for i in range(max(len(reduced(a)) - SHINGLE + 1, 1))}
    second = {reduced(b)[i:i + SHINGLE] for i in range(max(len(reduced(b)) - SHINGLE + 1, 1))}
    return len(first & second) / len(first | second)


@dataclass
class Signature:
    """What a text is compared by: its MinHash (for the LSH buckets) and its sampled shingle
    hashes, sorted and distinct (to measure the similarity of the few candidates exactly)."""

    minhash: Any
    sample: Any


def signature(markdown: str) -> Signature | None:
    """A text's signature (NumPy arrays, picklable: made in the worker that cleaned the seed); None
    for a text too short to have a sampled shingle."""
    import numpy as np

    sampled = np.unique(shingle_hashes(markdown))
    if not len(sampled):
        return None
    minhash = _template().copy()
    minhash.update_batch((sampled >> np.uint64(32)).astype(np.uint32))  # the scheme takes 32-bit values
    return Signature(minhash.hashvalues, sampled)


def sample_similarity(first: Any, second: Any) -> float:
    """The Jaccard similarity of two samples: exact on the sample, so within about 0.02 of the
    texts' (a MinHash estimate is within 0.06, and the best of many candidates is biased upwards)."""
    import numpy as np

    shared = len(np.intersect1d(first, second, assume_unique=True))
    return shared / (len(first) + len(second) - shared)


@cache
def _template() -> Any:
    """An empty MinHash: its permutations are made once, then copied."""
    from datasketch import MinHash

    return MinHash(num_perm=PERMUTATIONS, hashfunc=_same, scheme=SCHEME)


def _same(value: Any) -> Any:
    return value


@dataclass
class Match:
    """The article a text duplicates: exactly (similarity 1.0) or nearly."""

    slug: str
    similarity: float
    exact: bool


class DuplicateIndex:
    """Articles by reduced text and by MinHash bucket; `find` gives the one a new text duplicates.
    The buckets only propose candidates: each is measured on the samples before it counts."""

    def __init__(self, threshold: float) -> None:
        from datasketch import MinHashLSH

        self.threshold = threshold
        self.by_text: dict[str, str] = {}
        self.samples: dict[str, Any] = {}
        self.lsh = MinHashLSH(threshold=threshold, num_perm=PERMUTATIONS)

    def add(self, slug: str, key: str, signed: Signature | None) -> None:
        self.by_text.setdefault(key, slug)
        if signed is not None and slug not in self.samples:
            self.samples[slug] = signed.sample
            self.lsh.insert(slug, minhash_of(signed.minhash))

    def find(self, key: str, signed: Signature | None) -> Match | None:
        """The exact duplicate, else the most similar article at or over the threshold
        (ties: the first slug), else None."""
        if key in self.by_text:
            return Match(self.by_text[key], 1.0, True)
        if signed is None:
            return None
        scored = sorted((-sample_similarity(signed.sample, self.samples[slug]), slug)
                        for slug in self.lsh.query(minhash_of(signed.minhash)))
        if scored and -scored[0][0] >= self.threshold:
            return Match(scored[0][1], -scored[0][0], False)
        return None


def minhash_of(hashvalues: Any) -> Any:
    minhash = _template().copy()
    minhash.hashvalues = hashvalues
    return minhash
