"""Shared test helpers: fixture mini-projects copied into a temporary folder, content edits, site snapshots,
the command line run in this process, waiting for something to happen."""

from __future__ import annotations

import shutil
import time
import xml.etree.ElementTree as etree
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from digest.config import Config, load_config
from digest.render import build_site
from digest.schema import dump_front_matter, read_document

TESTS = Path(__file__).parent
REPO = TESTS.parent
SUB_PATH_URL = "https://user.github.io/digest/"
ATOM = "{http://www.w3.org/2005/Atom}"


def make_project(folder: Path, case: str = "basic") -> Path:
    """A copy of tests/fixtures/<case> using the repository's templates and static files."""
    project = folder / case
    shutil.copytree(TESTS / "fixtures" / case, project)
    for name in ("templates", "static"):
        if not (project / name).exists():
            (project / name).symlink_to(REPO / name)
    return project


def cli(project: Path, *args: str) -> int:
    """`./build.py ARGS` in this process, on a project folder (its config.yaml) or on a config file;
    its exit status."""
    import build

    config = project if project.suffix in (".yaml", ".yml") else project / "config.yaml"
    return build.main(["--config", str(config), *args])


def cli_output(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """`cli`, and what it printed (stdout, then stderr)."""
    status = cli(project, *args)
    captured = capsys.readouterr()
    return status, captured.out + captured.err


Found = TypeVar("Found")


def wait_for(check: Callable[[], Found], what: str, timeout: float = 60, every: float = 0.02) -> Found:
    """Poll `check` until it returns something true, and return that; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            pytest.fail(f"after {timeout} s still waiting for {what}")
        time.sleep(every)
    return result


def edit_content_file(path: Path, what: str, value) -> None:
    """Append `value` to the body (`what` "body"), or set the front-matter field `what` to it."""
    meta, body, _ = read_document(path)
    if what == "body":
        body += f"\n{value}\n"
    else:
        setattr(meta, what, value)
    path.write_text(dump_front_matter(meta) + body, encoding="utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path, with its bytes."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def strict_feed(path: Path) -> etree.Element:
    """An Atom feed read by a strict XML parser (expat: anything not well-formed raises), whose
    `type="html"` elements hold their HTML as escaped text, never as child elements (RFC 4287,
    3.1.1.2): feedparser alone accepts both mistakes."""
    root = etree.fromstring(path.read_bytes())
    assert root.tag == f"{ATOM}feed", path
    for element in root.iter():
        if element.get("type") == "html":
            assert len(element) == 0, (path, element.tag, [child.tag for child in element])
    return root


def built(folder: Path, base_url: str = "/", drafts: bool = False) -> Config:
    config = load_config(make_project(folder) / "config.yaml").with_overrides(base_url=base_url)
    build_site(config, drafts=drafts)
    return config


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


@pytest.fixture(scope="session")
def root_site(tmp_path_factory: pytest.TempPathFactory) -> Config:
    """The basic fixture built once at a domain root (base_url "/")."""
    return built(tmp_path_factory.mktemp("root"))


@pytest.fixture(scope="session")
def sub_path_site(tmp_path_factory: pytest.TempPathFactory) -> Config:
    """The basic fixture built once under a sub-path with an absolute base URL."""
    return built(tmp_path_factory.mktemp("sub"), SUB_PATH_URL)


FLOORED_DEV_PAGES = "rw200"  # the floors were set on the dev pages below this id; later pages have their own


@pytest.fixture(scope="session")
def dev_scores() -> list:
    """The real-page scorer's page scores on the dev part (bench/cleaning.py): one ingest of the
    pages for every floor test that reads them."""
    from bench.cleaning import score_parts

    return score_parts(["dev"])["dev"]


@pytest.fixture(scope="session")
def dev_summary(dev_scores: list) -> dict:
    """The figures of the dev pages the floors were set on (rw001-rw199)."""
    from bench.cleaning import summarise

    return summarise([score for score in dev_scores if score.page["id"] < FLOORED_DEV_PAGES])
