"""config.yaml over the defaults: validation errors name file and key; rules compile once."""

from pathlib import Path

import pytest

from digest.config import load_config
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
    ("page_size: ten\n", "setting 'page_size' must be of type int"),
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
