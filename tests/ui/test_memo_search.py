"""Memos from the GUI: a document memo and an annotation note in Korean, searched for and jumped to."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from .driver import Driver


def type_text(widget, text: str) -> None:
    """Type text the way an input method delivers it (keyClicks aborts on non-ASCII)."""
    widget.setFocus()
    for ch in text:
        QApplication.sendEvent(widget, QKeyEvent(QKeyEvent.KeyPress, 0, Qt.NoModifier, ch))


def test_document_memo_is_saved_on_leaving_the_field_and_undoable(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open("'월마트 VS 아마존'")
    memo = window.document_panel.memo
    type_text(memo, "기사 출처 확인 필요")
    assert window.project.documents.memo(doc_id) == ""  # not yet: still typing
    ui.focus_reader()
    qtbot.waitUntil(lambda: not memo.hasFocus())
    assert window.project.documents.memo(doc_id) == "기사 출처 확인 필요"

    type_text(memo, " (2차)")
    ui.focus_reader()
    qtbot.waitUntil(lambda: window.project.documents.memo(doc_id) == "기사 출처 확인 필요 (2차)")
    ui.press(Qt.Key_Z, Qt.ControlModifier)  # one undo for the memo typed in two sittings
    assert window.project.documents.memo(doc_id) == ""
    assert memo.toPlainText() == ""


def test_memo_follows_its_document(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    korean = ui.open("'월마트 VS 아마존'")
    type_text(window.document_panel.memo, "메모 하나")
    other = ui.open("What If Walmart")  # switching saves what was typed for the first
    assert window.project.documents.memo(korean) == "메모 하나"
    assert window.document_panel.memo.toPlainText() == ""
    assert window.project.documents.memo(other) == ""
    ui.open("'월마트 VS 아마존'")
    assert window.document_panel.memo.toPlainText() == "메모 하나"


def test_search_finds_korean_memos_and_jumps_to_them(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    korean = ui.open("'월마트 VS 아마존'")
    type_text(window.document_panel.memo, "월마트 측 반론을 확인할 것")
    ui.select_phrase("아마존웹서비스")
    ui.press(Qt.Key_O)
    tagged = window.annotation_panel.current()
    type_text(window.annotation_panel.note_edit, "클라우드 사업부, AWS로 표기")
    ui.focus_reader()
    qtbot.waitUntil(lambda: window.project.annotations.get(tagged.id).note == "클라우드 사업부, AWS로 표기")
    ui.open("What If Walmart")

    qtbot.keyClick(window, Qt.Key_M, Qt.ControlModifier | Qt.ShiftModifier)
    dialog = window.tool_window("memo_search")
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.results.count() == 2  # an empty query lists every memo

    type_text(dialog.query, "클라우드")
    assert dialog.results.count() == 1
    line = dialog.results.item(0).text()
    assert line.startswith("Annotation") and "아마존웹서비스" in line and "클라우드 사업부" in line
    assert dialog.preview.toPlainText() == "클라우드 사업부, AWS로 표기"
    qtbot.keyClick(dialog.query, Qt.Key_Return)
    assert window.current_doc_id == korean
    assert window.annotation_panel.current().id == tagged.id
    assert window.reader.selected_annotation().id == tagged.id  # ready for the arrows

    ui.open("What If Walmart")
    qtbot.keyClick(dialog.query, Qt.Key_A, Qt.ControlModifier)
    type_text(dialog.query, "반론")
    assert [dialog.results.item(i).text().split(" ·")[0] for i in range(dialog.results.count())] == ["Document"]
    where = dialog.results.visualItemRect(dialog.results.item(0)).center()
    # A real double-click starts with a press and release; the test double-click alone arrives unpaired.
    qtbot.mouseClick(dialog.results.viewport(), Qt.LeftButton, pos=where)
    qtbot.mouseDClick(dialog.results.viewport(), Qt.LeftButton, pos=where)
    assert window.current_doc_id == korean

    type_text(dialog.query, "없는 말")
    assert dialog.results.count() == 0 and dialog.count.text() == "No memo matches."


def test_an_entity_memo_is_shown_without_leaving_the_document(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    current = ui.open("What If Walmart")
    organization = window.project.codebook.by_name("Organization")
    entity = window.project.entities.create("아마존", organization)
    window.project.entities.set_memo(entity.id, "AWS 포함 여부는 기사마다 판단")
    qtbot.keyClick(window, Qt.Key_M, Qt.ControlModifier | Qt.ShiftModifier)
    dialog = window.tool_window("memo_search")
    type_text(dialog.query, "aws")  # ASCII query, case-insensitive, inside a Korean memo
    assert dialog.results.item(0).text().startswith("Entity · 아마존")
    assert dialog.preview.toPlainText() == "AWS 포함 여부는 기사마다 판단"
    qtbot.keyClick(dialog.query, Qt.Key_Return)
    assert window.current_doc_id == current
    assert "Entity memo on 아마존" in ui.status()
    assert window.entities_panel.current().id == entity.id  # picked out in the registry
