"""Metadata as candidates: every header line may be the title; score them all, take the best.

A scraped page's header holds navigation, banners, breadcrumbs, column names, dates and bylines
around the headline. Taking the first title-like line picks the breadcrumb or the site banner;
instead each line above the first run of prose is scored from where it stands (how close to the
prose, what follows it) and how it looks (length, separators, labels, list bullets, digits), with
weights kept as data in digest/data/facts.yaml. A weak winner, or a close runner-up, is said under
`review:` so the curator checks it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from digest.intake.clean.punctuation import HAN
from digest.schema import FrontMatter

CLOSERS = "”’」』）)】》"
TITLE_MAX = 64
DOCUMENT_LINE_MAX = 30  # one line of an official title set on several
BANNER_MAX = 24  # a line ending in ！ this short, without a clause mark, is a banner or a headline
DATA = Path(__file__).parent.parent / "data"

DATE_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?(?!\d)")
YEAR_RE = re.compile(r"(?:19|20)\d\d")
NAME_RE = re.compile(rf"^[{HAN}·]{{2,4}}$")
LEADING_DATE_RE = re.compile(rf"^(?:【[\d.\-/年月 ]+】|[\[【(（]?\s*{DATE_RE.pattern}[\]】)）]?)\s*(?:\d{{1,2}}[:：]\d\d(?:[:：]\d\d)?)?\s*")
TITLE_LABEL_RE = re.compile(r"^(?:[^，。]{0,30}?电\s*)?(?:标\s*题|题\s*目|名\s*称|题)\s*[:：︰]\s*")
# a government catalogue's spaced labels, no colon: `名 称 关于…的通知文 号 某政发〔2019〕29号 上 载 日 期 …`
SPACED_TITLE_LABEL_RE = re.compile(r"^(?:标 题|题 目|名 称)\s+")
SPACED_LABEL_RE = re.compile(rf"[{HAN}](?: [{HAN}]){{1,3}}\s")
PART_SEPARATOR_RE = re.compile(r"\s*[|｜丨]\s*|\s*_\s*|(?<=[^\d\s])\s*-\s*(?=[^\d\s])|\s+-\s+")
TRAILING_BRACKET_RE = re.compile(r"\s*[（(\[]([^（）()\[\]]{1,8})[）)\]]$")
FOOTNOTE_TAIL_RE = re.compile(r"\s*[*＊]\s*(?:[\s—-]*.*)?$")
LEADING_NUMBER_RE = re.compile(r"^[一二三四五六七八九十]+[、．.]\s*")
BAR_RE = re.compile(r"\s*[|｜丨]\s*")
COLUMN_RE = re.compile(rf"^(?:【([^】\d]{{2,16}})】\s*(.+)|(.+?)\s*【([^】\d]{{2,16}})】)$")
AFFILIATION_RE = re.compile(r"(?:大学|学院|党校|研究[院所]|中心|委员会|公司|医院|学校|\d{6})$")
AFFILIATION_BRACKETED_RE = re.compile(r"(?:大学|学院|学部|党校|研究[院所]|中心|委员会|公司|医院|学校|办公室|[院所系处局厅部]|\d{6})$")
ENCLOSED_RE = re.compile(r"^[（(][^（）()]*[）)]$")
NAME_MARK_RE = re.compile(r"^[■□◎●▲◆★☆]\s*")
AUTHOR_MARK_RE = re.compile(r"(?<=[^\s*＊])[*＊]+(?=[\s,，;；、]|$)")  # `王 力*`: the corresponding author
TRAILING_AFFILIATION_RE = re.compile(r"\s*[（(][^（）()]+[）)]$")
ROLE_NAMES_RE = re.compile(rf"(?:记者|通讯员|撰稿人)\s*((?:[{HAN}·]\s?){{2,5}}(?:[、，,\s]+(?:[{HAN}·]\s?){{2,5}}){{0,5}})\s*$")
SPLIT_SINGLE_RE = re.compile(rf"(?<![{HAN}])([{HAN}]) ([{HAN}])(?![{HAN}])")


@dataclass
class Extracted:
    """The front-matter found, and the body paragraphs and references left once it is out."""

    meta: FrontMatter = field(default_factory=lambda: FrontMatter(title=""))
    paragraphs: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)  # the title line and the site header above it
    sources: list[tuple[str, str]] = field(default_factory=list)  # (kind of place, name) candidates
    dates: list[tuple[str, dt.date]] = field(default_factory=list)  # (kind of line, date) candidates
    listed_tags: list[str] = field(default_factory=list)  # tags as a `关键词：` line lists them


@dataclass
class Candidate:
    """One header line as a possible title: its tidied text, where it stood, what it scored."""

    text: str
    index: int
    score: float = 0.0
    span: int = 1  # lines the headline takes: an official title may be set on two or three
    features: list[str] = field(default_factory=list)


@dataclass
class TitleChoice:
    best: Candidate
    runner_up: Candidate | None
    weak: bool

HEADER_SPAN = 6  # metadata above the body lives in the first few paragraphs

@lru_cache(maxsize=1)
def facts_data() -> dict[str, Any]:
    """digest/data/facts.yaml, read once in a process: each kind of fact takes its section."""
    return yaml.safe_load((DATA / "facts.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def own_outlets() -> str:
    """`本报|本刊|…`: the words by which a page names its own outlet (`本报讯`, `本报记者`), as one
    regex alternative (facts.yaml, `bylines.self_outlets`); such a word names no source."""
    return "|".join(map(re.escape, facts_data()["bylines"]["self_outlets"]))


@lru_cache(maxsize=1)
def title_rules() -> dict[str, Any]:
    rules = facts_data()["title"]
    rules["compiled"] = {name: re.compile(pattern) for name, pattern in rules["patterns"].items()}
    rules["keep_bracket"] = re.compile(rules["trailing_bracket_keep"])
    rules["tails_re"] = re.compile(rules["title_tails"], re.IGNORECASE)
    rules["published_re"] = re.compile(rf"(?:{rules['published_labels']})\s*[:：︰]?\s*{DATE_RE.pattern}")
    return rules


def published_date(line: str) -> re.Match[str] | None:
    """The date on a header line: the one labelled as the publication date (`成文日期：… 发布日期：…`)
    when there are several, else the first."""
    if not YEAR_RE.search(line):
        return None
    labelled = title_rules()["published_re"].search(line)
    return DATE_RE.search(line, labelled.start()) if labelled else DATE_RE.search(line)


def is_body_text(paragraph: str) -> bool:
    return len(paragraph) > TITLE_MAX or paragraph.rstrip(CLOSERS).endswith(tuple("。！？"))


def looks_like_title(paragraph: str) -> bool:
    text = paragraph.strip()
    return (4 <= len(text) <= TITLE_MAX and "\n" not in text and re.search(f"[{HAN}]", text) is not None
            and not text.endswith(("。", "；", "，", "：")) and not DATE_RE.search(text)
            and not NAME_RE.match(text))


def names_line(paragraph: str) -> bool:
    """`李海燕`, `薛二勇 李健`, `郭润夏，丁 昕`, `◎张伟`, `张伟（某某大学）`: a line of names only,
    perhaps behind a mark and before the authors' affiliation in brackets."""
    if len(paragraph) > 80:  # six names and an affiliation at most: no need to split a paragraph
        return False
    names = [n for n in re.split(r"[;；,，、\s]+", bare_names(paragraph)) if n]
    return 0 < len(names) <= 6 and all(looks_like_name(name) for name in names)


def role_names_line(paragraph: str) -> bool:
    """`四川农村日报全媒体记者 周颖昳 洪瑜`, `本报记者 张三`: a reporter's role word, then names only."""
    match = ROLE_NAMES_RE.search(paragraph)
    names = [n for n in re.split(r"[、，,\s]+", join_split_names(match.group(1))) if n] if match else []
    common = sum(looks_like_name(name) for name in names)  # the role word vouches for a rarer surname
    return bool(names) and len(paragraph) <= 60 and all(NAME_RE.match(n) for n in names) and common * 2 >= len(names)


def bare_names(paragraph: str) -> str:
    """The names of a names line, without the mark in front and the affiliation after them."""
    text = join_split_names(AUTHOR_MARK_RE.sub("", NAME_MARK_RE.sub("", paragraph)))
    bracket = TRAILING_AFFILIATION_RE.search(text)
    return text[:bracket.start()] if bracket and affiliation_line(bracket.group(0)) else text


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    text = (DATA / "surnames.txt").read_text(encoding="utf-8")
    return frozenset(word for line in text.splitlines() if not line.startswith("#") for word in line.split())


def looks_like_name(text: str) -> bool:
    """`谢佳祥` yes, `试行` no: 2-4 Han characters starting with a common surname; four only behind a
    compound one (`欧阳明辉`), as `权威论坛` or `党务公开` are menu words, not names."""
    if NAME_RE.match(text) is None:
        return False
    return text[:2] in surnames() if len(text) == 4 else (text[:1] in surnames() or text[:2] in surnames())


def join_split_names(text: str) -> str:
    """`丁 昕` -> `丁昕`: two-character names are often spaced out to line up with longer ones."""
    return SPLIT_SINGLE_RE.sub(r"\1\2", text.strip())


def affiliation_line(paragraph: str) -> bool:
    """`中共某市委党校`, `（上海大学马克思主义学院 上海 200444）`: where the authors work."""
    text = paragraph.strip()
    bracketed = ENCLOSED_RE.match(text)
    suffix = AFFILIATION_BRACKETED_RE if bracketed else AFFILIATION_RE
    return len(text) <= 60 and suffix.search(text.strip("（）()")) is not None


def is_meta_line(paragraph: str) -> bool:
    """Lines that sit between a headline and its text: dates, bylines (`■ 本报记者 张三`), affiliations,
    a journal issue, a repost's origin (`转载自某某网`), a photo caption."""
    patterns = title_rules()["compiled"]
    return ((DATE_RE.search(paragraph) is not None and len(paragraph) <= 80 and not is_body_text(paragraph))
            or names_line(paragraph) or affiliation_line(paragraph)
            or (len(paragraph) <= 40 and _matches_meta_form(NAME_MARK_RE.sub("", paragraph), patterns)))


def _matches_meta_form(line: str, patterns: dict[str, re.Pattern[str]]) -> bool:
    return any(patterns[kind].search(line) is not None for kind in ("byline", "issue", "repost", "caption"))


def is_prose(paragraph: str) -> bool:
    """A sentence, or a long line with clause marks: a long row of menu words is not prose, nor
    is a headline asking a question."""
    text = paragraph.rstrip(CLOSERS)
    if text.endswith("！") and len(text) <= BANNER_MAX and not re.search("[，。；]", text):
        return False  # `通知：某某网正式更名为某某在线！`: a site banner, not a sentence of the article
    return (text.endswith(("。", "！", "…")) or (text.endswith("？") and (len(text) > 40 or "。" in text))
            or (len(text) > TITLE_MAX and len(re.findall("[，。；：]", text)) >= 2))


def header_end(paragraphs: list[str]) -> int:
    """Index of the first prose paragraph: the header is what stands above it."""
    limit = title_rules()["header_lines"]
    return next((i for i, p in enumerate(paragraphs[:limit]) if is_prose(p)), min(len(paragraphs), limit))


def title_candidates(paragraphs: list[str]) -> list[Candidate]:
    """Every title-like header line, scored; best first (ties: the earlier line)."""
    end = header_end(paragraphs)
    meta = [is_meta_line(p) for p in paragraphs[:end]]
    rules = title_rules()
    found = []
    for index in range(end):
        text = candidate_text(paragraphs[index])
        if looks_like_title(text) and not names_line(text) and not affiliation_line(text) and not role_names_line(text) \
                and not rules["compiled"]["subtitle"].match(text):  # `——播下一种信念`: a subtitle, never the headline
            found.append(score_title(Candidate(text, index), paragraphs, meta))
    found += [score_title(c, paragraphs, meta) for c in split_document_titles(paragraphs[:end], meta)]
    return sorted(found, key=lambda c: (-c.score, c.index))


def split_document_titles(header: list[str], meta: list[bool]) -> list[Candidate]:
    """`某某办公室` / `关于规范某某平台` / `有关事项的通知`: an official title set on two or three short
    lines, none a title of its own kind, is a candidate as one line."""
    document = title_rules()["compiled"]["document"]
    found = []
    for start in range(len(header)):
        for span in (2, 3):
            lines = header[start:start + span]
            if len(lines) < span or any(meta[start:start + span]) or any(
                    len(line) > DOCUMENT_LINE_MAX or not looks_like_title(line) or document.search(line) for line in lines):
                continue
            joined = "".join(line.strip() for line in lines)
            if document.search(joined):
                found.append(Candidate(joined, start, span=span))
    return found


def candidate_text(paragraph: str) -> str:
    """`2025.03.04 标题`, `标题：标题`: the date or label in front is not part of the headline."""
    spaced = SPACED_TITLE_LABEL_RE.match(paragraph.strip())
    if spaced:  # the title runs to the next spaced label
        return SPACED_LABEL_RE.split(paragraph.strip()[spaced.end():], maxsplit=1)[0].strip()
    text = TITLE_LABEL_RE.sub("", paragraph.strip())
    rest = LEADING_DATE_RE.sub("", text)
    return rest if len(rest) >= 6 else text


def score_title(candidate: Candidate, paragraphs: list[str], meta: list[bool]) -> Candidate:
    """Add the weight of every feature the line shows (facts.yaml, `title.weights`); `meta` says
    which lines above the first prose are dates, bylines or affiliations."""
    rules = title_rules()
    weights = rules["weights"]
    end = len(meta)
    candidate.features = _form_features(_without_site_name(candidate.text), rules["compiled"]) + \
        _position_features(candidate, paragraphs, meta)
    if TITLE_LABEL_RE.match(paragraphs[candidate.index]) or SPACED_TITLE_LABEL_RE.match(paragraphs[candidate.index]):
        candidate.features.append("labelled")
    between = meta[candidate.index + candidate.span:end].count(False)
    candidate.score = sum(weights[name] for name in candidate.features) + weights["distance"] * between
    return candidate


def _form_features(text: str, patterns: dict[str, re.Pattern[str]]) -> list[str]:
    han = len(re.findall(f"[{HAN}]", text))
    features = [name for name, pattern in patterns.items() if pattern.search(text)]
    features.append("fair_length" if 6 <= len(text) <= 50 else "long" if len(text) > 50 else "short")
    if han < 5 and "short" not in features:
        features.append("short")
    if len(re.findall(r"\d", text)) > max(3, len(text) // 4):
        features.append("digits")
    if len(PART_SEPARATOR_RE.split(text)) >= 3:
        features.append("separators")
    words = text.split()
    if len(words) >= 3 and sum(len(w) <= 4 for w in words) * 3 >= len(words) * 2:
        features.append("nav_tokens")
    return features


def _without_site_name(text: str) -> str:
    """`标题_某某新闻网`, `标题 - 某某网`: the form is the headline's, not the site name's. Only a
    line of two parts is cut: a row of three or more is a menu, and scores as one."""
    return tidy_title(text)[0] if len(PART_SEPARATOR_RE.split(text)) == 2 else text


def _position_features(candidate: Candidate, paragraphs: list[str], meta: list[bool]) -> list[str]:
    end = len(meta)
    after = candidate.index + candidate.span
    features = ["meta_next"] if after < end and meta[after] else []
    while after < end and meta[after]:
        after += 1
    if after < len(paragraphs) and after == end:
        features.append("prose_next")
    core = tidy_title(candidate.text)[0]
    if len(core) >= 6 and any(core in paragraphs[i] for i in range(min(len(paragraphs), end + 2))
                              if not candidate.index <= i < candidate.index + candidate.span):
        features.append("repeated")
    return features


def flattened_title(paragraph: str) -> str | None:
    """A headline run into its first paragraph (`标题 标题 为进一步…`, `…的讲话同志们：`,
    `标题 情系同乐 11月初，…`): the words before the last space of the first clause, once, or
    what stands before the speaker's address."""
    clause = re.split("[，。；：！？]", paragraph, maxsplit=1)[0]
    address = re.match(rf"^(.{{6,40}}?)(?:{title_rules()['addresses']})", clause)
    words = clause.split()
    if address:
        title = address.group(1)
    elif 2 <= len(words) <= 4 and len(clause) <= 48:
        title = " ".join(words[:1] if len(words) == 3 and words[0] == words[1] else words[:-1])
    else:
        return None
    # a dateline, a byline in brackets or a greeting opens a lede or a speech, not a headline
    text_like = re.search(rf"[（(【\[\d、，]|{title_rules()['addresses']}", title)
    return title if _han_count(title) >= 4 and not text_like else None


def choose_title(paragraphs: list[str]) -> TitleChoice | None:
    """The best header line as title, a different close runner-up, and whether it is a guess."""
    candidates = title_candidates(paragraphs)
    if not candidates:
        return None
    rules = title_rules()
    best = candidates[0]
    core = tidy_title(best.text)[0]
    runner_up = next((c for c in candidates[1:] if tidy_title(c.text)[0] != core
                      and c.score >= best.score - rules["runner_up_within"]), None)
    return TitleChoice(best, runner_up, best.score < rules["weak_below"])


def tidy_title(text: str) -> tuple[str, str | None]:
    """The headline without site suffix, footnote mark and trailing count or column bracket;
    and the column named on its left (`人民论坛网评 | …`), which becomes a tag."""
    text = FOOTNOTE_TAIL_RE.sub("", text) or text
    text = re.sub(r"^【([^【】]{6,})】$|^《([^《》]{6,})》$", r"\1\2", text)  # the whole headline in brackets
    text = title_rules()["tails_re"].sub("", text) or text
    text, column = _main_part(text)
    match = TRAILING_BRACKET_RE.search(text)
    if match and not title_rules()["keep_bracket"].match(match.group(1).strip()) and match.start() >= 4:
        text = text[:match.start()]
    if column is None and LEADING_NUMBER_RE.match(text) and len(text) > 8:
        text = LEADING_NUMBER_RE.sub("", text)
    return text.strip(), column


def _main_part(text: str) -> tuple[str, str | None]:
    """`栏目 | 标题 | 站名`, `标题_新华网`, `标题-人民网`, `【栏目】标题`: the title and its column.

    A short part left of a bar, followed by a longer one, is the column; of the rest, the part
    with the most Han characters is the headline and the others are site names."""
    bracketed = COLUMN_RE.match(text)
    if bracketed:
        return (bracketed.group(2), bracketed.group(1)) if bracketed.group(1) else (bracketed.group(3), bracketed.group(4))
    parts = [p for p in PART_SEPARATOR_RE.split(text) if p]
    if len(parts) < 2:
        return text, None
    column = None
    bar = BAR_RE.search(text)
    if bar and len(text[:bar.start()]) <= 8 and len(parts[1]) > len(parts[0]) and text[:bar.start()] == parts[0]:
        column, parts = parts[0], parts[1:]
    best = max(parts, key=lambda part: (_han_count(part), -parts.index(part)))
    return (best, column) if _han_count(best) >= 4 else (text, None)


def _han_count(text: str) -> int:
    return len(re.findall(f"[{HAN}]", text))
