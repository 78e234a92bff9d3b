"""Work on the next items on a second thread while the caller handles the current one.

Import reads, decodes and fingerprints files (Python work) while the caller stores
the previous ones (SQLite work that runs without Python's global lock), so the two
overlap on two cores. The items waiting are bounded in bytes, so a folder of large
files never piles up in memory; closing early (a cancel) stops the thread and drops
what it had prepared.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

Source = TypeVar("Source")
Item = TypeVar("Item")

BUDGET_BYTES = 16 * 1024 * 1024
CHUNK = 16  # items handed over at once


class ReadAhead(Generic[Source, Item]):
    """Iterate prepare(source) for each source, computed ahead on a worker thread.

    An exception inside prepare reaches the caller when it gets to that item.
    """

    def __init__(self, sources: Iterable[Source], prepare: Callable[[Source], Item],
                 weight: Callable[[Item], int], budget: int = BUDGET_BYTES):
        self._sources, self._prepare, self._weight, self._budget = sources, prepare, weight, budget
        self._ready: deque[tuple[list[Item], int]] = deque()
        self._held = 0
        self._error: BaseException | None = None
        self._done = self._stopped = False
        self._lock = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="annotator-read-ahead", daemon=True)

    def __enter__(self) -> ReadAhead[Source, Item]:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        with self._lock:
            self._stopped = True
            self._ready.clear()
            self._lock.notify_all()
        self._thread.join()

    def __iter__(self) -> Iterator[Item]:
        while True:
            with self._lock:
                while not self._ready and not self._done:
                    self._lock.wait()
                if not self._ready:
                    if self._error is not None:
                        raise self._error
                    return
                chunk, weight = self._ready.popleft()
                self._held -= weight
                self._lock.notify_all()
            yield from chunk

    def _run(self) -> None:
        chunk: list[Item] = []
        weight = 0
        try:
            for source in self._sources:
                item = self._prepare(source)
                chunk.append(item)
                weight += self._weight(item)
                # Handed over a few at a time: each hand-over takes the lock on both threads.
                if len(chunk) >= CHUNK or weight >= self._budget // 4:
                    if not self._hand_over(chunk, weight):
                        return
                    chunk, weight = [], 0
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, who decides
            self._error = exc
        finally:
            if chunk:
                self._hand_over(chunk, weight)
            with self._lock:
                self._done = True
                self._lock.notify_all()

    def _hand_over(self, chunk: list[Item], weight: int) -> bool:
        with self._lock:
            # One chunk may always wait, however large: it holds the item the caller needs next.
            while self._ready and self._held + weight > self._budget and not self._stopped:
                self._lock.wait()
            if self._stopped:
                return False
            self._ready.append((chunk, weight))
            self._held += weight
            self._lock.notify_all()
            return True
