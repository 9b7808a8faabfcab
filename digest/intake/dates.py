"""The article's date as a scored choice among the dates the page shows.

A date line under the headline is the surest; a date on a labelled line (`时间：… 来源：…`) or in
front of the headline comes next; a date on a line about uploading or downloading (`下载本文 作者：
会员上传`, an essay site's own stamp) or only in the site header above the headline is a guess,
said under `review:`. Weights are in digest/data/facts.yaml (`date`).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any


from digest.intake.clean.punctuation import HAN
from digest.intake.facts import DATE_RE, HEADER_SPAN, Extracted, facts_data, is_body_text, published_date

SIGNATURE_DATE_RE = re.compile(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")

TIME_RE = re.compile(r"\d{1,2}[:：]\d\d(?:[:：]\d\d)?")
WEEKDAY_RE = re.compile(r"星期[一二三四五六日天]|周[一二三四五六日]")


@lru_cache(maxsize=1)
def date_rules() -> dict[str, Any]:
    rules = facts_data()["date"]
    rules["upload_re"] = re.compile(rules["upload_words"])
    rules["other_label_re"] = re.compile(rules["other_label"])
    return rules


def valid_date(match: re.Match[str] | None) -> dt.date | None:
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def add_date(found: Extracted, kind: str, date: dt.date | None) -> None:
    if date is not None:
        found.dates.append((kind, date))


def take_date(found: Extracted, labels: Any = None) -> None:
    """The date line under the headline (it leaves the body); a line with a weekday is the crawl
    clock and goes, and an upload stamp is only a weak candidate."""
    for index, paragraph in enumerate(found.paragraphs[:HEADER_SPAN]):
        match = published_date(paragraph)  # `更新时间：… 发布时间：…`: the publication date
        if not match or len(paragraph) > 80 or is_body_text(paragraph):
            continue
        date = valid_date(match)
        if date is None or WEEKDAY_RE.search(paragraph):
            del found.paragraphs[index]
            return take_date(found, labels)
        add_date(found, _header_kind(paragraph, match), date)
        rest = _names_after_date(paragraph[match.end():])
        found.meta.authors += [a for a in rest if a not in found.meta.authors]
        del found.paragraphs[index]
        return
    _take_header_date(found)
    take_signature_date(found)


def _header_kind(paragraph: str, match: re.Match[str]) -> str:
    """A date line under the headline, unless it is an upload stamp or labelled as another day."""
    rules = date_rules()
    if rules["upload_re"].search(paragraph):
        return "upload"
    return "other_label" if rules["other_label_re"].search(paragraph, 0, match.start()) else "header"


def take_signature_date(found: Extracted) -> None:
    """`…联系人：李秋。` `附件：…` `校党委宣传部` `2026年3月5日`: a notice or letter signed at its end;
    the date line alone closes the text, right under the sender's short line."""
    if len(found.paragraphs) < 3:
        return
    *_, sender, last = found.paragraphs
    match = SIGNATURE_DATE_RE.fullmatch(last.strip())
    if match and len(sender) <= 20 and not is_body_text(sender):
        add_date(found, "signature", valid_date(match))


def _take_header_date(found: Extracted) -> None:
    """No date under the headline: the last one in the site header above it (more often the day
    the page was printed or crawled)."""
    dates = [valid_date(DATE_RE.search(line)) for line in found.header if len(line) <= 80]
    add_date(found, "site_header", next((date for date in reversed(dates) if date), None))


def choose_date(found: Extracted) -> None:
    """The best-weighted date (ties: the one found first); a guess, or a different date close
    behind, is said under review."""
    if not found.dates:
        return
    rules = date_rules()
    weights = rules["weights"]
    ranked = sorted(found.dates, key=lambda candidate: -weights[candidate[0]])
    kind, found.meta.date = ranked[0]
    if kind in rules["notes"]:
        found.meta.review.append(f"日期：{found.meta.date.isoformat()} {rules['notes'][kind]}，请核对")
    close = next((date for other, date in ranked[1:] if date != found.meta.date
                  and weights[other] >= weights[kind] - rules["runner_up_within"]), None)
    if close:
        found.meta.review.append(f"日期也可能是：{close.isoformat()}")


def _names_after_date(rest: str) -> list[str]:
    """`08:20张三李四` after a date: the names run together, split with jieba's name tagger."""
    rest = TIME_RE.sub(" ", rest).strip(" ：:|")
    if not rest or not re.fullmatch(f"[{HAN}·、，, ]+", rest):
        return []
    import jieba.posseg  # loaded only when a byline needs it: it reads a large dictionary

    names = [w.word for w in jieba.posseg.cut(rest) if w.flag == "nr"]
    return names if "".join(names) == re.sub(r"[、，, ]", "", rest) else []
