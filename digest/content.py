"""Read content/*.md into Articles: validated front-matter, safe HTML, table of contents, reading time."""

from __future__ import annotations

import datetime as dt
import html
import math
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from digest.config import Config
from digest.errors import DigestError
from digest.schema import SLUG_RE, read_document
from digest.slug import slugify, unique_slug

HAN_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MARKDOWN_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|])")
SAFE_SCHEMES = {"http", "https", "mailto"}
# Ids the article template gives its own elements; headings never take them.
RESERVED_IDS = frozenset({"main", "toc", "toc-title", "references", "related", "pager"})
SUMMARY_LENGTH = 120


@dataclass(frozen=True)
class Heading:
    """An entry of the table of contents."""

    level: int
    text: str
    id: str


@dataclass(frozen=True)
class Article:
    """One content file, read and rendered: everything the site needs to know about it."""

    slug: str
    title: str
    date: dt.date | None
    authors: tuple[str, ...]
    source: str | None
    source_url: str | None
    doi: str | None
    tags: tuple[str, ...]
    summary: str
    body_html: str
    references_html: str
    toc: tuple[Heading, ...]
    han_count: int
    reading_minutes: int
    draft: bool
    path: Path

    @property
    def source_link(self) -> str | None:
        """The original URL when it is a web address (anything else is shown, never linked)."""
        url = self.source_url or ""
        return url if url.startswith(("https://", "http://")) else None

    @property
    def doi_url(self) -> str | None:
        return f"https://doi.org/{quote(self.doi, safe='/')}" if self.doi else None

    @property
    def sort_key(self) -> tuple[bool, int, str]:
        """Newest first, undated last, then by slug: a total order."""
        return (self.date is None, -self.date.toordinal() if self.date else 0, self.slug)


def load_articles(config: Config, drafts: bool = False) -> list[Article]:
    """Every content/*.md as an Article, newest first; drafts only when asked for."""
    content_dir = config.dir("content")
    if not content_dir.is_dir():
        # Building from a mistyped folder would replace the site with an empty one.
        raise DigestError("content folder not found", content_dir)
    reader = ArticleReader(config.rules["labels"]["references"], config["reading_speed"])
    paths = sorted(path for path in content_dir.glob("*.md") if not path.name.startswith("."))
    articles = [reader.read(path) for path in paths]
    check_unique_slugs(articles)
    return sorted((a for a in articles if drafts or not a.draft), key=lambda a: a.sort_key)


def check_unique_slugs(articles: list[Article]) -> None:
    """Two files with one slug would write the same page: name the second one and its line."""
    seen: dict[str, Path] = {}
    for article in articles:
        if article.slug in seen:
            raise DigestError(f"duplicate slug '{article.slug}' (also used by {seen[article.slug]})",
                              article.path, _front_matter_line(article.path, "slug"))
        seen[article.slug] = article.path


def _front_matter_line(path: Path, key: str) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            break
        if line.startswith(f"{key}:"):
            return number
    return 1


class ArticleReader:
    """Turns content files into Articles, reusing one Markdown converter."""

    def __init__(self, reference_labels: list[str], reading_speed: int = 400):
        self.reference_labels = reference_labels
        self.reading_speed = reading_speed
        self.headings = HeadingIds()
        self.markdown = markdown.Markdown(output_format="html", extensions=[SafeMarkdown(self.headings)])

    def read(self, path: Path) -> Article:
        meta, body, _ = read_document(path)
        text, references = split_references(CONTROL_RE.sub("", body), self.reference_labels)
        body_html, toc = self.render(text)
        han_count = count_han(text)
        return Article(
            slug=meta.slug or _slug_from_filename(path), title=meta.title, date=meta.date,
            authors=_distinct(meta.authors), source=(meta.source or "").strip() or None,
            source_url=meta.source_url, doi=meta.doi, tags=_distinct(meta.tags),
            summary=meta.summary or summarize(text), body_html=body_html,
            references_html=self.render(references)[0], toc=toc, han_count=han_count,
            reading_minutes=reading_minutes(han_count, self.reading_speed), draft=meta.draft, path=path)

    def render(self, text: str) -> tuple[str, tuple[Heading, ...]]:
        """Markdown -> (HTML, headings); raw HTML in the text stays text."""
        html_text = self.markdown.reset().convert(text)
        return html_text, tuple(self.headings.found)


def _distinct(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item.strip() for item in items if item.strip()))


def _slug_from_filename(path: Path) -> str:
    return path.stem if SLUG_RE.match(path.stem) else slugify(path.stem)


def split_references(body: str, labels: list[str]) -> tuple[str, str]:
    """(text, references): the list under a `## 参考文献` heading is shown in its own section."""
    pattern = re.compile(r"^##[ \t]+(?:%s)[ \t]*#*[ \t]*$" % "|".join(map(re.escape, labels)), re.M)
    match = pattern.search(body)
    if not match:
        return body, ""
    return body[: match.start()], body[match.end():]


def count_han(text: str) -> int:
    """Han characters only: Chinese reading speed is counted in characters, not words."""
    return len(HAN_RE.findall(text))


def reading_minutes(han_count: int, per_minute: int) -> int:
    """Whole minutes, at least one."""
    return max(1, math.ceil(han_count / per_minute))


def summarize(text: str) -> str:
    """The first paragraph that is not a heading, as plain text, cut to SUMMARY_LENGTH."""
    for block in re.split(r"\n\s*\n", text):
        block = block.strip()
        if block and not block.startswith("#"):
            plain = html.unescape(MARKDOWN_ESCAPE_RE.sub(r"\1", " ".join(block.split())))
            return plain if len(plain) <= SUMMARY_LENGTH else plain[:SUMMARY_LENGTH] + "…"
    return ""


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
        # After 'unescape' (priority 0), so ids come from the text the reader sees.
        md.treeprocessors.register(self.headings, "heading_ids", -10)


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
                text = " ".join(html.unescape("".join(element.itertext())).split())
                element.set("id", unique_slug(slugify(text, fallback="section"), taken))
                taken.add(element.get("id"))
                if element.tag in ("h2", "h3"):
                    self.found.append(Heading(int(element.tag[1]), text, element.get("id")))
