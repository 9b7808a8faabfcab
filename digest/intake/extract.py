"""Metadata from cleaned text: title, date, authors, editor, source, tags, summary, DOI.

Works on the output of `clean_text` (target script, paragraphs separated by blank lines).
Each `take_*` function looks at the paragraphs, returns what it found and the paragraphs
without the lines it consumed, so the body keeps only the article itself. Titles, bylines and
sources are chosen among scored candidates in facts.py, bylines.py and sources.py.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from digest.intake.bylines import (LEDE_OUTLET_RE, byline_rules, has_role, is_role, take_forum_poster, take_other_bylines,
                                   without_dateline)
from digest.intake.clean.punctuation import HAN, SENTENCE_END, SENTENCE_END_RE
from digest.intake.facts import (CLOSERS, DATE_RE, HEADER_SPAN, TITLE_MAX, Extracted,
                                 affiliation_line, bare_names, candidate_text, choose_title, flattened_title, header_end,
                                 is_body_text, is_meta_line, join_split_names, role_names_line, looks_like_name, names_line, own_outlets, published_date,
                                 tidy_title)
from digest.intake.dates import WEEKDAY_RE, add_date, choose_date, take_date, valid_date
from digest.intake.flattened import leading_labels
from digest.intake.sources import (BYLINE_OUTLET_RE, choose_source, take_header_sources, take_trailing_url,
                                   tidy_source)
from digest.intake.tags import split_run_together_tags

SUMMARY_MAX = 120
LABEL_KINDS = ("abstract", "tags", "editor", "author", "source", "ignored")  # tried in this order

DOI_RE = re.compile(r"(?i)\bdoi\s*[:：]?\s*(10\.\d{4,9}/[^\s，。；;]+)")
LIST_BULLET_RE = re.compile(r"^[•●◆▪■]\s*")
DAY_CLAUSE_RE = re.compile(r"^(?:(?:19|20)\d\d年)?\d{1,2}月\d{1,2}日(?:[上下]午|晚上?)?[，,]\s*")
POSITION_RE = re.compile(rf"[{HAN}]{{3,}}(?:大学|学院|学校|党校|研究[院所]|中心|教授|研究员|讲师|博士|书记|主任)$")
COUNTER_PAIR_RE = re.compile(rf"[{HAN}]{{2,4}}\s*[:：]\s*\d+(?![\d\-/.年月:：])")  # `阅读：149`, not `时间：2019-05-12`
AUTHOR_NOTE_RE = re.compile(rf"^([{HAN}]{{2,4}}?)(?:博士|教授|副教授|研究员|副研究员|讲师|硕士)?\s*[，,（(]")
# `苏凝 《 讽刺与幽默 》（ 2021年12月10日 第 02 版）`: a paper's page trailer under the text
PAGE_TRAILER_RE = re.compile(rf"^(?P<names>[{HAN}·、\s]{{2,20}}?)\s*《\s*(?P<paper>[^《》]{{2,20}}?)\s*》\s*[（(]\s*"
                             rf"(?P<date>{DATE_RE.pattern})\s*第\s*\d+\s*版\s*[）)]$")
URL_RE = re.compile(r"https?://[^\s，。；;（）()<>\"']+")
TRAILING_NAME_RE = re.compile(rf"[{SENTENCE_END}{CLOSERS}]\s*[（(]([{HAN}·]{{2,4}}(?:[ 、，,][{HAN}·]{{2,4}})*)[）)]\s*$")


def extract(text: str, rules: dict[str, Any]) -> Extracted:
    """Split cleaned text into metadata and body paragraphs."""
    found = Extracted(paragraphs=[p for p in text.split("\n\n") if p.strip()])
    labels = _label_patterns(tuple((kind, tuple(words)) for kind, words in rules["labels"].items()))
    for step in (take_references, take_labelled_lines, take_doi, take_page_trailer, take_title, take_header_sources,
                 take_byline, take_forum_poster, take_date, take_trailing_url, take_trailing_authors, take_other_bylines):
        step(found, labels)
    take_source(found, rules)
    choose_date(found)
    split_run_together_tags(found)
    take_vocabulary_tags(found, rules["tag_vocabulary"])
    take_summary(found)
    note_truncation(found)
    return found


@lru_cache(maxsize=8)
def _label_patterns(labels: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, re.Pattern[str]]:
    """`作者：张三`, `[关键词] a；b`, `【责任编辑：李四】`, `文/张三` -> one regex per kind of label.

    The label must be followed by a colon or slash, closed by a bracket, or (two characters
    or more) followed by a space: `文化建设是重点。` is not a byline. The key `*` holds one
    regex finding any label with a colon, to split lines carrying several.
    """
    patterns = {kind: re.compile(
        rf"^(?:[\[【]\s*(?:{_alternatives(words)})\s*[\]】]\s*[:：︰]?"
        rf"|[\[【（(]?\s*(?:{_alternatives(words)})\s*[:：︰/|｜]"
        rf"|(?:{_alternatives([w for w in words if len(w) > 1])})\s+(?=\S))\s*(.*?)\s*[\]】）)]?$",
        re.IGNORECASE) for kind, words in labels}
    every = [word for _, words in labels for word in words]
    # a label follows a non-Han character, or a clock's last unit (`11时20分来源：`)
    patterns["*"] = re.compile(rf"(?:(?<![{HAN}])|(?<=\d[日时分秒]))({_alternatives(every)})\s*[:：︰]", re.IGNORECASE)
    patterns["[]"] = re.compile(rf"[\[【〔]\s*({_alternatives(every)})\s*[\]】〕]\s*[:：︰]?", re.IGNORECASE)
    return patterns


def _alternatives(words: tuple[str, ...] | list[str]) -> str:
    """Longest first; a Han label may be spaced out (`作 者`)."""
    ordered = sorted(words, key=lambda w: (-len(w), w))
    return "|".join(r"\s*".join(map(re.escape, w)) if re.fullmatch(f"[{HAN}]+", w) else re.escape(w)
                    for w in ordered) or "(?!)"


def take_labelled_lines(found: Extracted, labels: dict[str, re.Pattern[str]]) -> None:
    """Consume `作者：`, `责任编辑：`, `标签：`, `摘要` and `来源：` lines wherever they stand."""
    kept = []
    for paragraph in found.paragraphs:
        segments, rest = leading_labels(paragraph, labels, lambda word: _kind_of(word, labels),
                                        len(paragraph) > 80 or SENTENCE_END_RE.search(paragraph) is not None)
        segments = segments or _labelled(paragraph, labels)
        if not segments or rest != paragraph:
            kept += [rest] if rest else []
        for kind, value in segments:
            if value:
                _store_label(found, kind, value)
    found.paragraphs = kept


def _labelled(paragraph: str, labels: dict[str, re.Pattern[str]]) -> list[tuple[str, str]]:
    """The (kind, value) pairs of a metadata line; none for article text. A sentence or a
    long line is metadata only as an abstract (`摘要：…。`), so only that label is tried there."""
    paragraph = LIST_BULLET_RE.sub("", paragraph)  # `• 来源：党群工作部`
    is_sentence = SENTENCE_END_RE.search(paragraph) is not None
    several = [] if is_sentence else _several_labels(paragraph, labels)
    if several:
        return several
    note = labels["author"].match(paragraph) if is_sentence or len(paragraph) > 80 else None
    name = AUTHOR_NOTE_RE.match(note.group(1)) if note else None
    if name and looks_like_name(name.group(1)):  # `作者：张三博士，某某大学教授，…`: an author note
        return [("author", name.group(1))]
    kinds = LABEL_KINDS if len(paragraph) <= 80 and not is_sentence else LABEL_KINDS[:1]
    for kind in kinds:
        match = labels[kind].match(paragraph)
        if match:
            return [(kind, match.group(1).strip())]
    return []


def _several_labels(paragraph: str, labels: dict[str, re.Pattern[str]]) -> list[tuple[str, str]]:
    """`2023-03-15 来源：新华网 作者：张三`: each label's value runs to the next label or date."""
    if len(paragraph) > 100:
        return []
    matches = list(labels["*"].finditer(paragraph))
    date = published_date(paragraph)
    if len(matches) + (date is not None) + len(COUNTER_PAIR_RE.findall(paragraph)) < 2:
        return []
    segments = [("date", date.group(0))] if date and not WEEKDAY_RE.search(paragraph) else []
    for match, following in zip(matches, [*matches[1:], None]):
        value = paragraph[match.end():following.start() if following else len(paragraph)]
        value = re.split(rf"{DATE_RE.pattern}|[^\s【】\[\]]+[:：︰]", value)[0].strip(" |｜/·　【】[]")
        segments.append((_kind_of(match.group(1), labels), value))
    return segments


def _kind_of(word: str, labels: dict[str, re.Pattern[str]]) -> str:
    return next(kind for kind in labels if kind not in ("*", "[]") and labels[kind].match(word + "："))


def _store_label(found: Extracted, kind: str, value: str) -> None:
    """Keep a labelled value; `ignored` labels (中图分类号 …) are consumed and kept nowhere."""
    if kind == "date":
        add_date(found, "labelled", valid_date(DATE_RE.search(value)))
    elif kind == "abstract":
        found.meta.summary = found.meta.summary or value
    elif kind == "tags":
        found.listed_tags += split_list(value)
        found.meta.tags += [t for t in split_list(value) if t not in found.meta.tags]
    elif kind == "editor":
        found.meta.editor = found.meta.editor or "、".join(split_list(value))
    elif kind == "author":
        found.meta.authors += [a for a in split_names(value) if a not in found.meta.authors]
        paper = BYLINE_OUTLET_RE.search(value)
        found.sources += [("byline", paper.group(1))] if paper else []
    elif kind == "source":
        add_date(found, "labelled", valid_date(DATE_RE.search(value)))
        url = URL_RE.search(value)
        if url:
            found.meta.source_url = found.meta.source_url or url.group(0)
            value = URL_RE.sub("", value).strip(" ：:")
        source, names = tidy_source(value)
        found.sources += [("label", source)] if source else []
        found.meta.authors += [a for a in names if a not in found.meta.authors]


def split_list(value: str) -> list[str]:
    """`党建示范基地； 作用；创新` -> ['党建示范基地', '作用', '创新']."""
    return [item for item in re.split(r"[;；,，、/／|｜\s]+", value) if item]


def split_names(value: str) -> list[str]:
    """`张三 李四`, `张三、李四` -> names; labels like `本报记者`, and a position after a name
    (`张三，某某大学教授`), are dropped."""
    value = re.sub(rf"^(?:{own_outlets()}|新华社)?(?:特约)?(?:记者|通讯员|特约撰稿人)\s*", "", join_split_names(value))
    value = re.sub(r"\s*等人?$", "", value)  # `张三、李四等`: "and others"
    value = re.sub(r"[（(][^（）()]*(?:[）)]|$)", " ", value)  # `张三（作者单位：某某大学）`
    return [name for name in split_list(value) if len(name) <= 20 and not has_role(name) and not is_role(name)
            and not POSITION_RE.search(name) and name not in byline_rules()["no_names"]
            and not name.endswith(tuple(byline_rules()["no_name_endings"]))]


def take_references(found: Extracted, labels: dict[str, re.Pattern[str]]) -> None:
    """Everything after a `参考文献` heading is the reference list."""
    for index, paragraph in enumerate(found.paragraphs):
        match = labels["references"].match(paragraph)
        if match and not match.group(1):
            found.references = found.paragraphs[index + 1:]
            found.paragraphs = found.paragraphs[:index]
            return


def take_doi(found: Extracted, labels: dict[str, re.Pattern[str]]) -> None:
    """`DOI:10.12238/er.v3i10.3312` in the header: kept as `doi`, the line dropped."""
    for index, paragraph in enumerate(found.paragraphs[:HEADER_SPAN + 2]):
        match = DOI_RE.search(paragraph)
        if match:
            found.meta.doi = match.group(1).rstrip(".")
            if len(DOI_RE.sub("", paragraph).strip()) < 4:
                del found.paragraphs[index]
            return


def take_title(found: Extracted, labels: dict[str, re.Pattern[str]]) -> None:
    """The best-scored header line (facts.py). The site header above it goes, and so do its
    repeats in the header unless they carry the date."""
    choice = choose_title(found.paragraphs)
    if choice is None:
        take_flattened_title(found)
        found.meta.review.append("标题：原文没有标题行，已用首句推测，请核对")
        return
    title = found.meta.title = tidy_title(choice.best.text)[0]
    add_date(found, "title_line", valid_date(DATE_RE.match(found.paragraphs[choice.best.index].strip())))
    end = header_end(found.paragraphs)
    best = choice.best
    gone = {i for i, p in enumerate(found.paragraphs[:end + 2]) if best.index <= i < best.index + best.span
            or (i < choice.best.index and _site_header_line(p, choice.weak))
            or (_repeats_title(p, title) and not DATE_RE.search(p))}
    for column in (tidy_title(candidate_text(found.paragraphs[i]))[1] for i in sorted(gone)):
        if column and column not in found.meta.tags:
            found.meta.tags.insert(0, column)
    found.header = [p for i, p in enumerate(found.paragraphs) if i in gone]
    found.paragraphs = [_without_title_repeats(p, title) if i <= end else p
                        for i, p in enumerate(found.paragraphs) if i not in gone]
    if choice.weak:
        found.meta.review.append(f"标题：原文标题不明确，已推测为“{title}”，请核对")
    if choice.runner_up:
        found.meta.review.append(f"标题也可能是：“{tidy_title(choice.runner_up.text)[0]}”")


def _site_header_line(paragraph: str, weak: bool) -> bool:
    """A line above the headline that may go: not a byline, and nothing that reads as text (a
    longer line with clause marks stays, whatever it is). Above a guessed headline only short
    lines (menu words, banners) go, so a wrong guess never takes a passage of text with it."""
    if names_line(paragraph) or (len(paragraph) > 30 and re.search("[，。；]", paragraph)):
        return False
    return not weak or len(paragraph) <= 12


def _without_title_repeats(paragraph: str, title: str) -> str:
    """`标题标题大众网记者 某某 某地报道5月22日，…`: the headline flattened (once or more) in front
    of the byline or lede goes; a short headline may open a sentence, so it stays."""
    if len(title) < 8 or not paragraph.startswith(title):
        return paragraph
    return re.sub(rf"^(?:{re.escape(title)}\s*)+", "", paragraph) or paragraph


def _repeats_title(paragraph: str, title: str) -> bool:
    """The headline again, perhaps without the column around it (`【基层一线】X`, then `X`)."""
    if len(paragraph) > 2 * len(title) + 24:  # a body paragraph: no need to tidy it
        return False
    text = tidy_title(candidate_text(paragraph))[0]
    return len(text) >= 4 and (text == title or (text in title and len(text) * 2 > len(title)))


def take_flattened_title(found: Extracted) -> None:
    """No header line: a headline run into the first paragraph is split off, else the first
    clause stands in."""
    # a dateline (`中国网/中国发展门户网讯 …`) opens a lede, not a headline run into it
    opens_lede = bool(found.paragraphs) and LEDE_OUTLET_RE.match(found.paragraphs[0]) is not None
    flat = flattened_title(found.paragraphs[0]) if found.paragraphs and not opens_lede else None
    if flat is None:
        found.meta.title = guess_title(found.paragraphs)
        return
    found.meta.title = flat
    rest = re.sub(rf"^(?:{re.escape(flat)}\s*)+", "", found.paragraphs[0])
    found.paragraphs[0:1] = [rest] if rest else []


def guess_title(paragraphs: list[str]) -> str:
    """The first sentence, cut at a clause boundary so it stays short; a dateline or a day in front
    (`6月18日，…`) is no part of it, and a reporter's byline line above it is no sentence of it."""
    paragraphs = [p for p in paragraphs if not role_names_line(p)] or paragraphs
    first = without_dateline(paragraphs[0]) if paragraphs else "无题"
    first = DAY_CLAUSE_RE.sub("", first) or first
    sentence = SENTENCE_END_RE.split(first, maxsplit=1)[0]
    while len(sentence) > TITLE_MAX // 2 and re.search("[，；：]", sentence):
        sentence = re.split("[，；：]", sentence)[:-1]
        sentence = "，".join(sentence)
    return sentence[:TITLE_MAX] or "无题"


def take_byline(found: Extracted, labels: dict[str, re.Pattern[str]]) -> None:
    """Short name lines under the title (`李海燕`), perhaps below its date and journal lines
    (`2023-12-01` then `耿方雨，李 彬，汤圆圆`), and an affiliation line after them."""
    index = next((i for i, p in enumerate(found.paragraphs[:HEADER_SPAN]) if not is_meta_line(p) or names_line(p)), None)
    while index is not None and index < len(found.paragraphs) and not found.meta.authors \
            and names_line(found.paragraphs[index]):
        found.meta.authors = split_names(bare_names(found.paragraphs.pop(index)))
        if index < len(found.paragraphs) and affiliation_line(found.paragraphs[index]):
            found.paragraphs.pop(index)


def take_page_trailer(found: Extracted, labels: dict[str, re.Pattern[str]]) -> None:
    """`苏凝 《 讽刺与幽默 》（ 2021年12月10日 第 02 版）` closing a newspaper's page: the author,
    the paper as source and its date; the line leaves the body."""
    for index in range(len(found.paragraphs) - 1, max(len(found.paragraphs) - 3, -1), -1):
        match = PAGE_TRAILER_RE.match(found.paragraphs[index].strip())
        if match:
            found.meta.authors += [a for a in split_names(match.group("names")) if a not in found.meta.authors]
            found.sources.append(("outlet_date", match.group("paper").strip()))
            add_date(found, "labelled", valid_date(DATE_RE.search(match.group("date"))))
            del found.paragraphs[index]
            return


def take_trailing_authors(found: Extracted, labels: dict[str, re.Pattern[str]]) -> None:
    """`…发挥好。（作者：郭素娇）` or `…激发创争活力。（谢佳祥）` ending the last paragraph."""
    if not found.paragraphs:
        return
    last = found.paragraphs[-1]
    labelled = re.search(r"[（(]\s*(?:作者|文|记者|通讯员)\s*[：:/]\s*([^（）()]{2,40})[）)]\s*$", last)
    match = labelled or TRAILING_NAME_RE.search(last)
    if not match:
        return
    names = split_names(match.group(1))
    if not labelled:
        text = "\n".join([*found.paragraphs[:-1], last[:match.start()]])
        if not all(looks_like_name(name) and name not in text for name in names):
            return  # an unlabelled name the text itself uses is what it is about (`常图党支部…（常图）`)
    found.meta.authors += [a for a in names if a not in found.meta.authors]
    body = last[: match.start(1)].rstrip()
    body = re.sub(r"[（(]\s*(?:(?:作者|文|记者|通讯员)\s*[：:/]\s*)?$", "", body).rstrip()
    found.paragraphs[-1:] = [body] if body else []


def take_source(found: Extracted, rules: dict[str, Any]) -> None:
    """The best-weighted source candidate (sources.py): labelled lines, journal and paper lines,
    bylines and datelines, then a known publisher's name in the header or last lines, the DOI."""
    candidates = list(found.sources)
    haystack = "\n".join([found.meta.title, *found.header[-1:], *found.meta.tags, *found.paragraphs[:1],
                          *found.paragraphs[-2:]])
    known = sorted(rules["source_names"].items(), key=lambda item: (-len(item[0]), item[0]))
    candidates += next(([("known_name", source)] for name, source in known if _named_alone(name, haystack)), [])
    doi = (found.meta.doi or "").lower()
    candidates += next(([("doi", journal)] for prefix, journal in sorted(rules["doi_journals"].items(),
                        key=lambda item: -len(item[0])) if doi and doi.startswith(prefix.lower())), [])
    best, close = choose_source(candidates)
    found.meta.source = rules["source_names"].get(best, best) if best else None
    if close:
        found.meta.review.append(f"来源也可能是：“{close}”")


def _named_alone(name: str, text: str) -> bool:
    """`来源：新华网` yes; `由新华网、中新社、山西日报等媒体…` no: a name in a list of outlets is one the
    text mentions, not its publisher. (`in` first: most names are not in the text at all.)"""
    return name in text and re.search(rf"(?<![、，,]){re.escape(name)}(?![、，,])", text) is not None


def take_vocabulary_tags(found: Extracted, vocabulary: list[str]) -> None:
    """A vocabulary term in the title, or at least twice in the body, becomes a tag."""
    body = "\n".join(found.paragraphs)
    for term in vocabulary:
        if term not in found.meta.tags and (term in found.meta.title or occurs_twice(term, body)):
            found.meta.tags.append(term)


def occurs_twice(term: str, text: str) -> bool:
    """text.count(term) >= 2, without counting past the second: two finds, not a scan of all the text."""
    first = text.find(term)
    return first >= 0 and text.find(term, first + max(len(term), 1)) >= 0


def take_summary(found: Extracted) -> None:
    """The abstract if there is one, else the first paragraph cut at a sentence end."""
    if found.meta.summary:
        found.meta.summary = found.meta.summary.strip()
        return
    first = next((p for p in found.paragraphs if is_body_text(p)), found.paragraphs[0] if found.paragraphs else "")
    found.meta.summary = cut_at_sentence(without_dateline(first), SUMMARY_MAX) or None


def cut_at_sentence(text: str, limit: int) -> str:
    """The longest run of whole sentences within `limit` chars; else a clause, with …"""
    if len(text) <= limit:
        return text
    sentences = re.findall(f"[^{SENTENCE_END}]*[{SENTENCE_END}]+[{CLOSERS}]*", text)
    kept = ""
    for sentence in sentences:
        if len(kept) + len(sentence) > limit:
            break
        kept += sentence
    if kept:
        return kept
    clause = text[:limit]
    cut = max(clause.rfind(mark) for mark in "，；、")
    return (clause[:cut] if cut > limit // 3 else clause) + "……"


def note_truncation(found: Extracted) -> None:
    """A long last paragraph that stops mid-sentence was probably cut off by the scraper."""
    last = found.paragraphs[-1] if found.paragraphs else ""
    if len(last) > TITLE_MAX and not last.rstrip(CLOSERS).endswith(tuple(SENTENCE_END)):
        found.meta.review.append("正文：末段没有句末标点，原文可能被截断")
