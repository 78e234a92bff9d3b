"""Item models over the project: the document list and the current document's annotations.

They hold no data of their own beyond a cache of the rows shown, refreshed from
the core when it reports a change.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, Qt, Signal

from ..core.model import LAYER_NAMES, STATUS_NAMES, Annotation, DocumentSummary
from ..core.project import Project
from ..core.store import Change
from .colors import label_icon
from .duplicate_flags import flag_icon, flag_tooltip

ANNOTATION_ID_ROLE = Qt.UserRole + 1
DOCUMENT_ID_ROLE = Qt.UserRole + 2


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
    """Title, annotation count and status of every document."""

    TITLE, COUNT, STATUS = range(3)
    HEADERS = ("Title", "Tags", "Status")
    titleEdited = Signal(int, str)  # document id, new title: the window turns it into an undoable edit

    def __init__(self, project: Project, parent=None):
        super().__init__(parent)
        self._project = project
        self._rows: list[DocumentSummary] = project.documents.summaries()
        self._flags = project.duplicates.flagged_documents()  # id -> kinds, for the title's mark
        self._unsubscribe = project.subscribe(self._on_change)

    def detach(self) -> None:
        self._unsubscribe()

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        doc = self._rows[index.row()]
        column = index.column()
        if role == DOCUMENT_ID_ROLE:
            return doc.id
        if role in (Qt.DisplayRole, Qt.EditRole):
            if column == self.TITLE:
                return doc.title
            if column == self.COUNT:
                return doc.annotation_count
            return STATUS_NAMES.get(doc.status, doc.status)
        if role == Qt.ToolTipRole and column == self.TITLE:
            flags = flag_tooltip(self._project, doc.id) if doc.id in self._flags else ""
            return f"{doc.title}\n{flags}" if flags else doc.title
        if role == Qt.DecorationRole and column == self.TITLE:
            return flag_icon(self._flags.get(doc.id))  # None when there is no flag or all are dismissed
        if role == Qt.TextAlignmentRole and column == self.COUNT:
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
        doc = self._rows[index.row()]
        if not title or title == doc.title:
            return False
        self.titleEdited.emit(doc.id, title)
        return True

    def document_id(self, row: int) -> int:
        return self._rows[row].id

    def row_of(self, doc_id: int) -> int:
        return next((i for i, d in enumerate(self._rows) if d.id == doc_id), -1)

    def _on_change(self, change: Change) -> None:
        if change.kind == "document_changed" and change.document_id:  # flags found, dismissed or restored
            flags = self._project.duplicates.flags(change.document_id, include_dismissed=False)
            self._flags[change.document_id] = sorted({f.kind for f in flags})
        if change.kind == "documents_added":
            self._flags = self._project.duplicates.flagged_documents()
            self.beginResetModel()
            self._rows = self._project.documents.summaries()
            self.endResetModel()
        elif change.kind in ("document_changed", "annotation_added", "annotation_removed") and change.document_id:
            row = self.row_of(change.document_id)
            if row >= 0:
                self._rows[row] = self._project.documents.summary(change.document_id)
                self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))


class AnnotationListModel(QAbstractListModel):
    """The span annotations of one document, in text order."""

    def __init__(self, project: Project, parent=None):
        super().__init__(parent)
        self._project = project
        self._doc_id: int | None = None
        self._rows: list[Annotation] = []
        self._unsubscribe = project.subscribe(self._on_change)

    def detach(self) -> None:
        self._unsubscribe()

    def set_document(self, doc_id: int | None, annotations: list[Annotation] | None = None) -> None:
        """Show a document's spans; pass its annotations when the caller already loaded them."""
        self.beginResetModel()
        self._doc_id = doc_id
        self._rows = self._load(annotations)
        self.endResetModel()

    def _load(self, annotations: list[Annotation] | None = None) -> list[Annotation]:
        if self._doc_id is None:
            return []
        if annotations is None:
            annotations = self._project.annotations.for_document(self._doc_id)
        return [a for a in annotations if not a.is_document_level]

    def annotations(self) -> list[Annotation]:
        return list(self._rows)

    def annotation(self, row: int) -> Annotation:
        return self._rows[row]

    def row_of(self, annotation_id: int) -> int:
        return next((i for i, a in enumerate(self._rows) if a.id == annotation_id), -1)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        a = self._rows[index.row()]
        label = self._project.codebook.label(a.label_id)
        if role == ANNOTATION_ID_ROLE:
            return a.id
        if role == Qt.DisplayRole:
            snippet = " ".join(a.text.split())
            if len(snippet) > 70:
                snippet = snippet[:67] + "…"
            target = self._project.annotations.display_role(a, "target")
            suffix = f"  → {target}" if target else ""
            return f"{label.name}: {snippet}{suffix}"
        if role == Qt.DecorationRole:
            return label_icon(label.color, label.key)
        if role == Qt.ToolTipRole:
            parts = [f"<b>{label.name}</b> ({LAYER_NAMES[label.layer]}), characters {a.start}–{a.end}"]
            for role in ("target", "holder", "source"):
                name = self._project.annotations.display_role(a, role)
                if name:
                    parts.append(f"{role.capitalize()}: {name}")
            if a.note:
                parts.append(f"Note: {a.note}")
            parts.append(f"{a.annotator}, {a.updated_at}")
            return "<br/>".join(parts)
        return None

    def _on_change(self, change: Change) -> None:
        if change.document_id is not None and change.document_id == self._doc_id and change.kind.startswith("annotation"):
            self.beginResetModel()
            self._rows = self._load()
            self.endResetModel()
