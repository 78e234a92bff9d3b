"""The status-bar offer to create an entity for a span whose text names none yet.

It never asks modally: tagging stays one key per span, and the offer simply
waits in the status bar until the next tag replaces it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QMessageBox, QPushButton

from annotator.core.common.errors import AnnotationError, ProjectError
from annotator.core.common.model import Annotation
from annotator.core.project import Project
from annotator.core.store.database import Change, ChangeKind
from annotator.ui.actions.operations import Operations
from annotator.ui.common.plain_text import as_text, plain_tip


class EntityOffer(QPushButton):
    """A "Create entity ‘X’" button; emits created(entity_id) once the entity exists and the tag links to it.

    The offer belongs to one tag in the open document. It follows that tag (a span
    narrowed or widened offers its new words; a relabel to a Date takes the offer
    away) and goes when the analyst moves on: another annotation selected, another
    document opened, the tag undone. Clicking it creates the entity from the tag as
    it is stored now, never from text an older offer showed.
    """

    created = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("createEntityOffer")
        self.setFocusPolicy(Qt.NoFocus)  # the reader keeps the keyboard
        self.clicked.connect(self.create)
        self._project: Project | None = None
        self._ops: Operations | None = None
        self._offered: Annotation | None = None
        self._current_document: Callable[[], int | None] = lambda: None
        self.hide()

    def set_project(self, project: Project | None, ops: Operations | None,
                    current_document: Callable[[], int | None] | None = None) -> None:
        self._project, self._ops = project, ops
        self._current_document = current_document or (lambda: None)
        self.withdraw()

    def offered(self) -> Annotation | None:
        return self._offered

    def withdraw(self) -> None:
        self._offered = None
        self.hide()

    def follow(self, annotation: Annotation | None) -> None:
        """The analyst selected an annotation: an offer for another one is stale."""
        if self._offered is not None and (annotation is None or annotation.id != self._offered.id):
            self.withdraw()

    def document_shown(self, document_id: int | None) -> None:
        if self._offered is not None and self._offered.document_id != document_id:
            self.withdraw()

    def on_change(self, change: Change) -> None:
        if self._offered is None or change.annotation_id != self._offered.id:
            return
        if change.kind == ChangeKind.ANNOTATION_REMOVED:  # undoing the tag takes the offer with it
            self.withdraw()
        elif change.kind == ChangeKind.ANNOTATION_CHANGED:
            self._show_offer(self._project.annotations.find(self._offered.id))

    def offer(self, annotation: Annotation) -> None:
        """After a tag: say which entity it linked to, or offer to create one."""
        self.withdraw()
        if self._project is None or annotation.is_document_level:
            return
        if annotation.entity_id is not None:
            label = self._project.codebook.label(annotation.label_id)
            name = self._project.entities.get(annotation.entity_id).name
            self.window().statusBar().showMessage(f"Tagged {label.name}: linked to entity {name}", 5000)
            return
        self._show_offer(annotation)

    def _show_offer(self, annotation: Annotation | None) -> None:
        name = self._project.entities.offer_for(annotation) if annotation is not None else None
        if name is None:
            self.withdraw()
            return
        self._offered = annotation
        label = self._project.codebook.label(annotation.label_id)
        self.setText(f"Create entity ‘{name[:40]}’")
        self.setToolTip(plain_tip(f"Add ‘{name}’ to the entity registry as a {label.name} and link this tag to it"))
        self.show()

    def create(self) -> None:
        offered = self._offered
        self.withdraw()
        if offered is None or self._ops is None:
            return
        # Read the tag again: what the button said may be older than the span.
        annotation = self._project.annotations.find(offered.id)
        name = self._project.entities.offer_for(annotation) if annotation is not None else None
        if name is None or annotation.document_id != self._current_document():
            return
        try:
            entity = self._ops.run(f"Create entity {name}", self._project.entities.split_mention,
                                   annotation.id, name, document_id=annotation.document_id)
        except (ProjectError, AnnotationError) as exc:
            QMessageBox.warning(self.window(), "Cannot create the entity", as_text(str(exc)))
            return
        self.window().statusBar().showMessage(
            f"Created entity {entity.name}; View › Entities (Ctrl+Shift+E) lists its mentions.", 5000)
        self.created.emit(entity.id)
