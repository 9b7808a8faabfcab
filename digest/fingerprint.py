"""Fingerprints of the data a page is rendered from, so that a build can tell which pages changed.

A page's fingerprint covers everything its template can reach: the page (route, template, date)
and its context, walked through dataclasses, tuples, lists and dicts. An Article counts as its
`digest` (its file's bytes, read by this code with these settings), which also stands for its
body. Templates, settings and code are not in it: they are in the build key, which covers every page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from digest.content import Article

PLAIN = (str, int, float, bool, type(None), dt.date, Path)
LONG = 64  # encodings longer than this are hashed, so that a shared object costs a few bytes to include


class Fingerprints:
    """Computes fingerprints, each dataclass object encoded once per build (they are shared:
    one Entry shows on its article page, its neighbours', lists and feeds)."""

    def __init__(self) -> None:
        self._memo: dict[int, tuple[Any, str]] = {}

    def of(self, value: Any) -> str:
        return _hash(self.encode(value))

    def encode(self, value: Any) -> str:
        if isinstance(value, PLAIN):
            return repr(value)
        if isinstance(value, Article):
            return "Article:" + value.digest
        if isinstance(value, (list, tuple)):
            return "[" + ",".join(map(self.encode, value)) + "]"
        if isinstance(value, dict):
            return "{" + ",".join(sorted(f"{self.encode(k)}:{self.encode(v)}" for k, v in value.items())) + "}"
        if is_dataclass(value):
            return self._dataclass(value)
        raise TypeError(f"cannot fingerprint a {type(value).__name__} in a page's data")

    def _dataclass(self, value: Any) -> str:
        known = self._memo.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        encoded = type(value).__name__ + "(" + ",".join(self.encode(getattr(value, f.name)) for f in fields(value)) + ")"
        if len(encoded) > LONG:
            encoded = "#" + _hash(encoded)
        self._memo[id(value)] = (value, encoded)  # the value is kept, so its id is not reused
        return encoded


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
