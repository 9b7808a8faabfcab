"""The source as a scored choice among candidates from every kind of place that names one.

A labelled `来源：` line is the surest; a journal issue line, a paper's name in front of the
date, a byline's paper or a dateline's outlet come next; a known publisher's name merely seen
in the header comes last. Weights are in digest/data/facts.yaml (`source`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any


from digest.intake.clean.punctuation import HAN
from digest.intake.facts import DATE_RE, Extracted, facts_data, header_end, looks_like_name, own_outlets

JOURNAL_RE = re.compile(rf"^《?([{HAN}A-Za-z·]{{2,20}}?)》?\s*[,，]?\s*(?:19|20)\d\d\s*年\s*(?:第\s*)?\d{{1,2}}\s*期")
OUTLET_DATE_RE = re.compile(rf"^([{HAN}]{{2,8}}(?:报|网|社|台))\s*[·•|｜/\s]\s*(?=(?:19|20)\d\d)")
BYLINE_OUTLET_RE = re.compile(rf"([{HAN}]{{2,10}}?(?:报|网|社|台))(?:[（(][^）)]*[）)])?(?:全媒体|特约|见习)?记者")
DATE_OUTLET_RE = re.compile(rf"{DATE_RE.pattern}\s*日?\s*\d{{1,2}}[:：]\d\d(?:[:：]\d\d)?\s+([{HAN}]{{2,10}}(?:-[{HAN}]{{2,10}})?)$")
OUTLET_END_RE = re.compile(r"(?:报|网|社|台)$")
REPOST_RE = re.compile(r"^(?:本文|文章)?(?:转载自|转自|转载于)\s*(?:微信公众号)?\s*[“\"《]?([^”\"》\s，。]{2,20})[”\"》]?$")


@lru_cache(maxsize=1)
def source_rules() -> dict[str, Any]:
    return facts_data()["source"]


def tidy_source(value: str) -> tuple[str | None, list[str]]:
    """`《党建研究》` -> 党建研究; `《社会主义研究》2019年第4期` -> 社会主义研究; `南方日报 顾保国`
    -> 南方日报 and the author 顾保国; `本站` -> none (the site itself)."""
    value = re.split(rf"\s*[|｜]\s*|{DATE_RE.pattern}", value.strip(" |｜:：︰"))[0]
    value = re.sub(rf"(?:\s+[{HAN}]){{2,}}\s*$", "", value).strip()  # a spaced-out label: 发 文 日 期
    journal = JOURNAL_RE.match(value)
    if journal:
        return journal.group(1), []
    value = re.sub(r"^《([^》]+)》$", r"\1", value)
    words = value.split()
    names = [w for w in words[1:] if looks_like_name(w)]
    if len(words) > 1 and len(names) == len(words) - 1:
        value = words[0]
    nobody = re.fullmatch(own_outlets(), value) or value in source_rules()["no_names"]
    return (None if nobody else value or None), names


def take_header_sources(found: Extracted, labels: Any = None) -> None:
    """Source candidates from the lines above the prose: a journal issue line and a repost's
    origin (`转载自某某网`; both leave the body), a `报名·日期` line (left for the date) and the
    paper of a `…记者` byline line."""
    kept = []
    end = header_end(found.paragraphs)
    for index, paragraph in enumerate(found.paragraphs):
        kind, value = _header_source(paragraph) if index < end else (None, None)
        if kind and value:
            found.sources.append((kind, value))
        if kind not in ("journal", "repost"):  # lines of nothing else; a date line stays for the date
            kept.append(paragraph)
    found.paragraphs = kept


def _header_source(line: str) -> tuple[str | None, str | None]:
    outlet_after = DATE_OUTLET_RE.search(line) if len(line) <= 80 else None
    if outlet_after and OUTLET_END_RE.search(outlet_after.group(4)):  # a date stamp, then the outlet
        return "outlet_date", outlet_after.group(4)
    if len(line) > 40:
        return None, None
    journal = JOURNAL_RE.match(line)
    if journal and len(line) - journal.end() < 6:
        return "journal", journal.group(1)
    outlet = OUTLET_DATE_RE.match(line)
    if outlet and DATE_RE.search(line):
        return "outlet_date", outlet.group(1)
    repost = REPOST_RE.match(line)
    if repost:
        return "repost", repost.group(1)
    byline = BYLINE_OUTLET_RE.search(line)
    if byline and not re.match(r"^(?:图|摄影?)\s*[/／:：]", line):
        return "byline", byline.group(1)
    return None, None


def choose_source(candidates: list[tuple[str, str]]) -> tuple[str | None, str | None]:
    """The best candidate's name, and a different one close behind it (for review)."""
    if not candidates:
        return None, None
    rules = source_rules()
    ranked = sorted(candidates, key=lambda c: -rules["weights"][c[0]])
    best_kind, best = ranked[0]
    close = next((name for kind, name in ranked[1:] if name != best
                  and rules["weights"][kind] >= rules["weights"][best_kind] - rules["runner_up_within"]), None)
    return best, close


URL_TAIL_RE = re.compile(r"https?://[^\s，。；;（）()<>\"']+")


def take_trailing_url(found: Extracted, labels: Any = None) -> None:
    """`…和效果。本文来源：https://…` ending the text: the address is the source URL, not text."""
    if not found.paragraphs or found.meta.source_url or "http" not in found.paragraphs[-1]:
        return
    match = re.search(rf"[（(]?{source_rules()['url_labels']}\s*[:：]\s*({URL_TAIL_RE.pattern})\s*[）)]?\s*$",
                      found.paragraphs[-1])
    if match:
        found.meta.source_url = match.group(1)
        rest = found.paragraphs[-1][:match.start()].rstrip()
        found.paragraphs[-1:] = [rest] if rest else []
