"""A project open in another Annotator: the dialog, and what read-only mode lets the analyst do."""

from __future__ import annotations

import json
import os
import socket
import stat
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from annotator.core.project import Project
from annotator.core.store.lock import lock_path
from annotator.ui.main_window import MainWindow
from tests.core.test_lock import held_elsewhere, write_lock
from tests.ui.driver import Driver


def answer(dialog_name: str, button: str, seen: list[dict], then: Callable[[], None] | None = None) -> None:
    """When the modal box `dialog_name` is up, note what it says and click `button`."""

    def act() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.objectName() != dialog_name:
            QTimer.singleShot(20, act)  # not shown yet
            return
        seen.append({"text": box.text(), "info": box.informativeText(),
                     "buttons": [b.text() for b in box.buttons()]})
        if then is not None:
            then()
        next(b for b in box.buttons() if b.text().replace("&", "") == button).click()

    QTimer.singleShot(0, act)


def menu_action(window: MainWindow, text: str):
    for top in window.menuBar().actions():
        for action in top.menu().actions():
            if action.text() == text:
                return action
    raise AssertionError(f"no menu entry {text!r}")


def status_text(window: MainWindow) -> str:
    return window.statusBar().currentMessage()


def test_a_project_open_elsewhere_offers_read_only_and_tagging_there_says_why(
        open_window, seeded_path: Path, tmp_path: Path, qtbot) -> None:
    window = open_window(tmp_path / "mine.annotator")
    ui = Driver(window)
    with held_elsewhere(seeded_path) as child:
        seen: list[dict] = []
        answer("projectLockedDialog", "Open read-only", seen)
        window.open_project(seeded_path)

        assert seen, "no dialog was shown"
        assert seen[0]["text"].startswith("‘seeded.annotator’ is open in Annotator on " + socket.gethostname())
        assert f"process {child.pid}" in seen[0]["text"]
        assert sorted(seen[0]["buttons"]) == ["Cancel", "Open read-only"]  # no take-over: it is provably alive

        assert window.project.path == seeded_path and window.project.read_only
        assert "Read-only" in window.windowTitle()
        badge = window.statusBar().findChild(QLabel, "readOnlyBadge")
        assert badge is not None and badge.isVisible() and badge.text() == "Read-only"
        assert all(not action.isEnabled() for _label, action in window.reader.label_actions)
        for entry in ("&Import documents…", "&Delete annotation", "&Codebook…", "Edit document &title"):
            assert not menu_action(window, entry).isEnabled(), entry
        assert not window.undo_stack.createUndoAction(window).isEnabled()

        doc_id = ui.open("'월마트 VS 아마존'")
        ui.select_phrase("마이크로소프트")
        assert ui.selection() is not None  # reading and selecting still work
        before = window.project.annotations.for_document(doc_id)
        ui.press(Qt.Key_O)
        assert window.project.annotations.for_document(doc_id) == before
        assert status_text(window).startswith("Read-only, nothing can be changed: it is open in Annotator on ")
        assert f"process {child.pid}" in status_text(window)

        # A side-panel control that would change the document answers the same way.
        window.statusBar().clearMessage()
        status = window.document_panel.status
        shown, stored = status.currentIndex(), window.project.documents.get(doc_id).status
        qtbot.keyClick(status, Qt.Key_Down)
        assert status.currentIndex() == shown
        assert window.project.documents.get(doc_id).status == stored
        assert status_text(window).startswith("Read-only")


def test_cancel_keeps_the_project_that_was_open(open_window, seeded_path: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine.annotator"
    window = open_window(mine)
    with held_elsewhere(seeded_path):
        seen: list[dict] = []
        answer("projectLockedDialog", "Cancel", seen)
        window.open_project(seeded_path)
        assert seen
        assert window.project.path == mine and not window.project.read_only


def test_an_old_lock_from_another_computer_can_be_taken_over_after_a_warning(open_window, seeded_path: Path,
                                                                              tmp_path: Path) -> None:
    window = open_window(tmp_path / "mine.annotator")
    long_ago = (datetime.now(timezone.utc) - timedelta(days=3)).isoformat(timespec="seconds")
    write_lock(seeded_path, host="office-pc", started_at=long_ago, os_lock=True)
    seen: list[dict] = []
    answer("projectLockedDialog", "Take over…", seen,
           then=lambda: answer("takeOverDialog", "Take over", seen))
    window.open_project(seeded_path)

    assert [len(seen), "Take over…" in seen[0]["buttons"]] == [2, True]
    assert "office-pc" in seen[0]["text"]
    assert "cannot tell from here whether it is still running on office-pc" in seen[1]["text"]
    assert "lose work" in seen[1]["info"]
    assert window.project.path == seeded_path and not window.project.read_only
    assert json.loads(lock_path(seeded_path).read_text())["host"] == socket.gethostname()


def test_declining_the_take_over_warning_opens_nothing(open_window, seeded_path: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine.annotator"
    window = open_window(mine)
    long_ago = (datetime.now(timezone.utc) - timedelta(days=3)).isoformat(timespec="seconds")
    write_lock(seeded_path, host="office-pc", started_at=long_ago, os_lock=True)
    seen: list[dict] = []
    answer("projectLockedDialog", "Take over…", seen, then=lambda: answer("takeOverDialog", "Cancel", seen))
    window.open_project(seeded_path)
    assert len(seen) == 2
    assert window.project.path == mine
    assert json.loads(lock_path(seeded_path).read_text())["host"] == "office-pc"  # untouched


def test_a_read_only_file_opens_read_only_and_an_editable_one_after_it_edits_again(
        open_window, seeded_path: Path, tmp_path: Path, qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root, which may write anything: answer os.access as for an ordinary user.
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, *a, **k: (
        bool(os.stat(path).st_mode & stat.S_IWUSR) if mode & os.W_OK else real(path, mode, *a, **k)))
    before = seeded_path.read_bytes()
    seeded_path.chmod(0o444)
    try:
        window = open_window(seeded_path)
        ui = Driver(window)
        assert window.project.read_only and "Read-only" in window.windowTitle()
        assert "you have no permission to change it" in status_text(window)
        doc_id = ui.open("'월마트 VS 아마존'")
        ui.select_phrase("마이크로소프트")
        ui.press(Qt.Key_O)
        assert window.project.annotations.for_document(doc_id) == []
        assert window.entities_panel.name_edit.isReadOnly()  # panel fields are locked too
    finally:
        seeded_path.chmod(0o644)

    editable = tmp_path / "editable.annotator"
    with Project(editable) as project:
        project.documents.add(title="Editable", text="Microsoft and Amazon.")
    window.open_project(editable)
    assert not window.project.read_only and "Read-only" not in window.windowTitle()
    assert not window.statusBar().findChild(QLabel, "readOnlyBadge").isVisible()
    assert menu_action(window, "&Import documents…").isEnabled()
    assert not window.entities_panel.name_edit.isReadOnly()
    ui.select_phrase("Microsoft")
    ui.press(Qt.Key_O)
    assert [a.text for a in window.project.annotations.for_document(window.current_doc_id)] == ["Microsoft"]
    window.close()
    assert seeded_path.read_bytes() == before
