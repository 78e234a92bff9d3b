"""Moving the selected annotation's boundaries in the reader, by keyboard and by dragging its ends.

The reader's event handlers call into SpanEditing; it decides what a key means,
which annotation Tab goes to, and where a dragged end lands, all in code points,
and reports through the reader's signals.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QKeyEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

from annotator.core.coding.doc_spans import key_of
from annotator.core.coding.words import next_char, previous_char, step_span
from annotator.core.common.model import Annotation
from annotator.ui.common.colors import blend, key_color
from annotator.ui.common.positions import PositionMap

EDGE_GRAB_PIXELS = 4  # how near a span's end the pointer turns into a resize handle

# With no text selected, the arrows move the selected annotation's boundaries, each
# edge moving the way its arrow points. Shift extends (Shift+Left moves the start
# left, Shift+Right the end right); Alt shrinks (Alt+Right moves the start right,
# Alt+Left the end left); adding Ctrl steps by whole words.
_SPAN_KEYS = {
    (Qt.Key_Left, Qt.ShiftModifier): "extend_start",
    (Qt.Key_Right, Qt.ShiftModifier): "extend_end",
    (Qt.Key_Right, Qt.AltModifier): "shrink_start",
    (Qt.Key_Left, Qt.AltModifier): "shrink_end",
}


def span_step_for(event: QKeyEvent) -> tuple[str, bool] | None:
    """(step, by_word) when the key adjusts a span, else None."""
    mods = event.modifiers() & ~Qt.KeypadModifier
    by_word = bool(mods & Qt.ControlModifier)
    mods = mods & ~Qt.ControlModifier
    for (key, wanted), step in _SPAN_KEYS.items():
        if event.key() == key and mods == wanted:
            return step, by_word
    return None


def stuck_hint(step: str, by_word: bool) -> str:
    """Why a boundary key did nothing, and what to do instead."""
    if step == "extend_start":
        return "The annotation already starts at the beginning of the text."
    if step == "extend_end":
        return "The annotation already reaches the end of the text."
    if by_word:
        return "Only one word is left in the annotation; shrink it by characters with Alt+arrow (no Ctrl)."
    return "The annotation cannot get shorter; press Delete to remove it."


class EdgeDrag:
    """Hit-tests the selected span's ends and follows a drag of one of them."""

    def __init__(self, view: QPlainTextEdit):
        self._view = view
        self.edge: str | None = None  # "start" or "end" while a drag is on
        self.annotation: Annotation | None = None
        self.span: tuple[int, int] | None = None

    @property
    def active(self) -> bool:
        return self.edge is not None

    def edge_at(self, point: QPoint, annotation: Annotation | None, positions: PositionMap) -> str | None:
        """'start' or 'end' when the pointer is within a few pixels of that end of the span."""
        if annotation is None or annotation.is_document_level:
            return None
        for edge, offset in (("start", annotation.start), ("end", annotation.end)):
            cursor = QTextCursor(self._view.document())
            cursor.setPosition(positions.to_qt(offset))
            rect = self._view.cursorRect(cursor)
            if abs(point.x() - rect.x()) <= EDGE_GRAB_PIXELS and rect.top() <= point.y() <= rect.bottom():
                return edge
        return None

    def begin(self, edge: str, annotation: Annotation) -> None:
        self.edge, self.annotation = edge, annotation
        self.span = (annotation.start, annotation.end)

    def move_to(self, point: QPoint, text: str, positions: PositionMap) -> tuple[int, int]:
        """The span with the dragged end at the character gap nearest the pointer; never empty."""
        assert self.annotation is not None
        offset = positions.from_qt(self._view.cursorForPosition(point).position())
        start, end = self.annotation.start, self.annotation.end
        if self.edge == "start":
            self.span = (min(offset, previous_char(text, end)), end)
        else:
            self.span = (start, max(offset, next_char(text, start)))
        return self.span

    def finish(self) -> tuple[Annotation, tuple[int, int]] | None:
        """The annotation and its new span, or None when the drag left it where it was."""
        annotation, span = self.annotation, self.span
        self.edge, self.annotation, self.span = None, None, None
        if annotation is None or span is None or span == (annotation.start, annotation.end):
            return None
        return annotation, span


class SpanEditing:
    """Mixed into ReaderView: the selected annotation's mark and flash, the boundary
    keys, Tab between annotations, and the drag handles.

    Relies on the reader's _text, _map, _labels, _source, _selected_id, _drag,
    _flash_*, _base_color and its hint / spanAdjustRequested / annotationStepped signals.
    """

    def show_annotation(self, annotation: Annotation) -> None:
        """Scroll to an annotation's span and flash it so the eye finds it."""
        if annotation.is_document_level:
            return
        start, end = self._map.span_to_qt(annotation.start, annotation.end)
        cursor = self.textCursor()
        cursor.setPosition(start)
        in_view = self.viewport().rect().contains(self.cursorRect(cursor).center())
        self.setTextCursor(cursor)
        if not in_view:  # a span already in view stays put (just tagged, say): no jump, no repaint of the page
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
        # Mixed over the reader's own background, so the mark stays legible in a dark theme.
        fmt.setBackground(base if strong else blend([color], self._base_color(), alpha=0.55))
        fmt.setUnderlineStyle(QTextCharFormat.SingleUnderline)
        fmt.setUnderlineColor(base.darker(160))
        if strong:
            fmt.setForeground(QColor(key_color(color)))
        selection.format = fmt
        self.setExtraSelections([selection])

    def clear_mark(self) -> None:
        """No annotation is marked, so none is selected for the arrows and drag handles either."""
        self._selected_id = None
        self._flash_timer.stop()
        self._flash_span = None
        self.setExtraSelections([])

    def _adjusts_span(self, event: QKeyEvent) -> bool:
        # With text selected, Shift+arrows keep extending the selection as usual.
        return (span_step_for(event) is not None and not self.textCursor().hasSelection()
                and self.selected_annotation() is not None)

    def _adjust_span(self, event: QKeyEvent) -> None:
        step, by_word = span_step_for(event)
        annotation = self.selected_annotation()
        span = step_span(self._text, annotation.start, annotation.end, step, by_word=by_word)
        if span == (annotation.start, annotation.end):
            self.hint.emit(stuck_hint(step, by_word))
        else:
            self.spanAdjustRequested.emit(annotation.id, *span)

    def _step_annotation(self, step: int) -> None:
        caret = self._map.from_qt(self.textCursor().position())
        current = self._source.find(self._selected_id) if self._selected_id is not None else None
        # Asked of the store, not a list of every span: with none selected, the first from the caret on
        # (or the last before it); past either end it wraps around.
        key = (caret, -self._LAST, 0) if current is None else key_of(current)
        found = self._source.after(key, step) or self._source.after(None, step)
        if found is None:
            self.hint.emit("This document has no tagged spans yet: select text and press a label key.")
        else:
            self.annotationStepped.emit(found.id)

    def _drag_press(self, event) -> bool:
        """Grab an end of the selected span; True when the press was that."""
        selected = self.selected_annotation()
        edge = self._drag.edge_at(event.position().toPoint(), selected, self._map)
        if event.button() != Qt.LeftButton or edge is None:
            return False
        self._drag.begin(edge, selected)
        event.accept()
        return True

    def _drag_move(self, event) -> bool:
        """Follow a drag with a preview in the mark, or show the handle pointer on hover."""
        point = event.position().toPoint()
        if not self._drag.active:
            if event.buttons() == Qt.NoButton:
                self._show_handle(self._drag.edge_at(point, self.selected_annotation(), self._map) is not None)
            return False
        qs, qe = self._map.span_to_qt(*self._drag.move_to(point, self._text, self._map))
        self._flash_timer.stop()  # the stored span changes once, on release
        self._flash_span = (qs, qe, self._flash_span[2] if self._flash_span else "#999999")
        self._mark_span(strong=False)
        event.accept()
        return True

    def _drag_release(self, event) -> bool:
        if not self._drag.active:
            return False
        moved = self._drag.finish()
        if moved is not None:
            self.spanAdjustRequested.emit(moved[0].id, *moved[1])
        self.set_selected_annotation(self.selected_annotation())  # the mark leaves the preview
        event.accept()
        return True

    def _show_handle(self, on: bool) -> None:
        if on != getattr(self, "_handle_shown", False):
            self._handle_shown = on
            self.viewport().setCursor(Qt.SizeHorCursor if on else Qt.IBeamCursor)
