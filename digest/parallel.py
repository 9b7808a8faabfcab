"""One way to spread work over the machine's cores, with the same results as doing it in order."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def worker_count(jobs: int | None) -> int:
    """`jobs`, or one per core when it is None or 0."""
    return jobs or os.cpu_count() or 1


def ordered_map(function: Callable[[Item], Result], items: Sequence[Item], jobs: int | None, *,
                parallel_from: int, initializer: Callable[..., Any] | None = None,
                initargs: tuple[Any, ...] = (), chunksize: int = 32) -> list[Result]:
    """[function(item) for item in items]: see `ordered_results`."""
    return list(ordered_results(function, items, jobs, parallel_from=parallel_from, initializer=initializer,
                                initargs=initargs, chunksize=chunksize))


def ordered_results(function: Callable[[Item], Result], items: Sequence[Item], jobs: int | None, *,
                    parallel_from: int, initializer: Callable[..., Any] | None = None,
                    initargs: tuple[Any, ...] = (), chunksize: int = 32) -> Iterator[Result]:
    """function(item) for each item, in order, as they come: in worker processes when there are
    at least `parallel_from` items and more than one job; `initializer(*initargs)` sets up each
    process (the current one too when the work is done here).

    Workers come from a forkserver: the preview server builds from a thread, and forking a
    process that runs threads is unsafe."""
    jobs = worker_count(jobs)
    if jobs == 1 or len(items) < parallel_from:
        if initializer:
            initializer(*initargs)
        yield from map(function, items)
        return
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(min(jobs, len(items)), mp_context=context, initializer=initializer,
                             initargs=initargs) as pool:
        yield from pool.map(function, items, chunksize=chunksize)


def chunked(items: Sequence[Item], size: int) -> list[Sequence[Item]]:
    return [items[start:start + size] for start in range(0, len(items), size)]


def flatten(groups: Iterable[Iterable[Item]]) -> list[Item]:
    return [item for group in groups for item in group]
