"""The selected annotation's form: each caption beside its field (issue 11, item 6d)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
)

from .driver import Driver

TOLERANCE = 3  # px: a caption and its field read as one row


def rows(window):
    """(caption, field) for every visible captioned row of the form, the label's attributes included."""
    form = window.annotation_panel.form
    found = []
    for row in range(form.rowCount()):
        label, field = form.itemAt(row, QFormLayout.LabelRole), form.itemAt(row, QFormLayout.FieldRole)
        if label is None or field is None or label.widget() is None or field.widget() is None:
            continue
        if label.widget().isVisible() and label.widget().text():
            found.append((label.widget(), field.widget()))
    return found


def y_of(widget, window, where: str) -> int:
    rect = widget.rect()
    point = rect.center() if where == "centre" else rect.topLeft()
    return widget.mapTo(window, point).y()


@pytest.mark.parametrize("key, captions", [
    (Qt.Key_O, ["Label:", "Text:", "Entity:", "Note:"]),
    (Qt.Key_C, ["Label:", "Text:", "Source:", "Cue:", "type:", "checkworthy:", "verdict:", "Note:"]),
])
def test_every_caption_sits_beside_its_field(open_window, seeded_path, qtbot, key, captions):
    window = open_window(seeded_path)
    ui = Driver(window)
    ui.open("What If Walmart")
    ui.select_phrase("Walmart", occurrence=2)
    ui.press(key)
    QApplication.processEvents()
    found = rows(window)
    assert [caption.text() for caption, _ in found] == captions
    for caption, field in found:
        # A row of widgets (the entity name and Unlink): its main field is the first.
        inner = field.findChild(QLineEdit) or field.findChild(QLabel, "cueText") or field
        if isinstance(inner, QPlainTextEdit) or (isinstance(inner, QLabel) and inner.wordWrap()):
            # Several lines: the caption beside the first.
            assert abs(y_of(caption, window, "top") - y_of(inner, window, "top")) <= TOLERANCE + 2, caption.text()
        else:
            assert abs(y_of(caption, window, "centre") - y_of(inner, window, "centre")) <= TOLERANCE, caption.text()
    # One column of fields: the attributes line up with the fields above them.
    lefts = {field.mapTo(window, field.rect().topLeft()).x() for _, field in found}
    assert len(lefts) == 1, lefts
