"""The hourly backup made when a project is shown: on a thread once the window is idle, reported quietly.

Apart from the Restore backup dialog (backup_dialog.py), which start-up does not need, so that
the dialog's table widgets load when it first opens (issue 17).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal

from annotator.core.common.errors import ProjectError
from annotator.core.project import Project
from annotator.core.safety.backup import backup_on_open_at, shared_store
from annotator.ui.safety.on_open import OnOpenTask

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

BACKUPS = "backups"  # the Restore backup dialog's key among the window's tool windows
ON_OPEN_DELAY_MS = 1000  # after the window is shown and idle: the copy never competes with the first paint
_log = logging.getLogger(__name__)


def backup_on_open(window: MainWindow, project: Project) -> OnOpenBackup | None:
    """The hourly backup when a project is shown, made on a worker thread once the window is idle."""
    if project.read_only or shared_store(project) is not None:
        return None  # opened beside the Annotator that edits it, or kept by a server: not ours to copy
    return OnOpenBackup(window, project)


class OnOpenBackup(OnOpenTask):
    """One on-open backup: waits for the window to settle, copies on a thread, reports quietly.

    A failure goes to the log and the status bar: it must not stop the analyst's work.
    """

    finished = Signal(object)  # the copy's path, or None when a recent backup made it unnecessary
    failed = Signal(str)

    def __init__(self, window: MainWindow, project: Project):
        self._path = Path(project.path)
        # Not a daemon: quitting waits for the copy to finish rather than cut it off.
        super().__init__(window, project, name="onOpenBackup", delay_ms=ON_OPEN_DELAY_MS, poll_ms=100,
                         daemon=False)

    def work(self) -> tuple[Path | None, str | None]:
        try:
            return backup_on_open_at(self._path), None
        except ProjectError as exc:
            return None, str(exc)
        except Exception as exc:  # noqa: BLE001 - reported, never raised into a thread nobody joins
            return None, f"{exc.__class__.__name__}: {exc}"

    def report(self, answer: tuple[Path | None, str | None]) -> None:
        made, problem = answer
        if problem is not None:
            _log.warning("Could not back up %s on open: %s", self._path, problem)
            self._window.show_status(f"Could not back up this project: {problem}", 20000)
            self.failed.emit(problem)
            return
        dialog = self._window.tool_window(BACKUPS)  # only if one is open: the registry forgets closed ones
        if made is not None and dialog is not None and dialog.isVisible():
            dialog.refresh()  # the list already open shows the new copy
        self.finished.emit(made)
