"""The filter row above the document list: by title, by stance toward a target, by metadata.

"Stance toward Amazon is Against" keeps the documents where some stance
annotation, on a span or on the whole document, codes Against toward Amazon
(the entity, any of its aliases, or the same free text). The core answers
which documents match; a proxy model only hides the other rows.

"Field outlet contains Reuters" keeps the documents whose outlet metadata holds
"Reuters" (ignoring case); with Any field, any metadata field may hold it, and a
field with nothing typed keeps the documents that have that field at all.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ..core.project import Project
from ..core.store import Change
from .colors import label_icon
from .models import DOCUMENT_ID_ROLE, DocumentListModel
from .target_popup import complete_targets


class DocumentFilterProxy(QSortFilterProxyModel):
    """Shows the documents whose title contains the title filter and that are in the stance set."""

    def __init__(self, source: DocumentListModel, parent=None):
        super().__init__(parent)
        self.setSourceModel(source)
        self._title = ""
        self._allowed: set[int] | None = None  # None: no stance filter

    def set_filters(self, title: str, allowed: set[int] | None) -> None:
        title = " ".join(title.split()).casefold()
        if (title, allowed) == (self._title, self._allowed):
            return
        self.beginFilterChange()
        self._title, self._allowed = title, allowed
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:  # noqa: N802
        source = self.sourceModel()
        index = source.index(row, DocumentListModel.TITLE, parent)
        if self._allowed is not None and index.data(DOCUMENT_ID_ROLE) not in self._allowed:
            return False
        return not self._title or self._title in " ".join(str(index.data() or "").split()).casefold()

    def document_id(self, row: int) -> int:
        return self.index(row, 0).data(DOCUMENT_ID_ROLE)

    def row_of(self, doc_id: int) -> int:
        """The visible row of a document, -1 when it is filtered out or unknown."""
        source: DocumentListModel = self.sourceModel()
        source_row = source.row_of(doc_id)
        if source_row < 0:
            return -1
        return self.mapFromSource(source.index(source_row, 0)).row()


class DocumentFilter(QWidget):
    """Title filter and "Stance toward [target] is [Any/Favor/Against/...]" over the document list."""

    def __init__(self, project: Project, source: DocumentListModel, parent=None):
        super().__init__(parent)
        self.setObjectName("documentFilter")
        self._project = project
        self.proxy = DocumentFilterProxy(source, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        self.title = QLineEdit(self)
        self.title.setObjectName("titleFilter")
        self.title.setPlaceholderText("Filter by title")
        self.title.setClearButtonEnabled(True)
        layout.addWidget(self.title)
        row = QHBoxLayout()
        row.addWidget(QLabel("Stance toward", self))
        self.target = QLineEdit(self)
        self.target.setObjectName("stanceTargetFilter")
        self.target.setPlaceholderText("target, e.g. Amazon")
        self.target.setClearButtonEnabled(True)
        complete_targets(self.target, project.annotations.targets)
        row.addWidget(self.target, 1)
        row.addWidget(QLabel("is", self))
        self.stance = QComboBox(self)
        self.stance.setObjectName("stanceFilter")
        self._fill_stances()
        row.addWidget(self.stance)
        layout.addLayout(row)
        self.field_row = QWidget(self)  # shown once some document has metadata
        fields = QHBoxLayout(self.field_row)
        fields.setContentsMargins(0, 0, 0, 0)
        fields.addWidget(QLabel("Field", self.field_row))
        self.field = QComboBox(self.field_row)
        self.field.setObjectName("metadataKeyFilter")
        fields.addWidget(self.field)
        fields.addWidget(QLabel("contains", self.field_row))
        self.field_value = QLineEdit(self.field_row)
        self.field_value.setObjectName("metadataValueFilter")
        self.field_value.setPlaceholderText("e.g. Reuters")
        self.field_value.setClearButtonEnabled(True)
        fields.addWidget(self.field_value, 1)
        layout.addWidget(self.field_row)
        self._fill_fields()
        self.summary = QLabel("", self)
        self.summary.setObjectName("filterSummary")
        self.summary.setStyleSheet("color: palette(mid);")
        self.summary.hide()
        layout.addWidget(self.summary)
        self.title.textChanged.connect(self.apply)
        self.target.textChanged.connect(self.apply)
        self.stance.currentIndexChanged.connect(self.apply)
        self.field.currentIndexChanged.connect(self.apply)
        self.field_value.textChanged.connect(self.apply)
        # Tagging may add or remove a match; recount once after a burst of edits.
        self._pending = QTimer(self, singleShot=True, interval=0)
        self._pending.timeout.connect(self.apply)
        self._unsubscribe = project.subscribe(self._on_change)

    def _fill_stances(self) -> None:
        chosen = self.stance.currentData()
        self.stance.blockSignals(True)
        self.stance.clear()
        self.stance.addItem("Any", None)
        for label in self._project.codebook.in_layer("stance"):
            if not label.is_group:
                self.stance.addItem(label_icon(label.color, label.key or ""), label.name, label.id)
        self.stance.setCurrentIndex(max(0, self.stance.findData(chosen)))
        self.stance.blockSignals(False)

    def detach(self) -> None:
        self._unsubscribe()

    def clear(self) -> None:
        self.title.clear()
        self.target.clear()
        self.stance.setCurrentIndex(0)
        self.field.setCurrentIndex(0)
        self.field_value.clear()

    def apply(self) -> None:
        target = " ".join(self.target.text().split())
        allowed = None
        if target:
            allowed = set(self._project.annotations.documents_with_stance(target, self.stance.currentData()))
        by_metadata = self._metadata_matches()
        if by_metadata is not None:
            allowed = by_metadata if allowed is None else allowed & by_metadata
        self.proxy.set_filters(self.title.text(), allowed)
        filtered = bool(target or self.title.text().strip() or by_metadata is not None)
        self.summary.setVisible(filtered)
        if filtered:
            total = self.proxy.sourceModel().rowCount()
            self.summary.setText(f"Showing {self.proxy.rowCount()} of {total} documents")

    def _on_change(self, change: Change) -> None:
        if change.kind == "codebook_changed":
            self._fill_stances()  # a stance label added, renamed or deleted
        if change.kind in ("documents_added", "document_changed"):
            self._fill_fields()  # an import or an edit may bring or remove a metadata field
        # Any edit (a tag, an alias, a new document) may change what matches: recount then.
        if self.target.text().strip() or self.title.text().strip() or self._metadata_matches() is not None:
            self._pending.start()

    def _fill_fields(self) -> None:
        keys = self._project.metadata.keys()
        if self.field.count() and keys == [self.field.itemData(i) for i in range(1, self.field.count())]:
            return
        chosen = self.field.currentData()
        self.field.blockSignals(True)
        self.field.clear()
        self.field.addItem("Any field", None)
        for key in keys:
            self.field.addItem(key, key)
        self.field.setCurrentIndex(max(0, self.field.findData(chosen)))
        self.field.blockSignals(False)
        self.field_row.setVisible(bool(keys))
        if chosen is not None and self.field.currentData() != chosen:
            self.apply()  # the chosen field is gone from every document: its filter no longer applies

    def _metadata_matches(self) -> set[int] | None:
        """Documents the field filter lets through; None when it is not in use."""
        key, text = self.field.currentData(), self.field_value.text().strip()
        if key is None and not text:
            return None
        keys = [key] if key is not None else self._project.metadata.keys()
        return {doc_id for k in keys for doc_id in self._project.metadata.documents_where(k, text)}
