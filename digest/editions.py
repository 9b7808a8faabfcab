"""Editions: the one digest in several scripts (issue 8).

Content is written in one script. Every other edition is made at build time by converting the
*text* of the rendered pages and feeds: text nodes and a few human-readable attributes (`title`,
`content`, `aria-label`, `placeholder`, `alt`, `label`, `term`), never tags, URLs, ids or other
attributes, and never the inside of `<code>`, `<pre>`, `<script>`, `<style>` or of an element
marked `data-noconvert` (the edition switcher's labels, which are already in their own script).
Converting the output rather than the data keeps one plan of the site (slugs, order, groups are
those of the source text) and catches every UI string in the templates without a translation table.

Each source text is converted once, from the source, and the result reused (`TextConverter.cache`):
OpenCC is not idempotent (s2twp turns 创建 into 建立, and 建立 stays; 創建 on a second pass changes).
Term overrides (phrase -> phrase) are applied to the source text before OpenCC: each phrase becomes a
Private Use Area placeholder that OpenCC leaves alone, then the placeholder becomes the target phrase.

The texts converted are markup's: a text node or an attribute value, escaped. So a phrase is looked
for as it is written there (escaped), its target is put there escaped, and the character references
(`&lt;`, `&#34;`) are kept out of the phrases' reach. Nothing escaped is ever unescaped, except the
one level of escaping that an Atom feed's `<content type="html">` puts around its HTML (and only
when that content is text): converting a page or a feed never turns text into markup.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import cache
from itertools import compress, count
from operator import not_
from typing import Any

from markupsafe import escape

from digest.script import converter

# Human-readable attributes: converted. Every other attribute (href, src, id, class, data-*, ...) is not.
TEXT_ATTRIBUTES = frozenset({"title", "content", "aria-label", "placeholder", "alt", "label", "term"})
SKIP_ELEMENTS = frozenset({"code", "pre", "script", "style"})
VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                           "source", "track", "wbr"})
TAG_RE = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
SKIP_STARTS = ("<code", "<pre", "<script", "<style")
TAG_NAME_RE = re.compile(r"</?\s*([A-Za-z][\w:-]*)")
ATTRIBUTE_RE = re.compile(r'([\w:-]+)(\s*=\s*)"([^"]*)"')
# The escaped HTML an Atom feed carries as the text of <content type="html">.
FEED_CONTENT_RE = re.compile(r'(<content type="html">)(.*?)(</content>)', re.S)
PLACEHOLDER = "\ue000"  # Private Use Area: OpenCC passes it through unchanged, in place
# A character reference, and the placeholder itself when the text holds it: kept as they are.
KEPT_RE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|" + PLACEHOLDER)
SEPARATOR = "\uf8ff"  # the last Private Use Area character: between texts converted in one call
# In the tags joined by NUL, a tag opening an element whose content is skipped, or marked data-noconvert.
MARKERS = (*("\0" + start for start in SKIP_STARTS), "data-noconvert")
HAN_RE = re.compile("[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")

# The switcher's label for an edition, in that edition's own script.
LABELS = {"zh-hans": "简体", "zh-cn": "简体", "zh-sg": "简体", "zh-hant": "繁體", "zh-tw": "繁體",
          "zh-hk": "繁體", "zh-mo": "繁體"}


@dataclass(frozen=True)
class Edition:
    """One script of the site: its `lang`, its folder under the base URL (`""` or `zh-hant/`), the
    OpenCC conversion from the content's script (None: the content as written) and term overrides."""

    lang: str
    path: str = ""
    convert: str | None = None
    overrides: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        return LABELS.get(self.lang.lower(), self.lang)


def editions_of(config_data: dict[str, Any]) -> list[Edition]:
    """The configured editions (already validated by the config loader)."""
    return [Edition(lang=item.get("lang") or config_data["language"], path=item.get("path") or "",
                    convert=item.get("convert"),
                    overrides=tuple(sorted((item.get("overrides") or {}).items())))
            for item in config_data["editions"]]


@dataclass
class TextConverter:
    """Converts source text for one edition, once per distinct text."""

    conversion: str
    overrides: tuple[tuple[str, str], ...] = ()
    cache: dict[str, str] = field(default_factory=dict)
    _tags: dict[str, tuple[str, str | None]] = field(default_factory=dict, repr=False)  # see `_tag_outside`

    def __post_init__(self) -> None:
        self._convert = converter(self.conversion).convert
        # Phrase and target as escaped text, as they stand in markup ('"' and "'" are not escaped in
        # text nodes, so a phrase is looked for with them as they are).
        self._targets = {str(escape(phrase)).replace("&#34;", '"').replace("&#39;", "'"): str(escape(target))
                         for phrase, target in self.overrides}
        phrases = sorted(self._targets, key=lambda p: (-len(p), p))
        # The phrases first: at one place, the longest phrase wins over a reference it starts with.
        self._pattern = re.compile("|".join([*map(re.escape, phrases), KEPT_RE.pattern])) if phrases else None

    def text(self, source: str) -> str:
        """The converted text; strings without Han characters are returned as they are."""
        converted = self.cache.get(source)
        return self.texts([source])[0] if converted is None else converted

    def texts(self, sources: list[str]) -> list[str]:
        """Each text converted, the new ones in one call to OpenCC: joined by a separator that no
        dictionary phrase contains, they convert exactly as they would one by one, only faster."""
        cache = self.cache
        if not all(map(cache.__contains__, sources)):  # most texts of a page were on the pages before it
            self._convert_new(sources)
        return list(map(cache.get, sources, sources))

    def _convert_new(self, sources: list[str]) -> None:
        """The texts of `sources` not yet converted, into the cache: those holding Han characters
        converted, the others (not ASCII) as they are, so that the next page finds them there."""
        cache = self.cache
        new = []
        for source in dict.fromkeys(sources):
            if source in cache or source.isascii():
                continue
            if HAN_RE.search(source):
                new.append(source)
            else:
                cache[source] = source
        if not new:
            return
        protected = [self._protect(source) for source in new]
        texts = [text for text, _ in protected]
        if any(SEPARATOR in text for text in texts):
            converted = [self._convert(text) for text in texts]
        else:
            converted = self._convert(SEPARATOR.join(texts)).split(SEPARATOR)
        for source, text, (_, used) in zip(new, converted, protected):
            cache[source] = self._restore(text, used)

    def _protect(self, source: str) -> tuple[str, list[str]]:
        """The text with each override phrase and each character reference as a placeholder, and
        what each placeholder stands for, in order: a phrase's target, or the reference itself."""
        used: list[str] = []
        if self._pattern is None:
            return source, used

        def protect(match: re.Match[str]) -> str:
            used.append(self._targets.get(match.group(0), match.group(0)))
            return PLACEHOLDER

        return self._pattern.sub(protect, source), used

    @staticmethod
    def _restore(converted: str, used: list[str]) -> str:
        """The placeholders, which OpenCC keeps in their order, replaced by what they stand for."""
        if not used:
            return converted
        standing_for = iter(used)
        return re.sub(PLACEHOLDER, lambda _: next(standing_for), converted)

    def markup(self, document: str, xml: bool = False) -> str:
        """An HTML page or an XML file with its text converted and its markup left as it is."""
        if xml:  # the escaped HTML of a feed entry is converted as HTML, once, and not again as text
            out, position = [], 0
            for match in FEED_CONTENT_RE.finditer(document):
                out += [self.markup(document[position:match.start()]), self._feed_content(match)]
                position = match.end()
            return "".join([*out, self.markup(document[position:])])
        parts = TAG_RE.split(document)  # text, tag, text, tag, ..., text
        texts, tags = parts[0::2], parts[1::2]
        spans = iter(self._converted_spans(tags, "\0" in document))
        first, last = next(spans)
        numbers = []  # the texts to convert: not ASCII (no Han character), not in a skipped element
        for number in compress(count(), map(not_, map(str.isascii, texts))):  # (not a loop in Python: 600 texts a page)
            while number >= last:
                first, last = next(spans, (len(texts), len(texts)))
            if number >= first:
                numbers.append(number)
        for number, converted in zip(numbers, self.texts([texts[number] for number in numbers])):
            texts[number] = converted
        parts[0::2], parts[1::2] = texts, tags
        return "".join(parts)

    def _converted_spans(self, tags: list[str], plain: bool = False) -> list[tuple[int, int]]:
        """The texts to convert, as ranges of their numbers (text k comes before tag k): all but
        those inside a skipped element. Only the tags that may matter are looked at one by one
        (see `_tag`): outside a skipped element, an ASCII tag that neither opens one nor is marked
        `data-noconvert`, and any closing tag, change nothing. Their readable attributes are
        converted in `tags` in place."""
        spans, first, resume = [], 0, 0
        for number in notable_tags(tags, plain):
            if number < resume or tags[number].startswith("</"):
                continue  # inside a skipped element (already looked at), or closing one outside any
            tags[number], opened = self._tag_outside(tags[number])
            if opened is None:
                continue
            skipping = [opened]  # the open elements whose content is not converted (a stack of names)
            spans.append((first, number + 1))
            resume = number + 1
            while skipping and resume < len(tags):
                tags[resume] = self._tag(tags[resume], skipping)
                resume += 1
            if skipping:  # never closed: nothing after it is converted
                return spans
            first = resume
        spans.append((first, len(tags) + 1))
        return spans

    def _tag_outside(self, tag: str) -> tuple[str, str | None]:
        """`_tag` of a tag outside any skipped element, and the name of the element it opens whose
        content is skipped (None: it opens none); remembered, as most such tags recur on every page."""
        known = self._tags.get(tag)
        if known is None:
            skipping: list[str] = []
            known = self._tags[tag] = (self._tag(tag, skipping), skipping[0] if skipping else None)
        return known

    def _tag(self, tag: str, skipping: list[str]) -> str:
        """A tag: its readable attributes converted unless inside a skipped element; keeps `skipping`."""
        if tag.startswith(("<!", "<?")):
            return tag
        name_match = TAG_NAME_RE.match(tag)
        name = name_match.group(1).lower() if name_match else ""
        if tag.startswith("</"):
            if skipping and skipping[-1] == name:
                skipping.pop()
            return tag
        self_closing = tag.endswith("/>") or name in VOID_ELEMENTS
        if skipping:
            if not self_closing and name == skipping[-1]:
                skipping.append(name)  # nested in an element of its own name: count it
            return tag
        if not self_closing and (name in SKIP_ELEMENTS or "data-noconvert" in tag):
            skipping.append(name)
        return ATTRIBUTE_RE.sub(self._attribute, tag) if not tag.isascii() else tag

    def _attribute(self, match: re.Match[str]) -> str:
        name, equals, value = match.groups()
        if name.lower() not in TEXT_ATTRIBUTES:
            return match.group(0)
        return f'{name}{equals}"{self.text(value)}"'

    def _feed_content(self, match: re.Match[str]) -> str:
        """The body HTML escaped as text in a feed: unescaped once, converted as HTML, then escaped
        again as Jinja did. Content holding elements is not text: converted as markup, as it is."""
        inner = match.group(2)
        if "<" in inner:
            return match.group(1) + self.markup(inner) + match.group(3)
        return match.group(1) + str(escape(self.markup(html.unescape(inner)))) + match.group(3)



def notable_tags(tags: list[str], plain: bool = False) -> list[int]:
    """The numbers of the tags that are not ASCII, open an element whose content is skipped or are
    marked data-noconvert, in order. A page has hundreds of tags, a handful of them notable: the
    markers are looked for over all the tags at once (joined by NUL; `plain`: a tag may hold NUL,
    looked at as another control character), not tag by tag."""
    numbers = set(compress(count(), map(not_, map(str.isascii, tags))))
    joined = "\0" + "\0".join([tag.replace("\0", "\1") for tag in tags] if plain else tags)
    for marker in MARKERS:
        position, seen, counted = joined.find(marker), 0, 0
        while position >= 0:  # the NULs counted as the markers come, not from the start each time
            seen += joined.count("\0", counted, position + 1)
            counted = position + 1
            numbers.add(seen - 1)  # tag k follows the (k + 1)-th NUL
            position = joined.find(marker, position + 1)
    return sorted(numbers)


@cache
def text_converter(conversion: str, overrides: tuple[tuple[str, str], ...] = ()) -> TextConverter:
    """One converter per conversion and overrides in a process, so that its cache lasts from one
    build to the next (the preview converts again only the text an edit changed)."""
    return TextConverter(conversion, overrides)
