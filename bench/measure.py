"""Run a command and measure it: wall seconds and the peak RSS of its whole process tree."""

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
    peak_rss: int  # bytes


class CommandFailed(RuntimeError):
    pass


def descendants(process: psutil.Process) -> list[psutil.Process]:
    """The process and all its descendants ([] once it has ended)."""
    try:
        return [process, *process.children(recursive=True)]
    except psutil.Error:
        return []


def summed_rss(members: list[psutil.Process]) -> int:
    """The RSS of these processes added up (0 for those that have ended)."""
    total = 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            pass
    return total


class PeakSampler(threading.Thread):
    """Every SAMPLE_SECONDS, adds up the RSS of a process tree and keeps the largest sum. Listing the
    tree scans all of /proc (about 3 ms), so it is listed again only every TREE_EVERY samples."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.peak = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        members: list[psutil.Process] = []
        samples = 0
        while not self.stopped.is_set():
            if samples % TREE_EVERY == 0:
                members = descendants(self.process)
            self.peak = max(self.peak, summed_rss(members))
            samples += 1
            self.stopped.wait(SAMPLE_SECONDS)

    def stop(self) -> int:
        self.stopped.set()
        self.join()
        return self.peak


def measure(command: list[str], log: Path) -> Measurement:
    """Run `command`, its output going to `log`: its wall time and the peak summed RSS of its tree."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        sampler = PeakSampler(process.pid)
        sampler.start()
        returncode = process.wait()
        seconds = time.perf_counter() - start
        peak = sampler.stop()
    if returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise CommandFailed(f"{' '.join(command)} exited with {returncode}:\n{tail}")
    return Measurement(seconds, peak)


def median(measurements: list[Measurement]) -> Measurement:
    """The median time and the median peak (each on its own)."""
    return Measurement(statistics.median(m.seconds for m in measurements),
                       int(statistics.median(m.peak_rss for m in measurements)))
