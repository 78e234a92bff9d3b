"""Panels keep their width whatever the project's labels, entities and fields are called.

A drop-down is as wide as its longest item unless told otherwise: one stance label
called by a whole sentence widened the Whole document panel past the reader.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QWidget

from annotator.core.project import Project
from tests.ui.driver import Driver

LONG = ("Against the proposal as the ministry framed it in its second consultation paper "
        "and again in the minister's statement to parliament")
FIELD = "desk_that_commissioned_the_piece_and_the_editor_who_signed_it_off_before_print"


def _long_named_project(path):
    with Project(path) as project:
        book = project.codebook
        book.rename(book.by_name("Against").id, LONG)
        book.rename(book.by_name("Organization").id, "Organisation " + LONG)
        doc = project.documents.add(title="Budget", text="The ministry published its budget.")
        project.metadata.set_many(doc, {FIELD: "Politics"})
    return path


def _combos(root: QWidget) -> list[QComboBox]:
    return [c for c in root.findChildren(QComboBox) if c.count()]


def test_a_long_stance_label_does_not_widen_the_panel_and_shows_whole_in_its_tooltip(open_window, tmp_path):
    window = open_window(_long_named_project(tmp_path / "long.annotator"))
    Driver(window).show_side_tab("Document")
    panel = window.findChild(QWidget, "documentPanel")
    box = next(c for c in panel.findChildren(QComboBox) if c.findText(LONG) >= 0)
    # Wide enough to tell the labels apart, never the label's whole length (about 1,000 px here).
    assert box.sizeHint().width() < 260 and panel.minimumSizeHint().width() < 420
    box.setCurrentIndex(box.findText(LONG))
    assert LONG in box.toolTip()


def test_no_drop_down_of_the_window_or_the_annotation_table_grows_with_a_name(open_window, tmp_path, qtbot):
    window = open_window(_long_named_project(tmp_path / "long.annotator"))
    qtbot.keyClick(window, Qt.Key_T, Qt.ControlModifier)  # the annotation table
    qtbot.waitUntil(lambda: any(w.isVisible() and w is not window and w.isWindow()
                                for w in QApplication.topLevelWidgets()))
    roots = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    boxes = [c for root in roots for c in _combos(root)]
    named = [c for c in boxes if any(len(c.itemText(i)) > 60 for i in range(c.count()))]
    assert len(named) >= 4  # stance and label filters, entity type, metadata field
    assert {c.objectName() or type(c.parent()).__name__: c.sizeHint().width() for c in named
            if c.sizeHint().width() >= 300} == {}
