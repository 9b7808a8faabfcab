"""Plan the site: [Article] -> [Page], every file the build writes and the data its template gets."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import groupby, islice, takewhile
from pathlib import Path
from typing import Any

from digest.config import Config
from digest.editions import editions_of
from digest.content import UNIX_EPOCH, Article, front_matter_line  # UNIX_EPOCH: the time of a feed with no entry
from digest.errors import DigestError
from digest.issues import Issue
from digest.slug import slugify, unique_slug
from digest.urls import Route

SITEMAP_TEMPLATES = ("list.html", "article.html", "terms.html", "archive.html", "issue.html", "issues.html")


@dataclass(frozen=True)
class Page:
    """One output file: rendered from `template` with `context`, or literal `text` when template is None."""

    route: Route
    template: str | None
    context: Mapping[str, Any] = field(default_factory=dict)
    updated: dt.date | None = None
    text: str = ""

    @property
    def path(self) -> str:
        return self.route.path


@dataclass(frozen=True)
class Term:
    """A tag or a source, with its ASCII slug and how many articles it has (the articles
    themselves are the catalog's: a page showing a term depends on its count, not its members)."""

    kind: str
    name: str
    slug: str
    count: int


@dataclass(frozen=True)
class Entry:
    """An article with its tags and source resolved to terms, as lists and pages show it."""

    article: Article
    tags: tuple[Term, ...]
    source: Term


@dataclass(frozen=True)
class Pager:
    """Page `number` of `count` of a paginated list at Route(kind, key)."""

    kind: str
    key: str | None
    number: int
    count: int


@dataclass(frozen=True)
class Feed:
    """An Atom feed: the site's, or one tag's or source's (`term`)."""

    route: Route
    alternate: Route
    term: Term | None
    articles: tuple[Article, ...]
    updated: dt.datetime


@dataclass(frozen=True)
class Listed:
    """A page as the sitemap lists it."""

    route: Route
    updated: dt.date | None


@dataclass(frozen=True)
class Catalog:
    """Articles in site order, with every tag and source they name and the articles of each."""

    articles: tuple[Article, ...]
    tags: dict[str, Term]
    sources: dict[str, Term]
    entries: dict[str, Entry]
    members: dict[tuple[str, str], tuple[Article, ...]]

    def entries_of(self, articles: Iterable[Article]) -> list[Entry]:
        return [self.entries[article.slug] for article in articles]

    def articles_of(self, term: Term) -> tuple[Article, ...]:
        return self.members[term.kind, term.name]


@dataclass(frozen=True)
class IssueListing:
    """An issue with the entries of its articles, in its order."""

    issue: Issue
    entries: tuple[Entry, ...]


def plan_site(articles: list[Article], config: Config, issues: list[Issue] | tuple[Issue, ...] = ()) -> list[Page]:
    """Every page of the site, in a fixed order; the sitemap last, since it lists the others.
    `issues`: the digest's numbered issues, newest first."""
    catalog = make_catalog(articles, config["unknown_source"])
    size = config["page_size"]
    pages = [
        *article_pages(catalog, config["related_count"], issues),
        *home_pages(catalog, size, config["featured_max"], issues[0] if issues else None),
        *issue_pages(catalog, issues, config["feed_entries"]),
        *term_pages(catalog, size),
        archive_page(catalog),
        *([search_page(catalog)] if config["search"] else []),
        *feed_pages(catalog, config["feed_entries"]),
        Page(Route("not_found"), "404.html"),
        Page(Route("robots"), "robots.txt"),
        *host_files(config["domain"]),
    ]
    pages += alias_pages(catalog, pages, [edition.path for edition in editions_of(config.data)])
    return [*pages, sitemap_page(pages)]


def make_catalog(articles: list[Article], unknown_source: str) -> Catalog:
    """Index the articles by tag and by source; articles of no known source share one group."""
    ordered = tuple(sorted(articles, key=lambda article: article.sort_key))
    source_of = {article.slug: article.source or unknown_source for article in ordered}
    members: dict[tuple[str, str], tuple[Article, ...]] = {}
    tags = group_terms("tag", ordered, lambda article: article.tags, members)
    sources = group_terms("source", ordered, lambda article: (source_of[article.slug],), members)
    entries = {
        article.slug: Entry(article, tuple(tags[name] for name in article.tags), sources[source_of[article.slug]])
        for article in ordered
    }
    return Catalog(ordered, tags, sources, entries, members)


def group_terms(kind: str, articles: tuple[Article, ...], names_of: Callable[[Article], Iterable[str]],
                members: dict[tuple[str, str], tuple[Article, ...]]) -> dict[str, Term]:
    """name -> Term, and each term's articles into `members`; slugs are pinyin, made unique in the
    order of (slug, name)."""
    grouped: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        for name in names_of(article):
            grouped[name].append(article)
    terms: dict[str, Term] = {}
    taken: set[str] = set()
    for name in sorted(grouped, key=lambda name: (slugify(name), name)):
        slug = unique_slug(slugify(name), taken)
        taken.add(slug)
        terms[name] = Term(kind, name, slug, len(grouped[name]))
        members[kind, name] = tuple(grouped[name])
    return terms


def ranked(terms: dict[str, Term]) -> list[Term]:
    """Most articles first, then by slug."""
    return sorted(terms.values(), key=lambda term: (-term.count, term.slug))


def article_pages(catalog: Catalog, related_count: int, issues: Iterable[Issue] = ()) -> Iterator[Page]:
    articles = catalog.articles
    related = Related(catalog)
    issues_of: dict[str, list[Issue]] = defaultdict(list)
    for issue in sorted(issues, key=lambda issue: issue.number):
        for slug in issue.slugs:  # one not in the site is left out of its page, and `check` reports it
            issues_of[slug].append(issue)
    for index, article in enumerate(articles):
        newer = articles[index - 1] if index > 0 else None
        older = articles[index + 1] if index + 1 < len(articles) else None
        context = {
            "entry": catalog.entries[article.slug],
            "newer": catalog.entries[newer.slug] if newer else None,
            "older": catalog.entries[older.slug] if older else None,
            "related": catalog.entries_of(related.to(article, related_count)),
            "issues": tuple(issues_of.get(article.slug, ())),
        }
        yield Page(Route("article", article.slug), "article.html", context, updated=article.date)


class Related:
    """Articles sharing the most tags with an article, then in site order (newest first).

    Each tag is a set of bits, its articles' places in site order, in one Python int, whose `&`
    and `|` run in C over the whole site at once: intersecting two big tags' sets of slugs instead
    took most of the planning of 100,000 articles (29 s). For an article, the places in at least
    k of its tags are made from its tags' bits, for every k; its related articles are the first
    places of those in the most, then in fewer, down to one: nothing is counted or sorted."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.place = {article.slug: index for index, article in enumerate(catalog.articles)}
        self.bits = {name: bit_set((self.place[other.slug] for other in catalog.members["tag", name]),
                                   len(catalog.articles)) for name in catalog.tags}

    def to(self, article: Article, count: int) -> list[Article]:
        at_least = [0]  # at_least[k]: the places in k of the article's tags or more (k >= 1)
        for name in article.tags:
            tag = self.bits[name]
            at_least.append(0)
            for k in range(len(at_least) - 1, 1, -1):
                at_least[k] |= at_least[k - 1] & tag
            at_least[1] |= tag
        at_least.append(0)
        others = ~(1 << self.place[article.slug])
        found: list[int] = []
        for k in range(len(at_least) - 2, 0, -1):
            if len(found) == count:
                break
            exactly = at_least[k] & ~at_least[k + 1] & others
            while exactly and len(found) < count:
                first = exactly & -exactly  # the lowest bit: the newest article left
                found.append(first.bit_length() - 1)
                exactly ^= first
        return [self.catalog.articles[place] for place in found]


def bit_set(places: Iterable[int], size: int) -> int:
    """The int whose bits at `places` (each below `size`) are set."""
    bits = bytearray((size + 7) // 8)
    for place in places:
        bits[place >> 3] |= 1 << (place & 7)
    return int.from_bytes(bits, "little")


def term_pages(catalog: Catalog, size: int) -> Iterator[Page]:
    """The index of all tags and each tag's pages, then the same for sources."""
    for index_kind, kind, terms in (("tags", "tag", catalog.tags), ("sources", "source", catalog.sources)):
        yield Page(Route(index_kind), "terms.html", {"kind": kind, "terms": ranked(terms)})
        for term in ranked(terms):
            yield from list_pages(catalog, term, size)


def list_pages(catalog: Catalog, term: Term | None, size: int) -> list[Page]:
    """The home page (term None) or a tag's or source's page, split `size` entries a page."""
    kind, key = (term.kind, term.slug) if term else ("home", None)
    articles = catalog.articles_of(term) if term else catalog.articles
    chunks = [articles[start:start + size] for start in range(0, len(articles), size)] or [()]
    return [
        Page(Route(kind, key, number), "list.html",
             {"term": term, "entries": catalog.entries_of(chunk), "pager": Pager(kind, key, number, len(chunks)),
              "feed": feed_route(term)},
             updated=newest_date(chunk))
        for number, chunk in enumerate(chunks, start=1)
    ]


def home_pages(catalog: Catalog, size: int, featured_max: int, latest_issue: Issue | None = None) -> list[Page]:
    """The home page's list, its first page with the latest issue and the featured articles (newest
    first) above it."""
    first, *others = list_pages(catalog, None, size)
    featured = catalog.entries_of([article for article in catalog.articles if article.featured][:featured_max])
    return [replace(first, context={**first.context, "featured": featured, "latest_issue": latest_issue}), *others]


def issue_pages(catalog: Catalog, issues: list[Issue] | tuple[Issue, ...], feed_entries: int) -> list[Page]:
    """A page per issue, the index of issues and their feed, newest first; none without issues.
    An issue shows the articles it lists that the site has: `check` reports the others."""
    if not issues:
        return []
    listings = [IssueListing(issue, tuple(catalog.entries[slug] for slug in issue.slugs if slug in catalog.entries))
                for issue in issues]
    updated = max(issue.date for issue in issues)
    return [
        *(Page(Route("issue", listing.issue.key), "issue.html", {"listing": listing}, updated=listing.issue.date)
          for listing in listings),
        Page(Route("issues"), "issues.html", {"listings": listings}, updated=updated),
        Page(Route("issues_feed"), "issues_feed.xml",
             {"listings": listings[:feed_entries], "updated": max(issue.published for issue in issues)},
             updated=updated),
    ]


# Folders an alias may not reach into: files of the site that are not pages.
NOT_PAGES = ("static/", "search/index/", "search/text/")


def alias_pages(catalog: Catalog, pages: list[Page], edition_paths: list[str]) -> list[Page]:
    """A redirecting page at each alias of each article; an alias that is another page's address,
    or inside another edition's folder or a folder of files, is refused with its file and line."""
    taken = {page.path: "another page" for page in pages}
    made = []
    for article in catalog.articles:
        for alias in article.aliases:
            route = Route("alias", alias_location(alias))
            clash = taken.get(route.path) or next(
                (f"the folder {folder}" for folder in (*filter(None, edition_paths), *NOT_PAGES)
                 if route.path.startswith(folder)), None)
            if clash:
                raise DigestError(f"alias {alias!r} is the address of {clash}", article.path,
                                  front_matter_line(Path(article.path), "aliases"))
            taken[route.path] = f"an alias of {article.path}"
            made.append(Page(route, "alias.html", {"entry": catalog.entries[article.slug]}))
    return made


def alias_location(alias: str) -> str:
    """Where an alias lives under the base URL: `/articles/old/` and `/old.html` as written,
    `/old` as the folder `old/` (the address a server answers for it with its index.html)."""
    location = alias.lstrip("/")
    return location if location == "" or location.endswith(("/", ".html", ".htm")) else location + "/"


def search_page(catalog: Catalog) -> Page:
    """The search page, with every tag and source for its filters."""
    return Page(Route("search"), "search.html", {"tags": ranked(catalog.tags), "sources": ranked(catalog.sources)})


def feed_route(term: Term | None) -> Route:
    return Route(f"{term.kind}_feed", term.slug) if term else Route("feed")


def newest_date(articles: Iterable[Article]) -> dt.date | None:
    return max((article.date for article in articles if article.date), default=None)


def archive_page(catalog: Catalog) -> Page:
    """All dated articles grouped by year, then month; undated ones after them."""
    dated = [entry for entry in catalog.entries_of(catalog.articles) if entry.article.date]
    years = [
        (year, [(month, list(entries)) for month, entries in groupby(in_year, key=lambda e: e.article.date.month)])
        for year, in_year in groupby(dated, key=lambda e: e.article.date.year)
    ]
    undated = [entry for entry in catalog.entries_of(catalog.articles) if not entry.article.date]
    return Page(Route("archive"), "archive.html", {"years": years, "undated": undated},
                updated=newest_date(catalog.articles))


def feed_pages(catalog: Catalog, entries: int) -> Iterator[Page]:
    """The site's feed, then one per tag and per source, each of the newest `entries` dated articles
    (an entry needs a time, and none is made up for an undated one); `updated` is their newest
    article's time. The site's feed carries the articles' text (feed.xml), the others their
    summaries (term_feed.xml): an article's text is in one feed of each edition, not in each of its
    tags' and its source's too."""
    terms = [None, *ranked(catalog.tags), *ranked(catalog.sources)]
    for term in terms:
        dated = takewhile(lambda article: article.published, catalog.articles_of(term) if term else catalog.articles)
        articles = tuple(islice(dated, entries))  # in site order: the undated ones come last
        alternate = Route(term.kind, term.slug) if term else Route("home")
        feed = Feed(feed_route(term), alternate, term, articles, articles[0].published if articles else UNIX_EPOCH)
        yield Page(feed.route, "term_feed.xml" if term else "feed.xml", {"feed": feed}, updated=feed.updated)


def host_files(domain: str | None) -> list[Page]:
    """GitHub Pages: serve files as they are (no Jekyll), and the custom domain if there is one."""
    cname = [Page(Route("file", "CNAME"), None, text=f"{domain}\n")] if domain else []
    return [Page(Route("file", ".nojekyll"), None), *cname]


def sitemap_page(pages: list[Page]) -> Page:
    listed = [Listed(page.route, page.updated) for page in pages if page.template in SITEMAP_TEMPLATES]
    return Page(Route("sitemap"), "sitemap.xml", {"pages": listed})
