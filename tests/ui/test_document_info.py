"""The Document info panel (metadata edited in place, undoable) and the document list's field filter."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from annotator.core.corpus.corpus_files import ColumnMapping, import_corpus
from annotator.core.project import Project
from tests.support import shown_text
from tests.ui.conftest import open_titled
from tests.ui.driver import Driver


@pytest.fixture
def corpus_path(tmp_path: Path) -> Path:
    """Three articles from a corpus file: outlets, authors and a custom column."""
    csv_file = tmp_path / "wire.csv"
    csv_file.write_text(
        "title,text,outlet,author,desk\n"
        "Tariff talks stall,Negotiators left Geneva without a deal.,Daily Planet,Lois Lane,world\n"
        "Rail strike ends,The union accepted the offer on Monday.,The Sentinel,Jimmy Olsen,\n"
        "Harbour reopens,Ships entered the port again at dawn.,Daily Planet (weekend),Perry White,metro\n",
        encoding="utf-8",
    )
    path = tmp_path / "study.annotator"
    with Project(path) as project:
        import_corpus(project, csv_file, ColumnMapping(text="text", title="title", outlet="outlet", author="author"))
    return path


def shown_fields(window) -> dict[str, str]:
    model = window.document_info.model
    return {model.index(row, 0).data(): model.index(row, 1).data() for row in range(model.rowCount())}


def edit_cell(qtbot, view, row: int, column: int, text: str) -> None:
    """Click a cell, press F2 to edit it, replace its text by typing, and press Enter."""
    index = view.model().index(row, column)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=view.visualRect(index).center())
    qtbot.keyClick(view, Qt.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key_Return)


def pick(qtbot, combo, text: str) -> None:
    """Choose an entry of a drop-down with the arrow keys, as a keyboard user does."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == text:
            return
        qtbot.keyClick(combo, Qt.Key_Down)
    assert combo.currentText() == text


def test_info_panel_shows_metadata_and_where_the_text_came_from(open_window, corpus_path):
    window = open_window(corpus_path)
    ui = Driver(window)
    ui.open("Rail strike ends")
    assert shown_fields(window) == {"outlet": "The Sentinel", "author": "Jimmy Olsen"}
    assert window.document_info.source.full_text().endswith("wire.csv#row 3")
    assert window.document_info.encoding.full_text() == "utf-8"
    assert window.document_info.imported.full_text()[:2] == "20"


def test_edit_a_value_in_place_then_undo(open_window, corpus_path, qtbot):
    window = open_window(corpus_path)
    ui = Driver(window)
    doc_id = ui.open("Tariff talks stall")
    view = window.document_info.fields
    assert shown_fields(window)["outlet"] == "Daily Planet"
    row = window.document_info.model.row_of("outlet")
    edit_cell(qtbot, view, row, 1, "The Daily Planet")
    qtbot.waitUntil(lambda: shown_fields(window)["outlet"] == "The Daily Planet")
    assert window.project.metadata.get(doc_id)["outlet"] == "The Daily Planet"

    ui.press(Qt.Key_Z, Qt.ControlModifier)
    assert window.project.metadata.get(doc_id)["outlet"] == "Daily Planet"
    assert shown_fields(window)["outlet"] == "Daily Planet"


def test_add_rename_and_remove_fields_each_undo_in_one_step(open_window, corpus_path, qtbot, monkeypatch):
    warnings: list[str] = []
    monkeypatch.setattr("annotator.ui.corpus.document_info.QMessageBox.warning", lambda *args: warnings.append(args[2]))
    window = open_window(corpus_path)
    doc_id = open_titled(window, "Tariff talks stall")
    Driver(window).show_side_tab("Document")  # where the analyst edits them
    info = window.document_info
    original = window.project.metadata.get(doc_id)

    info.new_key.setFocus()
    qtbot.keyClicks(info.new_key, "language")
    qtbot.keyClick(info.new_key, Qt.Key_Return)  # on to the value
    qtbot.keyClicks(info.new_value, "en")
    qtbot.keyClick(info.new_value, Qt.Key_Return)
    assert shown_fields(window)["language"] == "en" and info.new_key.text() == ""

    edit_cell(qtbot, info.fields, info.model.row_of("desk"), 0, "section")
    qtbot.waitUntil(lambda: "section" in shown_fields(window))
    assert shown_fields(window)["section"] == "world" and "desk" not in shown_fields(window)
    edit_cell(qtbot, info.fields, info.model.row_of("section"), 0, "author")
    qtbot.waitUntil(lambda: bool(warnings))
    assert warnings == ["This document already has a field ‘author’. Edit that field's value instead, "
                        "or choose another name."]

    info.fields.selectRow(info.model.row_of("author"))
    qtbot.mouseClick(info.remove_button, Qt.LeftButton)
    assert "author" not in shown_fields(window)

    for _ in range(3):  # remove, rename, add: each one step
        Driver(window).press(Qt.Key_Z, Qt.ControlModifier)
    assert window.project.metadata.get(doc_id) == original
    assert shown_fields(window) == original


def test_filter_the_document_list_by_outlet(open_window, corpus_path, qtbot):
    window = open_window(corpus_path)
    ui = Driver(window)
    filters = window.doc_filter
    assert filters.field_row.isVisible()
    assert [filters.field.itemText(i) for i in range(filters.field.count())] == [
        "Any field", "outlet", "author", "desk"]

    pick(qtbot, filters.field, "outlet")
    filters.field_value.setFocus()
    qtbot.keyClicks(filters.field_value, "daily planet")
    qtbot.waitUntil(filters.settled)
    titles = [window.doc_view.model().index(r, 0).data() for r in range(window.doc_view.model().rowCount())]
    assert titles == ["Tariff talks stall", "Harbour reopens"]
    assert filters.summary.text() == "Showing 2 of 3 documents"

    # Any field: "olsen" is an author, not an outlet.
    pick(qtbot, filters.field, "Any field")
    filters.field_value.clear()
    qtbot.keyClicks(filters.field_value, "olsen")
    qtbot.waitUntil(filters.settled)
    assert window.doc_view.model().rowCount() == 1
    assert window.doc_view.model().index(0, 0).data() == "Rail strike ends"

    # A field with nothing typed keeps the documents that have it.
    filters.field_value.clear()
    pick(qtbot, filters.field, "desk")
    assert window.doc_view.model().rowCount() == 2

    # An edit that gives a document the field brings it into the filtered list.
    doc_id = ui.open("Tariff talks stall")
    rail = next(i for i in window.project.documents.ids() if i != doc_id
                and window.project.documents.get(i).title == "Rail strike ends")
    window.ops.run("Edit desk", window.project.metadata.set, rail, "desk", "business", document_id=rail)
    qtbot.waitUntil(lambda: window.doc_view.model().rowCount() == 3)


def test_a_project_without_metadata_hides_the_field_filter(open_window, seeded_path):
    window = open_window(seeded_path)
    assert not window.doc_filter.field_row.isVisible()
    assert shown_fields(window) == {}


LONG_URL = ("https://www.example-news-outlet.com/world/2024/03/15/tariff-negotiations-stall-in-geneva?"
            "utm_source=rss_feed_international&utm_medium=syndication_partner_network_0123456789")
LONG_SOURCE = ("/home/analyst/Documents/projects/2024_election_coverage_raw_articles_from_the_wire_service/"
               "reuters_2024_03_15_tariff_negotiations_stall_in_geneva_full_text_version.txt")


@pytest.fixture
def long_values_path(tmp_path: Path) -> Path:
    path = tmp_path / "long.annotator"
    with Project(path) as project:
        doc_id = project.documents.add(title="Tariff talks stall", text="Negotiators left Geneva without a deal.",
                                       source=LONG_SOURCE, encoding="utf-8")
        project.metadata.set_many(doc_id, {"outlet": "The Daily Planet International Weekend Edition",
                                           "url": LONG_URL, "author": "Lois Lane"})
    return path


def test_a_long_url_and_source_are_readable_in_full_at_the_default_width(open_window, long_values_path, qtbot):
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QScrollArea

    from annotator.ui.corpus.document_info import wrapped_layout

    window = open_window(long_values_path)
    tabs = window.side_tabs
    tabs.setCurrentIndex(next(i for i in range(tabs.count()) if tabs.tabText(i) == "Document"))
    info = window.document_info
    qtbot.waitUntil(info.isVisible)
    view, model = info.fields, info.model

    def rows_fit() -> bool:  # the panel refits its rows a moment after the dock settles its width
        width = view.viewport().width()
        return all(view.rowHeight(r) >= wrapped_layout(model.index(r, 1).data(), view.font(),
                                                       view.visualRect(model.index(r, 1)).width() - 8)
                   .boundingRect().height() for r in range(model.rowCount())) and width > 0

    qtbot.waitUntil(rows_fit)
    viewport = view.viewport().rect()
    for row in range(model.rowCount()):
        index = model.index(row, 1)
        cell = view.visualRect(index)
        assert viewport.contains(cell), f"row {model.index(row, 0).data()} is scrolled or cut off"
        # Tall enough for the whole value wrapped at the cell's width (a url breaks anywhere).
        lines = wrapped_layout(index.data(), view.font(), cell.width() - 8)
        assert cell.height() >= lines.boundingRect().height(), f"{model.index(row, 0).data()} is cut off"
    url = model.index(model.row_of("url"), 1)
    assert shown_text(url.data(Qt.ToolTipRole)) == LONG_URL
    # Copy: the whole url, as stored.
    view.setFocus()
    view.setCurrentIndex(url)
    qtbot.keyClick(view, Qt.Key_C, Qt.ControlModifier)
    assert QApplication.clipboard().text() == LONG_URL
    # Nothing makes the Document tab wider than the panel: no sideways scrolling to read it.
    scroll = next(w for w in window.side_tabs.findChildren(QScrollArea) if w.isAncestorOf(info))
    # A scroll bar that appears narrows the viewport; the tab's contents follow at the next layout pass.
    qtbot.waitUntil(lambda: scroll.widget().width() <= scroll.viewport().width())
    assert scroll.widget().minimumSizeHint().width() <= scroll.viewport().width()
    # The source path is shortened to the label's width, never cut; the tooltip and Copy give all of it.
    source = info.source
    assert QFontMetrics(source.font()).horizontalAdvance(source.text()) <= source.contentsRect().width()
    assert shown_text(source.toolTip()) == LONG_SOURCE
    copy = next(a for a in source.actions() if "Copy" in a.text())
    copy.trigger()
    assert QApplication.clipboard().text() == LONG_SOURCE


def test_the_add_field_hints_are_not_cut_off_at_the_default_width(open_window, seeded_path, qtbot):
    """Issue 11, item 6: the "New …" placeholder was clipped."""
    from PySide6.QtGui import QFontMetrics

    window = open_window(seeded_path)
    tabs = window.side_tabs
    tabs.setCurrentIndex(next(i for i in range(tabs.count()) if tabs.tabText(i) == "Document"))
    info = window.document_info
    qtbot.waitUntil(info.isVisible)
    QApplication.processEvents()
    for edit in (info.new_key, info.new_value):
        margins = edit.textMargins()
        # QLineEdit's frame and inner margin take about 2 + 2 px a side beyond contentsRect.
        room = edit.contentsRect().width() - margins.left() - margins.right() - 8
        assert QFontMetrics(edit.font()).horizontalAdvance(edit.placeholderText()) <= room, edit.placeholderText()
