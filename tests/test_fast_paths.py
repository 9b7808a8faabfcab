"""Fast paths of ingest give exactly what the plain implementations they replace give.

Each oracle here is the earlier, plain code (a library called as documented, or the earlier
regex pass), compared on real text (the shipped seeds and the real-world pages, line by line)
and on generated text mixing the characters that matter. Speed itself is measured by
bench/ingest_stages.py and bench/run.py, never asserted here.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from digest.intake.clean.encoding import decode_raw

REPO = Path(__file__).parent.parent
REAL_PAGES = sorted([*(REPO / "seeds").iterdir(), *(REPO / "tests" / "realworld" / "pages").iterdir()])
# Han characters with several readings (行 háng/xíng, 重, 长, 了, 还, 乐...), common words, Traditional
# forms, Latin letters with and without accents, digits, spaces and marks of both widths.
MIXED = ("银行行长重庆重要长大还是音乐快乐了解了得中国人民的基层党组织總書記點發展"
         "abcXYZé ü09 ,.:;?!()（），。：；？！“”‘’「」《》、—…·\n\t　")


@cache
def real_lines() -> list[str]:
    lines = {line for page in REAL_PAGES for line in decode_raw(page.read_bytes(), page).split("\n")}
    return sorted(line for line in lines if line.strip())


mixed_text = st.text(alphabet=MIXED, max_size=60)


# --------------------------------------------------------------------------------- slugs


def plain_syllables(text: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    from digest.slug import _latin_words

    return lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: _latin_words(chars))


def test_syllables_are_lazy_pinyins_on_every_real_line():
    from digest.slug import _syllables

    for line in real_lines():
        assert _syllables(line) == plain_syllables(line), line


@settings(max_examples=400, deadline=None)
@given(mixed_text)
def test_syllables_are_lazy_pinyins_on_mixed_text(text):
    from digest.slug import _syllables

    assert _syllables(text) == plain_syllables(text)


# --------------------------------------------------------------------------------- punctuation


def plain_normalize_punctuation(text: str) -> str:
    """The earlier normalize_punctuation: every run of every line with an ASCII mark looked at."""
    from digest.intake.clean.punctuation import (ASCII_MARK, DOUBLED_MARK, HALF_CONVERTED_PAIR, MARK_BESIDE_CHINESE,
                                                 MARK_RUN, STRAY_SPACE, _run_to_full_width)

    for beside_chinese, full in MARK_BESIDE_CHINESE:
        text = beside_chinese.sub(full, text)
    while True:
        text = "\n".join(MARK_RUN.sub(_run_to_full_width, line) if ASCII_MARK.search(line) else line
                         for line in text.split("\n"))
        whole = HALF_CONVERTED_PAIR.sub(lambda pair: f"（{pair.group(1) or pair.group(2) or ''}）", text)
        if whole == text:
            break
        text = whole
    return DOUBLED_MARK.sub(r"\1", STRAY_SPACE.sub("", text))


def test_punctuation_as_the_plain_pass_on_real_pages():
    from digest.intake.clean.punctuation import normalize_punctuation

    for page in REAL_PAGES:
        text = decode_raw(page.read_bytes(), page)
        assert normalize_punctuation(text) == plain_normalize_punctuation(text), page.name


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet="中文a1 ,:;?!()（），。：；？！“”、\n", max_size=40))
def test_punctuation_as_the_plain_pass_on_mixed_text(text):
    from digest.intake.clean.punctuation import normalize_punctuation

    assert normalize_punctuation(text) == plain_normalize_punctuation(text)


# --------------------------------------------------------------------------------- empty seeds

WHITESPACE_AND_INVISIBLES = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\x00\x07\x1f\x7f\x90\u00ad\u200b\u200e\u202a" \
                            "\u2060\u2067\ufeff \t\u00a0\u1680\u2003\u202f\u205f\u3000"


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=WHITESPACE_AND_INVISIBLES + "a中\x1b\u200c", max_size=12))
def test_a_seed_is_empty_exactly_when_normalize_whitespace_leaves_nothing(text):
    from digest.intake.clean.encoding import TEXT_CHAR, normalize_whitespace

    assert (TEXT_CHAR.search(text) is None) == (not normalize_whitespace(text))


# --------------------------------------------------------------------------------- phrase fixes


def plain_fix_phrases(text: str, fixes: dict[str, str]) -> str:
    import re

    pattern = re.compile("|".join(map(re.escape, sorted(fixes, key=lambda phrase: (-len(phrase), phrase)))))
    return pattern.sub(lambda match: fixes[match.group(0)], text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="随著沿朝紧接意味着力眼重中文", max_size=30),
       st.sampled_from([{"随著": "随着", "著力": "着力", "紧接著": "紧接着"}, {"随著": "随着", "中文": "汉语"}]))
def test_phrase_fixes_as_one_regex_pass(text, fixes):
    from digest.script import fix_phrases

    assert fix_phrases(text, fixes) == plain_fix_phrases(text, fixes)


def test_phrase_fixes_of_the_shipped_rules_on_real_pages():
    from digest.config import load_config
    from digest.script import fix_phrases, to_target_script

    fixes = load_config(REPO / "config.yaml").rules["phrase_fixes"]
    assert fixes
    for page in REAL_PAGES:
        text = to_target_script(decode_raw(page.read_bytes(), page))
        assert fix_phrases(text, fixes) == plain_fix_phrases(text, fixes), page.name


# --------------------------------------------------------------------------------- boilerplate lines

EXTRA_NAV = ("首页.{0,3}新闻", "(?i)^english$", "^(首页)+$")       # searched, flagged, with a group
EXTRA_DROP = ("广告", "(?i)^copyright", "^(登录|注册)$", "^[^。]{0,8}公告$")


def kind_by_rule_lists(nav, drop):
    """What _dropped_lines asked before: a nav rule (any of them), else a drop rule."""
    from digest.intake.clean.boilerplate import _matcher

    is_nav, is_dropped = _matcher(nav), _matcher(drop)
    return lambda line: "nav" if is_nav(line) else "drop" if is_dropped(line) else None


def rule_lists(extra: bool):
    import re

    from digest.config import load_config

    rules = load_config(REPO / "config.yaml").rules
    nav, drop = tuple(rules["nav_line_patterns"]), tuple(rules["drop_line_patterns"])
    if extra:
        nav, drop = nav + tuple(map(re.compile, EXTRA_NAV)), tuple(map(re.compile, EXTRA_DROP)) + drop
    return nav, drop


def test_line_kinds_as_rule_by_rule_on_every_real_line():
    from digest.intake.clean.boilerplate import _line_kind

    for extra in (False, True):
        nav, drop = rule_lists(extra)
        fast, plain = _line_kind(nav, drop), kind_by_rule_lists(nav, drop)
        kinds = [fast(line) for line in real_lines()]
        assert kinds == [plain(line) for line in real_lines()]
        assert {"nav", "drop", None} <= set(kinds)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["首页", " > ", "正文", "新闻", "English", "广告", "登录", "注册", "版权所有",
                                 "公告", "。", "，", "|", "分享到：", "Copyright", "本文", "配图", "1"]), max_size=8))
def test_line_kinds_as_rule_by_rule_on_generated_lines(parts):
    from digest.intake.clean.boilerplate import _line_kind

    line = "".join(parts)
    for extra in (False, True):
        nav, drop = rule_lists(extra)
        assert _line_kind(nav, drop)(line) == kind_by_rule_lists(nav, drop)(line)


def test_rule_matchers_search_as_each_rule_does_and_tell_flags_apart():
    """The joined matchers are cached by each rule's text and flags, not by the compiled rules
    (whose hash walks all their code, every call): the same text with another flag is another matcher."""
    import re

    from digest.intake.clean.boilerplate import _matcher

    for patterns in rule_lists(True):
        fast = _matcher(patterns)
        assert [bool(fast(line)) for line in real_lines()] == [any(p.search(line) for p in patterns)
                                                                for line in real_lines()]
    assert not _matcher((re.compile("^copyright"),))("COPYRIGHT 2024")
    assert _matcher((re.compile("^copyright", re.IGNORECASE),))("COPYRIGHT 2024")
    assert _matcher((re.compile("^copyleft", re.IGNORECASE),))("COPYLEFT 2024")  # the other order, uncached
    assert not _matcher((re.compile("^copyleft"),))("COPYLEFT 2024")


# --------------------------------------------------------------------------------- the cycle collector


def test_ingest_runs_no_cycle_collection_and_leaves_the_collector_on(tmp_path):
    """A run makes objects by the million and no cycles: every collection during it would be
    wasted (at 10,000 seeds, 0.7 s of this process's time); afterwards the collector is on again."""
    import gc
    import shutil

    from digest.config import load_config
    from digest.intake.ingest import ingest

    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    shutil.copyfile(REPO / "config.yaml", tmp_path / "config.yaml")
    config, collections = load_config(tmp_path / "config.yaml"), []
    gc.callbacks.append(lambda phase, info: collections.append(info) if phase == "start" else None)
    try:
        report = ingest(config, jobs=1)
    finally:
        gc.callbacks.pop()
    assert len(report.results) == 5 and not report.failed
    assert collections == []
    assert gc.isenabled()


# --------------------------------------------------------------------------------- reading seeds


def read_counting(monkeypatch, seeds_dir: Path, unreadable: str | None = None) -> dict[str, int]:
    """Count the reads of each seed (and make one seed unreadable)."""
    reads: dict[str, int] = {}
    read_bytes = Path.read_bytes

    def counted(path: Path) -> bytes:
        if path.parent == seeds_dir:
            reads[path.name] = reads.get(path.name, 0) + 1
            if path.name == unreadable:
                raise PermissionError(13, "Permission denied")
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", counted)
    return reads


def ingest_copy_of_seeds(tmp_path: Path):
    import shutil

    from digest.config import load_config

    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    shutil.copyfile(REPO / "config.yaml", tmp_path / "config.yaml")
    return load_config(tmp_path / "config.yaml")


def test_a_new_seed_is_read_once_and_recorded_with_the_hash_of_its_bytes(tmp_path, monkeypatch):
    """The worker that renders a new seed hashes the bytes it reads; ingest no longer reads every
    new seed a first time only to hash it."""
    import hashlib

    from digest.intake.ingest import ingest
    from digest.intake.record import load_record

    config = ingest_copy_of_seeds(tmp_path)
    reads = read_counting(monkeypatch, tmp_path / "seeds")
    report = ingest(config, jobs=1)
    assert not report.failed and reads == {seed.name: 1 for seed in (tmp_path / "seeds").iterdir()}
    monkeypatch.undo()
    record = load_record(tmp_path / "content")
    assert {name: entry.sha256 for name, entry in record.entries.items()} == {
        seed.name: hashlib.sha256(seed.read_bytes()).hexdigest() for seed in (tmp_path / "seeds").iterdir()}
    again = ingest(config, jobs=1)  # known seeds are hashed by ingest itself, and found unchanged
    assert {result.status for result in again.results} == {"unchanged"}


def test_an_unreadable_new_seed_fails_alone_naming_its_file(tmp_path, monkeypatch):
    from digest.intake.ingest import ingest
    from digest.intake.record import load_record

    config = ingest_copy_of_seeds(tmp_path)
    name = sorted(seed.name for seed in (tmp_path / "seeds").iterdir())[1]
    read_counting(monkeypatch, tmp_path / "seeds", unreadable=name)
    report = ingest(config, jobs=1)
    assert [(result.seed, result.error) for result in report.failed] == [
        (name, f"{tmp_path / 'seeds' / name}: cannot read: Permission denied")]
    assert len(report.results) == 5 and name not in load_record(tmp_path / "content").entries


# --------------------------------------------------------------------------------- writing files


def test_a_file_is_written_through_the_descriptor_that_made_it(tmp_path, monkeypatch):
    """write_atomic opens its temporary file once, when it makes it (opening it again by name cost
    three times the writing); the file comes out whole, with the umask's mode, no temporary left."""
    import builtins
    import os

    from digest.files import write_atomic

    named: list[str | int] = []  # what each open was given: a path, or a descriptor
    real_os_open, real_open = os.open, builtins.open

    def os_open(path, *args, **kwargs):
        named.append(str(path))
        return real_os_open(path, *args, **kwargs)

    def open_(file, *args, **kwargs):
        named.append(file if isinstance(file, int) else str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(builtins, "open", open_)
    target = tmp_path / "a.md"
    write_atomic(target, "标题\n正文\n")
    monkeypatch.undo()
    assert len(named) == 2 and isinstance(named[1], int) and named[0].startswith(str(tmp_path / ".a.md."))
    assert target.read_text(encoding="utf-8") == "标题\n正文\n" and [p.name for p in tmp_path.iterdir()] == ["a.md"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


# --------------------------------------------------------------------------------- vocabulary tags


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="党建党支部a", max_size=4), st.text(alphabet="党建党支部a\n", max_size=40))
def test_occurs_twice_is_a_count_of_two_or_more(term, text):
    """The vocabulary tags' test (`body.count(term) >= 2`, non-overlapping), with overlaps and empties."""
    from digest.intake.extract import occurs_twice

    assert occurs_twice(term, text) == (text.count(term) >= 2)


def test_occurs_twice_on_every_real_line_and_vocabulary_term():
    from digest.config import load_config
    from digest.intake.extract import occurs_twice

    terms = load_config(REPO / "config.yaml").rules["tag_vocabulary"]
    text = "\n".join(real_lines())
    words = {line[i:i + 2] for line in real_lines()[:200] for i in range(0, len(line), 7)}
    found = [occurs_twice(term, text) for term in [*terms, *words]]
    assert found == [text.count(term) >= 2 for term in [*terms, *words]] and True in found and False in found
