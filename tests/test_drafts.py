"""Drafts (issue 21, point 20): `new` makes one and says where the preview shows it; `serve` shows
drafts, marked 草稿; `build` leaves them out and says how many."""

from __future__ import annotations

import http.client
import re
import subprocess
import sys

from conftest import REPO, cli
from test_serve import TIMEOUT, read_line_until

DRAFT_MARK = '<span class="draft-mark">草稿</span>'


def fetch(url: str) -> tuple[int, str]:
    host, _, path = url.removeprefix("http://").partition("/")
    connection = http.client.HTTPConnection(*host.split(":"), timeout=TIMEOUT)
    try:
        connection.request("GET", "/" + path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8")
    finally:
        connection.close()


def test_new_says_how_to_see_the_draft_and_serve_shows_it_marked(project, capsys):
    assert cli(project, "new", "基层治理新探索") == 0
    said = capsys.readouterr().out
    hint = re.search(r"`\./build\.py serve` shows it, marked 草稿, at (http://127\.0\.0\.1:8000(/\S+))", said)
    assert hint and hint.group(2) == "/articles/ji-ceng-zhi-li-xin-tan-suo/"
    command = [sys.executable, str(REPO / "build.py"), "--config", str(project / "config.yaml"), "serve", "--port", "0"]
    server = subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        root = read_line_until(server.stdout, "serving http://127.0.0.1:").split()[1]
        status, page = fetch(root.rstrip("/") + hint.group(2))
        assert status == 200 and f"<h1>{DRAFT_MARK} 基层治理新探索</h1>" in page
        status, home = fetch(root)
        assert status == 200 and DRAFT_MARK in home and "基层治理新探索" in home
    finally:
        server.terminate()
        server.communicate(timeout=10)


def test_build_leaves_drafts_out_and_says_how_many(project, capsys):
    assert cli(project, "build") == 0
    out = capsys.readouterr().out
    assert "1 draft left out; `./build.py serve` shows it" in out.splitlines()
    site = project / "site"
    assert not (site / "articles" / "cao-gao").exists()
    assert not any(DRAFT_MARK in path.read_text(encoding="utf-8") or "草稿文章" in path.read_text(encoding="utf-8")
                   for path in site.rglob("*") if path.suffix in (".html", ".xml", ".json"))
    (project / "content" / "second.md").write_text("---\ntitle: 又一篇\ndraft: true\n---\n\n正文。\n",
                                                    encoding="utf-8")
    assert cli(project, "build") == 0
    assert "2 drafts left out; `./build.py serve` shows them" in capsys.readouterr().out.splitlines()
    assert cli(project, "build", "--drafts") == 0
    assert "left out" not in capsys.readouterr().out
    assert DRAFT_MARK in (site / "articles" / "cao-gao" / "index.html").read_text(encoding="utf-8")
