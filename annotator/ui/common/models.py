"""Item models over the project: the document list and the current document's annotations.

They hold no data of their own beyond a cache of the rows shown, refreshed from
the core when it reports a change.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, Qt, QTimer, Signal

from ..core.doc_spans import ListedSpans
from ..core.documents import DocumentQuery
from ..core.duplicates import flagged_among
from ..core.model import LAYER_NAMES, STATUS_NAMES, Annotation, DocumentSummary
from ..core.project import Project
from ..core.store import Change
from .colors import label_icon
from .duplicate_flags import flag_icon, flag_tooltip
from .plain_text import clip, escape, plain_tip, rich_tip

ANNOTATION_ID_ROLE = Qt.UserRole + 1
DOCUMENT_ID_ROLE = Qt.UserRole + 2



def kept_page(pages: OrderedDict, number: int, kept: int, read: Callable[[], list]) -> tuple[list, bool]:
    """Page `number` of a lazy model, read with `read()` unless kept; (the page, whether it was read).

    Only the `kept` most recently used pages stay, so a million-row model holds a few screenfuls."""
    page = pages.get(number)
    fetched = page is None
    if fetched:
        page = read()
        pages[number] = page
        while len(pages) > kept:
            pages.popitem(last=False)
    pages.move_to_end(number)
    return page, fetched


class RecordTableModel(QAbstractTableModel):
    """A flat table over a list of records (self._rows) under fixed column headers."""

    HEADERS: tuple[str, ...] = ()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.HEADERS[section]
        return None


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
        self._ids: Sequence[int] = project.documents.listing()
        self._pages: OrderedDict[int, list[_ListedDocument | None]] = OrderedDict()
        self.page_fetches = 0  # pages read from the file, for tests and the bench
        # With a filter on, a burst of new documents (an import) is matched once, after the burst.
        self._relist_timer = QTimer(self, singleShot=True, interval=0)
        self._relist_timer.timeout.connect(self._relist)
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
        summaries = {doc.id: doc for doc in self._project.documents.page(ids)}
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
        if change.kind == "documents_added":
            if self.query.is_empty:
                self._relist()  # three index look-ups: no need to wait for the end of the burst
            else:
                self._relist_timer.start()
        elif change.kind in ("document_changed", "annotation_added", "annotation_removed") and change.document_id:
            self._refresh_row(change.document_id)

    def _refresh_row(self, doc_id: int) -> None:
        row = self.row_of(doc_id)
        page = self._pages.get(row // self.PAGE_SIZE) if row >= 0 else None
        if page is None:
            return  # not read yet: it is read fresh when shown
        page[row % self.PAGE_SIZE] = self._read([doc_id])[0]
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))


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


class AnnotationListModel(QAbstractListModel):
    """The span annotations of one document, in text order, read a page at a time.

    A document may carry a million spans (issue 12, item 15): the model knows their
    count and keeps a few pages of light rows (SpanRow) around the rows shown, each
    row's whole record read when it is shown. A stored change inserts, moves,
    updates or removes its one row instead of reloading the list.
    """

    rowLeaving = Signal(int)  # row about to be removed: the panel lets go of it before Qt moves the current row
    PAGE_SIZE = 200
    KEPT_PAGES = 8  # the screenful, its neighbours, and some to scroll back to
    # The view asks for a dozen roles per row on every paint; only these have answers. Plain
    # ints: comparing an int with a Qt enum costs microseconds in PySide6, on every call.
    _DISPLAY, _DECORATION, _TOOLTIP, _ID = (int(r) for r in (Qt.DisplayRole, Qt.DecorationRole, Qt.ToolTipRole,
                                                              ANNOTATION_ID_ROLE))
    _ROLES = frozenset({_DISPLAY, _DECORATION, _TOOLTIP, _ID})

    def __init__(self, project: Project, parent=None):
        super().__init__(parent)
        self._project = project
        self._doc_id: int | None = None
        self._spans = None  # the document's StoredSpans, or ListedSpans over rows handed in
        self._count = 0
        self._pages: OrderedDict[int, list] = OrderedDict()  # page number -> SpanRows (or Annotations)
        self.page_fetches = 0  # pages read, for tests and the bench
        self._records: dict[int, Annotation] = {}  # whole records of the rows shown so far
        self._labels: dict[int, tuple] = {}  # label id -> (label, its swatch), read once per codebook
        self._unsubscribe = project.subscribe(self._on_change)

    def detach(self) -> None:
        self._unsubscribe()

    def set_document(self, doc_id: int | None, annotations: list | None = None) -> None:
        """Show a document's spans, read from the project as shown (or from `annotations`, when given)."""
        self.beginResetModel()
        self._doc_id = doc_id
        self._records, self._labels, self._pages = {}, {}, OrderedDict()
        if doc_id is None:
            self._spans = None
        elif annotations is not None:
            self._spans = ListedSpans(annotations)
        else:
            self._spans = self._project.annotations.spans_of(doc_id)
        self._count = self._spans.count() if self._spans is not None else 0
        self.endResetModel()

    def _row(self, row: int):
        """The light row at `row`, reading its page unless it is kept."""
        number, offset = divmod(row, self.PAGE_SIZE)
        page, fetched = kept_page(self._pages, number, self.KEPT_PAGES,
                                  lambda: self._spans.page(number * self.PAGE_SIZE, self.PAGE_SIZE))
        self.page_fetches += fetched
        return page[offset] if offset < len(page) else None

    def kept_rows(self) -> int:
        """How many rows are held in memory now (the rest stay in the file)."""
        return sum(len(page) for page in self._pages.values())

    def annotations(self) -> list[Annotation]:
        return [self.annotation(row) for row in range(self._count)]

    def annotation(self, row: int) -> Annotation:
        a = self._row(row)
        if isinstance(a, Annotation):
            return a
        record = self._records.get(a.id)
        if record is None:
            if len(self._records) > 2048:  # a long scroll through the list: keep memory flat
                self._records.clear()
            # The view asks row by row; one query reads the screenful around the row instead.
            page = [b.id for b in (self._row(r) for r in range(max(0, row - 16), min(self._count, row + 48)))
                    if b is not None and not isinstance(b, Annotation) and b.id not in self._records]
            self._records.update((found.id, found) for found in self._project.annotations.get_many(page))
            record = self._records.get(a.id) or self._project.annotations.get(a.id)
        return record

    def _kept_row(self, annotation_id: int) -> int:
        for number, page in self._pages.items():
            for offset, a in enumerate(page):
                if a.id == annotation_id:
                    return number * self.PAGE_SIZE + offset
        return -1

    def row_of(self, annotation_id: int) -> int:
        row = self._kept_row(annotation_id)
        if row >= 0 or self._spans is None:
            return row
        found = self._spans.find(annotation_id)
        return -1 if found is None else self._spans.rank(found)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._count

    def data(self, index: QModelIndex, role: int = 0):
        role = int(role)
        if role not in self._ROLES or not index.isValid():
            return None
        if role == self._ID:
            row = self._row(index.row())
            return None if row is None else row.id
        if self._row(index.row()) is None:  # gone since the count was read; the change that follows refreshes
            return None
        a = self.annotation(index.row())
        if a.label_id not in self._labels:
            label = self._project.codebook.label(a.label_id)
            self._labels[a.label_id] = (label, label_icon(label.color, label.key))
        label, icon = self._labels[a.label_id]
        if role == self._DISPLAY:
            snippet = " ".join(a.text.split())
            if len(snippet) > 70:
                snippet = snippet[:67] + "…"
            target = self._project.annotations.display_role(a, "target")
            suffix = f"  → {target}" if target else ""
            return f"{label.name}: {snippet}{suffix}"
        if role == self._DECORATION:
            return icon
        parts = [f"<b>{escape(clip(label.name, 100))}</b> ({LAYER_NAMES[label.layer]}), characters {a.start}–{a.end}"]
        for role in ("target", "holder", "source"):
            name = self._project.annotations.display_role(a, role)
            if name:
                parts.append(f"{role.capitalize()}: {escape(clip(name, 100))}")
        if a.note:
            parts.append(f"Note: {escape(clip(a.note, 300, 6))}")
        parts.append(escape(f"{a.annotator}, {a.updated_at}"))
        return rich_tip("<br/>".join(parts))

    def _on_change(self, change: Change) -> None:
        if change.kind == "codebook_changed":
            self._labels = {}  # renamed or recoloured: read again when shown
        if change.document_id is None or change.document_id != self._doc_id or not change.kind.startswith("annotation"):
            return
        if change.annotation_id is None:
            self.set_document(self._doc_id)
        else:
            self._follow(change.annotation_id, change.kind == "annotation_added")

    def _follow(self, annotation_id: int, added: bool) -> None:
        """Bring one row in line with the store: insert, move, update or remove it."""
        self._records.pop(annotation_id, None)
        stored = self._project.annotations.find(annotation_id)
        if isinstance(self._spans, ListedSpans):
            self._spans.changed(annotation_id, stored)
        old = -1 if added else self._kept_row(annotation_id)
        gone = stored is None or stored.is_document_level
        if old < 0 and not added:
            # Not among the rows read: where it was is not known here, but no row on screen shows it.
            if gone:
                self.set_document(self._doc_id)
            else:
                self._relayout()
            return
        if gone and old >= 0:
            self.rowLeaving.emit(old)  # while its page is kept: the panel finds the row it shows
        self._pages.clear()  # rows after the change shift by one; pages are read again as shown
        if gone:
            if old >= 0:
                self.beginRemoveRows(QModelIndex(), old, old)
                self._count -= 1
                self.endRemoveRows()
            return
        row = self._spans.rank(stored)
        if old < 0:
            self.beginInsertRows(QModelIndex(), row, row)
            self._count += 1
            self.endInsertRows()
            return
        if row != old:  # a span moved past its neighbours: the row moves, the selection follows it
            self.beginMoveRows(QModelIndex(), old, old, QModelIndex(), row + 1 if row > old else row)
            self.endMoveRows()
        self.dataChanged.emit(self.index(row), self.index(row))

    def _relayout(self) -> None:
        """Rows may have moved: read pages again, keeping the current and selected rows on their annotations."""
        self.layoutAboutToBeChanged.emit()
        kept = self.persistentIndexList()
        ids = [self._row(index.row()).id if 0 <= index.row() < self._count else None for index in kept]
        self._pages.clear()
        moved = []
        for index, annotation_id in zip(kept, ids):
            row = self.row_of(annotation_id) if annotation_id is not None else -1
            moved.append(self.index(row) if row >= 0 else QModelIndex())
        self.changePersistentIndexList(kept, moved)
        self.layoutChanged.emit()
