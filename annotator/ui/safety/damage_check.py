"""The damage check of a project the window opened, run on a thread once the window is shown.

SQLite's quick_check takes up to a second on a big project; run while opening, it
tripled the time to the first window (1.3 s instead of 0.4 s on the bench's 900 MB
archive). The window opens the project with check_later and checks it here instead:
the same check, through a read-only connection of its own, started once the event
loop runs. The file is no less protected: until the check has answered, an edit runs
it itself and waits (core Store.write), so nothing is written to a damaged file; a
damaged one turns read-only and the analyst is told what was found and the way out.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from annotator.core.project import Project
from annotator.ui.common.plain_text import as_text
from annotator.ui.safety.lock_dialog import show_mode

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

POLL_MS = 50
_log = logging.getLogger(__name__)


def check_on_open(window: MainWindow, project: Project) -> OnOpenCheck | None:
    """Start the check opening left for later, if it did; the window must show `project`."""
    if not getattr(project.store, "check_pending", False):
        return None  # checked while opening, read-only, or a shared project (its server keeps it)
    return OnOpenCheck(window, project)


class OnOpenCheck(QObject):
    """One check: a thread that never touches Qt, and a timer here that looks for its answer."""

    finished = Signal(object)  # the damage found, or None

    def __init__(self, window: MainWindow, project: Project):
        super().__init__(window)
        self.setObjectName("onOpenCheck")
        self._window, self._project = window, project
        self._result: tuple[str | None] | None = None
        self.thread: threading.Thread | None = None
        self.done = False
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._look)
        QTimer.singleShot(0, self, self._start)  # once the event loop runs: after the window is shown

    def _start(self) -> None:
        if self._window.project is not self._project:
            return  # another project was opened meanwhile; an edit of this one would have checked it
        # A daemon: quitting within the second the check takes must not wait for it.
        self.thread = threading.Thread(target=self._run, name="annotator-check-on-open", daemon=True)
        self.thread.start()
        self._poll.start()

    def _run(self) -> None:  # on the worker thread: plain Python only
        try:
            self._result = (self._project.store.check_deferred(),)
        except Exception as exc:  # noqa: BLE001 - logged, never raised into a thread nobody joins
            _log.warning("Could not check %s for damage: %s", self._project.path, exc)
            self._result = (None,)

    def _look(self) -> None:
        if self._result is None:
            return
        self._poll.stop()
        self.done = True
        [damage] = self._result
        if damage is not None and self._window.project is self._project:
            show_mode(self._window)  # the badge, the title, and every editing control refusing
            box = QMessageBox(QMessageBox.Information, "Project opened read-only",
                              as_text(f"{self._project.name} was opened read-only, so it stays as it is."),
                              QMessageBox.Ok, self._window)
            box.setObjectName("damageFound")
            box.setInformativeText(as_text(damage))
            box.open()  # not modal to the loop: the analyst can still read and copy out
        self.finished.emit(damage)
