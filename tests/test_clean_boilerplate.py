"""Boilerplate rules as data: read from config, converted to the target script, extensible."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from digest.intake.clean.boilerplate import drop_boilerplate
from digest.config import load_config

RULES = load_config(None).rules
ARTICLE = "这是一篇足够长的文章正文，讲述了基层党建工作的经验和做法，长度超过了页面的一半。"


def config_rules(folder: Path, text: str) -> dict:
    (folder / "config.yaml").write_text(text, encoding="utf-8")
    return load_config(folder / "config.yaml").rules


def test_a_users_pattern_extends_the_defaults(tmp_path: Path) -> None:
    rules = config_rules(tmp_path, "rules:\n  drop_line_patterns: ['^本文来自微信公众号']\n")
    page = f"本文来自微信公众号：基层党建\n网站首页 | 网站地图\n{ARTICLE}"
    assert drop_boilerplate(page, rules) == ARTICLE


def test_patterns_follow_the_target_script(tmp_path: Path) -> None:
    """Rules are written in Simplified Chinese; a Traditional site matches them all the same."""
    rules = config_rules(tmp_path, "script: s2t\n")
    page = "網站首頁 | 網站地圖\n大國新村\n首頁 > 人民論壇評論 > 正文\n\n黨建強，則發展強。\n相關閱讀\n基層黨建工作心得範文"
    assert drop_boilerplate(page, rules) == "黨建強，則發展強。"


def test_a_users_label_protects_a_metadata_line(tmp_path: Path) -> None:
    rules = config_rules(tmp_path, "rules:\n  labels:\n    editor: [审稿]\n")
    page = f"{ARTICLE}\n相关阅读\n基层党建工作心得范文\n审稿：张三"
    assert drop_boilerplate(page, rules) == f"{ARTICLE}\n审稿：张三"


@pytest.mark.parametrize(("pattern", "line"), [
    (re.compile("(?i)^advert"), "ADVERT: buy now"),    # a global flag: matched on its own
    (re.compile(r"^(ad)\1 "), "adad buy now"),          # a back-reference: matched on its own
    (re.compile("^nothing|advert"), "buy this advert"),  # a top-level | does not anchor the rest
    (re.compile("advert"), "buy this advert now"),       # anywhere in the line
])
def test_any_regular_expression_works_as_a_rule(pattern: re.Pattern[str], line: str) -> None:
    rules = {**RULES, "drop_line_patterns": [*RULES["drop_line_patterns"], pattern]}
    assert drop_boilerplate(f"{ARTICLE}\n{line}", rules) == ARTICLE


def test_without_rules_nothing_is_dropped() -> None:
    page = f"网站首页 | 网站地图\n{ARTICLE}\n相关阅读"
    assert drop_boilerplate(page, {}) == page


def test_site_name_and_link_titles_go_only_when_they_touch_the_marker() -> None:
    page = f"大国新村\n\n首页 > 评论 > 正文\n{ARTICLE}\n\n社会主义核心价值观征文\n\n相关知识\n基层党建工作心得"
    assert drop_boilerplate(page, RULES) == f"大国新村\n\n{ARTICLE}\n\n社会主义核心价值观征文"


def test_every_default_rule_compiles_and_is_documented() -> None:
    text = (Path(__file__).parent.parent / "digest" / "data" / "defaults.yaml").read_text(encoding="utf-8")
    keys = [key for key in RULES if key.endswith("_patterns")]
    assert {"drop_line_patterns", "tail_start_patterns", "keep_line_patterns", "drop_inline_patterns",
            "nav_line_patterns", "site_name_patterns", "link_title_patterns"} <= set(keys)
    for key in keys:
        assert all(isinstance(pattern, re.Pattern) for pattern in RULES[key])
        comment = text[:text.index(f"  {key}:")].rstrip().rsplit("\n", 1)[-1]
        assert comment.lstrip().startswith("#"), f"{key} has no comment above it"
