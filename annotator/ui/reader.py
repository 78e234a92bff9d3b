"""The reader pane: a read-only article view where a selection plus a key tags.

The reader knows texts, labels and annotations, never the project. It reports
what the analyst asked for in code-point offsets; PositionMap is the only
conversion between those and Qt's UTF-16 positions.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QTextEdit, QToolTip

from ..core.model import Annotation, Label
from .highlighter import Span, SpanHighlighter
from .positions import PositionMap

READING_WIDTH_CHARS = 78


class ReaderView(QPlainTextEdit):
    """Emits tagRequested(label, start, end, exact) in code points."""

    tagRequested = Signal(object, int, int, bool)
    annotationClicked = Signal(int)
    deleteRequested = Signal()
    selectionInfo = Signal(int)  # selected code points, 0 when none
    hint = Signal(str)  # a nudge for the status bar when a key did nothing

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("reader")
        self.setReadOnly(True)
        # Read-only still lets the keyboard move a caret and extend the selection.
        self.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self.setLineWrapMode(QPlainTextEdit.WidgetWidth)
        self.setMouseTracking(True)
        font = QFont()
        font.setFamilies(["Noto Serif", "Noto Serif CJK KR", "Noto Sans CJK KR", "DejaVu Serif", "serif"])
        font.setPointSizeF(12.5)
        self.setFont(font)
        self.document().setDocumentMargin(24)
        self._highlighter = SpanHighlighter(self.document())
        self._map = PositionMap("")
        self._labels: dict[int, Label] = {}
        self._annotations: dict[int, Annotation] = {}
        self._alt_selection = False
        self._flash_timer = QTimer(self, interval=180)
        self._flash_timer.timeout.connect(self._flash_step)
        self._flash_left = 0
        self._flash_span: tuple[int, int, str] | None = None
        self.selectionChanged.connect(self._report_selection)

    # -- content ---------------------------------------------------------------

    def set_document(self, text: str, labels: list[Label], annotations: list[Annotation]) -> None:
        self._flash_timer.stop()
        self.setExtraSelections([])
        self._map = PositionMap(text)
        self._labels = {label.id: label for label in labels}
        self._annotations = {}
        # Loading text highlights every paragraph; with the old spans forgotten that
        # pass does nothing, and only paragraphs with new spans are painted after it.
        self._highlighter.clear_spans()
        self.setPlainText(text)
        self.set_annotations(annotations)
        self.moveCursor(QTextCursor.Start)

    def set_labels(self, labels: list[Label]) -> None:
        self._labels = {label.id: label for label in labels}

    def set_annotations(self, annotations: list[Annotation]) -> None:
        self._annotations = {a.id: a for a in annotations if not a.is_document_level}
        spans = []
        for a in self._annotations.values():
            label = self._labels.get(a.label_id)
            start, end = self._map.span_to_qt(a.start, a.end)
            spans.append(Span(a.id, start, end, label.color if label else "#999999"))
        self._highlighter.set_spans(spans)

    @property
    def positions(self) -> PositionMap:
        return self._map

    # -- selection in code points ---------------------------------------------

    def selection(self) -> tuple[int, int] | None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return self._map.span_from_qt(cursor.selectionStart(), cursor.selectionEnd())

    def select_span(self, start: int, end: int) -> None:
        qs, qe = self._map.span_to_qt(start, end)
        cursor = self.textCursor()
        cursor.setPosition(qs)
        cursor.setPosition(qe, QTextCursor.KeepAnchor)
        self.setTextCursor(cursor)

    def annotations_at(self, offset: int) -> list[Annotation]:
        """Annotations covering a code-point offset, outermost first."""
        spans = self._highlighter.spans_at(self._map.to_qt(offset))
        return [self._annotations[s.annotation_id] for s in spans if s.annotation_id in self._annotations]

    def show_annotation(self, annotation: Annotation) -> None:
        """Scroll to an annotation's span and flash it so the eye finds it."""
        if annotation.is_document_level:
            return
        start, end = self._map.span_to_qt(annotation.start, annotation.end)
        cursor = self.textCursor()
        cursor.setPosition(start)
        self.setTextCursor(cursor)
        self.centerCursor()
        label = self._labels.get(annotation.label_id)
        self._flash_span = (start, end, label.color if label else "#999999")
        self._flash_left = 6
        self._flash_step()
        self._flash_timer.start()

    def _flash_step(self) -> None:
        if self._flash_span is None or self._flash_left <= 0:
            self._flash_timer.stop()
            self._mark_span(strong=False)
            return
        self._flash_left -= 1
        self._mark_span(strong=self._flash_left % 2 == 1)

    def _mark_span(self, strong: bool) -> None:
        """The selected annotation keeps an outline-like mark after the flash ends."""
        if self._flash_span is None:
            self.setExtraSelections([])
            return
        start, end, color = self._flash_span
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.KeepAnchor)
        selection.cursor = cursor
        fmt = QTextCharFormat()
        base = QColor(color)
        fmt.setBackground(base if strong else base.lighter(135))
        fmt.setUnderlineStyle(QTextCharFormat.SingleUnderline)
        fmt.setUnderlineColor(base.darker(160))
        if strong:
            fmt.setForeground(QColor("#FFFFFF") if base.lightnessF() < 0.6 else QColor("#000000"))
        selection.format = fmt
        self.setExtraSelections([selection])

    def clear_mark(self) -> None:
        self._flash_timer.stop()
        self._flash_span = None
        self.setExtraSelections([])

    # -- input -----------------------------------------------------------------

    def _label_for_key(self, event: QKeyEvent) -> Label | None:
        mods = event.modifiers() & ~(Qt.ShiftModifier | Qt.AltModifier | Qt.KeypadModifier)
        if mods != Qt.NoModifier:
            return None
        key = event.key()
        if Qt.Key_A <= key <= Qt.Key_Z or Qt.Key_0 <= key <= Qt.Key_9:
            char = chr(key).upper()
            return next((label for label in self._labels.values() if label.key == char), None)
        return None

    def event(self, event) -> bool:
        # Alt+letter is a menu mnemonic elsewhere; here it means "tag exactly", so
        # claim it before the shortcut system sees it, but only with a selection.
        if event.type() == QEvent.ShortcutOverride and self.textCursor().hasSelection():
            if self._label_for_key(event) is not None:
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        label = self._label_for_key(event)
        if label is not None:
            span = self.selection()
            if span is not None:
                exact = bool(event.modifiers() & Qt.AltModifier) or self._alt_selection
                self.tagRequested.emit(label, span[0], span[1], exact)
            else:
                self.hint.emit(f"Select some text first, then press {label.key} to tag it as {label.name}.")
            event.accept()
            return
        if event.key() in (Qt.Key_Delete, Qt.Key_Backspace) and event.modifiers() == Qt.NoModifier:
            self.deleteRequested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self._alt_selection = bool(event.modifiers() & Qt.AltModifier)
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        if event.button() == Qt.LeftButton and not self.textCursor().hasSelection():
            hits = self._hits_at(event.position().toPoint())
            if hits:
                # The innermost span is what the analyst most likely aimed at.
                self.annotationClicked.emit(hits[-1].id)

    def _hits_at(self, point: QPoint) -> list[Annotation]:
        cursor = self.cursorForPosition(point)
        rect = self.cursorRect(cursor)
        position = cursor.position()
        # cursorForPosition gives the nearest gap; pick the character under the pointer.
        if point.x() < rect.x() and position > 0:
            position -= 1
        return self.annotations_at(self._map.from_qt(position))

    def viewportEvent(self, event) -> bool:  # noqa: N802
        if event.type() == QEvent.ToolTip:
            hits = self._hits_at(event.pos())
            if hits:
                QToolTip.showText(event.globalPos(), self._tooltip(hits), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def _tooltip(self, hits: list[Annotation]) -> str:
        lines = []
        for a in hits:
            label = self._labels.get(a.label_id)
            name = label.name if label else "?"
            line = f"<b style='color:{label.color if label else '#000'}'>■</b> <b>{_esc(name)}</b>"
            if a.target:
                line += f" → {_esc(a.target)}"
            if a.note:
                line += f"<br/><i>{_esc(a.note[:200])}</i>"
            lines.append(line)
        return "<br/>".join(lines)

    def contextMenuEvent(self, event) -> None:  # noqa: N802
        menu = self.createStandardContextMenu(event.pos())
        actions = getattr(self, "label_actions", None)
        if actions and self.textCursor().hasSelection():
            menu.addSeparator()
            tag_menu = QMenu("Tag selection as", menu)
            layer = None
            for label, action in actions:
                if layer is not None and label.layer != layer:
                    tag_menu.addSeparator()
                layer = label.layer
                tag_menu.addAction(action)
            menu.addMenu(tag_menu)
        menu.exec(event.globalPos())

    def _report_selection(self) -> None:
        span = self.selection()
        self.selectionInfo.emit(span[1] - span[0] if span else 0)

    # -- comfortable reading ---------------------------------------------------

    def zoom(self, steps: int) -> None:
        """Ctrl+plus/minus: bigger or smaller text, the reading column following."""
        if steps > 0:
            self.zoomIn(steps)
        elif steps < 0 and self.font().pointSizeF() + steps >= 6:
            self.zoomOut(-steps)
        self._fit_column()

    def set_point_size(self, size: float) -> None:
        font = self.font()
        font.setPointSizeF(max(6.0, min(size, 48.0)))
        self.setFont(font)
        self._fit_column()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_column()

    def _fit_column(self) -> None:
        # Long lines tire the eye; keep a column of about 78 characters, centred.
        column = self.fontMetrics().averageCharWidth() * READING_WIDTH_CHARS + 48
        side = max(0, (self.width() - column) // 2)
        self.setViewportMargins(side, 0, side, 0)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
