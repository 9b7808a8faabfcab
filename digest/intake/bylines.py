"""Bylines in other forms than `作者：…`: in the lede (`本报讯（记者 张三 通讯员 李四）`), a
`新华社记者张三、李四` line under the headline, `（供稿人：一支部 冯欣）` or a names-only line
closing the article, `作者简介：张三，…；李四，…` in academic pages. Names must look like names
(a common surname, two to four Han characters); role words come from digest/data/facts.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any


from digest.intake.clean.punctuation import HAN
from digest.intake.facts import (HEADER_SPAN, NAME_RE, Extracted, facts_data, is_body_text, join_split_names,
                                 looks_like_name, names_line, own_outlets)

PINYIN_RE = re.compile(r"[（(][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü\s]+[）)]")
LEDE_RE = re.compile(rf"^[？?\s]*(?:【(?P<outlet>[^】]{{2,12}})】\s*)?(?P<head>[^（(，。\s]{{0,30}}?(?:电|讯|报道))?"
                     rf"\s*[:：]?\s*[（(](?P<by>[^（）()]{{2,40}})[）)]")
LEDE_OUTLET_RE = re.compile(rf"^([{HAN}]{{2,10}}?(?:网|报|社|台))(?:/[^\s，。]{{2,16}})?[{HAN}\d月日]{{0,12}}?(?:电|讯|消息)\s")
REPORTER_LEDE_RE = re.compile(rf"^(?P<outlet>[{HAN}]{{2,10}}?(?:网|报|社|台))\s*(?:全媒体|特约|见习)?记者\s*"
                              rf"(?P<names>[{HAN}·]{{2,4}}(?:[、，, ]+[{HAN}·]{{2,4}})*?)\s+[{HAN}]{{2,8}}?报道")
UNBRACKETED_LEDE_RE = re.compile(rf"^(?P<head>[^（(，。\s]{{0,30}}?(?:电|讯))\s*(?P<by>(?:(?:全媒体|特约|见习)?(?:记者|通讯员)"
                                 rf"\s*[{HAN}·]{{2,4}}?(?:[、，,][{HAN}·]{{2,4}}?)*\s*)+?)(?:报道)?\s*[:：]")
OUTLET_RE = re.compile(rf"^([{HAN}]{{2,10}}?(?:网|报|社|台))")
HEADER_BYLINE_RE = re.compile(rf"(?:全媒体|特约|见习)?(?:记者|通讯员)\s*(?P<names>[{HAN}·、，,\s]{{2,40}})$")
OUTLET_END_RE = re.compile(rf"[{HAN}]{{1,8}}?(?:网|报|社|台)$")
SINGLE_ROLES = {"文", "图", "摄"}  # role words of one character count only standing alone
# `管理员|深圳老梁 发表于 2019-9-12 10:11:44 | 显示全部楼层`: a forum post's poster (a nickname, no name test)
FORUM_POSTER_RE = re.compile(r"(?:^|[|｜]\s*)(?P<name>[^\s|｜:：]{2,16})\s*发表于\s*(?:19|20)\d\d[-/.年]")
PROFILE_RE = re.compile(r"^作者简介\s*[:：]\s*(.+)$")
TRAILING_RE = re.compile(r"[（(]([^（）()]{2,80})[）)]\s*$")


@lru_cache(maxsize=1)
def byline_rules() -> dict[str, Any]:
    data = facts_data()["bylines"]
    roles = sorted(data["author_roles"], key=len, reverse=True)
    data["author_role_re"] = re.compile("|".join(map(re.escape, [r for r in roles if len(r) > 1])))
    data["editor_label_re"] = re.compile(rf"^\s*(?:{'|'.join(map(re.escape, data['editor_roles']))})\s*[:：/]?\s*")
    data["author_label_re"] = re.compile(rf"^\s*(?:{'|'.join(map(re.escape, roles))})\s*[:：/]?\s*")
    data["own_start_re"] = re.compile(rf"^\s*(?:{own_outlets()})(?=\S*记者)")  # `（本报记者 张三）`
    data["own_start"] = re.compile(rf"^(?:{own_outlets()})")
    data["own_end_re"] = re.compile(rf"(?:{own_outlets()})$")
    return data


def names_in(text: str, labelled: bool = False) -> list[str]:
    """`记者 郭世清 通讯员 王德伟` -> ['郭世清', '王德伟']; empty unless every word left is a
    name (two to four Han characters, and a common surname unless a role word introduced them)."""
    text = byline_rules()["author_role_re"].sub(" ", PINYIN_RE.sub("", join_split_names(text)))
    words = [w for w in re.split(r"[、，,；;/\s]+", join_split_names(text)) if w and w not in SINGLE_ROLES]
    if not words or not all(NAME_RE.match(w) for w in words):
        return []
    common = sum(looks_like_name(w) for w in words)
    return words if common == len(words) or (labelled and common * 2 >= len(words)) else []


def lede_byline(paragraph: str) -> tuple[list[str], str | None]:
    """`四川新闻网眉山2月2日讯（黄绍玲 文/图）…`, `（记者 张三）…`: the names, and the outlet named in
    front."""
    match = LEDE_RE.match(paragraph)
    labelled = bool(match and byline_rules()["author_role_re"].search(match.group("by")))
    if not match or not (match.group("outlet") or match.group("head") or labelled):  # `（记者 张三）…` opens it
        return [], None
    names = names_in(match.group("by"), labelled=labelled)
    if not names:
        return [], None
    return names, match.group("outlet") or (_outlet(match.group("head")) if match.group("head") else None)


def reporter_lede(paragraph: str) -> tuple[list[str], str | None]:
    """`某某网（pinyin）记者 彭静 聊城报道5月22日，…`, `本报讯 记者张三 通讯员李四报道：…`: the
    names, and the outlet in front."""
    text = PINYIN_RE.sub("", paragraph)
    match = REPORTER_LEDE_RE.match(text)
    if match:
        names = names_in(match.group("names"), labelled=True)
        return (names, match.group("outlet")) if names else ([], None)
    unbracketed = UNBRACKETED_LEDE_RE.match(text)
    names = names_in(unbracketed.group("by"), labelled=True) if unbracketed else []
    return (names, _outlet(unbracketed.group("head"))) if names else ([], None)


def _outlet(head: str) -> str | None:
    """The publisher at the head of a dateline; `本报讯` names none."""
    head = head.strip()
    if byline_rules()["own_start"].match(head):
        return None
    bare = re.sub(r"报道$", "", head)
    if head.endswith("报道") and re.fullmatch(f"[{HAN}]{{2,8}}", bare):
        return bare
    found = OUTLET_RE.match(head)
    return found.group(1) if found else None


def header_byline(paragraph: str) -> tuple[list[str], str]:
    """`新华社记者谢良、石志勇` or `标题本报记者 张 洋 刘洪超`: the names, and the text before
    the byline (a headline flattened with it). A photographer's line (`图 / …`) names no author."""
    text = PINYIN_RE.sub("", paragraph).strip()
    match = HEADER_BYLINE_RE.search(text)
    if not match or re.match(r"^(?:图|摄影?)\s*[/／:：]", text):
        return [], paragraph
    names = names_in(match.group("names"), labelled=True)
    if not names:
        return [], paragraph
    before = text[:match.start()]
    own = byline_rules()["own_end_re"]  # `本报`, or any outlet's name (`新华社`) before `记者`
    before = own.sub("", before) if own.search(before) else OUTLET_END_RE.sub("", before)
    return names, before.strip()


def profile_names(paragraph: str) -> list[str]:
    """`作者简介：刘在洲，教育学博士…；李忆辛，…`: the first word of each part, when a name."""
    match = PROFILE_RE.match(paragraph)
    if not match:
        return []
    heads = [re.split(r"[，,（(\s]", part.strip(), maxsplit=1)[0] for part in re.split(r"[；;]", match.group(1))]
    return [h for h in heads if looks_like_name(h)]


def trailing_credits(paragraph: str, above: Sequence[str] = ()) -> tuple[list[str], list[str], int] | None:
    """`…。（供稿人：一支部 冯欣）`, `（图文：张莎莎；一审：李霞）`: authors, editors and where
    the bracket starts; None when the bracket holds anything but credits. A name without a role
    word that the text (`above`, and the paragraph itself) uses is the unit the text is about,
    credited but no author: `常图党支部组织…（常图）`."""
    match = TRAILING_RE.search(paragraph)
    if not match:
        return None
    rules = byline_rules()
    authors, editors, cited = [], [], False
    for part in re.split(r"[；;]", match.group(1)):
        part = rules["own_start_re"].sub("", part)
        editor = rules["editor_label_re"].match(part)
        if editor:
            editors += [w for w in re.split(r"[、，,\s]+", part[editor.end():]) if looks_like_name(w)]
            continue
        label = rules["author_label_re"].match(part)
        words = [w for w in re.split(r"[、，,/\s]+", part[label.end():] if label else part) if w]
        found = [w for w in words if looks_like_name(w)]
        if not found or (not label and len(found) < len(words)):
            return None
        used = not label and any(word in text for word in found for text in (*above, paragraph[:match.start()]))
        authors += [] if used else found
        cited = cited or used
    return (authors, editors, match.start()) if authors or cited else None


DATELINE_RE = re.compile(rf"^[？?\s]*(?:【[^】]{{2,12}}】\s*(?:[（(][^（）()]{{2,40}}[）)])?|[^（(，。\s]{{0,30}}?(?:电|讯)\s*[:：]?\s*"
                         rf"(?:[（(][^（）()]{{2,40}}[）)])?|[{HAN}]{{2,8}}报道\s*[:：]\s*(?:[（(][^（）()]{{2,40}}[）)])?)\s*")


def without_dateline(paragraph: str) -> str:
    """`新华网杭州3月18日电（记者张三）今天…`, `某某网记者 张三 某地报道今天…` -> `今天…`: a summary
    opens with the news itself."""
    match = DATELINE_RE.match(paragraph)
    rest = paragraph[match.end():] if match else paragraph
    bare = PINYIN_RE.sub("", rest)
    reporter = REPORTER_LEDE_RE.match(bare)  # 某某网记者 张三 某地报道5月22日，…
    rest = bare[reporter.end():] if reporter else rest
    return rest if len(rest) >= 10 else paragraph


def is_role(word: str) -> bool:
    """`通讯员` standing between names (`记者 张三 通讯员 李四`) is a role word, not a name."""
    rules = byline_rules()
    return word in rules["author_roles"] or word in rules["editor_roles"]


def has_role(word: str) -> bool:
    """`羊城晚报全媒体记者` is the role in front of a name, not a name."""
    return byline_rules()["author_role_re"].search(word) is not None and not NAME_RE.match(word)



def take_other_bylines(found: Extracted, labels: Any = None) -> None:
    """Bylines of every other form, wherever their kind stands: under the headline, opening the
    lede, in an author profile, closing the article."""
    _take_header_bylines(found)
    _take_lede_byline(found)
    _take_profiles(found)
    _take_closing_credits(found)


def _add_authors(found: Extracted, names: list[str]) -> None:
    found.meta.authors += [name for name in names if name not in found.meta.authors]


def _take_header_bylines(found: Extracted) -> None:
    """`新华社记者谢良、石志勇` under the headline; the line goes, or keeps what stood before."""
    for index, paragraph in enumerate(found.paragraphs[:HEADER_SPAN]):
        if is_body_text(paragraph):
            return
        names, before = header_byline(paragraph)
        if names:
            _add_authors(found, names)
            keep = len(before) >= 4 and before not in found.meta.title
            found.paragraphs[index:index + 1] = [before] if keep else []
            return


def take_forum_poster(found: Extracted, labels: Any = None) -> None:
    """`某某 发表于 2019-9-12 …` under the headline (or above one that took it along): the poster.
    Runs before the date line leaves the body."""
    if found.meta.authors:
        return
    for line in [*found.header, *found.paragraphs[:HEADER_SPAN]]:
        match = FORUM_POSTER_RE.search(line) if len(line) <= 80 else None
        if match and match.group("name") not in byline_rules()["no_names"]:
            _add_authors(found, [match.group("name")])
            return


def _take_lede_byline(found: Extracted) -> None:
    """`本报讯（记者 张三）…` opening the first prose paragraph: its names, and its outlet as the
    source when no source line says otherwise. The lede itself is left as written."""
    first = next((p for p in found.paragraphs[:HEADER_SPAN] if is_body_text(p)), None)
    if first is None:
        return
    names, outlet = lede_byline(first)
    if not names:
        names, outlet = reporter_lede(first)
    bare = LEDE_OUTLET_RE.match(first)
    outlet = outlet or (_outlet(bare.group(1)) if bare else None)
    if names and not found.meta.authors:
        _add_authors(found, names)
    if outlet:
        found.sources.append(("lede", outlet))


def _take_profiles(found: Extracted) -> None:
    """`作者简介：张三，…；李四，…` lines: the names become authors, the line leaves the body."""
    for index, paragraph in enumerate(found.paragraphs[:HEADER_SPAN * 2]):
        names = profile_names(paragraph)
        if names:
            _add_authors(found, names)
            del found.paragraphs[index]
            return


def _take_closing_credits(found: Extracted) -> None:
    """`（供稿人：一支部 冯欣）` closing the article (past a short widget line), or a names-only
    line right under its last paragraph (`王晓宇 巩雪`)."""
    for index in range(len(found.paragraphs) - 1, max(len(found.paragraphs) - 3, 0) - 1, -1):
        paragraph = found.paragraphs[index]
        credits = trailing_credits(paragraph, found.paragraphs[:index])  # a name has no line break
        if credits:
            authors, editors, start = credits
            _add_authors(found, authors)
            found.meta.editor = found.meta.editor or ("、".join(editors) or None)
            body = paragraph[:start].rstrip()
            found.paragraphs[index:index + 1] = [body] if body else []
            return
        if names_line(paragraph) and index > 0 and is_body_text(found.paragraphs[index - 1]):
            _add_authors(found, names_in(paragraph))
            del found.paragraphs[index]
            return
        if is_body_text(paragraph):
            return
