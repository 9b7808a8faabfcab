"""What a new seed becomes: an article, a duplicate of one, or a repost merged into one.

Seeds are decided in name order against every article there is and every article made before
them in the same run: an article that exists always stays the original (it may be published),
and among new seeds the first by name is. So a fresh ingest depends on the seeds' names only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from digest.intake.duplicates import DuplicateIndex, Match, reduced, signature, text_key
from digest.intake.record import Entry
from digest.intake.report import SeedResult
from digest.parallel import ordered_map
from digest.schema import FrontMatter, Publication

if TYPE_CHECKING:
    from digest.intake.ingest import Rendered, Run

PARALLEL_FROM = 64


class Decider:
    """Knows every article by its seed's bytes, its text and its MinHash signature."""

    def __init__(self, run: Run, jobs: int | None) -> None:
        self.run = run
        self.detect = run.config["duplicates"]["detect"]
        deciding = set(run.new)  # their entries are decided again: neither an article nor a listing yet
        self.by_bytes: dict[str, str] = {}
        self.rejected_bytes: dict[str, str] = {}  # a rejected seed's hash -> its name: a copy stays out too
        self.listed: dict[str, set[tuple[str | None, str | None]]] = {}  # slug -> (source, url) it names
        for seed, entry in sorted(run.record.entries.items()):
            if seed in deciding:
                continue
            if entry.decision == "rejected":
                self.rejected_bytes.setdefault(entry.sha256, seed)
            elif entry.article:
                self.by_bytes[entry.sha256] = entry.article
                if entry.decision == "merged" and entry.published:
                    self.listed.setdefault(entry.article, set()).add((entry.published.source, entry.published.url))
        self.meta_of: dict[str, FrontMatter] = {}
        if self.detect:
            self.index = DuplicateIndex(run.config["duplicates"]["threshold"])
            self.add_articles(jobs)

    def add_articles(self, jobs: int | None) -> None:
        readable = [article for _, article in sorted(self.run.existing.items()) if article.meta is not None]
        texts = [reduced(article.body) for article in readable]
        signatures = ordered_map(signature, texts, jobs, parallel_from=PARALLEL_FROM)
        for article, text, signed in zip(readable, texts, signatures):
            self.index.add(article.slug, text_key(text), signed)
            self.meta_of[article.slug] = article.meta

    def decide(self, name: str, rendered: Rendered) -> None:
        run = self.run
        same_bytes = self.by_bytes.get(run.hashes[name])
        rejected = self.rejected_bytes.get(run.hashes[name])
        if rejected and name not in run.restoring:
            self.reject_copy(name, rejected)
        elif name in run.restoring or not (same_bytes or self.detect):
            self.create(name, rendered)
        elif same_bytes:
            self.duplicate(name, same_bytes, "same bytes as")
        else:
            match = self.index.find(rendered.text_key, rendered.signature)
            if match is None:
                self.create(name, rendered)
            else:
                self.merge(name, rendered, match)

    def create(self, name: str, rendered: Rendered) -> None:
        slug = self.run.create(name, rendered).stem
        self.by_bytes.setdefault(self.run.hashes[name], slug)
        self.meta_of[slug] = rendered.meta
        if self.detect:
            self.index.add(slug, rendered.text_key, rendered.signature)

    def duplicate(self, name: str, slug: str, how: str) -> None:
        run = self.run
        run.record.entries[name] = Entry(run.hashes[name], slug, "duplicate")
        path = run.article_path(slug)
        run.results[name] = SeedResult(name, "duplicate", path, detail=f"({how} {run.shown(path)}; not ingested)")

    def reject_copy(self, name: str, rejected: str) -> None:
        """A byte copy of a rejected seed is rejected as well, not a duplicate of an article that
        is gone; `ingest --restore` brings it back like any rejected seed."""
        run = self.run
        run.record.entries[name] = Entry(run.hashes[name], run.record.entries[rejected].article, "rejected")
        run.results[name] = SeedResult(name, "rejected", detail=f"(same bytes as {rejected}, which was rejected;"
                                                                f" not ingested)")

    def merge(self, name: str, rendered: Rendered, match: Match) -> None:
        """A repost from another site is listed in the article's `also_published`; one that adds
        no other source or address is a duplicate."""
        run, meta = self.run, rendered.meta
        published = Publication(meta.source, meta.source_url, meta.date)
        if not self.adds_a_publication(match.slug, published):
            self.duplicate(name, match.slug, "same text as" if match.exact else "same story as")
            return
        run.record.entries[name] = Entry(run.hashes[name], match.slug, "merged", published=published)
        self.listed.setdefault(match.slug, set()).add((published.source, published.url))
        run.merged_into.add(match.slug)
        run.new_merges.add(name)
        path = run.article_path(match.slug)
        alike = "same text" if match.exact else f"{match.similarity:.0%} alike"
        run.results[name] = SeedResult(name, "merged", path, detail=f"(a repost from {meta.source or 'another site'}, "
                                                                    f"{alike}; listed in also_published)")

    def adds_a_publication(self, slug: str, published: Publication) -> bool:
        if published.source is None and published.url is None:
            return False
        original = self.meta_of.get(slug)
        if original is not None and (original.source, original.source_url) == (published.source, published.url):
            return False
        return (published.source, published.url) not in self.listed.get(slug, ())
