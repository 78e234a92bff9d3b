"""The search index's health: FTS5's own integrity check, and rebuilding the index from the documents."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from annotator.core.store.database import Store


def add_to_index(conn: sqlite3.Connection, documents: Iterable[tuple[int, str, str]]) -> None:
    """Index newly inserted documents, given as (id, title, text), in the caller's transaction.

    Every path that inserts into documents calls this right after (see schema.py's v4
    step for why no trigger does it); together with the row they are one transaction.
    A shared project's server indexes its documents itself.
    """
    if getattr(conn, "engine", "sqlite") == "postgresql":
        return
    conn.executemany("INSERT INTO documents_fts(rowid, title, text) VALUES (?, ?, ?)", documents)


def check_index(path: str | Path) -> tuple[bool | None, str]:
    """Does the search index of a closed project agree with its documents?

    (True, a line saying so), (False, the problem and what to do), or (None, why it
    was not checked). FTS5's integrity check is an INSERT, which a read-only
    connection refuses; it writes nothing, and runs here inside a transaction that
    is rolled back, on a connection opened only when no -wal or -journal file says
    another program has the project open or a crash left changes to replay.
    """
    path = Path(path)
    if any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-journal")):
        return None, ("Search index: not checked while the project is open in Annotator (or after a crash); "
                      "close it, or open and close it once, and check again.")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        return None, f"Search index: not checked ({exc})."
    try:
        conn.execute("BEGIN")
        try:
            conn.execute("INSERT INTO documents_fts(documents_fts, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as exc:
            if "CORRUPT" not in (getattr(exc, "sqlite_errorname", "") or ""):
                return None, f"Search index: not checked ({exc})."
            return False, ("The search index does not match the documents: searches may miss documents or find "
                           "ones that no longer say so. Run `annotator check --repair` to rebuild it from the "
                           "documents (close the project in Annotator first).")
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        return True, "Search index: ok"
    except sqlite3.Error as exc:
        return None, f"Search index: not checked ({exc})."
    finally:
        conn.close()


def check_shared_index(conn) -> tuple[bool | None, str]:
    """check_index for a shared project: do the server's words agree with its documents?

    Each document is folded again on the server and compared with what the index holds
    (a few seconds for 100,000 articles); the same answers as check_index.
    """
    try:
        missing, stale = conn.execute_native(
            "SELECT count(*) FILTER (WHERE s.document_id IS NULL), "
            "count(*) FILTER (WHERE s.title <> annotator_search_fold(d.title) "
            "OR s.body <> annotator_search_fold(d.text)) "
            "FROM documents d LEFT JOIN search_words s ON s.document_id = d.id").fetchone()
    except sqlite3.Error as exc:
        return None, f"Search index: not checked ({exc})."
    if missing or stale:
        return False, (f"The search index does not match the documents ({missing} missing, {stale} out of date): "
                       "searches may miss documents or find ones that no longer say so. Run `annotator check "
                       "--repair` to rebuild it from the documents.")
    return True, "Search index: ok"


def rebuild_index(store: Store) -> None:
    """Rebuild the search index from the documents' titles and texts (not an undoable edit).

    On a shared project the server's words (store/pg/search_schema.py) are folded again.
    """
    with store.write(undoable=False) as db:
        if getattr(db, "engine", "sqlite") == "postgresql":
            db.execute_native(
                "INSERT INTO search_words(document_id, title, body) "
                "SELECT id, annotator_search_fold(title), annotator_search_fold(text) FROM documents "
                "ON CONFLICT (document_id) DO UPDATE SET title = excluded.title, body = excluded.body")
            return
        db.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")
