"""Tagging in the reader: select, press a key, see the highlight and the stored row."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QTextCursor

from annotator.core.interchange.tables import export_annotations
from annotator.core.project import Project
from annotator.ui.common.colors import blend

from .driver import Driver


def highlight_at(window, qt_position: int) -> QColor | None:
    """The background the reader paints at a Qt position, read from the block layout."""
    block = window.reader.document().findBlock(qt_position)
    offset = qt_position - block.position()
    for fmt_range in block.layout().formats():
        if fmt_range.start <= offset < fmt_range.start + fmt_range.length:
            return fmt_range.format.background().color()
    return None


def test_korean_phrase_tagged_with_o_is_highlighted_and_stored(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open("'월마트 VS 아마존'")
    ui.select_phrase("마이크로소프트")
    qt_start = window.reader.textCursor().selectionStart()

    ui.press(Qt.Key_O)

    organization = window.project.codebook.by_key("O")
    rows = window.project.annotations.for_document(doc_id)
    assert [(a.label_id, a.text) for a in rows] == [(organization.id, "마이크로소프트")]
    text = window.project.documents.text(doc_id)
    assert text[rows[0].start:rows[0].end] == "마이크로소프트"
    assert highlight_at(window, qt_start + 2) == blend([organization.color])
    assert window.annotation_panel.model.rowCount() == 1
    # The document list counts it.
    assert ui.document_row(doc_id)[1] == 1


def test_emoji_before_the_span_does_not_shift_the_exported_offsets(open_window, tmp_path, qtbot):
    path = tmp_path / "emoji.annotator"
    text = "Launch 🚀🚀 day 👩‍👩‍👧: Walmart met Amazon Web Services in Seattle 🇺🇸."
    with Project(path) as project:
        project.documents.add(title="Emoji", text=text)
    window = open_window(path)
    ui = Driver(window)
    ui.select_phrase("Amazon Web Services")
    ui.press(Qt.Key_O)
    ui.select_phrase("Seattle")
    ui.press(Qt.Key_L)

    out = tmp_path / "out.csv"
    export_annotations(window.project, out)
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["text"] for r in rows] == ["Amazon Web Services", "Seattle"]
    for row in rows:
        assert text[int(row["start"]):int(row["end"])] == row["text"]


def test_partial_selection_snaps_to_whole_words_unless_alt(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open("What If Walmart")
    ui.select_phrase("almar", occurrence=2)  # inside the body's first "Walmart"
    ui.press(Qt.Key_O)
    ui.select_phrase("Amaz", occurrence=2)
    ui.press(Qt.Key_O, Qt.AltModifier)
    texts = sorted(a.text for a in window.project.annotations.for_document(doc_id))
    assert texts == ["Amaz", "Walmart"]


def test_korean_selection_snaps_to_word_but_leaves_particle(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open("'월마트 VS 아마존'")
    ui.select_phrase("월마트가 최근")  # the lead paragraph
    cursor = window.reader.textCursor()
    cursor.setPosition(cursor.selectionStart())
    cursor.setPosition(cursor.position() + 2, cursor.MoveMode.KeepAnchor)  # just "월마"
    window.reader.setTextCursor(cursor)
    ui.press(Qt.Key_O)
    assert [a.text for a in window.project.annotations.for_document(doc_id)] == ["월마트"]


def test_stance_asks_for_target_with_completion_from_entities(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open("What If Walmart")
    ui.select_phrase("Amazon")
    ui.press(Qt.Key_O)
    ui.select_phrase("Amazon responded curtly")
    ui.press(Qt.Key_A)

    popup = window.target_popup
    assert popup.isVisible()
    completer = popup.edit.completer()
    completer.setCompletionPrefix("ama")
    assert completer.currentCompletion() == "Amazon"
    qtbot.keyClicks(popup.edit, "Amazon")
    qtbot.keyClick(popup.edit, Qt.Key_Return)
    qtbot.waitUntil(lambda: not popup.isVisible())

    against = window.project.codebook.by_key("A")
    stances = [a for a in window.project.annotations.for_document(doc_id) if a.label_id == against.id]
    assert [(a.text, a.target) for a in stances] == [("Amazon responded curtly", "Amazon")]


@pytest.mark.parametrize("alt, stored", [(False, "Amazon responded curtly"), (True, "mazon responded curt")])
def test_a_stance_from_a_partial_selection_is_snapped_once_it_has_its_target(open_window, seeded_path, qtbot,
                                                                             alt, stored):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open("What If Walmart")
    ui.select_phrase("mazon responded curt")
    ui.press(Qt.Key_A, Qt.AltModifier if alt else Qt.NoModifier)
    popup = window.target_popup
    qtbot.keyClicks(popup.edit, "Walmart")
    qtbot.keyClick(popup.edit, Qt.Key_Return)
    qtbot.waitUntil(lambda: not popup.isVisible())
    [stance] = window.project.annotations.for_document(doc_id)
    assert (stance.text, stance.target) == (stored, "Walmart")


def test_cancelled_stance_popup_tags_nothing(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open("What If Walmart")
    ui.select_phrase("Amazon responded curtly")
    ui.press(Qt.Key_F)
    qtbot.keyClick(window.target_popup.edit, Qt.Key_Escape)
    assert window.project.annotations.for_document(doc_id) == []


def test_delete_key_removes_selected_annotation_and_undo_restores_it(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open("What If Walmart")
    ui.select_phrase("Walmart", occurrence=2)
    ui.press(Qt.Key_O)
    original = window.project.annotations.for_document(doc_id)
    assert len(original) == 1
    assert window.annotation_panel.current().id == original[0].id  # a new tag is selected

    window.delete_action.trigger()
    assert window.project.annotations.for_document(doc_id) == []
    window.undo_stack.undo()
    assert window.project.annotations.for_document(doc_id) == original
    window.undo_stack.redo()
    assert window.project.annotations.for_document(doc_id) == []


def test_clicking_a_highlight_selects_its_annotation(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open("What If Walmart")
    ui.select_phrase("Whole Foods")
    ui.press(Qt.Key_O)
    ui.select_phrase("Amazon", occurrence=3)
    ui.press(Qt.Key_O)
    whole_foods = next(a for a in window.project.annotations.for_document(doc_id) if a.text == "Whole Foods")
    assert window.annotation_panel.current().text == "Amazon"

    reader = window.reader
    cursor = reader.textCursor()
    cursor.setPosition(reader.positions.to_qt(whole_foods.start + 2))
    reader.setTextCursor(cursor)
    reader.ensureCursorVisible()
    point = reader.cursorRect(cursor).center() + QPoint(2, 0)
    qtbot.mouseClick(reader.viewport(), Qt.LeftButton, pos=point)
    assert window.annotation_panel.current().id == whole_foods.id


def test_overlapping_spans_stay_visible_and_hover_lists_both(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    ui.open("What If Walmart")
    ui.select_phrase("A spokesperson for Walmart more or less confirmed the story")
    ui.press(Qt.Key_C)
    ui.select_phrase("Walmart more")
    ui.press(Qt.Key_O, Qt.AltModifier)
    claim, org = window.project.codebook.by_key("C"), window.project.codebook.by_key("O")

    cursor = window.reader.document().find("Walmart more")
    inside = cursor.selectionStart() + 1
    outside = cursor.selectionStart() - 3
    assert highlight_at(window, inside) == blend([claim.color, org.color])
    assert highlight_at(window, outside) == blend([claim.color])
    hits = window.reader.annotations_at(window.reader.positions.from_qt(inside))
    tip = window.reader._tooltip(hits)
    assert "Claim" in tip and "Organization" in tip


def test_find_then_key_tags_without_the_mouse(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open("Innovation stories")
    ui.press(Qt.Key_F, Qt.ControlModifier)
    assert window.find_bar.isVisible()
    qtbot.keyClicks(window.find_bar.edit, "MarketWatch")
    qtbot.keyClick(window.find_bar.edit, Qt.Key_Return)
    qtbot.keyClick(window.find_bar.edit, Qt.Key_Escape)
    assert not window.find_bar.isVisible()
    assert ui.reader_has_focus()
    ui.press(Qt.Key_O)
    assert [a.text for a in window.project.annotations.for_document(doc_id)] == ["MarketWatch"]


def test_alt_down_and_up_move_between_documents(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    first = window.current_doc_id
    ui.press(Qt.Key_Down, Qt.AltModifier)
    assert window.current_doc_id == window.doc_model.document_id(1)
    assert "Megadeal" in ui.text()[:100]
    ui.press(Qt.Key_Up, Qt.AltModifier)
    assert window.current_doc_id == first


def test_zoom_changes_reader_font(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    before = window.reader.font().pointSizeF()
    ui.press(Qt.Key_Plus, Qt.ControlModifier)
    assert window.reader.font().pointSizeF() > before
    ui.press(Qt.Key_Minus, Qt.ControlModifier)
    ui.press(Qt.Key_Minus, Qt.ControlModifier)
    assert window.reader.font().pointSizeF() < before


def test_label_key_without_selection_tags_nothing_and_says_why(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = window.current_doc_id
    ui.press(Qt.Key_P)
    assert window.project.annotations.for_document(doc_id) == []
    assert "Select some text first" in ui.status()


def test_undo_after_switching_documents_shows_the_document_it_changed(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    first = ui.open("What If Walmart")
    ui.select_phrase("Whole Foods")
    ui.press(Qt.Key_O)
    second = ui.open("'월마트 VS 아마존'")
    assert window.current_doc_id == second
    assert window.undo_stack.undoText() == "Tag Organization"

    ui.press(Qt.Key_Z, Qt.ControlModifier)
    assert window.project.annotations.for_document(first) == []
    assert window.current_doc_id == first  # the window went to where the undo happened
    ui.press(Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert [a.text for a in window.project.annotations.for_document(first)] == ["Whole Foods"]
    assert window.annotation_panel.model.rowCount() == 1


def test_stance_toward_a_registry_entity_reads_as_its_name_everywhere(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open("What If Walmart")
    project = window.project
    amazon = project.entities.create("Amazon", project.codebook.by_key("O"), aliases=("AMZN",))
    ui.select_phrase("Amazon responded curtly")
    ui.press(Qt.Key_A)
    qtbot.keyClicks(window.target_popup.edit, "amzn")
    qtbot.keyClick(window.target_popup.edit, Qt.Key_Return)
    ui.settle()  # the list's row follows the highlight by one frame

    stance = next(a for a in project.annotations.for_document(doc_id) if a.text == "Amazon responded curtly")
    assert (stance.target_entity_id, stance.target) == (amazon.id, None)
    assert window.annotation_panel.model.index(0).data().endswith("→ Amazon")
    tip = window.reader._tooltip(window.reader.annotations_at(stance.start + 1))
    assert "→ Amazon" in tip

    ui.show_side_tab("Document")  # a stance on the whole document is added there
    panel = window.document_panel
    qtbot.keyClicks(panel.target, "AMZN")
    qtbot.mouseClick(panel.add_button, Qt.LeftButton)
    assert panel.stances.item(0).text().endswith("toward Amazon")
    doc_level = [a for a in project.annotations.for_document(doc_id) if a.is_document_level]
    assert [a.target_entity_id for a in doc_level] == [amazon.id]


def _span_on_screen(window):
    """Where the selected words are drawn, in screen coordinates."""
    from PySide6.QtCore import QRect

    reader = window.reader
    cursor = reader.textCursor()
    start, end = QTextCursor(cursor), QTextCursor(cursor)
    start.setPosition(cursor.selectionStart())
    end.setPosition(cursor.selectionEnd())
    top_left = reader.viewport().mapToGlobal(reader.cursorRect(start).topLeft())
    bottom = reader.viewport().mapToGlobal(reader.cursorRect(end).bottomRight())
    return QRect(top_left, bottom).normalized()


def _select_word_at_centre(window) -> None:
    """Select the word drawn at the window's centre, where a dialog opens by default."""
    reader = window.reader
    cursor = reader.cursorForPosition(reader.viewport().mapFromGlobal(window.mapToGlobal(window.rect().center())))
    cursor.select(QTextCursor.WordUnderCursor)
    reader.setTextCursor(cursor)
    reader.setFocus()


@pytest.mark.parametrize("phrase, occurrence", [("Walmart", 1), ("Amazon", 6), (None, 0)])
def test_the_stance_popup_sits_beside_the_words_it_asks_about(open_window, seeded_path, qtbot, phrase, occurrence):
    window = open_window(seeded_path)
    ui = Driver(window)
    # On the offscreen screen the window is larger than the screen: the popup must still
    # fit on the screen and keep off the words.
    ui.open("What If Walmart")
    if phrase is None:
        _select_word_at_centre(window)
    else:
        ui.select_phrase(phrase, occurrence)
    window.reader.ensureCursorVisible()
    span = _span_on_screen(window)
    ui.press(Qt.Key_F)
    popup = window.target_popup
    qtbot.waitUntil(popup.isVisible)
    frame = popup.frameGeometry()
    assert not frame.intersects(span), f"the popup {frame} covers the selected words at {span}"
    assert popup.screen().availableGeometry().contains(frame), "the popup runs off the screen"
    popup.reject()
