"""Unexpected errors become a calm dialog and a log entry, never a traceback in the analyst's face.

Every edit is its own committed transaction, and an edit that fails part way
rolls back whole, so when something unexpected happens the work done before it
is already safe in the project file. The dialog says so, and where the log is;
the traceback goes to the log and behind "Show details" only.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import platformdirs
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.core.common.errors import DAMAGED, DISK_FULL, READ_ONLY, storage_problem
from annotator.core.store.paths import APP_NAME, data_dir

log = logging.getLogger("annotator")

LOG_NAME = "annotator.log"
LOG_BYTES = 1_000_000
LOG_BACKUPS = 3  # annotator.log.1 .. .3: a few sessions back, never an ever-growing file
DIALOG_NAME = "unexpectedError"

# Asked first about each unexpected error: True when one has told the user calmly (a shared project's
# server away: the status bar says so, annotator/ui/shared/live.py), so no dialog comes up for it.
calm_handlers: list[Callable[[BaseException], bool]] = []

# The dialog on screen, kept referenced (open() does not block) and so that an
# error repeating in a paint event logs each time but stacks no second dialog.
_dialog: QMessageBox | None = None

# While not None, unexpected errors are kept here for whoever is building something (see held_errors).
_held: list[BaseException] | None = None


def log_dir() -> Path:
    """The user log folder; beside the data when ANNOTATOR_HOME is set (tests, portable installs)."""
    if os.environ.get("ANNOTATOR_HOME"):
        return data_dir() / "logs"
    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def log_path() -> Path:
    folder = log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / LOG_NAME


ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


class _LogFile(logging.Handler):
    """The rotating log file, its rotation set up at the first record: most sessions write none, and
    logging.handlers (with pickle and socket) cost every start-up ~5 ms (issue 17)."""

    def __init__(self, path: Path):
        super().__init__()
        self.path = path
        self._file: logging.Handler | None = None
        path.touch()  # there from the start, where the error dialog says it is

    def emit(self, record: logging.LogRecord) -> None:
        if self._file is None:
            import logging.handlers

            self._file = logging.handlers.RotatingFileHandler(self.path, maxBytes=LOG_BYTES,
                                                              backupCount=LOG_BACKUPS, encoding="utf-8")
            self._file.setFormatter(self.formatter)
        self._file.emit(record)

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


def install_error_handler() -> Callable[[], None]:
    """Log to a rotating file and answer unexpected exceptions with a dialog; returns what undoes that."""
    path = log_path()
    handler = _LogFile(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    previous: ExceptHook = sys.excepthook

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        if said_calmly(exc):
            log.info("Not done, said in the status bar: %s: %s", exc_type.__name__, exc)
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("Unexpected error\n%s", details)
        if _held is not None:
            _held.append(exc)
            return
        handler.flush()
        sys.__excepthook__(exc_type, exc, tb)  # a console, when there is one, shows it too
        try:
            show_error_dialog(exc, details, path)
        except Exception:  # noqa: BLE001 - the hook must never raise: that would end the app
            log.exception("Could not show the error dialog")

    sys.excepthook = hook

    def uninstall() -> None:
        if sys.excepthook is hook:
            sys.excepthook = previous
        log.removeHandler(handler)
        handler.close()

    return uninstall


@contextmanager
def held_errors() -> Iterator[list[BaseException]]:
    """Keep the unexpected errors raised in slots meanwhile (logged) for the caller to answer, no dialog each.

    Building the window on a damaged file fails in several slots at once; the start-up
    answers all of them with one offer of a backup (safety/damaged_on_open.py).
    """
    global _held
    outer, _held = _held, []
    try:
        yield _held
    finally:
        _held = outer


def show_error_dialog(exc: BaseException, details: str, path: Path) -> QMessageBox | None:
    """Tell the analyst what happened, that their work is safe, and where the log is; never blocks."""
    global _dialog
    if QApplication.instance() is None:
        return None
    if _dialog is not None and _dialog.isVisible():
        return _dialog
    title, text, advice = _what_happened(exc, path)
    box = QMessageBox(QMessageBox.Warning, title, text, parent=QApplication.activeWindow())
    box.setObjectName(DIALOG_NAME)
    box.setInformativeText(advice)
    box.setDetailedText(details or f"{type(exc).__name__}: {exc}")
    box.finished.connect(_forget)
    _dialog = box
    box.open()  # not exec(): a nested event loop inside a failing slot can fail again
    return box


_SAFE = ("No data was lost: every edit you made before this is saved in the project file, "
         "and an edit is saved whole or not at all, never half-way.")


def _what_happened(exc: BaseException, path: Path) -> tuple[str, str, str]:
    """Title, text and advice: what is true, when it is known (a full disk is not a bug)."""
    shared = _shared_project_problem(exc)
    if shared is not None:
        return shared
    problem = storage_problem(exc)
    if problem == DISK_FULL:
        return ("The disk is full", "The disk holding the project is full, so what you just did was not saved.",
                f"{_SAFE} Free some disk space, then do it again.")
    if problem == DAMAGED:
        return ("The project file is damaged",
                "Annotator found damage in the project file and did not finish what you just asked for.",
                "Make no more changes to it: restore a backup (File › Restore backup…) or run `annotator check` "
                f"on it to see what is wrong. Details were written to the log, {path}.")
    if problem == READ_ONLY:
        return ("The project cannot be written", "Annotator may not write to the project file or its folder, "
                "so what you just did was not saved.",
                f"{_SAFE} Copy the project to a folder you can write to, or ask for write permission there.")
    return ("Something went wrong",
            "Annotator hit an unexpected problem and did not finish what you just asked for.",
            f"{_SAFE}\n\nDetails were written to the log, {path}. Please include that file when you report this. "
            "You can keep working; if the problem repeats, save your notes and restart Annotator.")


def _shared_project_problem(exc: BaseException) -> tuple[str, str, str] | None:
    """A shared project's server went away, or refused an edit: said as such, not as a bug."""
    connection = sys.modules.get("annotator.core.store.pg.connection")  # never loaded: no shared project open
    if connection is None:
        return None
    shared = sys.modules.get("annotator.core.store.pg.shared")
    gone = (connection.ServerUnreachable, shared.ServerGone) if shared else (connection.ServerUnreachable,)
    conflict = (connection.WriteConflict, shared.EditConflict) if shared else (connection.WriteConflict,)
    if isinstance(exc, gone):
        return ("Server unreachable", "The shared project's server cannot be reached, so what you just did was not "
                "saved. What you typed is still in its field.",
                "Edits are refused until the server is back; Annotator reconnects by itself (the status bar says "
                "when). Every edit saved before is safe on the server.")
    if isinstance(exc, conflict):
        return ("Changed by another coder", "Another coder changed this meanwhile, so your edit was not saved: "
                "the window now shows what is there.", str(exc))
    return None


def server_away() -> tuple[type[BaseException], ...]:
    """The errors that mean a shared project's server is away, for an except clause: none while no shared project
    was opened (psycopg is loaded only for one)."""
    found = (getattr(sys.modules.get("annotator.core.store.pg.shared"), "ServerGone", None),
             getattr(sys.modules.get("annotator.core.store.pg.connection"), "ServerUnreachable", None))
    return tuple(kind for kind in found if kind is not None)


def said_calmly(exc: BaseException) -> bool:
    """True when a calm handler told the user of exc (see calm_handlers); a view that caught it asks too."""
    return any(handler(exc) for handler in list(calm_handlers))


def _forget() -> None:
    global _dialog
    if _dialog is not None:
        _dialog.deleteLater()
    _dialog = None
