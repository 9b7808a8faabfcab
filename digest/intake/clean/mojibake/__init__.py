"""Repair GBK mojibake: spans of a page that were decoded one byte out of step.

How the damage looks: the page was GBK. Somewhere a lead byte was lost (it shows as `?`
or U+FFFD), and from there on the decoder paired each character's trail byte with the
next character's lead byte, producing a run of unrelated, mostly rare characters
(`鶎狱`), until a trail byte in 0x40-0x7E came up where a lead byte was expected: it
decodes as a lone ASCII character (`h`) and the text is in step again. Tools that ran on
the out-of-step text left more traces: a pinyin annotator appended `(reading)` after a
misread pair (the `(` went with the lost byte, leaving `?qū)`), a half-width normaliser
turned misread full-width pairs (A3 xx) into ASCII (`;`), and pairs that are not GBK
characters at all were dropped.

Re-encoding the run and pairing its bytes the other way round gives the text back;
the bytes that were lost are guessed from the pinyin fragment and from which guess makes
Chinese words, scored with jieba's word frequencies. A repair is only made when it reads
far better than the text as it stands; characters that cannot be guessed with confidence
become □, and the curator gets a finding either way.

Modules: `regions` finds the runs, `guesses` chooses the lost bytes, `fluency` scores text,
`gbk` holds the byte tables, `repair` is the stage; weights are in digest/data/mojibake.yaml.
"""

from digest.intake.clean.mojibake.repair import repair_gbk_mojibake
from digest.intake.clean.mojibake.weights import LOST

__all__ = ["LOST", "repair_gbk_mojibake"]
