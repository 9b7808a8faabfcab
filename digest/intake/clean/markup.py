"""HTML the scraper left behind: tags, comments, scripts and character entities."""

from __future__ import annotations

import html
import re
from html.entities import html5

from digest.intake.clean.encoding import normalize_whitespace

HIDDEN_BLOCK = re.compile(r"<!--.*?-->|<(script|style|noscript)\b[^>]*>.*?</\1\s*>",
                          re.IGNORECASE | re.DOTALL)
# Tags that end a line of text; every other tag just disappears.
BREAKING_TAG = re.compile(r"</?(?:br|p|div|li|ul|ol|h[1-6]|tr|table|section|article|blockquote|hr)"
                          r"(?:\s[^<>]*)?/?>", re.IGNORECASE)
# A tag starts with a Latin letter right after `<` or `</`, so `a < b` and `<<书名>>` are not tags.
TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|<![A-Za-z][^<>]*>|<\?[^<>]*\?>")
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# Markup a scraper cut in half: an entity that lost its `;` (`&nbsp`, `&#12288`) or its `&`
# (`nbsp;` after Han text), a tag cut at the line's end (`<p style=...`), a closing tag that lost
# its `<` (`/p>`), an attribute list (`style="..."`), a comment never closed, an empty or linked
# Markdown image (`![]()`) with the table pipes around it.
# Each pattern runs only when the literal it needs is in the text (HALF_MARKUP): clean text skips them.
ENTITY_WITHOUT_SEMICOLON = re.compile(r"&(?:#[0-9]{2,7}|#[xX][0-9a-fA-F]{2,6}|nbsp|ensp|emsp|amp|lt|gt|quot)"
                                      r"(?![0-9A-Za-z;])")
ENTITY_WITHOUT_AMPERSAND = re.compile(r"(?<![&A-Za-z0-9])(?:nbsp|ensp|emsp|hellip|mdash|ndash|ldquo|rdquo|lsquo"
                                      r"|rsquo|middot|quot|#[0-9]{4,5});")
CUT_TAG = re.compile(r"</?(?:p|div|span|a|img|font|br|li|td|tr|table|strong|em|b|i|section)(?:\s[^<>\n]*)?$"
                     r"|<!--[^\n]*$", re.IGNORECASE | re.MULTILINE)
BRACKETLESS_END_TAG = re.compile(r"(?<![<A-Za-z0-9])/(?:p|div|span|a|font|li|td|tr|strong|em|b|i|section)>",
                                 re.IGNORECASE)
ATTRIBUTES = re.compile(r"\s*\b(?:style|class|align|href|src|width|height|target|alt|face|color|size|valign)"
                        r"\s*=\s*\"(?:[^\"\n]*\"\s*/?>?|[^\"\n]*$)", re.IGNORECASE | re.MULTILINE)
MARKDOWN_IMAGE = re.compile(r"^[ |]*!\[[^\]\n]*\]\([^)\n]*\)[ |]*(?:\n|$)|!\[[^\]\n]*\]\([^)\n]*\)", re.MULTILINE)
HALF_MARKUP = (("&", ENTITY_WITHOUT_SEMICOLON, lambda entity: html.unescape(entity.group() + ";")),
               (";", ENTITY_WITHOUT_AMPERSAND, lambda entity: html.unescape("&" + entity.group())),
               ("![", MARKDOWN_IMAGE, ""),
               ("<", CUT_TAG, ""),
               ("/", BRACKETLESS_END_TAG, ""),
               ('="', ATTRIBUTES, ""))


def strip_html_tags(text: str) -> str:
    """Remove tags and decode entities: `<p>党建&amp;发展&nbsp;</p>` -> `党建&发展`."""
    if "<" not in text and "&" not in text and not _may_hold_half_markup(text):
        return text
    previous = None
    while text != previous:  # escaped markup (`&lt;p&gt;`) is markup once decoded
        previous = text
        text = HIDDEN_BLOCK.sub("", text)
        text = BREAKING_TAG.sub("\n", text)
        text = TAG.sub("", text)
        text = ENTITY.sub(_decode_entity, text)
    return normalize_whitespace(_drop_half_markup(text))  # what whole tags and entities left


def _decode_entity(entity: re.Match[str]) -> str:
    """`&amp;` -> `&`, `&#x4e2d;` -> `中`; an unknown name such as `&notanentity;` stays."""
    name = entity.group()[1:]
    if name.startswith("#"):  # an invalid code point (`&#0;`) is dropped, not made U+FFFD
        return html.unescape(entity.group()).replace("\ufffd", "")
    return html5.get(name, entity.group())


def _may_hold_half_markup(text: str) -> bool:
    """Whether any literal of HALF_MARKUP is in text (without `<` and `&`); one-character tests
    first: they are several times faster than two-character ones on Chinese text."""
    return ";" in text or "/" in text or "!" in text and "![" in text or "=" in text and '="' in text


def _drop_half_markup(text: str) -> str:
    """`&nbsp`, `&#12288` and `hellip;` decoded; cut tags, attribute lists and images dropped."""
    for literal, pattern, replacement in HALF_MARKUP:
        if literal in text:
            text = pattern.sub(replacement, text)
    return text
