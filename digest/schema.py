"""The front-matter schema: one definition, used by ingest (write), build and check (read)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from digest import yamlcore
from digest.errors import DigestError
from digest.files import check_plain_file
from digest.slug import MAX_LENGTH as MAX_SLUG_LENGTH

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FENCE = "---"
# ISO 8601 dates and date-times as Hugo, Jekyll and people write them: 2024-05-26, 2024-3-18,
# 2024-03-18 09:42, 2019-09-02T00:57:00+08:00, 2016-05-18 10:00:00 +0800, ...Z; the zone optional.
DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
                     r" ?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?", re.ASCII)
OFFSET_RE = re.compile(r"([+-])(\d{2})(?::?(\d{2}))?", re.ASCII)


@dataclass(frozen=True)
class Publication:
    """Where else the same story was published: one item of `also_published`."""

    source: str | None = None
    url: str | None = None
    date: dt.date | None = None


PUBLICATION_KEYS = ("source", "url", "date")


@dataclass
class FrontMatter:
    """Everything above the `---` line of a content file, in the order it is written."""

    title: str
    date: dt.date | dt.datetime | None = None  # a datetime when a time is written, with its zone if given
    authors: list[str] = field(default_factory=list)
    editor: str | None = None
    source: str | None = None
    source_url: str | None = None
    also_published: list[Publication] = field(default_factory=list)
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
    """Validate front-matter; errors name the file and the line of the bad key. Read with YAML 1.2
    core rules (digest/yamlcore.py), and text fields keep the text as typed: `title: 12:30`,
    `tags: [0x1F]` and `doi: 1.10` are the text shown, never numbers."""
    data, node = _parse_mapping(yaml_text, path)
    value_nodes = {key.value: value for key, value in node.value}
    lines = {key.value: key.start_mark.line + 2 for key, _ in node.value}
    values = {key: _check_field(key, value if key in BOOL_FIELDS or key == "extra" else _as_typed(value, value_nodes[key]),
                                path, lines[key]) for key, value in data.items()}
    if not (values.get("title") or "").strip():
        raise DigestError("front-matter needs a non-empty 'title'", path, lines.get("title", 2))
    return FrontMatter(**values)


def _parse_mapping(yaml_text: str, path: Path) -> tuple[dict[Any, Any], Any]:
    """The front-matter's fields and their node tree (for line numbers), or an error naming the line."""
    try:
        node, data = yamlcore.compose_and_construct(yaml_text)
    except yaml.YAMLError as exc:
        problem, line = yamlcore.yaml_error(exc)
        # +1 for 1-based, +1 for the opening fence
        raise DigestError(f"invalid front-matter YAML: {problem}", path, line + 2 if line is not None else None) from None
    if not isinstance(data, dict):
        raise DigestError("front-matter must be a mapping of fields", path, 2)
    return data, node


def _as_typed(value: Any, node: Any) -> Any:
    """A number (or true/false) where text is wanted is the scalar's text as written; the items
    of a list likewise. Null, text, dates and the rest are left to the field's check."""
    if isinstance(value, (int, float)) and isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(value, list) and isinstance(node, yaml.SequenceNode):
        return [_as_typed(item, item_node) for item, item_node in zip(value, node.value)]
    return value


def _check_field(key: Any, value: Any, path: Path, line: int | None) -> Any:
    if key not in FIELD_NAMES:
        raise DigestError(f"unknown front-matter field '{key}'", path, line)
    if value is None:
        return [] if key in LIST_FIELDS else False if key in BOOL_FIELDS else {} if key == "extra" else None
    if key == "aliases":
        return [_check_alias(item, path, line) for item in _check_list(key, value, path, line)]
    if key in LIST_FIELDS:
        return _check_list(key, value, path, line)
    if key == "also_published":
        return _check_publications(value, path, line)
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
    if not isinstance(value, str):
        raise DigestError(f"'{key}' must be text", path, line)
    if key == "slug" and not SLUG_RE.match(value):
        raise DigestError(f"'slug' must be lower-case ASCII letters, digits and '-': {value!r}", path, line)
    if key == "slug" and len(value) > MAX_SLUG_LENGTH:
        raise DigestError(f"'slug' must be at most {MAX_SLUG_LENGTH} characters, not {len(value)}", path, line)
    return value


def _check_list(key: str, value: Any, path: Path, line: int | None) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise DigestError(f"'{key}' must be a list of text items", path, line)
    return value


def _check_alias(alias: str, path: Path, line: int | None) -> str:
    """A path of the site, like /articles/old-slug/, that stays inside it."""
    if not ALIAS_RE.match(alias) or any(part in (".", "..") for part in alias.split("/")):
        raise DigestError(f"'aliases': {alias!r} is not a path of the site like /articles/old-slug/", path, line)
    return alias


def _check_publications(value: Any, path: Path, line: int | None) -> list[Publication]:
    """`also_published`: a list of {source, url, date} mappings, each key optional."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise DigestError("'also_published' must be a list of {source, url, date} items", path, line)
    publications = []
    for item in value:
        for key in item:
            if key not in PUBLICATION_KEYS:
                raise DigestError(f"unknown key '{key}' in 'also_published' (source, url, date)", path, line)
        texts = [item.get(key) for key in ("source", "url")]
        if not all(text is None or isinstance(text, str) for text in texts):
            raise DigestError("'also_published': source and url must be text", path, line)
        date = _check_date(item["date"], path, line) if item.get("date") is not None else None
        publications.append(Publication(*texts, date))
    return publications


def _check_date(value: Any, path: Path, line: int | None) -> dt.date | dt.datetime:
    """A date, or a date and time (with its zone when one is written), as written: from text, or
    from the date and datetime objects a YAML loader reading timestamps makes."""
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(str(value))
    except ValueError:
        raise DigestError(f"'date' must be a date like 2024-05-26 or a date and time like "
                          f"2024-05-26 09:30 or 2024-05-26T09:30:00+08:00, not {value!r}", path, line) from None


def parse_date(text: str) -> dt.date | dt.datetime:
    """An ISO 8601 date (month and day of one or two digits), or date and time (ValueError if none)."""
    match = DATE_RE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"not a date: {text!r}")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    day = dt.date(int(year), int(month), int(day))
    if hour is None:
        return day
    time = dt.time(int(hour), int(minute), int(second or 0), int((fraction or "0")[:6].ljust(6, "0")),
                   tzinfo=parse_offset(zone) if zone else None)
    return dt.datetime.combine(day, time)


def parse_offset(text: str) -> dt.timezone:
    """A UTC offset: Z, +08, +0800 or +08:00 (ValueError if none)."""
    if text in ("Z", "z"):
        return dt.timezone.utc
    match = OFFSET_RE.fullmatch(text)
    if not match:
        raise ValueError(f"not a UTC offset: {text!r}")
    sign, hours, minutes = match.groups()
    offset = dt.timedelta(hours=int(hours), minutes=int(minutes or 0))
    return dt.timezone(-offset if sign == "-" else offset)


def dump_front_matter(meta: FrontMatter) -> str:
    """YAML in schema order, Chinese left readable, the same bytes for the same data."""
    data = {name: getattr(meta, name) for name in FIELD_NAMES
            if name not in CURATION_FIELDS or getattr(meta, name)}
    if data["also_published"]:  # written only when there is one, so older files keep their bytes
        data["also_published"] = [{key: getattr(item, key) for key in PUBLICATION_KEYS} for item in meta.also_published]
    else:
        del data["also_published"]
    return f"{FENCE}\n{yamlcore.dump(data)}{FENCE}\n"


def review_lines(path: Path, meta: FrontMatter, data: bytes | None = None) -> list[tuple[int, str]]:
    """(line in the file, note) for each of a valid file's `review:` notes; `data` as for read_document."""
    yaml_text, _, _ = _split_file(path, data)
    node, _ = yamlcore.compose_and_construct(yaml_text)
    lines = [value for key, value in (node.value if node else []) if key.value == "review"]
    if not lines or not isinstance(lines[0], yaml.SequenceNode):
        return [(lines[0].start_mark.line + 2 if lines else 2, note) for note in meta.review]
    return [(item.start_mark.line + 2, note) for item, note in zip(lines[0].value, meta.review)]


def read_document(path: Path, data: bytes | None = None) -> tuple[FrontMatter, str, int]:
    """Read and validate one content file: (front-matter, Markdown body, body's first line);
    `data` is the file's bytes when the caller has read them already."""
    yaml_text, body, body_line = _split_file(path, data)
    return parse_front_matter(yaml_text, path), body, body_line


def _split_file(path: Path, data: bytes | None = None) -> tuple[str, str, int]:
    if data is None:
        check_plain_file(path)
    try:
        # A byte-order mark, as some Windows editors write, is not part of the text.
        text = (path.read_bytes() if data is None else data).decode("utf-8").removeprefix("\ufeff")
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
    day = _check_date(data["date"], path, line_of["date"])  # an issue is of a day: a time written is not kept
    return IssueMatter(number, str(data["title"]), day.date() if isinstance(day, dt.datetime) else day, articles, draft)
