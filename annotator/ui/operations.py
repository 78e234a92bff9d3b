"""User actions on the open project, each one undoable step on the shared undo stack.

Views call these instead of the core so that every edit made in the GUI can be
undone; the core stays the only thing that touches the database.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoStack

from ..core.model import Annotation, Label
from ..core.project import Project
from ..core.words import snap_to_words
from . import commands


class Operations:
    def __init__(self, project: Project, undo_stack: QUndoStack):
        self.project = project
        self.undo_stack = undo_stack

    def span_for_tag(self, doc_id: int, start: int, end: int, exact: bool) -> tuple[int, int]:
        """Where a tag on this selection lands: snapped to whole words unless exact."""
        if exact:
            return start, end
        return snap_to_words(self.project.documents.text(doc_id), start, end)

    def tag(self, doc_id: int, label: Label, start: int | None, end: int | None,
            target: str | None = None) -> Annotation:
        command = commands.AddAnnotation(self.project, doc_id, label, start, end, target)
        self.undo_stack.push(command)
        return command.annotation

    def delete(self, annotation: Annotation) -> None:
        name = self.project.codebook.label(annotation.label_id).name
        self.undo_stack.push(commands.DeleteAnnotation(self.project, annotation, name))

    def set_target(self, annotation: Annotation, target: str | None) -> None:
        if (target or None) != annotation.target:
            self.undo_stack.push(commands.EditAnnotation(self.project, annotation, target=target))

    def set_note(self, annotation: Annotation, note: str) -> None:
        if note != annotation.note:
            self.undo_stack.push(commands.EditAnnotation(self.project, annotation, note=note))

    def set_title(self, doc_id: int, title: str) -> None:
        self.undo_stack.push(commands.SetTitle(self.project, doc_id, title))

    def set_status(self, doc_id: int, status: str) -> None:
        if self.project.documents.get(doc_id).status != status:
            self.undo_stack.push(commands.SetStatus(self.project, doc_id, status))
