"""Sections of bench/RESULTS.md that different benchmarks write: each replaces its own, keeps the rest."""

from __future__ import annotations

# Written by bench/cleaning.py (make cleaning-score); bench/report.py (make bench) keeps it as it is.
CLEANING_HEADING = "## Cleaning on real pages"
# Written by bench/search.py and bench/duplicates.py.
SEARCH_HEADING = "## Search engines"
DUPLICATES_HEADING = "## Near-duplicate seeds (reposts)"
# The sections make bench (bench/report.py) keeps as they are when it writes the file again.
KEPT_SECTIONS = (CLEANING_HEADING, SEARCH_HEADING, DUPLICATES_HEADING)


def section_span(text: str, heading: str) -> tuple[int, int] | None:
    """Where the `## heading` section of a Markdown text starts and ends (up to the next `## `)."""
    start = text.find(heading + "\n")
    if start < 0 or (start > 0 and text[start - 1] != "\n"):
        return None
    end = text.find("\n## ", start + len(heading))
    return start, (end + 1 if end >= 0 else len(text))


def section_of(text: str, heading: str) -> str | None:
    span = section_span(text, heading)
    return text[span[0]:span[1]].rstrip("\n") if span else None
