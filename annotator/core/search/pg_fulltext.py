"""Full-text search on a shared project: the same query language and hits as the local engine.

The server keeps each document's words as SQLite's unicode61 tokenizer splits and folds
them (store/pg/search_schema.py: ' word word ', one space between words), so each term
of a parsed query becomes a LIKE pattern with exactly FTS5's meaning: ' cloud ' a word,
' micro' a prefix, ' cloud services ' a phrase, a Hangul word always a prefix. A pg_trgm
index answers the patterns, whatever the script. Only a phrase with a Hangul word before
its last word needs a regular expression (the particle glued to that word).

One thing the server finds that a project file does not: a word in a script written
without spaces (Chinese, Japanese, Thai...) inside a longer run of that script, as
北京 in 我爱北京天安门; the trigram index needs no word boundaries for that.

Which documents match is decided by the server; where in them, by results.py in Python
from the same matchers as the local engine, so hits are the same code-point spans.
Results come in document order, as on the local engine; the count beyond the first page
runs in growing chunks against a deadline, and says "at least" when it runs out.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from annotator.core.common.errors import ProjectError
from annotator.core.search.query import ParsedQuery, Term
from annotator.core.search.results import (
    SearchCancelled,
    SearchFilter,
    SearchPage,
    documents_with_hits,
    page_total,
    label_set,
)
from annotator.core.store.pg.locations import connection_string, describe

if TYPE_CHECKING:
    from annotator.core.store.pg.connection import PgConnection

# A round trip to the server costs what many SQLite steps do: counting gets this many
# times the local engine's budget before the total is given as "at least".
COUNT_BUDGET_FACTOR = 4
FIRST_CHUNK = 500
_CANCELLED = "canceling statement due to user request"
_REGEX_SPECIAL = re.compile(r"([\\^$.|?*+()\[\]{}])")


def is_shared(conn) -> bool:
    return getattr(conn, "engine", "sqlite") == "postgresql"


def open_reader(url: str) -> PgConnection:
    """A read-only connection of its own to a shared project (a search on a worker thread)."""
    # Imported here: psycopg loads only when a shared project is searched.
    from annotator.core.store.pg.connection import PgConnection

    try:
        return PgConnection(connection_string(url), options="-c default_transaction_read_only=on")
    except sqlite3.Error as exc:
        raise ProjectError(f"Cannot reach {describe(url)} to search it ({exc}).") from exc


# -- the query as SQL ---------------------------------------------------------------------


def _like(word: str) -> str:
    # Words hold no ASCII punctuation (unicode61 splits on it), so this never fires; kept for safety.
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def term_pattern(term: Term) -> tuple[str, str]:
    """(operator, pattern) matching the term in a column of search_words."""
    tokens = term.tokens
    # A first or last word in a script without spaces may begin or end inside a word.
    opened = not tokens[0].spaceless
    closed = not (tokens[-1].prefix or tokens[-1].spaceless)
    if any(token.prefix for token in tokens[:-1]):
        # A Hangul word inside a phrase may carry its particle: the rest of its word, then the next.
        body = " ".join(_REGEX_SPECIAL.sub(r"\\\1", t.folded) + ("[^ ]*" if t.prefix else "") for t in tokens)
        return "~", (" " if opened else "") + body + (" " if closed else "")
    body = " ".join(_like(t.folded) for t in tokens)
    return "LIKE", ("% " if opened else "%") + body + (" %" if closed else "%")


def _term_sql(term: Term) -> tuple[str, list]:
    operator, pattern = term_pattern(term)
    return f"(s.title {operator} %s OR s.body {operator} %s)", [pattern, pattern]


def _where(conn: PgConnection, parsed: ParsedQuery, flt: SearchFilter) -> tuple[str, list]:
    clauses, params = [], []
    for group in parsed.groups:
        parts = [_term_sql(term) for term in group]
        clauses.append("(" + " OR ".join(sql for sql, _ in parts) + ")")
        params += [p for _, ps in parts for p in ps]
    for term in parsed.excluded:
        sql, ps = _term_sql(term)
        clauses.append(f"NOT {sql}")
        params += ps
    for sql, ps in _filters(conn, flt):
        clauses.append(sql)
        params += ps
    return " AND ".join(clauses), params


_ROLES = ("entity_id", "source_entity_id", "target_entity_id", "holder_entity_id")


def _filters(conn: PgConnection, flt: SearchFilter) -> list[tuple[str, list]]:
    """The local engine's filters (same messages), each an EXISTS on the matching document."""
    found: list[tuple[str, list]] = []
    if flt.label_ids:
        labels = sorted(label_set(conn, flt.label_ids))
        found.append(("EXISTS (SELECT 1 FROM annotations a WHERE a.document_id = s.document_id "
                      "AND a.label_id = ANY(%s))", [labels]))
    if flt.entity_id is not None:
        if conn.execute("SELECT 1 FROM entities WHERE id = ?", (flt.entity_id,)).fetchone() is None:
            raise ProjectError(f"There is no entity {flt.entity_id} in the registry; choose one from the list.")
        roles = " OR ".join(f"a.{column} = %s" for column in _ROLES)
        found.append((f"EXISTS (SELECT 1 FROM annotations a WHERE a.document_id = s.document_id AND ({roles}))",
                      [flt.entity_id] * len(_ROLES)))
    for key, value in flt.metadata:
        key, value = " ".join(str(key).split()), str(value).strip()
        if not key:
            raise ProjectError("A metadata filter needs a field name, as in outlet=Reuters or language=ko.")
        test, extra = ("AND m.value = %s", [value]) if value else ("", [])
        found.append((f"EXISTS (SELECT 1 FROM document_metadata m WHERE m.document_id = s.document_id "
                      f"AND m.key = %s {test})", [key, *extra]))
    return found


# -- running a search ---------------------------------------------------------------------------


def search(conn: PgConnection, parsed: ParsedQuery, flt: SearchFilter, offset: int, limit: int,
           hits_per_document: int, cancelled: Callable[[], bool], count_seconds: float) -> SearchPage:
    """A page of documents matching the parsed query (fulltext.search checked the arguments)."""
    try:
        where, params = _where(conn, parsed, flt)
        ids = [row[0] for row in conn.execute_native(
            f"SELECT s.document_id FROM search_words s WHERE {where} ORDER BY s.document_id LIMIT %s OFFSET %s",
            (*params, limit, offset))]
        total, exact = page_total(ids, offset, limit, lambda after: _count(
            conn, where, params, after, count_seconds * COUNT_BUDGET_FACTOR))
        documents = documents_with_hits(conn, parsed, ids, hits_per_document, cancelled, inside_words=True)
    except sqlite3.OperationalError as exc:
        if cancelled() or _CANCELLED in str(exc):
            raise SearchCancelled() from exc
        raise
    return SearchPage(parsed.text, total, documents, exact)


def _count(conn: PgConnection, where: str, params: list, after: int, seconds: float) -> tuple[int, bool]:
    """Matches after document `after`, and whether that is all of them or what was counted in time."""
    deadline = time.perf_counter() + seconds
    counted, chunk = 0, FIRST_CHUNK
    while True:
        if time.perf_counter() > deadline:
            return counted, False  # a true lower bound
        n, last = conn.execute_native(
            f"SELECT count(*), max(d) FROM (SELECT s.document_id AS d FROM search_words s WHERE {where} "
            "AND s.document_id > %s ORDER BY s.document_id LIMIT %s) AS chunk", (*params, after, chunk)).fetchone()
        counted += n
        if n < chunk:
            return counted, True
        after, chunk = last, chunk * 2  # doubling: the chunk that passes the deadline costs at most what came before


def query_plan(conn: PgConnection, parsed: ParsedQuery, flt: SearchFilter) -> list[str]:
    """The server's plan for a page of results (EXPLAIN), one line per step."""
    where, params = _where(conn, parsed, flt)
    sql = f"EXPLAIN SELECT s.document_id FROM search_words s WHERE {where} ORDER BY s.document_id LIMIT 50"
    return [row[0] for row in conn.execute_native(sql, params)]
