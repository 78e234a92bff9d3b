"""File › Restore backup: the list of backups, Back up now, and restoring with confirmation."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from annotator.core.project import Project
from annotator.core.safety.backup import backups_to_keep, list_backups
from annotator.ui.safety.backup_dialog import BackupDialog, when
from annotator.ui.safety.backup_on_open import OnOpenBackup

from .conftest import select_phrase
from .driver import Driver

TEXT = "Samsung sold 5% more phones, said Kim Ji-ho.\n삼성전자는 만족했다 🚀."


@pytest.fixture
def article_path(tmp_path: Path) -> Path:
    path = tmp_path / "study.annotator"
    with Project(path) as project:
        project.documents.add(title="Phones", text=TEXT)
    return path


def open_backed_up(open_window, path: Path, qtbot):
    """The window, once its on-open backup (made on a thread after the window is idle) is done."""
    window = open_window(path)
    wait_for_backup_on_open(window, qtbot)
    return window


def wait_for_backup_on_open(window, qtbot) -> None:
    backup = window.findChildren(OnOpenBackup)[-1]  # the newest: a restore reopens the project
    qtbot.waitUntil(lambda: backup.done, timeout=30_000)


def file_action(window, text: str):
    file_menu = window.menuBar().actions()[0].menu()
    return next(action for action in file_menu.actions() if action.text() == text)


def open_dialog(window, qtbot) -> BackupDialog:
    file_action(window, "&Restore backup…").trigger()
    dialog = window.tool_window("backups")
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def rows(dialog: BackupDialog) -> list[list[str]]:
    table = dialog.table
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def tag(window, qtbot, phrase: str, key=Qt.Key_O) -> None:
    select_phrase(window, phrase)
    Driver(window).press(key)


def confirm(dialog: BackupDialog, qtbot, button=QMessageBox.Yes) -> QMessageBox:
    qtbot.mouseClick(dialog.restore_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.confirm is not None and dialog.confirm.isVisible())
    box = dialog.confirm
    qtbot.mouseClick(box.button(button), Qt.LeftButton)
    return box


def test_opening_the_project_backs_it_up_and_the_dialog_lists_it(article_path, open_window, qtbot):
    window = open_backed_up(open_window, article_path, qtbot)
    (made,) = list_backups(article_path)
    assert made.reason == "open" and made.path.parent == article_path.parent / "study.backups"
    dialog = open_dialog(window, qtbot)
    assert [c.text() for c in [dialog.table.horizontalHeaderItem(i) for i in range(5)]] == [
        "Date", "Reason", "Documents", "Annotations", "Size"]
    (row,) = rows(dialog)
    assert row[:4] == [when(made), "on open", "1", "0"]
    assert row[4]  # the size, in the locale's units
    assert str(article_path.parent / "study.backups") in dialog.where.text()
    assert dialog.restore_button.isEnabled()


def test_back_up_now_adds_a_copy_with_the_latest_work(article_path, open_window, qtbot):
    window = open_backed_up(open_window, article_path, qtbot)
    tag(window, qtbot, "Samsung")
    dialog = open_dialog(window, qtbot)
    qtbot.mouseClick(dialog.back_up_button, Qt.LeftButton)
    assert [row[1:4] for row in rows(dialog)] == [["made by hand", "1", "1"], ["on open", "1", "0"]]
    newest = list_backups(article_path)[0]
    assert window.statusBar().currentMessage() == f"Backed up to {newest.path}"


def test_restore_after_confirmation_reopens_the_project_as_it_was(article_path, open_window, qtbot):
    window = open_backed_up(open_window, article_path, qtbot)
    tag(window, qtbot, "Samsung")
    tag(window, qtbot, "Kim Ji-ho", Qt.Key_P)
    assert window.project.annotations.count() == 2
    dialog = open_dialog(window, qtbot)
    assert rows(dialog)[0][1] == "on open"  # made before the tags
    backup_time = rows(dialog)[0][0]
    box = confirm(dialog, qtbot)
    assert backup_time in box.text()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    # The window shows the restored project: no annotations, nothing to undo.
    assert window.project is not None and window.project.annotations.count() == 0
    assert window.annotation_panel.model.rowCount() == 0
    assert window.reader.toPlainText().startswith("Samsung sold")
    assert not window.undo_stack.canUndo()
    assert window.statusBar().currentMessage().startswith(f"Restored the backup from {backup_time}; the project as")
    # The work it replaced is kept in a backup, listed first.
    infos = list_backups(article_path)
    assert [(i.reason, i.annotations) for i in infos] == [("before-restore", 2), ("open", 0)]
    tag(window, qtbot, "Samsung")  # the reopened project takes new work
    assert window.project.annotations.count() == 1


def test_cancelling_the_confirmation_changes_nothing(article_path, open_window, qtbot):
    window = open_backed_up(open_window, article_path, qtbot)
    tag(window, qtbot, "Samsung")
    project = window.project
    dialog = open_dialog(window, qtbot)
    confirm(dialog, qtbot, QMessageBox.Cancel)
    qtbot.waitUntil(lambda: not dialog.confirm.isVisible())
    assert window.project is project and project.annotations.count() == 1
    assert window.undo_stack.canUndo()
    assert dialog.isVisible() and len(list_backups(article_path)) == 1


def test_a_failed_restore_says_why_and_keeps_the_project(article_path, open_window, qtbot, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *rest: shown.append(text))
    window = open_backed_up(open_window, article_path, qtbot)
    tag(window, qtbot, "Samsung")
    dialog = open_dialog(window, qtbot)
    list_backups(article_path)[0].path.unlink()  # deleted behind the dialog's back
    confirm(dialog, qtbot)
    assert len(shown) == 1 and shown[0].startswith("No backup at")
    assert window.project is not None and window.project.annotations.count() == 1
    # Reopening found no backup left, so it made a fresh one; the list shows what is really there now.
    wait_for_backup_on_open(window, qtbot)
    assert [row[1:4] for row in rows(dialog)] == [["on open", "1", "1"]]


def test_an_unreadable_backup_is_listed_but_cannot_be_restored(article_path, open_window, qtbot):
    window = open_backed_up(open_window, article_path, qtbot)
    folder = article_path.parent / "study.backups"
    (folder / "2020-01-01T00-00-00Z-open.annotator").write_bytes(b"\x00" * 64)
    dialog = open_dialog(window, qtbot)
    assert rows(dialog)[1][1].startswith("on open — unreadable:") and rows(dialog)[1][2:4] == ["—", "—"]
    dialog.table.selectRow(1)
    assert not dialog.restore_button.isEnabled()
    dialog.table.selectRow(0)
    assert dialog.restore_button.isEnabled()


def test_preferences_set_how_many_backups_the_project_keeps(article_path, open_window, qtbot):
    window = open_window(article_path)
    qtbot.keyClick(window, Qt.Key_Comma, Qt.ControlModifier)
    prefs = window.tool_window("preferences")
    qtbot.waitUntil(prefs.isVisible)
    spin = prefs.keep_backups
    assert spin.value() == 10 and spin.isVisible()
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key_A, Qt.ControlModifier)
    qtbot.keyClicks(spin, "3")
    qtbot.mouseClick(prefs.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok), Qt.LeftButton)
    assert backups_to_keep(window.project) == 3
    assert not window.undo_stack.canUndo()  # a setting: Ctrl+Z does not take it back
    dialog = open_dialog(window, qtbot)
    assert "the newest 3" in dialog.where.text()
    for _ in range(4):
        qtbot.mouseClick(dialog.back_up_button, Qt.LeftButton)
    assert len(rows(dialog)) == 3


def test_a_shared_project_makes_no_copy_on_open_and_the_dialog_says_where_its_backups_are(
        shared_url, open_window, qtbot, tmp_path, monkeypatch):
    # Issue 15, item 3: a copy "beside" a shared project would go to a file named like its database, here.
    monkeypatch.chdir(tmp_path)
    with Project(shared_url) as project:
        project.documents.add(title="Phones", text=TEXT)
    window = open_window(shared_url)
    qtbot.wait(50)
    assert window.findChildren(OnOpenBackup) == []
    dialog = open_dialog(window, qtbot)
    assert "is a shared project: it is backed up on its server" in dialog.where.text()
    assert "annotator pull --url" in dialog.where.text()
    assert rows(dialog) == [] and not dialog.back_up_button.isEnabled() and not dialog.restore_button.isEnabled()
    assert list(tmp_path.iterdir()) == []
