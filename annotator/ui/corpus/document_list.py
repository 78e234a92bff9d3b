"""The document list's model: title, annotation count, status and duplicate mark, read a page at a time."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal

from annotator.core.common.model import STATUS_NAMES, DocumentSummary
from annotator.core.corpus.documents import DocumentQuery
from annotator.core.corpus.duplicates import flagged_among
from annotator.core.project import Project
from annotator.core.store.database import Change, ChangeKind
from annotator.ui.common.after_paint import at_once
from annotator.ui.common.models import DOCUMENT_ID_ROLE, RecordTableModel, kept_page
from annotator.ui.common.plain_text import clip, plain_tip
from annotator.ui.corpus.duplicate_marks import flag_icon, flag_tooltip


class DocumentListModel(RecordTableModel):
    """Title, annotation count and status of the documents the list shows, read a page at a time.

    It holds the shown ids in list order (a plain range while nothing is filtered) and a few
    pages of rows; the rest stays in the file, so a project of 100,000 documents opens as
    fast as a small one. Filters are answered by the core in SQL (set_query). A change event
    refreshes only its document's row, and only when that row has been read.
    """

    TITLE, COUNT, STATUS = range(3)
    HEADERS = ("Title", "Tags", "Status")
    PAGE_SIZE = 100
    KEPT_PAGES = 8  # the screenful, its neighbours, and some to scroll back to
    titleEdited = Signal(int, str)  # document id, new title: the window turns it into an undoable edit
    listed = Signal()  # the shown ids were read again (a filter, an import), whether or not they changed

    def __init__(self, project: Project, parent=None):
        super().__init__(parent)
        self._project = project
        self.query = DocumentQuery()
        self.coders: tuple[int, ...] | None = None  # whose annotations the Tags column counts; None: everyone's
        self._ids: Sequence[int] = project.documents.listing()
        self._pages: OrderedDict[int, list[_ListedDocument | None]] = OrderedDict()
        self.page_fetches = 0  # pages read from the file, for tests and the bench
        # With a filter on, a burst of new documents (an import) is matched once, after the burst.
        self._relist_timer = QTimer(self, singleShot=True, interval=0)
        self._relist_timer.timeout.connect(self._relist)
        # The window holds a tag's new count until the tag's highlight is painted (MainWindow.after_tag).
        self.defer: Callable[[Callable[[], None]], None] = at_once
        self._unsubscribe = project.subscribe(self._on_change)

    def detach(self) -> None:
        self._relist_timer.stop()
        self._unsubscribe()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._ids)

    def _listed(self, row: int) -> _ListedDocument | None:
        """The row's document, reading its page from the file unless it is kept."""
        number, offset = divmod(row, self.PAGE_SIZE)
        page, fetched = kept_page(self._pages, number, self.KEPT_PAGES,
                                  lambda: self._read(self._ids[number * self.PAGE_SIZE:(number + 1) * self.PAGE_SIZE]))
        self.page_fetches += fetched
        return page[offset] if offset < len(page) else None

    def _read(self, ids: Sequence[int]) -> list[_ListedDocument | None]:
        summaries = {doc.id: doc for doc in self._project.documents.page(ids, self.coders)}
        flags = flagged_among(self._project.store, ids)
        return [_ListedDocument(summaries[i], flags.get(i)) if i in summaries else None for i in ids]

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        # A paint asks each visible cell for about ten roles: answer the unused ones first.
        role = int(role)
        if role not in _DOCUMENT_ROLES or not index.isValid():
            return None
        if role == _DOCUMENT_ID:
            return self._ids[index.row()]
        listed = self._listed(index.row())
        if listed is None:  # removed since the list was read; the refresh after the change drops it
            return None
        doc, column = listed.summary, index.column()
        if role in (_DISPLAY, _EDIT):
            if column == self.TITLE:
                return doc.title
            if column == self.COUNT:
                return doc.annotation_count
            return STATUS_NAMES.get(doc.status, doc.status)
        if column == self.TITLE and role == _TOOLTIP:
            flags = flag_tooltip(self._project, doc.id) if listed.flags else ""
            return plain_tip(f"{clip(doc.title, 300)}\n{flags}" if flags else doc.title)
        if column == self.TITLE and role == _DECORATION:
            return flag_icon(listed.flags)  # None when there is no flag or all are dismissed
        if column == self.COUNT and role == _ALIGNMENT:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    def flags(self, index: QModelIndex):
        flags = super().flags(index)
        if index.isValid() and index.column() == self.TITLE:
            flags |= Qt.ItemIsEditable
        return flags

    def setData(self, index: QModelIndex, value, role=Qt.EditRole) -> bool:  # noqa: N802
        if role != Qt.EditRole or index.column() != self.TITLE:
            return False
        title = " ".join(str(value).split())
        listed = self._listed(index.row())
        if listed is None or not title or title == listed.summary.title:
            return False
        self.titleEdited.emit(listed.summary.id, title)
        return True

    def document_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, doc_id: int) -> int:
        """The document's row, -1 when the list does not show it; the ids are in order, so a bisection."""
        row = bisect_left(self._ids, doc_id)
        return row if row < len(self._ids) and self._ids[row] == doc_id else -1

    def set_coders(self, coders: tuple[int, ...] | None) -> None:
        """Count only these coders' annotations (the coder view's choice); None counts every coder's."""
        if coders == self.coders:
            return
        self.coders = coders
        self._pages.clear()  # the counts read are another view's: read them again as the rows are shown
        if self._ids:
            self.dataChanged.emit(self.index(0, self.COUNT), self.index(len(self._ids) - 1, self.COUNT))

    def set_query(self, query: DocumentQuery) -> None:
        """Show the documents the query lets through; the selection stays on the documents still shown."""
        self.query = query
        self._relist()

    def _relist(self) -> None:
        self._relist_timer.stop()
        old, new = self._ids, self._project.documents.listing(self.query)
        self._pages.pop(len(old) // self.PAGE_SIZE, None)  # the last page may gain rows
        if _extends(old, new):
            if len(new) > len(old):
                self.beginInsertRows(QModelIndex(), len(old), len(new) - 1)
                self._ids = new
                self.endInsertRows()
            self.listed.emit()
            return
        # Rows come and go anywhere: move the selection and the current row with their documents,
        # as a sort/filter proxy does.
        self.layoutAboutToBeChanged.emit()
        kept = self.persistentIndexList()
        doc_ids = [old[index.row()] if 0 <= index.row() < len(old) else None for index in kept]
        self._ids = new
        self._pages.clear()
        moved = []
        for index, doc_id in zip(kept, doc_ids):
            row = self.row_of(doc_id) if doc_id is not None else -1
            moved.append(self.index(row, index.column()) if row >= 0 else QModelIndex())
        self.changePersistentIndexList(kept, moved)
        self.layoutChanged.emit()
        self.listed.emit()

    def _on_change(self, change: Change) -> None:
        if change.kind == ChangeKind.DOCUMENTS_ADDED:
            if self.query.is_empty:
                self._relist()  # three index look-ups: no need to wait for the end of the burst
            else:
                self._relist_timer.start()
        elif change.kind == ChangeKind.DOCUMENT_CHANGED and change.document_id:
            self._refresh_row(change.document_id)
        elif change.kind in (ChangeKind.ANNOTATION_ADDED, ChangeKind.ANNOTATION_REMOVED) and change.document_id:
            self.defer(lambda: self._refresh_count(change.document_id))

    def _kept_row(self, doc_id: int) -> tuple[int, list | None]:
        row = self.row_of(doc_id)
        return row, self._pages.get(row // self.PAGE_SIZE) if row >= 0 else None

    def _refresh_row(self, doc_id: int) -> None:
        row, page = self._kept_row(doc_id)
        if page is None:
            return  # not read yet: it is read fresh when shown
        page[row % self.PAGE_SIZE] = self._read([doc_id])[0]
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def _refresh_count(self, doc_id: int) -> None:
        """A tag added or removed: only the Tags cell changes, so only it is read and repainted
        (the whole row's repaint was ~0.7 ms of each tag, issue 17)."""
        row, page = self._kept_row(doc_id)
        listed = page[row % self.PAGE_SIZE] if page is not None else None
        if listed is None:
            return  # not read yet, or gone: read fresh when shown
        [summary] = self._project.documents.page([doc_id], self.coders) or [None]
        if summary is None:
            self._refresh_row(doc_id)
            return
        page[row % self.PAGE_SIZE] = replace(listed, summary=summary)
        if (summary.title, summary.status) != (listed.summary.title, listed.summary.status):
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))  # changed meanwhile
        elif summary.annotation_count != listed.summary.annotation_count:
            self.dataChanged.emit(self.index(row, self.COUNT), self.index(row, self.COUNT))


@dataclass(frozen=True)
class _ListedDocument:
    summary: DocumentSummary
    flags: list[str] | None  # duplicate kinds not dismissed, for the title's mark


_DISPLAY, _EDIT, _TOOLTIP, _DECORATION = int(Qt.DisplayRole), int(Qt.EditRole), int(Qt.ToolTipRole), int(Qt.DecorationRole)
_ALIGNMENT, _DOCUMENT_ID = int(Qt.TextAlignmentRole), int(DOCUMENT_ID_ROLE)
_DOCUMENT_ROLES = frozenset((_DISPLAY, _EDIT, _TOOLTIP, _DECORATION, _ALIGNMENT, _DOCUMENT_ID))


def _extends(old: Sequence[int], new: Sequence[int]) -> bool:
    """Whether `new` is `old` with rows added at the end (an import while nothing is filtered)."""
    if len(new) < len(old):
        return False
    if isinstance(old, range) and isinstance(new, range):
        return not old or new.start == old.start
    return array("q", old) == array("q", new[:len(old)])
