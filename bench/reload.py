#!/usr/bin/env python3
"""Time from saving one article to the reloaded page in a browser, on a generated site.

    python bench/reload.py [--articles 1000] [--edits 5] [--pause 1]

Generates `--articles` clean content files (once; kept in bench/out/reload-N/), runs
`python build.py serve` on them as a curator would, opens one article in Debian's chromium
through Playwright, then saves a new title into that article `--edits` times. Each time is
measured from just before the save until the open tab, reloaded by the preview itself, shows
the new title. Prints every time, the median, and the build times the server reported.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import write_content_corpus  # noqa: E402

OUT = ROOT / "bench" / "out"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TITLE_RE = re.compile(r"^title: .*$", re.MULTILINE)


def make_project(articles: int) -> Path:
    """bench/out/reload-N with N generated articles, the repository's config, templates and static."""
    project = OUT / f"reload-{articles}"
    content = project / "content"
    if len(list(content.glob("*.md"))) != articles:
        for old in content.glob("*.md"):
            old.unlink()
        write_content_corpus(content, articles)
    (project / "config.yaml").write_text((ROOT / "config.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for name in ("templates", "static"):
        if not (project / name).exists():
            (project / name).symlink_to(ROOT / name)
    return project


class Server:
    """`python build.py serve` in a subprocess; its output lines collected by a thread."""

    def __init__(self, project: Path):
        command = [sys.executable, str(ROOT / "build.py"), "--config", str(project / "config.yaml"),
                   "serve", "--port", "0"]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        threading.Thread(target=self.collect, daemon=True).start()

    def collect(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def url(self, timeout: float = 300) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            served = [line.split()[1] for line in self.lines if line.startswith("serving ")]
            if served:
                return served[0]
            if self.process.poll() is not None:
                raise SystemExit("the server stopped:\n" + "\n".join(self.lines))
            time.sleep(0.1)
        raise SystemExit(f"the server did not start within {timeout} s")

    def build_times(self) -> list[float]:
        return [float(line.split()[2]) for line in self.lines if line.startswith("built in ")]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def measure(url: str, article: Path, edits: int, pause: float) -> list[float]:
    """Seconds from each save to the new title in the open tab; `pause` seconds between saves."""
    original = article.read_text(encoding="utf-8")
    title = TITLE_RE.search(original).group(0).removeprefix("title: ")
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url + f"articles/{article.stem}/")
        try:
            for edit in range(1, edits + 1):
                new_title = f"{title} 第{edit}次修改"
                started = time.perf_counter()
                article.write_text(TITLE_RE.sub(f"title: {new_title}", original, count=1), encoding="utf-8")
                page.wait_for_function("title => document.title.startsWith(title)", arg=new_title,
                                       polling="raf", timeout=120_000)
                times.append(time.perf_counter() - started)
                time.sleep(pause)
        finally:
            article.write_text(original, encoding="utf-8")
            browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--pause", type=float, default=1.0,
                        help="seconds between a reload and the next save (the search index is "
                             "rebuilt meanwhile, and a save stops it)")
    args = parser.parse_args()
    project = make_project(args.articles)
    server = Server(project)
    try:
        url = server.url()
        first_build = server.build_times()[0]
        times = measure(url, project / "content" / "article-000000.md", args.edits, args.pause)
        time.sleep(2)  # the build after restoring the article, so that its line is not counted
        builds = server.build_times()[1:1 + args.edits]
    finally:
        server.stop()
    for edit, (seconds, build) in enumerate(zip(times, builds), start=1):
        print(f"edit {edit}: {seconds:.2f} s from save to reloaded page, of which the build {build:.2f} s")
    print(f"{args.articles} articles: first build {first_build:.2f} s; save -> reloaded page: median "
          f"{statistics.median(times):.2f} s of {len(times)} (min {min(times):.2f}, max {max(times):.2f}); "
          f"the rebuild alone: median {statistics.median(builds):.2f} s")


if __name__ == "__main__":
    main()
