"""Script conversion with the official OpenCC binding (t2s by default)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

import opencc


@lru_cache(maxsize=None)
def converter(script: str) -> opencc.OpenCC:
    """One OpenCC converter per configuration name (`t2s`, `s2twp`, ...), built once."""
    return opencc.OpenCC(f"{script}.json")


def to_target_script(text: str, script: str = "t2s") -> str:
    """Convert Han text to the target script: `基層黨組織` -> `基层党组织` with t2s."""
    return converter(script).convert(text)


def fix_phrases(text: str, fixes: Mapping[str, str]) -> str:
    """Phrases OpenCC leaves in the older form, from `rules.phrase_fixes`: `随著` -> `随着`."""
    if not fixes:
        return text
    pattern, shared = _alternation(tuple(sorted(fixes, key=lambda phrase: (-len(phrase), phrase))))
    if shared and shared not in text:
        return text  # (most texts) one look for the character every phrase has, not a regex over all of them
    return pattern.sub(lambda match: fixes[match.group(0)], text)


@lru_cache(maxsize=8)
def _alternation(phrases: tuple[str, ...]) -> tuple[re.Pattern[str], str]:
    """The phrases as one regex, and a character they all have (`著`), if there is one."""
    shared = set.intersection(*map(set, phrases))
    return re.compile("|".join(map(re.escape, phrases))), min(shared, default="")
