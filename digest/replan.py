"""Plan the site again after an edit, starting from the plan before it.

Which pages there are, and which articles each one shows, depend only on the articles' slugs,
dates, tags, sources, whether they are featured and their aliases: their places (see `place`),
and on the issues (issues/*.md). When an edit leaves every article's place and the issues as
they were, the new plan is the old one with the edited articles swapped in: only the objects
holding them are made again, and only the pages showing what changed of them fingerprinted
again. Any other edit plans the whole site again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from digest.config import Config
from digest.content import Article
from digest.fingerprint import EXACT_PLAIN, PageFingerprints, field_names
from digest.issues import Issue
from digest.site import Page, plan_site

NONE: frozenset[str] = frozenset()


@dataclass
class Plan:
    """The pages planned under build key `key` from `articles` (by slug), with their fingerprints;
    what was learnt making them is kept for the next plan: the encodings of the objects the pages
    share, and the articles each one holds."""

    key: str
    articles: dict[str, Article]
    pages: list[Page]
    prints: list[str]
    fingerprints: PageFingerprints
    contents: Contents
    showing: dict[str, list[int]] | None = None  # slug -> the pages holding it, found by `index`
    known_at_first_reuse: int = 0  # objects whose encodings and contents were known then
    swapped_in: int = 0  # articles edited since the plan it was made from
    issues: tuple[Issue, ...] = ()  # the issues it was planned with: any change to them plans anew

    def index(self) -> None:
        """Find which pages show each article, for the next plan (the preview does it after a build)."""
        if self.showing is None:
            self.showing = self.contents.showing(self.pages)
            self.known_at_first_reuse = len(self.fingerprints) + len(self.contents)

    def by_digest(self) -> dict[str, Article]:
        return {article.digest: article for article in self.articles.values()}

    def knows_too_much(self) -> bool:
        """The objects edits replaced stay known; past twice as many as at first, they are forgotten."""
        return len(self.fingerprints) + len(self.contents) > 2 * self.known_at_first_reuse


def place(article: Article) -> tuple:
    """What plan_site reads of an article, besides the article itself that pages carry: featured
    articles are listed on the home page, and each alias is a page."""
    return article.slug, article.published, article.tags, article.source, article.featured, article.aliases


def moved(before: dict[str, Article], after: list[Article]) -> bool:
    """Whether an article was added or removed, or has another place, since the plan `before`."""
    return len(before) != len(after) or any(
        (old := before.get(article.slug)) is None or (old is not article and place(old) != place(article))
        for article in after)


def plan_pages(articles: list[Article], config: Config, key: str, previous: Plan | None = None,
               issues: list[Issue] | tuple[Issue, ...] = ()) -> Plan:
    """The site's plan for `articles` and `issues`, from `previous` when no article moved and the
    issues are the same; otherwise anew."""
    issues = tuple(issues)
    if previous is None or previous.key != key or previous.issues != issues or moved(previous.articles, articles):
        pages = plan_site(articles, config, issues)
        fingerprints = PageFingerprints.of_templates(config.dir("templates"))
        prints = fingerprints(pages)
        return Plan(key, {article.slug: article for article in articles}, pages, prints, fingerprints, Contents(),
                    issues=issues)
    edited = {article.slug: article for article in articles if previous.articles[article.slug].digest != article.digest}
    return swapped(previous, edited) if edited else previous


def swapped(previous: Plan, edited: dict[str, Article]) -> Plan:
    """`previous` with the `edited` articles in place of theirs."""
    plan = Plan(previous.key, {slug: edited.get(slug, article) for slug, article in previous.articles.items()},
                list(previous.pages), list(previous.prints), previous.fingerprints, previous.contents,
                previous.showing, previous.known_at_first_reuse, len(edited), previous.issues)
    if plan.showing is None:
        plan.index()
    elif plan.knows_too_much():
        plan.fingerprints, plan.contents = plan.fingerprints.fresh(), Contents()
    indexes = sorted({index for slug in edited for index in plan.showing.get(slug, ())})
    swap = Swap(edited, plan.contents)
    for index in indexes:
        plan.pages[index] = swap(plan.pages[index])
    # A page is fingerprinted on the fields it shows of each article: a page reading no body, on
    # which those of every edited article stayed the same, keeps its fingerprint.
    again = sorted({index for slug, article in edited.items() for index in plan.showing.get(slug, ())
                    if plan.fingerprints.may_differ(plan.pages[index].template, previous.articles[slug], article)})
    for index, fingerprint in zip(again, plan.fingerprints([plan.pages[index] for index in again])):
        plan.prints[index] = fingerprint
    return plan


class Contents:
    """The slugs of the articles a page's data holds, found once for each object in it."""

    def __init__(self) -> None:
        self._memo: dict[int, tuple[Any, frozenset[str]]] = {}

    def __len__(self) -> int:
        return len(self._memo)

    def __reduce__(self) -> tuple[Any, ...]:  # saved empty: what it knows is by object id
        return Contents, ()

    def showing(self, pages: list[Page]) -> dict[str, list[int]]:
        """slug -> the indexes of the pages holding that article."""
        showing: dict[str, list[int]] = defaultdict(list)
        for index, page in enumerate(pages):
            for slug in self.of(page):
                showing[slug].append(index)
        return dict(showing)

    def of(self, value: Any) -> frozenset[str]:
        if type(value) in EXACT_PLAIN:
            return NONE
        if type(value) is Article:
            return frozenset((value.slug,))
        known = self._memo.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        slugs = NONE.union(*map(self.of, _parts(value)))
        self._memo[id(value)] = (value, slugs)  # kept, so that its id is not reused
        return slugs


class Swap:
    """Page data with the given articles (by slug) put in place of the old ones: each object holding
    one is made again, once however many pages share it; every other object is kept."""

    def __init__(self, articles: dict[str, Article], contents: Contents):
        self.articles = articles
        self.slugs = articles.keys()
        self.contents = contents
        self._memo: dict[int, tuple[Any, Any]] = {}

    def __call__(self, value: Any) -> Any:
        if type(value) is Article:
            return self.articles.get(value.slug, value)
        if not self.slugs & self.contents.of(value):
            return value
        known = self._memo.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        new = self._rebuild(value)
        self._memo[id(value)] = (value, new)
        return new

    def _rebuild(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return type(value)(map(self, value))
        if isinstance(value, dict):
            return {key: self(item) for key, item in value.items()}
        changed = {name: new for name, old in _fields(value) if (new := self(old)) is not old}
        return replace(value, **changed)


def _fields(value: Any) -> list[tuple[str, Any]]:
    return [(name, getattr(value, name)) for name in field_names(type(value))]


def _parts(value: Any) -> Iterable[Any]:
    """The values inside a list, tuple, dict or dataclass; nothing for any other value."""
    if isinstance(value, (list, tuple)):
        return value
    if isinstance(value, dict):
        return value.values()
    names = field_names(type(value))
    return [getattr(value, name) for name in names] if names is not None else ()
