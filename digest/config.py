"""Load config.yaml once: defaults, validation, compiled rules, one Config object."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from digest import yamlcore
from digest.script import to_target_script
from digest.errors import DigestError
from digest.urls import base_url_problem
from digest.schema import parse_offset

DEFAULTS_FILE = Path(__file__).parent / "data" / "defaults.yaml"
SCRIPTS = ("t2s", "s2t", "s2tw", "s2twp", "s2hk", "t2tw", "t2hk", "tw2s", "hk2s")
SIMPLIFIED_SCRIPTS = ("t2s", "tw2s", "hk2s")


@dataclass(frozen=True)
class Config:
    """Validated settings. `data` holds every key; `rules` the compiled cleaning rules."""

    data: dict[str, Any]
    root: Path
    path: Path | None = None
    rules: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def dir(self, name: str) -> Path:
        """An absolute project folder from `paths` (seeds, content, templates, static, site, cache)."""
        return (self.root / self.data["paths"][name]).resolve()

    def with_overrides(self, **overrides: Any) -> "Config":
        """A copy with top-level keys replaced (e.g. base_url from the command line)."""
        overrides = {k: v for k, v in overrides.items() if v is not None}
        if "base_url" in overrides:
            check_base_url(overrides["base_url"], "--base-url")
        return Config(data={**self.data, **overrides}, root=self.root, path=self.path, rules=self.rules)


def load_defaults() -> dict[str, Any]:
    return yamlcore.load(DEFAULTS_FILE.read_text(encoding="utf-8"))


def load_config(path: Path | str | None = "config.yaml") -> Config:
    """Read `path` over the packaged defaults; errors name the file and the key."""
    defaults = load_defaults()
    if path is None:
        return _finish(defaults, Path.cwd(), None)
    path = Path(path)
    if not path.exists():
        raise DigestError("config file not found", path)
    if not path.is_file():
        raise DigestError("not a file: --config names the settings file, like config.yaml", path)
    user = _read_yaml(path)
    merged = _merge(defaults, user, path, prefix="")
    return _finish(merged, path.resolve().parent, path)


def _read_yaml(path: Path) -> dict[str, Any]:
    """The settings in `path`, read with YAML 1.2 core rules (digest/yamlcore.py): `on` is text,
    a key given twice is an error at its line."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark, as some Windows editors write, is allowed
    except UnicodeDecodeError as exc:
        raise DigestError(f"not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8", path,
                          data[:exc.start].count(b"\n") + 1) from None
    try:
        settings = yamlcore.load(text)
    except yaml.YAMLError as exc:
        problem, line = yamlcore.yaml_error(exc)
        raise DigestError(f"invalid YAML: {problem}", path, line + 1 if line is not None else None) from None
    if settings is None:
        return {}
    if not isinstance(settings, dict):
        raise DigestError("expected a mapping of settings at the top level", path)
    return settings


def _merge(default: dict[str, Any], user: dict[str, Any], path: Path, prefix: str) -> dict[str, Any]:
    """Defaults overlaid by the user's values; lists under `rules` extend the defaults."""
    merged = dict(default)
    for key, value in user.items():
        name = f"{prefix}{key}"
        if key not in default:
            raise DigestError(f"unknown setting '{name}'", path)
        merged[key] = _merge_value(default[key], value, path, name)
    return merged


def _merge_value(default: Any, value: Any, path: Path, name: str) -> Any:
    """`value` checked against the kind of its default (null only where the default is null)."""
    if default is None:  # `domain`: text or null
        if value is not None and not isinstance(value, str):
            raise DigestError(f"setting '{name}' must be text or null, not {_shown(value)}", path)
        return value
    kind = _kind(default)
    if isinstance(default, float) and _kind(value) == "a whole number":
        return value  # a whole number where a fraction is expected (threshold: 1)
    if _kind(value) != kind:
        hint = " (put it in quotes)" if kind == "text" and isinstance(value, (int, float)) else ""
        raise DigestError(f"setting '{name}' must be {kind}, not {_shown(value)}{hint}", path)
    if isinstance(default, dict):
        if _is_open_mapping(name):
            return {**default, **_checked_entries(value, path, name)}
        return _merge(default, value, path, prefix=f"{name}.")
    if isinstance(default, list) and name.startswith("rules."):
        _check_text_items(value, path, name)
        return default + [item for item in value if item not in default]
    if isinstance(default, str) and not value.strip() and name in NON_EMPTY_TEXT:
        raise DigestError(f"setting '{name}' must not be empty", path)
    return value


KINDS = ((bool, "true or false"), (int, "a whole number"), (float, "a number"), (str, "text"), (list, "a list"),
         (dict, "a mapping"), (type(None), "null"))


def _kind(value: Any) -> str:
    return next((kind for type_, kind in KINDS if isinstance(value, type_)), type(value).__name__)


def _shown(value: Any) -> str:
    return _kind(value) if isinstance(value, (list, dict, type(None))) else f"{_kind(value)} {value!r}"


def _check_text_items(items: list[Any], path: Path, name: str) -> None:
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise DigestError(f"setting '{name}[{index}]' must be text, not {_shown(item)} "
                              f"(put it in quotes)", path)


def _checked_entries(value: dict[str, Any], path: Path, name: str) -> dict[str, Any]:
    """An open mapping's entries: `labels` map to lists of text, the others to text."""
    for key, item in value.items():
        if name.endswith(".labels"):
            if not isinstance(item, list):
                raise DigestError(f"setting '{name}.{key}' must be a list, not {_shown(item)}", path)
            _check_text_items(item, path, f"{name}.{key}")
        elif not isinstance(item, str):
            raise DigestError(f"setting '{name}.{key}' must be text, not {_shown(item)}", path)
    return value


NON_EMPTY_TEXT = {"title", "base_url", "language", "unknown_source", "script", "paths.seeds", "paths.content",
                  "paths.templates", "paths.static", "paths.site", "paths.cache"}


def _is_open_mapping(name: str) -> bool:
    """Mappings whose keys the user chooses (e.g. DOI prefix -> journal)."""
    return name.startswith("rules.") and name.rsplit(".", 1)[-1] in OPEN_MAPPINGS


DATA_MAPPINGS = {"doi_journals", "source_names", "phrase_fixes"}  # their keys are data, not settings
OPEN_MAPPINGS = DATA_MAPPINGS | {"labels"}
POSITIVE_WHOLE_NUMBERS = ("page_size", "feed_entries", "feed_full_text_max", "reading_speed", "featured_max")


def check_base_url(base_url: str, where: Path | str | None) -> None:
    """One line naming base_url and where it came from (config.yaml or --base-url)."""
    problem = base_url_problem(base_url)
    if problem:
        raise DigestError(f"setting 'base_url' {problem}: {base_url!r}", where)


def _finish(data: dict[str, Any], root: Path, path: Path | None) -> Config:
    if data["script"] not in SCRIPTS:
        raise DigestError(f"setting 'script' must be one of {', '.join(SCRIPTS)}", path)
    for key in POSITIVE_WHOLE_NUMBERS:
        if not isinstance(data[key], int) or data[key] < 1:
            raise DigestError(f"setting '{key}' must be a positive whole number", path)
    if data["related_count"] < 0:
        raise DigestError("setting 'related_count' must be 0 or more", path)
    check_base_url(data["base_url"], path)
    _check_editions(data, path)
    _check_timezone(data, path)
    threshold = data["duplicates"]["threshold"]
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold <= 1:
        raise DigestError("setting 'duplicates.threshold' must be a number above 0 and at most 1", path)
    # Rules are written in any script; they are matched against text already in the target one.
    rules = _in_script(data["rules"], data["script"])
    if data["script"] not in SIMPLIFIED_SCRIPTS:
        rules["phrase_fixes"] = {}  # they fix Simplified text only
    rules = {key: _compile_rule(key, value, path) for key, value in rules.items()}
    return Config(data=data, root=root, path=path, rules=rules)


EDITION_KEYS = ("lang", "path", "convert", "overrides")
RESERVED_FOLDERS = {"articles", "tags", "sources", "archive", "search", "static", "page", "issues"}
EDITION_PATH_RE = re.compile(r"^(?:[a-z0-9][a-z0-9-]*/)*$")


def _check_editions(data: dict[str, Any], path: Path | None) -> None:
    """`editions`: a non-empty list; each path "" or `folder/`, paths and langs unique, convert a known
    OpenCC conversion (or null), overrides a mapping of phrases."""
    editions = data["editions"]
    if not isinstance(editions, list) or not editions:
        raise DigestError("setting 'editions' must be a non-empty list", path)
    paths, langs = set(), set()
    for index, item in enumerate(editions):
        name = f"editions[{index}]"
        if not isinstance(item, dict):
            raise DigestError(f"setting '{name}' must be a mapping", path)
        for key in item:
            if key not in EDITION_KEYS:
                raise DigestError(f"unknown setting '{name}.{key}'", path)
        lang = item.get("lang") or data["language"]
        edition_path = item.get("path") or ""
        convert = item.get("convert")
        overrides = item.get("overrides") or {}
        if not isinstance(lang, str):
            raise DigestError(f"setting '{name}.lang' must be a language tag like zh-Hant", path)
        if not isinstance(edition_path, str) or not EDITION_PATH_RE.match(edition_path):
            raise DigestError(f"setting '{name}.path' must be \"\" or a folder ending in \"/\" "
                              f"(lowercase letters, digits, -), like zh-hant/", path)
        if (index == 0) != (edition_path == ""):
            raise DigestError(f"setting '{name}.path': the first edition lives at the site root (\"\"), "
                              f"every other in a folder of its own", path)
        if edition_path.split("/")[0] in RESERVED_FOLDERS:
            raise DigestError(f"setting '{name}.path': {edition_path!r} is a folder of the site itself", path)
        if convert is not None and convert not in SCRIPTS:
            raise DigestError(f"setting '{name}.convert' must be null or one of {', '.join(SCRIPTS)}", path)
        if not isinstance(overrides, dict) or not all(
                isinstance(k, str) and k and isinstance(v, str) for k, v in overrides.items()):
            raise DigestError(f"setting '{name}.overrides' must be a mapping of phrase to phrase", path)
        if overrides and convert is None:
            raise DigestError(f"setting '{name}.overrides' needs '{name}.convert'", path)
        if edition_path in paths:
            raise DigestError(f"setting '{name}.path': {edition_path!r} is used by another edition", path)
        if lang.lower() in langs:
            raise DigestError(f"setting '{name}.lang': {lang!r} is used by another edition", path)
        paths.add(edition_path)
        langs.add(lang.lower())


def _check_timezone(data: dict[str, Any], path: Path | None) -> None:
    """`timezone`: the UTC offset of dates and times written without one."""
    try:
        parse_offset(data["timezone"])
    except (TypeError, ValueError):
        raise DigestError(f"setting 'timezone' must be a UTC offset like \"+08:00\" (quoted), "
                          f"not {data['timezone']!r}", path) from None


def _in_script(value: Any, script: str) -> Any:
    if isinstance(value, str):
        return to_target_script(value, script)
    if isinstance(value, list):
        return [_in_script(item, script) for item in value]
    if isinstance(value, dict):
        return {_in_script(k, script): _in_script(v, script) for k, v in value.items()}
    return value


def _compile_rule(key: str, value: Any, path: Path | None) -> Any:
    """Keys ending in `_patterns` are lists of regular expressions, compiled once here."""
    if not key.endswith("_patterns"):
        return value
    compiled = []
    for index, pattern in enumerate(value):
        try:
            compiled.append(re.compile(pattern))
        except (re.error, TypeError) as exc:
            raise DigestError(f"rules.{key}[{index}]: invalid regular expression {pattern!r}: {exc}",
                              path) from None
    return compiled
