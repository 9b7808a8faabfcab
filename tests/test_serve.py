"""digest.serve: the preview serves site/ under the base path, rebuilds on save, shows build
errors, reloads tabs through its event stream, refuses paths leaving site/, stops on Ctrl-C."""

from __future__ import annotations

import http.client
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import REPO, SUB_PATH_URL, wait_for
from digest.config import load_config
from digest.errors import DigestError
from digest.preview_http import EVENTS_PATH, content_type
from digest.schema import read_document
from digest.serve import Preview

ARTICLE = "content/zhong-guo-jing-ji.md"
ARTICLE_URL = "/digest/articles/zhong-guo-jing-ji/"
TIMEOUT = 5


def start_preview(project: Path, base_url: str = SUB_PATH_URL) -> Preview:
    def load():
        return load_config(project / "config.yaml").with_overrides(base_url=base_url)

    preview = Preview(load(), drafts=False, reload=load)
    preview.start("127.0.0.1", 0)
    return preview


@pytest.fixture
def preview(project: Path) -> Iterator[Preview]:
    running = start_preview(project)
    yield running
    running.stop()


def get(preview: Preview, target: str) -> tuple[int, http.client.HTTPMessage, str]:
    connection = http.client.HTTPConnection(*preview.server.server_address[:2], timeout=TIMEOUT)
    try:
        connection.request("GET", target)
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8")
    finally:
        connection.close()


def page_shows(preview: Preview, target: str, text: str, status: int = 200) -> Callable[[], str | None]:
    def check():
        got_status, _, body = get(preview, target)
        return body if got_status == status and text in body else None
    return check


def raw_get(preview: Preview, target: bytes) -> tuple[int, bytes]:
    """A request line sent as is: no client normalises `..` or encodes anything."""
    with socket.create_connection(preview.server.server_address[:2], timeout=TIMEOUT) as connection:
        connection.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        response = b""
        while chunk := connection.recv(65536):
            response += chunk
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_serves_the_site_under_its_base_path(preview: Preview):
    assert preview.url.endswith("/digest/")
    status, headers, body = get(preview, "/digest/")
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert "测试文摘" in body and 'href="/digest/static/style.css"' in body
    for target, location in [("/", "/digest/"), ("/digest", "/digest/"), ("/digest/tags", "/digest/tags/")]:
        status, headers, _ = get(preview, target)
        assert (status, headers["Location"]) == (302, location), target
    assert get(preview, "/digest/tags/")[0] == 200
    assert get(preview, "/digest/static/style.css")[1]["Content-Type"] == "text/css; charset=utf-8"
    assert get(preview, "/digest/feed.xml")[1]["Content-Type"] == "application/xml; charset=utf-8"


def test_missing_pages_get_the_sites_404_page(preview: Preview):
    for target in ["/digest/nothing-here/", "/elsewhere/index.html"]:
        status, headers, body = get(preview, target)
        assert (status, headers["Content-Type"]) == (404, "text/html; charset=utf-8")
        assert "找不到页面" in body


def test_without_a_404_page_missing_pages_get_a_plain_404(preview: Preview, project: Path):
    (project / "site" / "404.html").unlink()
    status, headers, body = get(preview, "/digest/nothing-here/")
    assert (status, headers["Content-Type"], body) == (404, "text/plain; charset=utf-8", "not found\n")


@pytest.mark.parametrize("name, expected", [
    ("a.html", "text/html; charset=utf-8"), ("a.css", "text/css; charset=utf-8"),
    ("feed.xml", "application/xml; charset=utf-8"), ("a.atom", "application/atom+xml; charset=utf-8"),
    ("a.js", "text/javascript; charset=utf-8"), ("a.json", "application/json; charset=utf-8"),
    ("a.wasm", "application/wasm"), ("robots.txt", "text/plain; charset=utf-8"), ("a.png", "image/png"),
])
def test_content_types(name: str, expected: str):
    assert content_type(Path(name)) == expected


def test_saved_article_shows_without_restarting(preview: Preview, project: Path):
    assert "中国经济观察" in get(preview, ARTICLE_URL)[2]
    article = project / ARTICLE
    article.write_text(article.read_text(encoding="utf-8").replace("中国经济观察", "中国经济新观察"), encoding="utf-8")
    wait_for(page_shows(preview, ARTICLE_URL, "中国经济新观察"), "the edited title", TIMEOUT)


def test_broken_front_matter_shows_an_escaped_error_then_recovers(preview: Preview, project: Path):
    article = project / ARTICLE
    good = article.read_text(encoding="utf-8")
    article.write_text("---\ntitle: 好\n<b>bad</b>: 1\n---\n正文\n", encoding="utf-8")
    body = wait_for(page_shows(preview, ARTICLE_URL, "Build failed", status=500), "the error page", TIMEOUT)
    assert f"{ARTICLE}, line 3" in body
    assert "unknown front-matter field &#x27;&lt;b&gt;bad&lt;/b&gt;&#x27;" in body
    assert "<b>" not in body
    assert get(preview, "/digest/tags/")[0] == 500, "every page shows the error"
    assert get(preview, "/digest/static/style.css")[0] == 200, "the last good site's files stay"
    article.write_text(good, encoding="utf-8")
    wait_for(page_shows(preview, ARTICLE_URL, "中国经济观察"), "the page back after the fix", TIMEOUT)


def test_template_syntax_error_names_the_template_and_line(project: Path):
    # The fixture links the repository's templates; edit a copy.
    (project / "templates").unlink()
    shutil.copytree(REPO / "templates", project / "templates")
    running = start_preview(project)
    try:
        template = project / "templates" / "404.html"
        good = template.read_text(encoding="utf-8")
        template.write_text(good.replace("{% block main %}", "{% block main %}\n{% if %}"), encoding="utf-8")
        body = wait_for(page_shows(running, "/digest/", "Build failed", status=500), "the error page", TIMEOUT)
        assert "templates/404.html, line 4" in body and "template error" in body
        template.write_text(good, encoding="utf-8")
        wait_for(page_shows(running, "/digest/", "测试文摘"), "the site back after the fix", TIMEOUT)
    finally:
        running.stop()


def test_bad_config_yaml_shows_an_error_then_recovers(preview: Preview, project: Path):
    config = project / "config.yaml"
    good = config.read_text(encoding="utf-8")
    config.write_text(good + "page_size: [\n", encoding="utf-8")
    body = wait_for(page_shows(preview, "/digest/", "Build failed", status=500), "the error page", TIMEOUT)
    assert f"config.yaml, line {good.count(chr(10)) + 2}" in body and "invalid YAML" in body
    config.write_text(good.replace("page_size: 2", "page_size: 3"), encoding="utf-8")
    wait_for(page_shows(preview, "/digest/", "测试文摘"), "the site back after the fix", TIMEOUT)
    assert preview.config["page_size"] == 3


def test_a_new_seed_is_ingested_then_built(project: Path):
    seed = sorted((REPO / "seeds").iterdir())[0]
    (project / "seeds").mkdir()
    running = start_preview(project)
    try:
        shutil.copy(seed, project / "seeds")
        created = wait_for(lambda: [path for path in (project / "content").glob("*.md")
                                    if seed.name in path.read_text(encoding="utf-8")], "the ingested file", 20)
        slug = read_document(created[0])[0].slug or created[0].stem
        wait_for(page_shows(running, f"/digest/articles/{slug}/", "<h1"), "the new article's page", TIMEOUT)
    finally:
        running.stop()


TRAVERSALS = [
    b"/digest/../config.yaml", b"/digest/../../secret.txt", b"/../config.yaml", b"/digest/./../config.yaml",
    b"/digest/%2e%2e/config.yaml", b"/digest/%2E%2E/%2E%2E/secret.txt", b"/digest/..%2fconfig.yaml",
    b"/digest/%2e%2e%2fconfig.yaml", b"/digest/%2e%2e%5cconfig.yaml", b"/digest/..\\config.yaml",
    b"/digest/%252e%252e/config.yaml", b"/digest/%c0%ae%c0%ae/config.yaml", b"//etc/passwd",
    b"/digest//etc/passwd", b"/digest/%2fetc%2fpasswd", b"/etc/passwd", b"/digest/index.html%00.txt",
    b"/digest/index.html\x00", b"http://127.0.0.1/digest/../config.yaml", b"config.yaml",
    b"/digest/C:\\Windows\\win.ini",
]


def test_paths_leaving_site_are_refused(preview: Preview, project: Path, tmp_path: Path):
    (tmp_path / "secret.txt").write_text("TOP SECRET", encoding="utf-8")
    targets = TRAVERSALS + [str(project / "config.yaml").encode(), f"/digest{tmp_path}/secret.txt".encode()]
    for target in targets:
        status, body = raw_get(preview, target)
        assert status in (403, 404), target
        assert not [secret for secret in (b"TOP SECRET", b"page_size:", b"root:") if secret in body], target


def test_symlinks_out_of_site_are_refused(preview: Preview, project: Path, tmp_path: Path):
    (tmp_path / "secret.txt").write_text("TOP SECRET", encoding="utf-8")
    site = project / "site"
    (site / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (site / "leak-dir").symlink_to(tmp_path)
    (site / "inside.css").symlink_to(site / "static" / "style.css")
    for target in [b"/digest/leak.txt", b"/digest/leak-dir/secret.txt", b"/digest/leak-dir/"]:
        status, body = raw_get(preview, target)
        assert status == 403 and b"TOP SECRET" not in body, target
    assert raw_get(preview, b"/digest/inside.css")[0] == 200


def read_event(response: http.client.HTTPResponse) -> str:
    """The next event's name ('' for a comment or the retry line)."""
    lines = []
    while line := response.fp.readline().decode("utf-8").rstrip("\n"):
        lines.append(line)
    return next((line.removeprefix("event: ") for line in lines if line.startswith("event: ")), "")


def test_event_stream_sends_reload_after_a_rebuild(preview: Preview, project: Path):
    generation = preview.state.snapshot()[0]
    connection = http.client.HTTPConnection(*preview.server.server_address[:2], timeout=TIMEOUT)
    connection.request("GET", f"{EVENTS_PATH}?since={generation}")
    response = connection.getresponse()
    assert response.headers["Content-Type"] == "text/event-stream; charset=utf-8"
    assert read_event(response) == ""  # retry: 500
    (project / ARTICLE).write_text((project / ARTICLE).read_text(encoding="utf-8") + "\n新段落。\n", encoding="utf-8")
    assert read_event(response) == "reload"
    connection.close()


def test_event_stream_reloads_a_page_served_before_the_last_build(preview: Preview):
    connection = http.client.HTTPConnection(*preview.server.server_address[:2], timeout=TIMEOUT)
    connection.request("GET", f"{EVENTS_PATH}?since=0")
    response = connection.getresponse()
    read_event(response)
    assert read_event(response) == "reload"
    connection.close()


@pytest.mark.parametrize("since", [b"abc", b"9" * 5000, b"%C2%B2", b"-1", b"1e3", b"", b"12345678901234567890"])
def test_a_bad_since_is_a_400_not_a_traceback(preview: Preview, capsys, since: bytes):
    status, body = raw_get(preview, EVENTS_PATH.encode() + b"?since=" + since)
    assert (status, body) == (400, b"since must be a build number, like since=3\n")
    assert "Traceback" not in capsys.readouterr().err


def test_idle_connections_are_closed_and_event_streams_are_not(preview: Preview, project: Path, monkeypatch):
    monkeypatch.setattr("digest.preview_http.IDLE_TIMEOUT_SECONDS", 0.5)
    address = preview.server.server_address[:2]
    for sent in (b"", b"GET /digest/ HTTP/1.0\r\nHost: 127.0.0.1\r\n"):  # nothing, or a request never ended
        with socket.create_connection(address, timeout=TIMEOUT) as connection:
            connection.sendall(sent)
            started = time.monotonic()
            assert connection.recv(65536) == b""  # closed by the server, not by our timeout
            assert time.monotonic() - started < TIMEOUT / 2
    stream = http.client.HTTPConnection(*address, timeout=TIMEOUT)
    stream.request("GET", f"{EVENTS_PATH}?since={preview.state.snapshot()[0]}")
    response = stream.getresponse()
    assert read_event(response) == ""  # retry: 500
    time.sleep(1)  # twice the idle timeout: a tab waiting for the next build is not idle
    (project / ARTICLE).write_text((project / ARTICLE).read_text(encoding="utf-8") + "\n新段落。\n", encoding="utf-8")
    assert read_event(response) == "reload"
    stream.close()


def test_reload_script_is_in_responses_only(preview: Preview, project: Path):
    assert EVENTS_PATH in get(preview, "/digest/")[2]
    assert EVENTS_PATH in get(preview, "/digest/missing")[2]
    assert EVENTS_PATH not in get(preview, "/digest/static/style.css")[2]
    assert EVENTS_PATH not in get(preview, "/digest/feed.xml")[2]
    written = [path for path in (project / "site").rglob("*") if path.is_file()]
    assert written and not [path for path in written if EVENTS_PATH.encode() in path.read_bytes()]


def test_a_port_in_use_is_a_one_line_error(project: Path, preview: Preview):
    preview_in_the_way = preview.server.server_address
    other = Preview(load_config(project / "config.yaml"), drafts=False, reload=lambda: None)
    with pytest.raises(DigestError, match=f"cannot listen on 127.0.0.1:{preview_in_the_way[1]}"):
        other.start(*preview_in_the_way[:2])
    other.stop()


def read_line_until(stream, text: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if select.select([stream], [], [], 0.1)[0] and text in (line := stream.readline()):
            return line
    pytest.fail(f"no line with {text!r} within {timeout} s")


def test_ctrl_c_stops_cleanly(project: Path):
    command = [sys.executable, str(REPO / "build.py"), "--config", str(project / "config.yaml"),
               "serve", "--port", "0", "--base-url", SUB_PATH_URL]
    server = subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = read_line_until(server.stdout, "serving http://127.0.0.1:").split()[1]
        host, port = url.removeprefix("http://").split("/")[0].split(":")
        stream = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
        stream.request("GET", EVENTS_PATH)  # an open tab must not hold the server up
        stream.getresponse()
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=10)
    finally:
        server.kill()
    assert server.returncode == 0, err
    assert "Traceback" not in err and "stopping" in out
