"""Lines that are not article text (nav, spam, widgets, copyright, related lists), by rule."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from digest.intake.clean.punctuation import normalize_punctuation

Test = Callable[[str], bool]
Kind = Callable[[str], "str | None"]

BLANK_LINES = re.compile(r"\n{3,}")
LINE_TESTS = ("site_name_patterns", "tail_start_patterns", "link_title_patterns")
# Regex tokens for finding a top-level `|`: an escape, a character class, or one character.
REGEX_TOKEN = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]|.", re.DOTALL)
GLOBAL_FLAGS = re.compile(r"^\(\?[aiLmsux]+\)")


def drop_boilerplate(text: str, rules: dict[str, Any]) -> str:
    """Drop the lines the rules name as boilerplate: `首页 > 评论 > 正文\\n正文段落` -> `正文段落`."""
    lines = _strip_fragments(text, tuple(rules.get("drop_inline_patterns", ())))
    # Rules see the punctuation the last stage will leave, so that a line they spare now is
    # spared again when the cleaned text is cleaned once more.
    seen = normalize_punctuation("\n".join(lines)).split("\n")
    tests = {key: _matcher(tuple(rules[key])) for key in LINE_TESTS if key in rules}  # the rest have their own paths
    kept = protected_lines(seen, rules)
    kind = _line_kind(tuple(rules.get("nav_line_patterns", ())), tuple(rules.get("drop_line_patterns", ())))
    dropped = (_dropped_lines(seen, kept, tests, kind) | _tail_lines(seen, kept, tests)) - kept
    text = "\n".join(line for index, line in enumerate(lines) if index not in dropped)
    return BLANK_LINES.sub("\n\n", text).strip("\n")


def _strip_fragments(text: str, patterns: tuple[re.Pattern[str], ...]) -> list[str]:
    """The lines without inline fragments; a line left empty goes: `正文(剩余8000字)` -> `正文`."""
    # Each pattern alone finds its first character fast; joined they are tried at every position.
    if not any(pattern.search(text) for pattern in patterns):
        return text.split("\n")
    joined = _joined([p for p in patterns if _joinable(p)])
    fragments = [p for p in (joined, *[p for p in patterns if not _joinable(p)]) if p]
    lines = []
    for line in text.split("\n"):
        stripped = _strip_line(line, fragments)
        if stripped or not line:
            lines.append(stripped)
    return lines


def _strip_line(line: str, fragments: list[re.Pattern[str]]) -> str:
    stripped, previous = line, None
    while stripped != previous:  # removing one fragment can close up another
        previous = stripped
        for fragment in fragments:
            stripped = fragment.sub("", stripped)
    return stripped if stripped == line else " ".join(stripped.split())


def protected_lines(lines: list[str], rules: dict[str, Any]) -> set[int]:
    """Metadata lines no rule may drop: `[责任编辑:赵光菊]`, `DOI:10.1/x`, dates."""
    labels = tuple(label for names in rules.get("labels", {}).values() for label in names)
    keep = _matcher((_label_line(labels), *rules.get("keep_line_patterns", ())))
    return {index for index, line in enumerate(lines) if line and keep(line)}


@lru_cache(maxsize=8)
def _label_line(labels: tuple[str, ...]) -> re.Pattern[str]:
    """A line that starts with a metadata label and a colon or closing bracket."""
    names = "|".join(sorted(map(re.escape, labels), key=len, reverse=True)) or "(?!)"
    return re.compile(rf"^[\[【(（]?\s*(?:{names})\s*(?:[:：]|[\]】)）])")


def _matcher(patterns: tuple[re.Pattern[str], ...]) -> Test:
    """Does any pattern match the line (re.search)? Patterns anchored at `^` are joined into
    one regex tried at the start only, the others into one searched regex: far faster than
    one call per pattern. Patterns with flags or groups are not joined (they would clash)."""
    return _matcher_of(_sources(patterns))


def _sources(patterns: tuple[re.Pattern[str], ...]) -> tuple[tuple[str, int], ...]:
    """What the cached matchers are keyed by: each pattern's text and flags, which hash at no cost
    (a str keeps its hash), where hashing a compiled pattern hashes all its code, every call:
    asked once per seed for every rule list, that cost a tenth of cleaning the seed."""
    return tuple((pattern.pattern, pattern.flags) for pattern in patterns)


def _compiled(sources: tuple[tuple[str, int], ...]) -> list[re.Pattern[str]]:
    return [re.compile(text, flags) for text, flags in sources]


@lru_cache(maxsize=64)
def _matcher_of(sources: tuple[tuple[str, int], ...]) -> Test:
    patterns = _compiled(sources)
    joinable = [p for p in patterns if _joinable(p)]
    at_start = _joined([p for p in joinable if _anchored(p.pattern)])
    anywhere = _joined([p for p in joinable if not _anchored(p.pattern)])
    tests = [test for test in (at_start and at_start.match, anywhere and anywhere.search) if test]
    tests += [p.search for p in patterns if not _joinable(p)]
    if not tests:
        return _never
    if len(tests) == 1:
        return tests[0]
    return lambda line: any(test(line) for test in tests)


def _never(line: str) -> bool:
    return False


def _joinable(pattern: re.Pattern[str]) -> bool:
    return pattern.groups == 0 and pattern.flags == re.UNICODE and not GLOBAL_FLAGS.match(pattern.pattern)


def _joined(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns)) if patterns else None


def _anchored(pattern: str) -> bool:
    """`^…` with no top-level `|`: the pattern can only match at the start of the line."""
    if not pattern.startswith("^"):
        return False
    depth = 0
    for token in REGEX_TOKEN.findall(pattern):
        depth += (token == "(") - (token == ")")
        if token == "|" and depth == 0:
            return False
    return True


def _dropped_lines(lines: list[str], kept: set[int], tests: dict[str, Test], kind: Kind) -> set[int]:
    """Lines matching a drop or nav rule, and the site-name lines directly above a nav line."""
    dropped: set[int] = set()
    for index, line in enumerate(lines):
        if not line or index in kept:
            continue
        found = kind(line)
        if found == "nav":
            dropped.add(index)
            dropped.update(_run_above(lines, kept, index, tests.get("site_name_patterns", _never)))
        elif found == "drop":
            dropped.add(index)
    return dropped


def _line_kind(nav: tuple[re.Pattern[str], ...], drop: tuple[re.Pattern[str], ...]) -> Kind:
    """"nav" when a nav rule matches the line, else "drop" when a drop rule does, else None. The
    rules of both kinds anchored at the start are one regex tried once, nav ones first (the first
    alternative that matches wins, so a nav rule is found before a drop rule); the others after it."""
    return _line_kind_of(_sources(nav), _sources(drop))


@lru_cache(maxsize=16)
def _line_kind_of(nav_sources: tuple[tuple[str, int], ...], drop_sources: tuple[tuple[str, int], ...]) -> Kind:
    nav, drop = _compiled(nav_sources), _compiled(drop_sources)
    nav_start, drop_start = ([p for p in patterns if _joinable(p) and _anchored(p.pattern)] for patterns in (nav, drop))
    nav_rest = _matcher(tuple(p for p in nav if p not in nav_start))
    drop_rest = _matcher(tuple(p for p in drop if p not in drop_start))
    groups = [f"(?P<{name}>{_joined(start).pattern})" for name, start in (("nav", nav_start), ("drop", drop_start)) if start]
    both = re.compile("|".join(groups)).match if groups else _never

    def kind(line: str) -> str | None:
        start = both(line)
        if (start and start.lastgroup == "nav") or nav_rest(line):
            return "nav"
        return "drop" if start or drop_rest(line) else None

    return kind


def _tail_lines(lines: list[str], kept: set[int], tests: dict[str, Test]) -> set[int]:
    """The trailing block from the first tail marker in the page's second half, with the
    link titles directly above it; a marker in the first half is dropped alone."""
    is_marker = tests.get("tail_start_patterns", _never)
    half = sum(len(line) + 1 for line in lines) / 2
    offset = 0
    markers: set[int] = set()
    for index, line in enumerate(lines):
        if line and index not in kept and is_marker(line):
            if offset >= half:
                above = _run_above(lines, kept, index, tests.get("link_title_patterns", _never))
                return markers | set(above) | set(range(index, len(lines)))
            markers.add(index)
        offset += len(line) + 1
    return markers


def _run_above(lines: list[str], kept: set[int], index: int, test: Test) -> list[int]:
    """Indexes of the unbroken run of lines passing `test` directly above `index`;
    a blank or kept line ends the run."""
    run = []
    above = index - 1
    while above >= 0 and lines[above] and above not in kept and test(lines[above]):
        run.append(above)
        above -= 1
    return run
