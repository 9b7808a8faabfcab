"""Seeds -> content: decode, clean, extract metadata, write content/<slug>.md safely.

A content file the curator has edited is never overwritten: each file carries a
`fingerprint` of what ingest wrote, and a file that no longer matches it is kept.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from digest.intake.blocks import to_blocks, to_markdown
from digest.intake.clean import clean_text
from digest.intake.clean.encoding import decode_seed
from digest.script import to_target_script
from digest.config import Config
from digest.errors import DigestError
from digest.files import write_atomic
from digest.intake.extract import extract
from digest.parallel import ordered_map
from digest.schema import FrontMatter, dump_front_matter, read_document
from digest.slug import slugify, unique_slug

FINGERPRINT_LINE = re.compile(r"^fingerprint: .*\n", re.MULTILINE)


@dataclass
class SeedResult:
    """What happened to one seed: created, updated, unchanged, kept (edited) or failed."""

    seed: str
    status: str
    path: Path | None = None
    review: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class IngestReport:
    results: list[SeedResult] = field(default_factory=list)

    @property
    def failed(self) -> list[SeedResult]:
        return [r for r in self.results if r.status == "failed"]


def ingest(config: Config, force: bool = False, jobs: int | None = None) -> IngestReport:
    """Ingest every file in the seeds folder, in name order; one failure does not stop the rest.

    Seeds are cleaned in parallel (`jobs` processes, default one per core); slugs are then
    chosen in seed-name order, and the files made and written in parallel again, so the
    result does not depend on `jobs`.
    """
    seeds_dir, content_dir = config.dir("seeds"), config.dir("content")
    if not seeds_dir.is_dir():
        raise DigestError("seeds folder not found", seeds_dir)
    content_dir.mkdir(parents=True, exist_ok=True)
    existing = index_content(content_dir)
    taken = {path.stem for path in content_dir.glob("*.md")}
    seeds = sorted(p for p in seeds_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    kept = {seed for seed in seeds if not force and is_edited_or_none(existing.get(seed.name))}
    todo = [seed for seed in seeds if seed not in kept]
    rendered = dict(zip(todo, render_many(todo, config, jobs)))
    placed = {seed: place(result, content_dir, existing.get(seed.name), taken)
              for seed, result in rendered.items() if not isinstance(result, DigestError)}
    settled = dict(zip(placed, ordered_map(settle, list(placed.values()), jobs, parallel_from=PARALLEL_FROM)))
    report = IngestReport()
    for seed in seeds:
        if seed in kept:
            report.results.append(SeedResult(seed.name, "kept (edited)", existing[seed.name]))
        elif seed in settled:
            report.results.append(settled[seed])
        else:
            report.results.append(SeedResult(seed.name, "failed", error=str(rendered[seed])))
    return report


def is_edited_or_none(path: Path | None) -> bool:
    return path is not None and is_edited(path)


def index_content(content_dir: Path) -> dict[str, Path]:
    """seed file name -> the content file made from it (found by its `seed` field)."""
    index = {}
    for path in sorted(content_dir.glob("*.md")):
        try:
            meta, _, _ = read_document(path)
        except DigestError:
            continue  # a broken content file is `check`'s business; ingest leaves it alone
        if meta.seed:
            index.setdefault(meta.seed, path)
    return index


@dataclass
class Rendered:
    """One seed cleaned: its front-matter, Markdown body and the slug its title asks for."""

    meta: FrontMatter
    body: str
    base_slug: str


@dataclass
class Placed:
    """A rendered seed with its slug chosen: the file to write, and the one it was made from before."""

    meta: FrontMatter
    body: str
    path: Path
    existing: Path | None


PARALLEL_FROM = 64  # below this many seeds, starting worker processes costs more than it saves


def render_many(seeds: list[Path], config: Config, jobs: int | None) -> list[Rendered | DigestError]:
    """Render seeds, in order; in worker processes when there are many and more than one core."""
    return ordered_map(partial(render_safely, config=config), seeds, jobs, parallel_from=PARALLEL_FROM)


def render_safely(seed: Path, config: Config) -> Rendered | DigestError:
    try:
        meta, body = render_seed(seed.read_bytes(), seed, config)
    except DigestError as exc:
        return exc
    except OSError as exc:
        return DigestError(f"cannot read: {exc.strerror}", seed)
    return Rendered(meta, body, slugify(meta.title))


def place(rendered: Rendered, content_dir: Path, existing: Path | None, taken: set[str]) -> Placed:
    """Choose the slug: the existing file's, or the one the title asks for, made unique."""
    meta = rendered.meta
    meta.slug = existing.stem if existing is not None else unique_slug(rendered.base_slug, taken)
    taken.add(meta.slug)
    return Placed(meta, rendered.body, content_dir / f"{meta.slug}.md", existing)


def settle(placed: Placed) -> SeedResult:
    """Make the file and write it, unless it would come out the same."""
    meta, existing = placed.meta, placed.existing
    text = with_fingerprint(dump_front_matter(meta) + "\n" + placed.body)
    if existing is not None and existing.read_text(encoding="utf-8") == text:
        return SeedResult(meta.seed, "unchanged", existing, meta.review)
    write_atomic(placed.path, text)
    return SeedResult(meta.seed, "updated" if existing is not None else "created", placed.path, meta.review)


def render_seed(data: bytes, seed: Path, config: Config) -> tuple[FrontMatter, str]:
    """Front-matter (slug not yet chosen) and Markdown body for one raw file."""
    decoded = decode_seed(data, seed)
    cleaned = clean_text(decoded.text, config.rules, config["script"])
    found = extract(cleaned.text, config.rules)
    if not found.paragraphs:
        raise DigestError("no article text left after cleaning", seed)
    meta = found.meta
    meta.seed, meta.seed_sha256 = seed.name, hashlib.sha256(data).hexdigest()
    meta.review = [to_target_script(note, config["script"]) for note in (*meta.review, *decoded.findings, *cleaned.findings)]
    return meta, to_markdown(to_blocks(found.paragraphs), found.references)


def with_fingerprint(text: str) -> str:
    """Fill the `fingerprint:` line with a hash of everything else in the file."""
    return FINGERPRINT_LINE.sub(f"fingerprint: {_digest(text)}\n", text, count=1)


def is_edited(path: Path) -> bool:
    """True when the file no longer matches the fingerprint ingest wrote into it."""
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^fingerprint: (\S+)$", text, re.MULTILINE)
    return match is None or match.group(1) != _digest(text)


def _digest(text: str) -> str:
    return hashlib.sha256(FINGERPRINT_LINE.sub("", text).encode("utf-8")).hexdigest()[:16]

