"""One build of a project at a time: a lock on a file in the cache folder.

`build`, `ingest` and the preview's builds each hold it while they read the cache and write the
site or content/. A second one waits, saying so on one line, or with `wait=False` stops with a
clear message. The lock is held again, at no cost, by the thread holding it already (the
preview's ingest and build, the build inside the command line's lock). The operating system
lets go of it when its holder dies, so a killed build never leaves the project locked.
"""

from __future__ import annotations

import fcntl
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from digest.errors import DigestError

LOCK_FILE = "lock"
POLL_SECONDS = 0.1

_held = threading.local()  # lock file -> how many times this thread holds it


@contextmanager
def project_lock(cache_dir: Path, wait: bool = True,
                 cancelled: Callable[[], bool] = lambda: False) -> Iterator[None]:
    """Hold the project's lock (the file `lock` in `cache_dir`) for the block. When another
    process holds it: wait, telling stderr once, until it is free or `cancelled()`; or, without
    `wait`, a DigestError."""
    path = cache_dir / LOCK_FILE
    counts = _held.__dict__.setdefault("counts", {})
    if counts.get(path):
        counts[path] += 1
        try:
            yield
        finally:
            counts[path] -= 1
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        _acquire(descriptor, wait, cancelled)
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)  # for the message of the one waiting
        counts[path] = 1
        try:
            yield
        finally:
            counts[path] = 0
            # Unlocked, not only closed: a worker forked during the build shares the descriptor.
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _acquire(descriptor: int, wait: bool, cancelled: Callable[[], bool]) -> None:
    """Polled rather than blocking, so that a preview stopping while it waits is not kept waiting."""
    told = False
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        holder = _holder(descriptor)
        if not wait:
            raise DigestError(f"another build of this project is running{holder}; "
                              f"run again once it ends, or leave out --no-wait to wait for it")
        if cancelled():
            raise DigestError("stopped while waiting for another build of this project")
        if not told:
            print(f"waiting for another build of this project{holder}…", file=sys.stderr, flush=True)
            told = True
        time.sleep(POLL_SECONDS)


def _holder(descriptor: int) -> str:
    """` (pid N)`: the process holding the lock, as it wrote itself in the file."""
    pid = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip()
    return f" (pid {pid})" if pid.isdigit() else ""
