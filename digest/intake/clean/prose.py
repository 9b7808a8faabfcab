"""The main-text stage: lines the detector (digest/intake/lines.py) finds are not article text go,
and a dropped line that looked like prose is reported for review."""

from __future__ import annotations

import re
from typing import Any

from digest.intake.clean import Cleaned
from digest.intake.clean.boilerplate import BLANK_LINES, protected_lines
from digest.intake.clean.punctuation import DOUBLED_MARK, FULL_WIDTH, QUOTES, TO_FULL_WIDTH
from digest.intake.lines import MAX_ROUNDS, Model, drop_reasons, load_model, plainly_prose, prose_note
from digest.intake.lines_guard import bookkeeping_lines, metadata_lines, repeated_headlines, title_lines

SPACE_BESIDE_MARK = re.compile(f" +(?=[{FULL_WIDTH}{QUOTES}])|(?<=[{FULL_WIDTH}{QUOTES}]) +")


def drop_non_prose(text: str, rules: dict[str, Any]) -> Cleaned:
    """`网站首页 | 新闻中心\\n正文。` -> `正文。`; run until nothing more goes (dropping a list can
    expose the line above it), so that cleaning the result again changes nothing."""
    model, lines, notes = load_model(), text.split("\n"), []
    seen, prose = _canonical(lines, model)
    if not seen:  # nothing but prose: nothing to judge
        return Cleaned(text)
    forced = bookkeeping_lines(seen, rules) | repeated_headlines(seen, prose)
    if not forced and not _unguarded_drops(seen, rules, model, prose):
        return Cleaned(text)  # the page as it stands: the guards of the whole page need not be looked for
    guarded = [index in kept for index in range(len(seen))] if (kept := kept_by_rules(seen, rules)) else []
    for _ in range(MAX_ROUNDS):
        dropped = set(drop_reasons(seen, model, {index for index, guard in enumerate(guarded) if guard})) | forced
        forced = set()
        if not dropped:
            break
        notes += [note for index in sorted(dropped) if (note := prose_note(seen[index], model, lines[index]))]
        lines, seen, guarded = ([item for index, item in enumerate(items) if index not in dropped]
                                for items in (lines, seen, guarded))
    text = BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")
    return Cleaned(text, tuple(notes))


def _unguarded_drops(seen: list[str], rules: dict[str, Any], model: Model, prose: set[int]) -> bool:
    """Does the detector, without the page-wide guards, want to drop a line that neither the rule
    lists nor the line's own metadata protect? (Most pages: no, and they are left alone.)"""
    proposed = [seen[index] for index in drop_reasons(seen, model, prose=prose)]
    if not proposed:
        return False
    return len(protected_lines(proposed, rules) | metadata_lines(proposed)) < len(proposed)


def _canonical(lines: list[str], model: Model) -> tuple[list[str], set[int]]:
    """The lines as the detector judges them: every `,:;?!()` full-width, no space beside a mark,
    no doubled mark. The last stage (normalize_punctuation) converts only some of them, and this
    form is the same before and after it, so a second cleaning judges the same lines the same
    way. Plain prose is left as it is (it is never dropped). No lines when every line is plain
    prose or blank; and the indexes of the plain prose lines."""
    prose = {index for index, line in enumerate(lines) if line and plainly_prose(line, model)}
    todo = [index for index, line in enumerate(lines) if line and index not in prose]
    if not todo:
        return [], prose
    seen = list(lines)
    for index in todo:
        seen[index] = DOUBLED_MARK.sub(r"\1", SPACE_BESIDE_MARK.sub("", lines[index].translate(TO_FULL_WIDTH)))
    return seen, prose


def kept_by_rules(lines: list[str], rules: dict[str, Any]) -> set[int]:
    """The rule lists' metadata lines, the lines the extractor reads facts from (dates, bylines,
    addresses, the likely headlines: lines_guard.py), and everything from a `参考文献` heading on
    (a reference list is short lines of names and numbers, kept for the extractor)."""
    protected = protected_lines(lines, rules) | metadata_lines(lines) | title_lines(lines)
    headings = tuple(rules.get("labels", {}).get("references", ()))
    start = next((index for index, line in enumerate(lines) if line.strip().strip("[]【】：:") in headings),
                 len(lines))
    return protected | set(range(start, len(lines)))
