"""Check a built site: every internal link, asset and anchor in its pages, feeds and sitemap resolves."""

from __future__ import annotations

import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from digest.urls import Route, Urls

ATOM_LINK = "{http://www.w3.org/2005/Atom}link"
SITEMAP_LOC = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
# Resolves path-only links when the base URL has no host of its own; never fetched.
PLACEHOLDER_ORIGIN = "http://site.invalid"


@dataclass
class Document:
    """What the checker needs from one file: the ids it defines and the links it makes."""

    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def is_link_attribute(tag: str, name: str) -> bool:
    """href and src, a form's action, and data-*-url: the URLs a page's script fetches (the search
    page's index and tables), so a missing search index is a broken link like any other."""
    return name in ("href", "src") or (tag == "form" and name == "action") or (
        name.startswith("data-") and name.endswith("-url"))


class _HtmlScanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.document = Document()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.document.ids.add(value)
            elif is_link_attribute(tag, name):
                self.document.links.append(value)


def check_links(site_dir: Path, base_url: str) -> list[str]:
    """Problems as `file: link: what is wrong`; an empty list means every internal link resolves."""
    base = Urls(base_url)
    origin = PLACEHOLDER_ORIGIN if not base.is_absolute else "{0.scheme}://{0.netloc}".format(urlsplit(base.base_url))
    documents, problems = scan_site(site_dir)
    for name, document in documents.items():
        problems += [f"{name}: {problem}" for problem in document.problems]
        page_url = origin + base.base_path + name
        for link in document.links:
            problem = check_link(urljoin(page_url, link), origin + base.base_path, site_dir, documents)
            if problem:
                problems.append(f"{name}: {link}: {problem}")
    return problems


def scan_site(site_dir: Path) -> tuple[dict[str, Document], list[str]]:
    """Every HTML and XML file of the site by its path; XML that does not parse is a problem."""
    documents: dict[str, Document] = {}
    problems = []
    for path in sorted(site_dir.rglob("*")):
        name = path.relative_to(site_dir).as_posix()
        try:
            if path.suffix == ".html":
                documents[name] = scan_html(path.read_text(encoding="utf-8"))
            elif path.suffix == ".xml":
                documents[name] = scan_xml(path.read_text(encoding="utf-8"))
        except etree.ParseError as exc:
            problems.append(f"{name}: not well-formed XML: {exc}")
    return documents, problems


def scan_html(text: str) -> Document:
    scanner = _HtmlScanner()
    scanner.feed(text)
    scanner.close()
    return scanner.document


def scan_xml(text: str) -> Document:
    """Links of an Atom feed (`<link href>`) or a sitemap (`<loc>`); an element of `type="html"`
    holding elements is a problem: its HTML must be escaped text (RFC 4287, 3.1.1.2), which strict
    feed readers show as nothing otherwise."""
    root = etree.fromstring(text.encode("utf-8"))
    links = [element.get("href", "") for element in root.iter(ATOM_LINK)]
    links += [(element.text or "").strip() for element in root.iter(SITEMAP_LOC)]
    problems = [f'<{local_name(element)} type="html"> holds the element <{local_name(element[0])}>: '
                f"its HTML must be escaped text" for element in root.iter() if element.get("type") == "html"
                and len(element)]
    return Document(links=links, problems=problems)


def local_name(element: etree.Element) -> str:
    return element.tag.rpartition("}")[2]


def check_link(url: str, site_root: str, site_dir: Path, documents: dict[str, Document]) -> str | None:
    """What is wrong with an absolute `url`, or None if it resolves or leads off the site."""
    parts, root = urlsplit(url), urlsplit(site_root)
    if (parts.scheme, parts.netloc) != (root.scheme, root.netloc):
        return None
    if not parts.path.startswith(root.path):
        return f"outside the base path {root.path}"
    target = Route("file", unquote(parts.path[len(root.path):])).path
    if not (site_dir / target).is_file():
        return f"no such file {target}"
    fragment = unquote(parts.fragment)
    if fragment and target in documents and target.endswith(".html") and fragment not in documents[target].ids:
        return f"no element with id '{fragment}' in {target}"
    return None
