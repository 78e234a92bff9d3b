"""A one-line caption whose text changes often, such as a count that follows every tag."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget


class Caption(QWidget):
    """Shows one line of plain text, elided at the right when the room is short.

    QLabel.setText asks every layout up to the window to be computed again, even when
    nothing moves, and a QTabWidget on the way then repaints itself whole: a count above
    the annotation list did that on each tag (~1 ms of a 12 ms key press, issue 17).
    Its height is one line whatever the text, and its width is the layout's to give, so
    a new text only needs repainting.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self._text = text
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 (the QLabel call it stands in for)
        if text != self._text:
            self._text = text
            self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance(self._text), metrics.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, self.fontMetrics().height())

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.FontChange:  # a taller font needs a taller line
            self.updateGeometry()
        super().changeEvent(event)

    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        shown = self.fontMetrics().elidedText(self._text, Qt.ElideRight, self.width())
        # Drawn by the painter, not style().drawItemText: naming the window's QStyle makes PySide
        # build that class and its eleven enums, a cost the start-up otherwise never pays.
        group = QPalette.Active if self.isEnabled() else QPalette.Disabled
        painter.setPen(self.palette().color(group, QPalette.WindowText))
        painter.drawText(self.rect(), Qt.AlignLeft | Qt.AlignVCenter, shown)
