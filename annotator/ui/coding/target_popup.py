"""Asks for a stance target (and, optionally, its holder), completing from entities tagged or in the registry.

A typed name that is a registry entity's name or alias is stored as a link to
that entity; anything else is stored as free text ("the merger").
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QGuiApplication, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
)

from annotator.core.common.model import Entity
from annotator.ui.common.completion import target_completer
from annotator.ui.common.titles import fit_title

Match = Callable[[str], Entity | None]
GAP = 8  # between the words and the popup
# The title bar and borders a window manager adds, not known before the popup is first shown.
FRAME = 40
FRAME_SIDES = 10


def resolve_role(text: str, match: Match | None) -> tuple[int | None, str | None]:
    """A typed name as (registry entity id, None) when an entity answers to it, else (None, free text)."""
    name = " ".join(text.split())
    if not name:
        return None, None
    entity = match(name) if match is not None else None
    return (entity.id, None) if entity is not None else (None, name)


class TargetPopup(QDialog):
    """A small window-modal prompt that does not block the event loop (open(), not exec())."""

    targetChosen = Signal(str)
    # Keyword arguments for Annotations.add: target or target_entity_id, and holder or holder_entity_id.
    stanceChosen = Signal(dict)

    def __init__(self, label_name: str, span_text: str, names: list[str], parent=None, *,
                 match: Match | None = None):
        super().__init__(parent)
        self.setObjectName("targetPopup")
        self.setWindowTitle(f"{label_name}: stance toward…")
        layout = QVBoxLayout(self)
        snippet = " ".join(span_text.split())
        if len(snippet) > 90:
            snippet = snippet[:87] + "…"
        intro = QLabel(f"<b>{_esc(label_name)}</b> toward which target?<br/><i>{_esc(snippet)}</i>")
        intro.setTextFormat(Qt.RichText)  # markup of its own around escaped data
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Entity or topic, e.g. Amazon, the merger")
        self.edit.setCompleter(target_completer(names, self))
        self.holder = QLineEdit(self)
        self.holder.setObjectName("holderEdit")
        self.holder.setPlaceholderText("Optional: who takes this stance, e.g. the union")
        self.holder.setCompleter(target_completer(names, self))
        fields = QFormLayout()
        fields.addRow("Target:", self.edit)
        fields.addRow("Holder:", self.holder)
        layout.addLayout(fields)
        self._match = match
        from PySide6.QtWidgets import QDialogButtonBox  # with the first popup: no start-up names it (issue 17)

        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._ok = self.buttons.button(QDialogButtonBox.Ok)
        layout.addWidget(self.buttons)
        self.edit.textChanged.connect(self._update_ok)
        self._update_ok()
        self.setMinimumWidth(380)
        fit_title(self)

    def place_beside(self, words: QRect) -> None:
        """Put the popup below the words it asks about, or above them when the screen has no room below,
        on screen either way; an empty rect (the words are scrolled away) leaves it centred on the window."""
        if words.isEmpty():
            return
        self.ensurePolished()  # the style's sizes, as the popup will be shown
        self.layout().activate()
        self.adjustSize()
        screen = QGuiApplication.screenAt(words.center()) or self.screen()
        area = screen.availableGeometry()
        height, width = self.height() + FRAME, self.width() + FRAME_SIDES
        below, above = words.bottom() + GAP, words.top() - GAP - height
        if below + height <= area.bottom():
            y = below
        elif above >= area.top():
            y = above
        else:  # taller words than the screen leaves room for: the side with more room, on screen
            y = below if area.bottom() - words.bottom() >= words.top() - area.top() else above
            y = max(area.top(), min(y, area.bottom() - height))
        x = max(area.left(), min(words.left(), area.right() - width))
        self.move(x, y)

    def _update_ok(self) -> None:
        self._ok.setEnabled(bool(self.edit.text().strip()))

    def accept(self) -> None:
        target = " ".join(self.edit.text().split())
        if not target:
            return
        roles: dict[str, object] = {}
        for role, text in (("target", target), ("holder", self.holder.text())):
            entity_id, free_text = resolve_role(text, self._match)
            if entity_id is not None:
                roles[f"{role}_entity_id"] = entity_id
            elif free_text is not None:
                roles[role] = free_text
        super().accept()
        self.targetChosen.emit(target)
        self.stanceChosen.emit(roles)


def words_on_screen(reader: QTextEdit | QPlainTextEdit, qt_start: int, qt_end: int) -> QRect:
    """Where the reader draws the text between two Qt positions, in screen coordinates (the visible part)."""
    cursor = QTextCursor(reader.document())
    cursor.setPosition(qt_start)
    first = reader.cursorRect(cursor)
    cursor.setPosition(qt_end)
    last = reader.cursorRect(cursor)
    rect = first.united(last)
    viewport = reader.viewport().rect()
    if last.top() > first.top():  # over several lines: from the left edge to the right
        rect.setLeft(viewport.left())
        rect.setRight(viewport.right())
    rect = rect.intersected(viewport)
    if rect.isEmpty():
        return QRect()
    return QRect(reader.viewport().mapToGlobal(rect.topLeft()), rect.size())


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
