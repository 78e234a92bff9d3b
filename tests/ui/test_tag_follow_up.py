"""A tag's highlight is painted first; the list, form, status line and entity offer follow it
one repaint later (issue 17, the tag row), and nothing can act on the state in between."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core.project import Project

from .conftest import select_phrase
from .driver import Driver

TEXT = "Amazon Web Services said on 3 May that Walmart had left Seattle."


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "follow.annotator"
    with Project(path) as project:
        project.documents.add(title="English", text=TEXT)
    return path


def formats_at(window, offset: int) -> int:
    """How many highlight ranges the reader's layout carries at a code-point offset."""
    qt = window.reader.positions.to_qt(offset)
    block = window.reader.document().findBlock(qt)
    return sum(1 for r in block.layout().formats() if r.start <= qt - block.position() < r.start + r.length)


def test_a_tag_is_highlighted_at_once_and_the_side_panels_follow_promptly(open_window, path, qtbot):
    window = open_window(path)
    select_phrase(window, "Walmart")
    QTest.keyClick(window.reader, Qt.Key_O)  # no event loop yet: what the key itself did

    [tag] = window.project.annotations.for_document(1)
    assert tag.text == "Walmart" and formats_at(window, TEXT.index("Walmart") + 2) == 1
    assert not window.reader.textCursor().hasSelection()  # the selection gave way to the highlight
    assert window.reader.selected_annotation().id == tag.id  # marked: the arrow keys adjust it

    offer = window.entities_panel.offer_button
    qtbot.waitUntil(lambda: window.annotation_panel.view.currentIndex().row() == 0 and offer.isVisible())
    assert window.annotation_panel.current().id == tag.id
    assert window.annotation_panel.label_text.text().startswith("Walmart")  # the form shows it
    assert window.statusBar().currentMessage().startswith("Tagged Organization: Walmart")
    assert offer.text() == "Create entity ‘Walmart’"
    assert window.annotation_panel.heading.text() == "Annotations (1)"
    assert Driver(window).document_row(1)[1] == 1  # the document list counts it


def test_a_key_typed_right_after_a_tag_acts_on_that_tag(open_window, path, qtbot):
    window = open_window(path)
    select_phrase(window, "Amazon Web Services")
    QTest.keyClick(window.reader, Qt.Key_O)
    select_phrase(window, "Seattle")
    QTest.keyClick(window.reader, Qt.Key_L)
    QTest.keyClick(window.reader, Qt.Key_Delete)  # typed ahead, before the loop ran: deletes Seattle's tag

    assert [a.text for a in window.project.annotations.for_document(1)] == ["Amazon Web Services"]


def test_a_click_right_after_a_tag_is_not_undone_by_its_follow_up(open_window, path, qtbot):
    window = open_window(path)
    ui = Driver(window)
    ui.select_phrase("Amazon Web Services")
    ui.press(Qt.Key_O)
    ui.select_phrase("Seattle")
    QTest.keyClick(window.reader, Qt.Key_L)
    view = window.annotation_panel.view
    first = view.model().index(0, 0)
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=view.visualRect(first).center())  # before the loop ran
    ui.settle()

    assert window.annotation_panel.current().text == "Amazon Web Services"  # the row clicked, not the new tag
    assert view.currentIndex().row() == 0


def test_a_tag_undone_before_its_follow_up_offers_nothing(open_window, path, qtbot):
    window = open_window(path)
    select_phrase(window, "Walmart")
    QTest.keyClick(window.reader, Qt.Key_O)
    window.undo_stack.undo()
    Driver(window).settle()

    assert window.project.annotations.for_document(1) == []
    assert not window.entities_panel.offer_button.isVisible()
    assert window.annotation_panel.current() is None
    assert window.statusBar().currentMessage().startswith("Undid")


def listed(window) -> list[str]:
    model = window.annotation_panel.model
    return [model.index(row).data() for row in range(model.rowCount())]


def test_the_lists_take_the_tag_in_the_frame_after_its_highlight(open_window, path, qtbot):
    # The frame that shows the highlight repaints the reader alone (~1.5 ms of a tag on a long article).
    window = open_window(path)
    ui = Driver(window)
    ui.select_phrase("Walmart")
    assert window.selection_label.text().startswith("7 characters selected")
    QTest.keyClick(window.reader, Qt.Key_O)

    assert formats_at(window, TEXT.index("Walmart") + 2) == 1
    assert listed(window) == [] and ui.document_row(1)[1] == 0
    ui.settle()
    assert listed(window) == ["Organization: Walmart"]
    assert ui.document_row(1)[1] == 1
    assert window.selection_label.text() == ""


def test_a_list_read_again_before_the_follow_up_lists_the_tag_once(open_window, path, qtbot):
    window = open_window(path)
    ui = Driver(window)
    ui.select_phrase("Walmart")
    QTest.keyClick(window.reader, Qt.Key_O)
    window.annotation_panel.set_document(1)  # as a change of the coders shown does, before the loop ran

    ui.settle()
    assert listed(window) == ["Organization: Walmart"]
    assert window.annotation_panel.heading.text() == "Annotations (1)"


def test_an_undo_before_the_follow_up_leaves_the_lists_as_the_file_is(open_window, path, qtbot):
    window = open_window(path)
    ui = Driver(window)
    ui.select_phrase("Walmart")
    ui.press(Qt.Key_O)
    ui.select_phrase("Seattle")
    QTest.keyClick(window.reader, Qt.Key_L)
    window.undo_stack.undo()  # in code, before the loop ran: no input event settles it first

    ui.settle()
    assert listed(window) == ["Organization: Walmart"]
    assert ui.document_row(1)[1] == 1
