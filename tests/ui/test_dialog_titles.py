"""Every dialog is wide enough for its title bar to show the whole title, as a window manager draws it.

A window manager elides a title wider than its window ("Import…otator"); the title it
draws is the window title plus, when the application sets a display name, " — " and that
name (Qt adds it on Linux). The title bar's font is usually bold, and its icon and
buttons take room too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QProgressDialog

from annotator.ui.app import create_app
from tests.ui.test_entities_panel import show_panel, tag_and_create_entity
from tests.ui.test_worker import hold_import_at, when_visible

from .driver import Driver

TITLE_BAR_BUTTONS = 110  # a window icon and close, maximise and minimise buttons, with some padding


@pytest.fixture(autouse=True)
def real_app_names():
    """The application set up as the Annotator launcher sets it up (names, display name, icon)."""
    app = QApplication.instance()
    before = (app.applicationName(), app.organizationName(), QGuiApplication.applicationDisplayName())
    create_app()
    yield
    app.setApplicationName(before[0])
    app.setOrganizationName(before[1])
    QGuiApplication.setApplicationDisplayName(before[2])


def shown_title(widget) -> str:
    title, display = widget.windowTitle(), QGuiApplication.applicationDisplayName()
    return f"{title} \N{EM DASH} {display}" if display and not title.endswith(display) else title


def title_problem(widget) -> str | None:
    font = QFont(widget.font())
    font.setBold(True)
    title = shown_title(widget)
    needed = QFontMetrics(font).horizontalAdvance(title) + TITLE_BAR_BUTTONS
    return None if widget.width() >= needed else f"{title!r} needs {needed} px; the window is {widget.width()} px"


def assert_title_fits(widget) -> None:
    problem = title_problem(widget)
    assert problem is None, problem


def test_the_import_progress_dialog_shows_its_whole_title(open_window, qtbot, tmp_path: Path, monkeypatch):
    window = open_window(tmp_path / "study.annotator")
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.txt").write_text(f"Headline {n}\n\nBody {n}.\n", encoding="utf-8")
    released = hold_import_at(monkeypatch, 1)
    checked = []

    def check(dialog: QProgressDialog) -> bool:
        checked.append((dialog.windowTitle(), title_problem(dialog)))
        released.set()
        return True

    when_visible(window, qtbot, "importProgress", check)
    window.import_files(paths=[folder])
    assert checked == [("Import documents", None)]


def test_the_stance_popup_and_the_entity_dialogs_show_their_whole_titles(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    panel = show_panel(window, qtbot)
    ui.open("What If Walmart")
    tag_and_create_entity(window, qtbot, "Amazon", occurrence=2)
    tag_and_create_entity(window, qtbot, "Amazon Webservice")
    panel.table.selectRow(0)
    dialogs = []
    for open_it, name in ((panel.merge, "merge_dialog"), (panel.tag_other_mentions, "tag_dialog")):
        open_it()
        dialogs.append(getattr(panel, name))
    panel.mention_list.setCurrentRow(0)
    panel.split_mention()
    dialogs.append(panel.split_dialog)
    for dialog in dialogs:
        qtbot.waitUntil(dialog.isVisible)
        assert_title_fits(dialog)
        dialog.reject()
    ui.select_phrase("Walmart")
    ui.press(Qt.Key_F)
    popup = window.target_popup
    qtbot.waitUntil(popup.isVisible)
    assert_title_fits(popup)
    popup.reject()


def test_the_menu_dialogs_show_their_whole_titles(open_window, seeded_path, qtbot, monkeypatch):
    from annotator.ui import preferences_dialog
    from annotator.ui.interchange import export_dialog
    from annotator.ui.safety import backup_dialog
    from annotator.ui.search import memo_search

    window = open_window(seeded_path)
    shown = []
    monkeypatch.setattr(QDialog, "exec", lambda self: shown.append(self) or QDialog.Rejected)
    export_dialog.run_export(window, window.project)
    shown.append(preferences_dialog.open_preferences(window))
    shown.append(backup_dialog.open_backup_dialog(window))
    shown.append(memo_search.open_memo_search(window))
    for dialog in shown:
        assert_title_fits(dialog)
        dialog.close()


def test_a_warning_shows_its_whole_title(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    info = window.document_info
    info.fields.clearSelection()
    info.fields.setCurrentIndex(info.model.index(-1, -1))
    seen = []

    def on_box():
        box = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()), None)
        if box is not None:
            seen.append((box.windowTitle(), title_problem(box)))
            box.close()
        return box is not None

    from PySide6.QtCore import QTimer
    QTimer.singleShot(50, on_box)
    info._remove()
    assert seen == [("Remove field", None)]
