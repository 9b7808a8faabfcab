"""The site's URL layout in one table, and `url_for`, the one function that turns a route into a URL."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

from digest.errors import DigestError

# kind -> location under the base URL. Locations ending in "/" are pretty URLs (an index.html).
ROUTES = {
    "home": "",
    "article": "articles/{key}/",
    "tags": "tags/",
    "tag": "tags/{key}/",
    "tag_feed": "tags/{key}/feed.xml",
    "sources": "sources/",
    "source": "sources/{key}/",
    "source_feed": "sources/{key}/feed.xml",
    "archive": "archive/",
    "issues": "issues/",
    "issue": "issues/{key}/",
    "issues_feed": "issues/feed.xml",
    "alias": "{key}",  # an old path of an article (its `aliases`): a page redirecting to the article
    "feed": "feed.xml",
    "sitemap": "sitemap.xml",
    "robots": "robots.txt",
    "not_found": "404.html",
    "search": "search/",
    "search_fold": "search/fold.json",
    "search_index": "search/index/{key}",
    "search_text": "search/text/{key}.json",
    "static": "static/{key}",
    "file": "{key}",
}


@dataclass(frozen=True)
class Route:
    """One output of the site: a kind from ROUTES, its key (a slug), and a page number for lists."""

    kind: str
    key: str | None = None
    page: int = 1

    @cached_property  # a route's files are listed on every build
    def location(self) -> str:
        """Where the route lives relative to the base URL, e.g. `tags/jing-ji/page/2/`."""
        location = ROUTES[self.kind].format(key=self.key)
        if self.page == 1:
            return location
        if location and not location.endswith("/"):
            raise ValueError(f"route {self.kind!r} has no numbered pages")
        return f"{location}page/{self.page}/"

    @cached_property
    def path(self) -> str:
        """The file written for the route, relative to the site folder."""
        location = self.location
        return location + "index.html" if location == "" or location.endswith("/") else location


# Files of the whole site, at the base URL whichever edition links to them.
SHARED_KINDS = frozenset({"static", "sitemap", "robots", "file", "search_fold", "search_index"})


URL_CHAR_RE = re.compile(r"[A-Za-z0-9\-._~!$&()*+,;=:@/%]")  # RFC 3986, less what would end the path
FILE_NAME_RE = re.compile(r"\.[A-Za-z0-9]{1,5}$")  # index.html, feed.xml: a file, not a folder


def base_url_problem(base_url: object) -> str | None:
    """What makes `base_url` unusable as the prefix of every URL of the site, or None. Each URL is
    the base URL with a location appended, so a query, a fragment, a file name or a `..` in it would
    break all of them, and `//host/` would send them to another site."""
    if not isinstance(base_url, str) or not base_url:
        return "must be a path like /digest/ or an http(s) URL like https://user.github.io/digest/"
    for char, problem in (("?", "must not hold a query string (?...)"), ("#", "must not hold a fragment (#...)")):
        if char in base_url:
            return problem
    odd = next((char for char in base_url if not URL_CHAR_RE.match(char)), None)
    if odd is not None:
        return "must not hold spaces" if odd.isspace() else f"must not hold {odd!r} (percent-encode it)"
    parts = urlsplit(base_url)
    if base_url.startswith("//") or not (base_url.startswith("/") or (parts.scheme in ("http", "https")
                                                                       and parts.hostname)):
        return "must be a path starting with one / (like /digest/) or an http(s) URL with a host"
    if "@" in parts.netloc:
        return "must not hold a user name or password"
    segments = parts.path.split("/")
    if any(segment in (".", "..") for segment in segments) or "//" in parts.path:
        return "must not hold . or .. or an empty folder name (//)"
    if FILE_NAME_RE.search(segments[-1]):
        return f"must name a folder, not a file like {segments[-1]}"
    return None


class Urls:
    """Knows the base URL and the edition's folder (`""` or `zh-hant/`); every link, asset, feed and
    sitemap entry is made here."""

    def __init__(self, base_url: str, edition: str = ""):
        problem = base_url_problem(base_url)
        if problem:
            raise DigestError(f"setting 'base_url' {problem}: {base_url!r}")
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.base_path = urlsplit(self.base_url).path
        self.edition = edition
        self._made: dict[tuple[str, str | None, int, bool], str] = {}  # a page links to the same few URLs

    def in_edition(self, edition: str) -> "Urls":
        return Urls(self.base_url, edition)

    @property
    def is_absolute(self) -> bool:
        return not self.base_url.startswith("/")

    def url_for(self, kind: str, key: str | None = None, page: int = 1, absolute: bool = False) -> str:
        """`/digest/articles/x/` for pages; with absolute=True the full base URL is the prefix
        (feeds and sitemap), which is still a path when base_url is only a path."""
        made = self._made.get((kind, key, page, absolute))
        if made is None:
            prefix = self.base_url if absolute else self.base_path
            edition = "" if kind in SHARED_KINDS else self.edition
            made = self._made[kind, key, page, absolute] = prefix + edition + Route(kind, key, page).location
        return made


def atom_id(kind: str, key: str | None = None, edition: str = "") -> str:
    """An Atom id for a feed or entry that stays the same when the site moves to another base URL;
    each edition's are its own (the first edition's, at the root, are those of a one-edition site)."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'digest:' + edition + Route(kind, key).location)}"
