"""digest.parallel: work spread over processes gives what doing it in order gives."""

from __future__ import annotations

import os
import threading

from digest.cache import BuildCache
from digest.parallel import ordered_map


def square(number: int) -> int:
    return number * number


def pid_of(_: object) -> int:
    return os.getpid()


def test_forked_workers_inherit_the_items_instead_of_getting_them_pickled():
    items = [(lambda: number) for number in range(40)]  # a lambda cannot be pickled
    pids = ordered_map(pid_of, items, 2, parallel_from=2, chunksize=5)
    assert len(pids) == 40 and os.getpid() not in pids


def test_results_come_in_order_from_workers_forked_or_from_a_forkserver():
    items = list(range(200))
    assert ordered_map(square, items, 2, parallel_from=2, chunksize=7) == [n * n for n in items]
    from_thread: list[int] = []  # a process running threads must not fork: its workers come from a forkserver
    thread = threading.Thread(target=lambda: from_thread.extend(ordered_map(square, items, 2, parallel_from=2)))
    thread.start()
    thread.join()
    assert from_thread == [n * n for n in items]


def test_a_forked_worker_opens_its_own_cache_connection_and_leaves_the_parents_usable(tmp_path):
    cache = BuildCache(tmp_path)
    cache.save_bodies({f"d{n}": f"正文{n}" for n in range(30)})
    assert ordered_map(cache.body, [f"d{n}" for n in range(30)], 2, parallel_from=2, chunksize=3) == \
        [f"正文{n}" for n in range(30)]
    cache.set("after", "yes")
    assert cache.get("after") == "yes" and cache.body("d7") == "正文7"
