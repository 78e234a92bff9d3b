"""The label toolbar's contents: one button per label, wrapping onto more rows when the window is narrow.

A plain QToolBar lays its buttons in one row and hides whatever does not fit behind
an extension arrow: at the default 1400-px window one new label pushed Neutral and
Mixed out of sight. Here the buttons flow like words in a paragraph, so every label
stays one click away whatever the codebook and the window width. When the names
would need more than two rows (a narrow window, a long codebook) the buttons show
their swatch and key only, the name in the tooltip, so the bar never eats the reader.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QLayout, QLayoutItem, QSizePolicy, QToolButton, QWidget

_GAP = 4  # between buttons and between rows
_GROUP_GAP = 12  # before a layer's caption
MAX_ROWS = 2  # of named buttons; beyond, the buttons show their key only


class FlowLayout(QLayout):
    """Items left to right, starting a new row when the next one would not fit."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setContentsMargins(2, 2, 2, 2)
        self.hint_of: Callable[[QLayoutItem], QSize] = lambda item: item.sizeHint()

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientations:  # noqa: N802
        return Qt.Orientations(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802
        # As narrow as the widest button: the rest is wrapping.
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        left, top, right, bottom = self.getContentsMargins()
        return size + QSize(left + right, top + bottom)

    def row_count(self, width: int, hint_of: Callable[[QLayoutItem], QSize]) -> int:
        """How many rows the items take at this width, each item as big as hint_of says."""
        return len(self._rows(QRect(0, 0, width, 0), hint_of))

    def _rows(self, rect: QRect, hint_of: Callable[[QLayoutItem], QSize]) -> list[list[tuple[QLayoutItem, int]]]:
        left, _top, right, _bottom = self.getContentsMargins()
        area_left, area_right = rect.x() + left, rect.right() - right
        rows: list[list[tuple[QLayoutItem, int]]] = [[]]
        x = area_left
        for item in self._items:
            if item.isEmpty():
                continue
            width = hint_of(item).width()
            gap = _GROUP_GAP if isinstance(item.widget(), QLabel) else _GAP
            start = x + gap if rows[-1] else x
            if rows[-1] and start + width > area_right + 1:
                rows.append([])
                start = area_left
            rows[-1].append((item, start))
            x = start + width
        return rows

    def _place(self, rect: QRect, move: bool) -> int:
        """Lay the items out in rect (when move) and return the height they take."""
        _left, top, _right, bottom = self.getContentsMargins()
        y = rect.y() + top
        for row in self._rows(rect, self.hint_of):
            height = max((self.hint_of(item).height() for item, _ in row), default=0)
            if move:
                for item, start in row:
                    hint = self.hint_of(item)  # centred in the row: a caption beside its buttons
                    item.setGeometry(QRect(QPoint(start, y + (height - hint.height()) // 2), hint))
            y += height + _GAP
        return max(0, y - _GAP - rect.y()) + bottom


class LabelBar(QWidget):
    """Holds the label actions; a layer's caption (a QLabel) may come before its first label."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("labelBar")
        self._flow = FlowLayout(self)
        policy = QSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._buttons: list[QWidget] = []
        self._named: dict[QWidget, QSize] = {}  # each button's size with its name shown
        self._compact = False

    def clear(self) -> None:
        for action in self.actions():
            self.removeAction(action)
        for widget in self._buttons:
            self._flow.removeWidget(widget)
            widget.deleteLater()
        self._buttons, self._named = [], {}

    def add_caption(self, text: str) -> QLabel:
        caption = QLabel(text, self)
        caption.setStyleSheet("color: palette(mid); font-weight: bold;")
        self._add(caption)
        return caption

    def add_label_action(self, action: QAction) -> QToolButton:
        self.addAction(action)
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.NoFocus)  # the reader keeps the keyboard (and its selection)
        self._named[button] = button.sizeHint()
        if self._compact:
            button.setToolButtonStyle(Qt.ToolButtonIconOnly)
        self._add(button)
        self._fit(self.width())
        return button

    def compact(self) -> bool:
        """Whether the buttons show their key only (the names would take more than MAX_ROWS rows)."""
        return self._compact

    def _fit(self, width: int) -> None:
        named = self._flow.row_count(width, lambda item: self._named.get(item.widget()) or item.sizeHint())
        compact = named > MAX_ROWS
        if compact != self._compact:
            self._compact = compact
            style = Qt.ToolButtonIconOnly if compact else Qt.ToolButtonTextBesideIcon
            for button in self._named:
                button.setToolButtonStyle(style)
            self._flow.invalidate()
            self.updateGeometry()

    def _add(self, widget: QWidget) -> None:
        self._buttons.append(widget)
        self._flow.addWidget(widget)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._flow.heightForWidth(width)

    def sizeHint(self) -> QSize:  # noqa: N802
        # The height the current width needs: a toolbar asks sizeHint, not heightForWidth.
        width = max(self.width(), self._flow.minimumSize().width())
        return QSize(self._flow.minimumSize().width(), self._flow.heightForWidth(width))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit(event.size().width())
        if event.oldSize().width() != event.size().width() and \
                self._flow.heightForWidth(event.size().width()) != event.size().height():
            self.updateGeometry()  # one row more or less: the toolbar grows or shrinks to it


__all__ = ["FlowLayout", "LabelBar"]
