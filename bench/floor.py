#!/usr/bin/env python3
"""The Python floor: the least a Python generator does per article, in one process.

    python bench/floor.py CONTENT_DIR OUTPUT_DIR

For every content/*.md: parse its YAML front-matter (libyaml, as digest does), convert its Markdown
(Python-Markdown, no extensions), render one Jinja template and write one file. No lists, feeds,
links between pages or anything else a site needs: a bound that a real build can only beat by
doing less per article or by using more cores.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import jinja2
import markdown
import yaml

TEMPLATES = Path(__file__).resolve().parent / "peers"
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_article(path: Path) -> tuple[dict[str, Any], str]:
    """(front-matter, Markdown body) of a content file, unvalidated."""
    _, front_matter, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.load(front_matter, Loader=LOADER), body


def build_floor(content: Path, output: Path) -> int:
    """Write output/<name>.html for each content/<name>.md; returns how many."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    template = environment.get_template("floor.html")
    converter = markdown.Markdown()
    output.mkdir(parents=True, exist_ok=True)
    paths = sorted(content.glob("*.md"))
    for path in paths:
        meta, body = read_article(path)
        page = template.render(meta=meta, body=converter.reset().convert(body))
        (output / f"{path.stem}.html").write_text(page, encoding="utf-8")
    return len(paths)


if __name__ == "__main__":
    print(f"floor: {build_floor(Path(sys.argv[1]), Path(sys.argv[2]))} articles")
