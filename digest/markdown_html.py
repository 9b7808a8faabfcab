"""Markdown -> safe HTML and a table of contents.

Python-Markdown does the work, with raw HTML and script URLs off and pinyin heading ids
(`SafeMarkdown`). Most articles, though, are paragraphs and `#` headings in which Markdown finds
nothing else to read; for them `PlainDocument` writes the very HTML Python-Markdown makes, without
running its parser, which was most of the time of reading an article. Anything else it leaves to
Python-Markdown, and it turns itself off when the converter has a part it does not know.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from digest.slug import slugify, unique_slug

SAFE_SCHEMES = {"http", "https", "mailto"}
# Ids the article template gives its own elements; headings never take them.
RESERVED_IDS = frozenset({"main", "toc", "toc-title", "references", "related", "pager", "note", "note-title",
                          "featured", "featured-title", "latest-issue"})


@dataclass(frozen=True)
class Heading:
    """An entry of the table of contents."""

    level: int
    text: str
    id: str


class MarkdownRenderer:
    """Markdown -> (HTML, h2 and h3 headings), one converter reused; raw HTML in the text stays text."""

    def __init__(self) -> None:
        self.headings = HeadingIds()
        self.markdown = markdown.Markdown(output_format="html", extensions=[SafeMarkdown(self.headings)])
        self.plain = PlainDocument.for_converter(self.markdown)

    def render(self, text: str) -> tuple[str, tuple[Heading, ...]]:
        rendered = self.plain(text) if self.plain else None
        if rendered is not None:
            return rendered
        self.headings.found = []  # a blank text is converted without running the tree processors
        html_text = self.markdown.reset().convert(text)
        return html_text, tuple(self.headings.found)


class SafeMarkdown(Extension):
    """Markdown without raw HTML or script URLs, with `\\<` as an escape, and pinyin heading ids."""

    def __init__(self, headings: HeadingIds):
        super().__init__()
        self.headings = headings

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.deregister("entity")
        md.ESCAPED_CHARS.append("<")
        md.treeprocessors.register(DropUnsafeUrls(md), "drop_unsafe_urls", 5)
        plain = PlainTextSkipper.for_patterns(md)
        if plain:  # just before 'inline' (priority 20)
            md.treeprocessors.register(plain, "skip_plain_text", 21)
        # After 'unescape' (priority 0), so ids come from the text the reader sees.
        md.treeprocessors.register(self.headings, "heading_ids", -10)


# What each of Python-Markdown's inline patterns needs in a text to match anything; `em_strong` needs
# one of the delimiters (`md.delimiters`). STX and ETX mark the placeholders of stashed nodes.
INLINE_TRIGGERS = {"backtick": ["`"], "escape": ["\\"], "reference": ["["], "link": ["["], "image_link": ["["],
                   "image_reference": ["["], "short_reference": ["["], "short_image_ref": ["["],
                   "autolink": ["<"], "automail": ["<"], "linebreak": ["  \n"], "html": ["<"], "entity": ["&"]}
PLACEHOLDER_MARKS = ["\x02", "\x03"]


def inline_triggers(md: markdown.Markdown, leave_out: str = "") -> re.Pattern[str] | None:
    """What a text must hold for one of `md`'s inline patterns to match in it, but the triggers
    `leave_out`; None if one of the patterns is not known here."""
    known = [name for name in INLINE_TRIGGERS if name in md.inlinePatterns]
    delimiters = list(md.delimiters.delimiters) if "em_strong" in md.inlinePatterns else []
    if len(known) + bool(delimiters) != len(md.inlinePatterns):
        return None
    triggers = {*PLACEHOLDER_MARKS, *delimiters, *(trigger for name in known for trigger in INLINE_TRIGGERS[name])}
    return re.compile("|".join(map(re.escape, sorted(triggers - set(leave_out)))))


class PlainTextSkipper(Treeprocessor):
    """Marks as atomic (`AtomicString`, "not to be processed further") every text in which no inline
    pattern can match, so that the inline stage, which tries each pattern on each text in Python,
    passes it by: most Chinese paragraphs hold none of the characters Markdown's inline syntax
    starts with. The HTML is the same, only made faster."""

    def __init__(self, md: markdown.Markdown, triggers: re.Pattern[str]):
        super().__init__(md)
        self.triggers = triggers

    @classmethod
    def for_patterns(cls, md: markdown.Markdown) -> PlainTextSkipper | None:
        """The skipper for the inline patterns `md` has; None if one of them is not known here."""
        triggers = inline_triggers(md)
        return cls(md, triggers) if triggers else None

    def run(self, root: etree.Element) -> None:
        search = self.triggers.search
        for element in root.iter():
            if element.text and not isinstance(element.text, AtomicString) and not search(element.text):
                element.text = AtomicString(element.text)
            if element.tail and not isinstance(element.tail, AtomicString) and not search(element.tail):
                element.tail = AtomicString(element.tail)


# The converter's parts whose effect on plain text PlainDocument reproduces; with any other, it is off.
PLAIN_PARTS = {
    "preprocessors": {"normalize_whitespace"},
    "blockprocessors": {"empty", "indent", "code", "hashheader", "setextheader", "hr", "olist", "ulist", "quote",
                        "reference", "paragraph"},
    "treeprocessors": {"inline", "prettify", "unescape", "drop_unsafe_urls", "skip_plain_text", "heading_ids"},
    "postprocessors": {"raw_html", "amp_substitute"},
}
# What else makes a text not plain, in patterns searched one by one (in one, an alternation, they
# are tried at every character, and take several times as long):
# - a line starting with a space (code, list items' text), a quote, a list or rule mark, a setext
#   underline, a number and a dot, or a link reference's definition (`[name]:`);
# - a bracket closed and followed by a link's target or reference (otherwise brackets stay text);
# - a control character (tabs are expanded, CR and STX/ETX rewritten);
# - a space ending a line (a line break, or a heading's end): searched for as text.
LINE_START_SYNTAX = re.compile(r"\n(?:[ >*+=_-]|\d+\.|\[[^\[\]]*\]:)")
LINK_SYNTAX = re.compile(r"\]\s?[\[(]")
CONTROL_CHARACTER = re.compile("[\x00-\x09\x0b-\x1f\x7f]")
HEADING = re.compile(r"(#{1,6}) +([^#\n]*)")


class PlainDocument:
    """The HTML and headings Python-Markdown makes of a text of paragraphs and one-line `# `
    headings with no other Markdown syntax in it (nor `&`, whose entities it keeps; brackets are
    text unless a link's target or reference follows, and no reference is defined), made without
    its parser; None for any other text. Its steps, in order: the text and a blank line split into
    blocks at blank lines, a block's blank first lines dropped, an empty block dropped, a heading's
    text stripped, a paragraph's stripped on the left, `>` escaped, blocks joined by newlines."""

    def __init__(self, triggers: re.Pattern[str]):
        self.syntax = (triggers, LINK_SYNTAX, CONTROL_CHARACTER)

    @classmethod
    def for_converter(cls, md: markdown.Markdown) -> PlainDocument | None:
        parts = {"preprocessors": md.preprocessors, "blockprocessors": md.parser.blockprocessors,
                 "treeprocessors": md.treeprocessors, "postprocessors": md.postprocessors}
        if any(len(registry) != len(PLAIN_PARTS[kind]) or not all(name in registry for name in PLAIN_PARTS[kind])
               for kind, registry in parts.items()):
            return None
        triggers = inline_triggers(md, leave_out="[")
        return cls(re.compile(f"{triggers.pattern}|&")) if triggers else None

    def __call__(self, text: str) -> tuple[str, tuple[Heading, ...]] | None:
        if not text.strip():
            return "", ()
        if (any(pattern.search(text) for pattern in self.syntax) or LINE_START_SYNTAX.search("\n" + text)
                or " \n" in text or text.endswith(" ")):
            return None
        parts: list[str] = []
        headings: list[Heading] = []
        taken = set(RESERVED_IDS)
        for block in (text + "\n\n").split("\n\n"):
            block = block.lstrip("\n")  # a blank first line is dropped, and the rest read as a block
            if not block:
                continue
            if block[0] == "#":
                heading = HEADING.fullmatch(block)
                shown = heading.group(2).strip() if heading else ""
                if not shown:
                    return None
                level = len(heading.group(1))
                text_seen, anchor = heading_id(shown, taken)
                parts.append(f'<h{level} id="{anchor}">{shown.replace(">", "&gt;")}</h{level}>')
                if level in (2, 3):
                    headings.append(Heading(level, text_seen, anchor))
            elif "\n#" in block:
                return None
            elif block.strip():
                parts.append(f"<p>{block.lstrip().replace('>', '&gt;')}</p>")
        return "\n".join(parts), tuple(headings)


def heading_id(shown: str, taken: set[str]) -> tuple[str, str]:
    """(the heading's text as the table of contents shows it, its id), the id added to `taken`."""
    text = " ".join(html.unescape(shown).split())
    anchor = unique_slug(slugify(text, fallback="section"), taken)
    taken.add(anchor)
    return text, anchor


class DropUnsafeUrls(Treeprocessor):
    """Removes `javascript:` and other non-web URLs from links and images."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                if attribute in element.attrib and not is_safe_url(element.attrib[attribute]):
                    del element.attrib[attribute]


def is_safe_url(url: str) -> bool:
    """Relative URLs and http(s)/mailto; browsers ignore control characters and spaces in schemes."""
    compact = re.sub(r"[\x00-\x20]", "", html.unescape(url))
    scheme = re.match(r"^([^/?#]*):", compact)
    return scheme is None or scheme.group(1).lower() in SAFE_SCHEMES


class HeadingIds(Treeprocessor):
    """Gives every heading a unique pinyin id (Python-Markdown's toc drops Han text) and
    records the h2/h3 headings for the table of contents."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[Heading] = []

    def run(self, root: etree.Element) -> None:
        self.found = []
        taken = set(RESERVED_IDS)
        for element in root.iter():
            if re.fullmatch(r"h[1-6]", element.tag):
                text, anchor = heading_id("".join(element.itertext()), taken)
                element.set("id", anchor)
                if element.tag in ("h2", "h3"):
                    self.found.append(Heading(int(element.tag[1]), text, anchor))
