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
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMessageBox

from annotator.core.project import Project
from annotator.ui.common.plain_text import as_text
from annotator.ui.safety.lock_dialog import show_mode
from annotator.ui.safety.on_open import OnOpenTask

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

POLL_MS = 50
_log = logging.getLogger(__name__)


def check_on_open(window: MainWindow, project: Project) -> OnOpenCheck | None:
    """Start the check opening left for later, if it did; the window must show `project`."""
    if not getattr(project.store, "check_pending", False):
        return None  # checked while opening, read-only, or a shared project (its server keeps it)
    return OnOpenCheck(window, project)


class OnOpenCheck(OnOpenTask):
    """One check, reported as a read-only window and a note when it finds damage."""

    finished = Signal(object)  # the damage found, or None

    def __init__(self, window: MainWindow, project: Project):
        # A daemon thread: quitting within the second the check takes must not wait for it.
        super().__init__(window, project, name="onOpenCheck", delay_ms=0, poll_ms=POLL_MS, daemon=True)

    def work(self) -> str | None:
        try:
            return self._project.store.check_deferred()
        except Exception as exc:  # noqa: BLE001 - logged, never raised into a thread nobody joins
            _log.warning("Could not check %s for damage: %s", self._project.path, exc)
            return None

    def report(self, damage: str | None) -> None:
        if damage is not None and self._window.project is self._project:
            show_mode(self._window)  # the badge, the title, and every editing control refusing
            box = QMessageBox(QMessageBox.Information, "Project opened read-only",
                              as_text(f"{self._project.name} was opened read-only, so it stays as it is."),
                              QMessageBox.Ok, self._window)
            box.setObjectName("damageFound")
            box.setInformativeText(as_text(damage))
            box.open()  # not modal to the loop: the analyst can still read and copy out
        self.finished.emit(damage)
