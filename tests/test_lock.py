"""One build of a project at a time (issue 21, point 14): a second build, in another process, waits
for the first and says so, or with --no-wait stops with one line; an edit made meanwhile is built."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

from conftest import REPO, make_project, wait_for

# A real build (build.py build --full) that, once it has read the content, waits at the point where it
# writes the site until the file argv[3] exists, having made argv[2]: it holds the project's lock
# as long as the test wants.
HELD_BUILD = """
import sys, time
from pathlib import Path
import digest.render as render

writes = render.render_outputs

def held(*args, **kwargs):
    Path(sys.argv[2]).touch()
    deadline = time.monotonic() + 60
    while not Path(sys.argv[3]).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    return writes(*args, **kwargs)

render.render_outputs = held
import build
sys.exit(build.main(["--config", sys.argv[1], "build", "--full", "--jobs", "1"]))
"""


def build_py(config: Path, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(REPO / "build.py"), "--config", str(config), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def stderr_line(process: subprocess.Popen, timeout: float = 60) -> str:
    ready, _, _ = select.select([process.stderr], [], [], timeout)
    assert ready, "no line on stderr"
    return process.stderr.readline()


def test_a_second_build_waits_for_the_first_or_stops_with_no_wait(tmp_path):
    project = make_project(tmp_path)
    config = project / "config.yaml"
    inside, go = tmp_path / "inside", tmp_path / "go"
    first = subprocess.Popen([sys.executable, "-c", HELD_BUILD, str(config), str(inside), str(go)], cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: inside.exists() or first.poll() is not None, "the first build to start writing")
        assert first.poll() is None, first.communicate()

        refused = build_py(config, "build", "--no-wait")
        out, err = refused.communicate(timeout=60)
        assert refused.returncode == 1, (out, err)
        assert err == (f"error: another build of this project is running (pid {first.pid}); "
                       f"run again once it ends, or leave out --no-wait to wait for it\n")

        second = build_py(config, "build")
        assert stderr_line(second) == f"waiting for another build of this project (pid {first.pid})…\n"
        # The curator edits an article while both are running: the second build shows the edit.
        article = project / "content" / "english.md"
        article.write_text(article.read_text(encoding="utf-8").replace("title: ", "title: 改过的", 1),
                           encoding="utf-8")
        assert second.poll() is None, "the second build did not wait for the first"
        go.touch()
        assert first.wait(timeout=120) == 0, first.communicate()
        out, err = second.communicate(timeout=120)
        assert second.returncode == 0 and "Traceback" not in err, err
    finally:
        go.touch()
        first.wait(timeout=120)
    page = (project / "site" / "articles" / "english" / "index.html").read_text(encoding="utf-8")
    assert "改过的" in page


def test_the_lock_goes_with_a_killed_build(tmp_path):
    """The operating system lets go of the lock of a process that dies: nothing to clean by hand."""
    project = make_project(tmp_path)
    inside, go = tmp_path / "inside", tmp_path / "go"
    first = subprocess.Popen([sys.executable, "-c", HELD_BUILD, str(project / "config.yaml"), str(inside), str(go)],
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: inside.exists() or first.poll() is not None, "the first build to start writing")
    first.kill()
    first.communicate(timeout=60)
    after = build_py(project / "config.yaml", "build", "--no-wait")
    out, err = after.communicate(timeout=120)
    assert after.returncode == 0, err
    assert (project / "site" / "index.html").is_file() and os.path.exists(project / ".digest-cache" / "lock")


def test_the_previews_builds_wait_for_a_command_line_build(tmp_path):
    """The everyday case: `serve` runs while the curator builds in another terminal and edits."""
    import http.client

    project = make_project(tmp_path)
    config = project / "config.yaml"
    serve = build_py(config, "serve", "--port", "0")
    first = None
    try:
        line = ""
        while "serving http://" not in line:
            ready, _, _ = select.select([serve.stdout], [], [], 60)
            assert ready and serve.poll() is None, "the preview did not start"
            line = serve.stdout.readline()
        host, port = line.split()[1].removeprefix("http://").split("/")[0].split(":")
        inside, go = tmp_path / "inside", tmp_path / "go"
        first = subprocess.Popen([sys.executable, "-c", HELD_BUILD, str(config), str(inside), str(go)], cwd=REPO,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for(lambda: inside.exists() or first.poll() is not None, "the command-line build to start writing")
        article = project / "content" / "english.md"
        article.write_text(article.read_text(encoding="utf-8").replace("title: ", "title: 预览中改的", 1),
                           encoding="utf-8")
        assert stderr_line(serve) == f"waiting for another build of this project (pid {first.pid})…\n"
        go.touch()
        assert first.wait(timeout=120) == 0, first.communicate()

        def shows_the_edit() -> bool:
            connection = http.client.HTTPConnection(host, int(port), timeout=10)
            connection.request("GET", "/articles/english/")
            return "预览中改的" in connection.getresponse().read().decode("utf-8")
        wait_for(shows_the_edit, "the preview to build the edit")
    finally:
        if first is not None:
            (tmp_path / "go").touch()
            first.wait(timeout=120)
        serve.send_signal(2)
        out, err = serve.communicate(timeout=60)
    assert "Traceback" not in err and "error" not in err, err
