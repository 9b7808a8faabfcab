#!/usr/bin/env python3
"""Does this checkout ingest exactly as another one does? A check for speed work, which must not
change any output.

    python bench/same_output.py --reference DIR [--seeds 2000] [--out bench/out/same-output]

Two corpora: `--seeds` generated raw pages (bench.corpus, made once and kept in --out), and the real
pages of tests/realworld/ with the shipped seeds/. Each is ingested with the shipped config.yaml
(duplicate detection on) by `build.py ingest` of the reference checkout (once: its content/ is kept
in --out, so that the reference can be a `git worktree` of main removed afterwards) and of this
checkout; every file under content/ must come out byte-identical. Exit status 1 and the differing
files listed when they do not.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import write_raw_corpus  # noqa: E402

REAL_PAGES = (ROOT / "tests" / "realworld" / "pages", ROOT / "seeds")


def corpora(out: Path, generated: int) -> dict[str, Path]:
    """name -> seeds folder, made once."""
    folders = {f"generated-{generated}": out / f"seeds-generated-{generated}", "realworld": out / "seeds-realworld"}
    if not folders[f"generated-{generated}"].is_dir():
        write_raw_corpus(folders[f"generated-{generated}"], generated)
    if not folders["realworld"].is_dir():
        folders["realworld"].mkdir(parents=True)
        for folder in REAL_PAGES:
            for page in sorted(folder.iterdir()):
                shutil.copyfile(page, folders["realworld"] / page.name)
    return folders


def ingest_with(code: Path, seeds: Path, project: Path) -> Path:
    """content/ of `code`'s `build.py ingest` on `seeds`, in a fresh project."""
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    shutil.copyfile(ROOT / "config.yaml", project / "config.yaml")
    (project / "seeds").symlink_to(seeds.resolve())
    subprocess.run([sys.executable, str(code / "build.py"), "--config", str(project / "config.yaml"), "ingest"],
                   cwd=project, stdout=subprocess.DEVNULL, check=True)
    return project / "content"


def differences(expected: Path, actual: Path) -> list[str]:
    """Files (relative paths) missing on one side or differing in any byte."""
    names = {p.relative_to(expected) for p in expected.rglob("*") if p.is_file()}
    names |= {p.relative_to(actual) for p in actual.rglob("*") if p.is_file()}
    return sorted(str(name) for name in names
                  if not (expected / name).is_file() or not (actual / name).is_file()
                  or not filecmp.cmp(expected / name, actual / name, shallow=False))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", type=Path, help="checkout whose output is expected (needed on the first run)")
    parser.add_argument("--seeds", type=int, default=2000, help="generated raw pages")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "same-output")
    args = parser.parse_args()
    failed = False
    for name, seeds in corpora(args.out, args.seeds).items():
        expected = args.out / "reference" / name / "content"
        if not expected.is_dir():
            if args.reference is None:
                parser.error(f"no reference output for {name} yet: give --reference")
            ingest_with(args.reference, seeds, args.out / "reference" / name)
        actual = ingest_with(ROOT, seeds, args.out / "this" / name)
        found = differences(expected, actual)
        files = sum(1 for p in expected.rglob("*") if p.is_file())
        print(f"{name}: {files} files, {'identical' if not found else f'{len(found)} differ'}")
        for path in found[:20]:
            print(f"  {path}")
        failed = failed or bool(found)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
