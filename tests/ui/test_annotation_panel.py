"""The annotation panel as a form: claim source, cue and attributes; stance target and holder; entity links; filter."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import QLineEdit

from annotator.core.project import Project

from .conftest import open_titled, select_phrase
from .driver import Driver

CLAIM = "Walmart instructed partners and suppliers not to run on Amazon Webservice (AWS) infrastructure"


@pytest.fixture
def registry_path(seeded_path):
    """The seed corpus with Amazon and Walmart in the entity registry, and two more claim attributes."""
    with Project(seeded_path) as project:
        organization = project.codebook.by_name("Organization")
        project.entities.create("Amazon", organization, aliases=["Amazon.com"])
        project.entities.create("Walmart", organization)
        claim = project.codebook.by_name("Claim")
        project.codebook.add_attribute(claim.id, "jobs cut", "number")
        project.codebook.add_attribute(claim.id, "checked by", "text", required=True)
    return seeded_path


def fill(qtbot, edit: QLineEdit, text: str) -> None:
    """Click into a field, replace what it holds by typing, and press Return (through the completer if it is up)."""
    qtbot.mouseClick(edit, Qt.LeftButton)
    qtbot.keyClick(edit, Qt.Key_A, Qt.ControlModifier)
    if text:
        qtbot.keyClicks(edit, text)
    else:
        qtbot.keyClick(edit, Qt.Key_Delete)
    popup = edit.completer().popup() if edit.completer() else None
    qtbot.keyClick(popup if popup is not None and popup.isVisible() else edit, Qt.Key_Return)


def undo(window, qtbot) -> None:
    # A desktop hands activation back to the window when a popup closes; offscreen Qt does not.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.reader.setFocus()
    Driver(window).press(Qt.Key_Z, Qt.ControlModifier)


def tag(window, qtbot, phrase: str, key):
    select_phrase(window, phrase)
    Driver(window).press(key)


def entity_id(window, name: str) -> int:
    return window.project.entities.match(name).id


def test_claim_source_cue_and_attributes(open_window, registry_path, qtbot):
    window = open_window(registry_path)
    ui = Driver(window)
    ui.open("What If Walmart")
    panel = window.annotation_panel
    tag(window, qtbot, CLAIM, Qt.Key_C)
    claim = panel.current()
    assert claim is not None and claim.text == CLAIM
    assert panel.source_edit.isVisible() and panel.cue_row.isVisible()
    assert not panel.target_edit.isVisible() and not panel.entity_row.isVisible()
    stored = lambda: window.project.annotations.get(claim.id)  # noqa: E731

    # Source: a registry entity typed in any case, then free text.
    fill(qtbot, panel.source_edit, "walmart")
    assert (stored().source_entity_id, stored().source) == (entity_id(window, "Walmart"), None)
    assert panel.source_edit.text() == "Walmart"
    fill(qtbot, panel.source_edit, "a spokesperson")
    assert (stored().source_entity_id, stored().source) == (None, "a spokesperson")

    # Cue: select the attribution words in the reader, then press the button.
    ui.select_phrase("confirmed")
    qtbot.mouseClick(panel.set_cue, Qt.LeftButton)
    text = window.project.documents.text(claim.document_id)
    assert text[stored().cue_start:stored().cue_end] == "confirmed"
    assert panel.cue_text.text() == "“confirmed”"
    cue_start = window.reader.positions.to_qt(stored().cue_start)
    underlined = [s for s in window.reader.extraSelections()
                  if s.format.underlineStyle() == QTextCharFormat.DotLine and s.cursor.selectionStart() == cue_start]
    assert len(underlined) == 1

    # Attributes: the form follows the Claim label's attributes; the required one is flagged until filled.
    form = panel.attributes
    assert form.warning.isVisible() and "checked by" in form.warning.text()
    qtbot.keyClicks(form.field("type"), "statistical")
    checkworthy = form.field("checkworthy")
    qtbot.mouseClick(checkworthy, Qt.LeftButton, pos=QPoint(8, checkworthy.height() // 2))  # on the box
    qtbot.keyClicks(form.field("verdict"), "false")
    fill(qtbot, form.field("jobs cut"), "500.0")
    qtbot.mouseClick(form.field("checked by"), Qt.LeftButton)
    qtbot.keyClicks(form.field("checked by"), "desk")
    values = lambda: window.project.values.for_annotations([claim.id])[claim.id]  # noqa: E731
    assert values() == {"type": "statistical", "checkworthy": "yes", "verdict": "false", "jobs cut": "500",
                        "checked by": "desk"}
    assert form.field("jobs cut").text() == "500"
    assert not form.warning.isVisible()

    # Ctrl+Z takes each edit back, newest first; typing "desk" is one step.
    undo(window, qtbot)
    assert "checked by" not in values() and form.warning.isVisible()
    undo(window, qtbot)
    assert "jobs cut" not in values()
    undo(window, qtbot)
    assert "verdict" not in values() and form.field("verdict").currentText() == ""
    undo(window, qtbot)
    assert "checkworthy" not in values() and not form.field("checkworthy").isChecked()
    undo(window, qtbot)
    assert values() == {}
    undo(window, qtbot)
    assert stored().cue_start is None and panel.cue_text.text() == "<i>none</i>"
    undo(window, qtbot)
    assert (stored().source_entity_id, stored().source) == (entity_id(window, "Walmart"), None)
    assert panel.source_edit.text() == "Walmart"
    undo(window, qtbot)
    assert stored().source_entity_id is None


def test_set_cue_without_a_selection_says_what_to_do(open_window, registry_path, qtbot, monkeypatch):
    warnings = []
    monkeypatch.setattr("annotator.ui.coding.annotation_panel.QMessageBox.warning", lambda *args: warnings.append(args[2]))
    window = open_window(registry_path)
    open_titled(window, "What If Walmart")
    tag(window, qtbot, CLAIM, Qt.Key_C)
    claim = window.annotation_panel.current()
    qtbot.mouseClick(window.annotation_panel.set_cue, Qt.LeftButton)
    assert len(warnings) == 1 and "Select the attribution words" in warnings[0]
    assert window.project.annotations.get(claim.id).cue_start is None


def test_stance_with_target_entity_and_holder_then_relabel(open_window, registry_path, qtbot):
    window = open_window(registry_path)
    ui = Driver(window)
    doc_id = ui.open("What If Walmart")
    panel = window.annotation_panel
    tag(window, qtbot, "Amazon responded curtly", Qt.Key_A)
    popup = window.target_popup
    qtbot.keyClicks(popup.edit, "amazon.com")  # an alias: stored as the entity
    qtbot.keyClicks(popup.holder, "Walmart")
    qtbot.keyClick(popup.holder, Qt.Key_Return)
    qtbot.waitUntil(lambda: not popup.isVisible())
    stance = panel.current()
    assert (stance.target_entity_id, stance.target) == (entity_id(window, "Amazon"), None)
    assert (stance.holder_entity_id, stance.holder) == (entity_id(window, "Walmart"), None)
    assert panel.target_edit.isVisible() and panel.holder_edit.isVisible() and not panel.source_edit.isVisible()
    assert (panel.target_edit.text(), panel.holder_edit.text()) == ("Amazon", "Walmart")
    assert panel.attributes.field("intensity") is not None  # the stance labels' own attribute
    stored = lambda: window.project.annotations.get(stance.id)  # noqa: E731

    fill(qtbot, panel.holder_edit, "rival retailers")
    assert (stored().holder_entity_id, stored().holder) == (None, "rival retailers")
    fill(qtbot, panel.target_edit, "the AWS ban")
    assert (stored().target_entity_id, stored().target) == (None, "the AWS ban")

    # Relabel with the combo: the target and holder stay with a stance label.
    favor = window.project.codebook.by_name("Favor")
    combo = panel.label_combo
    combo.setFocus()
    qtbot.keyClicks(combo, "Favor")  # type-ahead passes Figure on the way: it must not relabel to it
    qtbot.waitUntil(lambda: stored().label_id == favor.id)
    assert stored().target == "the AWS ban" and panel.target_edit.text() == "the AWS ban"
    assert window.undo_stack.count() == 4  # the tag, two role edits, one relabel
    assert window.project.annotations.documents_with_stance("the aws ban", favor.id) == [doc_id]

    undo(window, qtbot)
    assert stored().label_id == window.project.codebook.by_name("Against").id
    assert combo.currentData() == stored().label_id
    undo(window, qtbot)
    assert stored().target_entity_id == entity_id(window, "Amazon") and panel.target_edit.text() == "Amazon"
    undo(window, qtbot)
    assert stored().holder_entity_id == entity_id(window, "Walmart") and panel.holder_edit.text() == "Walmart"


def test_emptying_a_stance_target_is_refused_and_the_target_stays(open_window, registry_path, qtbot, monkeypatch):
    warnings = []
    monkeypatch.setattr("annotator.ui.coding.annotation_panel.QMessageBox.warning", lambda *args: warnings.append(args[2]))
    window = open_window(registry_path)
    open_titled(window, "What If Walmart")
    tag(window, qtbot, "Amazon responded curtly", Qt.Key_N)
    qtbot.keyClicks(window.target_popup.edit, "Amazon")
    qtbot.keyClick(window.target_popup.edit, Qt.Key_Return)
    panel = window.annotation_panel
    fill(qtbot, panel.target_edit, "")
    assert len(warnings) == 1 and "needs a target" in warnings[0]
    assert panel.target_edit.text() == "Amazon"
    assert panel.current().target_entity_id == entity_id(window, "Amazon")


def test_relabelling_a_claim_as_a_stance_asks_for_its_target(open_window, registry_path, qtbot):
    window = open_window(registry_path)
    ui = Driver(window)
    ui.open("What If Walmart")
    panel = window.annotation_panel
    tag(window, qtbot, CLAIM, Qt.Key_C)
    claim = panel.current()
    panel.label_combo.setFocus()
    qtbot.keyClicks(panel.label_combo, "Against")
    qtbot.waitUntil(lambda: getattr(panel, "target_popup", None) is not None)
    popup = panel.target_popup
    assert popup.isVisible()
    assert window.project.annotations.get(claim.id).label_id == claim.label_id  # nothing yet
    qtbot.keyClicks(popup.edit, "AWS suppliers")
    qtbot.keyClick(popup.edit, Qt.Key_Return)
    qtbot.waitUntil(lambda: not popup.isVisible())
    stored = window.project.annotations.get(claim.id)
    assert (window.project.codebook.label(stored.label_id).name, stored.target) == ("Against", "AWS suppliers")
    assert panel.target_edit.isVisible() and panel.target_edit.text() == "AWS suppliers"
    undo(window, qtbot)
    assert window.project.annotations.get(claim.id).label_id == claim.label_id


def test_entity_span_links_creates_and_unlinks_in_the_panel(open_window, registry_path, qtbot):
    window = open_window(registry_path)
    ui = Driver(window)
    ui.open("What If Walmart")
    panel = window.annotation_panel
    tag(window, qtbot, "Whole Foods", Qt.Key_O)
    span = panel.current()
    assert panel.entity_row.isVisible() and panel.entity_edit.text() == ""
    stored = lambda: window.project.annotations.get(span.id)  # noqa: E731

    fill(qtbot, panel.entity_edit, "Whole Foods Market")
    assert panel.create_entity.isVisible() and panel.create_entity.text() == "Create entity ‘Whole Foods Market’"
    assert stored().entity_id is None
    qtbot.mouseClick(panel.create_entity, Qt.LeftButton)
    created = window.project.entities.match("Whole Foods Market")
    assert created is not None and created.label_id == window.project.codebook.by_name("Organization").id
    assert stored().entity_id == created.id and not panel.create_entity.isVisible()

    fill(qtbot, panel.entity_edit, "amazon")
    assert stored().entity_id == entity_id(window, "Amazon") and panel.entity_edit.text() == "Amazon"
    qtbot.mouseClick(panel.unlink_entity, Qt.LeftButton)
    assert stored().entity_id is None and panel.entity_edit.text() == ""

    undo(window, qtbot)
    assert stored().entity_id == entity_id(window, "Amazon")
    undo(window, qtbot)
    assert stored().entity_id == created.id
    undo(window, qtbot)  # creating and linking were one step
    assert stored().entity_id is None and window.project.entities.match("Whole Foods Market") is None


def test_document_list_filters_by_stance_toward_a_target(open_window, registry_path, qtbot):
    with Project(registry_path) as project:
        titles = {s.title: s.id for s in project.documents.summaries()}
        megadeal = next(i for t, i in titles.items() if t.startswith("Megadeal"))
        versus = next(i for t, i in titles.items() if t.startswith("Walmart Vs Amazon"))
        project.annotations.add(megadeal, project.codebook.by_name("Favor"), target="Amazon")
        project.annotations.add(versus, project.codebook.by_name("Against"), target="Walmart")
    window = open_window(registry_path)
    ui = Driver(window)
    doc_id = ui.open("What If Walmart")
    tag(window, qtbot, "Amazon responded curtly", Qt.Key_A)
    qtbot.keyClicks(window.target_popup.edit, "Amazon")
    qtbot.keyClick(window.target_popup.edit, Qt.Key_Return)

    doc_filter, view = window.doc_filter, window.doc_view
    shown = lambda: [view.model().index(row, 0).data() for row in range(view.model().rowCount())]  # noqa: E731
    assert len(shown()) == 5
    qtbot.mouseClick(doc_filter.target, Qt.LeftButton)
    qtbot.keyClicks(doc_filter.target, "amazon")
    qtbot.waitUntil(doc_filter.settled)  # on a slow machine the filter waits for a pause in typing
    assert len(shown()) == 2  # a stance of any kind toward Amazon
    doc_filter.stance.setFocus()
    qtbot.keyClicks(doc_filter.stance, "Against")
    assert shown() == ["What If Walmart Were A Webhost"]
    assert doc_filter.summary.text() == "Showing 1 of 5 documents"
    # The list still opens what it shows.
    view.selectRow(0)
    assert window.current_doc_id == doc_id

    qtbot.mouseClick(doc_filter.target, Qt.LeftButton)
    qtbot.keyClick(doc_filter.target, Qt.Key_A, Qt.ControlModifier)
    qtbot.keyClick(doc_filter.target, Qt.Key_Delete)
    qtbot.waitUntil(doc_filter.settled)
    assert len(shown()) == 5 and not doc_filter.summary.isVisible()
    qtbot.keyClicks(doc_filter.title, "amazon")
    qtbot.waitUntil(doc_filter.settled)
    assert shown() == ["Walmart Vs Amazon And Why Cloud Expertise Makes Or Breaks E-Commerce",
                       "Innovation stories: the birth of Amazon Web Services"]
    # Alt+Down walks the rows the list shows.
    ui.focus_reader()
    view.selectRow(0)
    qtbot.keyClick(window, Qt.Key_Down, Qt.AltModifier)
    assert window.current_doc_id == window.doc_filter.proxy.document_id(1)
    assert window.project.documents.get(window.current_doc_id).title.startswith("Innovation stories")
