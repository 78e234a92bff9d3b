"""The Search tab: type, see keyword-in-context results, press Enter, and the reader shows the hit selected."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from annotator.core.project import Project
from annotator.ui.search import panel as panel_module
from tests.support import span_of
from tests.ui.driver import Driver

EMOJI_KOREAN = "🚀👩‍👩‍👧 발표: 삼성전자가 새 칩을 공개했다. 🚀 분석가들은 삼성전자는 물론 경쟁사도 주목했다."
CLOUD = "Amazon Web Services sells cloud services.\nThe cloud market grows 🚀 and the cloud wins."


@pytest.fixture(params=["sqlite", "postgresql"])
def search_path(tmp_path: Path, request) -> Path | str:
    """The project file, or a shared project's URL: the Search tab works the same on both."""
    path = tmp_path / "search.annotator" if request.param == "sqlite" else request.getfixturevalue("shared_url")
    with Project(path) as project:
        project.documents.add(title="Cloud market", text=CLOUD)
        korean = project.documents.add(title="삼성 신제품", text=EMOJI_KOREAN)
        project.documents.add(title="Retail", text="Walmart dropped a cloud contract. Walmart prefers Azure.")
        project.documents.add(title="Cloud outlook", text="Nothing about the topic in this text.")
        project.metadata.set(korean, "outlet", "연합뉴스")
        project.annotations.add(korean, project.codebook.by_name("Organization"), *span_of(EMOJI_KOREAN, "삼성전자"))
    return path


def type_text(widget, text: str) -> None:
    """Type the way an input method delivers text (keyClicks aborts on non-ASCII)."""
    widget.setFocus()
    for ch in text:
        QApplication.sendEvent(widget, QKeyEvent(QKeyEvent.KeyPress, 0, Qt.NoModifier, ch))


def open_search(window, qtbot):
    qtbot.keyClick(window, Qt.Key_F, Qt.ControlModifier | Qt.ShiftModifier)
    panel = window.search_panel
    qtbot.waitUntil(panel.query.hasFocus)
    assert window.side_tabs.currentWidget().isAncestorOf(panel) and panel.isVisible()
    return panel


def test_the_search_tab_is_built_when_first_shown_not_at_start(open_window, search_path, qtbot):
    window = open_window(search_path)
    assert not window.findChildren(panel_module.SearchPanel)  # start-up builds only what it shows
    window.side_tabs.setCurrentIndex(window.side_tabs.count() - 1)
    (built,) = window.findChildren(panel_module.SearchPanel)
    assert built.isVisible() and built is window.search_panel


def wait_for_results(panel, qtbot, status_start: str) -> None:
    qtbot.waitUntil(lambda: panel.status.text().startswith(status_start), timeout=30_000)


def selected(window) -> tuple[int, int] | None:
    """The reader's selection in code points, converted by the reader's own position map."""
    return window.reader.selection()


def test_type_wait_enter_and_the_reader_shows_the_first_hit_selected(open_window, search_path, qtbot):
    window = open_window(search_path)
    window.open_document(window.project.documents.ids()[2])
    panel = open_search(window, qtbot)
    qtbot.keyClicks(panel.query, "cloud")
    wait_for_results(panel, qtbot, "4 hits in 3 documents")
    top = [panel.model.index(row, 0).data() for row in range(panel.model.rowCount())]
    assert top == ["Cloud market — 3 hits", "Retail — 1 hit", "Cloud outlook — match in title"]
    first_doc = panel.model.index(0, 0)
    # The whole short text around the first hit, its line break shown as a space.
    assert panel.model.index(0, 0, first_doc).data() == CLOUD.replace("\n", " ")
    qtbot.keyClick(panel.query, Qt.Key_Return)
    cloud_doc = window.project.documents.ids()[0]
    assert window.current_doc_id == cloud_doc
    assert selected(window) == span_of(CLOUD, "cloud")
    assert window.reader.textCursor().selectedText() == "cloud"
    assert window.reader.hasFocus()


def test_a_korean_query_after_emoji_selects_exactly_the_chosen_hit(open_window, search_path, qtbot):
    window = open_window(search_path)
    panel = open_search(window, qtbot)
    type_text(panel.query, "삼성전자")
    wait_for_results(panel, qtbot, "2 hits in 1 document")
    document = panel.model.index(0, 0)
    assert document.data() == "삼성 신제품 — 2 hits"
    # Down from the box walks into the results; the second hit is two rows below the first.
    qtbot.keyClick(panel.query, Qt.Key_Down)
    assert panel.view.hasFocus()
    qtbot.keyClick(panel.view, Qt.Key_Down)
    assert panel.view.currentIndex() == panel.model.index(1, 0, document)
    qtbot.keyClick(panel.view, Qt.Key_Return)
    korean = window.project.documents.ids()[1]
    assert window.current_doc_id == korean
    # Three emoji (one a ZWJ family of five code points) come before it: code points, not UTF-16 units.
    assert selected(window) == span_of(EMOJI_KOREAN, "삼성전자", 1)
    assert window.reader.textCursor().selectedText() == "삼성전자"


def test_double_click_on_a_hit_and_enter_on_a_document_row(open_window, search_path, qtbot):
    window = open_window(search_path)
    panel = open_search(window, qtbot)
    qtbot.keyClicks(panel.query, "cloud")
    wait_for_results(panel, qtbot, "4 hits in 3 documents")
    first_doc = panel.model.index(0, 0)
    third_hit = panel.model.index(2, 0, first_doc)
    centre = panel.view.visualRect(third_hit).center()
    # A real double-click starts with a press and release; QTest's double-click alone arrives unpaired.
    qtbot.mouseClick(panel.view.viewport(), Qt.LeftButton, pos=centre)
    qtbot.mouseDClick(panel.view.viewport(), Qt.LeftButton, pos=centre)
    assert selected(window) == span_of(CLOUD, "cloud", 2)
    # Enter on a document row opens it at its first hit.
    panel.view.setFocus()
    panel.view.setCurrentIndex(panel.model.index(1, 0))
    qtbot.keyClick(panel.view, Qt.Key_Return)
    retail = window.project.documents.ids()[2]
    assert window.current_doc_id == retail
    assert window.reader.textCursor().selectedText() == "cloud"
    # A title-only match opens the document with nothing selected.
    panel.view.setFocus()
    panel.view.setCurrentIndex(panel.model.index(2, 0))
    qtbot.keyClick(panel.view, Qt.Key_Return)
    assert window.current_doc_id == window.project.documents.ids()[3]
    assert selected(window) is None


def test_typing_again_replaces_the_results_and_nothing_found_says_what_to_try(open_window, search_path, qtbot):
    window = open_window(search_path)
    panel = open_search(window, qtbot)
    qtbot.keyClicks(panel.query, "cloud")
    qtbot.keyClicks(panel.query, " walmart")  # before the first search has answered
    wait_for_results(panel, qtbot, "3 hits in 1 document")
    assert [panel.model.index(r, 0).data() for r in range(panel.model.rowCount())] == ["Retail — 3 hits"]
    panel.query.clear()
    qtbot.keyClicks(panel.query, "zeppelin")
    wait_for_results(panel, qtbot, "No matches — try fewer words")
    assert panel.model.rowCount() == 0


def test_a_bad_query_is_explained_and_enter_shows_a_warning(open_window, search_path, qtbot, monkeypatch):
    warnings = []
    monkeypatch.setattr(panel_module.QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    window = open_window(search_path)
    panel = open_search(window, qtbot)
    qtbot.keyClicks(panel.query, "-walmart")
    wait_for_results(panel, qtbot, "Add a word to look for")
    assert warnings == []  # typing is not interrupted by a dialog
    qtbot.keyClick(panel.query, Qt.Key_Return)
    qtbot.waitUntil(lambda: warnings != [])
    assert warnings[0].startswith("Add a word to look for")


def test_more_documents_come_with_show_more(open_window, search_path, qtbot, monkeypatch):
    monkeypatch.setattr(panel_module, "PAGE", 2)
    window = open_window(search_path)
    panel = open_search(window, qtbot)
    panel.model.page_size = 2
    qtbot.keyClicks(panel.query, "cloud")
    wait_for_results(panel, qtbot, "4 hits in the first 2 of 3 documents")
    more = panel.model.index(2, 0)
    assert more.data() == "Show 2 more documents…"
    panel.view.setFocus()
    panel.view.setCurrentIndex(more)
    qtbot.keyClick(panel.view, Qt.Key_Return)
    wait_for_results(panel, qtbot, "4 hits in 3 documents")
    assert [panel.model.index(r, 0).data() for r in range(panel.model.rowCount())] == [
        "Cloud market — 3 hits", "Retail — 1 hit", "Cloud outlook — match in title"]
    assert panel.status.text() == "4 hits in 3 documents"


def test_label_and_metadata_filters_narrow_the_results(open_window, search_path, qtbot):
    window = open_window(search_path)
    panel = open_search(window, qtbot)
    type_text(panel.query, "삼성전자 OR cloud")
    qtbot.keyClick(panel.query, Qt.Key_Return)
    wait_for_results(panel, qtbot, "6 hits in 4 documents")
    combo = panel.label_combo
    combo.showPopup()  # the choices are read from the codebook when the list opens
    organization = combo.findData(window.project.codebook.by_name("Organization").id)
    assert organization > 0 and combo.itemText(organization).strip() == "Organization"
    combo.hidePopup()
    combo.setCurrentIndex(organization)
    wait_for_results(panel, qtbot, "2 hits in 1 document")
    assert panel.model.index(0, 0).data() == "삼성 신제품 — 2 hits"
    combo.setCurrentIndex(0)
    wait_for_results(panel, qtbot, "6 hits in 4 documents")
    type_text(panel.meta, "outlet=연합뉴스")
    qtbot.keyClick(panel.meta, Qt.Key_Return)
    wait_for_results(panel, qtbot, "2 hits in 1 document")
    assert panel.model.index(0, 0).data() == "삼성 신제품 — 2 hits"


def test_results_follow_a_title_edited_in_the_window(open_window, search_path, qtbot):
    window = open_window(search_path)
    ui = Driver(window)
    retail = window.project.documents.ids()[2]
    window.ops.set_title(retail, "Zephyr chain report")
    panel = open_search(window, qtbot)
    qtbot.keyClicks(panel.query, "zephyr")
    wait_for_results(panel, qtbot, "Titles match in 1 document")
    assert panel.model.index(0, 0).data() == "Zephyr chain report — match in title"
    ui.press(Qt.Key_Z, Qt.ControlModifier)  # the results on screen search again by themselves
    wait_for_results(panel, qtbot, "No matches")
    ui.press(Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    wait_for_results(panel, qtbot, "Titles match in 1 document")


def test_tagging_a_hit_keeps_the_results_and_the_current_row(open_window, search_path, qtbot):
    window = open_window(search_path)
    ui = Driver(window)
    panel = open_search(window, qtbot)
    qtbot.keyClicks(panel.query, "cloud")
    wait_for_results(panel, qtbot, "4 hits in 3 documents")
    second_hit = panel.model.index(1, 0, panel.model.index(0, 0))
    panel.view.setFocus()
    panel.view.setCurrentIndex(second_hit)
    qtbot.keyClick(panel.view, Qt.Key_Return)
    assert selected(window) == span_of(CLOUD, "cloud", 1)
    ui.press(Qt.Key_O)  # Organization, on the selected hit
    [tag] = window.project.annotations.for_document(window.current_doc_id)
    assert (tag.start, tag.end) == span_of(CLOUD, "cloud", 1)
    assert panel.view.currentIndex() == second_hit and panel.status.text() == "4 hits in 3 documents"


def test_every_hit_a_document_announces_can_be_reached(open_window, tmp_path, qtbot):
    text = " ".join(f"Sentence {n} mentions the tariff again." for n in range(12))
    path = tmp_path / "many.annotator"
    with Project(path) as project:
        project.documents.add(title="Tariff week", text=text)
        project.documents.add(title="Tariff brief", text="One tariff here.")
        project.documents.add(title="Tariff talks", text="Nothing else.")  # its title matches
    window = open_window(path)
    panel = open_search(window, qtbot)
    qtbot.keyClicks(panel.query, "tariff")
    # The count says what it counts: hits, and the documents they are in.
    wait_for_results(panel, qtbot, "13 hits in 3 documents")
    week = panel.model.index(0, 0)
    assert week.data() == "Tariff week — 12 hits"
    rows = [panel.model.index(r, 0, week).data() for r in range(panel.model.rowCount(week))]
    assert len(rows) == 6 and rows[-1] == "7 more in this document…"
    more = panel.model.index(5, 0, week)
    assert panel.view.visualRect(more).isValid()  # on screen under the document, not hidden
    panel.view.setFocus()
    panel.view.setCurrentIndex(more)
    qtbot.keyClick(panel.view, Qt.Key_Return)
    # All twelve, in text order; the cursor is on the first one just listed, and Enter goes there.
    assert panel.model.rowCount(week) == 12
    assert panel.view.currentIndex() == panel.model.index(5, 0, week)
    qtbot.keyClick(panel.view, Qt.Key_Return)
    assert selected(window) == span_of(text, "tariff", 5)
    last = panel.model.index(11, 0, week)
    panel.view.setCurrentIndex(last)
    qtbot.keyClick(panel.view, Qt.Key_Return)
    assert selected(window) == span_of(text, "tariff", 11)


def test_a_long_title_keeps_its_hit_count_in_view(open_window, tmp_path, qtbot):
    title = "Megadeal between Microsoft and Walmart speaks to the cloud wars and their long reach"
    path = tmp_path / "long.annotator"
    with Project(path) as project:
        project.documents.add(title=title, text="The cloud deal. The cloud again.")
    window = open_window(path)
    panel = open_search(window, qtbot)
    qtbot.keyClicks(panel.query, "cloud")
    wait_for_results(panel, qtbot, "2 hits in 1 document")
    caption = panel.model.index(0, 0)
    assert panel.view.visualRect(caption).width() < panel.view.fontMetrics().horizontalAdvance(caption.data())
    assert panel.view.textElideMode() != Qt.ElideRight  # shortened in the title, never in "— 2 hits"
