"""One story, one article: exact and near duplicates among seeds and articles.

Texts are compared as they are after cleaning (an article's Markdown body, or a seed's rendered
one), reduced to their letters and digits: headers, footers, punctuation and Markdown marks differ
between reposts of one story and say nothing about it. Two texts are

- exact duplicates when the reduced texts are equal (or the seeds' bytes are: see ingest), and
- near duplicates when the Jaccard similarity of their sets of character 5-grams ("shingles")
  reaches `duplicates.threshold`. It is estimated with MinHash signatures (128 permutations)
  and candidates are found with MinHash LSH buckets (Broder 1997), both from `datasketch`, so a
  new seed is compared with the few articles sharing a bucket, never with every article.

datasketch pulls in NumPy and SciPy (about 0.5 s to import): it is imported only when a run has a
new seed to decide, never by the build.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass
from typing import Any

SHINGLE = 5       # characters per shingle: long enough that two unrelated Chinese texts share few
PERMUTATIONS = 128
SCHEME = "affine32"  # datasketch 2.0 hashing: named, so signatures kept from one call make the same MinHash
NOT_TEXT_RE = re.compile(r"[\W_]+")


def reduced(markdown: str) -> str:
    """The letters and digits of a text, in order: what two copies of one story share."""
    return NOT_TEXT_RE.sub("", markdown)


def text_key(markdown: str) -> str:
    """Equal for texts that are the same once reduced: an exact duplicate."""
    return hashlib.sha256(reduced(markdown).encode("utf-8")).hexdigest()


def shingles(text: str) -> set[bytes]:
    """The character 5-grams of a reduced text (the text itself when shorter)."""
    if len(text) <= SHINGLE:
        return {text.encode("utf-8")} if text else set()
    return {text[index:index + SHINGLE].encode("utf-8") for index in range(len(text) - SHINGLE + 1)}


def jaccard(a: str, b: str) -> float:
    """The exact Jaccard similarity of two markdown texts' shingle sets (for tests and benchmarks)."""
    first, second = shingles(reduced(a)), shingles(reduced(b))
    return len(first & second) / len(first | second) if first | second else 1.0


def signature(markdown: str) -> Any:
    """The MinHash signature of a text's shingles (a NumPy array, picklable, made in a worker).
    CRC-32 hashes the shingles: half the time of datasketch's default SHA-1, and as good here."""
    from datasketch import MinHash

    minhash = MinHash(num_perm=PERMUTATIONS, hashfunc=zlib.crc32, scheme=SCHEME)
    minhash.update_batch(shingles(reduced(markdown)))
    return minhash.hashvalues


@dataclass
class Match:
    """The article a text duplicates: exactly (similarity 1.0) or nearly."""

    slug: str
    similarity: float
    exact: bool


class DuplicateIndex:
    """Articles by reduced text and by MinHash bucket; `find` gives the one a new text duplicates."""

    def __init__(self, threshold: float) -> None:
        from datasketch import MinHashLSH

        self.threshold = threshold
        self.by_text: dict[str, str] = {}
        self.signatures: dict[str, Any] = {}
        self.lsh = MinHashLSH(threshold=threshold, num_perm=PERMUTATIONS)

    def add(self, slug: str, key: str, hashvalues: Any) -> None:
        self.by_text.setdefault(key, slug)
        if slug not in self.signatures:
            self.signatures[slug] = minhash_of(hashvalues)
            self.lsh.insert(slug, self.signatures[slug])

    def find(self, key: str, hashvalues: Any) -> Match | None:
        """The exact duplicate, else the most similar article at or over the threshold
        (ties: the first slug), else None."""
        if key in self.by_text:
            return Match(self.by_text[key], 1.0, True)
        minhash = minhash_of(hashvalues)
        scored = sorted((-minhash.jaccard(self.signatures[slug]), slug) for slug in self.lsh.query(minhash))
        if scored and -scored[0][0] >= self.threshold:
            return Match(scored[0][1], -scored[0][0], False)
        return None


def minhash_of(hashvalues: Any) -> Any:
    from datasketch import MinHash

    return MinHash(num_perm=PERMUTATIONS, hashfunc=zlib.crc32, hashvalues=hashvalues, scheme=SCHEME)
