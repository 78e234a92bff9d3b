"""Ctrl+F over the reader: Enter selects the next match, Escape closes and keeps it selected,
so find then a label key tags a phrase without touching the mouse."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget


class FindBar(QWidget):
    closed = Signal()

    def __init__(self, reader, parent=None):
        super().__init__(parent)
        self.setObjectName("findBar")
        self._reader = reader
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(QLabel("Find:"))
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Text in this document — Enter: next, Shift+Enter: previous, Esc: close")
        self.edit.setClearButtonEnabled(True)
        layout.addWidget(self.edit, 1)
        self.status = QLabel("")
        layout.addWidget(self.status)
        close = QToolButton(self)
        close.setText("✕")
        close.setToolTip("Close (Esc)")
        close.clicked.connect(self.close_bar)
        layout.addWidget(close)
        self.edit.returnPressed.connect(self.find_next)
        self.edit.textEdited.connect(self._incremental)
        self.edit.installEventFilter(self)
        self.hide()

    def open_bar(self) -> None:
        self.show()
        selected = self._reader.textCursor().selectedText()
        if selected and "\u2029" not in selected and len(selected) < 80:
            self.edit.setText(selected)
        self.edit.selectAll()
        self.edit.setFocus()

    def close_bar(self) -> None:
        self.hide()
        self._reader.setFocus()
        self.closed.emit()

    def find_next(self, backward: bool = False) -> bool:
        needle = self.edit.text()
        if not needle:
            return False
        flags = QTextDocument.FindBackward if backward else QTextDocument.FindFlag(0)
        found = self._reader.find(needle, flags)
        if not found:  # wrap around once
            cursor = self._reader.textCursor()
            cursor.movePosition(QTextCursor.End if backward else QTextCursor.Start)
            self._reader.setTextCursor(cursor)
            found = self._reader.find(needle, flags)
        self.status.setText("" if found else "No match")
        return found

    def _incremental(self, _text: str) -> None:
        # Search again from where the current match starts, so typing refines it in place.
        cursor = self._reader.textCursor()
        cursor.setPosition(cursor.selectionStart())
        self._reader.setTextCursor(cursor)
        self.find_next()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self.edit and event.type() == event.Type.KeyPress:
            if event.key() == Qt.Key_Escape:
                self.close_bar()
                return True
            if event.key() in (Qt.Key_Return, Qt.Key_Enter) and event.modifiers() & Qt.ShiftModifier:
                self.find_next(backward=True)
                return True
        return super().eventFilter(obj, event)
