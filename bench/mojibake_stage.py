#!/usr/bin/env python3
"""What the encoding-damage stages cost: the mojibake repairs and the markup stage, timed over
generated raw pages (bench.corpus.write_raw_corpus), for this tree and optionally for others.

    python bench/mojibake_stage.py [--pages 800] [--rounds 5] [--ref NAME=PATH ...]

Each --ref is the root of another copy of the project (e.g. `git archive main digest | tar -x -C
/tmp/ref`); its stages are imported in a subprocess and timed in the same rounds, interleaved
with this tree's, so machine load hits both alike. Prints the best round per tree, in ms and
MB/s of raw text, with the load average. Writes nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TIMER = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from digest.intake.clean.encoding import decode_raw, normalize_whitespace
from digest.intake.clean.markup import strip_html_tags
from digest.intake.clean.mojibake import repair_gbk_mojibake
try:  # trees before these stages existed time the others only
    from digest.intake.clean.mojibake.lost import repair_lost_encoding
    from digest.intake.clean.mojibake.utf8 import reread_utf8_read_as_gbk
except ImportError:
    repair_lost_encoding = reread_utf8_read_as_gbk = lambda text: text
texts = [normalize_whitespace(decode_raw(path.read_bytes(), path)) for path in sorted(Path(sys.argv[2]).glob("*.txt"))]
for text in texts[:20]:  # warm the caches and the lazy imports, as a long ingest would have them
    reread = reread_utf8_read_as_gbk(text)
    repaired = repair_lost_encoding(repair_gbk_mojibake(getattr(reread, "text", reread)).text)
    strip_html_tags(getattr(repaired, "text", repaired))
start = time.perf_counter()
for text in texts:
    reread = reread_utf8_read_as_gbk(text)
    repaired = repair_lost_encoding(repair_gbk_mojibake(getattr(reread, "text", reread)).text)
    strip_html_tags(getattr(repaired, "text", repaired))
print(json.dumps({"seconds": time.perf_counter() - start, "bytes": sum(len(t.encode()) for t in texts)}))
"""


def time_tree(root: Path, corpus: Path) -> dict[str, float]:
    """One timed pass of the stages of the project at `root` over the corpus."""
    result = subprocess.run([sys.executable, "-c", TIMER, str(root), str(corpus)],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=800)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--ref", action="append", default=[], help="NAME=PATH of another project root")
    args = parser.parse_args(argv)
    trees = {"this tree": ROOT, **{name: Path(path) for name, path in (ref.split("=", 1) for ref in args.ref)}}
    sys.path.insert(0, str(ROOT))
    from bench.corpus import write_raw_corpus

    with tempfile.TemporaryDirectory() as folder:
        write_raw_corpus(Path(folder), args.pages)
        best: dict[str, dict[str, float]] = {}
        for _ in range(args.rounds):
            for name, root in trees.items():
                run = time_tree(root, Path(folder))
                if name not in best or run["seconds"] < best[name]["seconds"]:
                    best[name] = run
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    for name, run in best.items():
        rate = run["bytes"] / run["seconds"] / 1e6
        print(f"{name}: {run['seconds'] * 1000:.0f} ms for {args.pages} pages "
              f"({run['bytes'] / 1e6:.1f} MB), {rate:.1f} MB/s; load average {load}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
