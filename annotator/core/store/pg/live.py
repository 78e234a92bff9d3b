"""The live feed of a shared project: a thread that LISTENs for other clients' commits.

The server NOTIFYs `annotator_changes` at every commit (server_schema.py). The feed holds
a connection of its own, so a long edit or a read on the store's connection never delays
a notification, and calls `on_notify` (on its own thread) for each one; the caller reads
what changed through SharedStore.others_changes() on the thread that owns the store.

The feed is also how a client learns that the server went away: its connection breaks at
once when the server stops. It then says `on_state(False)`, tries again with a growing
pause, and says `on_state(True)` when it is back, followed by one `on_notify` so whatever
was committed meanwhile is read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import psycopg

from annotator.core.store.pg.locations import connection_string
from annotator.core.store.pg.server_schema import CHANNEL

# Pauses between attempts to reach a server that is gone, in seconds: quick at first (a
# restart takes a second or two), then no more often than every few seconds.
BACKOFF = (0.2, 0.5, 1.0, 2.0, 3.0)
# How often the idle feed wakes: to notice stop(), and to ask the server whether it is
# still there when the network, not the server, went away (no notification ever breaks).
WAKE_SECONDS = 0.25
PING_SECONDS = 3.0


class LiveFeed:
    def __init__(self, url: str, on_notify: Callable[[], None], on_state: Callable[[bool], None] | None = None,
                 *, backoff: tuple[float, ...] = BACKOFF) -> None:
        self.url = url
        self._on_notify = on_notify
        self._on_state = on_state
        self._backoff = backoff
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.online = True  # until shown otherwise: the store just connected
        self.listening = threading.Event()  # set while LISTEN is in force (tests wait on it)

    def start(self) -> LiveFeed:
        self._thread = threading.Thread(target=self._run, name="annotator-live-feed", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop listening: no callback starts once this is called, even while the thread still winds down
        (it may be waiting on a server that does not answer)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _notify(self) -> None:
        if not self._stop.is_set():  # a stopped feed's owner may be gone (a window closing)
            self._on_notify()

    def _state(self, online: bool) -> None:
        if online == self.online or self._stop.is_set():
            return
        self.online = online
        if self._on_state is not None:
            self._on_state(online)

    def _run(self) -> None:
        attempt = 0
        while not self._stop.is_set():
            try:
                conn = psycopg.connect(connection_string(self.url), autocommit=True, connect_timeout=5)
            except psycopg.Error:
                self._state(False)
                self._stop.wait(self._backoff[min(attempt, len(self._backoff) - 1)])
                attempt += 1
                continue
            try:
                conn.execute(f"LISTEN {CHANNEL}")
                self.listening.set()
                came_back = not self.online
                self._state(True)
                attempt = 0
                if came_back:
                    self._notify()  # what was committed while this client could not hear
                self._listen(conn)
            except psycopg.Error:
                self.listening.clear()
                self._state(False)
            finally:
                self.listening.clear()
                conn.close()

    def _listen(self, conn: psycopg.Connection) -> None:
        pinged = time.monotonic()
        while not self._stop.is_set():
            heard = False
            for _note in conn.notifies(timeout=WAKE_SECONDS):
                heard = True
                # Several commits in a burst are read in one go: the reader asks for everything since.
                self._notify()
                break
            if heard:
                continue
            if time.monotonic() - pinged > PING_SECONDS:
                conn.execute("SELECT 1")
                pinged = time.monotonic()
