"""config.yaml over the defaults: validation errors name file and key (every key, with null and a wrong
type); YAML 1.2 core rules; duplicate keys refused; rules compile once."""

import json
from pathlib import Path

import pytest
import yaml

import build
from digest.config import OPEN_MAPPINGS, load_config, load_defaults
from digest.errors import DigestError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_load_and_rules_compile():
    config = load_config(None)
    assert config["language"] == "zh-Hans" and config["page_size"] == 10
    assert all(hasattr(p, "search") for p in config.rules["drop_line_patterns"])


@pytest.mark.parametrize("text, message", [
    ("titel: x\n", "unknown setting 'titel'"),
    ("paths: {sede: x}\n", "unknown setting 'paths.sede'"),
    ("page_size: ten\n", "setting 'page_size' must be a whole number, not text 'ten'"),
    ("page_size: 0\n", "page_size"),
    ("script: t2x\n", "setting 'script' must be one of"),
    ("rules: {drop_line_patterns: ['(unclosed']}\n", "invalid regular expression '(unclosed'"),
    ("title: [\n", "invalid YAML"),
    ("- a\n- b\n", "expected a mapping"),
])
def test_bad_settings_name_file_and_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(DigestError) as error:
        load_config(path)
    assert str(error.value).startswith(str(path)) and message in str(error.value)


def test_missing_config_file_is_an_error(tmp_path):
    with pytest.raises(DigestError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_user_rule_lists_extend_the_defaults_and_mappings_merge(tmp_path):
    defaults = load_config(None).rules
    config = load_config(write(tmp_path, "rules:\n  drop_line_patterns: ['^广告$']\n  source_names: {某网: 某网}\n"))
    patterns = [p.pattern for p in config.rules["drop_line_patterns"]]
    assert patterns[-1] == "^广告$" and len(patterns) == len(defaults["drop_line_patterns"]) + 1
    assert config.rules["source_names"]["某网"] == "某网"


def test_rules_written_in_traditional_match_the_simplified_target(tmp_path):
    config = load_config(write(tmp_path, "rules:\n  tag_vocabulary: [基層黨建]\n"))
    assert config.rules["tag_vocabulary"] == ["基层党建"]


def test_phrase_fixes_apply_only_to_simplified_targets(tmp_path):
    assert load_config(write(tmp_path, "script: t2s\n")).rules["phrase_fixes"]["随著"] == "随着"
    assert load_config(write(tmp_path, "script: s2twp\n")).rules["phrase_fixes"] == {}


def test_base_url_override_keeps_everything_else():
    config = load_config(None).with_overrides(base_url="/digest/", drafts=None)
    assert config["base_url"] == "/digest/" and config["title"] == load_config(None)["title"]


# --- every setting: null and a wrong type are one line naming the key (issue 21, point 11) -----

WRONG_VALUE = {bool: "yes", int: "ten", float: "half", str: ["a list"], list: "text", dict: ["a list"], type(None): 5}


def setting_leaves(data: dict, prefix: str = ""):
    """(dotted name, default) of every setting, down to the keys of each edition."""
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and key not in OPEN_MAPPINGS:
            yield from setting_leaves(value, f"{name}.")
        elif key == "editions":
            yield name, value
            yield from ((f"editions[0].{item}", default) for item, default in value[0].items())
        else:
            yield name, value


def nested(name: str, value) -> dict:
    """The config mapping that sets the dotted `name` to `value`."""
    if name.startswith("editions[0]."):
        return {"editions": [{**load_defaults()["editions"][0], name.split(".")[1]: value}]}
    first, _, rest = name.partition(".")
    return {first: nested(rest, value) if rest else value}


LEAVES = list(setting_leaves(load_defaults()))
NULL_ALLOWED = {"domain", "editions[0].lang", "editions[0].path", "editions[0].convert", "editions[0].overrides"}


def run_check(tmp_path: Path, settings: dict, capsys) -> tuple[int, str]:
    path = write(tmp_path, json.dumps(settings, ensure_ascii=False))  # JSON is YAML too
    status = build.main(["--config", str(path), "check"])
    captured = capsys.readouterr()
    return status, captured.err


def test_the_leaves_cover_every_documented_setting():
    names = {name for name, _ in LEAVES}
    assert {"title", "base_url", "paths.site", "rules.labels", "rules.source_names", "editions[0].convert",
            "rules.drop_line_patterns", "search", "domain"} <= names and len(names) > 30


@pytest.mark.parametrize("name, default", LEAVES, ids=[name for name, _ in LEAVES])
def test_every_setting_given_null_is_one_line_naming_it(tmp_path, capsys, name, default):
    settings = nested(name, None)
    if name in NULL_ALLOWED:
        load_config(write(tmp_path, json.dumps(settings)))
        return
    status, err = run_check(tmp_path, settings, capsys)
    assert status == 1 and err.count("\n") == 1 and err.startswith("error: ")
    assert f"'{name}'" in err and str(tmp_path / "config.yaml") in err


@pytest.mark.parametrize("name, default", LEAVES, ids=[name for name, _ in LEAVES])
def test_every_setting_given_a_wrong_type_is_one_line_naming_it(tmp_path, capsys, name, default):
    wrong = WRONG_VALUE[type(default)] if not name.startswith("editions[0].") else 5
    if name == "editions[0].overrides":
        wrong = "text"
    status, err = run_check(tmp_path, nested(name, wrong), capsys)
    assert status == 1 and err.count("\n") == 1 and err.startswith("error: ")
    assert f"'{name}" in err and str(tmp_path / "config.yaml") in err


@pytest.mark.parametrize("text, key", [
    ("rules: {labels: {author: null}}\n", "rules.labels.author"),
    ("rules: {labels: {author: [1]}}\n", "rules.labels.author[0]"),
    ("rules: {source_names: {某网: [a]}}\n", "rules.source_names.某网"),
    ("rules: {tag_vocabulary: [2035]}\n", "rules.tag_vocabulary[0]"),
    ("rules: {question_words: [null]}\n", "rules.question_words[0]"),
    ("title: '  '\n", "title"),
    ("related_count: -1\n", "related_count"),
])
def test_wrong_entries_inside_settings_name_the_entry(tmp_path, capsys, text, key):
    status, err = run_check(tmp_path, yaml.safe_load(text), capsys)
    assert status == 1 and err.count("\n") == 1 and f"'{key}'" in err


def test_a_null_title_never_becomes_a_site_called_none(tmp_path, capsys):
    status, err = run_check(tmp_path, {"title": None}, capsys)
    assert status == 1 and "setting 'title' must be text, not null" in err


def test_a_config_not_in_utf8_is_one_line(tmp_path, capsys):
    path = tmp_path / "config.yaml"
    path.write_bytes("title: 文摘\n".encode("gb18030"))
    assert build.main(["--config", str(path), "check"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{path}:1: not UTF-8 text" in err


def test_a_config_that_is_a_folder_is_one_line(tmp_path, capsys):
    assert build.main(["--config", str(tmp_path), "check"]) == 1
    assert capsys.readouterr().err == f"error: {tmp_path}: not a file: --config names the settings file, like config.yaml\n"


def test_a_config_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_bytes("\ufefftitle: 文摘\n".encode("utf-8"))
    assert load_config(path)["title"] == "文摘"


# --- YAML 1.2 core rules and duplicate keys (issue 21 point 8, issue 23 point 7) -------------

def test_settings_keep_the_text_as_typed(tmp_path):
    config = load_config(write(tmp_path, "title: 12:30\nauthor: on\ndescription: 0x1F 1.10\n"))
    assert (config["title"], config["author"]) == ("12:30", "on")


@pytest.mark.parametrize("text, line, key", [
    ("title: a\ntitle: b\n", 2, "title"),
    ("rules:\n  source_names:\n    人民网: 人民网\n  source_names:\n    新华网: 新华网\n", 4, "source_names"),
    ("rules:\n  source_names:\n    人民网: 人民网\n    人民网: 人民日报\n", 4, "人民网"),
    ("editions:\n  - {lang: zh-Hans, path: '', lang: en}\n", 2, "lang"),
])
def test_a_duplicate_key_in_config_is_an_error_at_its_line(tmp_path, capsys, text, line, key):
    path = write(tmp_path, text)
    assert build.main(["--config", str(path), "check"]) == 1
    err = capsys.readouterr().err
    assert err == f"error: {path}:{line}: invalid YAML: duplicate key '{key}'\n"
