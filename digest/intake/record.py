"""The intake record: content/ingest-record.yaml, what ingest made of each seed and what the curator decided.

One small YAML file, tracked with content/, sorted by seed name and written atomically, so that
a diff of it reads as the history of the intake. Per seed:

    sha256       the hash of the seed's bytes when it was last ingested or decided
    article      the slug (file name) of its article, or of the article it duplicates or was merged into
    decision     ingested | rejected | duplicate | merged
    fingerprint  (ingested) the fingerprint of what ingest last wrote
    published    (merged) the repost's {source, url, date}, listed in its article's also_published
    gone         true once ingest has reported that the seed file was deleted

The build never reads it: content/ holds only *.md articles as far as the build is concerned.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from digest import yamlcore
from digest.errors import DigestError
from digest.files import write_atomic
from digest.schema import Publication

RECORD_NAME = "ingest-record.yaml"
DECISIONS = ("ingested", "rejected", "duplicate", "merged")
HEADER = ("# The intake record, written by `./build.py ingest` and `./build.py reject`: what became of\n"
          "# each seed in seeds/. Commit it with content/. See README, \"The intake record\".\n")
SEED_LINE_RE = re.compile(r"^seed: *['\"]?(.+?)['\"]? *$", re.MULTILINE)


@dataclass
class Entry:
    """What became of one seed."""

    sha256: str
    article: str | None
    decision: str
    fingerprint: str | None = None
    published: Publication | None = None
    gone: bool = False

    def to_yaml(self) -> dict[str, Any]:
        # by hand, not dataclasses.asdict, which deep-copies every value: 3 s for 10,000 entries
        data = {"sha256": self.sha256, "article": self.article, "decision": self.decision,
                "fingerprint": self.fingerprint, "gone": self.gone or None}
        if self.published is not None:
            published = self.published
            data["published"] = {key: value for key, value in (("source", published.source), ("url", published.url),
                                                               ("date", published.date)) if value is not None}
        return {key: value for key, value in data.items() if value is not None}


@dataclass
class Record:
    """seed file name -> Entry, with the file it is kept in."""

    path: Path
    entries: dict[str, Entry] = field(default_factory=dict)

    def get(self, seed: str) -> Entry | None:
        return self.entries.get(seed)

    def seed_of(self, slug: str) -> str | None:
        """The seed whose own article (ingested or rejected) is `slug`."""
        for seed, entry in sorted(self.entries.items()):
            if entry.article == slug and entry.decision in ("ingested", "rejected"):
                return seed
        return None

    def merged_into(self, slug: str) -> list[tuple[str, Entry]]:
        """The reposts merged into `slug`, in seed-name order."""
        return self.merges().get(slug, [])

    def merges(self) -> dict[str, list[tuple[str, Entry]]]:
        """Each article's merged reposts, in seed-name order: one pass, for a caller asking about
        every article (asking `merged_into` for each would pass over the record once per article)."""
        index: dict[str, list[tuple[str, Entry]]] = {}
        for seed, entry in sorted(self.entries.items()):
            if entry.decision == "merged":
                index.setdefault(entry.article, []).append((seed, entry))
        return index

    def save(self) -> None:
        data = {seed: self.entries[seed].to_yaml() for seed in sorted(self.entries)}
        text = HEADER + (yaml.dump(data, Dumper=yamlcore.SafeDumper, allow_unicode=True, sort_keys=True, width=1000,
                                   default_flow_style=False) if data else "{}\n")
        if not data and not self.path.exists():
            return  # nothing to remember yet: no file made
        if self.path.is_file() and self.path.read_text(encoding="utf-8") == text:
            return  # unchanged: the file keeps its time
        write_atomic(self.path, text)


def record_path(content_dir: Path) -> Path:
    return content_dir / RECORD_NAME


def load_record(content_dir: Path) -> Record | None:
    """The record, or None when the project has none yet (made by ingest before there was one)."""
    path = record_path(content_dir)
    if not path.exists():
        return None
    try:
        data = yamlcore.load(path.read_text(encoding="utf-8"))  # YAML 1.2, a key twice is an error
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problem, line = yamlcore.yaml_error(exc)
        raise DigestError(f"invalid intake record: {problem}", path, line + 1 if line is not None else None) from None
    if not isinstance(data, dict):
        raise DigestError("the intake record must be a mapping of seed names", path)
    return Record(path, {str(seed): _entry(seed, item, path) for seed, item in data.items()})


def _entry(seed: str, item: Any, path: Path) -> Entry:
    if not isinstance(item, dict) or item.get("decision") not in DECISIONS or not item.get("sha256"):
        raise DigestError(f"'{seed}': needs sha256 and a decision ({', '.join(DECISIONS)})", path)
    published = item.get("published")
    if published is not None:
        date = published.get("date")
        published = Publication(published.get("source"), published.get("url"),
                                date if isinstance(date, dt.date) or date is None else dt.date.fromisoformat(str(date)))
    return Entry(str(item["sha256"]), item.get("article"), item["decision"], item.get("fingerprint"),
                 published, bool(item.get("gone")))


def seed_named_in(text: str) -> str | None:
    """The `seed:` of a content file read as raw text: found even when its YAML is broken."""
    match = SEED_LINE_RE.search(text.split("\n---", 1)[0])
    return match.group(1) if match and match.group(1) not in ("null", "~") else None
