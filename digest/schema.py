"""The front-matter schema: one definition, used by ingest (write), build and check (read)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from digest.errors import DigestError

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FENCE = "---"


# libyaml's C loader and dumper when PyYAML has them: front-matter is read for every
# article on every build, and the pure-Python parser was half of a build's time.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Loader(_SafeLoader):
    """SafeLoader that leaves dates as text, so a bad date is reported with its line."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class FrontMatter:
    """Everything above the `---` line of a content file, in the order it is written."""

    title: str
    date: dt.date | None = None
    authors: list[str] = field(default_factory=list)
    editor: str | None = None
    source: str | None = None
    source_url: str | None = None
    tags: list[str] = field(default_factory=list)
    summary: str | None = None
    doi: str | None = None
    slug: str | None = None
    seed: str | None = None
    seed_sha256: str | None = None
    fingerprint: str | None = None
    review: list[str] = field(default_factory=list)
    draft: bool = False
    # The curator's: written by hand, never by ingest, and left out of the file while empty.
    note: str | None = None
    featured: bool = False
    aliases: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


FIELD_NAMES = tuple(f.name for f in fields(FrontMatter))
LIST_FIELDS = {"authors", "tags", "review", "aliases"}
BOOL_FIELDS = {"draft", "featured"}
CURATION_FIELDS = ("note", "featured", "aliases", "extra")
# An alias is a path of the site: segments of these characters, no `..`, no query or fragment.
ALIAS_RE = re.compile(r"^/(?:[A-Za-z0-9._~-]+/)*[A-Za-z0-9._~-]*$")


def split_document(text: str, path: Path) -> tuple[str, str, int]:
    """(front-matter YAML, Markdown body, line number where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        raise DigestError("content file must start with a '---' front-matter line", path, 1)
    for index in range(1, len(lines)):
        if lines[index].strip() == FENCE:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    raise DigestError("front-matter is not closed by a '---' line", path, 1)


def parse_front_matter(yaml_text: str, path: Path) -> FrontMatter:
    """Validate front-matter; errors name the file and the line of the bad key."""
    data, node = _parse_mapping(yaml_text, path)
    lines = {key.value: key.start_mark.line + 2 for key, _ in node.value} if node else {}
    values = {key: _check_field(key, value, path, lines.get(key)) for key, value in data.items()}
    if not values.get("title"):
        raise DigestError("front-matter needs a non-empty 'title'", path, lines.get("title", 2))
    return FrontMatter(**values)


def _parse_mapping(yaml_text: str, path: Path) -> tuple[dict[Any, Any], Any]:
    """The front-matter's fields and their node tree (for line numbers), or an error naming the line."""
    try:
        node, data = _compose_and_construct(yaml_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else None  # +1 for 1-based, +1 for the opening fence
        raise DigestError(f"invalid front-matter YAML: {getattr(exc, 'problem', exc)}", path, line) from None
    if not isinstance(data, dict):
        raise DigestError("front-matter must be a mapping of fields", path, 2)
    return data, node


def _compose_and_construct(yaml_text: str) -> tuple[Any, Any]:
    """Parse once: the node tree (for line numbers) and the data built from it."""
    loader = _Loader(yaml_text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def _check_field(key: Any, value: Any, path: Path, line: int | None) -> Any:
    if key not in FIELD_NAMES:
        raise DigestError(f"unknown front-matter field '{key}'", path, line)
    if value is None:
        return [] if key in LIST_FIELDS else False if key in BOOL_FIELDS else {} if key == "extra" else None
    if key == "aliases":
        return [_check_alias(item, path, line) for item in _check_list(key, value, path, line)]
    if key in LIST_FIELDS:
        return _check_list(key, value, path, line)
    if key == "date":
        return _check_date(value, path, line)
    if key in BOOL_FIELDS:
        if not isinstance(value, bool):
            raise DigestError(f"'{key}' must be true or false", path, line)
        return value
    if key == "extra":  # the curator's own fields, for templates: nothing is checked but the shape
        if not isinstance(value, dict):
            raise DigestError("'extra' must be a mapping of your own fields", path, line)
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise DigestError(f"'{key}' must be text", path, line)
    if key == "slug" and not SLUG_RE.match(value):
        raise DigestError(f"'slug' must be lower-case ASCII letters, digits and '-': {value!r}", path, line)
    return value


def _check_list(key: str, value: Any, path: Path, line: int | None) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, (str, int)) for item in value):
        raise DigestError(f"'{key}' must be a list of text items", path, line)
    return [str(item) for item in value]


def _check_alias(alias: str, path: Path, line: int | None) -> str:
    """A path of the site, like /articles/old-slug/, that stays inside it."""
    if not ALIAS_RE.match(alias) or any(part in (".", "..") for part in alias.split("/")):
        raise DigestError(f"'aliases': {alias!r} is not a path of the site like /articles/old-slug/", path, line)
    return alias


def _check_date(value: Any, path: Path, line: int | None) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DigestError(f"'date' must be a date like 2024-05-26, not {value!r}", path, line) from None


def dump_front_matter(meta: FrontMatter) -> str:
    """YAML in schema order, Chinese left readable, the same bytes for the same data."""
    data = {name: getattr(meta, name) for name in FIELD_NAMES
            if name not in CURATION_FIELDS or getattr(meta, name)}
    text = yaml.dump(data, Dumper=_SafeDumper, allow_unicode=True, sort_keys=False, width=1000,
                     default_flow_style=False)
    return f"{FENCE}\n{text}{FENCE}\n"


def read_document(path: Path, data: bytes | None = None) -> tuple[FrontMatter, str, int]:
    """Read and validate one content file: (front-matter, Markdown body, body's first line);
    `data` is the file's bytes when the caller has read them already."""
    yaml_text, body, body_line = _split_file(path, data)
    return parse_front_matter(yaml_text, path), body, body_line


def _split_file(path: Path, data: bytes | None = None) -> tuple[str, str, int]:
    try:
        text = (path.read_bytes() if data is None else data).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DigestError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path) from None
    return split_document(text.replace("\r\n", "\n").replace("\r", "\n"), path)


# --- numbered issues of the digest: issues/*.md ------------------------------------------

@dataclass
class IssueMatter:
    """Everything above the `---` line of an issue file; below it, the editor's introduction."""

    number: int
    title: str
    date: dt.date
    articles: list[str]  # slugs, in the order the issue shows them
    draft: bool = False


ISSUE_FIELDS = tuple(f.name for f in fields(IssueMatter))


def read_issue(path: Path) -> tuple[IssueMatter, str, tuple[int, ...]]:
    """Read and validate one issue file: (front-matter, Markdown introduction, each article's line)."""
    yaml_text, intro, _ = _split_file(path)
    data, node = _parse_mapping(yaml_text, path)
    nodes = {key.value: (key.start_mark.line + 2, value) for key, value in node.value} if node else {}
    line_of = {key: line for key, (line, _) in nodes.items()}
    for key in data:
        if key not in ISSUE_FIELDS:
            raise DigestError(f"unknown issue field '{key}'", path, line_of.get(str(key)))
    for key in ("number", "title", "date", "articles"):
        if data.get(key) in (None, "", []):
            raise DigestError(f"an issue needs '{key}'", path, line_of.get(key, 2))
    meta = _check_issue(data, path, line_of)
    return meta, intro, tuple(item.start_mark.line + 2 for item in nodes["articles"][1].value)


def _check_issue(data: dict[str, Any], path: Path, line_of: dict[str, int]) -> IssueMatter:
    number, draft, articles = data["number"], data.get("draft") or False, data["articles"]
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise DigestError("'number' must be a whole number from 1", path, line_of["number"])
    if not isinstance(draft, bool):
        raise DigestError("'draft' must be true or false", path, line_of["draft"])
    if not isinstance(articles, list) or not all(isinstance(slug, str) and SLUG_RE.match(slug) for slug in articles):
        raise DigestError("'articles' must be a list of article slugs", path, line_of["articles"])
    if len(set(articles)) < len(articles):
        raise DigestError("'articles' names an article twice", path, line_of["articles"])
    if not isinstance(data["title"], (str, int, float)):
        raise DigestError("'title' must be text", path, line_of["title"])
    return IssueMatter(number, str(data["title"]), _check_date(data["date"], path, line_of["date"]), articles, draft)
