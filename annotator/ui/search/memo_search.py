"""Edit › Search memos: find a note again across annotations, documents, entities and labels, and go there."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
)

from annotator.core.coding.memos import KIND_NAMES, MemoHit, search_memos
from annotator.ui.common.plain_text import plain_tip
from annotator.ui.common.workbench import Feature, Workbench

_HIT_ROLE = Qt.UserRole + 1


def describe(hit: MemoHit) -> str:
    """One line of the results list: what kind of memo, on what, and the words around the hit."""
    where = f"{hit.title} — in “{hit.document_title}”" if hit.kind == "annotation" else hit.title
    return f"{KIND_NAMES[hit.kind]} · {where}\n    {hit.snippet}"


class MemoSearchDialog(QDialog, Feature):
    """Type to search; Enter or a double-click goes to the memo's annotation or document."""

    jumpRequested = Signal(object)  # MemoHit
    entityRequested = Signal(int)  # an entity memo was chosen: pick the entity out in the registry

    def __init__(self, workbench: Workbench):
        super().__init__(workbench)
        self.setObjectName("memoSearch")
        self.setWindowTitle("Search memos")
        self._workbench = workbench
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
        hits = search_memos(self._workbench.project, self.query.text()) if self._workbench.project else []
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


MEMO_SEARCH = "memo_search"  # its key among the window's tool windows


def jump_to(workbench: Workbench, dialog: MemoSearchDialog, hit: MemoHit) -> None:
    """Show where a memo lives: its annotation selected in its document, or the document's memo field."""
    if hit.kind == "annotation":
        if workbench.reveal(hit.document_id, annotation_id=hit.id):
            workbench.show_status(f"Note on {hit.title}")
    elif hit.kind == "document":
        workbench.reveal(hit.document_id, memo=True)
    else:
        # Entities and labels have no place in the reader; the memo shows in the preview,
        # and an entity is also picked out in the entity registry.
        if hit.kind == "entity":
            dialog.entityRequested.emit(hit.id)
        workbench.show_status(f"{KIND_NAMES[hit.kind]} memo on {hit.title}: shown in Search memos")


def open_memo_search(workbench: Workbench, show_entity: Callable[[int], None] | None = None) -> MemoSearchDialog:
    """Edit › Search memos (Ctrl+Shift+M): one search window, kept open while the analyst jumps around."""

    def build() -> MemoSearchDialog:
        dialog = MemoSearchDialog(workbench)
        dialog.jumpRequested.connect(lambda hit: jump_to(workbench, dialog, hit))
        if show_entity is not None:
            dialog.entityRequested.connect(show_entity)
        return dialog

    dialog = workbench.tool_window(MEMO_SEARCH, build)
    dialog.refresh()
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    dialog.query.setFocus()
    dialog.query.selectAll()
    return dialog
