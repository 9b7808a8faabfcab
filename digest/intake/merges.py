"""Reposts merged into an article: its `also_published` listing and their review notes, kept in
step with the intake record by ingest (a repost merged, re-decided, restored, or its source
changed by the seed or the config) and by `reject` (a merged repost rejected).

An article ingest writes from its seed takes the listing and a note per repost anew. Any other
article (edited by hand, or not named in the run) is amended: its front-matter only, the body left
as it is, and an edited file saved in content/.replaced/ first, as ingest does before it replaces
an edited file. A note the curator has resolved (deleted) is not brought back.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path

from digest.files import write_atomic
from digest.intake.articles import Existing, back_up, with_fingerprint
from digest.intake.record import Entry
from digest.schema import FrontMatter, Publication, dump_front_matter
from digest.script import to_target_script

MERGE_NOTE = "转载合并：{seed}（{source}）与本文是同一报道，已列入 also_published，请核对"


def merge_note(seed: str, published: Publication, script: str) -> str:
    """The review note a merged repost adds to its article (in the article's script)."""
    return to_target_script(MERGE_NOTE.format(seed=seed, source=published.source or "来源不明"), script)


def relisted(meta: FrontMatter, merged: list[tuple[str, Entry]], script: str, noted: Collection[str] = (),
             replaced: Mapping[str, str | None] | None = None) -> FrontMatter:
    """`meta` listing the reposts `merged` into it (the record's, in seed-name order): each review
    note in `replaced` becomes its new text (or goes, for None), and the seeds in `noted` get one."""
    replaced = replaced or {}
    meta.also_published = [entry.published for _, entry in merged if entry.published]
    kept = [replaced.get(note, note) for note in meta.review]
    meta.review = [note for note in kept if note is not None] + [
        merge_note(seed, entry.published, script) for seed, entry in merged if seed in noted and entry.published]
    return meta


def amend(article: Existing, meta: FrontMatter) -> Path | None:
    """Write `article` with the front-matter `meta` and its body as it is, unless that changes
    nothing; an edited file is saved first (its backup returned) and stays an edited file."""
    text = dump_front_matter(meta) + article.body
    if not article.edited:
        text = with_fingerprint(text)
    if text == article.text:
        return None
    backup = back_up(article.path, article.text) if article.edited else None
    write_atomic(article.path, text)
    return backup
