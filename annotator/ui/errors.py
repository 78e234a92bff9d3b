"""Unexpected errors become a calm dialog and a log entry, never a traceback in the analyst's face.

Every edit is its own committed transaction, so when something unexpected
happens the work done before it is already safe in the project file.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import traceback

import platformdirs
from PySide6.QtWidgets import QApplication, QMessageBox

from ..core.project import APP_NAME

log = logging.getLogger("annotator")


def log_path():
    folder = platformdirs.user_log_path(APP_NAME, appauthor=False)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "annotator.log"


def install_error_handler() -> None:
    path = log_path()
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)

    def hook(exc_type, exc, tb) -> None:
        log.error("Unexpected error\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
        sys.__excepthook__(exc_type, exc, tb)
        if QApplication.instance() is not None:
            box = QMessageBox(QMessageBox.Warning, "Something went wrong",
                              "Annotator hit an unexpected problem and did not finish that action.")
            box.setInformativeText(
                "Your annotations up to this moment are saved in the project file.\n"
                f"Details were written to {path}; please include that file when you report this."
            )
            box.setDetailedText(f"{exc_type.__name__}: {exc}")
            box.exec()

    sys.excepthook = hook
