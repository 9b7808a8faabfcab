"""Keywords the page ran together: `关键词：治党党的领导党中央` lost its separators when scraped.

A listed keyword nearly always recurs in the article, so a run-together keyword line that does not
itself occur in the text is cut into the fewest pieces that each occur in the title or body. The
cut is a guess, so the curator is asked to check it under `review:`.
"""

from __future__ import annotations

import re

from digest.intake.clean.punctuation import HAN
from digest.intake.facts import Extracted

RUN_MIN = 6       # shorter keywords are left whole: a run of two is at least four characters
PIECE_MIN, PIECE_MAX = 2, 12  # the length of one keyword
HAN_ONLY_RE = re.compile(f"[{HAN}]+")


def split_run_together_tags(found: Extracted) -> None:
    """A keyword line that lists one long run of Han characters, absent from the text, is replaced
    by its pieces (a list with separators was not run together); a review note names the cut."""
    # only one listed tag can be a run of several (found.listed_tags == [tag])
    text = "\n".join([found.meta.title, *found.paragraphs]) if len(found.listed_tags) == 1 else ""
    tags: list[str] = []
    for tag in found.meta.tags:
        run_together = found.listed_tags == [tag] and len(tag) >= RUN_MIN and HAN_ONLY_RE.fullmatch(tag)
        pieces = _pieces(tag, text) if run_together and tag not in text else None
        if pieces:
            found.meta.review.append(f"标签：关键词“{tag}”原文没有分隔，已按正文拆为“{'、'.join(pieces)}”，请核对")
        tags += [piece for piece in pieces or [tag] if piece not in tags]
    found.meta.tags = tags


def _pieces(run: str, text: str) -> list[str] | None:
    """The cut of `run` into keywords that leaves the fewest characters not found in `text`, then
    has the fewest pieces. One piece may be missing from the text (a keyword only the list names),
    but most of the run must be found. The run is short (a keyword line), so the table is small."""
    Cut = tuple[int, int, list[str]]  # characters not found, pieces, the pieces
    best: list[Cut | None] = [(0, 0, [])] + [None] * len(run)
    for end in range(PIECE_MIN, len(run) + 1):
        for start in range(max(0, end - PIECE_MAX), end - PIECE_MIN + 1):
            before, piece = best[start], run[start:end]
            if before is None:
                continue
            missing = before[0] + (0 if piece in text else len(piece))
            cut = (missing, before[1] + 1, [*before[2], piece])
            if best[end] is None or cut[:2] < best[end][:2]:
                best[end] = cut
    found = best[len(run)]
    if found is None or found[1] < 2 or found[0] * 2 > len(run):
        return None
    return found[2] if sum(piece not in text for piece in found[2]) <= 1 else None
