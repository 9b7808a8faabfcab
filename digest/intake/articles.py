"""The content files as ingest sees them: readable or not, edited or not, and what it does to them
beyond writing: backups before an edited file is replaced, diffs, the fields a change touched."""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, fields
from functools import cached_property
from pathlib import Path

from digest.errors import DigestError
from digest.files import check_plain_file, write_atomic
from digest.intake.record import Entry, Record, record_path, seed_named_in
from digest.schema import FrontMatter, read_document

FINGERPRINT_LINE = re.compile(r"^fingerprint: .*\n", re.MULTILINE)
BACKUP_FOLDER = ".replaced"  # under content/: the build reads content/*.md only, never a subfolder
BOOKKEEPING = {"fingerprint", "seed_sha256", "slug"}  # fields not worth naming in a change


@dataclass
class Existing:
    """One content file: its front-matter and body when readable, else the error reading it."""

    path: Path
    text: str
    meta: FrontMatter | None = None
    body: str = ""
    error: DigestError | None = None

    @property
    def slug(self) -> str:
        return self.path.stem

    @cached_property
    def edited(self) -> bool:  # asked several times a run of one file, which is read once
        return is_edited_text(self.text)


def read_existing(content_dir: Path) -> dict[str, Existing]:
    """slug (file name) -> every content/*.md, readable or not."""
    found = {}
    for path in sorted(content_dir.glob("*.md")):
        try:
            check_plain_file(path)  # never opened otherwise: a FIFO would wait forever
        except DigestError as exc:
            found[path.stem] = Existing(path, "", error=exc)
            continue
        data = path.read_bytes()
        text = data.decode("utf-8", errors="replace")
        try:
            meta, body, _ = read_document(path, data)
        except DigestError as exc:
            found[path.stem] = Existing(path, text, error=exc)
            continue
        found[path.stem] = Existing(path, text, meta, body)
    return found


def record_from_articles(content_dir: Path, existing: dict[str, Existing]) -> Record:
    """A first record for a project ingested before there was one: each article's `seed:`, read
    from the raw text when the YAML is broken, so that a broken file is never taken as absent."""
    record = Record(record_path(content_dir))
    for slug, article in sorted(existing.items()):
        seed = article.meta.seed if article.meta else seed_named_in(article.text)
        if seed and seed not in record.entries:
            sha = article.meta.seed_sha256 if article.meta else None
            record.entries[seed] = Entry(sha or "unknown", slug, "ingested", fingerprint_of(article.text))
    return record


def fingerprint_of(text: str) -> str | None:
    match = re.search(r"^fingerprint: (\S+)$", text, re.MULTILINE)
    return match.group(1) if match else None


def with_fingerprint(text: str) -> str:
    """Fill the `fingerprint:` line with a hash of everything else in the file."""
    return FINGERPRINT_LINE.sub(f"fingerprint: {text_digest(text)}\n", text, count=1)


def is_edited(path: Path) -> bool:
    """True when the file no longer matches the fingerprint ingest wrote into it."""
    return is_edited_text(path.read_text(encoding="utf-8"))


def is_edited_text(text: str) -> bool:
    found = fingerprint_of(text)
    return found is None or found != text_digest(text)


def text_digest(text: str) -> str:
    return hashlib.sha256(FINGERPRINT_LINE.sub("", text).encode("utf-8")).hexdigest()[:16]


def back_up(path: Path, text: str) -> Path:
    """Save an edited file before it is replaced: content/.replaced/<slug>.<hash of its text>.md,
    so that saving the same text twice makes one file, and no two texts share one."""
    folder = path.parent / BACKUP_FOLDER
    folder.mkdir(exist_ok=True)
    backup = folder / f"{path.stem}.{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}.md"
    if not backup.exists():
        write_atomic(backup, text)
    return backup


def unified_diff(old: str, new: str, shown: str) -> str:
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                 fromfile=f"{shown} (yours)", tofile=f"{shown} (from the seed)")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def changed_fields(old: FrontMatter | None, old_body: str, new: FrontMatter, new_body: str) -> list[str]:
    """The front-matter fields (and `body`) that differ: what a config change did to an article."""
    if old is None:
        return []
    names = [f.name for f in fields(FrontMatter)
             if f.name not in BOOKKEEPING and getattr(old, f.name) != getattr(new, f.name)]
    return names + (["body"] if old_body.strip() != new_body.strip() else [])
