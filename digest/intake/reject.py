"""`./build.py reject`: keep a seed out for good. Its article file is deleted (an edited one is
saved in content/.replaced/ first; an unedited one is what ingest makes from the seed, which
stays in seeds/), and the intake record says `rejected`, so ingest never makes it again;
`./build.py ingest --restore SEED` takes it back."""

from __future__ import annotations

import hashlib

from digest.config import Config
from digest.files import shown_path
from digest.intake.articles import Existing, back_up, read_existing, record_from_articles
from digest.intake.merges import amend, merge_note, relisted
from digest.intake.record import Entry, Record, load_record
from digest.intake.seeds import resolve_seed, seed_files


def reject(config: Config, targets: list[str]) -> list[str]:
    """Reject each target (a seed's name, or an article's slug or file); the lines to print."""
    content_dir = config.dir("content")
    content_dir.mkdir(parents=True, exist_ok=True)
    existing = read_existing(content_dir)
    record = load_record(content_dir) or record_from_articles(content_dir, existing)
    seeds = seed_files(config.dir("seeds"))
    names = [resolve_seed(target, seeds, record, content_dir) for target in targets]  # all found, or none done
    lines = []
    for name in names:
        entry = record.get(name)
        sha = hashlib.sha256(seeds[name].read_bytes()).hexdigest()
        slug = entry.article if entry and entry.decision in ("ingested", "rejected") else None
        article = existing.get(slug or "")
        record.entries[name] = Entry(sha, slug, "rejected")
        lines.append(f"rejected       {name}" + (f": {shown_path(article.path, config.root)} deleted" if article else ""))
        if article is not None:
            if article.edited:
                lines.append(f"{'':<15}your edited version is saved as "
                             f"{shown_path(back_up(article.path, article.text), config.root)}")
            article.path.unlink()
        if entry is not None and entry.decision == "merged":
            lines += _unlist(config, record, existing.get(entry.article or ""), name, entry)
        lines.append(f"{'':<15}ingest leaves it out from now on; `./build.py ingest --restore {name}` brings it back")
    record.save()
    return lines


def _unlist(config: Config, record: Record, article: Existing | None, name: str, entry: Entry) -> list[str]:
    """A merged repost rejected: its article no longer lists it, nor asks to check it (an edited
    article is saved first, as ingest does before it amends one)."""
    if article is None or article.meta is None or entry.published is None:
        return []
    note = merge_note(name, entry.published, config["script"])
    meta = relisted(article.meta, record.merged_into(article.slug), config["script"], replaced={note: None})
    backup = amend(article, meta)
    saved = [f"{'':<15}your edited version is saved as {shown_path(backup, config.root)}"] if backup else []
    return [f"{'':<15}no longer listed in {shown_path(article.path, config.root)}'s also_published", *saved]
