"""The window as its features see it: reveal a place, one live tool window per key, features
attached to each project and detached from it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from annotator.core.project import Project
from annotator.ui.common.workbench import Feature
from tests.ui.driver import Driver


def warnings_shown(monkeypatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr("annotator.ui.main_window.QMessageBox.warning",
                        lambda _parent, title, text, *rest: shown.append((title, text)))
    return shown


def what_the_window_shows(window) -> tuple:
    current, ui = window.annotation_panel.current(), Driver(window)
    return (window.current_doc_id, ui.selection(), window.doc_view.currentIndex().row(),
            current.id if current is not None else None, ui.text()[:80], ui.status())


def test_reveal_selects_a_span_and_an_annotation_in_the_document(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    korean = ui.open("'월마트 VS 아마존'")
    ui.select_phrase("아마존웹서비스")
    ui.press(Qt.Key_O)
    tagged = window.annotation_panel.current()
    other = ui.open("What If Walmart")
    assert window.current_doc_id == other

    assert window.reveal(korean, annotation_id=tagged.id) is True
    assert window.current_doc_id == korean
    assert window.annotation_panel.current().id == tagged.id
    assert window.reader.selected_annotation().id == tagged.id

    ui.open("What If Walmart")
    text = window.project.documents.text(korean)
    start = text.index("아마존웹서비스")
    assert window.reveal(korean, span=(start, start + 3)) is True
    assert window.current_doc_id == korean and ui.selection() == (start, start + 3)


def test_reveal_of_a_deleted_annotation_or_document_warns_once_and_changes_nothing(open_window, seeded_path,
                                                                                 qtbot, monkeypatch):
    window = open_window(seeded_path)
    ui = Driver(window)
    korean = ui.open("'월마트 VS 아마존'")
    ui.select_phrase("아마존웹서비스")
    ui.press(Qt.Key_O)
    doomed = window.annotation_panel.current()
    ui.open("What If Walmart")
    ui.select_phrase("Walmart")
    window.project.annotations.delete(doomed.id)  # as an undo, or another window, would
    shown = warnings_shown(monkeypatch)
    before = what_the_window_shows(window)

    assert window.reveal(korean, annotation_id=doomed.id) is False
    assert shown == [("Deleted meanwhile", shown[0][1])] and shown[0][1].startswith("That annotation was deleted")
    assert what_the_window_shows(window) == before

    gone = max(window.project.documents.ids()) + 1  # a document listed before it was removed
    assert window.reveal(gone, span=(0, 4)) is False
    assert len(shown) == 2 and shown[1][1].startswith("That document was deleted")
    assert what_the_window_shows(window) == before


def test_the_registry_keeps_one_live_tool_window_and_a_closed_one_is_forgotten(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    made: list[QWidget] = []

    def dialog() -> QDialog:
        made.append(QDialog(window))
        made[-1].setAttribute(Qt.WA_DeleteOnClose)
        return made[-1]

    first = window.tool_window("sample", dialog)
    assert window.tool_window("sample", dialog) is first and window.tool_window("sample") is first
    first.show()
    first.close()  # a dialog that deletes itself on close is gone for the registry at once
    assert window.tool_window("sample") is None
    second = window.tool_window("sample", dialog)
    assert second is not first and len(made) == 2

    def panel() -> QWidget:
        made.append(QWidget(window, Qt.Window))
        return made[-1]

    third = window.tool_window("panel", panel)
    third.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    assert window.tool_window("panel") is None  # deleted: forgotten, never handed out dead
    assert window.tool_window("panel", panel) is made[-1]


class Recorder(QWidget, Feature):
    """A feature that notes what it was told."""

    def __init__(self, log: list, parent=None):
        super().__init__(parent)
        self.log = log

    def attach(self, workbench) -> None:
        super().attach(workbench)
        self.log.append(("attach", Path(workbench.project.path).name))

    def detach(self) -> None:
        self.log.append(("detach", Path(self.workbench.project.path).name))
        super().detach()


def test_features_are_attached_to_each_project_and_detached_before_it_closes(open_window, seeded_path,
                                                                            tmp_path, qtbot):
    window = open_window(seeded_path)
    log: list = []
    panel = Recorder(log, window)
    window.features.append(panel)
    panel.attach(window)
    tool = window.tool_window("recorder", lambda: Recorder(log, window))  # a tool window is attached when made
    assert log == [("attach", "seeded.annotator")] * 2

    other = tmp_path / "other.annotator"
    with Project(other) as project:
        project.documents.add(title="Other", text="Nothing here.")
    window.open_project(other)
    # Both let go of the old project while it was still open; only the panel lives on, on the new one.
    assert log[2:] == [("detach", "seeded.annotator"), ("detach", "seeded.annotator"), ("attach", "other.annotator")]
    assert panel.workbench is window and tool.workbench is None
    assert window.tool_window("recorder") is None
