"""GUI fixtures: a main window over a real project file, shown offscreen."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.corpus.importing import import_seeds
from annotator.core.project import Project
from annotator.ui.common import settings
from annotator.ui.main_window import MainWindow
from tests.ui.driver import Driver


@pytest.fixture(autouse=True)
def no_mouse_button_held(qapp):
    """Each test starts with no mouse button down.

    QTest's double-click (mouseDClick) ends on a press with no release: Qt then believes the
    button is held until some release arrives, and the next test's pointer moves reach its
    widgets as a drag (the span-handle test saw no resize pointer after any test that
    double-clicked). A real double-click ends with a release; this gives it one."""
    yield
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QWidget

    if QApplication.mouseButtons() != Qt.NoButton:
        pad = QWidget()
        pad.show()
        for button in (Qt.LeftButton, Qt.RightButton, Qt.MiddleButton):
            if QApplication.mouseButtons() & button:
                QTest.mouseRelease(pad, button)
        pad.close()
        pad.deleteLater()


@pytest.fixture
def open_window(qtbot):
    """open_window(path) -> MainWindow on that project file, closed after the test."""
    windows = []

    def make(path: Path) -> MainWindow:
        first_launch = not settings.settings().contains("window/geometry")
        window = MainWindow(Project(path))
        if first_launch:
            # The offscreen platform's screen is 800x600, where a first launch fits the window to
            # the screen; tests that point at words want the desktop size an analyst works at.
            window.resize(1400, 860)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        # Menu shortcuts (Ctrl+F, Alt+Down, ...) only fire in the active window.
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        windows.append(window)
        return window

    yield make
    for window in windows:
        if window.project is not None:
            window.close()


@pytest.fixture
def seeded_path(tmp_path: Path) -> Path:
    path = tmp_path / "seeded.annotator"
    with Project(path) as project:
        import_seeds(project)
    return path


def select_phrase(window: MainWindow, phrase: str, occurrence: int = 1) -> None:
    """Select a phrase in the reader the way a user's drag would: through the widget's cursor."""
    Driver(window).select_phrase(phrase, occurrence)


def open_titled(window: MainWindow, title_start: str) -> int:
    """Click the document whose title starts so in the document list; its id."""
    return Driver(window).open(title_start)
