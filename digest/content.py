"""Read content/*.md into Articles: validated front-matter, safe HTML, table of contents, reading time."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import math
import os
import pickle
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

from digest.cache import BuildCache, code_version, hash_text
from digest.config import Config
from digest.errors import DigestError
from digest.files import check_plain_file
from digest.markdown_html import Heading, MarkdownRenderer
from digest.parallel import ordered_results
from digest.schema import FIELD_NAMES, SLUG_RE, FrontMatter, Publication, parse_offset, read_document
from digest.slug import MAX_LENGTH, newly_made_slugs, remember, slugify

HAN_RUN_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
# Characters XML 1.0 does not allow (and DEL): invisible junk from scraped text or YAML escapes such
# as "\x0b", which would make a feed not well-formed. Dropped wherever an article's text is read.
INVISIBLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
MARKDOWN_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|])")
SUMMARY_LENGTH = 120
UNIX_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
MICROSECOND = dt.timedelta(microseconds=1)
HEADING_ID_RE = re.compile(r'(<h[1-6]) id="[^"]*"')  # as Markdown writes them: raw HTML in the text is escaped


@dataclass(frozen=True)
class Body:
    """An article's Markdown as HTML: its text and its references list."""

    html: str
    references_html: str


@dataclass(frozen=True)
class KeptBody:
    """A body held in memory, for an article read outside the build cache."""

    body: Body

    def __call__(self, digest: str) -> Body:
        return self.body


@dataclass(frozen=True)
class Article:
    """One content file, read and rendered: everything the site needs to know about it.

    The HTML body is fetched when a page asks for it (`body_of(digest)`, from the build cache),
    so that a big site's bodies are never all in memory at once. `digest` identifies the file's
    name and bytes as read by this code with these settings."""

    slug: str
    title: str
    date: dt.date | None  # the day shown, in the site's zone
    published: dt.datetime | None  # the time it was written with (midnight for a day), in the site's zone
    authors: tuple[str, ...]
    source: str | None
    source_url: str | None
    doi: str | None
    tags: tuple[str, ...]
    summary: str
    toc: tuple[Heading, ...]
    han_count: int
    reading_minutes: int
    body_size: int  # characters of the body's HTML, references included: whether a feed carries it
    draft: bool
    path: str  # the content file's (a str: a Path is slow to unpickle, and a big site has many)
    digest: str
    body_of: Callable[[str], Body] = field(compare=False, repr=False)
    editor: str | None = None
    note_html: str = ""  # the editor's note (编者按), rendered like the body: raw HTML stays text
    featured: bool = False
    aliases: tuple[str, ...] = ()  # old paths of the site, each redirected to the article's page
    extra: dict[str, Any] = field(default_factory=dict, hash=False)  # the curator's own fields, as written
    also_published: tuple[Publication, ...] = ()  # the same story on other sites (merged reposts)

    @property
    def body_html(self) -> str:
        return self.body_of(self.digest).html

    @property
    def references_html(self) -> str:
        return self.body_of(self.digest).references_html

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
        """Newest first (by time, in microseconds), undated last, then by slug: a total order."""
        published = self.published
        return (published is None, (UNIX_EPOCH - published) // MICROSECOND if published else 0, self.slug)


PARALLEL_FROM = 64  # content files to read before worker processes pay off


def load_articles(config: Config, drafts: bool = False, cache: BuildCache | None = None, jobs: int | None = None,
                  entries: Iterable[os.DirEntry] | None = None,
                  remembered: Mapping[str, Article] = MappingProxyType({}),
                  meanwhile: Callable[[], Any] | None = None) -> list[Article]:
    """Every content/*.md as an Article, newest first; drafts only when asked for. With a `cache`,
    only files it has not seen as they are now are read, in `jobs` processes when there are many,
    and the others are taken from `remembered` (by digest) or else from the cache. `entries` are
    the content folder's, when the build has listed it already (subfolders' are left out).
    `meanwhile()` runs while worker processes read, if they do (see `ordered_results`)."""
    content_dir = config.dir("content")
    if not content_dir.is_dir():
        # Building from a mistyped folder would replace the site with an empty one.
        raise DigestError("content folder not found", content_dir)
    settings = (config.rules["labels"]["references"], config["reading_speed"], config["timezone"])
    files = sorted((entry for entry in (os.scandir(content_dir) if entries is None else entries)
                    if entry.name.endswith(".md") and not entry.name.startswith(".")
                    and os.path.dirname(entry.path) == str(content_dir)), key=lambda entry: entry.name)
    for entry in files:
        if not entry.is_file():  # known from the listing for a plain file: no system call
            check_plain_file(Path(entry.path))
    if cache is None:
        reader = ArticleReader(*settings)
        articles = [reader.read(Path(file.path)) for file in files]
    else:
        articles = read_through_cache(files, settings, cache, jobs, remembered, config["unknown_source"], meanwhile)
    check_unique_slugs(articles)
    return sorted((a for a in articles if drafts or not a.draft), key=lambda a: a.sort_key)


def read_through_cache(files: list[os.DirEntry], settings: tuple[list[str], int, str], cache: BuildCache,
                       jobs: int | None, remembered: Mapping[str, Article], unknown_source: str,
                       meanwhile: Callable[[], Any] | None = None) -> list[Article]:
    """Articles from the cache for files it knows as they are now; the others read and cached
    (`unknown_source`: the source of articles naming none, see `read_article`)."""
    key = reader_key(*settings)
    cache.use_reader(key)
    known = cache.sources()
    now: dict[str, tuple[int, int, str]] = {}
    touched: list[str] = []
    for file in files:
        stat = file.stat()
        seen = known.get(file.name)
        if seen and seen[:2] == (stat.st_size, stat.st_mtime_ns):
            now[file.name] = seen
        else:  # touched: the same bytes need not be read again; new: a digest covers the name, none is cached
            now[file.name] = (stat.st_size, stat.st_mtime_ns, file_digest(key, file.path) if seen else None)
            touched.append(file.name)
    file_of = {now[file.name][2]: file for file in files if now[file.name][2]}
    # Remembered articles of the digests the cache holds only: one from a saved plan whose file was
    # edited since, then put back as it was, may have lost its body from the cache.
    kept = {digest for _, _, digest in known.values()}
    cached = {digest: remembered[digest] for digest in file_of if digest in remembered and digest in kept}
    cached.update((digest, replace(article, body_of=cache.body))
                  for digest, article in cache.articles(file_of.keys() - cached.keys()).items())
    todo = [file for file in files if now[file.name][2] not in cached]
    read = list(stored_bodies(ordered_results(read_article, [Path(file.path) for file in todo], jobs,
                                              parallel_from=PARALLEL_FROM, initializer=start_reader,
                                              initargs=(*settings, unknown_source), meanwhile=meanwhile), cache))
    for file, article in zip(todo, read):
        now[file.name] = (*now[file.name][:2], article.digest)
    changed = {name: trust_stat(*now[name]) for name in touched}
    now.update(changed)
    removed = known.keys() - now.keys()
    if changed or removed:
        in_use = {entry[2] for entry in now.values()}
        unused = {known[name][2] for name in removed | changed.keys() if name in known} - in_use
        cache.save_reads(changed, removed, unused, {article.digest: article for article in read})
    cached.update((article.digest, replace(article, body_of=cache.body)) for article in read)
    return [cached[now[file.name][2]] for file in files]


BODY_BATCH = 500  # bodies held before they go to the cache: a big first build never holds them all


def stored_bodies(read: Iterable[tuple[Article, bytes, list[tuple[str, str, str]]]],
                  cache: BuildCache) -> Iterator[Article]:
    """The articles as they are read (see `read_article`), their bodies saved to the cache in
    batches and their slugs remembered; if reading fails, the bodies saved are dropped again (no
    file is recorded with them)."""
    bodies: dict[str, bytes] = {}
    saved: list[str] = []
    try:
        for article, body, slugs in read:
            remember(slugs)
            bodies[article.digest] = body
            yield article
            if len(bodies) == BODY_BATCH:
                cache.save_bodies(bodies)
                saved += bodies
                bodies = {}
    except BaseException:
        cache.forget(saved)
        raise
    cache.save_bodies(bodies)


RACY_NS = 2_000_000_000  # file times tick coarsely: a file this new may change again within its tick


def trust_stat(size: int, mtime_ns: int, digest: str) -> tuple[int, int, str]:
    """A file modified within RACY_NS of now is recorded with no time, so the next build reads it
    again, as git does with "racily clean" files: a second save in the same clock tick, to the same
    size, would otherwise go unseen."""
    return (size, -1 if time.time_ns() - mtime_ns < RACY_NS else mtime_ns, digest)


_reader: tuple[ArticleReader, str] | None = None  # one per worker process, with the unknown source's name


def start_reader(reference_labels: list[str], reading_speed: int, timezone: str, unknown_source: str) -> None:
    global _reader
    _reader = (ArticleReader(reference_labels, reading_speed, timezone), unknown_source)


def read_article(path: Path) -> tuple[Article, bytes, list[tuple[str, str, str]]]:
    """The article without its body, the body pickled for the cache, and the slugs made reading it:
    done where it is read (a worker process), so that the process saving it only passes the bytes
    on. Its tags' and source's slugs are made here too, for the pages of the site's terms: the
    process planning them finds them made, and with every slug made in the workers, never loads
    pypinyin (0.13 s, and 57 MB that the processes rendering the pages would inherit)."""
    reader, unknown_source = _reader
    article = reader.read(path)
    for name in (*article.tags, article.source or unknown_source):
        slugify(name)
    body = pickle.dumps(article.body_of(article.digest), pickle.HIGHEST_PROTOCOL)
    return replace(article, body_of=None), body, newly_made_slugs()


def check_unique_slugs(articles: list[Article]) -> None:
    """Two files with one slug would write the same page: name the second one and its line."""
    refuse_repeats(articles, "slug", lambda slug, other: f"duplicate slug '{slug}' (also used by {other})")


def refuse_repeats(items: Iterable[Any], key: str, message: Callable[[Any, str], str]) -> None:
    """The second of two files (items with a `path`) giving front-matter field `key` one value is
    an error at that field's line; `message(value, the other file)` says what is wrong."""
    seen: dict[Any, str] = {}
    for item in items:
        value = getattr(item, key)
        if value in seen:
            raise DigestError(message(value, seen[value]), item.path, front_matter_line(Path(item.path), key))
        seen[value] = item.path


def front_matter_line(path: Path, key: str) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            break
        if line.startswith(f"{key}:"):
            return number
    return 1


class ArticleReader:
    """Turns content files into Articles, reusing one Markdown renderer."""

    def __init__(self, reference_labels: list[str], reading_speed: int = 400, timezone: str = "+08:00"):
        self.reference_labels = reference_labels
        self.reading_speed = reading_speed
        self.zone = parse_offset(timezone)
        self.renderer = MarkdownRenderer()
        self.key = reader_key(reference_labels, reading_speed, timezone)

    def read(self, path: Path) -> Article:
        data = path.read_bytes()
        meta, body, _ = read_document(path, data)
        meta = without_invisible(meta)
        text, references = split_references(INVISIBLE_RE.sub("", body), self.reference_labels)
        body_html, toc = self.renderer.render(text)
        han_count = count_han(text)
        published = in_zone(meta.date, self.zone)
        references_html = self.renderer.render(references)[0] if references.strip() else ""
        return Article(
            slug=meta.slug or slug_from_filename(path), title=meta.title,
            date=published and published.date(), published=published,
            authors=_distinct(meta.authors), source=(meta.source or "").strip() or None,
            source_url=meta.source_url, also_published=tuple(meta.also_published), doi=meta.doi, tags=_distinct(meta.tags),
            summary=meta.summary or summarize(text), toc=toc, han_count=han_count,
            reading_minutes=reading_minutes(han_count, self.reading_speed),
            body_size=len(body_html) + len(references_html), draft=meta.draft,
            editor=(meta.editor or "").strip() or None,
            note_html=self.note_html(meta.note) if meta.note else "",
            featured=meta.featured, aliases=_distinct(meta.aliases), extra=meta.extra, path=str(path),
            digest=content_digest(self.key, path, data), body_of=KeptBody(Body(body_html, references_html)))

    def note_html(self, note: str) -> str:
        """The editor's note as HTML, its headings without ids: a page shows it beside the body, or
        beside other notes, whose headings may take the same ids."""
        return HEADING_ID_RE.sub(r"\1", self.renderer.render(INVISIBLE_RE.sub("", note))[0])


def without_invisible(meta: FrontMatter) -> FrontMatter:
    """The front-matter with the characters of INVISIBLE_RE dropped from its text fields."""
    changed = {}
    for name in FIELD_NAMES:
        value = getattr(meta, name)
        if isinstance(value, str) and INVISIBLE_RE.search(value):
            changed[name] = INVISIBLE_RE.sub("", value)
        elif isinstance(value, list) and any(isinstance(item, str) and INVISIBLE_RE.search(item) for item in value):
            changed[name] = [INVISIBLE_RE.sub("", item) if isinstance(item, str) else item for item in value]
    return replace(meta, **changed) if changed else meta


def reader_key(reference_labels: list[str], reading_speed: int, timezone: str = "+08:00") -> str:
    """What an Article depends on besides its file: this code and the reader's settings."""
    return hash_text(code_version(), *reference_labels, str(reading_speed), timezone)


def in_zone(written: dt.date | None, zone: dt.timezone) -> dt.datetime | None:
    """A front-matter date as a time in the site's `zone`: a day at its midnight there, a time
    written without a zone as a time there, one with a zone as the same instant there."""
    if written is None:
        return None
    if not isinstance(written, dt.datetime):
        return dt.datetime.combine(written, dt.time(), zone)
    return written.replace(tzinfo=zone) if written.tzinfo is None else written.astimezone(zone)


def content_digest(key: str, path: Path | str, data: bytes) -> str:
    return hashlib.sha256(f"{key}\0{path}\0".encode() + data).hexdigest()


def file_digest(key: str, path: str) -> str:
    with open(path, "rb") as file:
        return content_digest(key, path, file.read())


def _distinct(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item.strip() for item in items if item.strip()))


def slug_from_filename(path: Path) -> str:
    """The file name when it is a slug, of at most MAX_LENGTH characters; else a slug made from it."""
    fits = SLUG_RE.match(path.stem) and len(path.stem) <= MAX_LENGTH
    return path.stem if fits else slugify(path.stem)


def split_references(body: str, labels: list[str]) -> tuple[str, str]:
    """(text, references): the list under a `## 参考文献` heading is shown in its own section."""
    pattern = re.compile(r"^##[ \t]+(?:%s)[ \t]*#*[ \t]*$" % "|".join(map(re.escape, labels)), re.M)
    match = pattern.search(body)
    if not match:
        return body, ""
    return body[: match.start()], body[match.end():]


def count_han(text: str) -> int:
    """Han characters only: Chinese reading speed is counted in characters, not words."""
    return sum(map(len, HAN_RUN_RE.findall(text)))  # runs, not characters: far fewer strings made


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
