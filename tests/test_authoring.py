"""`new` drafts an article and never overwrites; `check` fails on bad content and broken links."""

import builtins
import datetime as dt
import io
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from conftest import cli
from digest.authoring import new_article
from digest.config import load_config
from digest.errors import DigestError
from digest.schema import read_document
from digest.slug import slugify, unique_slug

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("content", "templates", "static"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "config.yaml", tmp_path / "config.yaml")
    return tmp_path


def test_new_creates_a_valid_draft_with_a_pinyin_slug(project):
    path = new_article(load_config(project / "config.yaml"), "基层治理新探索", today=dt.date(2026, 1, 2))
    assert path.name == "ji-ceng-zhi-li-xin-tan-suo.md"
    meta, body, _ = read_document(path)
    assert (meta.title, meta.date, meta.draft, meta.slug) == ("基层治理新探索", dt.date(2026, 1, 2), True,
                                                              "ji-ceng-zhi-li-xin-tan-suo")
    assert body.strip()


def test_new_refuses_to_overwrite(project, capsys):
    assert cli(project, "new", "基层治理新探索") == 0
    path = project / "content" / "ji-ceng-zhi-li-xin-tan-suo.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n策展人写的正文。\n", encoding="utf-8")
    before = path.read_bytes()
    assert cli(project, "new", "基层治理新探索") == 1
    assert "already exists" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_check_passes_on_the_shipped_content_and_lists_review_notes(project, capsys):
    assert cli(project, "build") == 0
    assert cli(project, "check") == 0
    out = capsys.readouterr().out
    assert "review:" in out and "check: 0 error(s)" in out


def test_check_reads_each_content_file_once(project, monkeypatch, capsys):
    """Validation, review notes, the issues' articles and the seeds they name, from one reading."""
    assert cli(project, "build") == 0
    (project / "content" / "ingest-record.yaml").unlink()  # the seeds are then those the articles name
    (project / "seeds").mkdir()
    (project / "issues").mkdir()
    slug = sorted((project / "content").glob("*.md"))[0].stem
    (project / "issues" / "1.md").write_text(f"---\nnumber: 1\ntitle: 一\ndate: 2024-01-01\narticles: [{slug}]\n---\n",
                                             encoding="utf-8")
    reads: Counter[str] = Counter()

    def counting_open(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and Path(file).parent == project / "content":
            reads[Path(file).name] += 1
        return real_open(file, *args, **kwargs)

    real_open = io.open
    monkeypatch.setattr(io, "open", counting_open)
    monkeypatch.setattr(builtins, "open", counting_open)
    assert cli(project, "check") == 0
    assert "review:" in capsys.readouterr().out
    assert reads == Counter({path.name: 1 for path in (project / "content").glob("*.md")})


def test_check_fails_on_a_bad_content_file_naming_file_and_line(project, capsys):
    assert cli(project, "build") == 0
    bad = project / "content" / "bad.md"
    bad.write_text("---\ntitle: 好\ndate: 2024-02-30\n---\n正文\n", encoding="utf-8")
    assert cli(project, "check") == 1
    assert "bad.md:3:" in capsys.readouterr().out


def test_check_fails_on_a_broken_link_and_without_a_built_site(project, capsys):
    assert cli(project, "check") == 1
    assert "no built site" in capsys.readouterr().out
    assert cli(project, "build") == 0
    home = project / "site" / "index.html"
    home.write_text(home.read_text(encoding="utf-8").replace("</main>", '<a href="/articles/nope/">x</a></main>'),
                    encoding="utf-8")
    assert cli(project, "check") == 1
    assert "/articles/nope/" in capsys.readouterr().out


def test_check_fails_on_a_feed_carrying_html_as_elements_or_not_well_formed(project, capsys):
    """A template writing the body into <content type="html"> unescaped (as feed.xml did: `escape`
    leaves markup alone) gives elements there, and with a thematic break, XML that does not parse."""
    template = project / "templates" / "feed.xml"
    template.write_text(template.read_text(encoding="utf-8").replace("filter forceescape", "filter escape"),
                        encoding="utf-8")
    assert cli(project, "build") == 0
    assert cli(project, "check") == 1
    out = capsys.readouterr().out
    assert 'error: feed.xml: <content type="html"> holds the element <p>: its HTML must be escaped text' in out
    assert "error: zh-hant/feed.xml: <content" in out
    article = next(path for path in sorted((project / "content").glob("*.md")) if read_document(path)[0].date)
    article.write_text(article.read_text(encoding="utf-8") + "\n\n***\n\n结尾。\n", encoding="utf-8")
    assert cli(project, "build") == 0
    assert cli(project, "check") == 1
    assert "error: feed.xml: not well-formed XML" in capsys.readouterr().out


def test_check_uses_the_base_url_the_site_was_built_with(project, capsys):
    assert cli(project, "build", "--base-url", "https://example.github.io/digest/") == 0
    assert cli(project, "check", "--base-url", "https://example.github.io/digest/") == 0


def test_errors_are_one_line_without_traceback(project, capsys):
    (project / "config.yaml").write_text("titel: x\n", encoding="utf-8")
    assert cli(project, "build") == 1
    err = capsys.readouterr().err
    assert err.strip() == f"error: {project / 'config.yaml'}: unknown setting 'titel'"


@pytest.mark.parametrize("text, slug", [
    ("重庆银行行长", "chong-qing-yin-hang-hang-zhang"),
    ("念好“三字诀”，锻造基层党建“动力主轴”", "nian-hao-san-zi-jue-duan-zao-ji-ceng-dang-jian-dong-li-zhu"),
    ("Python 3.11 与 GBK", "python-3-11-yu-gbk"),
    ("！？", "item"),
])
def test_slugify(text, slug):
    assert slugify(text) == slug
    assert len(slugify(text * 5)) <= 60


def test_unique_slug_never_reuses_a_taken_one():
    assert unique_slug("a", {"a", "a-2"}) == "a-3"
    assert len(unique_slug("x" * 60, {"x" * 60})) <= 60


def test_new_rejects_an_empty_title(project):
    with pytest.raises(DigestError):
        new_article(load_config(project / "config.yaml"), "  ")


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_new_and_ingest_write_files_with_the_mode_the_umask_gives(project, umask):
    """Like every other file (issue 21, point 15): not mkstemp's 0600."""
    import os
    import subprocess
    import sys

    for path in (project / "content").glob("*.md"):  # copied from the repository, with its mode
        path.unlink()
    (project / "content" / "ingest-record.yaml").unlink(missing_ok=True)  # else the seed counts as rejected
    (project / "seeds").mkdir()
    seed = sorted((ROOT / "seeds").glob("*.txt"))[0]
    shutil.copy(seed, project / "seeds" / seed.name)
    for command in (["new", "基层治理新探索"], ["ingest"]):
        result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--config", str(project / "config.yaml"),
                                 *command], capture_output=True, text=True, timeout=120,
                                preexec_fn=lambda: os.umask(umask))
        assert result.returncode == 0, result.stderr
    made = [project / "content" / "ji-ceng-zhi-li-xin-tan-suo.md",
            *(path for path in (project / "content").glob("*.md") if read_document(path)[0].seed == seed.name)]
    assert len(made) == 2
    made.append(project / "content" / "ingest-record.yaml")
    assert {path.name: oct(path.stat().st_mode & 0o777) for path in made} == {
        path.name: oct(0o666 & ~umask) for path in made}
