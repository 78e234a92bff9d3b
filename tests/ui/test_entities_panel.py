"""The Entities panel over the seed corpus: linking tags to entities, aliases, mentions, tagging more, merging."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from annotator.ui.entities.panel import ENTITY_ID_ROLE

from .conftest import select_phrase
from .driver import Driver


def type_text(widget, text: str) -> None:
    """Type any text, Hangul included, one key event per character (keyClicks aborts on non-ASCII)."""
    widget.setFocus()
    for ch in text:
        for kind in (QEvent.KeyPress, QEvent.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.NoModifier, ch))


def show_panel(window, qtbot):
    qtbot.keyClick(window, Qt.Key_E, Qt.ControlModifier | Qt.ShiftModifier)
    panel = window.entities_panel
    qtbot.waitUntil(panel.isVisible)
    return panel


def tag(window, qtbot, phrase: str, key=Qt.Key_O, occurrence: int = 1):
    select_phrase(window, phrase, occurrence)
    Driver(window).press(key)
    return window.annotation_panel.current()


def tag_and_create_entity(window, qtbot, phrase: str, occurrence: int = 1):
    tag(window, qtbot, phrase, occurrence=occurrence)
    offer = window.entities_panel.offer_button
    assert offer.isVisible() and offer.text() == f"Create entity ‘{phrase}’"
    qtbot.mouseClick(offer, Qt.LeftButton)
    assert not offer.isVisible()
    return window.project.entities.match(phrase)


def click_entity(panel, qtbot, name: str) -> None:
    for row in range(panel.proxy.rowCount()):
        index = panel.proxy.index(row, 0)
        if index.data() == name:
            qtbot.mouseClick(panel.table.viewport(), Qt.LeftButton, pos=panel.table.visualRect(index).center())
            assert panel.current().name == name
            return
    raise AssertionError(f"{name!r} is not in the entity table")


def table_row(panel, name: str) -> list:
    for row in range(panel.proxy.rowCount()):
        if panel.proxy.index(row, 0).data() == name:
            return [panel.proxy.index(row, column).data() for column in range(4)]
    raise AssertionError(f"{name!r} is not in the entity table")


def test_tags_link_to_one_entity_across_documents_and_languages(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    panel = show_panel(window, qtbot)
    english = ui.open("What If Walmart")
    walmart = tag_and_create_entity(window, qtbot, "Walmart", occurrence=2)
    first = window.annotation_panel.current()
    assert first.entity_id == walmart.id
    megadeal = ui.open("Megadeal")
    second = tag(window, qtbot, "Walmart", occurrence=2)
    assert second.entity_id == walmart.id  # a known name links as it is tagged
    assert not panel.offer_button.isVisible()
    assert "linked to entity Walmart" in ui.status()
    korean = ui.open("'월마트 VS 아마존'")
    third = tag(window, qtbot, "월마트", occurrence=2)  # in 월마트가: the particle stays out
    assert third.text == "월마트" and third.entity_id is None
    assert panel.offer_button.text() == "Create entity ‘월마트’"

    click_entity(panel, qtbot, "Walmart")
    type_text(panel.alias_edit, "월마트")
    qtbot.keyClick(panel.alias_edit, Qt.Key_Return)

    assert [panel.alias_list.item(i).text() for i in range(panel.alias_list.count())] == ["월마트"]
    assert window.project.annotations.get(third.id).entity_id == walmart.id
    qtbot.waitUntil(lambda: table_row(panel, "Walmart") == ["Walmart", "Organization", 3, 3])
    mentions = [panel.mention_list.item(i) for i in range(panel.mention_list.count())]
    assert [item.data(Qt.UserRole)[:2] for item in mentions] == [
        (english, first.id), (megadeal, second.id), (korean, third.id)]
    assert mentions[2].text().startswith("'월마트 VS 아마존' 신경전 왜!!\n")

    # A click on a mention opens its document and selects the span.
    item = mentions[1]
    qtbot.mouseClick(panel.mention_list.viewport(), Qt.LeftButton,
                     pos=panel.mention_list.visualItemRect(item).center())
    assert window.current_doc_id == megadeal
    assert window.annotation_panel.current().id == second.id
    cursor = window.reader.textCursor()
    assert window.reader.positions.from_qt(cursor.position()) == second.start


def test_creating_from_the_offer_and_the_tag_itself_undo_separately(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open("What If Walmart")
    assert window.entities_panel.isHidden()  # the offer works without the panel open
    walmart = tag_and_create_entity(window, qtbot, "Walmart", occurrence=2)
    assert [a.entity_id for a in window.project.annotations.for_document(doc_id)] == [walmart.id]
    ui.press(Qt.Key_Z, Qt.ControlModifier)
    assert window.project.entities.all() == []
    assert [a.entity_id for a in window.project.annotations.for_document(doc_id)] == [None]
    ui.press(Qt.Key_Z, Qt.ControlModifier)
    assert window.project.annotations.for_document(doc_id) == []
    # An offer for a tag that Ctrl+Z took back goes with it.
    tag(window, qtbot, "Amazon", occurrence=2)
    assert window.entities_panel.offer_button.isVisible()
    ui.press(Qt.Key_Z, Qt.ControlModifier)
    assert not window.entities_panel.offer_button.isVisible()


def test_tag_other_mentions_over_the_corpus_is_one_undoable_step(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    panel = show_panel(window, qtbot)
    ui.open("What If Walmart")
    walmart = tag_and_create_entity(window, qtbot, "Walmart", occurrence=2)
    click_entity(panel, qtbot, "Walmart")
    qtbot.mouseClick(panel.tag_button, Qt.LeftButton)
    dialog = panel.tag_dialog
    qtbot.waitUntil(dialog.isVisible)
    in_document = dialog.candidates()
    assert {c.document_title for c in in_document} == {"What If Walmart Were A Webhost"}
    assert [c.tagged for c in in_document].count(True) == 1
    assert not dialog.list.item([c.tagged for c in in_document].index(True)).flags() & Qt.ItemIsEnabled

    qtbot.mouseClick(dialog.whole_corpus, Qt.LeftButton)
    candidates = dialog.candidates()
    assert len({c.document_id for c in candidates}) == 3  # the English articles that name Walmart
    for c in candidates:
        assert window.project.documents.text(c.document_id)[c.start:c.end] == c.text
    # Leave out the first two untagged ones, the way an analyst unticks false hits.
    untagged = [row for row, c in enumerate(candidates) if not c.tagged]
    for row in untagged[:2]:
        dialog.list.setCurrentRow(row)
        qtbot.keyClick(dialog.list, Qt.Key_Space)
    expected = len(untagged) - 2
    assert dialog.tag_button.text() == f"Tag {expected} mentions"
    steps = window.undo_stack.count()
    qtbot.mouseClick(dialog.tag_button, Qt.LeftButton)

    assert window.undo_stack.count() == steps + 1
    assert len(window.project.entities.mentions(walmart.id)) == expected + 1
    skipped = {(candidates[row].document_id, candidates[row].start) for row in untagged[:2]}
    tagged_now = {(m.document_id, m.start) for m in window.project.entities.mentions(walmart.id)}
    assert not skipped & tagged_now
    qtbot.waitUntil(lambda: table_row(panel, "Walmart")[2] == expected + 1)

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    ui.press(Qt.Key_Z, Qt.ControlModifier)
    assert [m.document_id for m in window.project.entities.mentions(walmart.id)] == [in_document[0].document_id]
    assert window.project.annotations.count() == 1


def test_select_none_and_all_in_the_tag_dialog(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    panel = show_panel(window, qtbot)
    ui.open("Innovation stories")
    tag_and_create_entity(window, qtbot, "Amazon Web Services")
    click_entity(panel, qtbot, "Amazon Web Services")
    qtbot.mouseClick(panel.tag_button, Qt.LeftButton)
    dialog = panel.tag_dialog
    qtbot.mouseClick(dialog.select_none, Qt.LeftButton)
    assert dialog.tag_button.text() == "Tag 0 mentions" and not dialog.tag_button.isEnabled()
    qtbot.mouseClick(dialog.select_all, Qt.LeftButton)
    assert dialog.tag_button.isEnabled()
    assert len(dialog.chosen()) == sum(not c.tagged for c in dialog.candidates()) > 0


def test_merge_two_entities_from_the_panel(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    panel = show_panel(window, qtbot)
    ui.open("What If Walmart")
    amazon = tag_and_create_entity(window, qtbot, "Amazon", occurrence=2)
    aws = tag_and_create_entity(window, qtbot, "AWS")
    aws_tag = window.project.entities.mentions(aws.id)[0]
    click_entity(panel, qtbot, "Amazon")

    qtbot.mouseClick(panel.merge_button, Qt.LeftButton)
    dialog = panel.merge_dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.choice.setCurrentIndex(dialog.choice.findData(aws.id))
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)

    qtbot.waitUntil(lambda: panel.proxy.rowCount() == 1)
    assert panel.proxy.index(0, 0).data(ENTITY_ID_ROLE) == amazon.id
    assert table_row(panel, "Amazon") == ["Amazon", "Organization", 2, 1]
    assert [panel.alias_list.item(i).text() for i in range(panel.alias_list.count())] == ["AWS"]
    assert window.project.annotations.get(aws_tag.annotation_id).entity_id == amazon.id
    # The filter finds an entity by its aliases too.
    qtbot.keyClicks(panel.filter_edit, "aws")
    assert panel.proxy.rowCount() == 1
    qtbot.keyClicks(panel.filter_edit, "x")
    assert panel.proxy.rowCount() == 0


def test_delete_an_entity_in_use_reassigns_its_links(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    panel = show_panel(window, qtbot)
    ui.open("What If Walmart")
    walmart = tag_and_create_entity(window, qtbot, "Walmart", occurrence=2)
    amazon = tag_and_create_entity(window, qtbot, "Amazon", occurrence=2)
    mention = window.project.entities.mentions(walmart.id)[0]
    click_entity(panel, qtbot, "Walmart")
    qtbot.mouseClick(panel.delete_button, Qt.LeftButton)
    dialog = panel.delete_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert "1 tagged span is linked to it" in dialog.explanation.text()
    dialog.choice.setCurrentIndex(dialog.choice.findData(amazon.id))
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)
    assert [e.name for e in window.project.entities.all()] == ["Amazon"]
    assert window.project.annotations.get(mention.annotation_id).entity_id == amazon.id
    window.undo_stack.undo()
    assert window.project.annotations.get(mention.annotation_id).entity_id == walmart.id


def test_each_detail_edit_is_one_undo_step(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    panel = show_panel(window, qtbot)
    ui.open("What If Walmart")
    walmart = tag_and_create_entity(window, qtbot, "Walmart", occurrence=2)
    click_entity(panel, qtbot, "Walmart")
    steps = window.undo_stack.count()

    panel.name_edit.selectAll()
    qtbot.keyClicks(panel.name_edit, "Walmart Inc.")
    qtbot.keyClick(panel.name_edit, Qt.Key_Return)
    qtbot.keyClicks(panel.external_edit, "Q483551")
    qtbot.keyClick(panel.external_edit, Qt.Key_Return)
    panel.type_combo.setFocus()
    next_type = panel.type_combo.itemText(panel.type_combo.currentIndex() + 1)
    qtbot.keyClick(panel.type_combo, Qt.Key_Down)  # Organization -> the next entity type
    qtbot.mouseClick(panel.memo_edit.viewport(), Qt.LeftButton)
    qtbot.keyClicks(panel.memo_edit, "Also trades as Sam's Club.")
    qtbot.mouseClick(panel.alias_edit, Qt.LeftButton)  # leaving the memo saves it

    got = window.project.entities.get(walmart.id)
    assert (got.name, got.external_id, got.memo) == ("Walmart Inc.", "Q483551", "Also trades as Sam's Club.")
    assert window.project.codebook.label(got.label_id).name == next_type != "Organization"
    assert table_row(panel, "Walmart Inc.")[:2] == ["Walmart Inc.", next_type]
    assert window.undo_stack.count() == steps + 4
    for _ in range(4):
        window.undo_stack.undo()
    assert window.project.entities.get(walmart.id) == walmart
    qtbot.waitUntil(lambda: table_row(panel, "Walmart")[:2] == ["Walmart", "Organization"])


def test_split_a_mention_off_into_its_own_entity(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    panel = show_panel(window, qtbot)
    ui.open("What If Walmart")
    amazon = tag_and_create_entity(window, qtbot, "Amazon", occurrence=2)
    other = tag(window, qtbot, "Amazon", occurrence=3)
    assert other.entity_id == amazon.id, other
    click_entity(panel, qtbot, "Amazon")
    qtbot.waitUntil(lambda: panel.mention_list.count() == 2)
    item = panel.mention_list.item(1)
    qtbot.mouseClick(panel.mention_list.viewport(), Qt.LeftButton,
                     pos=panel.mention_list.visualItemRect(item).center())
    _doc, split_off, _text = item.data(Qt.UserRole)
    qtbot.mouseClick(panel.split_button, Qt.LeftButton)
    dialog = panel.split_dialog
    qtbot.waitUntil(dialog.isVisible)
    from PySide6.QtWidgets import QLineEdit

    edit = dialog.findChild(QLineEdit)
    edit.selectAll()
    qtbot.keyClicks(edit, "Amazon (AWS unit)")
    qtbot.keyClick(edit, Qt.Key_Return)

    new = window.project.entities.match("Amazon (AWS unit)")
    assert [m.annotation_id for m in window.project.entities.mentions(new.id)] == [split_off]
    assert len(window.project.entities.mentions(amazon.id)) == 1
    qtbot.waitUntil(lambda: panel.proxy.rowCount() == 2)


def test_the_hidden_dock_is_built_when_first_shown_and_lists_the_registry(open_window, seeded_path, qtbot):
    # The dock starts hidden; building its table and form at start-up cost every launch ~10 ms (issue 17).
    window = open_window(seeded_path)
    tag_and_create_entity(window, qtbot, "Walmart")  # while the dock is hidden
    panel = window.entities_panel
    assert not panel.isVisible() and panel.widget() is None
    panel = show_panel(window, qtbot)
    assert panel.widget() is not None and panel.widget().isVisible()
    assert table_row(panel, "Walmart")[0] == "Walmart"
    assert panel.type_combo.count() > 0  # the types were filled in as it was built
    click_entity(panel, qtbot, "Walmart")
    assert panel.name_edit.text() == "Walmart" and panel.name_edit.isVisible()
