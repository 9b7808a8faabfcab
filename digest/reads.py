"""What a site's templates read of the articles on their pages, found from the templates' source.

For each template, with the templates it extends, includes and imports:
- the Article fields it may show: those it names, by attribute or by a constant key; a property it
  names counts as the fields its code reads;
- whose bodies it reads: those of the articles at fixed paths in the page's data (`entry.article`,
  also through one top-level `{% set article = entry.article %}`), or those of any article the page
  holds when it reads one otherwise: in a loop or a macro, by a computed name, from a template it
  names by a variable.
A template that cannot be parsed reads everything: the build reports it when rendering.
"""

from __future__ import annotations

import dis
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, TemplateSyntaxError, meta, nodes

from digest.content import Article
from digest.fragments import FragmentCache

# The names by which a template reads an article's body (or the digest that stands for it).
BODY_NAMES = frozenset({"body_html", "references_html", "body_of", "digest"})
# What a page may show of an Article without its body: its fields but the digest and the body.
ARTICLE_FIELDS = tuple(field.name for field in fields(Article) if field.name not in BODY_NAMES)
LITERALS = (nodes.Dict, nodes.List, nodes.Tuple, nodes.Const)  # looked up by a computed key, still no article

DataPath = tuple[str, ...]  # a path in a page's data: a context name, then attributes or keys


@dataclass(frozen=True)
class Reads:
    """What the pages of one template may show: these `fields` of the articles they hold, and the
    bodies of the articles at the paths in `bodies` (None: of any article they hold)."""

    fields: tuple[str, ...]
    bodies: frozenset[DataPath] | None


EVERYTHING = Reads(ARTICLE_FIELDS, None)


def template_reads(templates_dir: Path) -> dict[str, Reads]:
    """What each template in `templates_dir` reads of its pages' articles."""
    environment = Environment(loader=FileSystemLoader(templates_dir), extensions=[FragmentCache])
    facts = {name: _facts(environment.loader.get_source(environment, name)[0])
             for name in environment.list_templates()}
    return {name: _reads(_closure(name, facts)) for name in facts}


@dataclass(frozen=True)
class _Facts:
    """One template's own: the templates it uses (None: not all known), the names it looks up, the
    paths whose bodies it reads (None: not only at paths), the names its top level sets."""

    used: frozenset[str] | None
    names: frozenset[str]
    bodies: frozenset[DataPath] | None
    exported: frozenset[str]


UNKNOWN = _Facts(None, frozenset(), None, frozenset())


def _closure(name: str, facts: dict[str, _Facts]) -> list[_Facts] | None:
    """The facts of the template and of every template it uses, or None when one is not known."""
    found, todo = {}, [name]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found[current] = fact = facts.get(current, UNKNOWN)
        if fact.used is None:
            return None
        todo += fact.used
    return list(found.values())


def _reads(closure: list[_Facts] | None) -> Reads:
    if closure is None:
        return EVERYTHING
    names = frozenset().union(*(fact.names for fact in closure))
    shown = _fields(names)
    if any(fact.bodies is None for fact in closure) or shown is None:
        return EVERYTHING
    bodies = frozenset().union(*(fact.bodies for fact in closure))
    exported = frozenset().union(*(fact.exported for fact in closure))
    if any(path[0] in exported for path in bodies):  # a name another template of the page sets
        return Reads(shown, None)
    return Reads(shown, bodies)


def _fields(names: frozenset[str]) -> tuple[str, ...] | None:
    """The Article fields `names` reach, through properties too; None if a property's are not known."""
    reached = set(names)
    for name in names & PROPERTIES.keys():
        if PROPERTIES[name] is None:
            return None
        reached |= PROPERTIES[name]
    return tuple(name for name in ARTICLE_FIELDS if name in reached)


def _property_reads(function: Callable[..., Any]) -> frozenset[str] | None:
    """The attributes a property's code looks up on `self`; None when it passes `self` on whole."""
    instructions = list(dis.get_instructions(function))
    this = function.__code__.co_varnames[0]
    names = set()
    for instruction, following in zip(instructions, [*instructions[1:], None]):
        if instruction.opname == "LOAD_FAST" and instruction.argval == this:
            if following is None or following.opname not in ("LOAD_ATTR", "LOAD_METHOD"):
                return None
            names.add(following.argval)
    return frozenset(names)


def _property_fields() -> dict[str, frozenset[str] | None]:
    """Each public property of Article -> the fields it reads (through other properties too)."""
    direct = {name: _property_reads(value.fget) for name, value in vars(Article).items()
              if isinstance(value, property) and not name.startswith("_")}

    def resolve(name: str, seen: frozenset[str]) -> frozenset[str] | None:
        if direct[name] is None or name in seen:
            return None
        reached = set(direct[name] - direct.keys())
        for other in direct[name] & direct.keys():
            more = resolve(other, seen | {name})
            if more is None:
                return None
            reached |= more
        return frozenset(reached)
    return {name: resolve(name, frozenset()) for name in direct}


PROPERTIES = _property_fields()


@lru_cache(maxsize=256)
def _facts(source: str) -> _Facts:
    try:
        tree = Environment(extensions=[FragmentCache]).parse(source)
    except TemplateSyntaxError:
        return UNKNOWN
    used = list(meta.find_referenced_templates(tree))
    exported = frozenset(node.target.name for node in tree.body
                         if isinstance(node, (nodes.Assign, nodes.AssignBlock)) and isinstance(node.target, nodes.Name))
    constants = frozenset(node.value for node in tree.find_all(nodes.Const) if isinstance(node.value, str))
    scope = _Scope(tree)
    bodies = _body_paths(tree, scope)
    # What it looks up on an article whose body it reads is covered by that article's digest.
    names = frozenset(node.attr for node in tree.find_all(nodes.Getattr)
                      if not bodies or scope.path(node.node) not in bodies) | constants
    return _Facts(None if None in used else frozenset(used), names, bodies, exported)


def _body_paths(tree: nodes.Template, scope: _Scope) -> frozenset[DataPath] | None:
    """The paths of the articles whose body the template reads, or None when it may read others'."""
    if _computed(tree):
        return None
    accesses = [node for node in tree.find_all((nodes.Getattr, nodes.Getitem)) if _body_name(node)]
    keys = sum(isinstance(node, nodes.Getitem) for node in accesses)
    named = sum(1 for node in tree.find_all(nodes.Const) if isinstance(node.value, str) and node.value in BODY_NAMES)
    if named > keys:  # a body name used otherwise: map(attribute="body_html")
        return None
    paths = {scope.path(access.node) for access in accesses}
    return None if None in paths else frozenset(paths)


def _body_name(node: nodes.Getattr | nodes.Getitem) -> bool:
    if isinstance(node, nodes.Getattr):
        return node.attr in BODY_NAMES
    return isinstance(node.arg, nodes.Const) and node.arg.value in BODY_NAMES


def _computed(tree: nodes.Template) -> bool:
    """Whether it looks an item or attribute up by a computed name (which may be a body's)."""
    return any(not isinstance(node.arg, nodes.Const) and not isinstance(node.node, LITERALS)
               for node in tree.find_all(nodes.Getitem)) \
        or any(node.name in ("attr", "attribute") for node in tree.find_all(nodes.Filter))


class _Scope:
    """The fixed paths a template's expressions read, from the names of the page's data."""

    def __init__(self, tree: nodes.Template):
        # A name in a macro, a call block or a scoped block (which sees the loop variables of the
        # template it fills in: `{% block content scoped %}` inside a loop over the feed's articles)
        # may stand for any article.
        self.in_macros = {id(node) for macro in tree.find_all((nodes.Macro, nodes.CallBlock, nodes.Block))
                          if not isinstance(macro, nodes.Block) or macro.scoped
                          for node in macro.find_all(nodes.Expr)}
        self.stored = Counter(node.name for node in tree.find_all(nodes.Name) if node.ctx == "store")
        self.stored.update(node.target for node in tree.find_all(nodes.Import))
        self.stored.update(name if isinstance(name, str) else name[1]
                           for node in tree.find_all(nodes.FromImport) for name in node.names)
        self.sets = {node.target.name: node.node for node in tree.body
                     if isinstance(node, nodes.Assign) and isinstance(node.target, nodes.Name)}

    def path(self, node: nodes.Node) -> DataPath | None:
        """From a context name, through attributes, constant keys and a name set once at the top
        level to such a path; None for any other expression, and for any in a macro."""
        return None if id(node) in self.in_macros else self._path(node, frozenset())

    def _path(self, node: nodes.Node, through: frozenset[str]) -> DataPath | None:
        if isinstance(node, nodes.Getattr):
            base = self._path(node.node, through)
            return base and (*base, node.attr)
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            base = self._path(node.node, through)
            return base and (*base, node.arg.value)
        if isinstance(node, nodes.Name) and node.name not in through:
            if self.stored[node.name] == 0:
                return (node.name,)
            if self.stored[node.name] == 1 and node.name in self.sets:
                return self._path(self.sets[node.name], through | {node.name})
        return None
