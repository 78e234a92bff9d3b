"""Other coders' edits in this window as they commit, and the server's comings and goings.

A thin Feature over the core's LiveFeed (annotator/core/store/pg/live.py): the feed's
thread only emits Qt signals; on the window's thread the store reads what others
committed (SharedStore.others_changes) and announces it, so every view refreshes exactly
as it does for a local edit. The status bar's label names the shared project and says,
for as long as it lasts, that the server is unreachable and edits are refused; when the
feed hears the server again the store opens a new session and the label says so no more.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QStatusBar

from annotator.core.common.errors import ProjectError
from annotator.core.store.pg.locations import describe, without_password
from annotator.ui.common import errors
from annotator.ui.common.workbench import Feature, Workbench
from annotator.ui.shared.offline import NOT_DONE, server_away

UNREACHABLE = "Server unreachable — edits are refused until it is back"
RETRY_MS = 1000  # the feed heard the server, but the store's new session failed: try again this soon


class LiveUpdates(QLabel, Feature):
    """Built once with the window, in its status bar; live only while a shared project is open."""

    _notified = Signal()
    _state = Signal(bool)

    def __init__(self, status_bar: QStatusBar):
        super().__init__(status_bar)
        self.setObjectName("sharedProjectState")
        status_bar.addPermanentWidget(self)
        self.hide()
        self.feed = None
        self.online = True
        self._notified.connect(self._catch_up)
        self._state.connect(self._state_changed)

    def attach(self, workbench: Workbench) -> None:
        super().attach(workbench)
        store = workbench.project.store
        if getattr(store, "engine", "sqlite") != "postgresql":
            return  # a project file: nothing else writes to it while it is open here
        from annotator.core.store.pg.live import LiveFeed  # psycopg loads only for a shared project

        self.online = True
        self._show_state()
        self.show()
        errors.calm_handlers.append(self._said_calmly)
        # The feed's thread must not touch Qt objects: it emits, Qt queues the call to this thread.
        self.feed = LiveFeed(store.url, self._notified.emit, self._state.emit).start()

    def detach(self) -> None:
        if self._said_calmly in errors.calm_handlers:
            errors.calm_handlers.remove(self._said_calmly)
        if self.feed is not None:
            self.feed.stop(timeout=1.0)  # closing while the server is away must not hang the window
            self.feed = None
        self.hide()
        super().detach()

    def _said_calmly(self, exc: BaseException) -> bool:
        """A read (or an edit no view caught) met the server away: said in the status bar, beside this label,
        rather than in a dialog for every click; the view it failed in keeps what it showed."""
        if self.workbench is None or not isinstance(exc, server_away()):
            return False
        self.workbench.show_status(NOT_DONE, 10000)
        return True

    def _store(self):
        return self.workbench.project.store if self.workbench is not None and self.workbench.project else None

    def _catch_up(self) -> None:
        store = self._store()
        if store is None or self.feed is None:
            return
        try:
            changes = store.others_changes()
        except (sqlite3.Error, ProjectError):
            return  # the server went away meanwhile: the feed says so, and reads again when it is back
        if not changes:
            return
        try:
            store.announce(changes)
        except RuntimeError:  # an edit of this window is open (a nested event loop): after it
            QTimer.singleShot(0, lambda: self._announce_later(changes))

    def _announce_later(self, changes) -> None:
        store = self._store()
        if store is not None:
            store.announce(changes)

    def _state_changed(self, online: bool) -> None:
        store = self._store()
        if store is None or self.feed is None:
            return
        if online:
            try:
                store.ensure_connected()  # a session that died with the server: edits made in it are not undoable
            except ProjectError:
                QTimer.singleShot(RETRY_MS, lambda: self._state_changed(True) if self.feed is not None else None)
                return
            self.online = True
            self._show_state()
            self.workbench.show_status(f"Reconnected to {describe(store.url)}; every edit saved before is there.",
                                       8000)
            self._catch_up()
        else:
            self.online = False
            self._show_state()

    def _show_state(self) -> None:
        store = self._store()
        where = describe(store.url) if store is not None else ""
        if self.online:
            self.setText(f"Shared: {where}")
            self.setStyleSheet("")
            self.setToolTip("A shared project: other coders' edits appear here as they save them.")
        else:
            self.setText(UNREACHABLE)
            self.setStyleSheet("QLabel { color: white; background: #b3261e; padding: 0 6px; }")
            self.setToolTip(f"{where} cannot be reached. What you typed stays in its field; save it again when "
                            "the server is back. Annotator reconnects by itself.")


def location(project) -> Path | str:
    """Where the project is, as settings keep it: a file's path, or a shared project's URL without password."""
    url = getattr(project.store, "url", None)
    return without_password(url) if url else project.path


def window_title(project) -> str:
    url = getattr(project.store, "url", None)
    return f"{describe(url)} (shared) — Annotator" if url else f"{project.name} — Annotator"
