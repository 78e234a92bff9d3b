"""The damage check of the project the app starts with runs once the window is shown (issue 17, start-up).

Opening used to run SQLite's quick_check before the window was built (up to a second on a
big project); the window now opens the project with the check left for later and runs it on
a thread once shown. A damaged file still turns read-only, and the analyst is told why.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from annotator.core.safety.backup import list_backups, make_backup
from annotator.ui import app as gui_app
from annotator.ui.app import open_project
from annotator.ui.main_window import MainWindow
from annotator.ui.safety.damage_check import OnOpenCheck
from annotator.ui.safety.damaged_on_open import DIALOG_NAME, RESTORE
from tests.core.test_damaged_files import _page_of, sound_project, zero_a_page


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


@pytest.fixture
def gui_start(monkeypatch, annotator_home):
    """run_gui with the event loop replaced by a look at what is on screen; the dialogs' choices given."""
    logger_handlers = list(logging.getLogger("annotator").handlers)
    seen: dict = {"boxes": []}

    def answer(box: QMessageBox) -> int:
        seen["boxes"].append((box.objectName(), box.text(), box.informativeText(),
                              [b.text() for b in box.buttons()]))
        wanted = [b for b in box.buttons() if b.text() == seen.get("click")]
        (wanted or [box.buttons()[-1]])[0].click()
        return 0

    def run_event_loop(app) -> int:
        [window] = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen["window annotations"] = window.project.annotations.count()
        window.close()
        window.deleteLater()
        return 0

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_gui installs its own; restored after the test
    monkeypatch.setattr(QMessageBox, "exec", answer)
    monkeypatch.setattr(QApplication, "exec", run_event_loop)
    yield seen
    for handler in logging.getLogger("annotator").handlers:
        if handler not in logger_handlers:
            logging.getLogger("annotator").removeHandler(handler)
            handler.close()


def test_a_damaged_page_the_window_reads_offers_the_newest_backup_and_opens_it(qtbot, tmp_path: Path, gui_start):
    path = sound_project(tmp_path / "study.annotator")
    make_backup(path, "manual")
    zero_a_page(path)  # the annotations the reader highlights: building the window reads them
    damaged = path.read_bytes()
    gui_start["click"] = RESTORE

    assert gui_app.run_gui(path) == 0

    [(name, text, advice, buttons)] = gui_start["boxes"]
    assert name == DIALOG_NAME and "study.annotator" in text and "damaged" in text
    assert "Nothing in it was changed" in text
    assert "newest backup" in advice and "40 documents and 40 annotations" in advice and "by hand" in advice
    assert buttons == [RESTORE, "Close"] or buttons == ["Close", RESTORE]
    assert gui_start["window annotations"] == 40  # the backup's, shown in the window
    kept = [info for info in list_backups(path) if info.reason == "before-restore"]
    assert len(kept) == 1 and kept[0].path.read_bytes()[100:] == damaged[100:]  # the damaged file, kept


def test_a_damaged_page_without_backups_says_what_to_do_and_changes_nothing(qtbot, tmp_path: Path, gui_start):
    path = sound_project(tmp_path / "study.annotator")
    zero_a_page(path)
    damaged = path.read_bytes()

    assert gui_app.run_gui(path) == 2

    [(name, text, advice, buttons)] = gui_start["boxes"]
    assert name == DIALOG_NAME and "damaged" in text
    assert "no backup" in advice and f'annotator check --project "{path}"' in advice
    assert buttons == ["Close"]
    assert "window annotations" not in gui_start
    assert path.read_bytes() == damaged and list_backups(path) == []
