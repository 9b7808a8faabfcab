"""Run a command and measure it: wall seconds and the peak RSS of its whole process tree, and its
peak PSS (proportional set size: a page shared by n processes counts 1/n in each, so forked workers
sharing their parent's memory are not counted again, as in the RSS sum they are)."""

from __future__ import annotations

import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

SAMPLE_SECONDS = 0.02
TREE_EVERY = 5  # samples: the tree is listed again every 0.1 s


@dataclass(frozen=True)
class Measurement:
    seconds: float
    peak_rss: int  # bytes, summed over the process tree
    peak_pss: int = 0  # bytes, summed over the process tree; 0: not measured


class CommandFailed(RuntimeError):
    pass


def descendants(process: psutil.Process) -> list[psutil.Process]:
    """The process and all its descendants ([] once it has ended)."""
    try:
        return [process, *process.children(recursive=True)]
    except psutil.Error:
        return []


def summed_memory(members: list[psutil.Process]) -> tuple[int, int]:
    """The RSS and the PSS of these processes, each added up (0 for those that have ended)."""
    rss = pss = 0
    for member in members:
        try:
            memory = member.memory_full_info()
        except psutil.Error:
            continue
        rss, pss = rss + memory.rss, pss + memory.pss
    return rss, pss


class PeakSampler(threading.Thread):
    """Every SAMPLE_SECONDS, adds up the RSS and the PSS of a process tree and keeps the largest
    sums. Listing the tree scans all of /proc (about 3 ms), so it is listed again only every
    TREE_EVERY samples."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.peak_rss = self.peak_pss = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        members: list[psutil.Process] = []
        samples = 0
        while not self.stopped.is_set():
            if samples % TREE_EVERY == 0:
                members = descendants(self.process)
            rss, pss = summed_memory(members)
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            samples += 1
            self.stopped.wait(SAMPLE_SECONDS)

    def stop(self) -> tuple[int, int]:
        self.stopped.set()
        self.join()
        return self.peak_rss, self.peak_pss


def measure(command: list[str], log: Path) -> Measurement:
    """Run `command`, its output going to `log`: its wall time and the peak summed RSS and PSS of its tree."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        sampler = PeakSampler(process.pid)
        sampler.start()
        returncode = process.wait()
        seconds = time.perf_counter() - start
        peak_rss, peak_pss = sampler.stop()
    if returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise CommandFailed(f"{' '.join(command)} exited with {returncode}:\n{tail}")
    return Measurement(seconds, peak_rss, peak_pss)


def median(measurements: list[Measurement]) -> Measurement:
    """The median time and the median peaks (each on its own)."""
    return Measurement(statistics.median(m.seconds for m in measurements),
                       int(statistics.median(m.peak_rss for m in measurements)),
                       int(statistics.median(m.peak_pss for m in measurements)))
