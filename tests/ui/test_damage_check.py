"""The damage check of the project the app starts with runs once the window is shown (issue 17, start-up).

Opening used to run SQLite's quick_check before the window was built (up to a second on a
big project); the window now opens the project with the check left for later and runs it on
a thread once shown. A damaged file still turns read-only, and the analyst is told why.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel, QMessageBox

from annotator.ui.app import open_project
from annotator.ui.main_window import MainWindow
from annotator.ui.safety.damage_check import OnOpenCheck
from tests.core.test_damaged_files import _page_of, sound_project


def zero_an_index_the_window_does_not_read(path: Path) -> None:
    # A damaged page the first screen reads raises from the reader as it did before the check
    # moved (the read-only file is read all the same); this one only the check finds.
    offset, size = _page_of(path, "idx_annotations_text")
    data = bytearray(path.read_bytes())
    data[offset:offset + size] = bytes(size)
    path.write_bytes(bytes(data))


def _shown(qtbot, project) -> MainWindow:
    window = MainWindow(project)
    window.resize(1400, 860)
    qtbot.addWidget(window)
    assert project.store.check_pending and not project.read_only  # building the window did not check either
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_damaged_project_turns_read_only_after_the_window_shows_and_says_why(qtbot, tmp_path: Path) -> None:
    path = sound_project(tmp_path / "study.annotator")
    zero_an_index_the_window_does_not_read(path)
    project = open_project(path)  # what `annotator study.annotator` opens
    assert project.store.check_pending and not project.read_only  # opening did not check: start-up stays quick
    window = _shown(qtbot, project)
    try:
        qtbot.waitUntil(lambda: window.findChild(QMessageBox, "damageFound") is not None, timeout=20000)
        box = window.findChild(QMessageBox, "damageFound")
        qtbot.waitUntil(box.isVisible)
        assert "read-only" in box.text()
        assert "damaged" in box.informativeText() and "annotator check" in box.informativeText()
        assert project.read_only and "Read-only" in window.windowTitle()
        badge = [label for label in window.statusBar().findChildren(QLabel) if label.text() == "Read-only"]
        assert badge and badge[0].isVisible()
        box.close()
    finally:
        window.close()


def test_a_sound_project_stays_editable_once_the_check_has_run(qtbot, tmp_path: Path) -> None:
    path = sound_project(tmp_path / "study.annotator")
    project = open_project(path)
    window = _shown(qtbot, project)
    try:
        check = window.findChild(OnOpenCheck)
        qtbot.waitUntil(lambda: check.done, timeout=20000)
        assert not project.store.check_pending and not project.read_only
        assert window.findChild(QMessageBox, "damageFound") is None
        assert "Read-only" not in window.windowTitle()
    finally:
        window.close()
