"""Script conversion with the official OpenCC binding (t2s by default)."""

from __future__ import annotations

from functools import lru_cache

import opencc


@lru_cache(maxsize=None)
def converter(script: str) -> opencc.OpenCC:
    """One OpenCC converter per configuration name (`t2s`, `s2twp`, ...), built once."""
    return opencc.OpenCC(f"{script}.json")


def to_target_script(text: str, script: str = "t2s") -> str:
    """Convert Han text to the target script: `基層黨組織` -> `基层党组织` with t2s."""
    return converter(script).convert(text)
