"""The right-hand annotation panel: the current document's span annotations and the selected one's details."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QFormLayout, QGroupBox, QLabel, QLineEdit, QListView, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget,
)

from ..core.model import Annotation
from ..core.project import Project
from .models import AnnotationListModel
from .operations import Operations
from .target_popup import complete_targets


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
