"""User actions on the open project, each one undoable step on the shared undo stack.

Views call these instead of the core so that every edit made in the GUI can be
undone; the core stays the only thing that touches the database.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoStack

from annotator.core.common.model import STATUS_NAMES, Annotation, Label
from annotator.core.project import Project
from annotator.ui.actions.commands import CoreEdit


class Operations:
    def __init__(self, project: Project, undo_stack: QUndoStack):
        self.project = project
        self.undo_stack = undo_stack
        # Called with the document an undo or redo touched and what was done ("Undid: Tag Person"),
        # so the window can show both.
        self.on_replay: Callable[[int | None, str], None] | None = None
        # Called with why an undo or redo was refused (on a shared project: another coder changed
        # those rows since, or the connection that kept the undo history was lost); the step is dropped.
        self.on_refused: Callable[[str], None] | None = None
        self.snap_words = True  # Preferences › Snap selections to whole words

    def run(self, text: str, action: Callable, *args, document_id: int | None = None,
            merge_key: object = None, scope: str | None = None, **kwargs):
        """Run a core action as one undoable edit and return its result.

        scope names the window the edit was made in (see CoreEdit.scope).
        """
        result, changeset = self.project.store.edit(action, *args, **kwargs)
        if changeset is not None:
            self.undo_stack.push(CoreEdit(self.project.store, text, changeset, document_id=document_id,
                                          merge_key=merge_key, on_replay=self._replayed, scope=scope,
                                          on_refused=self._refused))
        return result

    def adopt(self, text: str, statements: list[str], changes: list, *, document_id: int | None = None) -> bool:
        """Put an edit a worker connection committed (a merge) on the undo stack as one step (Store.adopt).

        statements are history.entries of the worker's changeset; False when it changed nothing.
        """
        changeset = self.project.store.adopt(statements, changes)
        if changeset is None:
            return False
        self.undo_stack.push(CoreEdit(self.project.store, text, changeset, document_id=document_id,
                                      on_replay=self._replayed, on_refused=self._refused))
        return True

    def _replayed(self, document_id: int | None, message: str) -> None:
        if self.on_replay is not None:
            self.on_replay(document_id, message)

    def _refused(self, message: str) -> None:
        if self.on_refused is not None:
            self.on_refused(message)

    def tag(self, doc_id: int, label: Label, start: int | None, end: int | None, *, exact: bool = False,
            **roles) -> Annotation:
        """Tag a selection (or the whole document) as one undoable step; Entities.tag_and_link snaps it
        to whole words (unless exact or snapping is off) and links an entity span to its registry entity.
        roles are Annotations.add's target/holder/source options."""
        return self.run(f"Tag {label.name}", self.project.entities.tag_and_link, doc_id, label, start, end,
                        document_id=doc_id, exact=exact or not self.snap_words, **roles)

    def delete(self, annotation: Annotation) -> None:
        name = self.project.codebook.label(annotation.label_id).name
        self.run(f"Delete {name}", self.project.annotations.delete, annotation.id, document_id=annotation.document_id)

    def set_target(self, annotation: Annotation, target: str | None) -> None:
        if (target or None) != annotation.target:
            self.run("Edit target", self.project.annotations.update, annotation.id, target=target,
                     document_id=annotation.document_id, merge_key=("target", annotation.id))

    def set_note(self, annotation: Annotation, note: str) -> None:
        if note != annotation.note:
            self.run("Edit note", self.project.annotations.update, annotation.id, note=note,
                     document_id=annotation.document_id, merge_key=("note", annotation.id))

    def set_title(self, doc_id: int, title: str) -> None:
        self.run("Rename document", self.project.documents.set_title, doc_id, title, document_id=doc_id)

    def set_status(self, doc_id: int, status: str) -> None:
        if self.project.documents.get(doc_id).status != status:
            self.run(f"Mark {STATUS_NAMES[status].lower()}", self.project.documents.set_status, doc_id, status,
                     document_id=doc_id)
