"""Run a function over chunks of items in worker processes and hand the results back in order.

Import reads, decodes, titles and fingerprints each file in Python, about half a
millisecond a file while holding the interpreter's lock, which the thread storing
the files needs too: a second thread cannot use the second core for it. Worker
processes each have a lock of their own. Results come back in the order of the
items, whichever worker finished first, so what is stored, and the ids it gets,
are the same as when one thread does it all.

Workers are started with 'spawn' on every system: forking a process that runs Qt
threads is unsafe, and spawn behaves the same on Linux, macOS and Windows (a
frozen app calls multiprocessing.freeze_support() first thing for it). The worker
function must be a top-level function of a module that imports no Qt.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def usable_cores() -> int:
    """The cores this process may run on (a container or taskset may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # macOS and Windows have no affinity call
        return os.cpu_count() or 1


class InOrder(Generic[Item, Result]):
    """Iterate work(chunk) over items cut into chunks, run in `workers` processes, result by result in order.

    At most `ahead` chunks are queued or running at once, so memory stays flat however
    many items there are. If the pool cannot start or a worker dies, the chunks not yet
    done are worked here instead: slower, never lost. An exception raised by work
    reaches the caller at its chunk. close() (or leaving a `with`) drops queued chunks
    and waits only for those already running.
    """

    def __init__(self, work: Callable[[list[Item]], list[Result]], items: Sequence[Item], *,
                 chunk: int, workers: int, ahead: int):
        self._work, self._items, self._chunk = work, items, max(1, chunk)
        self._workers, self._ahead = max(1, workers), max(1, ahead)
        self._pool: ProcessPoolExecutor | None = None
        self.chunks_in_workers = 0  # how many chunks came back from a worker process

    def __enter__(self) -> InOrder[Item, Result]:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __iter__(self) -> Iterator[Result]:
        chunks = (list(self._items[i:i + self._chunk]) for i in range(0, len(self._items), self._chunk))
        waiting: deque[tuple[list[Item], Future | None]] = deque()
        try:
            self._pool = ProcessPoolExecutor(self._workers, mp_context=multiprocessing.get_context("spawn"))
        except (OSError, ValueError, NotImplementedError, ImportError):
            self._pool = None  # no processes here (a sandbox, say): the same work, in this process
        for chunk in chunks:
            waiting.append((chunk, self._submit(chunk)))
            if len(waiting) >= self._ahead:
                yield from self._take(waiting.popleft())
        while waiting:
            yield from self._take(waiting.popleft())
        self.close()

    def _submit(self, chunk: list[Item]) -> Future | None:
        if self._pool is None:
            return None
        try:
            return self._pool.submit(self._work, chunk)
        except (BrokenProcessPool, RuntimeError, OSError):
            # Shut down, not just dropped: its manager thread may still be ending the workers, and
            # the caller is promised that none is left running once it is done.
            self.close()
            return None

    def _take(self, waiting: tuple[list[Item], Future | None]) -> list[Result]:
        chunk, future = waiting
        if future is not None:
            try:
                results = future.result()
            except BrokenProcessPool:  # a worker was killed (out of memory, say): work the rest here
                self.close()
            else:
                self.chunks_in_workers += 1
                return results
        return self._work(chunk)
