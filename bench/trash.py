"""Deleting a benchmark's outputs without slowing the run timed after it.

On ext4 without a journal (this machine's disk), a new file or folder is not given an inode freed
in the last minute: the allocator looks at each such inode in turn before taking a free one
(`recently_deleted` in fs/ext4/ialloc.c). Right after 16,000 files were deleted, making 16,000 new
ones took 3.45 s here, against 0.83 s when nothing had been deleted for a minute. No real build
follows a mass deletion: a fresh clone has none, and our own full build deletes the old site
after writing the new one. So a clean run's old outputs are moved aside (a rename frees no inode)
and deleted once the whole benchmark is over.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TRASH = Path(__file__).resolve().parent / "out" / ".trash"
RECENT_SECONDS = 61  # how long ext4 passes over a freed inode whose inode table block is written out


def discard(path: Path) -> None:
    """Move `path`, if it is there, into the trash (on the same disk: one rename)."""
    if path.exists() or path.is_symlink():
        TRASH.mkdir(parents=True, exist_ok=True)
        os.rename(path, Path(tempfile.mkdtemp(dir=TRASH)) / path.name)


@contextmanager
def trash_emptied_after() -> Iterator[None]:
    """The block's discarded outputs deleted after it. A trash left by an interrupted run is deleted
    first, then the inodes it freed are given time to be no longer recent."""
    if TRASH.exists():
        shutil.rmtree(TRASH)
        os.sync()
        print(f"bench: deleted an earlier run's trash; waiting {RECENT_SECONDS} s for the disk to reuse its inodes",
              flush=True)
        time.sleep(RECENT_SECONDS)
    try:
        yield
    finally:
        shutil.rmtree(TRASH, ignore_errors=True)
