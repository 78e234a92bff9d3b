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
