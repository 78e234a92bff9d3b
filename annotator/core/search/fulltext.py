"""Full-text search over every document of a project, with keyword-in-context lines.

The FTS5 index (schema 4, `documents_fts`) finds the documents; the query
language is in search_query.py. Results come in document order (the order of
the document list), not ranked by bm25: ranking has to score every matching
document before the first page can be shown, which for a word in half of
100,000 articles took ~57 ms against ~0.06 ms in document order, and document
order is deterministic and pages never overlap.

Counting all matches can cost more than finding the first page (a filter checked
on 50,000 matches), so the count runs against a deadline: when it runs out,
SearchPage says how many are known so far and that the total is not exact.

A search can run on a worker thread: Searcher opens its own read-only connection,
so it never waits for the window's connection nor holds it up, and interrupt()
stops it when the analyst types again.

A shared project is searched by its server instead (pg_fulltext.py), with the same
query language, results and hits; the entry points here hand it over.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from annotator.core.common.errors import ProjectError
from annotator.core.common.protocols import ProjectLike
from annotator.core.search import pg_fulltext
from annotator.core.search.query import ParsedQuery, parse
from annotator.core.search.results import (  # noqa: F401 (the search API's types live here for its callers)
    CONTEXT,
    MAX_HITS_PER_DOCUMENT,
    DocumentHits,
    Hit,
    SearchCancelled,
    SearchFilter,
    SearchPage,
    documents_with_hits,
    label_set,
    page_total,
)
from annotator.core.store.lock import read_only_uri
from annotator.core.store.pg.locations import is_url

MAX_LIMIT = 1000
COUNT_SECONDS = 0.015  # how long counting all matches may take before the total is given as "at least"
# A filter matching at most this many rows is read into a set of documents once;
# a larger one is checked per matching document through the indexes (EXPLAIN QUERY PLAN in the tests).
SMALL_FILTER = 2000
_MATCH = "documents_fts MATCH ?"
READER_CACHE_KB = 32_000
PROGRESS_STEPS = 1000  # SQLite steps between looks at the clock and at interrupt()


def open_reader(path: str | Path) -> sqlite3.Connection:
    """A read-only connection of its own to a project file, usable from any one thread at a time."""
    try:
        # Also in a read-only folder or disk, where SQLite cannot make the -shm it reads through.
        uri = read_only_uri(path)
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        # Filters read annotation rows all over the file; SQLite's default 2 MB of cache
        # kept missing them (a filtered first page took twice as long).
        conn.execute(f"PRAGMA cache_size = -{READER_CACHE_KB:d}")
        return conn
    except sqlite3.Error as exc:
        raise ProjectError(f"Cannot read {path} to search it ({exc}).") from exc


def location_of(project: ProjectLike) -> str | Path:
    """What a Searcher opens for a project: its file, or a shared project's URL."""
    return getattr(project.store, "url", None) or project.path


class Searcher:
    """Searches a project through its own read-only connection; interrupt() stops a running search.

    location: a project file's path, or a shared project's postgresql:// URL (location_of()).
    """

    def __init__(self, location: str | Path):
        self._conn = pg_fulltext.open_reader(location) if is_url(location) else open_reader(location)
        self._lock = threading.Lock()
        self._stop = False

    def search(self, query: str, flt: SearchFilter = SearchFilter(), *, offset: int = 0, limit: int = 50,
               hits_per_document: int = 5) -> SearchPage:
        with self._lock:
            self._stop = False
            return _search(self._conn, query, flt, offset, limit, hits_per_document, lambda: self._stop)

    def interrupt(self) -> None:
        """Stop the search running now (from any thread); it raises SearchCancelled."""
        self._stop = True
        self._conn.interrupt()

    def close(self) -> None:
        self.interrupt()
        with self._lock:
            self._conn.close()

    def __enter__(self) -> "Searcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def search(project: ProjectLike, query: str, flt: SearchFilter = SearchFilter(), *, offset: int = 0, limit: int = 50,
           hits_per_document: int = 5) -> SearchPage:
    """Documents matching `query` (see search_query.py), in document order, a page at a time.

    project: a Project (its own connection is used, a shared project's too), a Searcher, or an
    sqlite3 connection. A Hangul word matches as the start of a word, so 삼성전자 finds 삼성전자가.
    Bad queries and filters raise ProjectError with what to type instead.
    """
    if isinstance(project, Searcher):
        return project.search(query, flt, offset=offset, limit=limit, hits_per_document=hits_per_document)
    conn = project if isinstance(project, sqlite3.Connection) else project.store.conn
    return _search(conn, query, flt, offset, limit, hits_per_document, lambda: False)


def document_hits(project: ProjectLike, query: str, document_id: int) -> DocumentHits:
    """Every hit of `query` in one document, in text order: a result row lists only the first few.

    project: a Project or an sqlite3 connection. Raises ProjectError when the document is gone.
    """
    conn = project if isinstance(project, sqlite3.Connection) else project.store.conn
    found = documents_with_hits(conn, parse(query), [document_id], MAX_HITS_PER_DOCUMENT, lambda: False,
                                inside_words=pg_fulltext.is_shared(conn))
    if not found:
        raise ProjectError("That document was removed after the search; search again.")
    return found[0]


def query_plan(project: ProjectLike, query: str, flt: SearchFilter = SearchFilter()) -> list[str]:
    """SQLite's plan for a page of results, to check that the index drives it and nothing is sorted.

    On a shared project: the server's plan (EXPLAIN), to check that its trigram indexes drive it.
    """
    conn = project if isinstance(project, sqlite3.Connection) else project.store.conn
    if pg_fulltext.is_shared(conn):
        return pg_fulltext.query_plan(conn, parse(query), flt)
    where, params = _where(conn, parse(query), flt)
    sql = f"EXPLAIN QUERY PLAN SELECT rowid FROM documents_fts WHERE {where} ORDER BY rowid LIMIT 50"
    return [row[-1] for row in conn.execute(sql, params)]


# -- running a search ------------------------------------------------------------------


class _Clock:
    """The progress handler's state: stop when cancelled, or when counting passes its deadline."""

    def __init__(self, cancelled: Callable[[], bool]):
        self.cancelled = cancelled
        self.deadline: float | None = None

    def __call__(self) -> int:
        if self.cancelled():
            return 1
        return 1 if self.deadline is not None and time.perf_counter() > self.deadline else 0


def _search(conn: sqlite3.Connection, query: str, flt: SearchFilter, offset: int, limit: int,
            hits_per_document: int, cancelled: Callable[[], bool]) -> SearchPage:
    if offset < 0 or not 1 <= limit <= MAX_LIMIT or hits_per_document < 0:
        raise ProjectError(f"Ask for 1 to {MAX_LIMIT} documents from an offset of 0 or more.")
    parsed = parse(query)
    if pg_fulltext.is_shared(conn):
        return pg_fulltext.search(conn, parsed, flt, offset, limit, hits_per_document, cancelled, COUNT_SECONDS)
    clock = _Clock(cancelled)
    conn.set_progress_handler(clock, PROGRESS_STEPS)
    try:
        where, params = _where(conn, parsed, flt)
        ids = [row[0] for row in conn.execute(
            f"SELECT rowid FROM documents_fts WHERE {where} ORDER BY rowid LIMIT ? OFFSET ?",
            (*params, limit, offset))]
        total, exact = page_total(ids, offset, limit, lambda after: _count(
            conn, where, params, after, clock, filtered=where != _MATCH))
        documents = documents_with_hits(conn, parsed, ids, hits_per_document, cancelled)
    except sqlite3.OperationalError as exc:
        if cancelled() or "interrupted" in str(exc):
            raise SearchCancelled() from exc
        raise
    finally:
        conn.set_progress_handler(None, 0)
    return SearchPage(query, total, documents, exact)


def _count(conn: sqlite3.Connection, where: str, params: list, after: int, clock: _Clock,
           filtered: bool) -> tuple[int, bool]:
    """Matches after rowid `after`, and whether that is all of them or as many as were counted in time.

    The index alone counts 50,000 matches in a few milliseconds, in one go. With filters
    each match costs a lookup, so they are counted in growing chunks: when time runs
    out, the chunks done are a true lower bound.
    """
    counted, chunk = 0, 250
    clock.deadline = time.perf_counter() + COUNT_SECONDS
    try:
        if not filtered:
            sql = f"SELECT count(*) FROM documents_fts WHERE {where} AND rowid > ?"
            return conn.execute(sql, (*params, after)).fetchone()[0], True
        while True:
            n, last = conn.execute(
                f"SELECT count(*), max(r) FROM (SELECT rowid AS r FROM documents_fts WHERE {where} AND rowid > ? "
                "ORDER BY rowid LIMIT ?)", (*params, after, chunk)).fetchone()
            counted += n
            if n < chunk:
                return counted, True
            after, chunk = last, chunk * 2
    except sqlite3.OperationalError:
        if clock.cancelled():
            raise
        return counted, False  # out of time: what was counted is a true lower bound
    finally:
        clock.deadline = None


# -- filters ---------------------------------------------------------------------------


def _where(conn: sqlite3.Connection, parsed: ParsedQuery, flt: SearchFilter) -> tuple[str, list]:
    """The WHERE clause over documents_fts: the match, then each filter.

    A large filter is an EXISTS per matching document through the document's own
    indexes; a small one becomes a list of documents, tested with "+rowid" so that
    SQLite keeps scanning the index in document order instead of probing the index
    once per listed document and sorting (that plan took 2 s for a common label).
    """
    clauses, params = [_MATCH], [parsed.expression()]
    filters = _filters(conn, flt)
    small = [f for f in filters if f.is_small(conn)]
    if small:
        documents = set.intersection(*(f.documents(conn) for f in small))
        clauses.append("+rowid IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(documents)))
    for f in filters:
        if f not in small:
            clauses.append(f.exists)
            params.extend(f.params)
    return " AND ".join(clauses), params


@dataclass(frozen=True)
class _Filter:
    exists: str  # per matching document, correlated on documents_fts.rowid
    params: tuple
    rows: str  # the rows that satisfy it, each with its document_id
    row_params: tuple

    def is_small(self, conn: sqlite3.Connection) -> bool:
        sql = f"SELECT count(*) FROM (SELECT 1 FROM ({self.rows}) LIMIT ?)"
        return conn.execute(sql, (*self.row_params, SMALL_FILTER + 1)).fetchone()[0] <= SMALL_FILTER

    def documents(self, conn: sqlite3.Connection) -> set[int]:
        return {row[0] for row in conn.execute(f"SELECT document_id FROM ({self.rows})", self.row_params)}


_ENTITY_COLUMNS = ("entity_id", "source_entity_id", "target_entity_id", "holder_entity_id")


def _filters(conn: sqlite3.Connection, flt: SearchFilter) -> list[_Filter]:
    found = []
    if flt.label_ids:
        labels = sorted(label_set(conn, flt.label_ids))
        marks = ", ".join("?" * len(labels))
        found.append(_Filter(
            f"EXISTS (SELECT 1 FROM annotations a WHERE a.document_id = documents_fts.rowid AND a.label_id IN ({marks}))",
            tuple(labels), f"SELECT document_id FROM annotations WHERE label_id IN ({marks})", tuple(labels)))
    if flt.entity_id is not None:
        if conn.execute("SELECT 1 FROM entities WHERE id = ?", (flt.entity_id,)).fetchone() is None:
            raise ProjectError(f"There is no entity {flt.entity_id} in the registry; choose one from the list.")
        roles = " OR ".join(f"a.{column} = ?" for column in _ENTITY_COLUMNS)
        # One SELECT per role column, each on its own index: with OR, SQLite would read every annotation.
        # INDEXED BY: statistics from a corpus where roles are rare (all NULL) make SQLite think a
        # role index useless and read all annotations; the index names are fixed by schema 2.
        rows = " UNION ALL ".join(f"SELECT document_id FROM annotations INDEXED BY idx_annotations_{column} "
                                  f"WHERE {column} = ?" for column in _ENTITY_COLUMNS)
        found.append(_Filter(f"EXISTS (SELECT 1 FROM annotations a WHERE a.document_id = documents_fts.rowid "
                             f"AND ({roles}))", (flt.entity_id,) * 4, rows, (flt.entity_id,) * 4))
    for key, value in flt.metadata:
        key, value = " ".join(str(key).split()), str(value).strip()
        if not key:
            raise ProjectError("A metadata filter needs a field name, as in outlet=Reuters or language=ko.")
        test, extra = ("AND m.value = ?", (value,)) if value else ("", ())
        found.append(_Filter(
            f"EXISTS (SELECT 1 FROM document_metadata m WHERE m.document_id = documents_fts.rowid AND m.key = ? {test})",
            (key, *extra), f"SELECT document_id FROM document_metadata m WHERE m.key = ? {test}", (key, *extra)))
    return found
