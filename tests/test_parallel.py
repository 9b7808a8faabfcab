"""digest.parallel: work spread over processes gives what doing it in order gives."""

from __future__ import annotations

import os
import pickle
import threading

import pytest

from digest.cache import BuildCache
from digest.parallel import ordered_map, ordered_results


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
    cache.save_bodies({f"d{n}": pickle.dumps(f"正文{n}") for n in range(30)})
    assert ordered_map(cache.body, [f"d{n}" for n in range(30)], 2, parallel_from=2, chunksize=3) == \
        [f"正文{n}" for n in range(30)]
    cache.set("after", "yes")
    assert cache.get("after") == "yes" and cache.body("d7") == "正文7"


def marked(path: str) -> tuple[bool, int]:
    """Whether `prepare` made the file before this item was handed out, and where it ran."""
    return os.path.exists(path), os.getpid()


def test_each_item_is_prepared_here_in_order_before_it_is_handed_out(tmp_path):
    items = [str(tmp_path / f"marker-{n}") for n in range(60)]
    prepared: list[tuple[str, int]] = []

    def prepare(path: str) -> None:
        open(path, "w").close()
        prepared.append((path, os.getpid()))

    for jobs in (1, 2):
        prepared.clear()
        for path in items:
            if os.path.exists(path):
                os.unlink(path)
        results = ordered_map(marked, items, jobs, parallel_from=2, chunksize=4, prepare=prepare)
        assert [made for made, _ in results] == [True] * 60
        assert prepared == [(path, os.getpid()) for path in items]
        assert (os.getpid() not in {pid for _, pid in results}) == (jobs == 2)
    from_thread: list[tuple[bool, int]] = []  # the forkserver's workers get the same
    for path in items:
        os.unlink(path)
    thread = threading.Thread(target=lambda: from_thread.extend(
        ordered_map(marked, items, 2, parallel_from=2, chunksize=4, prepare=prepare)))
    thread.start()
    thread.join()
    assert [made for made, _ in from_thread] == [True] * 60


def fail_on_three(number: int) -> int:
    if number == 3:
        raise ValueError("three")
    return number


def test_the_error_of_an_item_a_worker_runs_is_raised_here():
    with pytest.raises(ValueError, match="three"):
        ordered_map(fail_on_three, list(range(50)), 2, parallel_from=2, chunksize=1)


class Result:
    """A result a weak reference can follow."""

    def __init__(self, number: int):
        self.number = number


def make_result(number: int) -> Result:
    return Result(number)


def test_results_given_are_let_go_so_a_big_run_never_holds_them_all():
    import gc
    import weakref
    seen: list[weakref.ref] = []
    alive_at_30: list[Result | None] = []
    for result in ordered_results(make_result, list(range(40)), 2, parallel_from=2, chunksize=4):
        seen.append(weakref.ref(result))
        del result
        if len(seen) == 30:  # still running: the first 28 (seven spans of four) are no longer held
            gc.collect()
            alive_at_30 = [ref() for ref in seen[:28]]
    assert alive_at_30 == [None] * 28


def test_the_task_besides_runs_once_in_a_forked_worker_or_else_here_after_the_items(tmp_path):
    record = tmp_path / "besides"
    items = list(range(60))
    taken = {"data": "as the workers see it"}  # a closure over it is never pickled: forked workers inherit it

    def besides() -> None:
        with open(record, "a") as file:
            file.write(f"{os.getpid()} {taken['data']}\n")

    assert ordered_map(square, items, 2, parallel_from=2, chunksize=4, besides=besides) == [n * n for n in items]
    ((pid, data),) = [line.split(" ", 1) for line in record.read_text().splitlines()]
    assert int(pid) != os.getpid() and data == "as the workers see it"
    record.unlink()
    seen_after: list[bool] = []
    for _ in ordered_results(square, items, 1, parallel_from=2, besides=besides):
        seen_after.append(record.exists())
    assert not any(seen_after) and record.read_text().split()[0] == str(os.getpid())
    record.unlink()
    thread = threading.Thread(target=lambda: ordered_map(square, items, 2, parallel_from=2, besides=besides))
    thread.start()
    thread.join()
    assert record.read_text().split()[0] == str(os.getpid())  # no fork from a process running threads


def fail_besides() -> None:
    raise ValueError("besides failed")


def test_a_failing_task_besides_fails_the_run():
    with pytest.raises(ValueError, match="besides failed"):
        ordered_map(square, list(range(60)), 2, parallel_from=2, chunksize=4, besides=fail_besides)


def test_the_work_meanwhile_runs_here_once_the_workers_have_every_item_and_not_when_no_worker_runs():
    items = list(range(60))
    calls: list[tuple[int, int]] = []  # (this process, results taken before it ran)
    taken: list[int] = []

    def meanwhile() -> None:
        calls.append((os.getpid(), len(taken)))

    for result in ordered_results(square, items, 2, parallel_from=2, chunksize=4, meanwhile=meanwhile):
        taken.append(result)
    assert taken == [n * n for n in items] and calls == [(os.getpid(), 0)]
    calls.clear()
    taken.clear()
    from_thread: list[int] = []  # workers from a forkserver: the same
    thread = threading.Thread(target=lambda: from_thread.extend(
        ordered_map(square, items, 2, parallel_from=2, meanwhile=meanwhile)))
    thread.start()
    thread.join()
    assert from_thread == [n * n for n in items] and calls == [(os.getpid(), 0)]
    calls.clear()
    assert ordered_map(square, items, 1, parallel_from=2, meanwhile=meanwhile) == [n * n for n in items]
    assert ordered_map(square, items[:3], 2, parallel_from=8, meanwhile=meanwhile) == [0, 1, 4]
    assert calls == []  # the items done here: no wait to fill
