"""The build cache: what earlier builds read and wrote, so that the next one does only what changed.

One SQLite file, `<paths.cache>/build.sqlite` (`.digest-cache/` by default), holds:
- `sources`: content file name -> its size, mtime and digest when last read;
- `articles`: digest -> the Article read from it, without its HTML (pickled);
- `bodies`: digest -> the article's HTML body and references, read only when a page needs them;
- `outputs`: site path -> the fingerprint of everything its page was rendered from;
- `slugs`: text (and fallback) -> its slug made by this code, so that pypinyin is loaded only for new text;
- `search_shards`: each search index shard's key and encoded pieces (see digest.search_index);
- `state`: the key the outputs were built under, and whether the search index is stale.

Beside it, `plan.pickle` holds the last site plan made from scratch (see digest.replan), which a
build in a new process starts from as the preview starts from the one it keeps in memory.

A digest covers the file's name and bytes and the `reader_key` (code version, reader settings),
so a cached Article is always the one reading the file now would give. Deleting the folder, or
`build --full`, only costs time.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import sqlite3
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import digest

SCHEMA = """
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (name TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, digest TEXT);
CREATE TABLE IF NOT EXISTS articles (digest TEXT PRIMARY KEY, article BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS bodies (digest TEXT PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS outputs (path TEXT PRIMARY KEY, fingerprint TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS search_shards (shard INTEGER PRIMARY KEY, key TEXT NOT NULL, pieces BLOB NOT NULL);
"""
PLAN_FILE = "plan.pickle"
_INHERITED: list[sqlite3.Connection] = []  # connections a forked process got from its parent

# The libraries whose output ends up in the site: a new version of one means a new build.
LIBRARIES = ("Markdown", "Jinja2", "MarkupSafe", "OpenCC", "pypinyin", "numpy")


@lru_cache(maxsize=None)
def code_version() -> str:
    """A hash of this package's code and data files and of the libraries' versions."""
    package = Path(digest.__file__).parent
    hasher = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".yaml", ".txt")):
        hasher.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    for library in LIBRARIES:
        hasher.update(f"{library}={_version(library)}".encode())
    return hasher.hexdigest()


def _version(library: str) -> str:
    """The installed version of `library`: from the name of its `.dist-info` folder, which pip makes
    `<name>-<version>.dist-info`, or else from importlib.metadata, which every build would
    otherwise load at start-up (20 ms: it reads the metadata with the email package)."""
    named = _dist_info_versions().get(_normalized(library))
    if named:
        return named
    from importlib import metadata

    try:
        return metadata.version(library)
    except metadata.PackageNotFoundError:
        return "-"


@lru_cache(maxsize=1)
def _dist_info_versions() -> dict[str, str]:
    """Normalized project name -> version, of the `.dist-info` folders on sys.path, the first found
    of each name (as importlib.metadata finds them)."""
    versions: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = sorted(os.listdir(folder or "."))
        except OSError:
            continue
        for name in names:
            project, dash, version = name.removesuffix(".dist-info").rpartition("-")
            if name.endswith(".dist-info") and dash:
                versions.setdefault(_normalized(project), version)
    return versions


def _normalized(project: str) -> str:
    return re.sub(r"[-_.]+", "_", project).lower()


def hash_text(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


class BuildCache:
    """The cache of one project; safe to use from one thread at a time, in any thread."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / "build.sqlite"
        self._local = threading.local()

    @property
    def db(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            if connection is not None:  # a forked worker's: its parent's, never used nor closed here
                _INHERITED.append(connection)
            self.folder.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")  # a commit lost in a power cut only means work redone
            connection.executescript(SCHEMA)
            self._local.connection, self._local.pid = connection, os.getpid()
            self._local.last_body = None
        return connection

    def __getstate__(self) -> dict[str, Any]:  # a worker process opens its own connection
        return {"folder": self.folder}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["folder"])

    # ------------------------------------------------------------------ state
    def get(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set(self, key: str, value: str | None) -> None:
        if value is None:
            self.db.execute("DELETE FROM state WHERE key = ?", (key,))
        else:
            self.db.execute("INSERT OR REPLACE INTO state VALUES (?, ?)", (key, value))

    # ------------------------------------------------------------------ content files
    def use_reader(self, reader_key: str) -> None:
        """Forget every article read under another reader key (other code or reader settings)."""
        if self.get("reader") != reader_key:
            with self.transaction():
                for table in ("sources", "articles", "bodies"):
                    self.db.execute(f"DELETE FROM {table}")
                self.set("reader", reader_key)

    def sources(self) -> dict[str, tuple[int, int, str]]:
        return {name: (size, mtime, digest) for name, size, mtime, digest
                in self.db.execute("SELECT name, size, mtime_ns, digest FROM sources")}

    def articles(self, digests: Iterable[str]) -> dict[str, Any]:
        wanted = json.dumps(sorted(digests))
        return {digest: pickle.loads(blob) for digest, blob in self.db.execute(
            "SELECT digest, article FROM articles WHERE digest IN (SELECT value FROM json_each(?))", (wanted,))}

    def body(self, digest: str) -> Any:
        """An article's body; the last one is kept, since a page asks for its parts one by one."""
        last = getattr(self._local, "last_body", None)
        if last and last[0] == digest:
            return last[1]
        row = self.db.execute("SELECT body FROM bodies WHERE digest = ?", (digest,)).fetchone()
        if row is None:
            raise KeyError(f"no cached body for {digest}; delete {self.folder} and build again")
        self._local.last_body = (digest, pickle.loads(row[0]))
        return self._local.last_body[1]

    def slugs(self) -> set[tuple[str, str, str]]:
        """The (text, fallback, slug) triples saved by this code (a new pypinyin may make others)."""
        if self.get("slugs_version") != code_version():
            with self.transaction():
                self.db.execute("DROP TABLE IF EXISTS slugs")
                self.db.execute("CREATE TABLE slugs (text TEXT, fallback TEXT, slug TEXT NOT NULL, "
                                "PRIMARY KEY (text, fallback))")
                self.set("slugs_version", code_version())
        return set(self.db.execute("SELECT text, fallback, slug FROM slugs"))

    def save_slugs(self, slugs: Iterable[tuple[str, str, str]]) -> None:
        with self.transaction():
            self.db.executemany("INSERT OR REPLACE INTO slugs VALUES (?, ?, ?)", sorted(slugs))

    def save_bodies(self, bodies: Mapping[str, bytes]) -> None:
        """Articles' bodies by digest, pickled, saved as they are read (`save_reads` then keeps those in use)."""
        with self.transaction():
            self.db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?)", list(bodies.items()))

    def save_reads(self, sources: Mapping[str, tuple[int, int, str]], removed: Iterable[str],
                   unused: Iterable[str], articles: Mapping[str, Any]) -> None:
        """Record the content files that are new or changed (name -> size, mtime and digest) and
        those `removed`, the articles newly read (by digest, without their bodies), and drop the
        articles and bodies of the digests no file has any more (`unused`)."""
        with self.transaction():
            self.db.executemany("DELETE FROM sources WHERE name = ?", [(name,) for name in sorted(removed)])
            self.db.executemany("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?)",
                                [(name, *stat) for name, stat in sorted(sources.items())])
            self.db.executemany("INSERT OR REPLACE INTO articles VALUES (?, ?)",
                                [(digest, pickle.dumps(article, pickle.HIGHEST_PROTOCOL))
                                 for digest, article in articles.items()])
            self.forget(unused)

    def forget(self, digests: Iterable[str]) -> None:
        """Drop the articles and bodies of these digests."""
        with self.transaction():
            for table in ("articles", "bodies"):
                self.db.executemany(f"DELETE FROM {table} WHERE digest = ?", [(digest,) for digest in sorted(digests)])

    # ------------------------------------------------------------------ the last plan
    def plan(self, key: str) -> Any | None:
        """The plan saved under build key `key`, its articles reading their bodies from this
        cache; None when there is none, or it is another key's or unreadable."""
        try:
            with open(self.folder / PLAN_FILE, "rb") as file:
                if pickle.load(file) != key:
                    return None
                unpickler = pickle.Unpickler(file)
                unpickler.persistent_load = lambda _: self
                return unpickler.load()
        except Exception:  # a cache that cannot be read only costs the time of planning anew
            return None

    def save_plan(self, key: str, plan: Any) -> None:
        """Save `plan` under build key `key`: written beside, then renamed over the last one."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=self.folder, prefix=".plan-", delete=False) as file:
            try:
                pickle.dump(key, file, pickle.HIGHEST_PROTOCOL)
                pickler = pickle.Pickler(file, pickle.HIGHEST_PROTOCOL)
                pickler.persistent_id = lambda value: "cache" if value is self else None
                pickler.dump(plan)
            except BaseException:
                os.unlink(file.name)
                raise
        os.replace(file.name, self.folder / PLAN_FILE)

    # ------------------------------------------------------------------ outputs
    def outputs(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT path, fingerprint FROM outputs"))

    def save_outputs(self, key: str, outputs: Mapping[str, str]) -> None:
        """The record of a whole site written under build key `key`: path -> fingerprint."""
        with self.transaction():
            self.db.execute("DELETE FROM outputs")
            self.update_outputs(key, outputs, [])

    def update_outputs(self, key: str, changed: Mapping[str, str], removed: Iterable[str]) -> None:
        """The record of an incremental build: the files it wrote and the ones it removed."""
        with self.transaction():
            self.db.executemany("DELETE FROM outputs WHERE path = ?", [(path,) for path in removed])
            self.db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?)", sorted(changed.items()))
            self.set("outputs_key", key)

    # ------------------------------------------------------------------ search index shards
    def search_shard_keys(self) -> dict[int, str]:
        return dict(self.db.execute("SELECT shard, key FROM search_shards"))

    def search_shard(self, shard: int) -> bytes:
        """The pieces kept for `shard`."""
        return self.db.execute("SELECT pieces FROM search_shards WHERE shard = ?", (shard,)).fetchone()[0]

    def save_search_shards(self, fresh: Iterable[tuple[int, str, bytes]], shards: int) -> None:
        """Keep the shards encoded anew, (shard, key, pieces) each, taken one at a time (they are large),
        and forget those past the `shards` the index has now."""
        with self.transaction():
            self.db.executemany("INSERT OR REPLACE INTO search_shards VALUES (?, ?, ?)", fresh)
            self.db.execute("DELETE FROM search_shards WHERE shard >= ?", (shards,))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self.db.in_transaction:  # within another one: part of it
            yield
            return
        self.db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
