"""Preview the site while editing it: build, serve site/, rebuild on save, reload the open tabs.

`./build.py serve` builds once (with drafts, which the templates mark 草稿), then serves site/ on
127.0.0.1 under the base path of
the published site (base_url https://user.github.io/digest/ is served at
http://127.0.0.1:8000/digest/, and `/` redirects there), so every link works as it will online.
Watchers on content/, templates/, static/, seeds/ and config.yaml queue the changed paths; one
builder thread rebuilds (a change in seeds/ runs ingest first) and records each build in the
BuildState that open tabs wait on. The HTTP side (serving site/, the error page, the reload
stream) is digest/preview_http.py.
"""

from __future__ import annotations

import gc
import ipaddress
import queue
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import watchfiles

from digest.config import Config, load_config
from digest.errors import DigestError
from digest.lock import project_lock
from digest.preview_http import BuildState, PreviewServer
from digest.render import BuildMemory, build_site
from digest.search_build import finish_search
from digest.urls import Urls

WATCH_STEP_MS = 20  # a batch of changes is handed over once the files are quiet this long
WATCH_TICK_MS = 200  # the watchers wake this often when nothing changes; the first tick means "watching"


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
