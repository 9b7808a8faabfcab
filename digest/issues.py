"""Numbered issues of the digest (第 12 期): issues/*.md, each an ordered choice of articles with
the editor's introduction; read and validated here, and checked against the articles (`check`).
The pages they make are planned in digest/site.py; `issue new` is in digest/curate.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from digest.config import Config
from digest.content import in_zone, refuse_repeats
from digest.errors import DigestError
from digest.markdown_html import MarkdownRenderer
from digest.schema import parse_offset, read_issue


@dataclass(frozen=True)
class Issue:
    """One issue: its number, title, date (and that day's start in the site's timezone, for feeds,
    as an article's), the slugs of its articles in order (each at its line of the file, for
    errors), whether it is a draft, and its introduction as safe HTML."""

    number: int
    title: str
    date: dt.date
    published: dt.datetime
    slugs: tuple[str, ...]
    draft: bool
    intro_html: str
    path: str
    lines: tuple[int, ...]

    @property
    def key(self) -> str:
        """Its key in URLs: issues/<number>/."""
        return str(self.number)


def issue_files(config: Config) -> list[Path]:
    folder = config.dir("issues")
    return sorted(path for path in folder.glob("*.md") if not path.name.startswith(".")) if folder.is_dir() else []


def load_issues(config: Config, drafts: bool = False) -> list[Issue]:
    """Every issue file, newest (highest number) first; drafts only when asked for. A bad file, or
    two issues with one number, is an error naming the file and line."""
    renderer = MarkdownRenderer()
    zone = parse_offset(config["timezone"])
    issues = []
    for path in issue_files(config):
        meta, intro, lines = read_issue(path)
        intro_html = renderer.render(intro)[0] if intro.strip() else ""
        issues.append(Issue(meta.number, meta.title, meta.date, in_zone(meta.date, zone), tuple(meta.articles), meta.draft, intro_html,
                            str(path), lines))
    refuse_repeats(issues, "number", lambda number, other: f"issue number {number} is also used by {other}")
    return sorted((issue for issue in issues if drafts or not issue.draft), key=lambda issue: -issue.number)


def issue_problems(issue: Issue, published: Collection[str], drafts: Collection[str]) -> list[DigestError]:
    """Each article the issue lists that is not a published article (`drafts`: the slugs of the
    draft articles; a draft issue may list one)."""
    problems = []
    for slug, line in zip(issue.slugs, issue.lines):
        if slug in published or (issue.draft and slug in drafts):
            continue
        reason = "that article is a draft" if slug in drafts else "no article has that slug"
        problems.append(DigestError(f"issue {issue.number} lists '{slug}': {reason}", issue.path, line))
    return problems
