"""Undo commands: each one user edit, calling the core and nothing else.

The first redo() performs the edit; undo() reverses it through the core; later
redo() calls put back exactly what the first created (same ids, same times).
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from ..core.model import STATUS_NAMES, Annotation, Label
from ..core.project import Project


class AddAnnotation(QUndoCommand):
    def __init__(self, project: Project, doc_id: int, label: Label, start: int | None, end: int | None,
                 target: str | None = None):
        super().__init__(f"Tag {label.name}")
        self._project, self._doc_id, self._label = project, doc_id, label
        self._span, self._target = (start, end), target
        self.annotation: Annotation | None = None

    def redo(self) -> None:
        if self.annotation is None:
            self.annotation = self._project.annotations.add(
                self._doc_id, self._label, *self._span, target=self._target
            )
        else:
            self._project.annotations.restore(self.annotation)

    def undo(self) -> None:
        self._project.annotations.delete(self.annotation.id)


class DeleteAnnotation(QUndoCommand):
    def __init__(self, project: Project, annotation: Annotation, label_name: str):
        super().__init__(f"Delete {label_name}")
        self._project, self._annotation = project, annotation

    def redo(self) -> None:
        self._project.annotations.delete(self._annotation.id)

    def undo(self) -> None:
        self._project.annotations.restore(self._annotation)


class EditAnnotation(QUndoCommand):
    """Change an annotation's target or note; typing in a field merges into one step."""

    ID = 1001

    def __init__(self, project: Project, before: Annotation, *, target: str | None = ..., note: str | None = None):
        super().__init__("Edit target" if target is not ... else "Edit note")
        self._project, self._before = project, before
        self._target, self._note = target, note

    def id(self) -> int:
        return self.ID

    def mergeWith(self, other) -> bool:  # noqa: N802
        if not isinstance(other, EditAnnotation) or other._before.id != self._before.id:
            return False
        if (other._target is ...) != (self._target is ...):
            return False
        self._target, self._note = other._target, other._note
        return True

    def redo(self) -> None:
        self._project.annotations.update(self._before.id, target=self._target, note=self._note)

    def undo(self) -> None:
        kwargs = {"target": self._before.target} if self._target is not ... else {"note": self._before.note}
        self._project.annotations.update(self._before.id, **kwargs)


class SetTitle(QUndoCommand):
    def __init__(self, project: Project, doc_id: int, title: str):
        super().__init__("Rename document")
        self._project, self._doc_id, self._title = project, doc_id, title
        self._old = project.documents.get(doc_id).title

    def redo(self) -> None:
        self._project.documents.set_title(self._doc_id, self._title)

    def undo(self) -> None:
        self._project.documents.set_title(self._doc_id, self._old)


class SetStatus(QUndoCommand):
    def __init__(self, project: Project, doc_id: int, status: str):
        super().__init__(f"Mark {STATUS_NAMES[status].lower()}")
        self._project, self._doc_id, self._status = project, doc_id, status
        self._old = project.documents.get(doc_id).status

    def redo(self) -> None:
        self._project.documents.set_status(self._doc_id, self._status)

    def undo(self) -> None:
        self._project.documents.set_status(self._doc_id, self._old)
