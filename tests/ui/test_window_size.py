"""The first launch's window fits the screen it opens on, and later launches keep the analyst's size."""

from __future__ import annotations

from annotator.core.project import Project
from annotator.ui.main_window import MainWindow
from tests.ui.driver import Driver


def _show(qtbot, path):
    window = MainWindow(Project(path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_first_launch_window_fits_a_small_screen(qtbot, seeded_path):
    window = _show(qtbot, seeded_path)
    area = window.screen().availableGeometry()
    assert area.width() < 1400  # the offscreen screen is smaller than the roomy default
    frame = window.frameGeometry()
    assert area.contains(frame), f"window {frame} runs off the screen {area}"
    assert window.width() >= 640 and window.height() >= 480
    window.close()


def test_a_resized_window_comes_back_at_its_size(qtbot, seeded_path):
    window = _show(qtbot, seeded_path)
    window.resize(700, 500)
    window.close()
    again = _show(qtbot, seeded_path)
    assert (again.width(), again.height()) == (700, 500)
    again.close()


def test_opening_entities_leaves_the_reader_a_reading_width(open_window, seeded_path, qtbot):
    from PySide6.QtCore import Qt

    window = open_window(seeded_path)

    ui = Driver(window)
    assert window.width() == 1400
    documents = window.doc_view.width()
    qtbot.keyClick(window, Qt.Key_E, Qt.ControlModifier | Qt.ShiftModifier)  # View › Entities
    dock = window.entities_panel
    qtbot.waitUntil(dock.isVisible)
    qtbot.waitUntil(lambda: window.reader.width() >= 600, timeout=2000)
    assert dock.width() >= dock.minimumSizeHint().width()
    assert window.side_tabs.width() >= 340  # the annotation form keeps its room too
    assert "document list" in ui.status()
    header = dock.table.horizontalHeader()  # the entity list's columns fit the dock: no sideways scrolling
    assert header.length() <= dock.table.viewport().width()
    assert header.sectionSize(0) >= 120  # and names have room to be read  # where it went, and how to get it back
    # Closing Entities gives the document list back.
    qtbot.keyClick(window, Qt.Key_E, Qt.ControlModifier | Qt.ShiftModifier)
    qtbot.waitUntil(lambda: not dock.isVisible())
    qtbot.waitUntil(lambda: abs(window.doc_view.width() - documents) <= 10, timeout=2000)
