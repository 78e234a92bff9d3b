"""Asks for a stance target, completing from entities already tagged in the project."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QCompleter, QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout


def target_completer(names: list[str], parent) -> QCompleter:
    completer = QCompleter(names, parent)
    completer.setCaseSensitivity(Qt.CaseInsensitive)
    completer.setFilterMode(Qt.MatchContains)
    return completer


class _RefreshOnFocus(QObject):
    def __init__(self, edit: QLineEdit, names: Callable[[], list[str]]):
        super().__init__(edit)
        self._edit, self._names = edit, names

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() == QEvent.FocusIn:
            self._edit.setCompleter(target_completer(self._names(), self._edit))
        return False


def complete_targets(edit: QLineEdit, names: Callable[[], list[str]]) -> None:
    """Offer target names in a field, asking the project only when the field gets focus."""
    edit.installEventFilter(_RefreshOnFocus(edit, names))


class TargetPopup(QDialog):
    """A small window-modal prompt that does not block the event loop (open(), not exec())."""

    targetChosen = Signal(str)

    def __init__(self, label_name: str, span_text: str, names: list[str], parent=None):
        super().__init__(parent)
        self.setObjectName("targetPopup")
        self.setWindowTitle(f"{label_name}: stance toward…")
        layout = QVBoxLayout(self)
        snippet = " ".join(span_text.split())
        if len(snippet) > 90:
            snippet = snippet[:87] + "…"
        intro = QLabel(f"<b>{label_name}</b> toward which target?<br/><i>{_esc(snippet)}</i>")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Entity or topic, e.g. Amazon, the merger")
        self.edit.setCompleter(target_completer(names, self))
        layout.addWidget(self.edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.edit.textChanged.connect(self._update_ok)
        self._update_ok()
        self.setMinimumWidth(380)

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(bool(self.edit.text().strip()))

    def accept(self) -> None:
        target = " ".join(self.edit.text().split())
        if not target:
            return
        super().accept()
        self.targetChosen.emit(target)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
