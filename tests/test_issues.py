"""Numbered issues of the digest (issue 25): issues/*.md as pages, an index, a feed, links from the
home page and from each article; `issue new`, `rename` and `check` at the command line."""

from __future__ import annotations

import datetime as dt
import shutil
import xml.etree.ElementTree as etree
from pathlib import Path

import pytest

from conftest import SUB_PATH_URL, cli, make_project, snapshot
from digest.config import Config, load_config
from digest.curate import new_issue
from digest.errors import DigestError
from digest.links import check_links
from digest.render import build_site
from test_curation import ATOM, TWO_EDITIONS, Elements, content_html, read

# The fixture's issues: 1 (xss, zhong-guo-jing-ji), 2 (english, zhong-guo-jing-ji), 3 a draft (cao-gao).


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Config:
    config = load_config(make_project(tmp_path_factory.mktemp("issues")) / "config.yaml").with_overrides(
        base_url=SUB_PATH_URL, editions=TWO_EDITIONS)
    build_site(config)
    return config


def listed_titles(page: str) -> list[str]:
    entries = page.partition('<ol class="entries">')[2].partition("</ol>")[0]
    return Elements(entries).text_of("h2")


def test_an_issue_page_shows_its_introduction_then_its_articles_in_order_with_their_notes(site):
    page = read(site, "issues/1/index.html")
    parsed = Elements(page)
    assert parsed.text_of("h1") == ["第 1 期：五月的经济与社会"]
    assert parsed.text_of("div", **{"class": "issue-intro"}) == [
        "\n本期编者的话：两篇文章，一篇讲经济，一篇讲<script>alert(3)</script>安全。\n"]
    assert "<script>" not in page  # the introduction's HTML stays text, like an article's
    assert listed_titles(page) == ["<script>alert(1)</script>", "中国经济观察"]  # the issue's order, not the date's
    notes = parsed.text_of("div", **{"class": "note"})
    assert [note.split() for note in notes] == [["编者按", "编者按里的<script>alert(2)</script>也只是文字。"],
                                                 ["编者按", "这是编者按：经济观察值得细读，另见来源。"]]
    assert listed_titles(read(site, "issues/2/index.html")) == ["An English Note", "中国经济观察"]


def test_the_traditional_edition_carries_the_issue_converted(site):
    raw = read(site, "zh-hant/issues/1/index.html")
    assert "<script>" not in raw and "&lt;script&gt;alert(3)&lt;/script&gt;" in raw  # still text, not markup
    page = Elements(raw)
    assert page.text_of("h1") == ["第 1 期：五月的經濟與社會"]
    assert page.text_of("div", **{"class": "issue-intro"}) == [
        "\n本期編者的話：兩篇文章，一篇講經濟，一篇講<script>alert(3)</script>安全。\n"]
    assert "/digest/zh-hant/articles/xss/" in [link["href"] for link in page.tags("a")]


def test_a_draft_issue_is_left_out_unless_drafts_are_asked_for(site, tmp_path):
    assert not (site.dir("site") / "issues/3").exists()
    assert "/issues/3/" not in read(site, "issues/index.html")
    config = load_config(make_project(tmp_path) / "config.yaml")
    build_site(config, drafts=True)
    assert listed_titles(read(config, "issues/3/index.html")) == ["草稿文章"]


def test_the_index_lists_the_issues_newest_first(site):
    for edition in ("", "zh-hant/"):
        listed = read(site, edition + "issues/index.html").partition('<ol class="issue-list">')[2].partition("</ol>")[0]
        links = [link["href"] for link in Elements(listed).tags("a")]
        assert links == [f"/digest/{edition}issues/2/", f"/digest/{edition}issues/1/"]


def test_the_issues_feed_is_atom_newest_first_with_the_introduction_and_the_articles(site):
    for edition in ("", "zh-hant/"):
        root = etree.fromstring((site.dir("site") / edition / "issues/feed.xml").read_bytes())
        entries = list(root.iter(f"{ATOM}entry"))
        assert [entry.find(f"{ATOM}link").get("href") for entry in entries] == [
            f"{SUB_PATH_URL}{edition}issues/2/", f"{SUB_PATH_URL}{edition}issues/1/"]
        # the day's start in the site's timezone (the fixture's default, +08:00), as an article's entry
        assert [entry.find(f"{ATOM}updated").text for entry in entries] == ["2024-06-30T00:00:00+08:00",
                                                                            "2024-05-31T00:00:00+08:00"]
        assert root.find(f"{ATOM}updated").text == "2024-06-30T00:00:00+08:00"
        content = entries[1].find(f"{ATOM}content")
        assert len(content) == 0  # HTML carried as text, not as elements
        html = content_html(content)
        assert "<script>" not in html and "&lt;script&gt;alert(3)&lt;/script&gt;" in html
        links = [link["href"] for link in Elements(html).tags("a")]
        assert links == [f"{SUB_PATH_URL}{edition}articles/xss/", f"{SUB_PATH_URL}{edition}articles/zhong-guo-jing-ji/"]
    traditional = etree.fromstring((site.dir("site") / "zh-hant/issues/feed.xml").read_bytes())
    assert next(traditional.iter(f"{ATOM}entry")).find(f"{ATOM}title").text == "第 2 期：六月：社會觀察"


def test_the_issues_feed_writes_its_times_in_the_configured_timezone_as_the_site_feed_does(tmp_path):
    config = load_config(make_project(tmp_path) / "config.yaml").with_overrides(timezone="-05:00")
    build_site(config)
    issues = etree.parse(config.dir("site") / "issues/feed.xml").getroot()
    times = [dt.datetime.fromisoformat(element.text) for element in issues.iter(f"{ATOM}updated")]
    assert times == [dt.datetime(2024, 6, 30, tzinfo=dt.timezone(-dt.timedelta(hours=5)))] * 2 + [
        dt.datetime(2024, 5, 31, tzinfo=dt.timezone(-dt.timedelta(hours=5)))]  # the feed's, then each issue's
    site_feed = etree.parse(config.dir("site") / "feed.xml").getroot()
    article_times = [element.text for element in site_feed.iter(f"{ATOM}updated")]
    assert {text[-6:] for text in article_times} == {"-05:00"}  # written alike: the same offset, the same form
    assert all(len(text) == len(article_times[0]) for text in [element.text for element in issues.iter(f"{ATOM}updated")])


def test_the_home_page_links_the_latest_issue(site):
    for edition in ("", "zh-hant/"):
        latest = Elements(read(site, edition + "index.html").partition('class="latest-issue"')[2].partition("</p>")[0])
        assert [link["href"] for link in latest.tags("a")] == [f"/digest/{edition}issues/2/", f"/digest/{edition}issues/"]
    assert "第 2 期：六月：社会观察" in read(site, "index.html")
    assert 'class="latest-issue"' not in read(site, "page/2/index.html")


def issue_links(config: Config, slug: str, edition: str = "") -> list[str]:
    page = Elements(read(config, f"{edition}articles/{slug}/index.html"))
    return [link["href"] for link in page.tags("a") if "/issues/" in link.get("href", "")]


def test_an_article_page_links_the_issues_that_contain_it(site):
    assert issue_links(site, "zhong-guo-jing-ji") == ["/digest/issues/1/", "/digest/issues/2/"]
    assert issue_links(site, "english") == ["/digest/issues/2/"]
    assert issue_links(site, "xss", "zh-hant/") == ["/digest/zh-hant/issues/1/"]
    assert issue_links(site, "wu-lai-yuan") == []


def test_issue_pages_are_in_the_sitemap_and_every_link_resolves(site):
    root = etree.parse(site.dir("site") / "sitemap.xml").getroot()
    locations = {element.text for element in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert {f"{SUB_PATH_URL}issues/", f"{SUB_PATH_URL}issues/1/", f"{SUB_PATH_URL}zh-hant/issues/2/"} <= locations
    assert check_links(site.dir("site"), site["base_url"]) == []


def test_an_issue_names_the_unknown_source_as_text_as_cards_do_and_every_link_resolves(tmp_path):
    project = make_project(tmp_path)
    issue = project / "issues" / "2024-06.md"
    issue.write_text(issue.read_text(encoding="utf-8").replace("- english\n", "- english\n- wu-lai-yuan\n"),
                     encoding="utf-8")
    config = load_config(project / "config.yaml").with_overrides(editions=TWO_EDITIONS, search=False)
    build_site(config)
    site = config.dir("site")
    for edition in ("", "zh-hant/"):
        page = read(config, edition + "issues/2/index.html")
        assert len(Elements(page).text_of("span", **{"class": "unknown-source"})) == 1
        assert f"/{edition}sources/ren-min-wang/" in [link["href"] for link in Elements(page).tags("a")]
        pages = [path.relative_to(site).as_posix() for path in sorted(site.rglob("*.html"))]
        linking = [path for path in pages if path.startswith(edition) and path.startswith("zh-hant/") == bool(edition)
                   and f"/{edition}sources/wei-zhi-lai-yuan/" in [link.get("href") for link in Elements(
                       (site / path).read_text(encoding="utf-8")).tags("a")]]
        assert linking == [edition + "sources/index.html"]  # in its edition, only the list of sources links the group
    assert check_links(site, config["base_url"]) == []


def test_a_site_without_issues_has_no_issue_pages(tmp_path):
    project = make_project(tmp_path)
    shutil.rmtree(project / "issues")
    config = load_config(project / "config.yaml")
    build_site(config)
    assert not (config.dir("site") / "issues").exists()
    assert 'class="latest-issue"' not in read(config, "index.html")
    assert issue_links(config, "zhong-guo-jing-ji") == []


BAD_ISSUES = {
    "unknown field": ("number: 4\ntitle: 坏\ndate: 2024-08-01\ncolour: red\narticles: [xss]\n", 5,
                      "unknown issue field 'colour'"),
    "number not a number": ("number: four\ntitle: 坏\ndate: 2024-08-01\narticles: [xss]\n", 2,
                            "'number' must be a whole number from 1"),
    "no articles": ("number: 4\ntitle: 坏\ndate: 2024-08-01\n", 2, "an issue needs 'articles'"),
    "not slugs": ("number: 4\ntitle: 坏\ndate: 2024-08-01\narticles: [中国经济]\n", 5,
                  "'articles' must be a list of article slugs"),
    "bad date": ("number: 4\ntitle: 坏\ndate: 2024-13-01\narticles: [xss]\n", 4,
                 "'date' must be a date like 2024-05-26 or a date and time like 2024-05-26 09:30 or "
                 "2024-05-26T09:30:00+08:00, not '2024-13-01'"),
    "an article twice": ("number: 4\ntitle: 坏\ndate: 2024-08-01\narticles: [xss, english, xss]\n", 5,
                         "'articles' names an article twice"),
    "broken YAML": ("number: 4\ntitle: [unclosed\ndate: 2024-08-01\n", 4, "invalid front-matter YAML"),
    "number taken": ("number: 1\ntitle: 坏\ndate: 2024-08-01\narticles: [xss]\n", 2,
                     "issue number 1 is also used by"),
}


@pytest.mark.parametrize("case", BAD_ISSUES)
def test_a_bad_issue_file_is_one_error_with_file_and_line_and_the_site_stays(tmp_path, case):
    project = make_project(tmp_path)
    config = load_config(project / "config.yaml")
    build_site(config)
    before = snapshot(config.dir("site"))
    front, line, message = BAD_ISSUES[case]
    bad = project / "issues" / "zz-bad.md"
    bad.write_text(f"---\n{front}---\n导言\n", encoding="utf-8")
    with pytest.raises(DigestError) as caught:
        build_site(config)
    assert str(caught.value).startswith(f"{bad}:{line}: {message}")
    assert snapshot(config.dir("site")) == before


def run(project: Path, *argv: str, capsys) -> tuple[int, str, str]:
    status = cli(project, *argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_check_reports_an_issue_listing_a_missing_or_draft_article_with_file_and_line(tmp_path, capsys):
    project = make_project(tmp_path)
    issue = project / "issues" / "2024-06.md"
    issue.write_text(issue.read_text(encoding="utf-8").replace("- english\n", "- english\n- cao-gao\n- no-such\n"),
                     encoding="utf-8")
    assert run(project, "build", capsys=capsys)[0] == 0  # the issue shows what the site has
    assert listed_titles(read(load_config(project / "config.yaml"), "issues/2/index.html")) == [
        "An English Note", "中国经济观察"]
    status, out, _ = run(project, "check", capsys=capsys)
    assert status == 1
    assert [line for line in out.splitlines() if "issues/" in line] == [
        f"error: {issue}:7: issue 2 lists 'cao-gao': that article is a draft",
        f"error: {issue}:8: issue 2 lists 'no-such': no article has that slug"]
    # A draft issue may list a draft article (issue 3 does), not a missing one.
    draft = project / "issues" / "2024-07.md"
    draft.write_text(draft.read_text(encoding="utf-8").replace("- cao-gao\n", "- cao-gao\n- gone\n"), encoding="utf-8")
    out = run(project, "check", capsys=capsys)[1]
    assert f"error: {draft}:8: issue 3 lists 'gone': no article has that slug" in out.splitlines()
    assert f"{draft}:7" not in out


def test_check_reports_a_bad_issue_file(tmp_path, capsys):
    project = make_project(tmp_path)
    (project / "issues" / "bad.md").write_text("---\nnumber: 9\ntitle: x\n---\n", encoding="utf-8")
    status, out, _ = run(project, "check", capsys=capsys)
    assert status == 1 and f"error: {project / 'issues' / 'bad.md'}:2: an issue needs 'date'" in out.splitlines()


def test_issue_new_starts_the_next_issue_with_the_articles_since_the_last(tmp_path, capsys):
    project = make_project(tmp_path)
    (project / "issues" / "2024-07.md").unlink()  # the draft: issue 2, of 2024-06-30, is the last
    for day, name in ((5, "qi-yue"), (20, "qi-yue-xia")):
        (project / "content" / f"{name}.md").write_text(
            f"---\ntitle: 七月{day}日\ndate: 2024-07-{day:02d}\n---\n正文。\n", encoding="utf-8")
    config = load_config(project / "config.yaml")
    path, last, articles = new_issue(config, today=dt.date(2024, 8, 1))
    assert path == project / "issues" / "2024-08.md" and last.number == 2
    assert path.read_text(encoding="utf-8") == (
        "---\nnumber: 3\ntitle: 第 3 期\ndate: 2024-08-01\ndraft: true\narticles:\n- qi-yue-xia\n- qi-yue\n- wu-ri-qi\n---\n"
        "在这里写本期导言。\n")
    build_site(config)
    assert not (config.dir("site") / "issues/3").exists()  # a draft until the curator publishes it
    path.write_text(path.read_text(encoding="utf-8").replace("draft: true", "draft: false"), encoding="utf-8")
    build_site(config)
    assert listed_titles(read(config, "issues/3/index.html")) == ["七月20日", "七月5日", "日期不详的文章"]
    # From the command line: the next one, in a free file, printed; with nothing new, one error line.
    (project / "content" / "ba-yue.md").write_text("---\ntitle: 八月\ndate: 2025-08-02\n---\n正文。\n", encoding="utf-8")
    status, out, _ = run(project, "issue", "new", capsys=capsys)
    made = sorted((project / "issues").glob("*.md"))[-1]
    assert status == 0 and out.splitlines()[0] == (
        "created issues/" + made.name + ": a draft issue of 1 article(s) (added since issue 3 of 2024-08-01)")
    assert "ba-yue  2025-08-02  八月" in out
    status, _, err = run(project, "issue", "new", capsys=capsys)
    assert status == 1 and err.count("\n") == 1 and "no article has been added since issue 4" in err
    # An undated article no issue lists yet counts as added since.
    (project / "content" / "wu-ri-qi-2.md").write_text("---\ntitle: 又一篇\n---\n正文。\n", encoding="utf-8")
    assert [article.slug for article in new_issue(config)[2]] == ["wu-ri-qi-2"]


def test_rename_moves_the_article_keeps_its_old_address_and_updates_its_issues(tmp_path, capsys):
    project = make_project(tmp_path)
    content, issues = project / "content", project / "issues"
    status, out, _ = run(project, "rename", "zhong-guo-jing-ji", "jing-ji-guan-cha", capsys=capsys)
    assert status == 0
    assert out.splitlines() == [
        "renamed content/zhong-guo-jing-ji.md -> content/jing-ji-guan-cha.md",
        "content/jing-ji-guan-cha.md: slug: zhong-guo-jing-ji -> jing-ji-guan-cha",
        "content/jing-ji-guan-cha.md: aliases: added /articles/zhong-guo-jing-ji/",
        "issues/2024-06.md:7: issue 2 lists jing-ji-guan-cha (was zhong-guo-jing-ji)",
        "issues/2024-05.md:7: issue 1 lists jing-ji-guan-cha (was zhong-guo-jing-ji)"]
    assert not (content / "zhong-guo-jing-ji.md").exists()
    text = (content / "jing-ji-guan-cha.md").read_text(encoding="utf-8")
    assert "slug: jing-ji-guan-cha\n" in text
    assert "aliases:\n- /articles/old-economy/\n- /jingji.html\n- /articles/zhong-guo-jing-ji/\n" in text
    assert "  这是**编者按**" in text and text.endswith("期刊, 2021(3): 1-10.\n")  # the rest as it was
    assert "- xss\n- jing-ji-guan-cha\n" in (issues / "2024-05.md").read_text(encoding="utf-8")
    config = load_config(project / "config.yaml")
    build_site(config)
    old = Elements(read(config, "articles/zhong-guo-jing-ji/index.html"))
    assert [meta["content"] for meta in old.tags("meta") if meta.get("http-equiv")] == ["0; url=/articles/jing-ji-guan-cha/"]
    assert listed_titles(read(config, "issues/1/index.html")) == ["<script>alert(1)</script>", "中国经济观察"]
    assert issue_links(config, "jing-ji-guan-cha") == ["/issues/1/", "/issues/2/"]
    assert run(project, "check", capsys=capsys)[0] == 0


@pytest.mark.parametrize("argv, message", [
    (("zhong-guo-jing-ji", "english"), "the slug 'english' is taken by"),
    (("no-such", "new-one"), "no article has the slug 'no-such'"),
    (("xss", "Not A Slug"), "'Not A Slug' is not a slug"),
])
def test_rename_refuses_with_one_line_and_changes_nothing(tmp_path, capsys, argv, message):
    project = make_project(tmp_path)
    before = snapshot(project)
    status, out, err = run(project, "rename", *argv, capsys=capsys)
    assert status == 1 and out == "" and err.count("\n") == 1 and message in err
    assert snapshot(project) == before
