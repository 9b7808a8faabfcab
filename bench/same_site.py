#!/usr/bin/env python3
"""Check that a change to the build leaves the shipped site byte for byte as it was.

    python bench/same_site.py [--ref main] [--articles 1000] [--seed 1]

Builds the shipped settings (two editions, search on) of one generated corpus (bench/out/search-N,
see bench/search.py) twice, each a clean build in a subprocess: with the code of git `--ref`
(checked out in a temporary worktree, removed afterwards) and with the code of this working tree;
then compares every file of the two sites, names and bytes. Prints the CPU seconds of each build
(user + system, worker processes included), lists the files that differ and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.projects import our_config  # noqa: E402
from bench.search import prepare  # noqa: E402

import yaml  # noqa: E402


def build(code: Path, content: Path, folder: Path) -> float:
    """A clean shipped build of `content` by the build.py of `code` into folder/site; its CPU seconds."""
    data = our_config(content, shipped=True)
    data["paths"].update(templates=str(code / "templates"), static=str(code / "static"),
                         site=str(folder / "site"), cache=str(folder / ".digest-cache"))
    folder.mkdir(parents=True)
    (folder / "config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, str(code / "build.py"), "--config", str(folder / "config.yaml"), "build"],
                   check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def differences(one: Path, other: Path) -> list[str]:
    """The files (relative paths) that are in one site only or whose bytes differ."""
    files = [{path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file()} for site in (one, other)]
    alone = sorted(files[0] ^ files[1])
    differ = sorted(name for name in files[0] & files[1] if not filecmp.cmp(one / name, other / name, shallow=False))
    return [f"only in one site: {name}" for name in alone] + [f"bytes differ: {name}" for name in differ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="main", help="the git revision built as the reference")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    content = prepare(args.articles, args.seed) / "content"
    with tempfile.TemporaryDirectory(prefix="same-site-") as temporary:
        work = Path(temporary)
        reference = work / "reference-code"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(reference), args.ref],
                       check=True, capture_output=True)
        try:
            before = build(reference, content, work / "before")
            after = build(ROOT, content, work / "after")
            found = differences(work / "before" / "site", work / "after" / "site")
            files = sum(1 for path in (work / "after" / "site").rglob("*") if path.is_file())
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(reference)], check=True)
    print(f"{args.articles} articles, shipped settings: {args.ref} {before:.1f} s CPU, this tree {after:.1f} s CPU "
          f"(load average {os.getloadavg()[0]:.1f}); {files} files compared, {len(found)} differ")
    print("\n".join(found[:50]))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
