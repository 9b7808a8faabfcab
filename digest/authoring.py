"""The curator's commands besides ingest and build: `new` drafts an article, `check` validates
content, issues and the built site, `review` lists the open review notes where an editor can jump to them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from digest.config import Config
from digest.errors import DigestError
from digest.files import check_plain_file, shown_path, write_atomic
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


@dataclass
class ContentCheck:
    """What `check` learns from reading each content file once: errors, notes (review notes as
    `content/x.md:LINE: review: note`), the slugs of the published and the draft articles, and the
    seeds the articles name."""

    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    published: set[str] = field(default_factory=set)
    drafts: set[str] = field(default_factory=set)
    seeds: set[str] = field(default_factory=set)


def check_content(config: Config) -> ContentCheck:
    """Every content file through the one front-matter schema, each read once."""
    from digest.content import slug_from_filename

    found, slugs = ContentCheck(), {}
    for path in sorted(config.dir("content").glob("*.md")):
        shown = shown_path(path, config.root)
        try:
            check_plain_file(path)
            data = path.read_bytes()
            meta, _, _ = read_document(path, data)
        except DigestError as exc:
            found.errors.append(f"error: {exc}")
            continue
        slug = meta.slug or slug_from_filename(path)  # as the build names it
        if slug in slugs:
            found.errors.append(f"error: {shown}: slug '{slug}' is also used by {slugs[slug]}")
        slugs.setdefault(slug, shown)
        (found.drafts if meta.draft else found.published).add(slug)
        if meta.seed:
            found.seeds.add(meta.seed)
        found.notes += [f"{shown}:{line}: review: {note}"
                        for line, note in (review_lines(path, meta, data) if meta.review else [])]
        if meta.date is None and not meta.draft:  # a feed entry needs a time, and none is made up
            found.notes.append(f"{shown}: note: no date, so the article is in no feed; add one (date: 2024-05-26)")
    return found


def check_issues(config: Config, content: ContentCheck) -> list[str]:
    """Each issue file that does not read, and each article an issue lists that the site does not
    have as a published article (a draft issue may list drafts); the articles are not compared
    while a content file is in error, which `content.errors` reports."""
    from digest.issues import issue_problems, load_issues

    try:
        issues = load_issues(config, drafts=True)
    except DigestError as exc:
        return [f"error: {exc}"]
    if content.errors:
        return []
    return [f"error: {problem}" for issue in issues
            for problem in issue_problems(issue, content.published, content.drafts)]


def review_notes(config: Config) -> tuple[list[str], list[str]]:
    """(unreadable files, every open review note as `content/x.md:LINE: note`)."""
    content = check_content(config)
    return ([line for line in content.errors if "slug" not in line],
            [line.replace(": review: ", ": ", 1) for line in content.notes if ": review: " in line])


def unreviewed(config: Config, content: ContentCheck) -> list[str]:
    """What has not been through the curator: seeds with no article and no decision in the intake
    record, and articles with open review notes."""
    from digest.intake.record import load_record
    from digest.intake.seeds import seed_files

    lines = []
    seeds_dir = config.dir("seeds")
    if seeds_dir.is_dir():
        record = load_record(config.dir("content"))
        known = set(record.entries) if record else content.seeds
        pending = [name for name in seed_files(seeds_dir) if name not in known]
        if pending:
            lines.append(f"unreviewed: {len(pending)} seeds not ingested: {', '.join(pending[:5])}"
                         + (", …" if len(pending) > 5 else "") + " (`./build.py ingest`, then review them)")
    files = {note.split(":", 1)[0] for note in content.notes if ": review: " in note}
    if files:
        lines.append(f"unreviewed: {len(files)} articles with open review notes (`./build.py review` lists them)")
    return lines


def check_project(config: Config) -> ContentCheck:
    """Content and issue errors and broken links in the built site (all in `errors`); review notes
    are reported, not errors."""
    from digest.links import check_links

    checked = check_content(config)
    checked.errors += check_issues(config, checked)
    site = config.dir("site")
    if not (site / "index.html").exists():
        checked.errors.append(f"error: {site}: no built site; run `./build.py build` first")
    else:
        checked.errors += [f"error: {problem}" for problem in check_links(site, config["base_url"])]
    return checked
