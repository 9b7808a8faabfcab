"""The one error type users see: a message naming the file (and line) at fault."""

from __future__ import annotations

from pathlib import Path


class DigestError(Exception):
    """A problem with the user's input, reported as `path:line: message`."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line

    def __reduce__(self):  # keeps path and line when an error crosses from a worker process
        return type(self), (self.message, self.path, self.line)

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return where + self.message
