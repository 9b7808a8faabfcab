"""The main-text stage: lines the detector (digest/intake/lines.py) finds are not article text go,
and a dropped line that looked like prose is reported for review."""

from __future__ import annotations

import re
from typing import Any

from digest.intake.clean import Cleaned
from digest.intake.clean.boilerplate import protected_lines
from digest.intake.clean.punctuation import normalize_punctuation
from digest.intake.lines import MAX_ROUNDS, classify, load_model, prose_note

BLANK_LINES = re.compile(r"\n{3,}")


def drop_non_prose(text: str, rules: dict[str, Any]) -> Cleaned:
    """`网站首页 | 新闻中心\\n正文。` -> `正文。`; run until nothing more goes (dropping a list can
    expose the line above it), so that cleaning the result again changes nothing."""
    model, lines, notes = load_model(), text.split("\n"), []
    for _ in range(MAX_ROUNDS):
        # Judged as the last stage will punctuate them, so that a second cleaning agrees.
        seen = normalize_punctuation("\n".join(lines)).split("\n")
        verdicts = classify(seen, model, kept_by_rules(seen, rules))
        dropped = {index for index, verdict in enumerate(verdicts) if not verdict.keep}
        if not dropped:
            break
        notes += [note for index in sorted(dropped) if (note := prose_note(seen[index], model))]
        lines = [line for index, line in enumerate(lines) if index not in dropped]
    text = BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")
    return Cleaned(text, tuple(notes))


def kept_by_rules(lines: list[str], rules: dict[str, Any]) -> set[int]:
    """The rule lists' metadata lines, and everything from a `参考文献` heading on (a reference
    list is short lines of names and numbers, kept for the extractor)."""
    protected = protected_lines(lines, rules)
    headings = tuple(rules.get("labels", {}).get("references", ()))
    start = next((index for index, line in enumerate(lines) if line.strip().strip("[]【】：:") in headings),
                 len(lines))
    return protected | set(range(start, len(lines)))
