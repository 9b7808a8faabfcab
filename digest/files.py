"""Reading and writing files safely, shared by intake and the build: never a half-written file,
never a wait on something that is not a plain file."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from digest.errors import DigestError


def shown_path(path: Path | str | None, root: Path) -> str:
    """`path` as the curator is shown it: relative to the project folder `root` when it lies inside
    it, else as it is; "" for no path."""
    if path is None:
        return ""
    path = Path(path)
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder and rename: never a half-written file.
    The file is made with the umask's mode, like any other file (mkstemp's would be 0600)."""
    temp, descriptor = _open_beside(path)
    try:
        # written through the descriptor that made the file: opening it again by name cost three
        # times as much as the writing (10,000 articles: 1.5 s)
        with open(descriptor, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def create_beside(path: Path) -> Path:
    """A new, empty file with an unused hidden name in `path`'s folder, its mode 0666 less the umask."""
    temp, descriptor = _open_beside(path)
    os.close(descriptor)
    return temp


def _open_beside(path: Path) -> tuple[Path, int]:
    """create_beside's file, and a descriptor open for writing it."""
    while True:
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return temp, os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue


def check_plain_file(path: Path) -> os.stat_result:
    """The stat of `path`; a DigestError naming it when it is not a plain file: a folder, a FIFO,
    a socket or device, or a symbolic link to nothing. Told from its stat, never by opening it:
    opening a FIFO waits for a writer, forever."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise DigestError(f"a symbolic link to {os.readlink(path)!r}, which does not exist", path) from None
        raise DigestError("the file went away while it was being read", path) from None
    except OSError as exc:  # a symlink loop, a folder one may not enter
        raise DigestError(f"cannot be read: {exc.strerror}", path) from None
    if stat.S_ISDIR(info.st_mode):
        raise DigestError("a folder named like a content file; content files are plain .md files", path)
    if not stat.S_ISREG(info.st_mode):
        raise DigestError("not a plain file (a FIFO, socket or device); content files are plain .md files", path)
    return info
