"""Lines the main-text detector must leave to the extractor, whatever they look like, and the
bookkeeping lines that go whatever they look like: the second layer over the detector.

A line carrying a fact is never dropped by the detector: a date in any form, a byline (a role
word such as 记者 or 供稿人, or a line of names), the page's own address, and the header lines
the extractor would score as the title (facts.py: the best candidate, a close runner-up, and the
headline's repeats, which are part of its score). A headline repeated after the article began
goes, and so do journal bookkeeping lines (`基金项目：…`,
labels listed under rules.labels.ignored) go even when too long for the extractor to consume.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from digest.intake.bylines import byline_rules
from digest.intake.facts import DATE_RE, choose_title, is_body_text, looks_like_title, names_line, tidy_title
from digest.intake.clean.punctuation import SENTENCE_END_RE
from digest.intake.lines import han_count, load_model

URL = re.compile(r"https?://")
BYLINE_MAX = 60  # a byline longer than this is a sentence naming a reporter
HEADLINE_MIN_HAN = 8  # a shorter line may well be a column name repeated on purpose


def metadata_lines(lines: list[str]) -> set[int]:
    """`2月23日 张三`, `（供稿人：一支部 冯欣）`, `王晓宇 巩雪`, `http://…`: what the extractor reads."""
    roles = byline_rules()["author_role_re"]
    return {index for index, line in enumerate(lines) if line and len(line) <= 2 * BYLINE_MAX and (
        URL.search(line) or (DATE_RE.search(line) and not is_body_text(line))
        or (len(line) <= BYLINE_MAX and not SENTENCE_END_RE.search(line) and (roles.search(line) or names_line(line))))}


def title_lines(lines: list[str]) -> set[int]:
    """The header lines facts.py would weigh as the title, when it is not a guess: the best, a close
    runner-up, and the lines repeating the best (the repeat is part of its score)."""
    present = [index for index, line in enumerate(lines) if line.strip()]
    choice = choose_title([lines[index] for index in present])
    if choice is None or choice.weak:  # a guess (a menu bar when nothing better stands there) is not kept for it
        return set()
    chosen = {choice.best.index} | ({choice.runner_up.index} if choice.runner_up else set())
    core = tidy_title(choice.best.text)[0]
    reach = load_model().headline_window + choice.best.index
    repeats = {i for i, index in enumerate(present[:reach + 1]) if core and core in lines[index]
               and len(lines[index]) <= 2 * len(core) + 24}
    return {present[i] for i in chosen | repeats}


def repeated_headlines(lines: list[str], prose: set[int]) -> set[int]:
    """A headline line of the header found again once the article has begun (`标题？|栏目` among
    the paragraphs): a scraper's repeat; the header's copy stays for the extractor."""
    start = min(prose, default=len(lines))
    heads = {line for line in lines[:start] if looks_like_title(line) and han_count(line) >= HEADLINE_MIN_HAN}
    if not heads:
        return set()
    return {index for index in range(start + 1, len(lines)) if lines[index] in heads}


def bookkeeping_lines(lines: list[str], rules: dict[str, Any]) -> set[int]:
    """`基金项目：国家社会科学基金…。`: a journal's bookkeeping line, kept nowhere."""
    words = tuple(rules.get("labels", {}).get("ignored", ()))
    starts = _label_starts(words)
    label = _ignored_label(words)
    return {index for index, line in enumerate(lines) if line.startswith(starts) and label.match(line)}


@lru_cache(maxsize=4)
def _label_starts(words: tuple[str, ...]) -> tuple[str, ...]:
    """How such a line starts (`基金项目`, `[基金项目`): a str.startswith test finds the few candidates."""
    return tuple(bracket + word for word in words for bracket in ("", "[", "【", "〔", "(", "（"))


@lru_cache(maxsize=4)
def _ignored_label(words: tuple[str, ...]) -> re.Pattern[str]:
    names = "|".join(sorted(map(re.escape, words), key=len, reverse=True)) or "(?!)"
    return re.compile(rf"^(?:[\[【〔(（]\s*(?:{names})\s*[\]】〕)）]|(?:{names})\s*[:：])")  # `[中图分类号]？D267`, `基金项目：`
