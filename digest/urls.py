"""The site's URL layout in one table, and `url_for`, the one function that turns a route into a URL."""

from __future__ import annotations

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


class Urls:
    """Knows the base URL and the edition's folder (`""` or `zh-hant/`); every link, asset, feed and
    sitemap entry is made here."""

    def __init__(self, base_url: str, edition: str = ""):
        parts = urlsplit(base_url)
        if not (base_url.startswith("/") or (parts.scheme in ("http", "https") and parts.netloc)):
            raise DigestError(f"setting 'base_url' must be a path like /digest/ or an http(s) URL, "
                              f"not {base_url!r}")
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
