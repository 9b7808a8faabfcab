"""The curator's commands on issues: `issue new` starts the next issue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from digest.config import Config
from digest.content import Article, load_articles
from digest.errors import DigestError
from digest.files import write_atomic
from digest.issues import Issue, load_issues
from digest.schema import FENCE

INTRO_PLACEHOLDER = "在这里写本期导言。\n"


def new_issue(config: Config, today: dt.date | None = None) -> tuple[Path, Issue | None, list[Article]]:
    """Start the next issue as a draft: number one past the highest, dated today, listing the
    published articles dated after the last issue (all of them for the first), newest first.
    (the new file, the last issue, the articles listed)."""
    today = today or dt.date.today()
    issues = load_issues(config, drafts=True)
    last = issues[0] if issues else None
    articles = [article for article in load_articles(config)
                if last is None or (article.date and article.date > last.date)]
    if not articles:
        raise DigestError(f"no article is dated after issue {last.number} ({last.date.isoformat()}): "
                          f"nothing to start an issue with", last.path)
    number = last.number + 1 if last else 1
    path = free_path(config.dir("issues"), [f"{today:%Y-%m}", f"{today:%Y-%m}-{number}", f"issue-{number}"])
    front = {"number": number, "title": f"第 {number} 期", "date": today.isoformat(), "draft": True,
             "articles": [article.slug for article in articles]}
    text = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, default_flow_style=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, f"{FENCE}\n{text}{FENCE}\n{INTRO_PLACEHOLDER}")
    return path, last, articles


def free_path(folder: Path, stems: list[str]) -> Path:
    """The first of `folder/<stem>.md` that does not exist; never an existing file."""
    for stem in stems:
        if not (folder / f"{stem}.md").exists():
            return folder / f"{stem}.md"
    raise DigestError("no free file name for the new issue", folder / f"{stems[0]}.md")
