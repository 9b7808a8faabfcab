"""Which lines are article text: a main-text detector over the lines of a scraped page.

As jusText does for HTML blocks, each line is first judged on its own (good prose, short, or
bad: separators, debris, link-list items), then short lines are judged by where they stand:
the article runs from the first good line to the last; what stands above it is the header,
what follows is the tail. In the header and the tail, bad lines and link-list runs (many
short lines in a row) go; inside the article only plainly bad lines do, so headings stay.
The rule lists (clean/boilerplate.py) act before and can force a line to stay: lines they
protect (metadata labels, dates, DOI) are never dropped here. Thresholds are data
(digest/data/lines.yaml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from digest.errors import DigestError
from digest.intake.clean.punctuation import HAN, SENTENCE_END_RE
from digest.intake.facts import surnames

MODEL_FILE = Path(__file__).parent.parent / "data" / "lines.yaml"
HAN_CHAR = re.compile(f"[{HAN}]")
NOT_HAN = re.compile(f"[^{HAN}]")
DATE = re.compile(r"(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}")
CLAUSE_MARK = re.compile(r"[，。！？；,!?;]")
SPACE_ITEMS = re.compile(r"\s+")
SYMBOL = re.compile(r"[!-/:-@\[-`{-~，：；？！（）]")  # ASCII punctuation: `! b2 x; k; N, s5 ]* L*` is a watermark
KEY_VALUE = re.compile(r"^[•·●◆▪■]?\s*[\[【〔(（]?\s*([^\s:：。，,()（）\[\]【】]{1,12}?)\s*[\]】〕)）]?\s*[:：︰]")
NAME_ITEM = re.compile(f"^[{HAN}]{{2,4}}$")
HEADLINE_REACH = 400  # characters of the article's opening a headline is compared with
MAX_ROUNDS = 4  # dropping a list can expose another; a few rounds reach a fixed point


@dataclass(frozen=True, eq=False)  # hashed by identity: loaded once, a cache key of `features`
class Model:
    """The detector's thresholds, from digest/data/lines.yaml."""

    function_words: re.Pattern[str]
    good_min_han: int
    good_min_function_share: float
    sentence_min_han: int
    short_max_han: int
    list_run: int
    separators: re.Pattern[str]
    separators_min: int
    items_min: int
    item_max_length: int
    debris_max_length: int
    debris_max_han_share: float
    debris_symbol_share: float
    key_value_max_label: int
    key_value_max_length: int
    note_min_han: int
    note_quote_chars: int
    dated_item: re.Pattern[str]
    surnames: frozenset[str]
    han_run: re.Pattern[str]  # sentence_min_han Han characters in a row: enough Han, found fast
    key_value_max_value_han: int
    headline_window: int
    headline_min_overlap: float
    headline_min_han: int
    headline_max_above: int


@dataclass(frozen=True)
class Features:
    """What the detector sees in one line."""

    han: int
    length: int
    function_share: float
    sentence_end: bool
    separators: int
    spaced_items: bool
    key_label: str | None
    value_han: int
    key_end: int
    dated_item: bool
    dated: bool
    symbols: int


@dataclass(frozen=True)
class LineClass:
    """One line's verdict: `kind` on its own (good, short, bad), `region` (header, body, tail),
    and `keep`; `reason` says why a dropped line went."""

    text: str
    kind: str
    region: str
    keep: bool
    reason: str = ""


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_FILE) -> Model:
    """Read and check the thresholds once; a bad value names the file and the key."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        return _model(data)
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise DigestError(f"bad main-text detector settings: {exc}", path) from None


def _model(data: dict[str, Any]) -> Model:
    words = data["function_words"]
    if not isinstance(words, str) or not HAN_CHAR.fullmatch(words[:1] or "x") or HAN_CHAR.sub("", words):
        raise ValueError("function_words: a string of Han characters")
    good, debris, key_value, note = data["good"], data["debris"], data["key_value"], data["prose_note"]
    return Model(
        function_words=re.compile(f"[{words}]"),
        good_min_han=_count(good, "min_han"), good_min_function_share=_share(good, "min_function_share"),
        sentence_min_han=_count(data, "sentence_min_han"), short_max_han=_count(data, "short_max_han"),
        list_run=_count(data, "list_run"),
        separators=re.compile("|".join(map(re.escape, data["separators"]["marks"]))),
        separators_min=_count(data["separators"], "min_count"),
        items_min=_count(data["spaced_items"], "min_items"),
        item_max_length=_count(data["spaced_items"], "max_item_length"),
        debris_max_length=_count(debris, "max_length"), debris_max_han_share=_share(debris, "max_han_share"),
        debris_symbol_share=_share(debris, "symbol_share"),
        key_value_max_label=_count(key_value, "max_label"), key_value_max_length=_count(key_value, "max_length"),
        note_min_han=_count(note, "min_han"), note_quote_chars=_count(note, "quote_chars"),
        dated_item=re.compile(data["dated_item"]),
        surnames=surnames(),  # to tell a line of names from a menu
        han_run=re.compile(f"[{HAN}]{{{_count(data, 'sentence_min_han')}}}"),
        key_value_max_value_han=_count(key_value, "max_value_han"),
        headline_window=_count(data["headline"], "body_lines"),
        headline_min_overlap=_share(data["headline"], "min_overlap"),
        headline_min_han=_count(data["headline"], "min_han"),
        headline_max_above=_count(data["headline"], "max_above"))


def _count(section: dict[str, Any], key: str) -> int:
    value = section[key]
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{key}: a whole number of at least 1, not {value!r}")
    return value


def _share(section: dict[str, Any], key: str) -> float:
    value = section[key]
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
        raise ValueError(f"{key}: a share between 0 and 1, not {value!r}")
    return float(value)


def han_count(text: str) -> int:
    """Han characters in `text`, counted by what is not Han: scraped Chinese is mostly Han."""
    return len(text) - len(NOT_HAN.findall(text))


@lru_cache(maxsize=4096)  # the stage judges a page again after each drop: most lines are seen before
def features(line: str, model: Model) -> Features:
    """`首页 > 新闻 > 正文` has two separators; `党的建设是…。` is long, with function words."""
    han = han_count(line)
    key = KEY_VALUE.match(line)
    return Features(
        han=han, length=len(line),
        function_share=len(model.function_words.findall(line)) / han if han else 0.0,
        sentence_end=SENTENCE_END_RE.search(line) is not None,
        separators=len(model.separators.findall(line)),
        spaced_items=_spaced_items(line, model),
        key_label=key.group(1) if key else None,
        value_han=han_count(line[key.end():]) if key else 0,
        key_end=len(line[:key.end()].rstrip()) if key else 0,
        dated_item=model.dated_item.match(line) is not None,
        dated=DATE.search(line) is not None,
        symbols=len(SYMBOL.findall(line)) if han * 2 < len(line) else 0)  # counted where it may matter


def _spaced_items(line: str, model: Model) -> bool:
    """`幻灯片 手机看 分享到` yes; `张三 李四 王五` (a byline) no."""
    if line.count(" ") < model.items_min - 1:
        return False
    items = SPACE_ITEMS.split(line.strip())
    if len(items) < model.items_min or any(len(item) > model.item_max_length for item in items):
        return False
    return not all(NAME_ITEM.match(item) and (item[0] in model.surnames or item[:2] in model.surnames)
                   for item in items)


def is_good(found: Features, model: Model) -> bool:
    """Prose: enough Han characters rich in function words, or a sentence of some length."""
    if found.sentence_end and found.han >= model.sentence_min_han:
        return found.function_share > 0
    return found.han >= model.good_min_han and found.function_share >= model.good_min_function_share


def bad_reason(found: Features, model: Model) -> str:
    """Why the line is not text wherever it stands, or ''. Sentences are never bad."""
    if found.sentence_end and found.han >= model.sentence_min_han:
        return ""
    if found.separators >= model.separators_min:
        return "separators"
    if found.han <= found.length * model.debris_max_han_share and not found.dated and (
            found.length <= model.debris_max_length or found.symbols >= found.length * model.debris_symbol_share):
        return "debris"
    if found.spaced_items:
        return "spaced items"
    return ""


def outside_reason(found: Features, region: str, model: Model) -> str:
    """Why a line above or below the article is not part of it, or ''. (Lines with a metadata
    label the extractor reads are protected before this is asked.)"""
    if found.sentence_end and found.han >= model.sentence_min_han:
        return ""
    if region == "tail" and found.key_label and found.length == found.key_end:
        return ""  # `组织架构：` introduces what follows
    if found.key_label and found.length <= model.key_value_max_length \
            and len(found.key_label) <= model.key_value_max_label and found.value_han <= model.key_value_max_value_han:
        return "label"
    return "list item" if found.dated_item else ""


def classify(lines: list[str], model: Model | None = None,
             protected: frozenset[int] | set[int] = frozenset()) -> list[LineClass]:
    """A verdict for each line (blank lines are kept and ignored). `protected` indexes are
    always kept: the rule lists' decision (metadata labels, dates, DOI)."""
    model = model or load_model()
    kinds, article, reasons = _judge(lines, model, protected, None)
    first, last = article or (len(lines), len(lines))
    return [LineClass(line, kinds.get(i, "good" if line.strip() else "blank"),
                      "header" if i < first else "tail" if i > last else "body", i not in reasons, reasons.get(i, ""))
            for i, line in enumerate(lines)]


def drop_reasons(lines: list[str], model: Model, protected: frozenset[int] | set[int] = frozenset(),
                 prose: set[int] | None = None) -> dict[int, str]:
    """The lines to drop and why, by index: what `classify` finds, without a verdict per line
    (the cleaning stage needs only these). `prose`: the plainly_prose lines, when known."""
    return _judge(lines, model, protected, prose)[2]


def _judge(lines: list[str], model: Model, protected: frozenset[int] | set[int],
           prose: set[int] | None) -> tuple[dict[int, str], tuple[int, int] | None, dict[int, str]]:
    """The kinds of the lines not plainly prose, where the article runs (its first and last good
    line; None without prose, when nothing is judged) and the reasons of the lines to drop."""
    if prose is None:
        prose = {i for i, line in enumerate(lines) if plainly_prose(line, model)}
    found = {i: features(line, model) for i, line in enumerate(lines) if i not in prose and line.strip()}
    kinds = {i: _kind(feature, model) for i, feature in found.items()}
    good = [*prose, *(i for i, kind in kinds.items() if kind == "good")]
    if not good:  # no prose to stand by: the page is left as it is, for the curator to judge
        return kinds, None, {}
    first, last = min(good), max(good)
    spared = set(protected) | _headlines(lines, kinds, found, first, protected, model)
    listed = _list_runs(lines, kinds, found, spared, (first, last), model)
    reasons = {}
    for index, feature in found.items():
        region = "header" if index < first else "tail" if index > last else "body"
        reason = "" if index in spared else _drop_reason(feature, region, index in listed, model)
        if reason:
            reasons[index] = reason
    return kinds, (first, last), reasons


def plainly_prose(line: str, model: Model) -> bool:  # cheaper than a cache lookup: not cached
    """A long line holding a sentence and function words is good whatever else is in it: most lines
    of an article, judged without computing every feature."""
    return len(line) > model.debris_max_length and SENTENCE_END_RE.search(line) is not None \
        and model.function_words.search(line) is not None \
        and (model.han_run.search(line) is not None or han_count(line) >= model.sentence_min_han)


def _kind(found: Features, model: Model) -> str:
    if bad_reason(found, model):
        return "bad"
    return "good" if is_good(found, model) else "short"


def _drop_reason(found: Features, region: str, listed: bool, model: Model) -> str:
    """Inside the article only separators and debris go (spaced items may be a table row)."""
    reason = bad_reason(found, model)
    if region == "body":
        return "" if reason == "spaced items" else reason
    return reason or ("link list" if listed else outside_reason(found, region, model))


def _headlines(lines: list[str], kinds: dict[int, str], found: dict[int, Features], first: int,
               protected: frozenset[int] | set[int], model: Model) -> set[int]:
    """Header lines that are probably the headline, spared: the line right above the article
    (`江口凯德：坚持党建引领…`; protected date lines may stand between, up to `max_above`
    lines in all), unless it is debris or a bare menu, and the short header line
    sharing most of its character pairs with the article (a headline repeats its words)."""
    above = [i for i in kinds if i < first]
    at = len(above) - 1  # the line right above the article, or above the protected date lines there
    while at > 0 and above[at] in protected and found[above[at]].dated and len(above) - at < model.headline_max_above:
        at -= 1
    near = above[at] if above and above[at] not in protected else None
    spared = {near} if near is not None and _may_be_headline(lines[near], kinds[near], model) else set()
    candidates = [i for i in above if kinds[i] == "short" and i not in protected]
    opening = "".join(lines[first:first + model.headline_window])[:HEADLINE_REACH]
    scores = {i: _overlap(lines[i], opening) for i in candidates}
    best = max(scores, key=lambda i: (scores[i], -i), default=None)
    if best is not None and scores[best] >= model.headline_min_overlap:
        spared.add(best)
    return spared


def _may_be_headline(line: str, kind: str, model: Model) -> bool:
    """A bad line may still be a headline with a column around it (`网评 | 标题 | 网站名`)."""
    if kind != "bad":
        return True
    items = [item.strip() for item in model.separators.split(line)]
    if any(item.endswith(("：", ":")) for item in items):  # a table row: `发布单位：| …`
        return False
    return len(items) > 1 and max(han_count(item) for item in items) >= model.headline_min_han


def _overlap(line: str, opening: str) -> float:
    """The share of the line's pairs of Han characters found in the article's opening."""
    han = "".join(HAN_CHAR.findall(line))
    pairs = [han[i:i + 2] for i in range(len(han) - 1)]
    return sum(pair in opening for pair in pairs) / len(pairs) if pairs else 0.0


def _list_runs(lines: list[str], kinds: dict[int, str], found: dict[int, Features], spared: set[int],
               article: tuple[int, int], model: Model) -> set[int]:
    """Short and bad lines above the article in runs of `list_run` short ones or more (blank and
    spared lines do not break a run): a menu or a list of other articles. Below the article a
    run of short lines is as often its own ending (a list, a poem, closing credits): the rule
    lists' tail markers (相关阅读 …) and the dated list items find the lists of other articles
    there. A run introduced by a line ending in a colon (`组织架构：`) is the article's own list."""
    first, _ = article
    listed: set[int] = set()
    run: list[int] = []
    outside = [i for i in kinds if i < first] + [-1]  # -1 ends the run
    for index in outside:
        if index in spared:
            continue
        if index >= 0 and _short(found.get(index), kinds[index], model):
            run.append(index)
            continue
        if sum(kinds[i] == "short" for i in run) >= model.list_run and not _introduced(lines, run):
            listed.update(run)
        run = []
    return listed


def _short(found: Features | None, kind: str, model: Model) -> bool:
    """Bad, or short: few Han characters and no sentence (`您好!今天是` is a greeting)."""
    if kind != "short" or found is None:
        return kind == "bad"
    return found.han < model.short_max_han and not (found.sentence_end and found.han >= model.sentence_min_han)


def _introduced(lines: list[str], run: list[int]) -> bool:
    """Only the run's first line ends in a colon: `组织架构：` and its items."""
    colons = [index for index in run if lines[index].rstrip().endswith(("：", ":"))]
    return colons == run[:1]


def prose_note(line: str, model: Model | None = None, shown: str | None = None) -> str | None:
    """`删除了疑似正文的一行：“…”` for a dropped line that looked like prose, else None; `shown`
    is the line as the page has it, when it was judged in another form."""
    model = model or load_model()
    found = features(line, model)
    if found.han < model.note_min_han or not CLAUSE_MARK.search(line) \
            or found.function_share < model.good_min_function_share:
        return None
    shown = shown or line
    quote = shown if len(shown) <= model.note_quote_chars else shown[:model.note_quote_chars] + "…"
    return f"删除了疑似正文的一行：“{quote}”"
