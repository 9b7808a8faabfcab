"""The main-text stage: lines the detector (digest/intake/lines.py) finds are not article text go,
and a dropped line that looked like prose is reported for review."""

from __future__ import annotations

import re
from typing import Any

from digest.intake.clean import Cleaned
from digest.intake.clean.boilerplate import protected_lines
from digest.intake.clean.punctuation import normalize_punctuation
from digest.intake.lines import MAX_ROUNDS, Model, classify, load_model, plainly_prose, prose_note
from digest.intake.lines_guard import bookkeeping_lines, metadata_lines, title_lines

BLANK_LINES = re.compile(r"\n{3,}")


def drop_non_prose(text: str, rules: dict[str, Any]) -> Cleaned:
    """`网站首页 | 新闻中心\\n正文。` -> `正文。`; run until nothing more goes (dropping a list can
    expose the line above it), so that cleaning the result again changes nothing."""
    model, lines, notes = load_model(), text.split("\n"), []
    seen = _as_punctuated(lines, model)
    if seen is None:  # nothing but prose: nothing to judge
        return Cleaned(text)
    guarded = [index in kept for index in range(len(seen))] if (kept := kept_by_rules(seen, rules)) else []
    forced = bookkeeping_lines(seen, rules)
    for _ in range(MAX_ROUNDS):
        verdicts = classify(seen, model, {index for index, guard in enumerate(guarded) if guard})
        dropped = {index for index, verdict in enumerate(verdicts) if not verdict.keep} | forced
        forced = set()
        if not dropped:
            break
        notes += [note for index in sorted(dropped) if (note := prose_note(seen[index], model))]
        lines, seen, guarded = ([item for index, item in enumerate(items) if index not in dropped]
                                for items in (lines, seen, guarded))
    text = BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")
    return Cleaned(text, tuple(notes))



def _as_punctuated(lines: list[str], model: Model) -> list[str] | None:
    """The lines as the last stage will punctuate them, so that a second cleaning agrees; plain prose
    is left as it is (it is never dropped, and its punctuation changes nothing here). None when
    every line is plain prose or blank."""
    todo = [index for index, line in enumerate(lines) if line and not plainly_prose(line, model)]
    if not todo:
        return None
    punctuated = normalize_punctuation("\n".join(lines[index] for index in todo)).split("\n")
    if len(punctuated) != len(todo):  # never expected: punctuation works within a line
        return normalize_punctuation("\n".join(lines)).split("\n")
    seen = list(lines)
    for index, line in zip(todo, punctuated):
        seen[index] = line
    return seen


def kept_by_rules(lines: list[str], rules: dict[str, Any]) -> set[int]:
    """The rule lists' metadata lines, the lines the extractor reads facts from (dates, bylines,
    addresses, the likely headlines: lines_guard.py), and everything from a `参考文献` heading on
    (a reference list is short lines of names and numbers, kept for the extractor)."""
    protected = protected_lines(lines, rules) | metadata_lines(lines) | title_lines(lines)
    headings = tuple(rules.get("labels", {}).get("references", ()))
    start = next((index for index, line in enumerate(lines) if line.strip().strip("[]【】：:") in headings),
                 len(lines))
    return protected | set(range(start, len(lines)))
