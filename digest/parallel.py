"""One way to spread work over the machine's cores, with the same results as doing it in order."""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def worker_count(jobs: int | None) -> int:
    """`jobs`, or one per core when it is None or 0."""
    return jobs or os.cpu_count() or 1


def ordered_map(function: Callable[[Item], Result], items: Sequence[Item], jobs: int | None, *,
                parallel_from: int, initializer: Callable[..., Any] | None = None,
                initargs: tuple[Any, ...] = (), chunksize: int = 32,
                prepare: Callable[[Item], Any] | None = None, besides: Callable[[], Any] | None = None,
                meanwhile: Callable[[], Any] | None = None) -> list[Result]:
    """[function(item) for item in items]: see `ordered_results`."""
    return list(ordered_results(function, items, jobs, parallel_from=parallel_from, initializer=initializer,
                                initargs=initargs, chunksize=chunksize, prepare=prepare, besides=besides,
                                meanwhile=meanwhile))


def ordered_results(function: Callable[[Item], Result], items: Sequence[Item], jobs: int | None, *,
                    parallel_from: int, initializer: Callable[..., Any] | None = None,
                    initargs: tuple[Any, ...] = (), chunksize: int = 32,
                    prepare: Callable[[Item], Any] | None = None, besides: Callable[[], Any] | None = None,
                    meanwhile: Callable[[], Any] | None = None) -> Iterator[Result]:
    """function(item) for each item, in order, as they come: in worker processes when there are
    at least `parallel_from` items and more than one job; `initializer(*initargs)` sets up each
    process (the current one too when the work is done here). `prepare(item)` runs here, in
    order, before the item is handed out: while the workers are busy with the items before it.
    `besides()` runs once, in a forked worker as its first task when the workers are forked (it
    sees the data as they do, and work that would wait for the items runs with them), otherwise
    here after the items; the iteration ends once it has run. `meanwhile()` runs here once every item
    is handed out to worker processes, before their first result is taken: work this process would
    do later anyway, done while it would only wait (never when the items are done here).

    When this process runs no other thread (a command-line build), the workers are forked: they
    inherit the items, so only their positions and the results cross between processes; pickling
    a big site's pages to send them cost as much as rendering them. A process that runs threads
    (the preview server builds from one) cannot fork safely, so its workers come from a forkserver
    and get the items pickled, `chunksize` at a time."""
    jobs = worker_count(jobs)
    prepare = prepare or _nothing
    spans = chunked(range(len(items)), chunksize)

    def prepare_span(span: range) -> None:
        for index in span:
            prepare(items[index])

    if jobs == 1 or len(items) < parallel_from:
        if initializer:
            initializer(*initargs)
        for item in items:
            prepare(item)
            yield function(item)
    elif threading.active_count() == 1:
        with inherited_heap(), ProcessPoolExecutor(
                min(jobs, len(items)), mp_context=multiprocessing.get_context("fork"), initializer=_start_forked,
                initargs=(function, items, initializer, initargs, besides)) as pool:
            done_besides = pool.submit(_run_besides) if besides else None
            yield from _handed_out(pool, spans, lambda span: (_run_inherited, span), prepare_span, meanwhile)
            if done_besides:
                done_besides.result()
        return
    else:
        with ProcessPoolExecutor(min(jobs, len(items)), mp_context=multiprocessing.get_context("forkserver"),
                                 initializer=initializer, initargs=initargs) as pool:
            yield from _handed_out(pool, spans, lambda span: (_run_all, function, [items[index] for index in span]),
                                   prepare_span, meanwhile)
    if besides:
        besides()


def _handed_out(pool: ProcessPoolExecutor, spans: list[range], task: Callable[[range], tuple[Any, ...]],
                prepare: Callable[[range], Any], meanwhile: Callable[[], Any] | None) -> Iterator[Any]:
    """Each span prepared, then submitted as `task(span)`; their results in order. Like
    `Executor.map`, which cannot prepare: each future is let go once its results are given (a
    big site's bodies are never all held), and what is still to run is cancelled if one fails."""
    futures: deque[Future] = deque()
    try:
        for span in spans:
            prepare(span)
            futures.append(pool.submit(*task(span)))
        if meanwhile:
            meanwhile()
        while futures:
            yield from futures.popleft().result()
    finally:
        for future in futures:
            future.cancel()


def _nothing(_: Any) -> None:
    pass


def _run_all(function: Callable[[Any], Any], items: list[Any]) -> list[Any]:
    return [function(item) for item in items]


@contextmanager
def inherited_heap() -> Iterator[None]:
    """The objects that exist now left out of the cycle collector while forked workers run, so that
    neither the workers' collections nor ours write to the memory pages they share."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


# A forked worker's function, items and task besides them.
_inherited: tuple[Callable[[Any], Any], Sequence[Any], Callable[[], Any] | None] | None = None


def _start_forked(function: Callable[[Any], Any], items: Sequence[Any], initializer: Callable[..., Any] | None,
                  initargs: tuple[Any, ...], besides: Callable[[], Any] | None) -> None:
    global _inherited
    _inherited = (function, items, besides)
    gc.enable()  # a worker forked while the parent's collector was paused still frees its own cycles
    if initializer:
        initializer(*initargs)


def _run_inherited(span: Sequence[int]) -> list[Any]:
    function, items, _ = _inherited
    return [function(items[index]) for index in span]


def _run_besides() -> None:
    _inherited[2]()


def chunked(items: Sequence[Item], size: int) -> list[Sequence[Item]]:
    return [items[start:start + size] for start in range(0, len(items), size)]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while the site's data is made: millions of objects and no
    cycles, which each full collection would walk again (at 10,000 articles, 0.8 s of 2 s). They
    are frozen, left out of the collections to come, before it is on again: else the first one,
    soon after, would walk them all (0.06 s for the plan of 10,000 articles)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()
