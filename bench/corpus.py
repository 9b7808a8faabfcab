"""Seeded generators of realistic corpora: raw scraped pages (for ingest) and content files.

Sentences come from the shipped seeds (cleaned), so the text is real Chinese; the noise is
the same kinds the seeds carry: Traditional script, pinyin annotations, GBK mojibake,
navigation and spam lines, copyright and related-article blocks, broken paragraphs,
half-width punctuation.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from pathlib import Path

import jieba

from pypinyin import Style, pinyin

from digest.intake.clean import clean_text
from digest.intake.clean.encoding import decode_raw
from digest.script import to_target_script
from digest.config import load_config
from digest.schema import FrontMatter, dump_front_matter

ROOT = Path(__file__).resolve().parent.parent
NAV = ["网站首页 | 网站地图 | 联系我们", "首页 > 理论评论 > 正文", "字号 大 中 小", "分享到：", "APP下载"]
TAIL = ["版权声明：本文内容由互联网用户自发贡献，本站不承担相关法律责任。", "网友评论", "相关阅读"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华"
PLACES = ["北京", "上海", "天津", "重庆", "河北", "山西", "辽宁", "吉林", "江苏", "浙江",
          "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "四川", "云南"]
OUTLETS = ["日报", "新闻网", "观察"]
HAN_WORD_RE = re.compile("^[\u4e00-\u9fff]{2,4}$")
BODY_CHARS = (1500, 4000)  # characters of text in a content file's body


def sentence_pool() -> list[str]:
    """Whole sentences from the cleaned seeds: real text to recombine."""
    rules = load_config(None).rules
    pool = []
    for seed in sorted((ROOT / "seeds").iterdir()):
        text = clean_text(decode_raw(seed.read_bytes(), seed), rules).text
        pool += [s for s in re.findall(r"[^。！？\n]{8,}[。！？]", text)]
    return pool


def fragment(rng: random.Random, pool: list[str], shortest: int, longest: int) -> str:
    """The start of a sentence, as a title or a heading."""
    sentence = rng.choice(pool)
    return sentence[:rng.randint(shortest, longest)].rstrip("，、；：")


def make_article(rng: random.Random, pool: list[str], chars: int) -> tuple[str, list[str]]:
    """(title, paragraphs) of roughly `chars` characters."""
    title = fragment(rng, pool, 10, 24)
    paragraphs, size = [], 0
    while size < chars:
        paragraph = "".join(rng.choice(pool) for _ in range(rng.randint(2, 6)))
        paragraphs.append(paragraph)
        size += len(paragraph)
    return title, paragraphs


def raw_page(rng: random.Random, pool: list[str]) -> str:
    """One scraped page: chrome, title, date, body with noise, footer."""
    title, paragraphs = make_article(rng, pool, rng.randint(1500, 4000))
    if rng.random() < 0.5:
        paragraphs = [to_target_script(p, "s2t") for p in paragraphs]
        title = to_target_script(title, "s2t")
    body = [add_noise(rng, p) for p in paragraphs]
    author = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))
    date = f"{rng.randint(2015, 2024)}年{rng.randint(1, 12):02d}月{rng.randint(1, 28):02d}日"
    lines = [*rng.sample(NAV, 2), title, f"发布时间：{date}", *body,
             f"（作者：{author}）", "责任编辑：" + rng.choice(SURNAMES) + rng.choice(GIVEN), *TAIL,
             *(rng.choice(pool)[:16] for _ in range(4))]
    return "\n".join(lines) + "\n"


def add_noise(rng: random.Random, paragraph: str) -> str:
    if rng.random() < 0.3:
        paragraph = annotate_pinyin(rng, paragraph)
    if rng.random() < 0.3:
        paragraph = paragraph.replace("，", ",").replace("：", ":")
    if rng.random() < 0.15 and len(paragraph) > 60:
        cut = rng.randint(20, len(paragraph) - 20)
        paragraph = paragraph[:cut] + "\n\n" + paragraph[cut:]
    return paragraph


def annotate_pinyin(rng: random.Random, text: str) -> str:
    """`發展` -> `發(fā)展`, on a few characters, as converter sites print it."""
    out = []
    for char in text:
        out.append(char)
        if "\u4e00" <= char <= "\u9fff" and rng.random() < 0.08:
            out.append(f"({pinyin(char, style=Style.TONE)[0][0]})")
    return "".join(out)


def write_raw_corpus(folder: Path, count: int, seed: int = 1) -> int:
    """Write `count` raw pages into folder; returns the total bytes written."""
    rng, pool = random.Random(seed), sentence_pool()
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for number in range(count):
        data = raw_page(rng, pool).encode("utf-8")
        (folder / f"{number:06d}.txt").write_bytes(data)
        total += len(data)
    return total


def tag_vocabulary(pool: list[str], size: int = 300) -> list[str]:
    """The `size` most frequent words of two to four Han characters in the pool, the 30 commonest left out."""
    counts = Counter(word for sentence in pool for word in jieba.lcut(sentence) if HAN_WORD_RE.match(word))
    return [word for word, _ in counts.most_common(size + 30)[30:]]


def content_file(rng: random.Random, pool: list[str], vocabulary: list[str], number: int) -> str:
    """One clean content file: front-matter (2-5 tags, one of 60 sources) and 1,500-4,000 characters
    of Markdown with headings."""
    title = fragment(rng, pool, 10, 24)
    longest = max(map(len, pool))  # content_blocks may go one sentence over its target
    blocks = content_blocks(rng, pool, rng.randint(BODY_CHARS[0], BODY_CHARS[1] - longest))
    meta = FrontMatter(
        title=title, date=dt.date(rng.randint(2015, 2024), rng.randint(1, 12), rng.randint(1, 28)),
        authors=[rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))],
        source=rng.choice(PLACES) + rng.choice(OUTLETS), tags=rng.sample(vocabulary, rng.randint(2, 5)),
        slug=f"article-{number:06d}")
    return dump_front_matter(meta) + "\n" + "\n\n".join(blocks) + "\n"


def content_blocks(rng: random.Random, pool: list[str], chars: int) -> list[str]:
    """Markdown blocks holding `chars` characters of text, or up to one sentence more: paragraphs of
    2-6 sentences, a `##` heading before the second paragraph and every third one after it."""
    blocks: list[str] = []
    size = paragraphs = 0
    while size < chars:
        if paragraphs % 3 == 1:
            heading = fragment(rng, pool, 6, 14)
            blocks.append("## " + heading)
            size += len(heading)
        sentences = []
        for _ in range(rng.randint(2, 6)):
            if size >= chars:
                break
            sentences.append(rng.choice(pool))
            size += len(sentences[-1])
        blocks.append("".join(sentences))
        paragraphs += 1
    return blocks


def write_content_corpus(folder: Path, count: int, seed: int = 1) -> list[Path]:
    """Write `count` content files (content/article-NNNNNN.md) into folder; returns their paths."""
    rng, pool = random.Random(seed), sentence_pool()
    vocabulary = tag_vocabulary(pool)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"article-{number:06d}.md" for number in range(count)]
    for number, path in enumerate(paths):
        path.write_text(content_file(rng, pool, vocabulary, number), encoding="utf-8")
    return paths
