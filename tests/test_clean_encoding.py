"""Decoding seed bytes (UTF-8, GB18030, Big5) and refusing what is not text."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.intake.clean.encoding import decode_raw
from digest.errors import DigestError

SEEDS = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))
SIMPLIFIED = "总之，建立党建示范基地的建设，通过凝聚广大党员和全体员工的向心力。"
TRADITIONAL = "黨建強，則發展強。習近平總書記強調，必須紮實做好抓基層、打基礎的工作。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_simplified_text_in_each_encoding(encoding: str) -> None:
    assert decode_raw(SIMPLIFIED.encode(encoding), "a.txt") == SIMPLIFIED


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "big5", "cp950"])
def test_traditional_text_in_each_encoding(encoding: str) -> None:
    assert decode_raw(TRADITIONAL.encode(encoding), "a.txt") == TRADITIONAL


@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: seed.name)
def test_seeds_round_trip_through_gb18030(seed: Path) -> None:
    text = seed.read_text(encoding="utf-8")
    assert decode_raw(seed.read_bytes(), seed) == text
    assert decode_raw(text.encode("gb18030"), seed) == text


def test_a_traditional_seed_round_trips_through_big5() -> None:
    """Big5 bytes are valid GB18030 too; the decoder must still read them as Big5."""
    seed = next(seed for seed in SEEDS if seed.name.startswith("001"))
    text = seed.read_text(encoding="utf-8").replace("\u00a0", " ")  # Big5 has no NBSP
    assert decode_raw(text.encode("big5"), seed) == text


def test_a_bom_is_dropped() -> None:
    assert decode_raw(b"\xef\xbb\xbf" + "正文".encode(), "a.txt") == "正文"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_a_bom_is_text(encoding: str) -> None:
    data = "\ufeffDOI: 正文".encode(encoding) if encoding.endswith("be") else "DOI: 正文".encode(encoding)
    assert decode_raw(data, "a.txt").lstrip("\ufeff") == "DOI: 正文"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty file"),
    (b" \r\n\t\n", "empty file"),
    ("\u3000\n".encode(), "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    (b"\xff\xfe\x00\xd8", "cannot decode"),
    (bytes(range(1, 9)) * 20 + "正文".encode(), "binary file"),
    (b"\xfd\xfc\xfb", "cannot decode"),
    (b"caf\xe9 au lait", "cannot decode"),
])
def test_what_is_not_text_is_refused_with_the_file_named(data: bytes, message: str) -> None:
    with pytest.raises(DigestError) as error:
        decode_raw(data, Path("seeds/bad.txt"))
    assert message in str(error.value)
    assert str(error.value).startswith("seeds/bad.txt: ")


def test_a_few_control_bytes_do_not_make_a_file_binary() -> None:
    data = "第一页".encode() + b"\x0c\x1b[0m" + "第二页".encode()
    assert decode_raw(data, "a.txt") == "第一页\x0c\x1b[0m第二页"
