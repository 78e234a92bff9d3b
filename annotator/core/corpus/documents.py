"""Documents: imported text that never changes, with an editable title and a status."""

from __future__ import annotations

import json
import sqlite3
import weakref
from array import array
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from annotator.core.common.errors import ProjectError
from annotator.core.common.model import STATUSES, Document, DocumentSummary
from annotator.core.search.index import add_to_index
from annotator.core.store.database import Change, ChangeKind, Store, now


def text_sha256(text: str) -> str:
    # A megabyte at a time: encoding a 48 MB text whole would copy it just to hash it.
    import hashlib  # lazy: OpenSSL takes ~3.5 ms to load, and a start-up hashes nothing (issue 17)

    digest = hashlib.sha256()
    for start in range(0, len(text), _HASH_CHARS):
        digest.update(text[start:start + _HASH_CHARS].encode("utf-8"))
    return digest.hexdigest()


_HASH_CHARS = 1 << 20


def utf8_length(text: str) -> int:
    """len(text.encode("utf-8")) without the copy."""
    if text.isascii():
        return len(text)
    return sum(len(text[start:start + _HASH_CHARS].encode("utf-8")) for start in range(0, len(text), _HASH_CHARS))


# The last few texts read, per store: tagging checks and snaps spans against the text, and
# reading a 1 MB article out of SQLite into a str for every key press costs milliseconds.
_TEXTS: "weakref.WeakKeyDictionary[Store, OrderedDict[int, tuple[str, str]]]" = weakref.WeakKeyDictionary()
_KEPT_TEXTS = 4


def document_text(store: Store, doc_id: int) -> str | None:
    """A document's text, or None when there is no such document.

    A text never changes once imported, but an id can come back after an undone import
    with other text; the stored sha256 (read without touching the text's pages) tells.
    """
    row = store.conn.execute("SELECT sha256 FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if row is None:
        return None
    kept = _TEXTS.setdefault(store, OrderedDict())
    hit = kept.get(doc_id)
    if hit is not None and hit[0] == row[0]:
        kept.move_to_end(doc_id)
        return hit[1]
    text = store.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
    kept[doc_id] = (row[0], text)
    while len(kept) > _KEPT_TEXTS:
        kept.popitem(last=False)
    return text


class Documents:
    def __init__(self, store: Store):
        self._store = store

    def add(self, *, title: str, text: str, source: str = "", encoding: str = "") -> int:
        """Store one document; the caller has checked that its text is new."""
        if not text:
            raise ProjectError("A document needs some text.")
        title = title.strip() or "Untitled"
        with self._store.write() as db:
            cursor = db.execute(
                "INSERT INTO documents(title, source, sha256, encoding, imported_at, status, text) "
                "VALUES (?, ?, ?, ?, ?, 'todo', ?)",
                (title, source, text_sha256(text), encoding, now(), text),
            )
            doc_id = cursor.lastrowid
            add_to_index(db, [(doc_id, title, text)])
            self._store.notify(Change(ChangeKind.DOCUMENTS_ADDED, document_id=doc_id))
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

    # -- what the document list shows, a page at a time ------------------------------------

    def listing(self, query: DocumentQuery | None = None) -> Sequence[int]:
        """Ids of the documents the list shows, in list order (import order, which is id order).

        With no filter and no gaps in the ids this is a range: three index look-ups, nothing
        read per document, so opening a 100,000-document project lists it at once.
        """
        query = query or DocumentQuery()
        conn = self._store.conn
        if query.is_empty:
            count = self.count()
            if not count:
                return range(0)
            low = conn.execute("SELECT min(id) FROM documents").fetchone()[0]
            high = conn.execute("SELECT max(id) FROM documents").fetchone()[0]
            if high - low + 1 == count:
                return range(low, high + 1)
            # Ids with gaps (an import undone): read them from the smallest index and sort here,
            # since SQLite's id order would walk the table itself, a page per article.
            return array("q", sorted(row[0] for row in conn.execute("SELECT id FROM documents")))
        _install_functions(conn)
        sql, params = _listing_sql(query)
        return array("q", (row[0] for row in conn.execute(sql, params)))

    _PAGE = (
        "SELECT d.id, d.title, d.status, "
        "(SELECT count(*) FROM annotations a WHERE a.document_id = d.id) FROM documents d "
        "WHERE d.id IN (SELECT value FROM json_each(?))"
    )
    # The same, counting only some coders' annotations (the (coder_id, document_id) index answers it).
    _PAGE_OF_CODERS = (
        "SELECT d.id, d.title, d.status, "
        "(SELECT count(*) FROM annotations a WHERE a.document_id = d.id "
        "AND a.coder_id IN (SELECT value FROM json_each(?))) FROM documents d "
        "WHERE d.id IN (SELECT value FROM json_each(?))"
    )

    def page(self, ids: Sequence[int], coders: Sequence[int] | None = None) -> list[DocumentSummary]:
        """Title, status and annotation count of these documents, in the order given.

        Only the rows asked for are read; each count comes from the (document_id, ...) index.
        With coders (coder ids) the count is of their annotations only, so a coder coding blind
        does not learn from the list how much the others tagged; None counts every coder's.
        A document removed since the ids were listed is left out.
        """
        if not ids:
            return []
        if coders is None:
            rows = self._store.query(self._PAGE, (json.dumps(list(ids)),))
        else:
            rows = self._store.query(self._PAGE_OF_CODERS, (json.dumps(list(coders)), json.dumps(list(ids))))
        found = {row[0]: DocumentSummary(*row) for row in rows}
        return [found[doc_id] for doc_id in ids if doc_id in found]

    def ids(self) -> list[int]:
        return [row[0] for row in self._store.query("SELECT id FROM documents ORDER BY id")]

    def count(self) -> int:
        return self._store.conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    def get(self, doc_id: int, *, with_text: bool = True) -> Document:
        """The document; with_text=False leaves its text "" (panels that show its status or source
        need not read a 1 MB article again)."""
        text = "text" if with_text else "''"
        row = self._store.conn.execute(
            f"SELECT id, title, source, sha256, encoding, imported_at, status, {text} FROM documents WHERE id = ?",
            (doc_id,),
        ).fetchone()
        if row is None:
            raise KeyError(doc_id)
        return Document(*row)

    def text(self, doc_id: int) -> str:
        text = document_text(self._store, doc_id)
        if text is None:
            raise KeyError(doc_id)
        return text

    def set_title(self, doc_id: int, title: str) -> None:
        title = " ".join(title.split())
        if not title:
            raise ProjectError("A title cannot be empty.")
        with self._store.write() as db:
            # Same title: no write, so no empty step lands on the undo stack.
            if db.execute("UPDATE documents SET title = ? WHERE id = ? AND title IS NOT ?",
                          (title, doc_id, title)).rowcount:
                self._store.notify(Change(ChangeKind.DOCUMENT_CHANGED, document_id=doc_id))

    def set_status(self, doc_id: int, status: str) -> None:
        if status not in STATUSES:
            raise ProjectError(f"Unknown status {status!r}; use one of {', '.join(STATUSES)}.")
        with self._store.write() as db:
            if db.execute("UPDATE documents SET status = ? WHERE id = ? AND status IS NOT ?",
                          (status, doc_id, status)).rowcount:
                self._store.notify(Change(ChangeKind.DOCUMENT_CHANGED, document_id=doc_id))

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
            self._store.notify(Change(ChangeKind.DOCUMENT_CHANGED, document_id=doc_id))

    def next_not_done(self, after_id: int | None) -> int | None:
        """The next document in list order after after_id that is not done, wrapping around.

        Never after_id itself; None when every other document is done.
        """
        # Two look-ups along the id order that stop at the first match, not a read of every document.
        first = "SELECT id FROM documents WHERE status != 'done' AND id {} ? ORDER BY id LIMIT 1"
        after = -1 if after_id is None else after_id
        row = self._store.conn.execute(first.format(">"), (after,)).fetchone()
        if row is None and after_id is not None:
            row = self._store.conn.execute(first.format("<"), (after_id,)).fetchone()
        return row[0] if row else None


@dataclass(frozen=True)
class DocumentQuery:
    """Which documents the list shows; the empty query shows every one.

    title: the title contains this, ignoring case and spacing.
    field / field_text: the metadata field `field` (any field when None) contains field_text,
    ignoring case; field_text "" keeps the documents that have the field; None: no such condition.
    among: only these documents (what a filter answered elsewhere, e.g. stance toward a target).
    """

    title: str = ""
    field: str | None = None
    field_text: str | None = None
    among: frozenset[int] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", " ".join(self.title.split()).casefold())
        if self.field_text is not None:
            object.__setattr__(self, "field_text", self.field_text.strip().casefold())
        if self.among is not None:
            object.__setattr__(self, "among", frozenset(self.among))

    @property
    def is_empty(self) -> bool:
        return not self.title and self.field_text is None and self.among is None


def _listing_sql(query: DocumentQuery) -> tuple[str, list[object]]:
    """One statement for the whole filter. Conditions on other tables come first as id sets,
    so the title is looked at only for the documents they let through."""
    where: list[str] = []
    params: list[object] = []
    if query.among is not None:
        where.append("d.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(query.among)))
    if query.field_text is not None:
        # The (key, value) index answers this without reading a document.
        inner = "SELECT m.document_id FROM document_metadata m WHERE instr(annotator_casefold(m.value), ?) > 0"
        params.append(query.field_text)
        if query.field is not None:
            inner += " AND m.key = ?"
            params.append(query.field)
        where.append(f"d.id IN ({inner})")
    if query.title:
        where.append("instr(annotator_title_key(d.title), ?) > 0")
        params.append(query.title)
    return f"SELECT d.id FROM documents d WHERE {' AND '.join(where)} ORDER BY d.id", params


def title_key(title: str) -> str:
    """A title as the list filter compares it: spacing collapsed, case folded (any script)."""
    return " ".join(title.split()).casefold()


def _install_functions(conn: sqlite3.Connection) -> None:
    # Python's casefold, not SQLite's lower(), which folds only ASCII (Ä, Σ, Ǆ...).
    # Registering again replaces the same function: cheap, and safe on a reopened connection.
    conn.create_function("annotator_title_key", 1, title_key, deterministic=True)
    conn.create_function("annotator_casefold", 1, lambda text: text.casefold() if text else "",
                         deterministic=True)
