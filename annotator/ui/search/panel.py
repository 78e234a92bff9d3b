"""The Search tab: full-text search over every document, with keyword-in-context results.

Searches run on a worker thread through a read-only connection of their own
(core.search.Searcher), so typing never waits for a search and a search never
holds up tagging; a newer search interrupts the one still running, and a result
that arrives for an older one is dropped. Enter or a double-click on a hit opens
its document in the reader with exactly the hit selected, ready to tag.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.coding import annotation_choices
from annotator.core.common.errors import ProjectError
from annotator.core.project import Project
from annotator.core.search.fulltext import (
    SearchCancelled,
    Searcher,
    SearchFilter,
    SearchPage,
    document_hits,
    location_of,
)
from annotator.core.search.query import parse
from annotator.core.store.database import Change, ChangeKind
from annotator.ui.common.plain_text import as_text, plain_label
from annotator.ui.search.results import DOCUMENT_ROLE, KIND_ROLE, SPAN_ROLE, HitDelegate, SearchResultsModel

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

PAGE = 50
HELP = ('Words must all occur; "exact phrase"; amaz* for word starts; amazon OR walmart; -word leaves out. '
        "Case and accents are ignored; a Korean word also finds it with a particle (삼성전자 finds 삼성전자가); "
        "aws* finds AWS를.")
_WARNING = "color: #C62828;"


class _Signals(QObject):
    done = Signal(int, int, object)  # generation, offset, SearchPage
    failed = Signal(int, str)  # generation, message


class _SearchJob(QRunnable):
    def __init__(self, searcher: Searcher, signals: _Signals, generation: int, query: str, flt: SearchFilter,
                 offset: int):
        super().__init__()
        self._searcher, self._signals, self._generation = searcher, signals, generation
        self._query, self._filter, self._offset = query, flt, offset

    def run(self) -> None:
        try:
            page = self._searcher.search(self._query, self._filter, offset=self._offset, limit=PAGE)
        except SearchCancelled:
            return
        except ProjectError as exc:
            self._signals.failed.emit(self._generation, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - a worker must report, not die silently
            self._signals.failed.emit(self._generation, f"The search failed: {exc}")
            return
        self._signals.done.emit(self._generation, self._offset, page)


class _FilledOnOpen(QComboBox):
    """A combo box that asks the project for its choices when its list opens, not at startup."""

    def __init__(self, fill, parent=None):
        super().__init__(parent)
        self._fill = fill

    def showPopup(self) -> None:  # noqa: N802
        self._fill(self)
        super().showPopup()

    def focusInEvent(self, event) -> None:  # noqa: N802
        self._fill(self)  # the arrow keys choose without opening the list
        super().focusInEvent(event)


class SearchPanel(QWidget):
    """Search box, filters, status line and results; hitActivated goes to the window's reader."""

    def __init__(self, project: Project, window: MainWindow):
        super().__init__(window)
        self.setObjectName("searchPanel")
        self._project, self._window = project, window
        self._searcher: Searcher | None = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one connection, one search at a time
        self._signals = _Signals(self)
        self._signals.done.connect(self._show)
        self._signals.failed.connect(self._failed)
        self._generation = 0
        self._shown_request: tuple | None = None  # what the results on screen answer
        self._request: tuple | None = None  # what the running search answers
        self._loud = False  # the running search was asked for with Enter: a failure gets a dialog
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.query = QLineEdit(self)
        self.query.setObjectName("searchQuery")
        self.query.setPlaceholderText('Search all documents: words, "a phrase", amaz*, OR, -word')
        self.query.setToolTip(HELP)
        self.query.setClearButtonEnabled(True)
        self.query.installEventFilter(self)
        layout.addWidget(self.query)
        filters = QHBoxLayout()
        self.label_combo = _FilledOnOpen(self._fill_labels, self)
        self.label_combo.setObjectName("searchLabel")
        self.label_combo.addItem("Any label", None)
        self.entity_combo = _FilledOnOpen(self._fill_entities, self)
        self.entity_combo.setObjectName("searchEntity")
        self.entity_combo.addItem("Any entity", None)
        self.meta = QLineEdit(self)
        self.meta.setObjectName("searchMeta")
        self.meta.setPlaceholderText("key=value")
        self.meta.setToolTip("Only documents whose metadata field has this value, e.g. outlet=Reuters; "
                             "a field name alone: documents that have it")
        self.meta.setClearButtonEnabled(True)
        for widget, stretch in ((self.label_combo, 1), (self.entity_combo, 1), (self.meta, 1)):
            filters.addWidget(widget, stretch)
        layout.addLayout(filters)
        self.status = plain_label(QLabel(HELP, self))
        self.status.setObjectName("searchStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.model = SearchResultsModel(self)
        self.model.page_size = PAGE
        self.view = QTreeView(self)
        self.view.setObjectName("searchResults")
        self.view.setModel(self.model)
        self.view.setHeaderHidden(True)
        self.view.setUniformRowHeights(True)
        self.view.setExpandsOnDoubleClick(False)  # a double-click opens the document instead
        self.view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.view.setTextElideMode(Qt.ElideMiddle)  # a long title keeps its end: the hit count
        self.view.setItemDelegate(HitDelegate(self.view))
        self.view.activated.connect(self._activate)
        self.view.verticalScrollBar().valueChanged.connect(self._scrolled)
        layout.addWidget(self.view, 1)
        # Typing searches once the analyst pauses; Enter searches at once.
        self._typing = QTimer(self, singleShot=True, interval=300)
        self._typing.timeout.connect(self.run_search)
        self.query.textEdited.connect(lambda _text: self._typing.start())
        self.label_combo.currentIndexChanged.connect(lambda _i: self.run_search())
        self.entity_combo.currentIndexChanged.connect(lambda _i: self.run_search())
        self.meta.editingFinished.connect(self._filters_edited)  # Enter, or leaving the field
        self._unsubscribe = project.subscribe(self._on_change)

    # -- the window's side ------------------------------------------------------------

    def open_search(self) -> None:
        """Edit › Find in project (Ctrl+Shift+F): show the tab and put the cursor in the box."""
        tabs = self._window.side_tabs
        tabs.setCurrentWidget(self.parentWidget())  # the tab's page, which holds this panel
        self.query.setFocus()
        self.query.selectAll()

    def detach(self) -> None:
        """The project is closing: stop any search and let go of the connection."""
        self._typing.stop()
        self._unsubscribe()
        self._generation += 1
        if self._searcher is not None:
            self._searcher.interrupt()
            self._pool.clear()
            self._pool.waitForDone()
            self._searcher.close()
            self._searcher = None

    # -- searching ----------------------------------------------------------------------

    def current_request(self) -> tuple[str, SearchFilter]:
        """The query and filter the controls describe; raises ProjectError for a filter naming nothing."""
        label_id = self.label_combo.currentData()
        entity_id = self.entity_combo.currentData()
        meta = self.meta.text().strip()
        metadata = ()
        if meta:
            key, _sep, value = meta.partition("=")
            if not key.strip():
                raise ProjectError("Type the metadata filter as key=value, like outlet=Reuters, or just a key.")
            metadata = ((key.strip(), value.strip()),)
        flt = SearchFilter(label_ids=(label_id,) if label_id is not None else (), entity_id=entity_id,
                           metadata=metadata)
        return " ".join(self.query.text().split()), flt

    def run_search(self, *, loud: bool = False) -> None:
        """Search for what the controls say, dropping whatever search is under way."""
        self._typing.stop()
        try:
            request = self.current_request()
            if request[0]:
                parse(request[0])  # a query that cannot be searched is explained before any search starts
        except ProjectError as exc:
            self._cancel()
            self._say(str(exc), warning=True, loud=loud)
            return
        if not request[0]:
            self._cancel()
            self.model.clear()
            self._shown_request = None
            self.status.setStyleSheet("")
            self.status.setText(HELP)
            return
        self._cancel()
        self._request, self._loud = request, loud
        self.status.setStyleSheet("")
        self.status.setText("Searching…")
        self._start(request, offset=0)

    def _on_change(self, change: Change) -> None:
        """Search again after an edit that can change the results: a title, a new document, or a
        tag while a label or entity filter is on. The current row stays where it was."""
        if self._shown_request is None and self._request is None:
            return
        _query, flt = self._shown_request or self._request
        if change.kind in (ChangeKind.DOCUMENT_CHANGED, ChangeKind.DOCUMENTS_ADDED) or (
                change.kind.touches_annotations and (flt.label_ids or flt.entity_id is not None)):
            self._typing.start()

    def _filters_edited(self) -> None:
        if self._request_or_none() not in (self._shown_request, self._request):
            self.run_search()

    def show_more(self) -> None:
        """The next page of documents for the results on screen."""
        if self._shown_request is None or not self.model.has_more or self._request is not None:
            return
        self._request = self._shown_request
        self.status.setText(f"Finding more than {len(self.model.documents):,} documents…")
        self._start(self._shown_request, offset=len(self.model.documents))

    def show_all_hits(self, index) -> None:
        """List every hit of a document whose row shows only its first few; the cursor goes to the first new one."""
        if self._shown_request is None:
            return
        parent, first_new = index.parent(), index.row()
        try:
            doc = document_hits(self._project, self._shown_request[0], index.data(DOCUMENT_ROLE))
        except ProjectError as exc:
            self._say(str(exc), warning=True, loud=True)
            return
        self.model.show_all_hits(parent.row(), doc)
        if self.model.rowCount(parent) > first_new:
            self.view.setCurrentIndex(self.model.index(first_new, 0, parent))

    def _start(self, request: tuple, offset: int) -> None:
        if self._searcher is None:
            try:
                self._searcher = Searcher(location_of(self._project))
            except ProjectError as exc:
                self._say(str(exc), warning=True, loud=True)
                self._request = None
                return
        query, flt = request
        self._pool.start(_SearchJob(self._searcher, self._signals, self._generation, query, flt, offset))

    def _cancel(self) -> None:
        self._generation += 1
        self._request = None
        if self._searcher is not None:
            self._pool.clear()  # searches queued behind the running one never start
            self._searcher.interrupt()

    def _show(self, generation: int, offset: int, page: SearchPage) -> None:
        if generation != self._generation:
            return  # an answer to a query the analyst has since changed
        appending = offset > 0
        current = self.view.currentIndex()
        # Where the analyst was: the same query searched again (after an edit) keeps that row.
        keep = (current.data(DOCUMENT_ROLE), current.data(SPAN_ROLE), current.data(KIND_ROLE)) \
            if current.isValid() and (appending or self._request == self._shown_request) else None
        self.model.show_page(page, append=appending)
        self._shown_request, self._request = self._request, None
        self.view.expandAll()
        found = self._find(keep) if keep is not None else None
        if found is not None:
            self.view.setCurrentIndex(found)
        elif not appending and self.model.documents:
            first = self.model.index(0, 0)
            self.view.setCurrentIndex(self.model.index(0, 0, first) if self.model.rowCount(first) else first)
            self.view.scrollToTop()
        self._say(self._describe(page))

    def _find(self, key: tuple):
        document_id, span, kind = key
        for row in range(self.model.rowCount()):
            document = self.model.index(row, 0)
            if document.data(DOCUMENT_ROLE) != document_id:
                continue
            if kind == "hit":
                for hit_row in range(self.model.rowCount(document)):
                    if self.model.index(hit_row, 0, document).data(SPAN_ROLE) == span:
                        return self.model.index(hit_row, 0, document)
            return document
        return None

    def _describe(self, page: SearchPage) -> str:
        shown = len(self.model.documents)
        if not shown:
            return "No matches — try fewer words, a shorter word start with *, or other filters."
        # Hits are counted in the documents listed; the documents not listed yet are only counted.
        hits = sum(doc.hit_count for doc in self.model.documents)
        hits_text = f"{hits:,} hit{'s' if hits != 1 else ''}"
        total = f"{page.total_documents:,}" if page.total_is_exact else f"at least {page.total_documents:,}"
        noun = "document" if page.total_documents == 1 and page.total_is_exact else "documents"
        if not hits:
            hits_text = "Titles match"  # no hit in any text listed
        if shown >= page.total_documents and page.total_is_exact:
            return f"{hits_text} in {total} {noun}"
        return f"{hits_text} in the first {shown:,} of {total} {noun}"

    def _failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self._request = None
            self.model.clear()
            self._shown_request = None
            self._say(message, warning=True, loud=self._loud)

    def _say(self, text: str, *, warning: bool = False, loud: bool = False) -> None:
        self.status.setStyleSheet(_WARNING if warning else "")
        self.status.setText(text)
        if warning and loud:  # asked for with Enter: say it where it cannot be missed
            QMessageBox.warning(self, "Cannot search", as_text(text))

    # -- going to a hit -------------------------------------------------------------------

    def _activate(self, index) -> None:
        kind = index.data(KIND_ROLE)
        if kind == "more":
            self.show_more()
            return
        if kind == "rest":
            self.show_all_hits(index)
            return
        span = index.data(SPAN_ROLE)  # code points; a document row has none
        self._window.reveal(index.data(DOCUMENT_ROLE), span=tuple(span) if span else None)

    def _scrolled(self, value: int) -> None:
        bar = self.view.verticalScrollBar()
        if value >= bar.maximum() > 0:
            self.show_more()  # scrolled to the end: more, as if "Show more" were chosen

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self.query and event.type() == event.Type.KeyPress:
            if event.key() in (Qt.Key_Return, Qt.Key_Enter):
                if self._shown_request is not None and self._shown_request == self._request_or_none() \
                        and self.view.currentIndex().isValid():
                    self._activate(self.view.currentIndex())  # the results answer what is typed: go
                else:
                    self.run_search(loud=True)
                return True
            if event.key() == Qt.Key_Down and self.model.rowCount():
                self.view.setFocus()  # walk the results without the mouse
                return True
        return super().eventFilter(obj, event)

    def _request_or_none(self) -> tuple | None:
        try:
            return self.current_request()
        except ProjectError:
            return None

    # -- filter choices -------------------------------------------------------------------

    def _fill_labels(self, combo: QComboBox) -> None:
        keep = combo.currentData()
        labels = self._project.codebook.labels()
        parents = {label.id: label.parent_id for label in labels}
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("Any label", None)
        for label in labels:
            depth, parent = 0, label.parent_id
            while parent is not None and depth < 8:  # a group's labels are indented under it
                depth, parent = depth + 1, parents.get(parent)
            combo.addItem("    " * depth + label.name + (" (group: all its labels)" if label.is_group else ""),
                          label.id)
        combo.setCurrentIndex(max(combo.findData(keep), 0) if keep is not None else 0)
        combo.blockSignals(False)

    def _fill_entities(self, combo: QComboBox) -> None:
        keep = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("Any entity", None)
        for entity_id, name in annotation_choices.entity_choices(self._project):
            combo.addItem(name, entity_id)
        combo.setCurrentIndex(max(combo.findData(keep), 0) if keep is not None else 0)
        combo.blockSignals(False)
