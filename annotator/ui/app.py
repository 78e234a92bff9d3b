"""Starts the GUI on the default project or a given one."""

from __future__ import annotations

import gc
import importlib.util
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.core.common.errors import DAMAGED, ProjectError, storage_problem
from annotator.core.project import Project
from annotator.core.store.lock import ProjectLocked
from annotator.core.store.paths import APP_NAME
from annotator.core.store.pg.locations import is_url, needs_password
from annotator.core.workspace import open_default_project
from annotator.ui.common.errors import held_errors, install_error_handler
from annotator.ui.common.plain_text import as_text


def create_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setWindowIcon(app_icon())
    return app


def app_icon() -> QIcon:
    """The icon from package data, so an installed or bundled copy shows it too."""
    spec = importlib.util.find_spec("annotator.resources")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        if (path := Path(folder, "icon.png")).is_file():
            # A file on disk (installed, editable or bundled): Qt reads it when the icon is first drawn,
            # and importlib.resources (~3 ms of imports at every start, issue 17) is not needed.
            return QIcon(str(path))
    from importlib import resources  # a package inside a zip

    pixmap = QPixmap()
    pixmap.loadFromData(resources.files("annotator.resources").joinpath("icon.png").read_bytes(), "PNG")
    return QIcon(pixmap)


def open_project(path: Path | str | None) -> Project:
    # The damage check waits until the window shows (safety/damage_check.py): up to a second of start-up.
    return open_default_project(check_later=True) if path is None else Project(path, check_later=True)


def run_gui(project_path: Path | str | None = None) -> int:
    """project_path: a project file, or a shared project's postgresql:// URL (issue 15)."""
    app = create_app()
    install_error_handler()
    try:
        project = open_project(project_path)
    except ProjectLocked as exc:  # open in another Annotator: read-only, or cancel
        from annotator.ui.safety.lock_dialog import open_despite_lock

        project = open_despite_lock(None, exc)
        if project is None:
            return 0
    except ProjectError as exc:
        if not (is_url(project_path) and needs_password(str(exc))):
            QMessageBox.critical(None, "Cannot open project", as_text(str(exc)))
            return 2
        from annotator.ui.shared.connect_dialog import open_with_password  # a shared project's server asks

        project = open_with_password(None, project_path, exc)
        if project is None:
            return 0
    from annotator.ui.main_window import MainWindow

    with held_errors() as held:
        try:
            window = MainWindow(project)
        except Exception as exc:
            if storage_problem(exc) != DAMAGED:
                raise
            held.append(exc)
    damage = next((exc for exc in held if storage_problem(exc) == DAMAGED), None)
    if damage is not None:
        # The first screen read a damaged page (the damage check itself runs once the window shows).
        for widget in app.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.project is project:
                widget.deleteLater()  # built half-way, or whole; never shown
        project.close()
        from annotator.ui.safety.damaged_on_open import offer_restore

        if not offer_restore(Path(project.path), damage):
            return 2
        window = MainWindow(open_project(project.path))
    else:
        for exc in held:  # not damage: the usual dialog
            sys.excepthook(type(exc), exc, exc.__traceback__)
    window.show()
    QTimer.singleShot(0, collect_from_now_on)
    return app.exec()


def collect_from_now_on() -> None:
    """Once the window is up: the objects start-up made are set aside for good, and collection resumes.

    They live as long as the app (modules, classes, the window), so the collector would only walk
    them again and again: a full collection over them takes ~20 ms, a pause in the middle of
    tagging; frozen, it takes well under 1 ms.
    """
    gc.freeze()
    gc.enable()
