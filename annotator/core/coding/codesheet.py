"""A document's codesheet: each coder's answers to the document variables, and whether they are done.

Answers belong to a coder: the current one (Coders.current_name) unless a name is given.
A document is done for a coder when every required variable has their answer and they have
coded it: answered any variable, or said so (mark_coded: a record imported as coded, or a
document with nothing to code). Done is worked out each time from the answers, never kept
as a flag that could go stale when the codebook gains a required variable.
"""

from __future__ import annotations

from collections.abc import Mapping

from annotator.core.coding.coders import Coders
from annotator.core.coding.variables import Variables, normalise_value
from annotator.core.common.errors import ProjectError
from annotator.core.common.model import Variable
from annotator.core.store.database import Change, ChangeKind, Store, now


class Codesheet:
    def __init__(self, store: Store, variables: Variables, coders: Coders):
        self._store = store
        self._variables = variables
        self._coders = coders

    # -- reading ---------------------------------------------------------------

    def answers(self, doc_id: int, coder: str | None = None) -> dict[int, str]:
        """The coder's stored answers for the document: variable id -> value (variables.py's form)."""
        coder_id = self._coder_id(coder)
        if coder_id is None:
            return {}
        return dict(self._store.query("SELECT variable_id, value FROM variable_values WHERE document_id = ? "
                                      "AND coder_id = ?", (doc_id, coder_id)))

    def missing_required(self, doc_id: int, coder: str | None = None) -> list[Variable]:
        """The required variables the coder has not answered for the document, in codesheet order."""
        given = self.answers(doc_id, coder)
        return [v for v in self._variables.list() if v.required and v.id not in given]

    def is_marked(self, doc_id: int, coder: str | None = None) -> bool:
        coder_id = self._coder_id(coder)
        return coder_id is not None and self._store.conn.execute(
            "SELECT 1 FROM coded_documents WHERE document_id = ? AND coder_id = ?", (doc_id, coder_id)
        ).fetchone() is not None

    def is_done(self, doc_id: int, coder: str | None = None) -> bool:
        """Whether the coder has coded the document (answered or marked it) with every required variable answered."""
        if self.missing_required(doc_id, coder):
            return False
        return bool(self.answers(doc_id, coder)) or self.is_marked(doc_id, coder)

    # -- writing ---------------------------------------------------------------

    def set(self, doc_id: int, variable: Variable | str | int, value: object, *, coder: str | None = None) -> str | None:
        """Answer (or with None or "" clear) one variable for the document as the coder, as one edit.

        Returns the answer as stored; a value the variable cannot take is refused with what it takes."""
        return self.set_many(doc_id, {variable: value}, coder=coder)[0]

    def clear(self, doc_id: int, variable: Variable | str | int, *, coder: str | None = None) -> None:
        self.set(doc_id, variable, None, coder=coder)

    def set_many(self, doc_id: int, values: Mapping[Variable | str | int, object], *,
                 coder: str | None = None) -> list[str | None]:
        """Several answers as one edit; every value is checked first, so a bad one changes nothing."""
        self._check_document(doc_id)
        stored = [(variable, normalise_value(variable, value))
                  for variable, value in ((self._variable(key), value) for key, value in values.items())]
        current = self.answers(doc_id, coder)
        if all(current.get(variable.id) == value for variable, value in stored):
            return [value for _variable, value in stored]
        stamp = now()
        with self._store.write() as db:
            coder_id = self._write_coder_id(db, coder)
            for variable, value in stored:
                if value is None:
                    db.execute("DELETE FROM variable_values WHERE document_id = ? AND variable_id = ? "
                               "AND coder_id = ?", (doc_id, variable.id, coder_id))
                elif current.get(variable.id) != value:
                    db.execute("INSERT INTO variable_values(document_id, variable_id, coder_id, value, updated_at) "
                               "VALUES (?, ?, ?, ?, ?) ON CONFLICT(document_id, variable_id, coder_id) DO UPDATE "
                               "SET value = excluded.value, updated_at = excluded.updated_at",
                               (doc_id, variable.id, coder_id, value, stamp))
            self._store.notify(Change(ChangeKind.CODESHEET_CHANGED, doc_id))
        return [value for _variable, value in stored]

    def mark_coded(self, doc_id: int, coded: bool = True, *, coder: str | None = None) -> None:
        """Say the coder has coded the document (or take that back), as one edit."""
        self._check_document(doc_id)
        if self.is_marked(doc_id, coder) == coded:
            return
        with self._store.write() as db:
            coder_id = self._write_coder_id(db, coder)
            if coded:
                db.execute("INSERT INTO coded_documents(document_id, coder_id, coded_at) VALUES (?, ?, ?)",
                           (doc_id, coder_id, now()))
            else:
                db.execute("DELETE FROM coded_documents WHERE document_id = ? AND coder_id = ?", (doc_id, coder_id))
            self._store.notify(Change(ChangeKind.CODESHEET_CHANGED, doc_id))

    # -- helpers ---------------------------------------------------------------

    def _coder_id(self, coder: str | None) -> int | None:
        found = self._coders.current if coder is None else self._coders.by_name(coder)
        return None if found is None else found.id

    def _write_coder_id(self, db, coder: str | None) -> int:
        return self._coders.current_id(db) if coder is None else self._coders.id_for(db, coder)

    def _variable(self, key: Variable | str | int) -> Variable:
        if isinstance(key, Variable):
            return self._variables.get(key.id)  # as stored now, not as the caller last read it
        if isinstance(key, int) and not isinstance(key, bool):
            return self._variables.get(key)
        return self._variables.named(key)

    def _check_document(self, doc_id: int) -> None:
        if self._store.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is None:
            raise ProjectError(f"There is no document {doc_id}.")
