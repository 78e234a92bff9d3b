"""The status-bar offer to create an entity for a span whose text names none yet.

It never asks modally: tagging stays one key per span, and the offer simply
waits in the status bar until the next tag replaces it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QMessageBox, QPushButton

from ..core.errors import AnnotationError, ProjectError
from ..core.model import Annotation
from ..core.project import Project
from ..core.store import Change
from .operations import Operations
from .plain_text import as_text, plain_tip


class EntityOffer(QPushButton):
    """A "Create entity ‘X’" button; emits created(entity_id) once the entity exists and the tag links to it."""

    created = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("createEntityOffer")
        self.setFocusPolicy(Qt.NoFocus)  # the reader keeps the keyboard
        self.clicked.connect(self.create)
        self._project: Project | None = None
        self._ops: Operations | None = None
        self._offered: Annotation | None = None
        self.hide()

    def set_project(self, project: Project | None, ops: Operations | None) -> None:
        self._project, self._ops = project, ops
        self.withdraw()

    def withdraw(self) -> None:
        self._offered = None
        self.hide()

    def on_change(self, change: Change) -> None:
        # Undoing the tag takes the offer with it.
        if self._offered is not None and change.kind == "annotation_removed" \
                and change.annotation_id == self._offered.id:
            self.withdraw()

    def offer(self, annotation: Annotation) -> None:
        """After a tag: say which entity it linked to, or offer to create one."""
        self.withdraw()
        if self._project is None:
            return
        label = self._project.codebook.label(annotation.label_id)
        if label.layer != "entity" or annotation.is_document_level:
            return
        if annotation.entity_id is not None:
            name = self._project.entities.get(annotation.entity_id).name
            self.window().statusBar().showMessage(f"Tagged {label.name}: linked to entity {name}", 5000)
            return
        self._offered = annotation
        name = " ".join(annotation.text.split())
        self.setText(f"Create entity ‘{name[:40]}’")
        self.setToolTip(plain_tip(f"Add ‘{name}’ to the entity registry as a {label.name} and link this tag to it"))
        self.show()

    def create(self) -> None:
        annotation = self._offered
        self.withdraw()
        if annotation is None or self._ops is None:
            return
        try:
            entity = self._ops.run(f"Create entity {annotation.text}", self._project.entities.split_mention,
                                   annotation.id, document_id=annotation.document_id)
        except (ProjectError, AnnotationError) as exc:
            QMessageBox.warning(self.window(), "Cannot create the entity", as_text(str(exc)))
            return
        self.window().statusBar().showMessage(
            f"Created entity {entity.name}; View › Entities (Ctrl+Shift+E) lists its mentions.", 5000)
        self.created.emit(entity.id)
