#!/usr/bin/env python3
"""Where ingest's time goes: CPU seconds per stage of one seed's rendering, and wall and CPU seconds
per phase of a whole ingest. For speed work, and to compare two checkouts A/B.

    python bench/ingest_stages.py [--code DIR ...] [--seeds FOLDER] [--count 800] [--rounds 3] [--ingest]

Each checkout given with --code (default: this one) is measured in its own subprocess, in turn,
`--rounds` times (interleaved, so that the machine's load hits each alike); the figures are the
medians. Stages are timed by wrapping the functions render_seed calls (and every stage of the
cleaning pipeline) with a CPU clock, in one process, with no profiler. With --ingest, a full
`ingest(config)` of the folder (in process, one worker per core) is timed too, per phase of
`ingest()`; the workers' CPU is counted under `render (workers)`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from functools import partial, wraps
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "bench" / "out" / "same-output" / "seeds-generated-2000"
# Functions of digest.intake.ingest timed (by their name there), and of the duplicates module.
RENDER_STEPS = ("decode_seed", "clean_text", "extract", "to_blocks", "to_markdown", "slugify", "to_target_script")
DUPLICATE_STEPS = ("reduced", "text_key", "signature")
PHASES = ("read_existing", "load_record", "classify", "render", "decide_new", "write", "amend_merged", "save")


def timed(totals: dict[str, float], name: str, function: Callable[..., Any], wall: bool = False):
    """`function`, adding its CPU seconds to totals[name] (and its wall seconds to totals[name + " wall"])."""
    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start, started = time.process_time(), time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            totals[name] += time.process_time() - start
            if wall:
                totals[name + " wall"] += time.perf_counter() - started
    return wrapper


def stage_name(stage: Any) -> str:
    return stage.func.__name__ if isinstance(stage, partial) else stage.__name__


def measure_stages(seeds: list[Path]) -> dict[str, float]:
    """CPU seconds per step of render_safely over `seeds`, in this process (caches warmed first)."""
    import digest.intake.clean as clean
    import digest.intake.duplicates as duplicates
    import digest.intake.ingest as ingest_module
    from digest.config import load_config

    config = load_config(ROOT_UNDER_TEST / "config.yaml")
    for seed in seeds[:20]:
        ingest_module.render_safely((seed, True), config)  # imports, compiled rules, converters
    totals: dict[str, float] = defaultdict(float)
    original_stages = clean.stages
    clean.stages = lambda *args, **kwargs: [timed(totals, f"clean_text: {stage_name(s)}", s)
                                            for s in original_stages(*args, **kwargs)]
    for name in RENDER_STEPS:
        if hasattr(ingest_module, name):
            setattr(ingest_module, name, timed(totals, name, getattr(ingest_module, name)))
    for name in DUPLICATE_STEPS:
        setattr(duplicates, name, timed(totals, name, getattr(duplicates, name)))
    start = time.process_time()
    for seed in seeds:
        ingest_module.render_safely((seed, True), config)
    totals["render_safely (all)"] = time.process_time() - start
    return dict(totals)


def measure_ingest(seeds: Path) -> dict[str, float]:
    """Wall and CPU seconds (of this process) per phase of one ingest of `seeds` into a fresh project,
    and the CPU seconds of the workers."""
    import digest.intake.ingest as ingest_module
    from digest.config import load_config
    from digest.intake.record import Record

    totals: dict[str, float] = defaultdict(float)
    for name in ("read_existing", "load_record"):
        setattr(ingest_module, name, timed(totals, name, getattr(ingest_module, name), wall=True))
    for name in PHASES[2:7]:
        setattr(ingest_module.Run, name, timed(totals, name, getattr(ingest_module.Run, name), wall=True))
    Record.save = timed(totals, "save", Record.save, wall=True)
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        shutil.copyfile(ROOT_UNDER_TEST / "config.yaml", project / "config.yaml")
        (project / "seeds").symlink_to(seeds.resolve())
        config = load_config(project / "config.yaml")
        children = os.times()
        start, cpu = time.perf_counter(), time.process_time()
        report = ingest_module.ingest(config)
        totals["ingest (wall)"] = time.perf_counter() - start
        totals["ingest (CPU here)"] = time.process_time() - cpu
        after = os.times()
        totals["ingest (CPU of workers)"] = (after.children_user + after.children_system
                                             - children.children_user - children.children_system)
        if report.failed:
            raise SystemExit(f"{len(report.failed)} seeds failed")
    return dict(totals)


def child(code: Path, seeds: Path, count: int, whole: bool) -> None:
    global ROOT_UNDER_TEST
    ROOT_UNDER_TEST = code
    sys.path.insert(0, str(code))
    chosen = sorted(seeds.iterdir())[:count]
    result = {"mb": sum(seed.stat().st_size for seed in chosen) / 1e6, "stages": measure_stages(chosen)}
    if whole:
        result["ingest"] = measure_ingest(seeds)
        result["ingest_mb"] = sum(seed.stat().st_size for seed in seeds.iterdir()) / 1e6
    print(json.dumps(result))


def run_child(code: Path, args: argparse.Namespace) -> dict[str, Any]:
    output = subprocess.run([sys.executable, __file__, "--child", str(code), "--seeds", str(args.seeds),
                             "--count", str(args.count), *(["--ingest"] if args.ingest else [])],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def report(code: Path, runs: list[dict[str, Any]]) -> None:
    mb = runs[0]["mb"]
    names = sorted({name for run in runs for name in run["stages"]}, key=lambda n: (n != "render_safely (all)", n))
    whole = statistics.median(run["stages"]["render_safely (all)"] for run in runs)
    print(f"\n{code}: {len(runs)} rounds, {mb:.1f} MB, render_safely {whole:.2f} s CPU = {mb / whole:.2f} MB/s per core")
    for name in names:
        seconds = statistics.median(run["stages"].get(name, 0.0) for run in runs)
        print(f"  {name:<45} {seconds:7.3f} s {100 * seconds / whole:5.1f} %")
    if "ingest" in runs[0]:
        wall = statistics.median(run["ingest"]["ingest (wall)"] for run in runs)
        print(f"  ingest of {runs[0]['ingest_mb']:.1f} MB: {wall:.2f} s wall = {runs[0]['ingest_mb'] / wall:.2f} MB/s")
        print(f"    {'phase':<43} {'wall':>9} {'CPU here':>9}")
        for name in PHASES:
            wall, cpu = (statistics.median(run["ingest"].get(key, 0.0) for run in runs) for key in (name + " wall", name))
            print(f"    {name:<43} {wall:7.3f} s {cpu:7.3f} s")
        for name in ("ingest (CPU here)", "ingest (CPU of workers)"):
            print(f"    {name:<43} {statistics.median(run['ingest'][name] for run in runs):7.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", type=Path, action="append", help="checkout to measure (repeatable)")
    parser.add_argument("--seeds", type=Path, default=SEEDS, help="raw pages (bench/same_output.py makes the default)")
    parser.add_argument("--count", type=int, default=800, help="seeds timed stage by stage")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ingest", action="store_true", help="also time a whole ingest of --seeds, per phase")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.seeds, args.count, args.ingest)
        return
    codes = args.code or [ROOT]
    results: dict[Path, list[dict[str, Any]]] = {code: [] for code in codes}
    for _ in range(args.rounds):
        for code in codes:
            results[code].append(run_child(code, args))
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for code in codes:
        report(code, results[code])


ROOT_UNDER_TEST = ROOT

if __name__ == "__main__":
    main()
