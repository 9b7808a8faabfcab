"""Load config.yaml once: defaults, validation, compiled rules, one Config object."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from digest.script import to_target_script
from digest.errors import DigestError

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
        data = {**self.data, **{k: v for k, v in overrides.items() if v is not None}}
        return Config(data=data, root=self.root, path=self.path, rules=self.rules)


def load_defaults() -> dict[str, Any]:
    with DEFAULTS_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_config(path: Path | str | None = "config.yaml") -> Config:
    """Read `path` over the packaged defaults; errors name the file and the key."""
    defaults = load_defaults()
    if path is None:
        return _finish(defaults, Path.cwd(), None)
    path = Path(path)
    if not path.exists():
        raise DigestError("config file not found", path)
    user = _read_yaml(path)
    merged = _merge(defaults, user, path, prefix="")
    return _finish(merged, path.resolve().parent, path)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DigestError(f"invalid YAML: {getattr(exc, 'problem', exc)}", path,
                          mark.line + 1 if mark else None) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DigestError("expected a mapping of settings at the top level", path)
    return data


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
    if default is None or value is None:
        return value
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise DigestError(f"setting '{name}' must be a mapping", path)
        if _is_open_mapping(name):
            return {**default, **value}
        return _merge(default, value, path, prefix=f"{name}.")
    if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
        return value  # a whole number where a fraction is expected (threshold: 1)
    if isinstance(default, bool) != isinstance(value, bool) or not isinstance(value, type(default)):
        raise DigestError(f"setting '{name}' must be of type {type(default).__name__}", path)
    if isinstance(default, list) and name.startswith("rules."):
        return default + [item for item in value if item not in default]
    return value


def _is_open_mapping(name: str) -> bool:
    """Mappings whose keys the user chooses (e.g. DOI prefix -> journal)."""
    return name.startswith("rules.") and name.rsplit(".", 1)[-1] in OPEN_MAPPINGS


DATA_MAPPINGS = {"doi_journals", "source_names", "phrase_fixes"}  # their keys are data, not settings
OPEN_MAPPINGS = DATA_MAPPINGS | {"labels"}
POSITIVE_WHOLE_NUMBERS = ("page_size", "feed_entries", "reading_speed")


def _finish(data: dict[str, Any], root: Path, path: Path | None) -> Config:
    if data["script"] not in SCRIPTS:
        raise DigestError(f"setting 'script' must be one of {', '.join(SCRIPTS)}", path)
    for key in POSITIVE_WHOLE_NUMBERS:
        if not isinstance(data[key], int) or data[key] < 1:
            raise DigestError(f"setting '{key}' must be a positive whole number", path)
    _check_editions(data, path)
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
RESERVED_FOLDERS = {"articles", "tags", "sources", "archive", "search", "pagefind", "static", "page"}
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
