"""A PostgreSQL connection the core can use as it uses sqlite3's: execute, executemany, fetch, lastrowid.

The core calls `conn.execute(sql, params).fetchall()` with SQLite's SQL; this class hands
the statement through dialect.translate and psycopg, gives back plain tuples, and raises
its errors as sqlite3's classes (each also carrying psycopg's as its cause), so the core's
`except sqlite3.IntegrityError` means the same on both engines. The connection runs in
autocommit mode: the Store's own BEGIN/COMMIT/SAVEPOINT statements are the transactions,
exactly as on SQLite.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

import psycopg
from psycopg import errors as pg_errors
from psycopg.pq import TransactionStatus
from psycopg.types.numeric import FloatLoader

from annotator.core.store.pg.dialect import explicit_id_table, translate

# SQLSTATE classes that mean the server is gone (08: connection exception; 57P: operator
# intervention such as a shutdown); the window says "unreachable" for these.
LOST_STATES = ("08", "57P")
CONFLICT_STATE = "40001"  # raised by the server's row-version check (see server_schema.py)
# Seconds to wait for a server to answer a new connection, unless the URL says otherwise: a read
# or edit while the server is away then fails in moments instead of hanging the window.
CONNECT_TIMEOUT = 5
# Statements that change nothing (or only begin a transaction): repeated on a new session when the
# old one turned out broken, as nothing of them can have been applied before.
_REPEATABLE = re.compile(r"\s*(SELECT|BEGIN|START\s+TRANSACTION|SHOW|VALUES)\b", re.IGNORECASE)
_WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


_streams = itertools.count(1)
T = TypeVar("T")


class ServerUnreachable(sqlite3.OperationalError):
    """The server cannot be reached now; nothing of the statement was applied."""


class WriteConflict(sqlite3.OperationalError):
    """Another coder changed a row this edit would overwrite (the server's row-version check)."""


class PermissionRefused(sqlite3.OperationalError):
    """The server's roles or row-level security refused the statement."""


def _sqlite_error(exc: psycopg.Error) -> sqlite3.Error:
    state = getattr(exc, "sqlstate", None) or ""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if not state and "permission denied for database" in str(exc):
        # A login without CONNECT (no role in the project, roles.py): the server is there and said no.
        return PermissionRefused(message)
    if isinstance(exc, psycopg.OperationalError) and (not state or state.startswith(LOST_STATES)):
        return ServerUnreachable(message)
    if state.startswith(LOST_STATES):
        return ServerUnreachable(message)
    if state == CONFLICT_STATE:
        return WriteConflict(message.removeprefix("ERROR:").strip())
    if isinstance(exc, (pg_errors.InsufficientPrivilege,)) or state == "42501":
        return PermissionRefused(message)
    if isinstance(exc, psycopg.DataError):
        return sqlite3.DataError(message)
    if isinstance(exc, psycopg.IntegrityError):
        return sqlite3.IntegrityError(_sqlite_constraint_message(exc) or message)
    if isinstance(exc, psycopg.OperationalError):
        return sqlite3.OperationalError(message)
    return sqlite3.DatabaseError(message)


_KEY_COLUMNS = re.compile(r"^Key \((.*?)\)=")


def _sqlite_constraint_message(exc: psycopg.Error) -> str | None:
    """A broken constraint in SQLite's words ("NOT NULL constraint failed: documents.title"), which
    the core's messages and reports quote: the same refusal reads the same on both engines."""
    diag = exc.diag
    table = diag.table_name or ""
    if isinstance(exc, pg_errors.NotNullViolation) and diag.column_name:
        return f"NOT NULL constraint failed: {table}.{diag.column_name}"
    if isinstance(exc, pg_errors.UniqueViolation):
        found = _KEY_COLUMNS.match(diag.message_detail or "")
        columns = [name.strip().strip('"') for name in found.group(1).split(",")] if found else []
        return "UNIQUE constraint failed: " + ", ".join(f"{table}.{name}" for name in columns) if columns else None
    if isinstance(exc, pg_errors.ForeignKeyViolation):
        return "FOREIGN KEY constraint failed"
    if isinstance(exc, pg_errors.CheckViolation):
        return f"CHECK constraint failed: {diag.constraint_name or table}"
    return None


def _repeatable(statement: str) -> bool:
    if _REPEATABLE.match(statement):
        return True
    return statement.lstrip()[:4].upper() == "WITH" and not _WRITES.search(statement)


def _rolls_back_whole(statement: str) -> bool:
    words = statement.split()
    return bool(words) and words[0].upper() in ("ROLLBACK", "ABORT") and "TO" not in (w.upper() for w in words[1:3])


class Cursor:
    """What one execute() returned: its rows (already fetched), rowcount and lastrowid."""

    __slots__ = ("_rows", "_at", "rowcount", "lastrowid", "description")

    def __init__(self, rows: list[tuple], rowcount: int, lastrowid: int | None, description) -> None:
        self._rows, self._at, self.rowcount, self.lastrowid, self.description = rows, 0, rowcount, lastrowid, description

    def fetchone(self) -> tuple | None:
        if self._at >= len(self._rows):
            return None
        row = self._rows[self._at]
        self._at += 1
        return row

    def fetchall(self) -> list[tuple]:
        rows = self._rows[self._at:]
        self._at = len(self._rows)
        return rows

    def fetchmany(self, size: int = 1) -> list[tuple]:
        rows = self._rows[self._at:self._at + size]
        self._at += len(rows)
        return rows

    def __iter__(self):
        while (row := self.fetchone()) is not None:
            yield row

    def close(self) -> None:
        self._rows = []


class PgConnection:
    """One psycopg connection behind sqlite3's Connection methods the core uses."""

    engine = "postgresql"

    def __init__(self, conninfo: str, **kwargs) -> None:
        if "connect_timeout" not in conninfo:
            kwargs.setdefault("connect_timeout", CONNECT_TIMEOUT)
        try:
            self.raw = psycopg.connect(conninfo, autocommit=True, **kwargs)
        except psycopg.Error as exc:
            raise _sqlite_error(exc) from exc
        # avg() and sums of numeric come back as float, as SQLite gives them, not Decimal.
        self.raw.adapters.register_loader("numeric", FloatLoader)
        self.total_changes = 0
        self._lock = threading.RLock()
        # Tables given explicit ids in this transaction: their id sequence catches up before COMMIT.
        self._explicit_ids: set[str] = set()
        self._trace = None
        # Called when the session turned out broken outside a transaction (the server restarted): the
        # owner (SharedStore.reconnect) opens a new one and hands it over with take_session(), or raises.
        self.on_lost: Callable[[], None] | None = None
        # The session broke inside a transaction, which the server undid: until the owner's ROLLBACK
        # says it knows, nothing else runs (a new session would apply the rest of the edit on its own).
        self._broke_in_transaction = False

    @property
    def in_transaction(self) -> bool:
        if self.raw.closed:
            return self._broke_in_transaction
        return self.raw.info.transaction_status in (TransactionStatus.INTRANS, TransactionStatus.INERROR)

    def take_session(self, other: PgConnection) -> None:
        """Go on through other's session (this one broke): whoever holds this object keeps working."""
        with self._lock:
            # _explicit_ids stay: a statement that found the session broken has tracked its table already,
            # and those of a transaction the server undid were let go by its ROLLBACK.
            old, self.raw = self.raw, other.raw
            self._broke_in_transaction = False
        with contextlib.suppress(Exception):
            old.close()

    def _run(self, statement: str, run: Callable[[], T]) -> T | None:
        """run() (which sends statement), raising psycopg's errors as sqlite3's; a broken session outside a
        transaction is replaced through on_lost first, and a statement that changes nothing is sent again.
        None for a ROLLBACK of a transaction that ended with its session."""
        if self.raw.closed and self.on_lost is not None:
            if self._broke_in_transaction:
                if _rolls_back_whole(statement):
                    self._broke_in_transaction = False  # the server rolled it back when the session ended
                    return None
                raise ServerUnreachable("the connection to the server was lost in the middle of this edit; "
                                        "the server undid the part of it that was sent")
            self.on_lost()
        was_open = self.in_transaction
        try:
            with self._lock:
                return run()
        except psycopg.Error as exc:
            error = _sqlite_error(exc)
            if not (isinstance(error, ServerUnreachable) and self.raw.closed and self.on_lost is not None):
                raise error from exc
            if was_open:
                self._broke_in_transaction = True
                raise error from exc
            if not _repeatable(statement):
                raise error from exc
        self.on_lost()
        try:
            with self._lock:
                return run()
        except psycopg.Error as exc:
            raise _sqlite_error(exc) from exc

    @property
    def closed(self) -> bool:
        return self.raw.closed

    def execute(self, sql: str, params: Sequence | dict = ()) -> Cursor:
        if self._trace is not None:
            self._trace(sql)
        named = isinstance(params, dict)
        statement = translate(sql, named=named)
        with self._lock:
            self._track_explicit_ids(sql, statement)

        def run():
            cur = self.raw.execute(statement, params if (params or named) else None, prepare=False)
            return cur, (cur.fetchall() if cur.description is not None else []), cur.rowcount

        done = self._run(statement, run)
        if done is None:
            return Cursor([], -1, None, None)
        cur, rows, rowcount = done
        lastrowid = None
        if statement.endswith(" RETURNING id"):
            lastrowid = rows[-1][0] if rows else None
            rows = []
        if cur.description is None or lastrowid is not None:
            self.total_changes += max(rowcount, 0)
        if self._explicit_ids and not self.in_transaction:
            with self._lock:
                self._catch_up_ids()
        return Cursor(rows, rowcount, lastrowid, cur.description)

    def executemany(self, sql: str, seq: Iterable[Sequence]) -> Cursor:
        params = list(seq)
        named = bool(params) and isinstance(params[0], dict)
        statement = translate(sql, returning=False, named=named)
        with self._lock:
            self._track_explicit_ids(sql, statement)

        def run() -> int:
            with self.raw.cursor() as cur:
                cur.executemany(statement, params)
                return cur.rowcount

        rowcount = self._run(statement, run)
        if rowcount is None:
            return Cursor([], -1, None, None)
        self.total_changes += max(rowcount, 0)
        if not self.in_transaction:
            self._catch_up_ids()
        return Cursor([], rowcount, None, None)

    def _track_explicit_ids(self, sql: str, statement: str) -> None:
        """SQLite takes the next id after the largest; an identity column after its sequence. A row inserted
        with its own id (a restore) moves the sequence past it, once per transaction, before it commits."""
        table = explicit_id_table(sql)
        if table is not None:
            self._explicit_ids.add(table)
        elif self._explicit_ids:
            verb = statement.lstrip()[:8].upper()
            if verb.startswith(("COMMIT", "END")):
                self._catch_up_ids()
            elif verb.startswith("ROLLBACK") and not statement.upper().startswith("ROLLBACK TO"):
                self._explicit_ids.clear()

    def _catch_up_ids(self) -> None:
        for table in sorted(self._explicit_ids):
            # Never backwards, so an id once given stays retired (the live feed keys rows by id); done by
            # the server's function (server_schema.OWN_IDS), as a login may insert rows but not move the sequence.
            try:
                self.raw.execute("SELECT annotator_ids_past_rows(%s)", (table,), prepare=False)
            except psycopg.Error as exc:
                raise _sqlite_error(exc) from exc
        self._explicit_ids.clear()

    def stream(self, sql: str, params: Sequence | dict = (), batch: int = 100) -> Iterator[tuple]:
        """The rows of a long SELECT a batch at a time, through a server-side cursor: execute() fetches a
        result whole, which for every document's text (an export) would be the whole corpus in memory."""
        statement = translate(sql, named=isinstance(params, dict))
        if self.raw.closed and self.on_lost is not None and not self._broke_in_transaction:
            self.on_lost()
        with self._lock:
            try:
                # Outside a transaction the cursor must outlive each autocommitted fetch (WITH HOLD).
                cur = self.raw.cursor(name=f"annotator_stream_{next(_streams)}", withhold=not self.in_transaction)
                cur.execute(statement, params or None)
            except psycopg.Error as exc:
                raise _sqlite_error(exc) from exc
        try:
            while True:
                with self._lock:
                    try:
                        rows = cur.fetchmany(batch)
                    except psycopg.Error as exc:
                        raise _sqlite_error(exc) from exc
                if not rows:
                    return
                yield from rows
        finally:
            with self._lock, contextlib.suppress(psycopg.Error):
                cur.close()

    def execute_native(self, sql: str, params: Sequence | dict | None = None) -> Cursor:
        """A statement written for PostgreSQL itself (server schema, search): no translation."""
        def run():
            cur = self.raw.execute(sql, params, prepare=False)
            return cur, (cur.fetchall() if cur.description is not None else [])

        done = self._run(sql, run)
        if done is None:
            return Cursor([], -1, None, None)
        cur, rows = done
        return Cursor(rows, cur.rowcount, None, cur.description)

    def cursor(self) -> PgConnection:
        # Every execute() already hands back its own fetched rows: the connection serves as its cursor.
        return self

    def commit(self) -> None:
        if self.in_transaction:
            with self._lock:
                self._catch_up_ids()
            self.execute_native("COMMIT")

    def rollback(self) -> None:
        self._explicit_ids.clear()
        if self.in_transaction:
            self.execute_native("ROLLBACK")

    def close(self) -> None:
        self.on_lost = None  # closed on purpose: no statement may open a new session behind the owner's back
        self.raw.close()

    def interrupt(self) -> None:
        """Cancel the statement running now, from another thread (a search the user stopped)."""
        try:
            self.raw.cancel_safe(timeout=2.0)
        except (psycopg.Error, AttributeError):
            pass

    def create_function(self, *args, **kwargs) -> None:
        # The server schema defines the core's SQL functions once for every client.
        pass

    def set_progress_handler(self, *args) -> None:
        pass

    def set_trace_callback(self, callback) -> None:
        """As sqlite3's: callback(sql) for each statement the core runs, in the core's own SQL (unexpanded)."""
        self._trace = callback
