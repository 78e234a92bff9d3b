"""The right panel's tabs: the tab bar and the page shown never disagree (issue 11, item 1)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from .driver import Driver


def tab_named(tabs, name: str) -> int:
    return next(i for i in range(tabs.count()) if tabs.tabText(i) == name)


def click_tab(qtbot, tabs, name: str) -> None:
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.LeftButton, pos=bar.tabRect(tab_named(tabs, name)).center())


def test_tagging_with_the_document_tab_open_highlights_annotations_and_document_comes_back(
        open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    ui.open("What If Walmart")
    tabs = window.side_tabs
    click_tab(qtbot, tabs, "Document")
    qtbot.waitUntil(window.document_info.isVisible)

    ui.select_phrase("Walmart", occurrence=2)
    ui.press(Qt.Key_O)

    # The new tag is shown in the Annotations list, and the tab bar says so.
    assert window.annotation_panel.isVisible() and not window.document_info.isVisible()
    assert tabs.tabBar().currentIndex() == tab_named(tabs, "Annotations")
    assert tabs.currentWidget() is window.annotation_panel

    click_tab(qtbot, tabs, "Document")
    qtbot.waitUntil(window.document_info.isVisible)
    assert not window.annotation_panel.isVisible()
    assert tabs.tabBar().currentIndex() == tab_named(tabs, "Document")


def test_the_document_tab_is_built_when_first_shown_with_the_open_document(open_window, seeded_path, qtbot):
    # Start-up shows the Annotations tab; building the Document tab too cost every launch ~10 ms (issue 17).
    from annotator.ui.coding.document_panel import DocumentPanel
    from annotator.ui.corpus.document_info import DocumentInfoPanel

    window = open_window(seeded_path)
    assert not window.findChildren(DocumentPanel) and not window.findChildren(DocumentInfoPanel)
    first = window.current_doc_id
    window.doc_view.selectRow(1)  # another document while the tab is not built yet
    assert window.current_doc_id not in (None, first)
    window.project.documents.set_memo(window.current_doc_id, "Check the figures.")
    window.ops.set_status(window.current_doc_id, "in_progress")
    tabs = window.side_tabs
    click_tab(qtbot, tabs, "Document")
    [panel] = window.findChildren(DocumentPanel)
    qtbot.waitUntil(panel.isVisible)
    assert panel.memo.isVisible() and panel.memo.toPlainText() == "Check the figures."
    assert panel.status.currentData() == "in_progress"
    assert window.findChild(DocumentInfoPanel).isVisible()
    window.open_document(first)  # the built tab follows the document shown
    assert panel.memo.toPlainText() == window.project.documents.memo(first) != "Check the figures."
