"""YAML as the curator typed it: the YAML 1.2 core schema, for config.yaml and front-matter.

PyYAML guesses with YAML 1.1 rules: `12:30` is the number 750, `on` is True, `007` is 7, `0x1F`
is 31. Its parser is kept (libyaml's C one when PyYAML has it: front-matter is read for every
article on every build) and only the guessing is replaced, by the four rules of YAML 1.2 core
(null, bool, int, float; no timestamps, no `<<` merge keys). Mapping keys are always text, and a
key written twice, at any depth, is an error at its line rather than a silent overwrite.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, ScalarNode

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

NULL, BOOL = "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool"
INT, FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"

# The YAML 1.2 core schema's resolvers (https://yaml.org/spec/1.2.2/#1032-tag-resolution):
# tag, pattern, the characters a matching plain scalar can start with.
CORE_RESOLVERS = (
    (NULL, r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    (INT, r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (FLOAT, r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", list("-+.0123456789")),
)


def _resolver_table(resolvers: Any) -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, pattern, first in resolvers:
        for char in first:
            table.setdefault(char, []).append((tag, re.compile(pattern)))
    return table


class CoreLoader(_BaseLoader):
    """A safe loader with YAML 1.2 core resolution, text keys and no duplicate keys."""

    yaml_implicit_resolvers = _resolver_table(CORE_RESOLVERS)

    def construct_yaml_int(self, node: ScalarNode) -> int:
        text = self.construct_scalar(node)
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text, 10)  # 007 is seven, as 1.2 says (1.1 read a leading 0 as octal)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[str, Any]:
        if not isinstance(node, MappingNode):
            raise ConstructorError(None, None, f"expected a mapping, found {node.id}", node.start_mark)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise ConstructorError(None, None, "a key must be plain text", key_node.start_mark)
            key = key_node.value  # as typed: `1.10:` is the key "1.10", `null:` the key "null"
            if key in mapping:
                raise ConstructorError(None, None, f"duplicate key '{key}'", key_node.start_mark)
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


CoreLoader.add_constructor(INT, CoreLoader.construct_yaml_int)


def yaml_error(exc: yaml.YAMLError) -> tuple[str, int | None]:
    """(the problem in words, its 0-based line or None) of a parse or construct error."""
    mark = getattr(exc, "problem_mark", None)
    return str(getattr(exc, "problem", None) or exc), (mark.line if mark else None)


def load(text: str) -> Any:
    """The data of one YAML document under the core rules."""
    loader = CoreLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def compose_and_construct(text: str) -> tuple[Any, Any]:
    """Parse once: the node tree (for line numbers and the text of scalars) and its data."""
    loader = CoreLoader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


class SafeDumper(_BaseDumper):
    """Quotes any text that YAML 1.1 or 1.2 would read as something else (`on`, `0o17`, `1e5`,
    `12:30`, `2024-05-26`), so a file written here reads back the same with either reader."""

    yaml_implicit_resolvers = {
        char: list(_BaseDumper.yaml_implicit_resolvers.get(char, [])) + core
        for char, core in {**{c: [] for c in _BaseDumper.yaml_implicit_resolvers},
                           **_resolver_table(CORE_RESOLVERS)}.items()
    }


def dump(data: Any) -> str:
    """Block-style YAML in the data's order, Chinese left readable."""
    return yaml.dump(data, Dumper=SafeDumper, allow_unicode=True, sort_keys=False, width=1000,
                     default_flow_style=False)
