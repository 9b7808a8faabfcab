"""Chinese punctuation: full-width marks inside Chinese text, no stray spaces, no doubled marks."""

from __future__ import annotations

import re

# Han characters (CJK unified ideographs, extension A, compatibility, extensions B and up, 〇).
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# The marks that end a sentence (an ellipsis too: a trailing `……` closes a line of text).
SENTENCE_END = "。！？!?…"
SENTENCE_END_RE = re.compile(f"[{SENTENCE_END}]")
# Full-width marks: they carry their own spacing, so a space beside one is never wanted.
FULL_WIDTH = "，。、；：？！（）《》〈〉【】「」『』〔〕"
# Curly quotes serve English too: they count as Chinese only next to Han characters.
QUOTES = "“”‘’"
HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
TO_FULL_WIDTH = str.maketrans(HALF_TO_FULL)
ASCII_MARKS = re.escape("".join(HALF_TO_FULL))
FULL_MARKS = "".join(HALF_TO_FULL.values())

# A run of marks, quotes and spaces holding an ASCII mark is Chinese when it also holds a
# full-width mark, or when the character just outside it, on either side, is Han or Chinese
# punctuation. Judging the run as a whole keeps the rule stable: converting one mark never
# changes the verdict on its neighbours.
MARK_RUN = re.compile(rf"[{ASCII_MARKS}{FULL_MARKS}{QUOTES} ]+")
RUN_CHARS = frozenset(f"{''.join(HALF_TO_FULL)}{FULL_MARKS}{QUOTES} ")
CHINESE = re.compile(rf"[{HAN}。、《》〈〉【】「」『』〔〕…—～·]")
ASCII_MARK = re.compile(f"[{ASCII_MARKS}]")
FULL_MARK = re.compile(f"[{FULL_MARKS}]")
# The common case, a mark right next to Chinese, converted in bulk without looking at runs.
MARK_BESIDE_CHINESE = [
    (re.compile(rf"{re.escape(half)}(?:(?<={CHINESE.pattern}.)|(?={CHINESE.pattern}))"), full)
    for half, full in HALF_TO_FULL.items()]
# A pair left half converted (`是(a)` -> `是（a)`) is made whole.
HALF_CONVERTED_PAIR = re.compile(r"（([^()（）\n]*)\)|\(([^()（）\n]*)）")
# Spaces beside a full-width mark, or between Han and a quote. The regex starts with the space
# itself (lookbehinds after it) so that the regex engine can skip from space to space.
STRAY_SPACE = re.compile(rf" (?:(?<=[{FULL_WIDTH}] ) *| *(?=[{FULL_WIDTH}])"
                         rf"|(?<=[{HAN}] ) *(?=[{QUOTES}])|(?<=[{QUOTES}] ) *(?=[{HAN}]))")
DOUBLED_MARK = re.compile(r"([，。、；：])\1+")
DOUBLED_MARKS = ("，，", "。。", "、、", "；；", "：：")


def normalize_punctuation(text: str) -> str:
    """Full-width marks in Chinese, no spaces around them: `发展 , 避免:` -> `发展，避免：`."""
    text = _full_width_marks(text)
    text = STRAY_SPACE.sub("", text)
    # The check costs less than the substitution, whose backreference defeats the regex engine's scan.
    return DOUBLED_MARK.sub(r"\1", text) if any(double in text for double in DOUBLED_MARKS) else text


def _full_width_marks(text: str) -> str:
    """`,:;?!()` in Chinese runs become `，：；？！（）`; `1,000`, `10:30`, `f(x)` stay."""
    for beside_chinese, full in MARK_BESIDE_CHINESE:
        text = beside_chinese.sub(full, text)
    # Making a pair whole puts a full-width mark in a run: look at the runs again. Without an ASCII
    # mark left (most texts, once the marks beside Chinese are converted) neither step changes anything.
    while ASCII_MARK.search(text):
        text = _runs_to_full_width(text)
        whole = HALF_CONVERTED_PAIR.sub(lambda pair: f"（{pair.group(1) or pair.group(2) or ''}）", text)
        if whole == text:
            return text
        text = whole
    return text


def _runs_to_full_width(text: str) -> str:
    """`MARK_RUN.sub(_run_to_full_width, text)`, finding only the runs that hold an ASCII mark (the
    others stay as they are) from their marks. Runs never cross a line break."""
    pieces, done = [], 0
    for mark in ASCII_MARK.finditer(text):
        start = mark.start()
        if start < done:
            continue  # in the run just converted
        while start > done and text[start - 1] in RUN_CHARS:
            start -= 1
        run = MARK_RUN.match(text, start)
        pieces += (text[done:start], _run_to_full_width(run))
        done = run.end()
    pieces.append(text[done:])
    return "".join(pieces)


def _run_to_full_width(run: re.Match[str]) -> str:
    """`”, ` after `位` becomes `”， `; `, ` in `Hello, world` stays."""
    marks, line, start = run.group(), run.string, run.start()
    if not ASCII_MARK.search(marks):
        return marks
    beside_chinese = (start > 0 and CHINESE.match(line, start - 1)) or CHINESE.match(line, run.end())
    return marks.translate(TO_FULL_WIDTH) if FULL_MARK.search(marks) or beside_chinese else marks


# A `?` inside a clause, with a character (not a mark or line end) after it.
_MID_CLAUSE_MARK = re.compile(rf"(?<=[{HAN}0-9])\?(?=[{HAN}0-9])")
_CLAUSE_START = re.compile(r"[。！？!?，,；;：:\n]")


def restore_lost_spaces(text: str, question_words: tuple[str, ...]) -> str:
    """`习近平?总书记` -> `习近平 总书记`: a `?` where a scraper lost a space.

    A `?` stays a question mark when its clause has a question word (`为什么?我们`).
    """
    if "?" not in text:
        return text

    def replace(mark: re.Match[str]) -> str:
        clause = _CLAUSE_START.split(text[max(0, mark.start() - 60):mark.start()])[-1]
        return "?" if any(word in clause for word in question_words) else " "

    return _MID_CLAUSE_MARK.sub(replace, text)
