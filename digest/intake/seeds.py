"""The seeds folder, and the names a curator gives a seed on the command line."""

from __future__ import annotations

from pathlib import Path

from digest.errors import DigestError
from digest.intake.record import Record


def seed_files(seeds_dir: Path) -> dict[str, Path]:
    """name -> path of every seed: the folder's files, hidden ones left out, in name order."""
    return {path.name: path for path in sorted(seeds_dir.iterdir()) if path.is_file() and not path.name.startswith(".")}


def resolve_seed(name: str, seeds: dict[str, Path], record: Record, content_dir: Path) -> str:
    """The seed meant by `name`: a seed's file name or path, or its article's slug or file."""
    given = Path(name)
    if given.name in seeds and (given.parent == Path(".") or given.parent.name == "seeds"
                                or given.resolve().parent == next(iter(seeds.values())).parent):
        return given.name
    slug = given.stem if given.suffix == ".md" else name
    seed = record.seed_of(slug)
    if seed is not None and seed in seeds:
        return seed
    if seed is not None:
        raise DigestError(f"the seed of this article ({seed}) is no longer in seeds/", content_dir / f"{slug}.md")
    if given.name in record.entries:
        raise DigestError("the seed file is no longer in seeds/", name)
    raise DigestError(f"no seed or article named '{name}' (give a seed's file name, like 000_x.txt, or an "
                      f"article's slug)")
