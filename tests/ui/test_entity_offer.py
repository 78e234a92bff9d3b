"""The status bar's "Create entity ‘X’" offer follows the tag it was made for (issue 11, item 4)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core.project import Project

from .conftest import select_phrase
from .driver import Driver

ENGLISH = "Amazon Web Services said on 3 May that Walmart had left."
SPANISH = "La página de Walmart dice que Amazon Web Services ganó."
KOREAN = "월마트가 아마존웹서비스(AWS) 이용을 중단하라고 요청했다."


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "offer.annotator"
    with Project(path) as project:
        project.documents.add(title="English", text=ENGLISH)
        project.documents.add(title="Spanish", text=SPANISH)
        project.documents.add(title="Korean", text=KOREAN)
    return path


def tag(window, qtbot, phrase: str, key=Qt.Key_O, modifier=Qt.NoModifier):
    select_phrase(window, phrase)
    Driver(window).press(key, modifier)
    return window.annotation_panel.current()


def offer_of(window):
    return window.entities_panel.offer_button


def test_narrowing_or_widening_the_span_offers_its_new_words(open_window, path, qtbot):
    window = open_window(path)
    ui = Driver(window)
    ui.open("English")
    tag(window, qtbot, "Amazon Web Services")
    assert offer_of(window).isVisible() and offer_of(window).text() == "Create entity ‘Amazon Web Services’"

    # Ctrl+Alt+Left: the selected tag's end moves back one word.
    ui.press(Qt.Key_Left, Qt.ControlModifier | Qt.AltModifier)
    assert window.annotation_panel.current().text == "Amazon Web"
    assert offer_of(window).text() == "Create entity ‘Amazon Web’"
    ui.press(Qt.Key_Right, Qt.ControlModifier | Qt.ShiftModifier)
    assert offer_of(window).text() == "Create entity ‘Amazon Web Services’"
    ui.press(Qt.Key_Left, Qt.ControlModifier | Qt.AltModifier)

    qtbot.mouseClick(offer_of(window), Qt.LeftButton)
    assert [e.name for e in window.project.entities.all()] == ["Amazon Web"]  # what the span holds now


def test_another_document_or_annotation_takes_the_offer_away(open_window, path, qtbot):
    window = open_window(path)
    ui = Driver(window)
    spanish = ui.open("Spanish")
    tag(window, qtbot, "página")
    offer = offer_of(window)
    assert offer.isVisible() and offer.text() == "Create entity ‘página’"

    ui.open("English")
    assert not offer.isVisible()
    offer.click()  # a click that was already on its way creates nothing from the Spanish text
    assert window.project.entities.all() == []

    # Back in the Spanish document, selecting another tag also withdraws the offer for the first.
    ui.open("Spanish")
    first = window.project.annotations.for_document(spanish)[0]
    tag(window, qtbot, "Walmart")
    assert offer.text() == "Create entity ‘Walmart’"
    window.annotation_panel.select(first.id)
    assert not offer.isVisible()


def test_a_date_or_figure_is_not_offered_as_an_entity(open_window, path, qtbot):
    window = open_window(path)
    ui = Driver(window)
    ui.open("English")
    date = tag(window, qtbot, "3 May", Qt.Key_D)
    assert date.label_id == window.project.codebook.by_name("Date").id
    assert not offer_of(window).isVisible()
    assert ui.status().startswith("Tagged Date")
    # Relabelled to a value after the offer: the offer goes.
    tag(window, qtbot, "Walmart")
    assert offer_of(window).isVisible()
    window.annotation_panel.label_combo.labelChosen.emit(window.project.codebook.by_name("Date").id)
    assert not offer_of(window).isVisible()


def test_undo_and_redo_say_what_they_did(open_window, path, qtbot):
    window = open_window(path)
    ui = Driver(window)
    ui.open("English")
    tag(window, qtbot, "Walmart")
    assert ui.status() == "Tagged Organization: Walmart"
    ui.press(Qt.Key_Z, Qt.ControlModifier)
    assert ui.status() == "Undid: Tag Organization"
    assert not offer_of(window).isVisible()
    ui.press(Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert ui.status() == "Redid: Tag Organization"


def test_an_exact_tag_on_a_word_with_its_particle_offers_the_name_without_it(open_window, path, qtbot):
    window = open_window(path)
    ui = Driver(window)
    ui.open("Korean")
    walmart = tag(window, qtbot, "월마트가", Qt.Key_O, Qt.AltModifier)  # Alt: exactly what was selected
    assert walmart.text == "월마트가"
    offer = offer_of(window)
    assert offer.isVisible() and offer.text() == "Create entity ‘월마트’"
    qtbot.mouseClick(offer, Qt.LeftButton)
    [entity] = window.project.entities.all()
    assert entity.name == "월마트"
    assert window.project.annotations.get(walmart.id).entity_id == entity.id
