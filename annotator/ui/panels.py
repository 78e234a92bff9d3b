"""Right-hand panels: whole-document coding, and the current document's annotations."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QListView, QListWidget,
    QListWidgetItem, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget,
)

from ..core.model import STATUS_NAMES, STATUSES, Annotation
from ..core.project import Project
from ..core.store import Change
from .colors import label_icon
from .models import AnnotationListModel
from .operations import Operations
from .target_popup import complete_targets


class DocumentPanel(QGroupBox):
    """Codes the document as a whole: its status and its stance toward targets."""

    def __init__(self, project: Project, ops: Operations, parent=None):
        super().__init__("Whole document", parent)
        self.setObjectName("documentPanel")
        self._project, self._ops = project, ops
        self._doc_id: int | None = None
        layout = QFormLayout(self)
        self.status = QComboBox(self)
        for status in STATUSES:
            self.status.addItem(STATUS_NAMES[status], status)
        self.status.activated.connect(self._status_chosen)
        layout.addRow("Status:", self.status)
        self.stances = QListWidget(self)
        self.stances.setObjectName("documentStances")
        self.stances.setMaximumHeight(90)
        layout.addRow("Stance:", self.stances)
        self.target = QLineEdit(self)
        self.target.setPlaceholderText("Target, e.g. Amazon")
        self.stance = QComboBox(self)
        for label in project.codebook.in_layer("stance"):
            self.stance.addItem(label_icon(label.color, label.key), label.name, label.id)
        self.add_button = QPushButton("Add stance", self)
        self.add_button.clicked.connect(self._add_stance)
        self.target.returnPressed.connect(self._add_stance)
        complete_targets(self.target, project.annotations.targets)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.clicked.connect(self._remove_stance)
        layout.addRow("Target:", self.target)
        row = QHBoxLayout()
        row.addWidget(self.stance, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout.addRow("", row)
        self._unsubscribe = project.subscribe(self._on_change)
        self.set_document(None)

    def detach(self) -> None:
        self._unsubscribe()

    def set_document(self, doc_id: int | None) -> None:
        self._doc_id = doc_id
        self.setEnabled(doc_id is not None)
        self._refresh()

    def _refresh(self) -> None:
        self.stances.clear()
        if self._doc_id is None:
            return
        doc = self._project.documents.get(self._doc_id)
        self.status.setCurrentIndex(STATUSES.index(doc.status))
        for a in self._project.annotations.document_level(self._doc_id):
            label = self._project.codebook.label(a.label_id)
            item = QListWidgetItem(label_icon(label.color, label.key), f"{label.name} toward {a.target}")
            item.setData(Qt.UserRole, a.id)
            self.stances.addItem(item)

    def _on_change(self, change: Change) -> None:
        if change.document_id != self._doc_id or self._doc_id is None:
            return
        # Span tags do not show here; skip the reload for them (tagging must stay instant).
        if change.kind == "document_changed" or self._shows(change.annotation_id):
            self._refresh()

    def _shows(self, annotation_id: int | None) -> bool:
        if annotation_id is None:
            return False
        if any(self.stances.item(i).data(Qt.UserRole) == annotation_id for i in range(self.stances.count())):
            return True
        try:
            return self._project.annotations.get(annotation_id).is_document_level
        except KeyError:
            return False

    def _status_chosen(self, index: int) -> None:
        if self._doc_id is not None:
            self._ops.set_status(self._doc_id, self.status.itemData(index))

    def _add_stance(self) -> None:
        target = " ".join(self.target.text().split())
        if self._doc_id is None or not target:
            self.target.setFocus()
            return
        label = self._project.codebook.label(self.stance.currentData())
        self._ops.tag(self._doc_id, label, None, None, target=target)
        self.target.clear()

    def _remove_stance(self) -> None:
        item = self.stances.currentItem()
        if item is not None:
            self._ops.delete(self._project.annotations.get(item.data(Qt.UserRole)))


class AnnotationPanel(QWidget):
    """The list of span annotations in text order, and the selected one's target and note."""

    annotationActivated = Signal(object)  # Annotation

    def __init__(self, project: Project, ops: Operations, parent=None):
        super().__init__(parent)
        self._project, self._ops = project, ops
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel("Annotations")
        layout.addWidget(self.heading)
        self.model = AnnotationListModel(project, self)
        self.view = QListView(self)
        self.view.setObjectName("annotationList")
        self.view.setModel(self.model)
        self.view.setUniformItemSizes(True)
        self.view.setEditTriggers(QListView.NoEditTriggers)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.view.clicked.connect(self._clicked)
        self.model.modelReset.connect(self._after_reset)
        layout.addWidget(self.view, 1)
        details = QGroupBox("Selected annotation", self)
        form = QFormLayout(details)
        self.label_text = QLabel("—")
        self.label_text.setWordWrap(True)
        form.addRow("Label:", self.label_text)
        self.target_edit = QLineEdit(details)
        self.target_edit.setPlaceholderText("Stance target")
        self.target_edit.editingFinished.connect(self._target_edited)
        complete_targets(self.target_edit, project.annotations.targets)
        form.addRow("Target:", self.target_edit)
        self.note_edit = QPlainTextEdit(details)
        self.note_edit.setPlaceholderText("Note (saved when you leave the field)")
        self.note_edit.setMaximumHeight(70)
        self.note_edit.installEventFilter(self)
        form.addRow("Note:", self.note_edit)
        self.delete_button = QPushButton("Delete annotation (Del)", details)
        self.delete_button.clicked.connect(self.delete_current)
        form.addRow("", self.delete_button)
        layout.addWidget(details)
        self._current: Annotation | None = None
        self._resetting = False
        self._show_details(None)

    def detach(self) -> None:
        self.model.detach()

    def set_document(self, doc_id: int | None, annotations: list[Annotation] | None = None) -> None:
        self._commit_note()
        self.model.set_document(doc_id, annotations)

    def current(self) -> Annotation | None:
        return self._current

    def select(self, annotation_id: int) -> None:
        row = self.model.row_of(annotation_id)
        if row >= 0:
            index = self.model.index(row)
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)

    def delete_current(self) -> None:
        if self._current is not None:
            self._ops.delete(self._current)

    def _after_reset(self) -> None:
        count = self.model.rowCount()
        self.heading.setText(f"Annotations ({count})")
        if self._current is not None:
            row = self.model.row_of(self._current.id)
            if row >= 0:
                # Take the fresh row first: the selection change below compares against it.
                self._current = self.model.annotation(row)
                self._resetting = True
                try:
                    self.view.setCurrentIndex(self.model.index(row))
                finally:
                    self._resetting = False
                self._show_details(self._current)
                return
        self._current = None
        self._show_details(None)

    def _current_changed(self, index: QModelIndex, _previous: QModelIndex) -> None:
        if self._resetting:
            return
        self._commit_note()
        self._current = self.model.annotation(index.row()) if index.isValid() else None
        self._show_details(self._current)
        if self._current is not None:
            self.annotationActivated.emit(self._current)

    def _clicked(self, index: QModelIndex) -> None:
        # A click on the already-current row should still scroll to and flash its span.
        if index.isValid():
            self.annotationActivated.emit(self.model.annotation(index.row()))

    def _show_details(self, a: Annotation | None) -> None:
        enabled = a is not None
        for widget in (self.target_edit, self.note_edit, self.delete_button):
            widget.setEnabled(enabled)
        if a is None:
            self.label_text.setText("—")
            self.target_edit.clear()
            self.note_edit.clear()
            return
        label = self._project.codebook.label(a.label_id)
        self.label_text.setText(f"<b style='color:{label.color}'>■</b> {label.name} · {a.start}–{a.end}")
        self.target_edit.setEnabled(label.layer == "stance")
        self.target_edit.setText(a.target or "")
        if self.note_edit.toPlainText() != a.note:
            self.note_edit.setPlainText(a.note)

    def _target_edited(self) -> None:
        if self._current is not None:
            target = " ".join(self.target_edit.text().split()) or None
            label = self._project.codebook.label(self._current.label_id)
            if label.layer == "stance" and target is None:
                self.target_edit.setText(self._current.target or "")  # a stance always keeps a target
                return
            self._ops.set_target(self._current, target)

    def _commit_note(self) -> None:
        if self._current is not None and self.note_edit.toPlainText() != self._current.note:
            self._ops.set_note(self._current, self.note_edit.toPlainText())

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self.note_edit and event.type() == event.Type.FocusOut:
            self._commit_note()
        return super().eventFilter(obj, event)
