"""The filter row above the document list: by title, by stance toward a target, by metadata.

"Stance toward Amazon is Against" keeps the documents where some stance
annotation, on a span or on the whole document, codes Against toward Amazon
(the entity, any of its aliases, or the same free text). The core answers
which documents match, in SQL, and the list's model shows just those: no proxy
walks 100,000 rows in Python on every keystroke.

"Field outlet contains Reuters" keeps the documents whose outlet metadata holds
"Reuters" (ignoring case); with Any field, any metadata field may hold it, and a
field with nothing typed keeps the documents that have that field at all.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from annotator.core.corpus.documents import DocumentQuery
from annotator.core.project import Project
from annotator.core.store.database import Change, ChangeKind
from annotator.ui.common.colors import label_icon
from annotator.ui.common.combos import data_combo
from annotator.ui.common.completion import complete_targets
from annotator.ui.corpus.document_list import DocumentListModel

# A filter that took longer than this (a title over 100,000 documents: about 0.2 s) waits for a
# pause in typing, so the letters typed meanwhile are not held up one query each.
SLOW_FILTER_MS = 60
TYPING_PAUSE_MS = 250


class DocumentFilter(QWidget):
    """Title filter and "Stance toward [target] is [Any/Favor/Against/...]" over the document list."""

    def __init__(self, project: Project, source: DocumentListModel, parent=None):
        super().__init__(parent)
        self.setObjectName("documentFilter")
        self._project = project
        # The list's own model filters (in SQL); the window shows it under this name.
        self.proxy = source
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
        self.stance = data_combo(self)
        self.stance.setObjectName("stanceFilter")
        self._fill_stances()
        row.addWidget(self.stance)
        layout.addLayout(row)
        self.field_row = QWidget(self)  # shown once some document has metadata
        fields = QHBoxLayout(self.field_row)
        fields.setContentsMargins(0, 0, 0, 0)
        fields.addWidget(QLabel("Field", self.field_row))
        self.field = data_combo(self.field_row)
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
        self.title.textChanged.connect(self._typed)
        self.target.textChanged.connect(self._typed)
        self.stance.currentIndexChanged.connect(self.apply)
        self.field.currentIndexChanged.connect(self.apply)
        self.field_value.textChanged.connect(self._typed)
        # Tagging may add or remove a match; recount once after a burst of edits.
        self._pending = QTimer(self, singleShot=True, interval=0)
        self._pending.timeout.connect(self.apply)
        self._typing = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._typing.timeout.connect(self.apply)
        self._last_ms = 0.0  # how long the last filter took
        self._unsubscribe = project.subscribe(self._on_change)
        # The list matches new documents itself; the counts shown follow.
        source.listed.connect(self._show_summary)

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
        # A filter still waiting for a pause in typing must not query a project that is closing.
        self._pending.stop()
        self._typing.stop()

    def settled(self) -> bool:
        """True when the list shows what the fields ask for (no typing pause still awaited)."""
        return not (self._pending.isActive() or self._typing.isActive())

    def clear(self) -> None:
        self.title.clear()
        self.target.clear()
        self.stance.setCurrentIndex(0)
        self.field.setCurrentIndex(0)
        self.field_value.clear()

    def query(self) -> DocumentQuery:
        """What the fields ask for, as the core's query."""
        target = " ".join(self.target.text().split())
        among = None
        if target:
            among = frozenset(self._project.annotations.documents_with_stance(target, self.stance.currentData()))
        key, text = self.field.currentData(), self.field_value.text().strip()
        by_field = key is not None or bool(text)
        return DocumentQuery(self.title.text(), key, text if by_field else None, among)

    def apply(self) -> None:
        self._pending.stop()
        self._typing.stop()
        started = time.perf_counter()
        self.proxy.set_query(self.query())  # the summary follows on listed
        self._last_ms = (time.perf_counter() - started) * 1000

    def _typed(self) -> None:
        if self._last_ms > SLOW_FILTER_MS:
            self._typing.start()
        else:
            self.apply()

    def _show_summary(self) -> None:
        filtered = not self.proxy.query.is_empty
        self.summary.setVisible(filtered)
        if filtered:
            total = self._project.documents.count()
            self.summary.setText(f"Showing {self.proxy.rowCount()} of {total} documents")

    def _on_change(self, change: Change) -> None:
        if change.kind == ChangeKind.CODEBOOK_CHANGED:
            self._fill_stances()  # a stance label added, renamed or deleted
        if change.kind in (ChangeKind.DOCUMENTS_ADDED, ChangeKind.DOCUMENT_CHANGED):
            self._fill_fields()  # an import or an edit may bring or remove a metadata field
        # What may change what matches, recounted once after a burst of edits: for a title or a
        # field, an edited document (new documents the list matches itself); for a stance, any edit.
        if self.target.text().strip() or (change.kind == ChangeKind.DOCUMENT_CHANGED and not self.proxy.query.is_empty):
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
