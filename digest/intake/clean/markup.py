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


def strip_html_tags(text: str) -> str:
    """Remove tags and decode entities: `<p>党建&amp;发展&nbsp;</p>` -> `党建&发展`."""
    if "<" not in text and "&" not in text:
        return text
    previous = None
    while text != previous:  # escaped markup (`&lt;p&gt;`) is markup once decoded
        previous = text
        text = HIDDEN_BLOCK.sub("", text)
        text = BREAKING_TAG.sub("\n", text)
        text = TAG.sub("", text)
        text = ENTITY.sub(_decode_entity, text)
    return normalize_whitespace(text)


def _decode_entity(entity: re.Match[str]) -> str:
    """`&amp;` -> `&`, `&#x4e2d;` -> `中`; an unknown name such as `&notanentity;` stays."""
    name = entity.group()[1:]
    if name.startswith("#"):  # an invalid code point (`&#0;`) is dropped, not made U+FFFD
        return html.unescape(entity.group()).replace("\ufffd", "")
    return html5.get(name, entity.group())
