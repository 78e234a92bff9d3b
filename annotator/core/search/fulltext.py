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
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from annotator.core.common.errors import ProjectError
from annotator.core.store.lock import read_only_uri
from annotator.core.common.protocols import ProjectLike
from annotator.core.search.query import TOKENIZER, ParsedQuery, hits, parse

CONTEXT = 60  # code points of context on each side of a hit
MAX_LIMIT = 1000
MAX_HITS_PER_DOCUMENT = 100_000  # document_hits: every hit a result row can list
COUNT_SECONDS = 0.015  # how long counting all matches may take before the total is given as "at least"
# A filter matching at most this many rows is read into a set of documents once;
# a larger one is checked per matching document through the indexes (EXPLAIN QUERY PLAN in the tests).
SMALL_FILTER = 2000
_SPACES = re.compile(r"\s+")
_MATCH = "documents_fts MATCH ?"
READER_CACHE_KB = 32_000
PROGRESS_STEPS = 1000  # SQLite steps between looks at the clock and at interrupt()


@dataclass(frozen=True)
class SearchFilter:
    """Which documents may match: all conditions hold; empty means every document."""

    label_ids: tuple[int, ...] = ()  # documents carrying an annotation with one of these labels (a group: its labels)
    entity_id: int | None = None  # documents where this registry entity is linked (entity span or a role)
    metadata: tuple[tuple[str, str], ...] = ()  # (key, value) pairs that must all hold; value "" = has the key


@dataclass(frozen=True)
class Hit:
    """One place a search matched: code-point offsets into the document text, and the words around it.

    match is text[start:end]; before and after show up to CONTEXT code points cut at
    word boundaries, with line breaks as spaces and "…" where the text goes on.
    """

    start: int
    end: int
    before: str
    match: str
    after: str


@dataclass(frozen=True)
class DocumentHits:
    """A matching document: how often the text matched and the first hits in text order.

    hit_count 0 means the title matched (or, with several words, some of them only in the title).
    """

    document_id: int
    title: str
    hit_count: int
    hits: list[Hit]


@dataclass(frozen=True)
class SearchPage:
    query: str
    total_documents: int
    documents: list[DocumentHits]
    total_is_exact: bool = True  # False: at least total_documents match; counting them all ran out of time


class SearchCancelled(Exception):
    """The search was interrupted (the analyst typed again); nothing to show."""


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


class Searcher:
    """Searches a project through its own read-only connection; interrupt() stops a running search."""

    def __init__(self, path: str | Path):
        self._conn = open_reader(path)
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

    project: a Project (its own connection is used), a Searcher, or an sqlite3 connection.
    A Hangul word matches as the start of a word, so 삼성전자 finds 삼성전자가.
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
    found = _documents(conn, parse(query), [document_id], MAX_HITS_PER_DOCUMENT, lambda: False)
    if not found:
        raise ProjectError("That document was removed after the search; search again.")
    return found[0]


def query_plan(project: ProjectLike, query: str, flt: SearchFilter = SearchFilter()) -> list[str]:
    """SQLite's plan for a page of results, to check that the index drives it and nothing is sorted."""
    conn = project if isinstance(project, sqlite3.Connection) else project.store.conn
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
    clock = _Clock(cancelled)
    conn.set_progress_handler(clock, PROGRESS_STEPS)
    try:
        where, params = _where(conn, parsed, flt)
        ids = [row[0] for row in conn.execute(
            f"SELECT rowid FROM documents_fts WHERE {where} ORDER BY rowid LIMIT ? OFFSET ?",
            (*params, limit, offset))]
        if len(ids) < limit and (ids or offset == 0):
            total, exact = offset + len(ids), True
        else:
            shown = offset + len(ids) if ids else 0
            total, exact = _count(conn, where, params, ids[-1] if ids else 0, clock, filtered=where != _MATCH)
            total += shown
        documents = _documents(conn, parsed, ids, hits_per_document, cancelled)
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


def _documents(conn: sqlite3.Connection, parsed: ParsedQuery, ids: list[int], per_document: int,
               cancelled: Callable[[], bool]) -> list[DocumentHits]:
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    rows = {row[0]: row for row in conn.execute(f"SELECT id, title, text FROM documents WHERE id IN ({marks})", ids)}
    matchers: dict[bool, list] = {}
    found = []
    for doc_id in ids:
        if cancelled():
            raise SearchCancelled()
        if doc_id not in rows:
            continue  # removed since the index answered
        _id, title, text = rows[doc_id]
        folded = TOKENIZER.fold(text)
        dropped = "\x00" in folded  # a combining accent the index drops: patterns that skip it
        if dropped not in matchers:
            matchers[dropped] = parsed.matchers(dropped)
        count, shown = 0, []
        for start, end in hits(matchers[dropped], folded):
            count += 1
            if len(shown) < per_document:
                shown.append(_hit(text, start, end))
        found.append(DocumentHits(doc_id, title, count, shown))
    return found


def _hit(text: str, start: int, end: int) -> Hit:
    left = max(0, start - CONTEXT)
    before = text[left:start]
    if left > 0:
        cut = re.search(r"\s", before) if not text[left - 1].isspace() else None
        # Drop the word the window cut in two (unless it is all there is: text without spaces).
        before = "…" + (before[cut.end():] if cut and cut.end() < len(before) else before)
    right = min(len(text), end + CONTEXT)
    after = text[end:right]
    if right < len(text):
        cut = _last_space(after) if not text[right].isspace() else len(after)
        after = (after[:cut] if cut > 0 else after) + "…"
    return Hit(start, end, _SPACES.sub(" ", before), text[start:end], _SPACES.sub(" ", after))


def _last_space(text: str) -> int:
    found = [m.start() for m in _SPACES.finditer(text)]
    return found[-1] if found else -1


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
        labels = sorted(_label_set(conn, flt.label_ids))
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


def _label_set(conn: sqlite3.Connection, label_ids: tuple[int, ...]) -> set[int]:
    """The labels chosen, a group standing for every label under it."""
    rows = conn.execute("SELECT id, parent_id FROM labels").fetchall()
    known = {row[0] for row in rows}
    children: dict[int | None, list[int]] = {}
    for label_id, parent in rows:
        children.setdefault(parent, []).append(label_id)
    chosen: set[int] = set()
    pending = list(label_ids)
    while pending:
        label_id = pending.pop()
        if label_id not in known:
            raise ProjectError(f"There is no label {label_id} in the codebook; choose a label from the list.")
        if label_id not in chosen:
            chosen.add(label_id)
            pending.extend(children.get(label_id, []))
    return chosen
