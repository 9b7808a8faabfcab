"""Sections of bench/RESULTS.md that different benchmarks write: each replaces its own, keeps the rest."""

from __future__ import annotations

from pathlib import Path

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


def put_section(path: Path, heading: str, body: str) -> None:
    """Write `body` under `heading` in the file at `path`, in place of that section or at the end."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    old = section_of(text, heading)
    new = heading + "\n\n" + body.strip()
    text = text.replace(old, new) if old else text.rstrip("\n") + "\n\n" + new
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
