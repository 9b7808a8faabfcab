"""Preview the site while editing it: build, serve site/, rebuild on save, reload the open tabs.

`./build.py serve` builds once (with drafts, which the templates mark 草稿), then serves site/ on
127.0.0.1 under the base path of
the published site (base_url https://user.github.io/digest/ is served at
http://127.0.0.1:8000/digest/, and `/` redirects there), so every link works as it will online.
Watchers on content/, templates/, static/, seeds/ and config.yaml queue the changed paths; one
builder thread rebuilds (a change in seeds/ runs ingest first) and bumps a build counter. Pages
get a one-line script, added to the response only and never to the files, that listens on a
server-sent-events stream and reloads the tab when the counter moves.

When a build fails the server keeps running: every HTML page it serves (any page, and the
404 page) is replaced by an error page with the message, the file and the line, while the
other files (CSS, feeds) still come from the last good site/, which a failed build leaves
untouched. The next good build brings the pages back, and both switches reload open tabs.

Only files inside site/ are served: `..`, encoded slashes, backslashes, NUL and other control
characters are refused before the file system is asked, and a resolved path (symlinks
followed) that leaves site/ gets 403.
"""

from __future__ import annotations

import gc
import html
import ipaddress
import mimetypes
import queue
import re
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socket import AF_INET, AF_INET6
from urllib.parse import parse_qs, unquote

import watchfiles

from digest.config import Config, load_config
from digest.errors import DigestError
from digest.files import shown_path
from digest.lock import project_lock
from digest.render import BuildMemory, build_site
from digest.search_build import finish_search
from digest.urls import Urls

EVENTS_PATH = "/__digest__/events"
RELOAD_SCRIPT = ('<script>new EventSource("{events}?since={generation}")'
                 '.addEventListener("reload", () => location.reload());</script>\n')
KEEPALIVE_SECONDS = 15
IDLE_TIMEOUT_SECONDS = 30  # a connection sending no request, or reading no response, this long is closed
GENERATION_RE = re.compile(r"[0-9]{1,18}")  # `since`: a build count, well within an int64
WATCH_STEP_MS = 20  # a batch of changes is handed over once the files are quiet this long
WATCH_TICK_MS = 200  # the watchers wake this often when nothing changes; the first tick means "watching"

CONTENT_TYPES = {
    ".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".mjs": "text/javascript",
    ".json": "application/json", ".xml": "application/xml", ".atom": "application/atom+xml",
    ".txt": "text/plain", ".svg": "image/svg+xml", ".wasm": "application/wasm",
    ".woff2": "font/woff2", ".ico": "image/x-icon", ".webmanifest": "application/manifest+json",
}
ENCODED_SEPARATOR_RE = re.compile(r"%(2f|5c|00)", re.IGNORECASE)
UNSAFE_CHAR_RE = re.compile(r"[\\\x00-\x1f\x7f]")


def serve(config: Config, host: str = "127.0.0.1", port: int = 8000, drafts: bool = False,
          reload: Callable[[], Config] | None = None) -> int:
    """Build and serve until Ctrl-C (or SIGTERM); returns the exit status, 0.

    `reload` reads the settings again when config.yaml changes (the command line passes one
    that re-applies its --base-url); by default config.yaml is read as it is."""
    preview = Preview(config, drafts, reload or (lambda: load_config(config.path)))
    try:
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        preview.start(host, port)
        print(f"serving {preview.url}  (Ctrl-C to stop)", flush=True)
        if not is_loopback(host):
            print(f"warning: {host} lets other machines on the network see the preview", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping", flush=True)
    finally:
        preview.stop()
    return 0


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def only(file: Path) -> Callable[[watchfiles.Change, str], bool]:
    """A watch filter passing the changes of one file."""
    return lambda change, path: Path(path) == file


def run_builder(config: Config, drafts: bool, changed: set[Path], memory: BuildMemory) -> str:
    """The one place the preview calls the builder, with what its builds keep between them;
    returns a summary line."""
    if any(path.is_relative_to(config.dir("seeds")) for path in changed):
        from digest.intake.ingest import ingest

        report = ingest(config)  # says what it did, as `./build.py ingest` does: the curator sees new articles
        print("\n".join(report.lines(config.root)), flush=True)
    return str(build_site(config, drafts=drafts, search_later=True, memory=memory))


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


class Preview:
    """The running preview: settings, build state, the HTTP server, the watchers and the builder."""

    def __init__(self, config: Config, drafts: bool, reload: Callable[[], Config]):
        self.config = config
        self.drafts = drafts
        self.reload = reload
        self.config_file = config.path.resolve() if config.path else None
        self.config_stale = False  # config.yaml changed and has not been read successfully since
        self.state = BuildState()
        self.memory = BuildMemory()
        self.changes: queue.Queue[set[Path]] = queue.Queue()
        self.stopping = threading.Event()
        self.server: PreviewServer | None = None
        self.threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}{self.base_path}"

    @property
    def base_path(self) -> str:
        return Urls(self.config["base_url"]).base_path

    def start(self, host: str, port: int) -> None:
        """First build (a failure only shows on the pages), then the server, watchers and builder."""
        self.rebuild(set())
        self.server = PreviewServer((host, port), self)
        watchers = self.watcher_threads()
        self.threads = [threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2}),
                        *watchers, threading.Thread(target=self.build_on_change)]
        for thread in self.threads:
            thread.start()
        for watcher in watchers:  # so that a save right after "serving ..." is not missed
            watcher.ready.wait(timeout=5)

    def stop(self) -> None:
        self.stopping.set()
        self.state.close()  # ends the event streams
        if self.threads:
            self.server.shutdown()
        if self.server:
            self.server.server_close()
        for thread in self.threads:
            thread.join()

    def watcher_threads(self) -> list[Watcher]:
        """Folders recursively; config.yaml through its folder, so that a save by rename is seen."""
        folders = [self.config.dir(name) for name in ("content", "issues", "templates", "static", "seeds")]
        watches = [([f for f in folders if f.is_dir()], True, watchfiles.DefaultFilter())]
        if self.config_file:
            watches.append(([self.config_file.parent], False, only(self.config_file)))
        return [Watcher(self, *watch) for watch in watches if watch[0]]

    def build_on_change(self) -> None:
        """Every batch of changes queued while a build ran is handled by the next single build."""
        while not self.stopping.is_set():
            try:
                changed = self.changes.get(timeout=0.2)
            except queue.Empty:
                continue
            while not self.changes.empty():
                changed |= self.changes.get_nowait()
            self.rebuild(changed)

    def rebuild(self, changed: set[Path]) -> None:
        """Build; any failure is recorded for the pages and printed, never raised."""
        started = time.perf_counter()
        try:
            self.config_stale |= self.config_file in changed
            if self.config_stale:
                self.config = self.reload()
                self.config_stale = False
            with project_lock(self.config.dir("cache"), cancelled=self.stopping.is_set):  # ingest and build as one
                summary = run_builder(self.config, self.drafts, changed, self.memory)
            # What the builder keeps has millions of objects and no cycles: were they left to the
            # collector, the next build would pay for a walk through all of them.
            gc.freeze()
        except Exception as exc:  # noqa: BLE001 - a broken file must not stop the preview
            if not isinstance(exc, DigestError):
                traceback.print_exc()
            print(f"error: {exc}", file=sys.stderr, flush=True)
            self.state.record(exc)
        else:
            print(f"built in {time.perf_counter() - started:.2f} s: {summary}", flush=True)
            self.state.record(None)
            self.update_search()

    def update_search(self) -> None:
        """After the tabs have reloaded: the search index, if an article's search text changed."""
        started = time.perf_counter()
        try:
            # A new save stops the indexing: its build comes first, and the index is made after it.
            with project_lock(self.config.dir("cache"), cancelled=self.stopping.is_set):
                updated = finish_search(self.config, lambda: self.stopping.is_set() or not self.changes.empty())
        except DigestError as exc:  # the pages are fine; the next build tries the index again
            print(f"error: {exc}", file=sys.stderr, flush=True)
        else:
            if updated:
                print(f"search index updated in {time.perf_counter() - started:.2f} s", flush=True)


class Watcher(threading.Thread):
    """Queues the paths that change under `paths` for the builder until the preview stops."""

    def __init__(self, preview: Preview, paths: list[Path], recursive: bool, watch_filter: Callable[..., bool]):
        super().__init__(name=f"watch {paths[0]}")
        self.preview, self.paths, self.recursive, self.watch_filter = preview, paths, recursive, watch_filter
        self.ready = threading.Event()

    def run(self) -> None:
        try:
            for changes in watchfiles.watch(*self.paths, watch_filter=self.watch_filter, recursive=self.recursive,
                                            step=WATCH_STEP_MS, rust_timeout=WATCH_TICK_MS, yield_on_timeout=True,
                                            stop_event=self.preview.stopping, raise_interrupt=False):
                self.ready.set()
                if changes:
                    self.preview.changes.put({Path(path) for _, path in changes})
        except Exception as exc:  # noqa: BLE001 - e.g. a watched folder removed: keep serving
            print(f"warning: stopped watching {', '.join(map(str, self.paths))}: {exc}", file=sys.stderr, flush=True)
        finally:
            self.ready.set()


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
