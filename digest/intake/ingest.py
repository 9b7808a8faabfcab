"""Seeds -> content: decode, clean, extract metadata, match duplicates, write content/<slug>.md, record.

The intake record (record.py) says what became of each seed; ingest goes by it:
- a seed the record does not know is new: it becomes an article, unless it duplicates one
  (duplicates.py): the same bytes or text (recorded, nothing written) or the same story from
  another site (merged: the article lists it in `also_published`, with a review note);
- a rejected seed stays out, and so does a seed whose article file was deleted (a rejection);
- an ingested seed's article is refreshed when ingest wrote it and the seed or the settings
  changed, and kept when the curator edited it (its `fingerprint` no longer matches); `--force`
  replaces an edited file after saving it in content/.replaced/ and showing the diff;
- an article that cannot be read is reported and its seed left alone: never taken as absent.
Every decision goes in seed-name order, so the outcome does not depend on `jobs`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from digest.config import Config
from digest.errors import DigestError
from digest.files import shown_path, write_atomic
from digest.intake.articles import (Existing, back_up, changed_fields, fingerprint_of, read_existing,
                                    record_from_articles, unified_diff, with_fingerprint)
from digest.intake.articles import is_edited  # noqa: F401  (the tests' and check's way to ask)
from digest.intake.blocks import to_blocks, to_markdown
from digest.intake.clean import clean_text
from digest.intake.clean.encoding import decode_seed
from digest.intake.extract import extract
from digest.intake.merges import amend, merge_note, relisted
from digest.intake.record import Entry, Record, load_record
from digest.intake.report import IngestReport, SeedResult
from digest.intake.seeds import resolve_seed, seed_files
from digest.parallel import collector_paused, ordered_map
from digest.schema import FrontMatter, Publication, dump_front_matter
from digest.script import to_target_script
from digest.slug import slugify, unique_slug

PARALLEL_FROM = 64  # below this many seeds, starting worker processes costs more than it saves


@dataclass
class Rendered:
    """One seed cleaned: its front-matter, Markdown body, the slug its title asks for, and what
    duplicate detection compares (made in the worker, with the rest)."""

    meta: FrontMatter
    body: str
    base_slug: str
    text_key: str
    signature: Any = None


@dataclass
class Write:
    """A file to write from a rendered seed: new, or replacing `existing`."""

    seed: str
    rendered: Rendered
    path: Path
    existing: Existing | None = None


def ingest(config: Config, force: bool = False, jobs: int | None = None, only: tuple[str, ...] = (),
           restore: tuple[str, ...] = ()) -> IngestReport:
    """Ingest the seeds (all of them, or those named in `only` and `restore`), in name order; one
    failure does not stop the rest. `restore` takes rejected, duplicate or merged seeds back as
    articles of their own."""
    # Python's cycle collector is off meanwhile: a run makes objects by the million and no cycles,
    # and each full collection walked all of them again (10,000 seeds: 0.7 s, all in this process).
    with collector_paused():
        return _ingest(config, force, jobs, only, restore)


def _ingest(config: Config, force: bool, jobs: int | None, only: tuple[str, ...],
            restore: tuple[str, ...]) -> IngestReport:
    seeds_dir, content_dir = config.dir("seeds"), config.dir("content")
    if not seeds_dir.is_dir():
        raise DigestError("seeds folder not found", seeds_dir)
    content_dir.mkdir(parents=True, exist_ok=True)
    existing = read_existing(content_dir)
    record = load_record(content_dir) or record_from_articles(content_dir, existing)
    seeds = seed_files(seeds_dir)
    restoring = {resolve_seed(name, seeds, record, content_dir) for name in restore}
    named = {resolve_seed(name, seeds, record, content_dir) for name in only} | restoring
    run = Run(config, record, existing, seeds, force, restoring)
    for name in sorted(named) if named else sorted(seeds):
        run.classify(name)
    if not named:
        run.report_gone_seeds()
    run.render(jobs)
    run.decide_new(jobs)
    run.write(jobs)
    run.amend_merged()
    record.save()
    return run.finish()


class Run:
    """One ingest: what each seed needs, then rendering, decisions, writing, in that order."""

    def __init__(self, config: Config, record: Record, existing: dict[str, Existing], seeds: dict[str, Path],
                 force: bool, restoring: set[str]) -> None:
        self.config, self.record, self.existing, self.seeds = config, record, existing, seeds
        self.force, self.restoring = force, restoring
        self.content_dir = config.dir("content")  # resolved once: resolving it per seed cost as much as deciding one
        self.hashes: dict[str, str] = {}
        self.updates: dict[str, Existing] = {}  # seed -> its article, to refresh
        self.new: list[str] = []                # seeds to decide: article, duplicate or merged
        self.rendered: dict[str, Rendered | DigestError] = {}
        self.writes: list[Write] = []
        self.merged_into: set[str] = set()      # articles that gained (or lost) a repost in this run
        self.new_merges: set[str] = set()       # seeds merged in this run
        self.relisting: list[str] = []          # merged seeds, rendered again: their source may have changed
        self.notes_replaced: dict[str, str | None] = {}  # merge notes changed (None: gone) in this run
        self.taken = set(existing) | {e.article for e in record.entries.values() if e.article}
        self.report = IngestReport()
        self.results: dict[str, SeedResult] = {}

    # ------------------------------------------------------------------ what each seed needs

    def classify(self, name: str) -> None:
        if name not in self.record.entries and name not in self.restoring:
            self.new.append(name)  # its hash comes from the worker that reads it to render it: read once
            return
        try:
            self.hashes[name] = hashlib.sha256(self.seeds[name].read_bytes()).hexdigest()
        except OSError as exc:
            self.results[name] = SeedResult(name, "failed", error=f"{self.seeds[name]}: cannot read: {exc.strerror}")
            return
        entry = self.record.get(name)
        if entry is not None:
            entry.gone = False
        restored = name in self.restoring and (entry is None or entry.decision != "ingested")
        if restored or entry is None or (
                entry.decision in ("duplicate", "merged") and entry.sha256 != self.hashes[name]):
            self.new.append(name)  # a changed copy is a new seed: decided again
            if entry is not None and entry.decision == "merged":
                self.unlist(name, entry)
        elif entry.decision == "ingested":
            self.classify_ingested(name, entry)
        else:
            if entry.decision == "merged":
                self.relisting.append(name)
            self.results[name] = SeedResult(name, entry.decision, self.article_path(entry.article), changed=False,
                                            detail=self.of_article(entry))

    def classify_ingested(self, name: str, entry: Entry) -> None:
        article = self.existing.get(entry.article or "")
        if article is None:
            entry.decision = "rejected"
            self.results[name] = SeedResult(name, "rejected", detail=f"({self.shown(self.article_path(entry.article))}"
                                                                     f" was deleted)")
        elif article.error is not None:  # never taken as absent: the seed waits until the file is fixed
            error = article.error
            self.results[name] = SeedResult(name, "failed", error=str(DigestError(error.message, self.shown(error.path),
                                                                                   error.line)))
        elif article.edited and not self.force:
            changed = entry.sha256 != self.hashes[name]
            hint = [f"the seed has changed since it was ingested: `./build.py ingest --force {name}` takes the "
                    f"new text (your version is saved in content/.replaced/ first)"] if changed else []
            self.results[name] = SeedResult(name, "kept (edited)", article.path, changed=changed, notes=hint)
        else:
            self.updates[name] = article

    def report_gone_seeds(self) -> None:
        for name, entry in sorted(self.record.entries.items()):
            if name in self.seeds or entry.gone or entry.decision != "ingested" or entry.article not in self.existing:
                continue
            entry.gone = True
            self.report.gone.append(SeedResult(name, "seed gone", self.existing[entry.article].path,
                                               detail="(the article is kept)"))

    # ------------------------------------------------------------------ rendering and deciding

    def render(self, jobs: int | None) -> None:
        todo = [*self.updates, *self.new, *self.relisting]
        detect = self.config["duplicates"]["detect"]
        new = set(self.new)
        items = [(self.seeds[name], detect and name in new) for name in todo]
        if detect and new:  # the workers sign the new seeds: NumPy imported once, before they fork
            import numpy  # noqa: F401  (0.13 s: in each worker otherwise, and here anyway to decide)
        done = ordered_map(partial(render_safely, config=self.config), items, jobs, parallel_from=PARALLEL_FROM)
        self.rendered = dict(zip(todo, done))
        for name in self.new:
            rendered = self.rendered[name]
            if name not in self.hashes and not isinstance(rendered, DigestError):
                self.hashes[name] = rendered.meta.seed_sha256
        for name, article in self.updates.items():
            if isinstance(self.rendered[name], DigestError):
                self.results[name] = SeedResult(name, "failed", error=str(self.rendered[name]))
            else:
                self.writes.append(Write(name, self.rendered[name], article.path, article))

    def decide_new(self, jobs: int | None) -> None:
        from digest.intake.decide import Decider

        self.relist()
        if not self.new:
            return
        decider = Decider(self, jobs)
        for name in self.new:
            if isinstance(self.rendered[name], DigestError):
                self.results[name] = SeedResult(name, "failed", error=str(self.rendered[name]))
            else:
                decider.decide(name, self.rendered[name])

    def create(self, name: str, rendered: Rendered) -> Path:
        entry = self.record.get(name)
        wanted = entry.article if entry and entry.decision in ("ingested", "rejected") else None
        slug = wanted if wanted and wanted not in self.existing else unique_slug(rendered.base_slug, self.taken)
        self.taken.add(slug)
        self.record.entries[name] = Entry(self.hashes[name], slug, "ingested")
        path = self.content_dir / f"{slug}.md"
        self.writes.append(Write(name, rendered, path))
        return path

    # ------------------------------------------------------------------ writing

    def write(self, jobs: int | None) -> None:
        merges = self.record.merges()
        for item in self.writes:
            item.rendered.meta.slug = item.path.stem
            self.with_merges(item.rendered.meta, merges)
        settled = ordered_map(partial(settle, force=self.force, root=self.config.root), self.writes, jobs,
                              parallel_from=PARALLEL_FROM)
        for item, (result, fingerprint) in zip(self.writes, settled):
            entry = self.record.entries[item.seed]
            entry.sha256, entry.fingerprint, entry.decision = self.hashes[item.seed], fingerprint, "ingested"
            self.results[item.seed] = result
        self.merged_into -= {item.path.stem for item in self.writes}

    def unlist(self, name: str, entry: Entry) -> None:
        """A merged seed decided again (changed, or restored): its article no longer lists it."""
        self.merged_into.add(entry.article)
        if entry.published:
            self.notes_replaced[merge_note(name, entry.published, self.config["script"])] = None

    def relist(self) -> None:
        """Merged seeds rendered again: when the source, URL or date the seed gives now (a changed
        `source_names`, say) differs from the record's, the record and the article follow it."""
        for name in self.relisting:
            entry, rendered = self.record.entries[name], self.rendered[name]
            if isinstance(rendered, DigestError) or entry.published == (now := publication(rendered.meta)):
                continue
            old, entry.published = entry.published, now
            if old is not None:
                script = self.config["script"]
                self.notes_replaced[merge_note(name, old, script)] = merge_note(name, entry.published, script)
            self.merged_into.add(entry.article)
            fields = [key for key in ("source", "url", "date") if getattr(old, key, None) != getattr(entry.published, key)]
            self.results[name] = SeedResult(name, "updated", self.article_path(entry.article),
                                            detail=f"(its also_published entry: {', '.join(fields)})")

    def with_merges(self, meta: FrontMatter, merges: dict[str, list[tuple[str, Entry]]],
                    only_new: bool = False) -> FrontMatter:
        """The reposts recorded as merged into this article listed, each with a review note (when
        `only_new`, for an article ingest does not rewrite, a note for those merged in this run only:
        the curator may have resolved the others; the notes of reposts gone or changed follow)."""
        merged = [(seed, entry) for seed, entry in merges.get(meta.slug, []) if entry.published]
        if not merged and not only_new:  # most articles: nothing to list
            meta.also_published = []
            return meta
        if not only_new:
            return relisted(meta, merged, self.config["script"], noted={seed for seed, _ in merged})
        return relisted(meta, merged, self.config["script"], noted=self.new_merges, replaced=self.notes_replaced)

    def amend_merged(self) -> None:
        """Articles not rewritten in this run whose reposts changed: their front-matter follows,
        the body is left as it is; an edited file is saved in content/.replaced/ first."""
        merges = self.record.merges()
        for slug in sorted(self.merged_into):
            article = self.existing.get(slug)
            if article is None or article.meta is None:
                continue
            backup = amend(article, self.with_merges(article.meta, merges, only_new=True))
            said = [result for seed, _ in merges.get(slug, []) if (result := self.results.get(seed)) and result.changed]
            for result in said[:1] if backup else ():
                result.notes.append(f"your edited version of {self.shown(article.path)} is saved as {self.shown(backup)}")

    # ------------------------------------------------------------------ helpers

    def article_path(self, slug: str | None) -> Path | None:
        return self.content_dir / f"{slug}.md" if slug else None

    def shown(self, path: Path | None) -> str:
        return shown_path(path, self.config.root)

    def of_article(self, entry: Entry) -> str:
        return f"(of {self.shown(self.article_path(entry.article))})" if entry.decision in ("duplicate", "merged") else ""

    def finish(self) -> IngestReport:
        self.report.results = [self.results[name] for name in sorted(self.results)]
        return self.report


def render_safely(item: tuple[Path, bool], config: Config) -> Rendered | DigestError:
    from digest.intake.duplicates import reduced, signature, text_key

    seed, signed = item
    try:
        meta, body = render_seed(seed.read_bytes(), seed, config)
    except DigestError as exc:
        return exc
    except OSError as exc:
        return DigestError(f"cannot read: {exc.strerror}", seed)
    text = reduced(body)
    return Rendered(meta, body, slugify(meta.title), text_key(text), signature(text) if signed else None)


def settle(item: Write, force: bool, root: Path) -> tuple[SeedResult, str]:
    """Make the file and write it, unless it would come out the same: (result, its fingerprint).
    An edited file replaced (with --force) is saved first, and the change shown as a diff."""
    meta, existing = item.rendered.meta, item.existing
    text = with_fingerprint(dump_front_matter(meta) + "\n" + item.rendered.body)
    fingerprint = fingerprint_of(text)
    if existing is None:
        write_atomic(item.path, text)
        return SeedResult(item.seed, "created", item.path, meta.review), fingerprint
    if existing.text == text:
        return SeedResult(item.seed, "unchanged", item.path, meta.review, changed=False), fingerprint
    notes = []
    if existing.edited:
        backup = back_up(item.path, existing.text)
        notes = [f"your edited version is saved as {shown_path(backup, root)}",
                 unified_diff(existing.text, text, shown_path(item.path, root)).rstrip("\n")]
    write_atomic(item.path, text)
    fields = changed_fields(existing.meta, existing.body, meta, item.rendered.body)
    return SeedResult(item.seed, "updated", item.path, meta.review, notes=notes,
                      detail=f"({', '.join(fields)})" if fields and not existing.edited else ""), fingerprint


def render_seed(data: bytes, seed: Path, config: Config) -> tuple[FrontMatter, str]:
    """Front-matter (slug not yet chosen) and Markdown body for one raw file."""
    decoded = decode_seed(data, seed)
    cleaned = clean_text(decoded.text, config.rules, config["script"])
    found = extract(cleaned.text, config.rules)
    if not found.paragraphs:  # a page cut after its lede (paywall): kept as a draft, never dropped
        found.paragraphs = [found.meta.summary or found.meta.title]
        found.meta.draft = True
        found.meta.review.append("正文：清洗后只剩标题或导语（原文可能被付费墙或截断），已存为草稿，请核对原文")
    meta = found.meta
    meta.seed, meta.seed_sha256 = seed.name, hashlib.sha256(data).hexdigest()
    meta.review = [to_target_script(note, config["script"]) for note in (*meta.review, *decoded.findings, *cleaned.findings)]
    return meta, to_markdown(to_blocks(found.paragraphs), found.references)


def publication(meta: FrontMatter) -> Publication:
    return Publication(meta.source, meta.source_url, meta.date)
