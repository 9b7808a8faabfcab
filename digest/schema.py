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
    date: dt.date | None = None
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


FIELD_NAMES = tuple(f.name for f in fields(FrontMatter))
LIST_FIELDS = {"authors", "tags", "review"}


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
    try:
        node, data = _compose_and_construct(yaml_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else None  # +1 for 1-based, +1 for the opening fence
        raise DigestError(f"invalid front-matter YAML: {getattr(exc, 'problem', exc)}", path, line) from None
    if not isinstance(data, dict):
        raise DigestError("front-matter must be a mapping of fields", path, 2)
    lines = {key.value: key.start_mark.line + 2 for key, _ in node.value} if node else {}
    values = {key: _check_field(key, value, path, lines.get(key)) for key, value in data.items()}
    if not values.get("title"):
        raise DigestError("front-matter needs a non-empty 'title'", path, lines.get("title", 2))
    return FrontMatter(**values)


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
        return [] if key in LIST_FIELDS else (False if key == "draft" else None)
    if key in LIST_FIELDS:
        return _check_list(key, value, path, line)
    if key == "also_published":
        return _check_publications(value, path, line)
    if key == "date":
        return _check_date(value, path, line)
    if key == "draft":
        if not isinstance(value, bool):
            raise DigestError("'draft' must be true or false", path, line)
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
    data = {name: getattr(meta, name) for name in FIELD_NAMES}
    if data["also_published"]:  # written only when there is one, so older files keep their bytes
        data["also_published"] = [{key: getattr(item, key) for key in PUBLICATION_KEYS} for item in meta.also_published]
    else:
        del data["also_published"]
    text = yaml.dump(data, Dumper=_SafeDumper, allow_unicode=True, sort_keys=False, width=1000,
                     default_flow_style=False)
    return f"{FENCE}\n{text}{FENCE}\n"


def review_lines(path: Path, meta: FrontMatter) -> list[tuple[int, str]]:
    """(line in the file, note) for each of a valid file's `review:` notes."""
    yaml_text, _, _ = split_document(path.read_text(encoding="utf-8").replace("\r\n", "\n"), path)
    node = yaml.compose(yaml_text, Loader=_SafeLoader)
    lines = [value for key, value in (node.value if node else []) if key.value == "review"]
    if not lines or not isinstance(lines[0], yaml.SequenceNode):
        return [(lines[0].start_mark.line + 2 if lines else 2, note) for note in meta.review]
    return [(item.start_mark.line + 2, note) for item, note in zip(lines[0].value, meta.review)]


def read_document(path: Path, data: bytes | None = None) -> tuple[FrontMatter, str, int]:
    """Read and validate one content file: (front-matter, Markdown body, body's first line);
    `data` is the file's bytes when the caller has read them already."""
    try:
        text = (path.read_bytes() if data is None else data).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DigestError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path) from None
    yaml_text, body, body_line = split_document(text.replace("\r\n", "\n").replace("\r", "\n"), path)
    return parse_front_matter(yaml_text, path), body, body_line
