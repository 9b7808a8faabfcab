"""Metadata flattened into a line of text, when the scraper lost the line breaks around it.

`〔关键词〕a；b〔中图分类号〕D601〔文献标识码〕A〔文章编号〕1009-1203(2020)06-0113-04习近平指出，…` opens
the first paragraph of an academic page; `消息来源：某某网 回望非凡的五年…` opens a lede. The labels
are read off the front and the text after them stays a paragraph.
"""

from __future__ import annotations

import re
from typing import Callable

SEGMENT_MAX = 80  # a label's value inside a run; longer is the text the run flowed into
CODE_RE = re.compile(r"[A-Za-z0-9\-－()（）./·？?:：\s]*")  # 〔文章编号〕1009-1203(2020)06-0113-04
SOURCE_WORD_RE = re.compile(r"^(\S{2,16})\s+(?=\S)")  # 某某网 then a space, then the text
TEXT_MARK_RE = re.compile("[，。；！？、]")


def leading_labels(paragraph: str, labels: dict[str, re.Pattern[str]], kind_of: Callable[[str], str],
                   text_like: bool) -> tuple[list[tuple[str, str]], str]:
    """The (kind, value) pairs opening `paragraph` and the text after them ('' when none is left);
    no pairs when the paragraph does not open with flattened labels. A source label is read off
    the front only of a line of text (`text_like`): a short line is a source line as a whole."""
    segments, rest = _bracketed_run(paragraph, labels, kind_of)
    if not segments and text_like:
        segments, rest = _source_opening(paragraph, labels)
    return segments, rest


def _bracketed_run(paragraph: str, labels: dict[str, re.Pattern[str]],
                   kind_of: Callable[[str], str]) -> tuple[list[tuple[str, str]], str]:
    """Two or more `〔标签〕值` in a row from the start. The last value runs into the text: a code
    (the `ignored` labels' kind) is cut where the code ends, any other value at the first clause."""
    if not labels["[]"].match(paragraph):  # most paragraphs: no need to look further
        return [], paragraph
    matches: list[re.Match[str]] = []
    for match in labels["[]"].finditer(paragraph):
        if match.start() - (matches[-1].end() if matches else 0) > (SEGMENT_MAX if matches else 0):
            break
        matches.append(match)
    if len(matches) < 2:
        return [], paragraph
    segments = [(kind_of(m.group(1)), paragraph[m.end():n.start()].strip()) for m, n in zip(matches, matches[1:])]
    tail = paragraph[matches[-1].end():]
    kind = kind_of(matches[-1].group(1))
    value = CODE_RE.match(tail).group(0) if kind == "ignored" else TEXT_MARK_RE.split(tail, maxsplit=1)[0]
    if len(value) > SEGMENT_MAX:  # no clause mark for long: the value is all there is
        value = tail
    return [*segments, (kind, value.strip())], tail[len(value):].strip()


def _source_opening(paragraph: str, labels: dict[str, re.Pattern[str]]) -> tuple[list[tuple[str, str]], str]:
    """`消息来源：某某网 回望…`: a source label with a colon opening a line of text names the
    word after it."""
    match = labels["source"].match(paragraph)
    if match is None or not re.search(r"[:：︰]\s*$", paragraph[:match.start(1)]):
        return [], paragraph
    word = SOURCE_WORD_RE.match(match.group(1))
    if word is None or TEXT_MARK_RE.search(word.group(1)):
        return [], paragraph
    return [("source", word.group(1))], paragraph[match.start(1) + word.end():]
