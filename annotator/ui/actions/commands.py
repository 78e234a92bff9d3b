"""Undo commands over the core's exact undo log.

An edit runs in the core first (so errors reach the caller as usual); the
command then holds the edit's changeset. undo() asks the store to reverse it
and keeps the changeset that redoes it, and so on, back and forth. One command
class serves every kind of edit: tags, deletions, relabelling, codebook and
entity changes, bulk tagging.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from annotator.core.common.errors import ProjectError
from annotator.core.store.database import Store
from annotator.core.store.history import Changeset


class CoreEdit(QUndoCommand):
    MERGE_ID = 1001

    def __init__(self, store: Store, text: str, changeset: Changeset, *, document_id: int | None = None,
                 merge_key: object = None, on_replay: Callable[[int | None, str], None] | None = None,
                 scope: str | None = None, on_refused: Callable[[str], None] | None = None):
        super().__init__(text)
        self._store = store
        self._undo: Changeset | None = changeset
        self._redo: Changeset | None = None
        self._first_redo = True
        self.document_id = document_id
        self._merge_key = merge_key
        self._on_replay = on_replay
        self._on_refused = on_refused
        # Which window made the edit ("codebook" for the Codebook window), so that window
        # can offer to undo its own edits and nothing behind it.
        self.scope = scope

    def id(self) -> int:
        return self.MERGE_ID if self._merge_key is not None else -1

    def mergeWith(self, other) -> bool:  # noqa: N802
        # Typing a note or a target field makes many small edits; undo takes them back as one.
        if not isinstance(other, CoreEdit) or other._merge_key != self._merge_key or self._undo is None \
                or other.scope != self.scope:
            return False
        if other._undo is None or other._undo.first <= self._undo.last:
            return False
        self._undo = Changeset(self._undo.first, other._undo.last, self._undo.changes + other._undo.changes)
        return True

    def redo(self) -> None:
        if self._first_redo:  # the edit itself already ran when the command was made
            self._first_redo = False
            return
        try:
            self._undo = self._store.undo(self._redo)
        except ProjectError as exc:
            self._refused(exc)
            return
        self._replayed(f"Redid: {self.text()}")

    def undo(self) -> None:
        try:
            self._redo = self._store.undo(self._undo)
        except ProjectError as exc:
            self._refused(exc)
            return
        self._replayed(f"Undid: {self.text()}")

    def _refused(self, exc: ProjectError) -> None:
        # Nothing was changed, and trying again would be refused again: the stack drops this step
        # (an obsolete command is removed) rather than leave Ctrl+Z stuck on it.
        self.setObsolete(True)
        if self._on_refused is not None:
            self._on_refused(f"{self.text()} was not undone or redone: {exc}")

    def _replayed(self, message: str) -> None:
        if self._on_replay is not None:
            self._on_replay(self.document_id, message)
