"""Completing names in a field from the project (stance targets, entities), asked only when the field gets focus."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit


def target_completer(names: list[str], parent) -> QCompleter:
    completer = QCompleter(names, parent)
    completer.setCaseSensitivity(Qt.CaseInsensitive)
    completer.setFilterMode(Qt.MatchContains)
    return completer


class _RefreshOnFocus(QObject):
    """Keeps one completer per field and refreshes its names when the field gets focus.

    Replacing the completer instead would crash: closing the completer's own
    popup gives the field focus again while that completer is still handling the key.
    """

    def __init__(self, edit: QLineEdit, names: Callable[[], list[str]]):
        super().__init__(edit)
        self._names = names
        self._model = QStringListModel(edit)
        completer = QCompleter(self._model, edit)
        completer.setCaseSensitivity(Qt.CaseInsensitive)
        completer.setFilterMode(Qt.MatchContains)
        edit.setCompleter(completer)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() == QEvent.FocusIn and event.reason() != Qt.PopupFocusReason:
            self._model.setStringList(self._names())
        return False


def complete_targets(edit: QLineEdit, names: Callable[[], list[str]]) -> None:
    """Offer target names in a field, asking the project only when the field gets focus."""
    edit.installEventFilter(_RefreshOnFocus(edit, names))
