"""The reader pane: a read-only article view where a selection plus a key tags.

The reader knows texts, labels and annotations, never the project. It reports
what the analyst asked for in code-point offsets; PositionMap is the only
conversion between those and Qt's UTF-16 positions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QPalette, QTextCursor
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QToolTip

from annotator.core.coding.doc_spans import ListedSpans, SpanRow, StoredSpans
from annotator.core.coding.words import snap_to_words
from annotator.core.common.model import Annotation, Label
from annotator.ui.common.positions import PositionMap
from annotator.ui.reader.cue_marks import cue_marks
from annotator.ui.reader.highlighter import LAZY_FROM, WHOLE_SPANS, Span, SpanHighlighter
from annotator.ui.reader.span_editing import EdgeDrag, SpanEditing

READING_WIDTH_CHARS = 78
# A chosen font comes first; these stay behind it so Hangul never shows as boxes.
READER_FAMILIES = ["Noto Serif", "Noto Serif CJK KR", "Noto Sans CJK KR", "DejaVu Serif", "serif"]


class ReaderView(SpanEditing, QPlainTextEdit):
    """Emits tagRequested(label, start, end, exact) in code points; SpanEditing adds the boundary keys and handles."""

    tagRequested = Signal(object, int, int, bool)
    annotationClicked = Signal(int)
    deleteRequested = Signal()
    selectionInfo = Signal(int)  # selected code points, 0 when none
    hint = Signal(str)  # a nudge for the status bar when a key did nothing
    spanAdjustRequested = Signal(int, int, int)  # annotation id, new start, new end (code points)
    annotationStepped = Signal(int)  # Tab / Shift+Tab chose this annotation
    _marks: list = []  # the selection's mark, kept so the claims' cue underlines can join it
    _cues: dict = {}  # claims with an attribution cue, by id
    _LAST = 1 << 62  # past any span's end: (offset, -_LAST, 0) sorts before every span starting at offset

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("reader")
        self.label_actions: list = []  # (label, its toolbar action), set by the window with the labels
        self.setReadOnly(True)
        # Read-only still lets the keyboard move a caret and extend the selection.
        self.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self.setLineWrapMode(QPlainTextEdit.WidgetWidth)
        self.setMouseTracking(True)
        font = QFont()
        font.setFamilies(READER_FAMILIES)
        font.setPointSizeF(12.5)
        self.setFont(font)
        self.document().setDocumentMargin(24)
        self._highlighter = SpanHighlighter(self.document())
        self._map = PositionMap("")
        self._labels: dict[int, Label] = {}
        # How a role reads (entity name or free text); the window hands in the core's answer.
        self.role_name = None
        # A document's spans arrive as light rows; the window hands in how to read a whole annotation.
        self.fetch_annotation: Callable[[int], Annotation] | None = None
        # Each coder's underline (coder id -> style) when several coders' codes are shown; None otherwise.
        self.coder_styles: dict[int, str] | None = None
        self.coder_name: Callable[[Annotation], str] | None = None  # whose an annotation is, for tooltips then
        # The shown text's spans, asked a range at a time: a document may carry a million of them.
        self._source: StoredSpans | ListedSpans = ListedSpans([])
        self._cues = {}
        self._selected: Annotation | None = None
        self._alt_selection = False
        self._cue_timer = QTimer(self, singleShot=True, interval=0)
        self._cue_timer.timeout.connect(lambda: self.setExtraSelections(self._marks))
        self._flash_timer = QTimer(self, interval=180)
        self._flash_timer.timeout.connect(self._flash_step)
        self._flash_left = 0
        self._flash_span: tuple[int, int, str] | None = None
        self._text = ""
        self._selected_id: int | None = None
        self._drag, self._handle_shown = EdgeDrag(self), False  # dragging ends; resize pointer shown
        self.selectionChanged.connect(self._report_selection)
        self.verticalScrollBar().valueChanged.connect(self._highlight_shown)
        self._follow_palette()

    # -- content ---------------------------------------------------------------

    def set_document(self, text: str, labels: list[Label],
                     annotations: StoredSpans | Iterable[Annotation | SpanRow]) -> None:
        """Show a text and its span annotations: the store's StoredSpans (read as the text is shown), or
        full records or SpanRows in a list (whole-document ones are skipped)."""
        self._flash_timer.stop()
        self._cues = {}
        self._cue_timer.stop()
        self.setExtraSelections([])
        self._map = PositionMap(text)
        self._text, self._selected_id = text, None
        self._drag.finish()
        self._labels = {label.id: label for label in labels}
        self._source = annotations if isinstance(annotations, StoredSpans) else ListedSpans(annotations)
        self._selected = None
        # Spans first: a short text is then highlighted in the pass that setting it makes, a long one
        # (or one with very many spans) paragraph by paragraph as it is shown, reading the spans there.
        whole = self._map.qt_length <= LAZY_FROM and self._source.count(at_most=WHOLE_SPANS + 1) <= WHOLE_SPANS
        self._highlighter.load(self._fetch_spans, self._map.qt_length, whole)
        try:
            self.setPlainText(text)
        finally:
            self._highlighter.loaded()
        self.moveCursor(QTextCursor.Start)
        self._highlight_shown()
        self.setExtraSelections(self._marks)

    def set_labels(self, labels: list[Label]) -> None:
        self._labels = {label.id: label for label in labels}

    def set_annotations(self, annotations: StoredSpans | Iterable[Annotation | SpanRow] | None = None) -> None:
        """All spans of the shown text anew (labels recoloured, a bulk edit); repaints only what changed.
        None: read them again from the same place."""
        if annotations is not None:
            self._source = annotations if isinstance(annotations, StoredSpans) else ListedSpans(annotations)
        else:
            self._source.changed(-1)
        self._selected = None
        self._highlighter.reload()
        self._highlight_shown()
        self.setExtraSelections(self._marks)
        if self._selected_id is not None:  # it may have moved (adjusted, undone): its mark follows
            self.set_selected_annotation(self._source.find(self._selected_id))

    def put_annotation(self, annotation_id: int, annotation: Annotation | SpanRow | None) -> None:
        """Follow one stored change: an added or changed annotation, or None when it was deleted.

        Only the paragraphs the span covered or covers are highlighted again.
        """
        had_cue = self._cues.pop(annotation_id, None) is not None
        if annotation is None or annotation.is_document_level:
            self._source.changed(annotation_id, None)
            self._highlighter.remove(annotation_id)
        else:
            self._source.changed(annotation_id, annotation)
            self._highlighter.put(self._span(annotation))
            if annotation.cue_start is not None:
                self._cues[annotation_id] = annotation
        if had_cue or annotation_id in self._cues:
            self.setExtraSelections(self._marks)
        if annotation_id == self._selected_id:  # moved, undone or gone: the mark follows
            self._selected = None
            self.set_selected_annotation(self._source.find(annotation_id))

    def _fetch_spans(self, qt_begin: int, qt_end: int) -> list[Span]:
        """The highlighter's question: the spans over a range of Qt positions, as the store has them now."""
        rows = self._source.overlapping(self._map.from_qt(min(qt_begin, self._map.qt_length)),
                                        self._map.from_qt(min(qt_end, self._map.qt_length)) + (qt_end > qt_begin))
        # Cues are underlined for the claims read, those around the text shown: not a scan of every span.
        cues = {a.id: a for a in rows if a.cue_start is not None}
        if cues.keys() != self._cues.keys():
            self._cues = cues
            self._cue_timer.start()  # asked while a paragraph is being highlighted: redraw the marks after
        if not self._map.identical or self.coder_styles:
            return [self._span(a) for a in rows]
        # No character takes two Qt positions: thousands of spans need no conversion each.
        colors = {label_id: label.color for label_id, label in self._labels.items()}
        return [Span(a.id, a.start, a.end, colors.get(a.label_id, "#999999")) for a in rows]

    def _span(self, annotation: Annotation | SpanRow) -> Span:
        label = self._labels.get(annotation.label_id)
        underline = self.coder_styles.get(annotation.coder_id) if self.coder_styles else None
        return Span(annotation.id, *self._map.span_to_qt(annotation.start, annotation.end),
                    label.color if label else "#999999", underline)

    def _full(self, annotation_id: int) -> Annotation:
        """The whole record of a shown annotation (labels, roles, note) for tooltips and editing."""
        if self._selected is not None and self._selected.id == annotation_id:
            return self._selected
        if self.fetch_annotation is not None:
            return self.fetch_annotation(annotation_id)
        return self._source.find(annotation_id)

    def set_selected_annotation(self, annotation: Annotation | SpanRow | None) -> None:
        """The annotation the arrows, Tab and the drag handles work on (None: plain text selection)."""
        annotation = self._source.find(annotation.id) if annotation is not None else None
        if annotation is None:  # gone, or a whole-document annotation: nothing to mark
            self.clear_mark()
            return
        if self._selected_id != annotation.id:
            self._selected = None
        self._selected_id = annotation.id
        label = self._labels.get(annotation.label_id)
        start, end = self._map.span_to_qt(annotation.start, annotation.end)
        mark = (start, end, label.color if label else "#999999")
        if self._flash_timer.isActive() and self._flash_span == mark:
            return  # show_annotation is flashing this very span: let it finish
        self._flash_span = mark
        self._flash_timer.stop()
        self._mark_span(strong=False)

    def selected_annotation(self) -> Annotation | None:
        if self._selected_id is None:
            return None
        if self._selected is None:  # read once: the pointer asks on every move for the drag handles
            if self._source.find(self._selected_id) is None:
                return None
            self._selected = self._full(self._selected_id)
        return self._selected

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

    def reveal_span(self, start: int, end: int) -> None:
        """Select [start, end) (code points) from its end back to its start, so the caret and the
        scroll land where it begins, and centre it."""
        qs, qe = self._map.span_to_qt(start, end)
        cursor = self.textCursor()
        cursor.setPosition(qe)
        cursor.setPosition(qs, QTextCursor.KeepAnchor)
        self.setTextCursor(cursor)
        self.centerCursor()

    def annotations_at(self, offset: int) -> list[Annotation]:
        """Annotations covering a code-point offset, outermost first."""
        spans = self._highlighter.spans_at(self._map.to_qt(offset))
        return [self._full(s.annotation_id) for s in spans]

    def setExtraSelections(self, selections) -> None:  # noqa: N802
        # Cues stay underlined whatever mark the selected annotation shows.
        self._marks = list(selections)
        super().setExtraSelections(self._marks + cue_marks(self.document(), self._cues.values(), self._labels, self._map))

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
        # Likewise the span-adjusting arrows, but only with no selection.
        if event.type() == QEvent.ShortcutOverride and (
            (self.textCursor().hasSelection() and self._label_for_key(event) is not None)
            or self._adjusts_span(event)
        ):
            event.accept()
            return True
        # Tab walks the annotations instead of leaving the reader (QWidget would move focus first).
        if event.type() == QEvent.KeyPress and event.key() in (Qt.Key_Tab, Qt.Key_Backtab) \
                and not event.modifiers() & (Qt.ControlModifier | Qt.AltModifier):
            back = event.key() == Qt.Key_Backtab or bool(event.modifiers() & Qt.ShiftModifier)
            self._step_annotation(-1 if back else 1)
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
        if self._adjusts_span(event):
            self._adjust_span(event)
            event.accept()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self._alt_selection = bool(event.modifiers() & Qt.AltModifier)
        if not self._drag_press(event):  # grabbing a span's end starts no text selection
            super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        # Qt's word takes the particle along (월마트가); the analyst meant the word (월마트).
        # Alt keeps Qt's word, as Alt+key keeps any exact selection.
        super().mouseDoubleClickEvent(event)
        span = self.selection()
        if event.button() == Qt.LeftButton and span is not None and not event.modifiers() & Qt.AltModifier:
            word = snap_to_words(self._text, *span)
            if word != span and word[0] < word[1]:
                self.select_span(*word)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if not self._drag_move(event):
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self._drag_release(event):
            return
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
            target = self.role_name(a, "target") if self.role_name else a.target
            if target:
                line += f" → {_esc(target)}"
            if self.coder_styles and self.coder_name is not None:
                line += f" <span style='color:gray'>— {_esc(self.coder_name(a))}</span>"
            if label and label.description:  # the coding instruction, for a second opinion while reading
                line += f"<br/><span style='color:gray'>{_esc(label.description[:300])}</span>"
            if a.note:
                line += f"<br/><i>{_esc(a.note[:200])}</i>"
            lines.append(line)
        return "<br/>".join(lines)

    def contextMenuEvent(self, event) -> None:  # noqa: N802
        menu = self.createStandardContextMenu(event.pos())
        actions = self.label_actions
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

    # -- highlights of a long text, as it is shown ------------------------------

    def paintEvent(self, event) -> None:  # noqa: N802
        self._highlight_shown()  # a resize or a zoom may bring paragraphs never shown before
        super().paintEvent(event)

    def _highlight_shown(self) -> None:
        """Give the paragraphs in view their highlights before they are painted."""
        if not self._highlighter.pending:
            return
        # Only the paragraphs in view (and the spans over them, with a margin) are worked on before a paint.
        # The frame's inner height, not viewport(): at least the viewport's (its margins are only at the
        # sides), and asking PySide for the viewport, a plain QWidget made in C++, makes it create every
        # widget class it has (~15 ms of the first paint at start-up; issue 17).
        block, offset, bottom = self.firstVisibleBlock(), self.contentOffset(), self.contentsRect().height()
        while block.isValid():
            # Highlighted before it is measured: measuring lays the paragraph out, highlighting again would redo that.
            self._highlighter.highlight_blocks(block.blockNumber(), block.blockNumber())
            if self.blockBoundingGeometry(block).translated(offset).top() > bottom:
                break
            block = block.next()

    def finish_highlighting(self) -> None:
        """Highlight every paragraph now, shown or not (a long text is otherwise highlighted as it is read)."""
        self._highlighter.finish()

    # -- comfortable reading ---------------------------------------------------

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.PaletteChange:
            self._follow_palette()

    def _follow_palette(self) -> None:
        # The system theme reaches the reader as a palette: tints follow its background.
        self._highlighter.set_base_color(self._base_color())
        self._highlight_shown()

    def _base_color(self) -> str:
        return self.palette().color(QPalette.Base).name()

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
