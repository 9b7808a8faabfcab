"""One story, one article: exact and near duplicates among seeds and articles.

Texts are compared as they are after cleaning (an article's Markdown body, or a seed's rendered
one), reduced to their letters and digits: headers, footers, punctuation and Markdown marks differ
between reposts of one story and say nothing about it. Two texts are

- exact duplicates when the reduced texts are equal (or the seeds' bytes are: see ingest), and
- near duplicates when the Jaccard similarity of their sets of character 5-grams ("shingles")
  reaches `duplicates.threshold`. Candidates come from MinHash signatures (64 permutations, over
  one shingle in eight, chosen by hash) cut into 16 bands of 4 (LSH: Broder 1997; Leskovec,
  Rajaraman and Ullman, Mining of Massive Datasets, ch. 3): texts sharing a band are candidates,
  so a new seed is compared with the few articles sharing a bucket, never with every article.
  The candidates are then measured exactly on the samples, all at once, and the best one counts.

Why not datasketch, which implements MinHash and MinHashLSH: it imports SciPy (0.55 s) and hashes
one shingle at a time in Python; with it signing a text cost 1 ms, half of what cleaning the
seed costs, against a budget of 15 %. Here the shingles are hashed, sampled and permuted with
NumPy arrays in a few operations (about 0.15 ms). See docs/design.md and bench/RESULTS.md.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

SHINGLE = 5            # characters per shingle: long enough that two unrelated Chinese texts share few
SAMPLE = 8             # one shingle in eight (by hash) goes into the sample: a power of two
BANDS, ROWS = 16, 4    # 64 MinHash values in 16 bands of 4: a text 0.8 alike shares a band with
                       # probability 1 - (1 - 0.8**4)**16 = 0.9998, one 0.3 alike 0.12
NOT_TEXT_RE = re.compile(r"[\W_]+")


def reduced(markdown: str) -> str:
    """The letters and digits of a text, in order: what two copies of one story share."""
    return NOT_TEXT_RE.sub("", markdown)


def text_key(text: str) -> str:
    """Equal for reduced texts that are the same: an exact duplicate."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def shingle_hashes(text: str) -> Any:
    """64-bit hashes of a reduced text's character 5-grams, made with NumPy in one pass (a set of
    Python strings cost as much as cleaning the seed), then sampled: only the hashes divisible by
    SAMPLE are kept. The same shingles are kept in every text, so the Jaccard similarity of the
    samples estimates that of the whole sets, at an eighth of the cost."""
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    count = len(codes) - SHINGLE + 1
    if count < 1:
        return np.zeros(0, dtype=np.uint64)
    hashes = codes[:count].copy()
    for offset in range(1, SHINGLE):  # a polynomial hash of each window, wrapping at 2**64 (in place)
        hashes *= np.uint64(1_000_003)
        hashes += codes[offset:offset + count]
    hashes ^= hashes >> np.uint64(31)  # mixed, so that the low bits used for sampling are random
    hashes *= np.uint64(0x9E3779B97F4A7C15)
    hashes ^= hashes >> np.uint64(29)
    return hashes[(hashes & np.uint64(SAMPLE - 1)) == 0]  # divisible by SAMPLE, a power of two


def jaccard(a: str, b: str) -> float:
    """The exact Jaccard similarity of two texts' shingle sets (for tests and benchmarks)."""
    first = {reduced(a)[i:i + SHINGLE] for i in range(max(len(reduced(a)) - SHINGLE + 1, 1))}
    second = {reduced(b)[i:i + SHINGLE] for i in range(max(len(reduced(b)) - SHINGLE + 1, 1))}
    return len(first & second) / len(first | second)


@dataclass
class Signature:
    """What a text is compared by: its MinHash (for the LSH buckets and the estimates), its bands
    as bucket keys (Python ints, made in the worker: the parent only looks them up), and its
    sampled shingle hashes, sorted and distinct (to measure the similarity of the few candidates)."""

    minhash: Any
    sample: Any
    bands: tuple[int, ...] = ()

    def __getstate__(self) -> tuple[bytes, bytes, tuple[int, ...]]:
        # sent from the worker as bytes: pickling two arrays cost as much as making the bands
        return self.minhash.tobytes(), self.sample.tobytes(), self.bands

    def __setstate__(self, state: tuple[bytes, bytes, tuple[int, ...]]) -> None:
        import numpy as np

        minhash, sample, self.bands = state
        self.minhash, self.sample = np.frombuffer(minhash, dtype=np.uint64), np.frombuffer(sample, dtype=np.uint64)


@cache
def _permutations() -> tuple[Any, Any]:
    """64 random affine maps x -> a*x + b (mod 2**64, a odd: each a permutation of the hashes),
    from a fixed seed, so that every process makes the same signatures."""
    import numpy as np

    generator = np.random.default_rng(20240526)
    multipliers = generator.integers(0, 2**63, size=BANDS * ROWS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    return multipliers, generator.integers(0, 2**63, size=BANDS * ROWS, dtype=np.uint64)


def signature(text: str) -> Signature | None:
    """A reduced text's signature (NumPy arrays, picklable: made in the worker that cleaned the
    seed); None for a text too short to have a sampled shingle."""
    import numpy as np

    sample = np.sort(shingle_hashes(text))
    if not len(sample):
        return None
    sample = sample[np.concatenate(([True], sample[1:] != sample[:-1]))]  # distinct (np.unique costs more)
    multipliers, offsets = _permutations()
    permuted = np.multiply.outer(sample, multipliers)
    permuted += offsets
    minhash = permuted.min(axis=0)
    return Signature(minhash, sample, band_keys(minhash))


def band_keys(minhash: Any) -> tuple[int, ...]:
    """One bucket key per band: its 4 values, each times an odd constant of its own place (so that
    the same values in another band make another key), summed into one 64-bit int. Two bands share
    a key when they are equal (or, about once in 2**64, by chance: a candidate more, which the
    exact measure then judges like any other)."""
    import numpy as np

    mixed = minhash * _band_mixers()  # each value times an odd constant of its row and band
    keys = mixed.reshape(BANDS, ROWS).sum(axis=1)
    keys ^= keys >> np.uint64(29)
    return tuple(keys.tolist())


@cache
def _band_mixers() -> Any:
    import numpy as np

    return np.random.default_rng(20240527).integers(0, 2**63, size=BANDS * ROWS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)


def sample_similarities(sample: Any, others: list[Any]) -> Any:
    """The Jaccard similarity of one sample with each of `others` (sorted, distinct, non-empty), in
    one pass: the others joined, each of their hashes looked up in `sample` by binary search. Exact
    on the samples, so within about 0.02 of the texts' (a MinHash estimate is within 0.06, and the
    best of many candidates is biased upwards)."""
    import numpy as np

    lengths = np.array([len(other) for other in others])
    joined = np.concatenate(others)
    found = sample[np.searchsorted(sample, joined).clip(max=len(sample) - 1)] == joined
    shared = np.add.reduceat(found, np.concatenate(([0], lengths.cumsum()[:-1]))).astype(float)
    return shared / (len(sample) + lengths - shared)


@dataclass
class Match:
    """The article a text duplicates: exactly (similarity 1.0) or nearly."""

    slug: str
    similarity: float
    exact: bool


class DuplicateIndex:
    """Articles by reduced text and by LSH bucket; `find` gives the one a new text duplicates.
    The buckets propose candidates; their MinHash estimates, compared all at once, keep those that
    may reach the threshold (LOOSER below it); these are measured on the samples, all at once,
    before the best counts. A text is looked up in 16 dicts of ints and, when it has candidates,
    a few array operations: at 10,000 seeds the decisions take a fraction of a second."""

    # How far below the threshold an estimate may fall and its candidate still be measured. The
    # estimate is the share of 64 MinHash values that agree: one standard deviation is 0.06 at a
    # similarity of 0.5, so a text exactly at the threshold is dropped here once in 120 (2.4
    # deviations), one at 0.6 once in 30,000, while the bands already drop a third of those at 0.5.
    # At 0.2, three times as many candidates were measured (50,158 for 10,000 generated seeds,
    # mostly distinct stories near 0.3; 17,135 now, with the same decisions), and measuring was
    # half of what deciding cost: in the parent, with the rest of ingest waiting.
    LOOSER = 0.15

    def __init__(self, threshold: float) -> None:
        import numpy as np

        self.threshold = threshold
        # the agreeing MinHash values a candidate needs: count / 64 >= threshold - LOOSER, exactly
        # (a float times a power of two is exact), without dividing every count
        self.least_agreeing = (threshold - self.LOOSER) * BANDS * ROWS
        self.by_text: dict[str, str] = {}
        self.slugs: list[str] = []
        self.samples: list[Any] = []
        self.minhashes = np.zeros((1024, BANDS * ROWS), dtype=np.uint64)
        self.buckets: dict[int, list[int]] = {}

    def add(self, slug: str, key: str, signed: Signature | None) -> None:
        import numpy as np

        self.by_text.setdefault(key, slug)
        if signed is None:
            return
        number = len(self.slugs)
        if number == len(self.minhashes):
            self.minhashes = np.concatenate([self.minhashes, np.zeros_like(self.minhashes)])
        self.slugs.append(slug)
        self.samples.append(signed.sample)
        self.minhashes[number] = signed.minhash
        for band in signed.bands:
            self.buckets.setdefault(band, []).append(number)

    def find(self, key: str, signed: Signature | None) -> Match | None:
        """The exact duplicate, else the most similar article at or over the threshold
        (ties: the first slug), else None."""
        import numpy as np

        if key in self.by_text:
            return Match(self.by_text[key], 1.0, True)
        if signed is None:
            return None
        candidates: set[int] = set()
        for band in signed.bands:
            if band in self.buckets:
                candidates.update(self.buckets[band])
        if not candidates:
            return None
        numbers = np.fromiter(candidates, dtype=np.intp, count=len(candidates))
        agreeing = np.count_nonzero(self.minhashes[numbers] == signed.minhash, axis=1)
        numbers = numbers[agreeing >= self.least_agreeing]
        if not len(numbers):
            return None
        scores = sample_similarities(signed.sample, [self.samples[number] for number in numbers])
        best = float(scores.max())
        if best < self.threshold:
            return None
        return Match(min(self.slugs[number] for number in numbers[scores == best].tolist()), best, False)
