"""What keeps a read-only window's side panels from changing anything (lock_dialog.show_mode installs it).

Loaded only when a read-only project opens: its widget classes, spin boxes and tab bars among
them, are named by nothing else at start-up (issue 17).
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

# Controls in the side panels that only show things, so they keep working read-only.
VIEWING_CONTROLS = frozenset({"showFlag"})


class EditGuard(QObject):
    """Keeps the side panels' editing controls from acting, including ones built later (forms per annotation).

    Text fields become read-only (still selectable); buttons and lists that change
    things answer a click or key with the reason instead.
    """

    _BLOCKED = (QEvent.MouseButtonPress, QEvent.MouseButtonDblClick, QEvent.KeyPress)
    _NAVIGATION_KEYS = (Qt.Key_Tab, Qt.Key_Backtab)

    def __init__(self, window: QWidget, containers: list[QWidget], message: str, allowed: list[QWidget], name: str):
        super().__init__(window)
        self.setObjectName(name)  # how show_mode finds it again without loading this module
        self._window = window
        self._containers = containers
        self._message = message
        self._allowed = allowed
        # What this guard changed, to give back when an editable project replaces this one
        # (the entities panel outlives the project).
        self._changed: list[tuple[QWidget, object]] = []
        for container in containers:
            for widget in container.findChildren(QWidget):
                self._lock_text(widget)

    def release(self) -> None:
        QApplication.instance().removeEventFilter(self)
        for widget, before in self._changed:
            if shiboken6.isValid(widget):
                if isinstance(widget, QAbstractItemView):
                    widget.setEditTriggers(before)
                else:
                    widget.setReadOnly(before)
        self._changed.clear()
        self.setParent(None)
        self.deleteLater()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        kind = event.type()
        if kind == QEvent.Show:
            self._lock_text(obj)
        elif kind in self._BLOCKED and isinstance(obj, (QAbstractButton, QComboBox, QAbstractSpinBox)) \
                and self._guarded(obj) and not isinstance(obj.parent(), QTabBar):
            if kind == QEvent.KeyPress and event.key() in self._NAVIGATION_KEYS:
                return False
            self._window.statusBar().showMessage(self._message, 8000)
            return True
        return False

    def _lock_text(self, widget) -> None:
        if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)) and self._guarded(widget):
            if not widget.isReadOnly():
                self._changed.append((widget, False))
                widget.setReadOnly(True)
        elif isinstance(widget, QAbstractItemView) and self._guarded(widget):
            if widget.editTriggers() != QAbstractItemView.NoEditTriggers:
                self._changed.append((widget, widget.editTriggers()))
                widget.setEditTriggers(QAbstractItemView.NoEditTriggers)

    def _guarded(self, widget) -> bool:
        if not isinstance(widget, QWidget) or widget in self._allowed or widget.objectName() in VIEWING_CONTROLS:
            return False
        return any(container is widget or container.isAncestorOf(widget) for container in self._containers)
