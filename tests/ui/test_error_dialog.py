"""An unexpected exception in the GUI: a calm dialog, a log with the traceback, and no lost work."""

from __future__ import annotations

import logging
import sqlite3
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.core.coding.annotations import Annotations
from annotator.ui import app as gui_app
from annotator.ui.common import errors
from annotator.ui.main_window import MainWindow

from .driver import Driver

BUG = "simulated bug in delete"


@pytest.fixture
def error_handler():
    """The handler run_gui installs, removed again so later tests see their usual hook and logger."""
    uninstall = errors.install_error_handler()
    yield
    uninstall()
    if errors._dialog is not None:
        errors._dialog.close()


def error_dialogs() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == errors.DIALOG_NAME and w.isVisible()]


def test_a_failing_menu_action_shows_a_friendly_dialog_logs_the_traceback_and_keeps_earlier_work(
        open_window, seeded_path, qtbot, monkeypatch, annotator_home, error_handler):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open("'월마트 VS 아마존'")
    ui.select_phrase("마이크로소프트")
    ui.press(Qt.Key_O)  # the edit before the failure
    [tagged] = window.project.annotations.for_document(doc_id)

    def broken_delete(self, annotation_id):
        raise RuntimeError(BUG)

    monkeypatch.setattr(Annotations, "delete", broken_delete)
    ui.press(Qt.Key_Delete)  # Edit › Delete annotation, on the tag just made

    qtbot.waitUntil(lambda: len(error_dialogs()) == 1)
    [box] = error_dialogs()
    assert box.windowTitle() == "Something went wrong"
    shown = box.text() + "\n" + box.informativeText()
    assert "No data was lost" in shown
    log = annotator_home / "logs" / "annotator.log"
    assert str(log) in shown
    # The traceback is for whoever reads the log or opens "Show details", never the message itself.
    assert "Traceback" not in shown and BUG not in shown
    assert "Traceback" in box.detailedText() and f"RuntimeError: {BUG}" in box.detailedText()

    written = log.read_text(encoding="utf-8")
    assert "Unexpected error" in written and "Traceback (most recent call last)" in written
    assert f"RuntimeError: {BUG}" in written and "broken_delete" in written

    # The tag made before the failure is committed: another connection to the file sees it.
    with sqlite3.connect(seeded_path) as other:
        assert other.execute("SELECT text FROM annotations WHERE id = ?", (tagged.id,)).fetchall() == [
            ("마이크로소프트",)]
    # And the window goes on working: the tag is still listed and the next edit is taken.
    assert window.annotation_panel.model.rowCount() == 1
    qtbot.mouseClick(box.button(QMessageBox.Ok), Qt.LeftButton)
    qtbot.waitUntil(lambda: not error_dialogs())
    ui.select_phrase("아마존")
    ui.press(Qt.Key_O)
    assert len(window.project.annotations.for_document(doc_id)) == 2


def test_an_error_repeating_in_a_loop_logs_each_time_but_stacks_one_dialog(qapp, annotator_home, error_handler):
    for n in range(3):
        try:
            raise ValueError(f"paint failure {n}")
        except ValueError:
            sys.excepthook(*sys.exc_info())
    assert len(error_dialogs()) == 1
    written = (annotator_home / "logs" / "annotator.log").read_text(encoding="utf-8")
    assert all(f"ValueError: paint failure {n}" in written for n in range(3))


def test_the_log_rotates_instead_of_growing_without_end(qapp, annotator_home, error_handler, monkeypatch):
    monkeypatch.setattr(errors, "show_error_dialog", lambda *args: None)
    for n in range(1200):  # about 1.2 KB of traceback each: past the 1 MB a log file may hold
        try:
            raise LookupError(f"failure {n} " + "x" * 800)
        except LookupError:
            sys.excepthook(*sys.exc_info())
    folder = annotator_home / "logs"
    assert (folder / "annotator.log.1").exists()
    assert all(p.stat().st_size <= errors.LOG_BYTES for p in folder.iterdir())
    assert len(list(folder.iterdir())) <= errors.LOG_BACKUPS + 1


def test_starting_the_app_installs_the_handler(qapp, seeded_path, monkeypatch, annotator_home):
    logger_handlers = list(logging.getLogger("annotator").handlers)
    seen = {}

    def run_event_loop(app) -> int:
        seen["hook"] = sys.excepthook
        [window] = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen["project"] = window.project.path
        window.close()
        window.deleteLater()
        return 0

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    monkeypatch.setattr(QApplication, "exec", run_event_loop)
    try:
        assert gui_app.run_gui(seeded_path) == 0
    finally:
        for handler in logging.getLogger("annotator").handlers:
            if handler not in logger_handlers:
                logging.getLogger("annotator").removeHandler(handler)
                handler.close()
    assert seen["project"] == seeded_path
    assert seen["hook"].__module__ == errors.__name__
    assert (annotator_home / "logs" / "annotator.log").exists()


def test_tagging_on_a_full_disk_says_the_disk_is_full_and_that_nothing_was_lost(
        open_window, seeded_path, qtbot, monkeypatch, error_handler):
    # Issue 12, item 19: this said "Something went wrong", as if Annotator had a bug.
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open("'월마트 VS 아마존'")
    ui.select_phrase("마이크로소프트")
    ui.press(Qt.Key_O)
    [kept] = window.project.annotations.for_document(doc_id)

    def full_disk(self, *args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")  # what SQLite raises on SQLITE_FULL

    monkeypatch.setattr(Annotations, "add", full_disk)
    ui.select_phrase("아마존")
    ui.press(Qt.Key_O)

    qtbot.waitUntil(lambda: len(error_dialogs()) == 1)
    [box] = error_dialogs()
    shown = box.windowTitle() + "\n" + box.text() + "\n" + box.informativeText()
    assert box.windowTitle() == "The disk is full"
    assert "not saved" in shown and "No data was lost" in shown and "Free some disk space" in shown
    assert "Something went wrong" not in shown and "unexpected" not in shown
    assert [a.id for a in window.project.annotations.for_document(doc_id)] == [kept.id]
    qtbot.mouseClick(box.button(QMessageBox.Ok), Qt.LeftButton)
