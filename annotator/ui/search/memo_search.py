"""Edit › Search memos: find a note again across annotations, documents, entities and labels, and go there."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
)

from annotator.core.coding.memos import KIND_NAMES, MemoHit, search_memos
from annotator.ui.common.plain_text import plain_tip

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

_HIT_ROLE = Qt.UserRole + 1


def describe(hit: MemoHit) -> str:
    """One line of the results list: what kind of memo, on what, and the words around the hit."""
    where = f"{hit.title} — in “{hit.document_title}”" if hit.kind == "annotation" else hit.title
    return f"{KIND_NAMES[hit.kind]} · {where}\n    {hit.snippet}"


class MemoSearchDialog(QDialog):
    """Type to search; Enter or a double-click goes to the memo's annotation or document."""

    jumpRequested = Signal(object)  # MemoHit

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.setObjectName("memoSearch")
        self.setWindowTitle("Search memos")
        self._window = window
        layout = QVBoxLayout(self)
        self.query = QLineEdit(self)
        self.query.setObjectName("memoQuery")
        self.query.setPlaceholderText("Words in a note or memo (empty lists every memo)")
        self.query.setClearButtonEnabled(True)
        self.query.textChanged.connect(self.refresh)
        self.query.returnPressed.connect(self._activate_current)
        layout.addWidget(self.query)
        self.count = QLabel(self)
        layout.addWidget(self.count)
        splitter = QSplitter(Qt.Vertical, self)
        self.results = QListWidget(self)
        self.results.setObjectName("memoResults")
        self.results.setWordWrap(True)
        self.results.currentItemChanged.connect(self._show_preview)
        self.results.itemActivated.connect(lambda item: self.jumpRequested.emit(item.data(_HIT_ROLE)))
        splitter.addWidget(self.results)
        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("memoPreview")
        self.preview.setReadOnly(True)
        splitter.addWidget(self.preview)
        splitter.setSizes([260, 120])
        layout.addWidget(splitter, 1)
        self.resize(620, 460)

    def refresh(self) -> None:
        """Search again (the project may have changed since the last search)."""
        self.results.clear()
        self.preview.clear()
        hits = search_memos(self._window.project, self.query.text()) if self._window.project else []
        for hit in hits:
            item = QListWidgetItem(describe(hit))
            item.setData(_HIT_ROLE, hit)
            item.setToolTip(plain_tip(hit.memo))
            self.results.addItem(item)
        self.count.setText(f"{len(hits)} memo{'s' if len(hits) != 1 else ''}" if hits else "No memo matches.")
        if hits:
            self.results.setCurrentRow(0)

    def _show_preview(self, item: QListWidgetItem | None, _previous=None) -> None:
        self.preview.setPlainText(item.data(_HIT_ROLE).memo if item is not None else "")

    def _activate_current(self) -> None:
        item = self.results.currentItem()
        if item is not None:
            self.jumpRequested.emit(item.data(_HIT_ROLE))

    def keyPressEvent(self, event) -> None:  # noqa: N802
        # Down from the query box walks the results without reaching for the mouse.
        if event.key() in (Qt.Key_Down, Qt.Key_Up) and self.query.hasFocus() and self.results.count():
            row = self.results.currentRow() + (1 if event.key() == Qt.Key_Down else -1)
            self.results.setCurrentRow(max(0, min(row, self.results.count() - 1)))
            return
        super().keyPressEvent(event)


def jump_to(window: MainWindow, hit: MemoHit) -> None:
    """Show where a memo lives: its annotation selected in its document, or the document's memo field."""
    try:
        annotation = window.project.annotations.get(hit.id) if hit.kind == "annotation" else None
        if hit.document_id is not None:
            window.project.documents.summary(hit.document_id)
    except KeyError:
        QMessageBox.warning(window, "Search memos", f"That {hit.kind} was deleted after the search; search again.")
        return
    if hit.document_id is not None:
        window.open_document(hit.document_id)
    if annotation is not None:
        if annotation.is_document_level:
            window.document_panel.setFocus()
        else:
            window.annotation_panel.select(hit.id)
            window.reader.show_annotation(annotation)
            window.reader.set_selected_annotation(annotation)
        window.statusBar().showMessage(f"Note on {hit.title}", 5000)
    elif hit.kind == "document":
        window.document_panel.memo.setFocus()
    else:
        # Entities and labels have no place in the reader; the memo shows in the preview,
        # and an entity is also picked out in the entity registry when the window has one.
        registry = getattr(window, "entities_panel", None) if hit.kind == "entity" else None
        if registry is not None:
            registry.show()
            registry.raise_()
            registry.select(hit.id)
        window.statusBar().showMessage(f"{KIND_NAMES[hit.kind]} memo on {hit.title}: shown in Search memos", 5000)


def open_memo_search(window: MainWindow) -> MemoSearchDialog:
    """Edit › Search memos (Ctrl+Shift+M): one search window, kept open while the analyst jumps around."""
    dialog = getattr(window, "memo_search", None)
    if dialog is None:
        dialog = MemoSearchDialog(window)
        dialog.jumpRequested.connect(lambda hit: jump_to(window, hit))
        window.memo_search = dialog
    dialog.refresh()
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    dialog.query.setFocus()
    dialog.query.selectAll()
    return dialog
