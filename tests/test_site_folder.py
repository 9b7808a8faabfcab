"""The build writes only a site folder it made, stages the next site in the cache folder, cleans
what a killed build left, and never empties a built site by accident (issue 21, points 1, 3, 4)."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, cli, make_project, snapshot
from digest.config import load_config
from digest.render import build_site
from digest.site_folder import MARKER


def set_site(project: Path, site: str) -> Path:
    """config.yaml with `paths.site` set to `site`; the config file's path."""
    config = project / "config.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["paths"] = {"site": site}
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return config


def error_line(capsys) -> str:
    """The one line an error prints, checked to be the only output on stderr."""
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err, err
    return err.strip()


def without_cache(files: dict[str, bytes]) -> dict[str, bytes]:
    return {path: data for path, data in files.items() if ".digest-cache" not in path}


def git(project: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=project,
                          check=True, capture_output=True, text=True).stdout


# ------------------------------------------------------------------ point 1: which folder ----

KEPT = {
    ".": "is the project folder",
    "..": "holds the project folder",
    "content": "is the content folder",
    "content/site": "lies inside the content folder",
    "seeds": "is the seeds folder",
    "templates": "is the templates folder",
    "static/site": "lies inside the static folder",
    ".digest-cache": "is the cache folder",
    ".git": "is or lies inside a .git folder",
    ".git/site": "is or lies inside a .git folder",
}


@pytest.mark.parametrize("site", KEPT)
def test_a_site_setting_naming_a_folder_of_the_project_is_refused_and_nothing_is_deleted(tmp_path, capsys, site):
    project = make_project(tmp_path)
    (project / "seeds").mkdir()
    (project / "seeds" / "a.txt").write_text("种子\n", encoding="utf-8")
    git(project, "init", "-q")
    config = set_site(project, site)
    before = snapshot(tmp_path)
    assert cli(config, "build") == 1
    line = error_line(capsys)
    assert line.startswith(f"error: {config}: paths.site: {site!r} ({(project / site).resolve()}) {KEPT[site]}"), line
    assert snapshot(tmp_path) == before
    assert cli(config) == 1  # ingest and build: refused before ingest writes anything
    assert error_line(capsys) == line
    assert cli(config, "serve", "--port", "0") == 1  # before the preview serves the project's files
    assert error_line(capsys) == line
    assert snapshot(tmp_path) == before


def test_a_hand_written_folder_is_never_replaced(tmp_path, capsys):
    """`site: docs`, the GitHub Pages /docs layout, holding the curator's own files."""
    project = make_project(tmp_path)
    docs = project / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# 我们的文档\n", encoding="utf-8")
    (docs / "CNAME").write_text("docs.example.org\n", encoding="utf-8")
    config = set_site(project, "docs")
    before = snapshot(tmp_path)
    assert cli(config, "build") == 1
    line = error_line(capsys)
    assert line.startswith(f"error: {config}: paths.site: {docs} already exists and was not made by this build"), line
    assert "delete or move it" in line
    assert without_cache(snapshot(tmp_path)) == before


def test_a_site_folder_the_build_made_is_marked_and_replaced(tmp_path, capsys):
    project = make_project(tmp_path)
    (project / "site").mkdir()  # an empty folder holds nothing to lose
    config = set_site(project, "site")
    assert cli(config, "build") == 0
    assert (project / "site" / MARKER).is_file()
    assert cli(config, "build", "--full") == 0
    assert (project / "site" / MARKER).is_file() and (project / "site" / "index.html").is_file()


def test_a_site_an_older_version_built_is_adopted_when_the_cache_records_it(tmp_path, capsys):
    project = make_project(tmp_path)
    config = load_config(project / "config.yaml")
    build_site(config)
    (config.dir("site") / MARKER).unlink()  # as an older version left it
    edited = config.dir("content") / "english.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("title: ", "title: 新", 1), encoding="utf-8")
    build_site(config)
    assert (config.dir("site") / MARKER).is_file()
    assert "新" in (config.dir("site") / "articles/english/index.html").read_text(encoding="utf-8")


def test_a_site_without_marker_nor_record_is_left_alone(tmp_path, capsys):
    project = make_project(tmp_path)
    config = load_config(project / "config.yaml")
    build_site(config)
    (config.dir("site") / MARKER).unlink()
    shutil.rmtree(config.dir("cache"))
    before = snapshot(config.dir("site"))
    assert cli(project / "config.yaml", "build") == 1
    assert "delete or move it" in error_line(capsys)
    assert snapshot(config.dir("site")) == before


# ------------------------------------------------------------------ point 3: staging ----

KILLED_BUILD = """
import os, signal, sys
import digest.render as render
from digest.config import load_config

written = render.render_outputs

def write_then_die(*args, **kwargs):  # killed once the new site is written, before it is swapped in
    written(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)

render.render_outputs = write_then_die
render.build_site(load_config(sys.argv[1]), full=True, jobs=1)
"""


def test_a_killed_build_leaves_nothing_in_the_project_and_the_next_build_cleans_up(tmp_path):
    project = make_project(tmp_path)
    shutil.copy(REPO / ".gitignore", project / ".gitignore")
    config = load_config(project / "config.yaml")
    build_site(config)
    site = snapshot(config.dir("site"))
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "project")
    entries = sorted(path.name for path in project.iterdir())

    killed = subprocess.run([sys.executable, "-c", KILLED_BUILD, str(project / "config.yaml")], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert git(project, "status", "--porcelain", "--untracked-files=all") == ""
    assert sorted(path.name for path in project.iterdir()) == entries
    staging = config.dir("cache") / "staging"
    assert any(staging.iterdir()), "the killed build left nothing to clean: it was not killed mid-build"
    assert snapshot(config.dir("site")) == site

    # Older versions staged beside the site: what they left goes too.
    for leftover in (".site-new-k1ll3d0x", ".site-old"):
        (project / leftover).mkdir()
        (project / leftover / "index.html").write_text("旧的\n", encoding="utf-8")
    build_site(config)
    assert not staging.exists() or not any(staging.iterdir())
    assert sorted(path.name for path in project.iterdir()) == entries
    assert snapshot(config.dir("site")) == site


def test_make_clean_removes_a_killed_builds_leftovers(tmp_path):
    project = make_project(tmp_path)
    shutil.copy(REPO / "Makefile", project / "Makefile")
    content = snapshot(project / "content")
    killed = subprocess.run([sys.executable, "-c", KILLED_BUILD, str(project / "config.yaml")], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    cleaned = subprocess.run(["make", "clean"], cwd=project, capture_output=True, text=True, timeout=60)
    assert cleaned.returncode == 0, cleaned.stderr
    assert sorted(path.name for path in project.iterdir()) == ["Makefile", "config.yaml", "content", "issues", "static",
                                                               "templates"]
    assert snapshot(project / "content") == content


@pytest.fixture
def other_file_system(tmp_path: Path):
    """A folder on another file system than tmp_path (a tmpfs), removed after the test."""
    import os
    import tempfile

    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second file system to put the cache on")
    folder = Path(tempfile.mkdtemp(dir=shm))
    yield folder
    shutil.rmtree(folder)


def test_with_the_cache_on_another_file_system_the_site_is_staged_beside_it(tmp_path, other_file_system):
    """A rename across file systems is a copy, not atomic: the staging area is then beside the site."""
    project = make_project(tmp_path)
    cache = other_file_system / "cache"
    (project / "config.yaml").write_text((project / "config.yaml").read_text(encoding="utf-8")
                                         + f"paths: {{cache: {cache}}}\n", encoding="utf-8")
    config = load_config(project / "config.yaml")
    killed = subprocess.run([sys.executable, "-c", KILLED_BUILD, str(project / "config.yaml")], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    beside = project / ".site.digest-staging"
    assert any(beside.iterdir()) and not (cache / "staging").exists()
    assert cli(project / "config.yaml", "build") == 0
    assert not beside.exists()
    assert (project / "site" / "index.html").is_file() and (cache / "build.sqlite").is_file()
    edited = config.dir("content") / "english.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n新的一段。\n", encoding="utf-8")
    assert cli(project / "config.yaml", "build") == 0  # an incremental build, its files moved in one rename each
    assert "新的一段" in (project / "site" / "articles/english/index.html").read_text(encoding="utf-8")
    assert sorted(path.name for path in project.iterdir()) == ["config.yaml", "content", "issues", "site", "static", "templates"]


# ------------------------------------------------------------------ point 4: nothing to publish ----

def test_an_empty_content_folder_does_not_empty_a_built_site(tmp_path, capsys):
    project = make_project(tmp_path)
    config = load_config(project / "config.yaml")
    build_site(config)
    before = snapshot(config.dir("site"))
    for path in config.dir("content").glob("*.md"):
        path.unlink()
    assert cli(project / "config.yaml", "build") == 1
    line = error_line(capsys)
    assert line.startswith(f"error: {config.dir('content')}: no article to publish: it holds no content file"), line
    assert "--allow-empty" in line
    assert snapshot(config.dir("site")) == before

    assert cli(project / "config.yaml", "build", "--allow-empty") == 0
    assert not (config.dir("site") / "articles").exists() and (config.dir("site") / "index.html").is_file()


def test_a_new_project_without_content_is_told_how_to_add_some(tmp_path, capsys):
    project = tmp_path / "new"
    (project / "content").mkdir(parents=True)
    (project / "config.yaml").write_text("title: 新文摘\n", encoding="utf-8")
    assert cli(project / "config.yaml", "build") == 1
    line = error_line(capsys)
    assert "./build.py ingest" in line and "./build.py new" in line, line
    assert not (project / "site").exists()


def test_content_of_drafts_only_is_nothing_to_publish(tmp_path, capsys):
    project = make_project(tmp_path)
    for path in (project / "content").glob("*.md"):
        if path.name != "cao-gao.md":  # the fixture's draft
            path.unlink()
    assert cli(project / "config.yaml", "build") == 1
    assert "its 1 content files are all drafts" in error_line(capsys)
    assert not (project / "site").exists()
    assert cli(project / "config.yaml", "build", "--drafts") == 0
