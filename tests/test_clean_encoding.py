"""Decoding seed bytes (UTF-8, GB18030, Big5) and refusing what is not text."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.intake.clean.encoding import decode_raw, decode_seed
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


# --- UTF-16 without a BOM and stray NUL bytes are text; binaries stay refused (issue 21, point 10) ---

@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: seed.name)
def test_utf16_without_a_bom_is_decoded(seed: Path, encoding: str) -> None:
    text = seed.read_text(encoding="utf-8")
    assert decode_raw(text.encode(encoding), seed) == text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_short_han_only_utf16_without_a_bom_is_decoded(encoding: str) -> None:
    assert decode_raw(f"{SIMPLIFIED}\n一二三".encode(encoding), "a.txt") == f"{SIMPLIFIED}\n一二三"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: seed.name)
def test_a_stray_nul_byte_is_dropped_with_a_note(seed: Path) -> None:
    data = seed.read_bytes()
    middle = data.index(b"\n", len(data) // 2) + 1
    decoded = decode_seed(data[:middle] + b"\x00" + data[middle:], seed)
    assert decoded.text == data.decode("utf-8")
    assert len(decoded.findings) == 1 and "NUL" in decoded.findings[0]
    gb = data.decode("utf-8").encode("gb18030")
    assert decode_raw(gb[:10] + b"\x00" + gb[10:], seed) == data.decode("utf-8")


def binaries() -> list[bytes]:
    """Real binary files: the Python interpreter, compressed seeds, a PNG, a SQLite database, Python bytecode."""
    import gzip
    import importlib.util
    import marshal
    import sqlite3
    import sys
    import tempfile
    import zlib

    seeds = b"".join(seed.read_bytes() for seed in SEEDS)
    png = (b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00\x00\x00\x10" * 2 + b"\x08\x02\x00\x00\x00"
           + zlib.compress(bytes(range(256)) * 4))
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "a.db"
        with sqlite3.connect(database) as connection:
            connection.execute("create table t (x text)")
            connection.execute("insert into t values (?)", (SIMPLIFIED,))
        db = database.read_bytes()
    source = Path(decode_raw.__code__.co_filename)
    pyc = importlib.util.MAGIC_NUMBER + bytes(12) + marshal.dumps(compile(source.read_text(), source, "exec"))
    return [Path(sys.executable).resolve().read_bytes()[:65536], gzip.compress(seeds), zlib.compress(seeds), png,
            db, pyc]


@pytest.mark.parametrize("index", range(6))
def test_real_binary_files_are_still_refused(index: int) -> None:
    with pytest.raises(DigestError, match="binary file|cannot decode"):
        decode_raw(binaries()[index], "seeds/x.bin")


def test_a_seed_with_a_nul_byte_is_ingested_with_the_note(tmp_path) -> None:
    import build

    project = tmp_path / "p"
    (project / "seeds").mkdir(parents=True)
    data = SEEDS[0].read_bytes()
    (project / "seeds" / "nul.txt").write_bytes(data[:200] + b"\x00" + data[200:])
    (project / "seeds" / "utf16.txt").write_bytes(SEEDS[1].read_text(encoding="utf-8").encode("utf-16-le"))
    (project / "config.yaml").write_text("title: 测试\n", encoding="utf-8")
    assert build.main(["--config", str(project / "config.yaml"), "ingest"]) == 0
    written = {path.name: path.read_text(encoding="utf-8") for path in (project / "content").glob("*.md")}
    assert len(written) == 2 and "\x00" not in "".join(written.values())
    assert sum("空字节（NUL）" in text for text in written.values()) == 1
