"""The curator's commands besides ingest and build: `new` drafts an article, `check` validates
content, issues and the built site, `review` lists the open review notes where an editor can jump to them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from digest.config import Config
from digest.errors import DigestError
from digest.files import write_atomic
from digest.schema import FrontMatter, dump_front_matter, read_document, review_lines
from digest.slug import slugify


def new_article(config: Config, title: str, today: dt.date | None = None) -> Path:
    """Create content/<pinyin-slug>.md as a draft dated today; never overwrite a file."""
    title = title.strip()
    if not title:
        raise DigestError("a new article needs a title")
    slug = slugify(title)
    path = config.dir("content") / f"{slug}.md"
    if path.exists():
        raise DigestError("already exists; choose another title or edit that file", path)
    meta = FrontMatter(title=title, date=today or dt.date.today(), slug=slug, draft=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, dump_front_matter(meta) + "\n在这里写正文。\n")
    return path


def check_content(config: Config) -> tuple[list[str], list[str]]:
    """(errors, review notes as `content/x.md:LINE: review: note`) for every content file, through
    the one front-matter schema."""
    errors, notes, slugs = [], [], {}
    for path in sorted(config.dir("content").glob("*.md")):
        shown = path.relative_to(config.root) if path.is_relative_to(config.root) else path
        try:
            meta, _, _ = read_document(path)
        except DigestError as exc:
            errors.append(f"error: {exc}")
            continue
        slug = meta.slug or path.stem
        if slug in slugs:
            errors.append(f"error: {shown}: slug '{slug}' is also used by {slugs[slug]}")
        slugs.setdefault(slug, shown)
        notes += [f"{shown}:{line}: review: {note}" for line, note in (review_lines(path, meta) if meta.review else [])]
        if meta.date is None and not meta.draft:  # a feed entry needs a time, and none is made up
            notes.append(f"{shown}: note: no date, so the article is in no feed; add one (date: 2024-05-26)")
    return errors, notes


def check_issues(config: Config) -> list[str]:
    """Each issue file that does not read, and each article an issue lists that the site does not
    have as a published article (a draft issue may list drafts)."""
    from digest.content import load_articles
    from digest.issues import issue_problems, load_issues

    try:
        issues = load_issues(config, drafts=True)
        articles = load_articles(config, drafts=True)
    except DigestError as exc:
        return [] if exc.path and Path(exc.path).is_relative_to(config.dir("content")) else [f"error: {exc}"]
    published = {article.slug for article in articles if not article.draft}
    drafts = {article.slug for article in articles if article.draft}
    return [f"error: {problem}" for issue in issues for problem in issue_problems(issue, published, drafts)]


def review_notes(config: Config) -> tuple[list[str], list[str]]:
    """(unreadable files, every open review note as `content/x.md:LINE: note`)."""
    errors, notes = check_content(config)
    return [line for line in errors if "slug" not in line], [line.replace(": review: ", ": ", 1) for line in notes
                                                                  if ": review: " in line]


def unreviewed(config: Config, notes: list[str]) -> list[str]:
    """What has not been through the curator: seeds with no article and no decision in the intake
    record, and articles with open review notes."""
    from digest.intake.record import load_record
    from digest.intake.seeds import seed_files

    lines = []
    seeds_dir = config.dir("seeds")
    if seeds_dir.is_dir():
        record = load_record(config.dir("content"))
        known = set(record.entries) if record else {meta_seed for meta_seed in _seeds_named(config)}
        pending = [name for name in seed_files(seeds_dir) if name not in known]
        if pending:
            lines.append(f"unreviewed: {len(pending)} seeds not ingested: {', '.join(pending[:5])}"
                         + (", …" if len(pending) > 5 else "") + " (`./build.py ingest`, then review them)")
    files = {note.split(":", 1)[0] for note in notes if ": review: " in note}
    if files:
        lines.append(f"unreviewed: {len(files)} articles with open review notes (`./build.py review` lists them)")
    return lines


def _seeds_named(config: Config) -> set[str]:
    """Seeds named by content files, for a project with no intake record yet."""
    named = set()
    for path in config.dir("content").glob("*.md"):
        try:
            named.add(read_document(path)[0].seed)
        except DigestError:
            continue
    return named


def check_project(config: Config) -> tuple[list[str], list[str]]:
    """Content errors and broken links in the built site; review notes are reported, not errors."""
    from digest.links import check_links

    errors, notes = check_content(config)
    errors += check_issues(config)
    site = config.dir("site")
    if not (site / "index.html").exists():
        errors.append(f"error: {site}: no built site; run `./build.py build` first")
    else:
        errors += [f"error: {problem}" for problem in check_links(site, config["base_url"])]
    return errors, notes
