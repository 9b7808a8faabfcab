"""The curator's commands on issues and slugs: `issue new` starts the next issue, `rename` moves an
article to a new slug, leaving its old address as an alias. Files are edited line by line, so
that what the curator wrote around the lines changed (comments, order, quoting) stays as it was."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from digest.config import Config
from digest.content import Article, load_articles
from digest.errors import DigestError
from digest.files import shown_path, write_atomic
from digest.issues import Issue, load_issues
from digest.schema import FENCE, SLUG_RE, read_document
from digest.urls import Route

INTRO_PLACEHOLDER = "在这里写本期导言。\n"


def new_issue(config: Config, today: dt.date | None = None) -> tuple[Path, Issue | None, list[Article]]:
    """Start the next issue as a draft: number one past the highest, dated today, listing the
    published articles added since the last issue, newest first: those no issue lists yet, dated
    after it or undated (every article for the first issue). (the new file, the last issue, the
    articles listed)."""
    today = today or dt.date.today()
    issues = load_issues(config, drafts=True)
    last = issues[0] if issues else None
    listed = {slug for issue in issues for slug in issue.slugs}
    articles = [article for article in load_articles(config) if last is None or (
        article.slug not in listed and (article.date is None or article.date > last.date))]
    if not articles:
        raise DigestError(f"no article has been added since issue {last.number} ({last.date.isoformat()}): "
                          f"nothing to start an issue with", last.path)
    number = last.number + 1 if last else 1
    path = free_path(config.dir("issues"), [f"{today:%Y-%m}", f"{today:%Y-%m}-{number}", f"issue-{number}"])
    front = {"number": number, "title": f"第 {number} 期", "date": today, "draft": True,
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


def rename_article(config: Config, old: str, new: str) -> list[str]:
    """Give article `old` the slug and file name `new`, its old address added to its aliases, and
    list it as `new` in every issue that lists it; what changed, a line each."""
    if not SLUG_RE.match(new):
        raise DigestError(f"'{new}' is not a slug: lower-case ASCII letters, digits and '-'")
    articles = {article.slug: article for article in load_articles(config, drafts=True)}
    if old not in articles:
        raise DigestError(f"no article has the slug '{old}'", config.dir("content"))
    target = config.dir("content") / f"{new}.md"
    if new in articles:
        raise DigestError(f"the slug '{new}' is taken by {articles[new].path}")
    source = Path(articles[old].path)
    if target.exists() and target != source:
        raise DigestError("already exists; choose another slug", target)
    meta, _, _ = read_document(source)
    alias = "/" + Route("article", old).location
    text = set_field(source.read_text(encoding="utf-8"), "slug", new, source)
    if alias not in meta.aliases:
        text = set_field(text, "aliases", [*meta.aliases, alias], source)
    changes = relist_in_issues(config, old, new)  # issues first: a failure leaves the article as it was
    write_atomic(target, text)
    if target != source:
        source.unlink()
    shown = [shown_path(path, config.root) for path in (source, target)]
    return [f"renamed {shown[0]} -> {shown[1]}", f"{shown[1]}: slug: {old} -> {new}",
            f"{shown[1]}: aliases: added {alias}", *changes]


def relist_in_issues(config: Config, old: str, new: str) -> list[str]:
    """Each issue listing `old` lists `new` in its place, on the same line."""
    changes = []
    for issue in load_issues(config, drafts=True):
        if old not in issue.slugs:
            continue
        path = Path(issue.path)
        lines = path.read_text(encoding="utf-8").split("\n")
        line = issue.lines[issue.slugs.index(old)]
        lines[line - 1] = re.sub(rf"(?<![a-z0-9-]){re.escape(old)}(?![a-z0-9-])", new, lines[line - 1], count=1)
        write_atomic(path, "\n".join(lines))
        changes.append(f"{shown_path(path, config.root)}:{line}: issue {issue.number} lists {new} (was {old})")
    return changes


def set_field(text: str, key: str, value: object, path: Path) -> str:
    """The content file's text with front-matter field `key` set to `value`: its lines replaced
    where it is, or added at the end of the front-matter."""
    lines = text.split("\n")
    end = next(index for index in range(1, len(lines)) if lines[index].strip() == FENCE)
    node = yaml.compose("\n".join(lines[1:end]), Loader=yaml.SafeLoader)
    written = yaml.safe_dump({key: value}, allow_unicode=True, default_flow_style=False, width=1000).rstrip("\n")
    for key_node, value_node in node.value if node else ():
        if key_node.value == key:
            first = key_node.start_mark.line + 1  # the YAML's first line is the file's second
            mark = _end_mark(value_node)
            after = mark.line + 2 if mark.column > 0 else mark.line + 1  # a block ends where the next line starts
            return "\n".join([*lines[:first], written, *lines[max(after, first + 1):]])
    return "\n".join([*lines[:end], written, *lines[end:]])


def _end_mark(node: yaml.Node) -> yaml.Mark:
    """Where a value's text ends: a block list or mapping ends with its last item (its own end is
    the next key's start, past any comment lines between)."""
    if isinstance(node, yaml.CollectionNode) and node.value and not node.flow_style:
        last = node.value[-1]
        return _end_mark(last[1] if isinstance(last, tuple) else last)
    return node.end_mark
