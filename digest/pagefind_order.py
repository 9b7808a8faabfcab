"""Put Pagefind's filter indexes in a fixed order, so that the same site gives the same bundle.

Pagefind 1.5.2 writes each filter's values, and the list of filters in its metadata file, in the
iteration order of a Rust hash map, which is random for every run (Pagefind issue #638: "other files
will still change, such as the filter/metadata indexes"). Everything else in the bundle (words,
fragments, scripts) is already the same from run to run. Pagefind's later sources sort both lists
before writing; this does the same afterwards, for the one version that needs it:

- `filter/<lang>_<hash>.pf_filter`: `[filter, [[value, [page, ...]], ...]]`, values sorted;
- `pagefind.<lang>_<hash>.pf_meta`: its list of `[filter, file hash]` sorted by filter;
- `pagefind-entry.json`: the metadata file's new hash.

The files are gzip(b"pagefind_dcd" + CBOR); names are Pagefind's hash of the CBOR (SHA-1 bytes as
unpadded hex), so a renamed file is what a sorting Pagefind would have named it. Nothing is changed
unless every file read re-encodes to exactly its original bytes: an unknown layout is left alone.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

VERSION = "1.5.2"  # the Pagefind version whose layout this knows
SIGNATURE = b"pagefind_dcd"
META_FILTERS = 3  # [version, pages, index chunks, filters, sorts, meta fields]


class UnknownLayout(Exception):
    """The bundle is not laid out as this module expects; it is left as Pagefind wrote it."""


def sort_filters(bundle: Path) -> bool:
    """Rewrite the filter and metadata files of `bundle` in sorted order; False if left alone."""
    entry_path = bundle / "pagefind-entry.json"
    entry_bytes = entry_path.read_bytes()
    entry = json.loads(entry_bytes)
    if entry.get("version") != VERSION or dump_json(entry) != entry_bytes:
        return False
    try:
        writes, stale = plan_rewrite(bundle, entry)
    except UnknownLayout:
        return False
    writes[entry_path] = dump_json(entry)
    for path, data in writes.items():
        path.write_bytes(data)
    for path in stale - set(writes):
        path.unlink()
    return True


def plan_rewrite(bundle: Path, entry: dict[str, Any]) -> tuple[dict[Path, bytes], set[Path]]:
    """(new files by path, old files to remove); updates `entry` in place."""
    writes: dict[Path, bytes] = {}
    stale: set[Path] = set()
    for language, info in entry["languages"].items():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = read_cbor(meta_path)
        if not (isinstance(meta, list) and len(meta) == 6 and isinstance(meta[META_FILTERS], list)):
            raise UnknownLayout(meta_path)
        taken: set[str] = set()
        filters = []
        for name, old_hash in sorted(meta[META_FILTERS]):
            old_path = bundle / "filter" / f"{old_hash}.pf_filter"
            filter_name, values = read_cbor(old_path)
            body = encode([filter_name, sorted(values, key=lambda value: value[0])])
            new_hash = short_hash(f"{language}_{full_hash(body)}", len(language) + 8, taken)
            writes[bundle / "filter" / f"{new_hash}.pf_filter"] = pack(body)
            stale.add(old_path)
            filters.append([name, new_hash])
        meta[META_FILTERS] = filters
        body = encode(meta)
        info["hash"] = f"{language}_{full_hash(body)[:len(language) + 8]}"
        writes[bundle / f"pagefind.{info['hash']}.pf_meta"] = pack(body)
        stale.add(meta_path)
    return writes, stale


def full_hash(data: bytes) -> str:
    """Pagefind's content hash: the SHA-1 bytes, each as hex without leading zero."""
    return "".join(f"{byte:x}" for byte in hashlib.sha1(data).digest())


def short_hash(hashed: str, length: int, taken: set[str]) -> str:
    """The first `length` characters, one more while another file of the kind has that name."""
    short = hashed[:length]
    while short in taken and len(short) < len(hashed):
        short = hashed[:len(short) + 1]
    taken.add(short)
    return short


def dump_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def pack(body: bytes) -> bytes:
    return gzip.compress(SIGNATURE + body, compresslevel=9, mtime=0)


def read_cbor(path: Path) -> Any:
    """The CBOR value in a Pagefind file; UnknownLayout unless it re-encodes to the same bytes."""
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as exc:
        raise UnknownLayout(path) from exc
    if not data.startswith(SIGNATURE):
        raise UnknownLayout(path)
    body = data[len(SIGNATURE):]
    value, end = decode(body, 0)
    if end != len(body) or encode(value) != body:
        raise UnknownLayout(path)
    return value


# The CBOR that Pagefind's files use: integers, text, bytes and definite-length arrays and maps.

def decode(data: bytes, at: int) -> tuple[Any, int]:
    if at >= len(data):
        raise UnknownLayout("truncated")
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        number = info
    elif info <= 27:
        size = 1 << (info - 24)
        number, at = int.from_bytes(data[at:at + size], "big"), at + size
    else:
        raise UnknownLayout(f"CBOR item {data[at - 1]:#x}")
    if major == 0:
        return number, at
    if major == 1:
        return -1 - number, at
    if major == 2:
        return bytes(data[at:at + number]), at + number
    if major == 3:
        return data[at:at + number].decode("utf-8"), at + number
    if major == 4:
        items = []
        for _ in range(number):
            item, at = decode(data, at)
            items.append(item)
        return items, at
    if major == 5:
        pairs = {}
        for _ in range(number):
            key, at = decode(data, at)
            pairs[key], at = decode(data, at)
        return pairs, at
    raise UnknownLayout(f"CBOR major type {major}")


def encode(value: Any) -> bytes:
    if isinstance(value, bool) or value is None:
        raise UnknownLayout(f"CBOR value {value!r}")
    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return head(3, len(data)) + data
    if isinstance(value, list):
        return head(4, len(value)) + b"".join(encode(item) for item in value)
    if isinstance(value, dict):
        return head(5, len(value)) + b"".join(encode(key) + encode(item) for key, item in value.items())
    raise UnknownLayout(f"CBOR value {value!r}")


def head(major: int, number: int) -> bytes:
    """A CBOR item head in its shortest form."""
    if number < 24:
        return bytes([major << 5 | number])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if number < 1 << (8 * size):
            return bytes([major << 5 | info]) + number.to_bytes(size, "big")
    raise UnknownLayout(f"CBOR number {number}")
