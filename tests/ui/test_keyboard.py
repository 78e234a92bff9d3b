"""Working without the mouse: adjusting a span's boundaries, walking annotations, finishing documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from annotator.core.project import Project
from tests.support import dump_connection

from .conftest import select_phrase
from .driver import Driver

TEXT = "Amazon sued Walmart over cloud contracts on Monday.\n월마트는 아마존의 클라우드를 거부했다."


@pytest.fixture
def article_path(tmp_path: Path) -> Path:
    path = tmp_path / "keys.annotator"
    with Project(path) as project:
        project.documents.add(title="Cloud suit", text=TEXT)
    return path


def tag(window, qtbot, phrase: str, key=Qt.Key_C, occurrence: int = 1):
    select_phrase(window, phrase, occurrence)
    Driver(window).press(key)
    return window.annotation_panel.current()


def stored_text(window, annotation_id: int) -> str:
    a = window.project.annotations.get(annotation_id)
    assert TEXT[a.start:a.end] == a.text
    return a.text


def test_arrows_extend_and_shrink_the_selected_span_by_characters_and_words(open_window, article_path, qtbot):
    window = open_window(article_path)
    claim = tag(window, qtbot, "sued")
    assert claim is not None and not window.reader.textCursor().hasSelection()
    reader = window.reader

    steps = [
        ((Qt.Key_Right, Qt.ShiftModifier), "sued "),
        ((Qt.Key_Right, Qt.ShiftModifier | Qt.ControlModifier), "sued Walmart"),
        ((Qt.Key_Left, Qt.ShiftModifier), " sued Walmart"),
        ((Qt.Key_Left, Qt.ShiftModifier | Qt.ControlModifier), "Amazon sued Walmart"),
        ((Qt.Key_Right, Qt.AltModifier), "mazon sued Walmart"),
        ((Qt.Key_Right, Qt.AltModifier | Qt.ControlModifier), "sued Walmart"),
        ((Qt.Key_Left, Qt.AltModifier), "sued Walmar"),
        ((Qt.Key_Left, Qt.AltModifier | Qt.ControlModifier), "sued"),
    ]
    for (key, modifiers), expected in steps:
        qtbot.keyClick(reader, key, modifiers)
        assert stored_text(window, claim.id) == expected
    # The highlight moved with the span: painted on "sued" again, no longer on "Walmart".
    assert [a.text for a in window.project.annotations.for_document(claim.document_id)] == ["sued"]
    assert highlighted(window, TEXT.index("sued")) and not highlighted(window, TEXT.index("Walmart"))


def highlighted(window, offset: int) -> bool:
    """Whether the reader paints a highlight on the character at a code-point offset."""
    position = window.reader.positions.to_qt(offset)
    block = window.reader.document().findBlock(position)
    inside = position - block.position()
    return any(r.start <= inside < r.start + r.length for r in block.layout().formats())


def test_one_undo_takes_back_a_whole_run_of_adjustments(open_window, article_path, qtbot):
    window = open_window(article_path)
    ui = Driver(window)
    claim = tag(window, qtbot, "cloud")
    before = dump_connection(window.project.store.conn)
    for _ in range(3):
        ui.press(Qt.Key_Right, Qt.ShiftModifier | Qt.ControlModifier)
    assert stored_text(window, claim.id) == "cloud contracts on Monday"

    ui.press(Qt.Key_Z, Qt.ControlModifier)
    assert stored_text(window, claim.id) == "cloud"
    assert dump_connection(window.project.store.conn) == before  # exactly as before the run, timestamps too
    ui.press(Qt.Key_Z, Qt.ControlModifier)  # the next undo removes the tag itself
    assert window.project.annotations.count() == 0


def test_shift_arrows_with_a_text_selection_extend_the_selection_not_the_span(open_window, article_path, qtbot):
    window = open_window(article_path)
    ui = Driver(window)
    claim = tag(window, qtbot, "Walmart")
    ui.select_phrase("Monday")
    ui.press(Qt.Key_Right, Qt.ShiftModifier)
    assert ui.selected_text() == "Monday."
    assert stored_text(window, claim.id) == "Walmart"


def test_a_boundary_that_cannot_move_says_why(open_window, article_path, qtbot):
    window = open_window(article_path)
    ui = Driver(window)
    claim = tag(window, qtbot, "Amazon")
    ui.press(Qt.Key_Left, Qt.ShiftModifier)
    assert stored_text(window, claim.id) == "Amazon"
    assert "beginning of the text" in ui.status()
    ui.press(Qt.Key_Right, Qt.AltModifier | Qt.ControlModifier)
    assert stored_text(window, claim.id) == "Amazon"
    assert "one word" in ui.status()
    assert window.undo_stack.count() == 1  # only the tag


def test_korean_span_grows_by_words(open_window, article_path, qtbot):
    window = open_window(article_path)
    ui = Driver(window)
    org = tag(window, qtbot, "월마트", key=Qt.Key_O)
    assert stored_text(window, org.id) == "월마트"
    ui.press(Qt.Key_Right, Qt.ShiftModifier)
    assert stored_text(window, org.id) == "월마트는"
    ui.press(Qt.Key_Right, Qt.ShiftModifier | Qt.ControlModifier)
    assert stored_text(window, org.id) == "월마트는 아마존"  # a word step stops before the next particle


def _edge_point(window, offset: int) -> QPoint:
    """Where, in the reader's viewport, the gap before code point `offset` is drawn."""
    cursor = QTextCursor(window.reader.document())
    cursor.setPosition(window.reader.positions.to_qt(offset))
    rect = window.reader.cursorRect(cursor)
    return QPoint(rect.x(), rect.center().y())


def test_dragging_the_end_of_a_span_moves_it(open_window, article_path, qtbot):
    window = open_window(article_path)
    org = tag(window, qtbot, "Walmart", key=Qt.Key_O)
    viewport = window.reader.viewport()
    end = _edge_point(window, TEXT.index("Walmart") + len("Walmart"))

    qtbot.mouseMove(viewport, end)
    assert viewport.cursor().shape() == Qt.SizeHorCursor  # the end is a handle

    target = _edge_point(window, TEXT.index("contracts") + len("contracts"))
    qtbot.mousePress(viewport, Qt.LeftButton, Qt.NoModifier, end)
    qtbot.mouseMove(viewport, QPoint((end.x() + target.x()) // 2, end.y()))
    qtbot.mouseMove(viewport, target)
    qtbot.mouseRelease(viewport, Qt.LeftButton, Qt.NoModifier, target)

    assert stored_text(window, org.id) == "Walmart over cloud contracts"
    assert not window.reader.textCursor().hasSelection()  # the drag selected no text
    qtbot.mouseMove(viewport, _edge_point(window, TEXT.index("Monday")) + QPoint(3, 0))
    assert viewport.cursor().shape() != Qt.SizeHorCursor
    window.undo_stack.undo()
    assert stored_text(window, org.id) == "Walmart"


def test_dragging_the_start_past_the_end_keeps_one_character(open_window, article_path, qtbot):
    window = open_window(article_path)
    org = tag(window, qtbot, "Walmart", key=Qt.Key_O)
    viewport = window.reader.viewport()
    start = _edge_point(window, TEXT.index("Walmart"))
    beyond = _edge_point(window, TEXT.index("cloud"))
    qtbot.mousePress(viewport, Qt.LeftButton, Qt.NoModifier, start)
    qtbot.mouseMove(viewport, beyond)
    qtbot.mouseRelease(viewport, Qt.LeftButton, Qt.NoModifier, beyond)
    assert stored_text(window, org.id) == "t"


def test_tab_walks_annotations_in_text_order_and_keeps_focus(open_window, article_path, qtbot):
    window = open_window(article_path)
    # Tagged out of text order on purpose.
    later = tag(window, qtbot, "Monday")
    first = tag(window, qtbot, "Amazon", key=Qt.Key_O)
    middle = tag(window, qtbot, "cloud")
    window.close()
    window = open_window(article_path)  # freshly opened: no annotation selected, caret at the top
    reader = window.reader
    reader.setFocus()

    visited = []
    for _ in range(4):
        qtbot.keyClick(reader, Qt.Key_Tab)
        visited.append(window.annotation_panel.current().id)
        assert reader.hasFocus()
    assert visited == [first.id, middle.id, later.id, first.id]  # wraps around

    qtbot.keyClick(reader, Qt.Key_Backtab, Qt.ShiftModifier)
    assert window.annotation_panel.current().id == later.id
    assert reader.hasFocus()
    # The walked-to annotation is the one the arrows now adjust.
    qtbot.keyClick(reader, Qt.Key_Left, Qt.ShiftModifier | Qt.ControlModifier)
    assert stored_text(window, later.id) == "on Monday"


def test_ctrl_enter_marks_done_and_opens_the_next_document_to_do(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    first = ui.open("What If Walmart")
    ids = window.project.documents.ids()
    window.project.documents.set_status(ids[2], "done")
    ui.focus_reader()

    ui.press(Qt.Key_Return, Qt.ControlModifier)
    assert window.project.documents.get(first).status == "done"
    assert window.current_doc_id == ids[1]
    assert ui.document_row(first)[2] == "Done"

    ui.press(Qt.Key_Return, Qt.ControlModifier)
    assert window.current_doc_id == ids[3]  # the done one in between is skipped
    assert ui.reader_has_focus()

    window.undo_stack.undo()
    assert window.project.documents.get(ids[1]).status == "todo"


def test_ctrl_enter_on_the_last_document_to_do_says_all_are_done(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    last = ui.open("Innovation stories")
    for doc_id in window.project.documents.ids():
        if doc_id != last:
            window.project.documents.set_status(doc_id, "done")
    ui.press(Qt.Key_Enter, Qt.ControlModifier | Qt.KeypadModifier)
    assert window.project.documents.get(last).status == "done"
    assert window.current_doc_id == last
    assert "Every document is done" in ui.status()
