"""The repair's limits, weights and character sets, read once from digest/data/mojibake.yaml."""

from __future__ import annotations

from pathlib import Path

import yaml

_DATA = yaml.safe_load((Path(__file__).parents[3] / "data" / "mojibake.yaml").read_text(encoding="utf-8"))
_LIMITS, _WEIGHTS, _CHARS = _DATA["limits"], _DATA["weights"], _DATA["characters"]

CONTEXT: int = _LIMITS["context"]
WINDOW: int = _LIMITS["window"]
MAX_RUN: int = _LIMITS["max_run"]
MAX_RESYNCS: int = _LIMITS["max_resyncs"]
MAX_DROPS: int = _LIMITS["max_drops"]

MARGIN: float = _WEIGHTS["margin"]
UNSUSPECTED_MARGIN: float = _WEIGHTS["unsuspected_margin"]
OFF_SCRIPT: float = _WEIGHTS["off_script"]
CONFIDENT: float = _WEIGHTS["confident"]
GUESSED_BYTE: float = _WEIGHTS["guessed_byte"]
DROPPED_PAIR: float = _WEIGHTS["dropped_pair"]
WRONG_READING: float = _WEIGHTS["wrong_reading"]
COMMON_WORD: float = _WEIGHTS["common_word"]
GARBAGE_CHAR: float = _WEIGHTS["garbage_char"]
GARBAGE_AVERAGE: float = _WEIGHTS["garbage_average"]
FLUENT_CHAR: float = _WEIGHTS["fluent_char"]
PUNCT_COST: float = _WEIGHTS["punct_cost"]
COMMON_PUNCT_COST: float = _WEIGHTS["common_punct_cost"]
ASCII_COST: float = _WEIGHTS["ascii_cost"]
DOUBLED_MARK: float = _WEIGHTS["doubled_mark"]
OPEN_MARK_AT_LINE_END: float = _WEIGHTS["open_mark_at_line_end"]

LOST: str = _CHARS["lost"]
TONED: str = _CHARS["toned"]
COMMON_PUNCTUATION = frozenset(_CHARS["common_punctuation"])
PUNCTUATION = frozenset(_CHARS["punctuation"])
SENTENCE_MARKS = frozenset(_CHARS["sentence_marks"])
OPEN_MARKS = frozenset(_CHARS["open_marks"])
