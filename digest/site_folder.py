"""The site folder: which folder a build may write, the mark it leaves in it, and the staging
area where the next site is made before it takes the old one's place.

A build only ever replaces or writes into a folder it made itself: one holding the marker file
`.digest-site`, an empty one, or no folder yet. `paths.site` may not be the project folder or
hold it, nor be, hold or lie inside content/, seeds/, templates/, static/ or the cache, nor lie
inside .git. A site built before the marker existed is adopted when the cache's record of the
last build names it.

The staging area is `<paths.cache>/staging/`, or, when the cache is on another file system than
the site (a rename across file systems is a copy, not atomic), `.<site>.digest-staging/` beside
the site folder. A killed build's leftovers there are deleted by the next build.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from digest.cache import BuildCache
from digest.config import Config
from digest.errors import DigestError

MARKER = ".digest-site"
MARKER_TEXT = ("This folder is made by digest's build (./build.py build), which replaces it whole.\n"
               "Keep nothing of your own here: edit content/, templates/ and static/ instead.\n")
# The project's folders a site may not be, hold or lie inside, by their `paths` key.
KEPT_FOLDERS = ("content", "seeds", "templates", "static", "cache")


def check_site_setting(config: Config) -> None:
    """`paths.site` names a folder of its own (see the module's docstring); else a DigestError
    naming the key and the folder, before anything is written."""
    site = config.dir("site")

    def refuse(why: str) -> DigestError:
        return DigestError(f"paths.site: {config['paths']['site']!r} ({site}) {why}; the site needs a folder "
                           f"of its own (a build replaces it whole), like site", config.path)

    if site == config.root:
        raise refuse("is the project folder (where the config file is)")
    if config.root.is_relative_to(site):
        raise refuse(f"holds the project folder {config.root}")
    if ".git" in site.parts:
        raise refuse("is or lies inside a .git folder")
    for name in KEPT_FOLDERS:
        folder = config.dir(name)
        where = (("is" if site == folder else "lies inside") if site.is_relative_to(folder)
                 else "holds" if folder.is_relative_to(site) else None)
        if where:
            raise refuse(f"{where} the {name} folder (paths.{name}: {config['paths'][name]})")


def claim_site(config: Config, cache: BuildCache) -> None:
    """Make sure the build may write the site folder: absent, empty, marked, or the folder the
    cache's last build wrote (then it is marked now); else a DigestError telling the curator
    to delete or move it."""
    site = config.dir("site")
    if not site.exists():
        return
    if not site.is_dir():
        raise DigestError(f"paths.site: {site} is a file, not a folder; delete or move it", config.path)
    if (site / MARKER).is_file():
        return
    if next(site.iterdir(), None) is not None and last_output(cache) != site:
        raise DigestError(f"paths.site: {site} already exists and was not made by this build (it has no "
                          f"{MARKER} file); delete or move it, or choose another paths.site", config.path)
    mark(site)


def mark(folder: Path) -> None:
    (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def last_output(cache: BuildCache) -> Path | None:
    """The site folder the cache's record of the last build names, if any."""
    try:
        return Path(json.loads(cache.get("report") or "{}")["output"])
    except (KeyError, TypeError, ValueError):
        return None


def staging_area(config: Config) -> Path:
    """Where a build makes the next site and puts the old one aside: the cache folder when it is
    on the site's file system, else beside the site folder."""
    cache, site = config.dir("cache"), config.dir("site")
    cache.mkdir(parents=True, exist_ok=True)
    site.parent.mkdir(parents=True, exist_ok=True)
    if os.stat(cache).st_dev == os.stat(site.parent).st_dev:
        return cache / "staging"
    return site.parent / f".{site.name}.digest-staging"


def clear_leftovers(config: Config) -> None:
    """Delete what killed builds left: the staging areas, the folders older versions staged
    beside the site (`.site-new-*`, `.site-old`) and their search indexes staged inside it.
    Only while holding the project lock: another build's staging is never deleted."""
    site = config.dir("site")
    leftovers = [config.dir("cache") / "staging", site.parent / f".{site.name}.digest-staging",
                 *site.parent.glob(f".{site.name}-new-*"), site.parent / f".{site.name}-old"]
    if (site / MARKER).is_file():
        leftovers += [*site.glob(".pagefind-*"), *site.glob("*/.pagefind-*")]
    for folder in leftovers:
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder)


def new_folder(area: Path, prefix: str) -> Path:
    """A new folder with an unused name in `area`, its mode 0777 less the umask (the site is
    meant to be read by a web server; mkdtemp's would be private)."""
    area.mkdir(parents=True, exist_ok=True)
    while True:
        folder = area / f"{prefix}{secrets.token_hex(4)}"
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue


@contextmanager
def staging_folder(site_dir: Path, area: Path, swap: bool = True) -> Iterator[Path]:
    """A new folder in the staging `area` to build into; with `swap` it is marked as the build's
    and replaces `site_dir` if the block succeeds, otherwise the block moves what it wants and
    the rest is deleted."""
    staging = new_folder(area, "new-")
    try:
        if swap:
            mark(staging)
        yield staging
    except BaseException:
        shutil.rmtree(staging)
        raise
    if swap:
        replace_folder(site_dir, staging, area)
    else:
        shutil.rmtree(staging)
    tidy(area)


def tidy(area: Path) -> None:
    """Remove the staging area once nothing is left in it (beside the site, it would stay in sight)."""
    with suppress(OSError):
        area.rmdir()


def move_into(staging: Path, site_dir: Path, paths: list[str]) -> None:
    """Each file by one rename, replacing the old one: a reader never sees half a file."""
    for path in paths:
        target = site_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / path, target)


def replace_folder(current: Path, new: Path, area: Path) -> None:
    """`new` takes the place of `current` by two renames, the old folder put aside in the
    staging `area` and deleted after."""
    old = new_folder(area, "old-")
    if current.exists():
        os.rename(current, old / current.name)
    os.rename(new, current)
    shutil.rmtree(old)


def remove_files(site_dir: Path, paths: list[str]) -> None:
    """Delete files the site no longer has, and the folders that leaves empty."""
    for path in paths:
        (site_dir / path).unlink(missing_ok=True)
    for folder in sorted({(site_dir / path).parent for path in paths}, key=lambda f: -len(f.parts)):
        while folder != site_dir and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
