"""Notes for the curator about repeated text; the text itself is left as it is."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from itertools import compress, count, groupby

from digest.intake.clean import Cleaned

CLAUSE_END = re.compile(r"[，。！？；：,!?;\n]+ *")
MIN_CLAUSE = 4      # shorter clauses (`是的，是的`) repeat on purpose
MIN_PARAGRAPH = 8
QUOTE_CHARS = 30    # a repeated paragraph is quoted up to this many characters
COUNT_WORDS = {2: "两", 3: "三", 4: "四", 5: "五"}


def find_repeated_clauses(text: str) -> Cleaned:
    """Report text said twice: `要发挥作用，要发挥作用。` -> note `重复语句：“要发挥作用”连续出现两次`."""
    return Cleaned(text, (*_repeated_clauses(text), *_repeated_paragraphs(text)))


def _repeated_clauses(text: str) -> list[str]:
    """Clauses said again right away, also after a lead-in: `党组织要发挥作用，要发挥作用`."""
    return [f"重复语句：“{clause}”连续出现{_times(times)}次"
            for paragraph in text.split("\n\n")
            for clause, times in _back_to_back(CLAUSE_END.split(paragraph))]


def _back_to_back(clauses: list[str]) -> Iterator[tuple[str, int]]:
    """Each clause that ends the clause before it, with how many times it is said in a row."""
    ends_before = compress(count(1), map(str.endswith, clauses, clauses[1:]))
    repeats = [index for index in ends_before if len(clauses[index]) >= MIN_CLAUSE]
    # Consecutive indexes of the same clause are one run: index - position stays constant.
    runs = groupby(enumerate(repeats), key=lambda pair: (pair[1] - pair[0], clauses[pair[1]]))
    for (_, clause), run in runs:
        yield clause, 1 + len(list(run))


def _repeated_paragraphs(text: str) -> list[str]:
    """Paragraphs (a headline, a lede) that occur more than once in the article."""
    paragraphs = [paragraph.strip() for paragraph in text.split("\n\n")]
    counts = Counter(paragraphs)
    return [f"重复段落：“{_quote(paragraph)}”出现{_times(counts[paragraph])}次"
            for paragraph in dict.fromkeys(paragraphs)
            if counts[paragraph] > 1 and len(paragraph) >= MIN_PARAGRAPH]


def _times(count: int) -> str:
    return COUNT_WORDS.get(count, str(count))


def _quote(paragraph: str) -> str:
    return paragraph if len(paragraph) <= QUOTE_CHARS else paragraph[:QUOTE_CHARS] + "…"
