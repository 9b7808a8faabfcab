"""The preview's HTTP side: site/ served under the base path, the error page while a build is
broken, and the live-reload stream (digest/serve.py builds and watches).

Pages get a one-line script, added to the response only and never to the files, that listens on a
server-sent-events stream and reloads the tab when the build count moves.

When a build fails the server keeps running: every HTML page it serves (any page, and the
404 page) is replaced by an error page with the message, the file and the line, while the
other files (CSS, feeds) still come from the last good site/, which a failed build leaves
untouched. The next good build brings the pages back, and both switches reload open tabs.

Only files inside site/ are served: `..`, encoded slashes, backslashes, NUL and other control
characters are refused before the file system is asked, and a resolved path (symlinks
followed) that leaves site/ gets 403.
"""

from __future__ import annotations

import html
import mimetypes
import re
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socket import AF_INET, AF_INET6
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote

from digest.errors import DigestError
from digest.files import shown_path

if TYPE_CHECKING:
    from digest.serve import Preview

EVENTS_PATH = "/__digest__/events"
RELOAD_SCRIPT = ('<script>new EventSource("{events}?since={generation}")'
                 '.addEventListener("reload", () => location.reload());</script>\n')
KEEPALIVE_SECONDS = 15
IDLE_TIMEOUT_SECONDS = 30  # a connection sending no request, or reading no response, this long is closed
GENERATION_RE = re.compile(r"[0-9]{1,18}")  # `since`: a build count, well within an int64

CONTENT_TYPES = {
    ".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".mjs": "text/javascript",
    ".json": "application/json", ".xml": "application/xml", ".atom": "application/atom+xml",
    ".txt": "text/plain", ".svg": "image/svg+xml", ".wasm": "application/wasm",
    ".woff2": "font/woff2", ".ico": "image/x-icon", ".webmanifest": "application/manifest+json",
}
ENCODED_SEPARATOR_RE = re.compile(r"%(2f|5c|00)", re.IGNORECASE)
UNSAFE_CHAR_RE = re.compile(r"[\\\x00-\x1f\x7f]")


class BuildState:
    """The outcome of the latest build and a count of builds, which open tabs wait on."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.generation = 0
        self.error: Exception | None = None
        self.closed = False

    def record(self, error: Exception | None) -> None:
        with self.changed:
            self.generation += 1
            self.error = error
            self.changed.notify_all()

    def snapshot(self) -> tuple[int, Exception | None]:
        with self.changed:
            return self.generation, self.error

    def wait_past(self, generation: int, timeout: float) -> int | None:
        """The build count once it differs from `generation` (or after `timeout`); None when closing."""
        with self.changed:
            self.changed.wait_for(lambda: self.closed or self.generation != generation, timeout)
            return None if self.closed else self.generation

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()



class PreviewServer(ThreadingHTTPServer):
    """One thread per request; event streams end when the preview stops."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], preview: Preview):
        self.preview = preview
        self.address_family = AF_INET6 if ":" in address[0] else AF_INET
        try:
            super().__init__(address, PreviewHandler)
        except (OSError, OverflowError) as exc:
            raise DigestError(f"cannot listen on {address[0]}:{address[1]}: {getattr(exc, 'strerror', None) or exc}")

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a closed tab is not an error
            super().handle_error(request, client_address)


@dataclass(frozen=True)
class Lookup:
    """What a request target maps to: a file to send (200), a redirect (302), or 403/404."""

    status: int
    file: Path | None = None
    location: str | None = None


def locate(target: str, site_dir: Path, base_path: str) -> Lookup:
    """Map a request target to a file inside `site_dir`; anything that could leave it is refused."""
    raw = target.split("?", 1)[0].split("#", 1)[0]
    if not raw.startswith("/") or ENCODED_SEPARATOR_RE.search(raw):
        return Lookup(404)
    try:
        path = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return Lookup(404)
    if UNSAFE_CHAR_RE.search(path) or "//" in path or {".", ".."} & set(path.split("/")):
        return Lookup(404)
    if path == base_path.rstrip("/") or (path == "/" and base_path != "/"):
        return Lookup(302, location=base_path)
    if not path.startswith(base_path):
        return Lookup(404)
    return find_file(site_dir, path[len(base_path):], raw)


def find_file(site_dir: Path, relative: str, raw: str) -> Lookup:
    """The file for `relative` (a folder's index.html), its symlinks resolved, still inside `site_dir`."""
    root = site_dir.resolve()
    try:
        found = (root / relative).resolve()
        if found.is_relative_to(root) and found.is_dir():
            if not raw.endswith("/"):
                return Lookup(302, location=raw + "/")
            found = (found / "index.html").resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return Lookup(404)
    if not found.is_relative_to(root):
        return Lookup(403)
    return Lookup(200, file=found) if found.is_file() else Lookup(404)


def read_file(path: Path | None) -> bytes | None:
    try:
        return path.read_bytes() if path else None
    except OSError:
        return None


def content_type(path: Path) -> str:
    kind = CONTENT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    is_text = kind.startswith("text/") or kind.endswith(("xml", "json"))
    return f"{kind}; charset=utf-8" if is_text else kind


def add_reload_script(page: bytes, generation: int) -> bytes:
    """The page with the reload listener before </body> (or at the end)."""
    script = RELOAD_SCRIPT.format(events=EVENTS_PATH, generation=generation).encode("utf-8")
    end = page.lower().rfind(b"</body>")
    return page + script if end < 0 else page[:end] + script + page[end:]


def error_page(error: Exception, root: Path) -> bytes:
    """The build error as a page: message, file and line, and the lines around it; all escaped."""
    if isinstance(error, DigestError):
        message, path, line = error.message, error.path, error.line
    else:
        message, path, line = f"internal error: {type(error).__name__}: {error}", None, None
    where = f"{shown_path(path, root)}, line {line}" if line else shown_path(path, root)
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Build failed</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
pre{{background:#f4f4f4;color:#222;padding:1rem;overflow:auto}}.bad{{background:#fdd;font-weight:bold}}</style>
</head>
<body>
<h1>Build failed</h1>
<p class="where">{html.escape(where)}</p>
<pre class="message">{html.escape(message)}</pre>
{source_excerpt(path, line)}
<p>Fix it and save: this page reloads by itself once the site builds again.</p>
</body>
</html>
""".encode("utf-8")


def source_excerpt(path: Path | None, line: int | None, around: int = 2) -> str:
    """The lines around `line` of `path`, numbered, the bad one marked."""
    if path is None or not line:
        return ""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError:
        return ""
    first = max(line - around, 1)
    rows = [f'<span class="{"bad" if number == line else "ok"}">{number:>4} | {html.escape(text)}</span>'
            for number, text in enumerate(lines[first - 1:line + around], start=first)]
    return '<pre class="source">' + "\n".join(rows) + "</pre>"


class PreviewHandler(BaseHTTPRequestHandler):
    """GET and HEAD for the site's files, the error page while a build is broken, and the event stream."""

    server: PreviewServer
    server_version = "digest-preview"

    def setup(self) -> None:
        self.timeout = IDLE_TIMEOUT_SECONDS  # the socket's timeout: an idle client does not keep a thread forever
        super().setup()

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] == EVENTS_PATH:
            self.send_events()
        else:
            self.send_site_file(with_body=True)

    def do_HEAD(self) -> None:
        self.send_site_file(with_body=False)

    def log_message(self, format: str, *args) -> None:
        """Quiet: the terminal shows builds, not requests."""

    def send_site_file(self, with_body: bool) -> None:
        preview = self.server.preview
        generation, error = preview.state.snapshot()  # before reading: a newer page only reloads once more
        site_dir = preview.config.dir("site")
        found = locate(self.path, site_dir, preview.base_path)
        if found.status == 302:
            return self.send(302, b"", "text/plain; charset=utf-8", with_body, {"Location": found.location})
        if found.status == 403:
            return self.send(403, b"forbidden\n", "text/plain; charset=utf-8", with_body)
        status, file = (200, found.file) if found.file else (404, find_file(site_dir, "404.html", "/").file)
        kind = content_type(file or Path("404.html"))
        if error is not None and kind.startswith("text/html"):
            status, body = 500, error_page(error, preview.config.root)
        elif (body := read_file(file)) is None:  # no 404.html, or the file went away with a rebuild
            status, body, kind = 404, b"not found\n", "text/plain; charset=utf-8"
        if kind.startswith("text/html"):
            body = add_reload_script(body, generation)
        self.send(status, body, kind, with_body)

    def send(self, status: int, body: bytes, kind: str, with_body: bool, headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": kind, "Content-Length": str(len(body)),
                            "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
                            **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def send_events(self) -> None:
        """Server-sent events: `reload` whenever the build count passes the one the page was served at."""
        state = self.server.preview.state
        since = parse_qs(self.path.partition("?")[2], keep_blank_values=True).get("since")
        if since is not None and not GENERATION_RE.fullmatch(since[0]):
            return self.send(400, b"since must be a build number, like since=3\n", "text/plain; charset=utf-8", True)
        generation = int(since[0]) if since is not None else state.snapshot()[0]
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(b"retry: 500\n\n")
        while (current := state.wait_past(generation, KEEPALIVE_SECONDS)) is not None:
            message = f"event: reload\ndata: {current}\n\n" if current != generation else ": keep-alive\n\n"
            self.wfile.write(message.encode("utf-8"))
            self.wfile.flush()
            generation = current
