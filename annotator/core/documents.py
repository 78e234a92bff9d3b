"""Documents: imported text that never changes, with an editable title and a status."""

from __future__ import annotations

import hashlib

from .errors import ProjectError
from .model import STATUSES, Document, DocumentSummary
from .store import Change, Store, now


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Documents:
    def __init__(self, store: Store):
        self._store = store

    def add(self, *, title: str, text: str, source: str = "", encoding: str = "") -> int:
        """Store one document; the caller has checked that its text is new."""
        if not text:
            raise ProjectError("A document needs some text.")
        with self._store.write() as db:
            cursor = db.execute(
                "INSERT INTO documents(title, source, sha256, encoding, imported_at, status, text) "
                "VALUES (?, ?, ?, ?, ?, 'todo', ?)",
                (title.strip() or "Untitled", source, text_sha256(text), encoding, now(), text),
            )
            doc_id = cursor.lastrowid
            self._store.notify(Change("documents_added", document_id=doc_id))
        return doc_id

    def find_by_text(self, text: str) -> int | None:
        row = self._store.conn.execute(
            "SELECT id FROM documents WHERE sha256 = ?", (text_sha256(text),)
        ).fetchone()
        return row[0] if row else None

    _SUMMARY = (
        "SELECT d.id, d.title, d.status, "
        "(SELECT count(*) FROM annotations a WHERE a.document_id = d.id) FROM documents d"
    )

    def summaries(self) -> list[DocumentSummary]:
        return [DocumentSummary(*row) for row in self._store.query(f"{self._SUMMARY} ORDER BY d.id")]

    def summary(self, doc_id: int) -> DocumentSummary:
        row = self._store.conn.execute(f"{self._SUMMARY} WHERE d.id = ?", (doc_id,)).fetchone()
        if row is None:
            raise KeyError(doc_id)
        return DocumentSummary(*row)

    def ids(self) -> list[int]:
        return [row[0] for row in self._store.query("SELECT id FROM documents ORDER BY id")]

    def count(self) -> int:
        return self._store.conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    def get(self, doc_id: int) -> Document:
        row = self._store.conn.execute(
            "SELECT id, title, source, sha256, encoding, imported_at, status, text FROM documents WHERE id = ?",
            (doc_id,),
        ).fetchone()
        if row is None:
            raise KeyError(doc_id)
        return Document(*row)

    def text(self, doc_id: int) -> str:
        return self.get(doc_id).text

    def set_title(self, doc_id: int, title: str) -> None:
        title = " ".join(title.split())
        if not title:
            raise ProjectError("A title cannot be empty.")
        with self._store.write() as db:
            # Same title: no write, so no empty step lands on the undo stack.
            if db.execute("UPDATE documents SET title = ? WHERE id = ? AND title IS NOT ?",
                          (title, doc_id, title)).rowcount:
                self._store.notify(Change("document_changed", document_id=doc_id))

    def set_status(self, doc_id: int, status: str) -> None:
        if status not in STATUSES:
            raise ProjectError(f"Unknown status {status!r}; use one of {', '.join(STATUSES)}.")
        with self._store.write() as db:
            if db.execute("UPDATE documents SET status = ? WHERE id = ? AND status IS NOT ?",
                          (status, doc_id, status)).rowcount:
                self._store.notify(Change("document_changed", document_id=doc_id))

    def memo(self, doc_id: int) -> str:
        row = self._store.conn.execute("SELECT memo FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise KeyError(doc_id)
        return row[0]

    def set_memo(self, doc_id: int, memo: str) -> None:
        """The analyst's note on a whole document (context, doubts, coding decisions)."""
        if self._store.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is None:
            raise ProjectError(f"There is no document {doc_id}; it may have been removed. Choose another document.")
        # Trailing blank lines are an artefact of typing, not content.
        memo = memo.rstrip()
        if memo == self.memo(doc_id):
            return
        with self._store.write() as db:
            db.execute("UPDATE documents SET memo = ? WHERE id = ?", (memo, doc_id))
            self._store.notify(Change("document_changed", document_id=doc_id))

    def next_not_done(self, after_id: int | None) -> int | None:
        """The next document in list order after after_id that is not done, wrapping around.

        Never after_id itself; None when every other document is done.
        """
        ids = [row[0] for row in self._store.query("SELECT id FROM documents WHERE status != 'done' ORDER BY id")]
        if after_id is None:
            return ids[0] if ids else None
        later = [i for i in ids if i > after_id]
        earlier = [i for i in ids if i < after_id]
        return (later or earlier or [None])[0]
