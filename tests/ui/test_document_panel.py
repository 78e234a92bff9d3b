"""The Whole document panel keeps its width whatever the codebook's stance labels are called."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget

from annotator.core.project import Project

LONG = "Against the proposal as the ministry framed it in its second consultation paper " * 2


def test_a_long_stance_label_does_not_widen_the_panel_and_shows_whole_in_its_tooltip(open_window, tmp_path, qtbot):
    path = tmp_path / "long.annotator"
    with Project(path) as project:
        against = project.codebook.by_name("Against")
        project.codebook.rename(against.id, LONG.strip())
        project.documents.add(title="Budget", text="The ministry published its budget.")
    window = open_window(path)
    panel = window.findChild(QWidget, "documentPanel")
    box = next(c for c in panel.findChildren(QComboBox) if c.findText(LONG.strip()) >= 0)
    # Wide enough to tell the labels apart, never the label's whole length (about 1,000 px here).
    assert box.sizeHint().width() < 260 and panel.minimumSizeHint().width() < 420
    index = box.findText(LONG.strip())
    assert box.itemData(index, Qt.ToolTipRole) == LONG.strip()
