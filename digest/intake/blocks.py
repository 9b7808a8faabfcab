"""Body paragraphs -> Markdown: headings recognised, references listed, scraped text escaped.

Scraped text never becomes markup: every character Markdown would read as syntax is
escaped, and the only markup in the output is what this module adds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADING_MAX = 40
NUMBERED_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\s+\S")
HAN_NUMBERED_RE = re.compile(r"^(?:[一二三四五六七八九十百]+、|第[一二三四五六七八九十百\d]+[章节部分篇])")
SUB_NUMBERED_RE = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
REFERENCE_NUMBER_RE = re.compile(r"^\s*(?:\[\d+\]|［\d+］|\d+[.．、])\s*")
NO_HEADING_END = ("。", "！", "？", "!", "?", "；", "，", "：", ":", "、", "…")
REFERENCES_HEADING = "参考文献"


@dataclass(frozen=True)
class Block:
    """One unit of the body: a heading (level 2-5) or a paragraph (level 0)."""

    text: str
    level: int = 0


def to_blocks(paragraphs: list[str]) -> list[Block]:
    """Classify paragraphs: numbered and short unpunctuated lines between paragraphs are headings."""
    blocks: list[Block] = []
    for index, paragraph in enumerate(paragraphs):
        has_next = index + 1 < len(paragraphs)
        blocks.extend(classify(paragraph.strip(), has_next))
    return blocks


def classify(paragraph: str, has_next: bool) -> list[Block]:
    numbered = NUMBERED_RE.match(paragraph)
    if numbered and is_short_heading(paragraph):
        return [Block(paragraph, min(2 + numbered.group(1).count("."), 5))]
    if HAN_NUMBERED_RE.match(paragraph):
        return split_lead_heading(paragraph, level=2)
    if SUB_NUMBERED_RE.match(paragraph) and is_short_heading(paragraph):
        return [Block(paragraph, 3)]
    if has_next and is_short_heading(paragraph, limit=30):
        return [Block(paragraph, 2)]
    return [Block(paragraph)]


def is_short_heading(text: str, limit: int = HEADING_MAX) -> bool:
    return len(text) <= limit and not text.rstrip("”’」』）)").endswith(NO_HEADING_END)


def split_lead_heading(paragraph: str, level: int) -> list[Block]:
    """`一、做好文章，强化引领——围绕中心……。`: heading before the dash, paragraph after."""
    if is_short_heading(paragraph):
        return [Block(paragraph, level)]
    head, dash, rest = paragraph.partition("——")
    if dash and len(head) <= HEADING_MAX and not re.search("[。！？]", head):
        return [Block(head, level), Block(rest)]
    return [Block(paragraph)]


def to_markdown(blocks: list[Block], references: list[str] = ()) -> str:
    """Markdown text for the body, ending with one newline."""
    parts = [("#" * block.level + " " + escape_markdown(block.text, block_start=False)) if block.level
             else escape_markdown(block.text) for block in blocks]
    if references:
        parts.append(f"## {REFERENCES_HEADING}")
        parts.append("\n".join(f"{number}. {escape_markdown(REFERENCE_NUMBER_RE.sub('', item))}"
                               for number, item in enumerate(references, 1)))
    return "\n\n".join(parts) + "\n"


_INLINE_SYNTAX = re.compile(r"([\\`*_\[\]])")
_BLOCK_START = re.compile(r"^(?:(#|>|[-+](?=\s|$))|(\d+)(?=[.)](?:\s|$)))")


def escape_markdown(text: str, block_start: bool = True) -> str:
    """`*重点*` -> `\\*重点\\*`, `<b>` -> `&lt;b>`, `# x` -> `\\# x`; text reads the same rendered."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _INLINE_SYNTAX.sub(r"\\\1", text)
    if block_start:
        text = _BLOCK_START.sub(lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\", text)
    return text
