"""The Codebook window (Ctrl+K), driven as an analyst would: clicks, typed names and keys, Ctrl+Z."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QHelpEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QColorDialog,
    QFileDialog,
    QLabel,
    QMessageBox,
    QToolTip,
)

from annotator.ui.coding.codebook_editor import LABEL_ID, LAYER

from .conftest import select_phrase
from .driver import Driver

DOC = "What If Walmart"


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *rest: shown.append(text))
    return shown


def open_editor(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key_K, Qt.ControlModifier)
    editor = window.tool_window("codebook_editor")
    qtbot.waitUntil(editor.isActiveWindow)
    return editor


def find_item(editor, name: str):
    """The tree item of a label or group; a layer's own item when name is a layer ("Entity")."""
    layers = [editor.tree.topLevelItem(i) for i in range(editor.tree.topLevelItemCount())]

    def walk(item):
        if item.text(0) == name and item.data(0, LABEL_ID) is not None:
            return item
        for i in range(item.childCount()):
            found = walk(item.child(i))
            if found is not None:
                return found
        return None

    for top in layers:
        found = walk(top)
        if found is not None:
            return found
    for top in layers:
        if top.text(0) == name:
            return top
    raise AssertionError(f"{name!r} is not in the codebook tree")


def click_item(editor, qtbot, name: str):
    item = find_item(editor, name)
    editor.tree.scrollToItem(item)
    qtbot.mouseClick(editor.tree.viewport(), Qt.LeftButton, pos=editor.tree.visualItemRect(item).center())
    assert editor.tree.currentItem() is item
    return item


def type_into(qtbot, field, text: str) -> None:
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key_Return)


def toolbar_names(window) -> list[str]:
    return [a.iconText() for a in window.label_bar.actions() if isinstance(a, QAction) and a.iconText()
            and a.objectName().startswith("label_")]


def list_texts(window) -> list[str]:
    model = window.annotation_panel.model
    return [model.index(row).data() for row in range(model.rowCount())]


def tag(window, qtbot, phrase: str, key) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    select_phrase(window, phrase)
    Driver(window).press(key)


def undo_in_editor(editor, qtbot) -> None:
    editor.tree.setFocus()
    qtbot.keyClick(editor.tree, Qt.Key_Z, Qt.ControlModifier)


def test_add_a_label_with_key_k_and_tag_with_it_in_the_reader(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open(DOC)
    editor = open_editor(window, qtbot)
    click_item(editor, qtbot, "Quote")
    qtbot.mouseClick(editor.add_label_button, Qt.LeftButton)
    assert editor.name_edit.text() == "New label" and editor.name_edit.hasFocus()
    type_into(qtbot, editor.name_edit, "Rumour")
    type_into(qtbot, editor.key_edit, "k")
    rumour = window.project.codebook.by_name("Rumour")
    assert (rumour.layer, rumour.key) == ("claim", "K")
    assert [lab.name for lab in window.project.codebook.in_layer("claim")] == ["Claim", "Quote", "Rumour"]
    assert find_item(editor, "Rumour").text(1) == "K"
    assert "Rumour" in toolbar_names(window)

    tag(window, qtbot, "Walmart", Qt.Key_K)
    [annotation] = window.project.annotations.for_document(doc_id)
    assert (annotation.label_id, annotation.text) == (rumour.id, "Walmart")
    assert list_texts(window) == ["Rumour: Walmart"]


def test_rename_keeps_the_annotation_listed_under_the_new_name_and_undo_restores(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open(DOC)
    tag(window, qtbot, "Walmart", Qt.Key_C)
    editor = open_editor(window, qtbot)
    click_item(editor, qtbot, "Claim")
    type_into(qtbot, editor.name_edit, "Assertion")
    assert window.undo_stack.undoText() == "Rename label Claim → Assertion"
    assert list_texts(window) == ["Assertion: Walmart"]
    assert window.project.annotations.for_document(doc_id)[0].label_id == window.project.codebook.by_name("Assertion").id
    assert "Assertion" in toolbar_names(window) and "Claim" not in toolbar_names(window)

    undo_in_editor(editor, qtbot)
    assert list_texts(window) == ["Claim: Walmart"]
    assert editor.name_edit.text() == "Claim" and find_item(editor, "Claim") is not None


def test_duplicate_key_is_refused_naming_the_other_label(open_window, seeded_path, qtbot, warnings):
    window = open_window(seeded_path)
    editor = open_editor(window, qtbot)
    click_item(editor, qtbot, "Quote")
    type_into(qtbot, editor.key_edit, "p")
    assert len(warnings) == 1 and "Key P" in warnings[0] and "'Person'" in warnings[0]
    assert editor.key_edit.text() == "Q"
    assert window.project.codebook.by_name("Quote").key == "Q"
    assert window.undo_stack.count() == 0


def test_deleting_a_label_in_use_moves_its_annotations_and_undo_brings_all_back(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open(DOC)
    tag(window, qtbot, "Walmart", Qt.Key_C)
    tag(window, qtbot, "Amazon", Qt.Key_C)
    before = window.project.annotations.for_document(doc_id)
    editor = open_editor(window, qtbot)
    click_item(editor, qtbot, "Claim")
    qtbot.mouseClick(editor.delete_button, Qt.LeftButton)
    dialog = editor.delete_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert "2 annotations use ‘Claim’." in dialog.findChild(QLabel).text()
    assert dialog.target.currentText() == "Quote (Claim)"  # the same layer comes first
    qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)

    quote = window.project.codebook.by_name("Quote")
    assert window.project.codebook.by_name("Claim") is None
    assert {a.label_id for a in window.project.annotations.for_document(doc_id)} == {quote.id}
    assert sorted(list_texts(window)) == ["Quote: Amazon", "Quote: Walmart"]
    assert "Claim" not in toolbar_names(window)

    undo_in_editor(editor, qtbot)
    assert window.project.annotations.for_document(doc_id) == before
    assert "Claim" in toolbar_names(window) and find_item(editor, "Claim").text(2) == "2"


def test_deleting_in_use_label_can_delete_its_annotations_or_be_cancelled(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open(DOC)
    tag(window, qtbot, "Walmart", Qt.Key_Q)
    editor = open_editor(window, qtbot)
    click_item(editor, qtbot, "Quote")
    qtbot.mouseClick(editor.delete_button, Qt.LeftButton)
    qtbot.waitExposed(editor.delete_dialog)
    qtbot.keyClick(editor.delete_dialog, Qt.Key_Escape)
    assert window.project.codebook.by_name("Quote") is not None and len(list_texts(window)) == 1

    qtbot.mouseClick(editor.delete_button, Qt.LeftButton)
    dialog = editor.delete_dialog
    qtbot.waitExposed(dialog)
    # On the button's circle and words, as a user clicks; the widget is wider than them.
    qtbot.mouseClick(dialog.delete_choice, Qt.LeftButton, pos=QPoint(8, dialog.delete_choice.height() // 2))
    assert dialog.delete_choice.isChecked()
    qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)
    assert window.project.codebook.by_name("Quote") is None
    assert window.project.annotations.for_document(doc_id) == [] and list_texts(window) == []


def test_groups_nest_by_drag_and_drop_and_the_toolbar_lists_only_labels(open_window, seeded_path, qtbot, warnings):
    window = open_window(seeded_path)
    editor = open_editor(window, qtbot)
    click_item(editor, qtbot, "Entity")
    qtbot.mouseClick(editor.add_group_button, Qt.LeftButton)
    type_into(qtbot, editor.name_edit, "Actors")
    group = window.project.codebook.by_name("Actors")
    assert group.is_group and not editor.key_edit.isEnabled()

    drop(editor, qtbot, "Person", "Actors", "on")
    drop(editor, qtbot, "Organization", "Person", "below")
    book = window.project.codebook
    assert [lab.name for lab in book.children(group.id)] == ["Person", "Organization"]
    assert find_item(editor, "Person").parent() is find_item(editor, "Actors")
    # The new group went to the end of Entity: the toolbar follows the tree, without the group itself.
    assert toolbar_names(window)[:7] == ["Location", "Product or service", "Event", "Figure", "Date", "Person",
                                         "Organization"]
    assert "Actors" not in toolbar_names(window)

    drop(editor, qtbot, "Quote", "Actors", "on")  # another layer: refused
    assert warnings and "only move within Claim" in warnings[-1]
    assert book.by_name("Quote").parent_id is None

    undo_in_editor(editor, qtbot)
    undo_in_editor(editor, qtbot)
    assert book.by_name("Person").parent_id is None and book.by_name("Organization").parent_id is None


def drop(editor, qtbot, name: str, onto: str, zone: str) -> None:
    """Drag `name` onto (or above / below) `onto`: the tree's own drag data, then enter, move and drop.

    (A real QDrag runs a blocking loop the offscreen platform cannot feed, so the
    events the loop would send are sent here.)
    """
    item = click_item(editor, qtbot, name)
    mime = editor.tree.mimeData([item])
    target = find_item(editor, onto)
    rect = editor.tree.visualItemRect(target)
    y = {"above": rect.top() + 1, "on": rect.center().y(), "below": rect.bottom() - 1}[zone]
    point = QPoint(rect.center().x(), y)
    viewport = editor.tree.viewport()
    for event in (QDragEnterEvent(point, Qt.MoveAction, mime, Qt.LeftButton, Qt.NoModifier),
                  QDragMoveEvent(point, Qt.MoveAction, mime, Qt.LeftButton, Qt.NoModifier)):
        QApplication.sendEvent(viewport, event)
        assert event.isAccepted()
    QApplication.sendEvent(viewport, QDropEvent(QPointF(point), Qt.MoveAction, mime, Qt.LeftButton, Qt.NoModifier))


def test_move_up_and_down_reorder_labels_and_the_toolbar(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    editor = open_editor(window, qtbot)
    click_item(editor, qtbot, "Mixed")
    qtbot.mouseClick(editor.up_button, Qt.LeftButton)
    qtbot.mouseClick(editor.up_button, Qt.LeftButton)
    assert [lab.name for lab in window.project.codebook.in_layer("stance")] == ["Favor", "Mixed", "Against", "Neutral"]
    assert toolbar_names(window)[-4:] == ["Favor", "Mixed", "Against", "Neutral"]
    assert editor.tree.currentItem().text(0) == "Mixed"
    qtbot.mouseClick(editor.down_button, Qt.LeftButton)
    assert [lab.name for lab in window.project.codebook.in_layer("stance")][1:3] == ["Against", "Mixed"]


def test_colour_description_and_memo(open_window, seeded_path, qtbot, monkeypatch):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open(DOC)
    tag(window, qtbot, "Walmart", Qt.Key_C)
    editor = open_editor(window, qtbot)
    click_item(editor, qtbot, "Claim")
    monkeypatch.setattr(QColorDialog, "getColor", lambda *args: QColor("#123456"))
    qtbot.mouseClick(editor.color_button, Qt.LeftButton)
    assert window.project.codebook.by_name("Claim").color == "#123456"
    assert editor.color_button.text() == "#123456"

    editor.description_edit.setFocus()
    editor.description_edit.selectAll()
    qtbot.keyClicks(editor.description_edit, "Checkable statements only.")
    editor.memo_edit.setFocus()  # leaving the field saves it
    qtbot.keyClicks(editor.memo_edit, "Pilot: 0.81 agreement")
    click_item(editor, qtbot, "Quote")  # choosing another label saves the memo
    claim = window.project.codebook.by_name("Claim")
    assert (claim.description, claim.memo) == ("Checkable statements only.", "Pilot: 0.81 agreement")
    action = next(a for a in window.label_bar.actions() if a.objectName() == "label_C")
    assert "Checkable statements only." in action.toolTip()

    # The reader's hover shows the description under the label name.
    annotation = window.project.annotations.for_document(doc_id)[0]
    start, _end = window.reader.positions.span_to_qt(annotation.start, annotation.end)
    cursor = window.reader.textCursor()
    cursor.setPosition(start + 2)
    point = window.reader.cursorRect(cursor).center()
    window.activateWindow()
    QApplication.sendEvent(window.reader.viewport(),
                           QHelpEvent(QHelpEvent.Type.ToolTip, point, window.reader.viewport().mapToGlobal(point)))
    qtbot.waitUntil(QToolTip.isVisible)
    assert "Claim" in QToolTip.text() and "Checkable statements only." in QToolTip.text()


def test_attributes_are_added_and_edited_in_their_own_dialog(open_window, seeded_path, qtbot, warnings):
    window = open_window(seeded_path)
    editor = open_editor(window, qtbot)
    click_item(editor, qtbot, "Claim")
    table = editor.attribute_table
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == ["type", "checkworthy", "verdict"]
    assert table.item(1, 1).text() == "Yes/no"

    click_item(editor, qtbot, "Quote")
    qtbot.mouseClick(editor.add_attribute_button, Qt.LeftButton)
    dialog = editor.attribute_dialog
    qtbot.waitUntil(dialog.isVisible)
    qtbot.keyClicks(dialog.name, "mode")
    dialog.kind.setCurrentIndex(dialog.kind.findData("choice"))
    qtbot.keyClicks(dialog.choices, "spoken, written ,")
    qtbot.mouseClick(dialog.required, Qt.LeftButton)
    qtbot.keyClick(dialog, Qt.Key_Return)
    quote = window.project.codebook.by_name("Quote")
    [mode] = window.project.codebook.attributes(quote.id)
    assert (mode.name, mode.kind, mode.choices, mode.required) == ("mode", "choice", ("spoken", "written"), True)
    assert (table.item(0, 2).text(), table.item(0, 3).text()) == ("spoken, written", "required")

    table.setCurrentCell(0, 0)
    qtbot.mouseClick(editor.edit_attribute_button, Qt.LeftButton)
    dialog = editor.attribute_dialog
    dialog.choices.clear()  # a choice list with no choices: refused, the dialog stays to fix it
    qtbot.keyClick(dialog, Qt.Key_Return)
    assert warnings and "at least one choice" in warnings[-1]
    qtbot.waitUntil(dialog.isVisible)
    qtbot.keyClicks(dialog.choices, "spoken, written, signed")
    qtbot.keyClick(dialog, Qt.Key_Return)
    assert window.project.codebook.attributes(quote.id)[0].choices == ("spoken", "written", "signed")

    qtbot.mouseClick(editor.delete_attribute_button, Qt.LeftButton)
    assert window.project.codebook.attributes(quote.id) == [] and table.rowCount() == 0
    undo_in_editor(editor, qtbot)
    assert [a.name for a in window.project.codebook.attributes(quote.id)] == ["mode"]


def test_export_and_import_through_file_dialogs(open_window, seeded_path, qtbot, tmp_path, monkeypatch, warnings):
    window = open_window(seeded_path)
    editor = open_editor(window, qtbot)
    out = tmp_path / "team.codebook.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kw: (str(out), ""))
    qtbot.mouseClick(editor.export_button, Qt.LeftButton)
    data = json.loads(out.read_text("utf-8"))
    assert data["version"] == 2 and "Exported" in editor.status.text()

    data["layers"][1]["labels"].append({"name": "Rumour", "key": "U", "color": "#112233", "description": "Unsourced."})
    incoming = tmp_path / "incoming.json"
    incoming.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kw: (str(incoming), ""))
    qtbot.mouseClick(editor.import_button, Qt.LeftButton)
    assert window.project.codebook.by_key("U").name == "Rumour"
    assert "1 added" in editor.status.text() and find_item(editor, "Rumour") is not None
    assert "Rumour" in toolbar_names(window)
    undo_in_editor(editor, qtbot)
    assert window.project.codebook.by_name("Rumour") is None

    incoming.write_text("{broken", encoding="utf-8")
    qtbot.mouseClick(editor.import_button, Qt.LeftButton)
    assert "incoming.json is not valid JSON" in warnings[-1]


def test_the_tree_shows_layers_groups_and_labels_with_keys_and_uses(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    ui.open(DOC)
    tag(window, qtbot, "Walmart", Qt.Key_O)
    editor = open_editor(window, qtbot)
    tops = [editor.tree.topLevelItem(i) for i in range(editor.tree.topLevelItemCount())]
    assert [(t.text(0), t.data(0, LAYER), t.childCount()) for t in tops] == [
        ("Entity", "entity", 7), ("Claim", "claim", 2), ("Stance", "stance", 4)]
    organization = find_item(editor, "Organization")
    assert (organization.text(1), organization.text(2)) == ("O", "1")
    assert organization.data(0, LABEL_ID) == window.project.codebook.by_key("O").id
    assert not organization.icon(0).isNull()


def test_the_editors_undo_reaches_only_its_own_edits_and_keeps_the_window_width(open_window, seeded_path, qtbot):
    """Issue 11, item 6a: the button read "Undo Tag Against" and would undo a tag behind the dialog."""
    from PySide6.QtWidgets import QToolButton

    window = open_window(seeded_path)

    ui = Driver(window)
    doc_id = ui.open(DOC)
    tag(window, qtbot, "Walmart", Qt.Key_O)
    editor = open_editor(window, qtbot)
    buttons = {b.text(): b for b in editor.findChildren(QToolButton) if b.text() in ("Undo", "Redo")}
    assert set(buttons) == {"Undo", "Redo"}
    undo = buttons["Undo"]
    assert not undo.isEnabled()  # the tag is the main window's step, not the codebook's
    width = editor.width()
    undo_in_editor(editor, qtbot)
    assert len(window.project.annotations.for_document(doc_id)) == 1

    click_item(editor, qtbot, "Quote")
    type_into(qtbot, editor.name_edit, "Quoted words, direct or reported, from any source")
    assert undo.isEnabled() and undo.text() == "Undo"
    assert undo.toolTip() == "Undo Rename label Quote → Quoted words, direct or reported, from any source"
    QApplication.processEvents()
    assert editor.width() == width

    qtbot.mouseClick(undo, Qt.LeftButton)
    assert window.project.codebook.by_name("Quote") is not None
    assert len(window.project.annotations.for_document(doc_id)) == 1  # the tag behind the dialog stays
    assert not undo.isEnabled()
    undo_in_editor(editor, qtbot)  # Ctrl+Z in the editor leaves the tag alone too
    assert len(window.project.annotations.for_document(doc_id)) == 1
    assert buttons["Redo"].isEnabled() and buttons["Redo"].text() == "Redo"
