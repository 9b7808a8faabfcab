"""Dates as Hugo and Jekyll users write them (issue 21, point 9): ISO 8601 dates and date-times,
with or without a zone (the `timezone` setting's then), the time kept for ordering and feeds, the
day shown on pages; undated articles in no feed and in no claim of 较早 or 较新."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ATOM, make_project, strict_feed
from digest.authoring import check_content
from digest.config import load_config
from digest.content import ArticleReader, load_articles
from digest.errors import DigestError
from digest.render import build_site
from digest.schema import FrontMatter, dump_front_matter, read_document

BEIJING = dt.timezone(dt.timedelta(hours=8))
ZONES = [dt.timezone.utc, BEIJING, dt.timezone(dt.timedelta(hours=-5)), dt.timezone(dt.timedelta(hours=5, minutes=45))]


def write(folder: Path, name: str, date: str | None, title: str = "标题", body: str = "正文。") -> Path:
    path = folder / f"{name}.md"
    front = f"title: {title}\n" + ("" if date is None else f"date: {date}\n")
    path.write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("written, published", [
    ("2019-09-02T00:57:00+08:00", dt.datetime(2019, 9, 2, 0, 57, tzinfo=BEIJING)),  # Hugo
    ("2024-03-18 09:42", dt.datetime(2024, 3, 18, 9, 42, tzinfo=BEIJING)),  # no zone: the setting's
    ("2024-3-18", dt.datetime(2024, 3, 18, tzinfo=BEIJING)),  # a day: its midnight
    ("'2024-05-26'", dt.datetime(2024, 5, 26, tzinfo=BEIJING)),
    ("2016-05-18 10:00:00 +0800", dt.datetime(2016, 5, 18, 10, tzinfo=BEIJING)),  # Jekyll
    ("2024-03-18T01:30:00Z", dt.datetime(2024, 3, 18, 9, 30, tzinfo=BEIJING)),
    ("2024-03-18T20:00:00-05:00", dt.datetime(2024, 3, 19, 9, tzinfo=BEIJING)),  # the next day here
    ("2024-03-18T09:42:07.25+08", dt.datetime(2024, 3, 18, 9, 42, 7, 250000, tzinfo=BEIJING)),
])
def test_iso_dates_and_times_are_read_in_the_sites_zone(tmp_path, written, published):
    article = ArticleReader(["参考文献"], 400, "+08:00").read(write(tmp_path, "a", written))
    assert article.published == published and article.published.utcoffset() == dt.timedelta(hours=8)
    assert article.date == published.date()


@pytest.mark.parametrize("written", ["2024-02-30", "2024-13-01", "18/03/2024", "2024-03-18 25:00", "2024-03-18T9",
                                     "2024-03-18 09:42 +25:00", "yesterday", "2024-03-18+08:00"])
def test_a_date_that_is_not_one_names_file_and_line(tmp_path, written):
    with pytest.raises(DigestError, match=r"a\.md:3: 'date' must be a date like 2024-05-26 or a date and time "
                                          r"like 2024-05-26 09:30 or 2024-05-26T09:30:00\+08:00, not "):
        read_document(write(tmp_path, "a", written))


moments = st.one_of(
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
    st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 12, 31)),
    st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 12, 31), timezones=st.sampled_from(ZONES)),
)


@settings(max_examples=200, deadline=None)
@given(moments)
def test_a_date_written_by_the_schema_is_read_back_as_it_was(moment):
    """As ingest and `new` write dates (a day), and as an edit through the schema writes a time."""
    assert "\ndate: 2024-05-26\n" in dump_front_matter(FrontMatter(title="标题", date=dt.date(2024, 5, 26)))
    text = dump_front_matter(FrontMatter(title="标题", date=moment))
    meta = read_document_text(text)
    assert (type(meta.date), meta.date, getattr(meta.date, "tzinfo", None)) == (
        type(moment), moment, getattr(moment, "tzinfo", None))
    assert dump_front_matter(meta) == text


def read_document_text(text: str) -> FrontMatter:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.md"
        path.write_text(text + "正文\n", encoding="utf-8")
        return read_document(path)[0]


@pytest.fixture(scope="module")
def timed_site(tmp_path_factory: pytest.TempPathFactory):
    """Three articles of one day at different times (one written in another zone), a day without a
    time, and undated ones next to the last dated one."""
    project = make_project(tmp_path_factory.mktemp("dates"))
    content = project / "content"
    for path in content.glob("*.md"):
        path.unlink()
    write(content, "morning", "2024-03-18 09:42", "早上")
    write(content, "evening", "2024-03-18T20:15:00+08:00", "晚上")
    write(content, "noon-utc", "2024-03-18T04:00:00Z", "中午")
    write(content, "same-day", "2024-03-18", "当天")
    write(content, "older", "2019-09-02T00:57:00+08:00", "旧文")
    write(content, "undated-a", None, "无日期甲")
    write(content, "undated-b", None, "无日期乙")
    config = load_config(project / "config.yaml").with_overrides(search=False)
    build_site(config)
    return config


ORDER = ["evening", "noon-utc", "morning", "same-day", "older", "undated-a", "undated-b"]


def test_articles_are_ordered_by_time_then_slug_with_undated_last(timed_site):
    assert [article.slug for article in load_articles(timed_site)] == ORDER
    site = timed_site.dir("site")
    lists = [site / "index.html", *(site / f"page/{number}/index.html" for number in range(2, 5))]  # 2 a page
    shown = re.findall(r'href="/articles/([a-z-]+)/"', "".join(path.read_text(encoding="utf-8") for path in lists))
    assert list(dict.fromkeys(shown)) == ORDER


def test_feeds_carry_the_real_time_and_leave_undated_articles_out(timed_site):
    feed = strict_feed(timed_site.dir("site") / "feed.xml")
    entries = [(entry.find(f"{ATOM}link").get("href"), entry.find(f"{ATOM}updated").text)
               for entry in feed.iter(f"{ATOM}entry")]
    assert entries == [("/articles/evening/", "2024-03-18T20:15:00+08:00"),
                       ("/articles/noon-utc/", "2024-03-18T12:00:00+08:00"),
                       ("/articles/morning/", "2024-03-18T09:42:00+08:00"),
                       ("/articles/same-day/", "2024-03-18T00:00:00+08:00"),
                       ("/articles/older/", "2019-09-02T00:57:00+08:00")]
    assert feed.find(f"{ATOM}updated").text == "2024-03-18T20:15:00+08:00"


def test_pages_show_the_day_as_before(timed_site):
    page = (timed_site.dir("site") / "articles/older/index.html").read_text(encoding="utf-8")
    assert '<time datetime="2019-09-02">2019年9月2日</time>' in page
    archive = (timed_site.dir("site") / "archive/index.html").read_text(encoding="utf-8")
    assert archive.count('<time datetime="2024-03-18">') == 4


def pager(config, slug: str) -> str:
    page = (config.dir("site") / f"articles/{slug}/index.html").read_text(encoding="utf-8")
    return re.search(r'<nav class="pager".*?</nav>', page, re.S).group(0)


def test_the_pager_claims_newer_and_older_only_between_dated_articles(timed_site):
    assert "上一篇（较新）" in pager(timed_site, "noon-utc") and "下一篇（较早）" in pager(timed_site, "noon-utc")
    last_dated = pager(timed_site, "older")
    assert "上一篇（较新）" in last_dated and "较早" not in last_dated and "下一篇：" in last_dated
    undated = pager(timed_site, "undated-a")
    assert "较早" not in undated and "较新" not in undated and "上一篇：" in undated and "下一篇：" in undated


def test_the_timezone_setting_places_dates_written_without_a_zone(tmp_path):
    project = make_project(tmp_path)
    settings_ = yaml.safe_load((project / "config.yaml").read_text(encoding="utf-8"))
    (project / "config.yaml").write_text(yaml.safe_dump({**settings_, "timezone": "-05:00"}), encoding="utf-8")
    config = load_config(project / "config.yaml").with_overrides(search=False)
    build_site(config)
    feed = strict_feed(config.dir("site") / "feed.xml")
    assert feed.find(f"{ATOM}updated").text == "2024-05-26T00:00:00-05:00"


@pytest.mark.parametrize("value", ["Asia/Shanghai", "+8", "08:00", "+24:00"])
def test_a_timezone_that_is_not_an_offset_is_an_error_naming_the_key(tmp_path, value):
    project = make_project(tmp_path)
    settings_ = yaml.safe_load((project / "config.yaml").read_text(encoding="utf-8"))
    (project / "config.yaml").write_text(yaml.safe_dump({**settings_, "timezone": value}), encoding="utf-8")
    with pytest.raises(DigestError, match="setting 'timezone' must be a UTC offset like"):
        load_config(project / "config.yaml")


def test_check_notes_the_undated_articles_left_out_of_the_feeds(timed_site):
    checked = check_content(timed_site)
    assert checked.errors == [] and [note for note in checked.notes if "no date" in note] == [
        f"content/{name}.md: note: no date, so the article is in no feed; add one "
        f"(date: 2024-05-26)" for name in ("undated-a", "undated-b")]
