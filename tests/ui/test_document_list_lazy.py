"""The document list over thousands of documents: it reads the rows it shows, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from annotator.core.project import Project
from annotator.ui.corpus import document_filter
from tests.core.test_document_listing import fill

from .driver import Driver

DOCUMENTS = 3_000


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    path = tmp_path / "archive.annotator"
    with Project(path) as project:
        fill(project, DOCUMENTS)
    return path


def title(n: int) -> str:
    """The title fill() gives its nth document (document id n + 1)."""
    return f"Report {n:04d} on {'Ärger  im Hafen' if n % 10 == 3 else 'trade'}"


def on_screen(window) -> list[str]:
    view = window.doc_view
    first, last = view.rowAt(0), view.rowAt(view.viewport().height() - 1)
    last = view.model().rowCount() - 1 if last < 0 else last
    return [view.model().index(row, 0).data() for row in range(first, last + 1)]


def changed_rows(model) -> list[tuple[int, int]]:
    rows: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, *_: rows.append((top.row(), bottom.row())))
    return rows


def test_a_large_project_opens_on_its_first_document_reading_one_page(open_window, archive_path):
    window = open_window(archive_path)
    ui = Driver(window)
    model = window.doc_model
    assert model.rowCount() == DOCUMENTS
    assert window.current_doc_id == 1 and window.doc_view.currentIndex().row() == 0
    assert ui.text().startswith("Article number 0.")
    shown = on_screen(window)
    assert 10 < len(shown) < model.PAGE_SIZE and shown == [title(n) for n in range(len(shown))]
    assert model.page_fetches == 1  # the screenful, out of 30 pages


def test_jumping_to_the_last_document_reads_only_the_last_page(open_window, archive_path, qtbot):
    window = open_window(archive_path)
    ui = Driver(window)
    model = window.doc_model
    window.doc_view.setFocus()
    qtbot.keyClick(window.doc_view, Qt.Key_End, Qt.ControlModifier)
    assert window.current_doc_id == DOCUMENTS
    assert ui.text().startswith(f"Article number {DOCUMENTS - 1}.")
    window.doc_view.viewport().repaint()
    assert on_screen(window)[-1] == title(DOCUMENTS - 1)
    assert model.page_fetches == 2  # the first page, then the last: none in between
    # Finding a document's row is arithmetic on the ids, not a walk through rows or pages.
    assert model.row_of(2_500) == 2_499 and model.row_of(DOCUMENTS + 1) == -1
    assert model.page_fetches == 2


def test_the_title_filter_keeps_the_open_document_selected(open_window, archive_path, qtbot):
    window = open_window(archive_path)
    view, doc_filter = window.doc_view, window.doc_filter
    view.setFocus()
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key_Down)
    assert window.current_doc_id == 4  # "Report 0003 on Ärger  im Hafen"
    doc_filter.title.setFocus()
    qtbot.keyClicks(doc_filter.title, "im   hafen")  # spacing and case do not matter; ä matches Ä
    qtbot.waitUntil(doc_filter.settled)  # on a slow machine the filter waits for a pause in typing
    assert view.model().rowCount() == DOCUMENTS // 10
    assert doc_filter.summary.text() == f"Showing {DOCUMENTS // 10} of {DOCUMENTS} documents"
    assert on_screen(window)[:3] == [title(3), title(13), title(23)]
    assert view.currentIndex().row() == 0 and view.currentIndex().data() == title(3)
    assert window.current_doc_id == 4

    qtbot.keyClick(doc_filter.title, Qt.Key_A, Qt.ControlModifier)
    qtbot.keyClick(doc_filter.title, Qt.Key_Delete)
    qtbot.waitUntil(doc_filter.settled)
    assert view.model().rowCount() == DOCUMENTS and not doc_filter.summary.isVisible()
    assert view.currentIndex().row() == 3 and view.selectionModel().isRowSelected(3)
    assert window.current_doc_id == 4


def test_the_field_filter_and_the_list_agree_after_an_import(open_window, archive_path, qtbot, tmp_path):
    window = open_window(archive_path)
    doc_filter = window.doc_filter
    doc_filter.field.setCurrentIndex(doc_filter.field.findData("outlet"))
    doc_filter.field_value.setFocus()
    qtbot.keyClicks(doc_filter.field_value, "le monde")
    qtbot.waitUntil(doc_filter.settled)
    assert window.doc_model.rowCount() == DOCUMENTS // 3
    assert on_screen(window)[:2] == [title(1), title(4)]
    # An article without that field arrives: the list keeps matching, so it is not shown.
    article = tmp_path / "new.txt"
    article.write_text("A new article about the harbour.", encoding="utf-8")
    window.import_files(paths=[article])
    qtbot.waitUntil(lambda: window.project.documents.count() == DOCUMENTS + 1)
    qtbot.wait(50)
    assert window.doc_model.rowCount() == DOCUMENTS // 3
    assert doc_filter.summary.text() == f"Showing {DOCUMENTS // 3} of {DOCUMENTS + 1} documents"


def test_an_import_adds_rows_at_the_end_and_selects_the_new_document(open_window, archive_path, qtbot, tmp_path):
    window = open_window(archive_path)
    ui = Driver(window)
    view = window.doc_view
    view.selectRow(5)
    article = tmp_path / "new.txt"
    article.write_text("A new article about the harbour.", encoding="utf-8")
    window.import_files(paths=[article])
    qtbot.waitUntil(lambda: window.doc_model.rowCount() == DOCUMENTS + 1)
    assert window.doc_model.index(DOCUMENTS, 0).data() == window.project.documents.get(DOCUMENTS + 1).title
    # What was just imported is shown and selected, at the end of the list (issue 11, item 5).
    assert view.currentIndex().row() == DOCUMENTS and window.current_doc_id == DOCUMENTS + 1
    assert view.selectionModel().isRowSelected(DOCUMENTS, view.rootIndex())
    assert ui.text() == "A new article about the harbour."


def test_renaming_in_the_list_changes_that_row_alone(open_window, archive_path, qtbot):
    window = open_window(archive_path)
    ui = Driver(window)
    model, view = window.doc_model, window.doc_view
    view.selectRow(2)
    rows = changed_rows(model)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.text() == title(2)
    editor.selectAll()
    qtbot.keyClicks(editor, "Harbour  strike report")
    qtbot.keyClick(editor, Qt.Key_Return)  # the delegate commits on its next turn of the event loop
    qtbot.waitUntil(lambda: window.project.documents.get(3).title == "Harbour strike report")
    assert model.index(2, 0).data() == "Harbour strike report"
    assert rows == [(2, 2)]
    fetched = model.page_fetches
    ui.press(Qt.Key_Z, Qt.ControlModifier)
    assert model.index(2, 0).data() == title(2)
    assert model.page_fetches == fetched


def test_tagging_updates_the_count_of_its_document_only(open_window, archive_path, qtbot):
    window = open_window(archive_path)
    ui = Driver(window)
    model = window.doc_model
    window.doc_view.selectRow(7)
    rows = changed_rows(model)
    fetched = model.page_fetches
    ui.select_phrase("harbour")
    ui.press(Qt.Key_O)
    assert [a.text for a in window.project.annotations.for_document(8)] == ["harbour"]
    assert model.index(7, model.COUNT).data() == 1
    assert set(rows) == {(7, 7)} and model.page_fetches == fetched


def test_a_tag_or_its_undo_repaints_the_tags_cell_alone(open_window, archive_path, qtbot):
    window = open_window(archive_path)
    ui = Driver(window)
    model = window.doc_model
    window.doc_view.selectRow(7)
    cells: list[tuple[int, int, int]] = []
    model.dataChanged.connect(lambda top, bottom, *_: cells.append((top.row(), top.column(), bottom.column())))
    ui.select_phrase("harbour")
    ui.press(Qt.Key_O)
    assert cells == [(7, model.COUNT, model.COUNT)]  # the title and status cells are not redrawn for it
    assert [model.index(7, column).data() for column in range(3)] == [title(7), 1, "To do"]
    ui.press(Qt.Key_Z, Qt.ControlModifier)
    assert cells[1:] == [(7, model.COUNT, model.COUNT)] and model.index(7, model.COUNT).data() == 0


def test_a_slow_filter_waits_for_a_pause_in_typing(open_window, archive_path, qtbot, monkeypatch):
    monkeypatch.setattr(document_filter, "SLOW_FILTER_MS", -1)  # as a title filter over 100,000 documents is
    window = open_window(archive_path)
    queries: list[object] = []
    listing = window.project.documents.listing
    monkeypatch.setattr(window.project.documents, "listing", lambda query=None: queries.append(query) or listing(query))
    window.doc_filter.title.setFocus()
    qtbot.keyClicks(window.doc_filter.title, "hafen")
    assert window.doc_model.rowCount() == DOCUMENTS  # still typing
    qtbot.waitUntil(lambda: window.doc_model.rowCount() == DOCUMENTS // 10)
    assert len(queries) == 1 and queries[0].title == "hafen"  # one query for the five letters


def test_closing_the_window_while_the_filter_waits_for_a_pause_is_quiet(open_window, archive_path, qtbot, monkeypatch):
    monkeypatch.setattr(document_filter, "SLOW_FILTER_MS", -1)  # every keystroke waits for a pause
    window = open_window(archive_path)
    doc_filter = window.doc_filter
    doc_filter.title.setFocus()
    qtbot.keyClicks(doc_filter.title, "hafen")
    assert not doc_filter.settled()
    window.close()
    # The pause ends after the project closed: pytest-qt fails the test on any exception it raises.
    qtbot.wait(document_filter.TYPING_PAUSE_MS + 200)
    assert doc_filter.settled()
