"""Starts the GUI on the default project or a given one."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QMessageBox

from ..core.errors import ProjectError
from ..core.lock import ProjectLocked
from ..core.project import APP_NAME, Project, open_default_project
from .errors import install_error_handler
from .plain_text import as_text


def create_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setWindowIcon(app_icon())
    return app


def app_icon() -> QIcon:
    """The icon from package data, so an installed or bundled copy shows it too."""
    pixmap = QPixmap()
    pixmap.loadFromData(resources.files("annotator.resources").joinpath("icon.png").read_bytes(), "PNG")
    return QIcon(pixmap)


def open_project(path: Path | None) -> Project:
    return open_default_project() if path is None else Project(path)


def run_gui(project_path: Path | None = None) -> int:
    app = create_app()
    install_error_handler()
    try:
        project = open_project(project_path)
    except ProjectLocked as exc:  # open in another Annotator: read-only, or cancel
        from .lock_dialog import open_despite_lock

        project = open_despite_lock(None, exc)
        if project is None:
            return 0
    except ProjectError as exc:
        QMessageBox.critical(None, "Cannot open project", as_text(str(exc)))
        return 2
    from .main_window import MainWindow

    window = MainWindow(project)
    window.show()
    return app.exec()
