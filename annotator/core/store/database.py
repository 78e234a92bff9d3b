"""The project file: one SQLite database, opened safely, migrated, and watched.

Day-to-day reads and writes use the sqlite3 connection directly; sqlite-utils
builds and migrates the schema and is loaded only when that is needed (it
imports pandas and numpy whenever they are installed, which would otherwise
cost every launch a third of a second).

Every user edit runs in `Store.write()`, one transaction that either commits
whole or leaves the file as it was. WAL with synchronous=NORMAL: a commit is
durable against an application crash; an OS crash or power cut can lose at most
the last few commits but never corrupts the file.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import StrEnum
from pathlib import Path

from annotator.core.common.errors import DISK_FULL, READ_ONLY, ProjectError, damaged_message, storage_problem
from annotator.core.store import history, lock, schema


class ChangeKind(StrEnum):
    """What kind of thing changed; each member's value is its name as the views knew it."""

    DOCUMENTS_ADDED = "documents_added"  # one document, or (document_id None) a batch: reload the list
    DOCUMENT_CHANGED = "document_changed"  # title, status, memo, metadata or duplicate flags of one document
    ANNOTATION_ADDED = "annotation_added"
    ANNOTATION_REMOVED = "annotation_removed"
    ANNOTATION_CHANGED = "annotation_changed"  # span, label, roles, note, entity link or attribute values
    CODEBOOK_CHANGED = "codebook_changed"  # labels or attributes added, renamed, recoloured, moved, deleted
    ENTITIES_CHANGED = "entities_changed"  # the entity registry: names, aliases, types, merges, memos
    CODERS_CHANGED = "coders_changed"  # a coder added or renamed (a first edit adds its coder)
    CODESHEET_CHANGED = "codesheet_changed"  # a document's variable answers or its coded mark, for one coder

    @property
    def touches_annotations(self) -> bool:
        """An annotation was added, removed or changed: views showing a document's spans follow."""
        return self in _ANNOTATION_KINDS

    def inverted(self) -> ChangeKind:
        """The kind undoing this change sends: an added annotation is removed, and back."""
        return _INVERSE.get(self, self)


_ANNOTATION_KINDS = frozenset({ChangeKind.ANNOTATION_ADDED, ChangeKind.ANNOTATION_REMOVED, ChangeKind.ANNOTATION_CHANGED})
_INVERSE = {ChangeKind.ANNOTATION_ADDED: ChangeKind.ANNOTATION_REMOVED,
            ChangeKind.ANNOTATION_REMOVED: ChangeKind.ANNOTATION_ADDED}


@dataclass(frozen=True)
class Change:
    """What changed, for views to refresh. kind is a ChangeKind, one of:
    documents_added, document_changed, annotation_added, annotation_removed,
    annotation_changed, codebook_changed (labels, attributes or document variables),
    entities_changed, coders_changed, codesheet_changed (a document's answers or coded mark).

    A kind given as its string is turned into the member, and a string no member has is
    refused at once: a listener never meets a kind it cannot know.
    """

    kind: ChangeKind
    document_id: int | None = None
    annotation_id: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.kind, ChangeKind):
            object.__setattr__(self, "kind", ChangeKind(self.kind))

    def inverted(self) -> Change:
        """The event that undoing this change sends."""
        return Change(self.kind.inverted(), self.document_id, self.annotation_id)


Listener = Callable[[Change], None]
# How long opening a project for writing may spend checking it for damage: all of a
# project up to a few hundred megabytes; past that, whatever the time allows.
CHECK_SECONDS = 1.0
# How long a job's connection waits for the window's edit to commit before giving up.
WORKER_BUSY_SECONDS = 30.0


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    engine = "sqlite"
    # The undo log's keeper: SQLite's temp triggers here, the server's in a shared project.
    history = history

    # The damage check opening left for later (check_later), shared with worker connections; None once
    # opening checked the file itself or had nothing to check.
    _deferred: _DeferredCheck | None = None
    _check_owner = False  # this store made it (a worker's close leaves it running)

    def __init__(self, path: Path, *, create: bool = True, read_only: bool = False, take_over: bool = False,
                 backup: Callable[[Store, str], object] | None = None, check_later: bool = False):
        """backup(store, reason) copies the file aside before a schema upgrade (safety.backup.make_backup,
        handed in by the project: the store sits below the backups); without it an old file is not upgraded.

        check_later leaves the damage check of an up-to-date file to check_deferred() (up to a second on
        a big project; the window runs it on a thread once it is shown). Until it has run, the first
        edit runs it and waits for it, so nothing is ever written to a damaged file either way."""
        self.path = Path(path)
        self._backup = backup
        self._check_later = check_later
        if (not create or read_only) and not self.path.exists():
            raise ProjectError(f"No project file at {self.path}.")
        if self.path.exists() and self.path.is_dir():
            raise ProjectError(f"{self.path} is a folder, not a project file.")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._creating = not self.path.exists()  # for messages: a new project is created, not opened
        # One writer at a time (see lock.py); read_only_reason says why edits are refused, or is None.
        self._lock, self.read_only_reason = lock.claim(self.path, read_only=read_only, take_over=take_over)
        damage = self._open()
        if damage is not None:
            # Damaged: every further write could spread the damage, so it opens read-only and says why.
            self._lock, self.read_only_reason = None, damage
            self._open(unwritten=True)
        self._opened()

    def _open(self, *, unwritten: bool = False) -> str | None:
        """Connect and bring the file up to date; or, for a file opened for writing that fails its
        integrity check, close again and return why (then nothing has been written to it)."""
        conn = None
        try:
            if self.read_only:
                conn = sqlite3.connect(lock.read_only_uri(self.path, unwritten=unwritten), uri=True,
                                       isolation_level=None, check_same_thread=False)
            else:
                fresh = not Path(f"{self.path}-wal").exists()
                if fresh and not self._check_later and self.path.exists() and self.path.stat().st_size > 0:
                    # Checked before a writing connection creates its -wal beside it (on a damaged
                    # file it cannot remove it again), through one that reads the file as it lies.
                    damage = _damage(lock.read_only_uri(self.path, unwritten=True))
                    if damage is not None:
                        self._lock.release()
                        return damage
                conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
                self._lock.pin()  # a new file exists only now
            conn.execute("PRAGMA foreign_keys = ON")
            self.conn = conn
            self._db = None
            # Refuse a foreign, damaged or newer file before anything writes to it:
            # switching to WAL rewrites the header of a rollback-journal file.
            self._check_foreign(conn)
            found = schema.check_version(conn)
            if self.read_only:
                lock.refuse_upgrade_read_only(found, schema.SCHEMA_VERSION, self.read_only_reason)
                history.install(conn)  # temp tables only: the file stays as it is
                return None
            later = self._check_later and found == schema.SCHEMA_VERSION  # an upgrade writes: checked first
            if later:
                self._deferred, self._check_owner = _DeferredCheck(self.path), True
            # A -wal left by a crash is replayed by this connection, so only it can check the file as it is.
            checked = fresh and not self._check_later  # before connecting, above
            damage = _damage(conn) if found > 0 and not checked and not later else None
            if damage is not None:
                conn.close()
                self._lock.release()
                return damage
            if found < schema.SCHEMA_VERSION:
                if found > 0:  # 0 is a brand-new file: nothing to keep
                    self._back_up_before_migration(found)
                # Still in the file's own journal mode: a refused or failed upgrade rolls back to
                # the file byte for byte (switching to WAL first would have rewritten its header).
                schema.migrate(self.db)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            history.install(conn)
        except BaseException as exc:
            if conn is not None:
                conn.close()  # a refused file keeps no -wal/-shm files beside it
            if self._lock is not None:
                self._lock.release()
            if not isinstance(exc, sqlite3.DatabaseError):
                raise
            problem = storage_problem(exc)
            if self.read_only and (problem == READ_ONLY or "unable to open" in str(exc)):
                raise ProjectError(lock.cannot_read_message(self.path, exc)) from exc
            if problem == DISK_FULL:
                done = "created" if getattr(self, "_creating", False) else "opened"
                raise ProjectError(f"The disk holding {self.path.name} is full, so it could not be {done} ({exc}). "
                                   "Free some disk space and open it again; it was left as it was.") from exc
            if problem == READ_ONLY:
                raise ProjectError(f"Annotator may not write to {self.path} ({exc}). Copy the project to a "
                                   "folder you can write to, or open it read-only.") from exc
            raise ProjectError(
                f"{self.path} is not an Annotator project or is damaged ({exc}). "
                "Choose another file or restore a backup."
            ) from exc
        return None

    def _opened(self) -> None:
        self._listeners: list[Listener] = []
        self._pending: list[Change] | None = None
        self.last_changeset: history.Changeset | None = None

    @property
    def read_only(self) -> bool:
        return self.read_only_reason is not None

    @property
    def check_pending(self) -> bool:
        """Opened with check_later, and the damage check has not run yet."""
        return self._deferred is not None and not self._deferred.done

    def check_deferred(self) -> str | None:
        """Run the damage check opening left for later, once; return the damage found, or None.

        Any thread may call it: it reads through a connection of its own. A damaged file
        turns read-only, with the damage as the reason, before any edit can reach it.
        """
        if self._deferred is None:
            return None
        damage = self._deferred.run()
        if damage is not None and self.read_only_reason is None:
            self.read_only_reason = damage
        return damage

    def _back_up_before_migration(self, found: int) -> None:
        # The file as the older Annotator left it, so a failed or regretted upgrade can be
        # undone by restoring this copy; no copy, no upgrade.
        if self._backup is None:
            raise ProjectError(f"{self.path.name} must be upgraded from schema {found} to open it, and is upgraded "
                               "only after a backup; open it as a project. It was left as it was.")
        try:
            self._backup(self, f"before-schema-{found}-to-{schema.SCHEMA_VERSION}")
        except ProjectError as exc:
            raise ProjectError(f"{exc} The project must be upgraded from schema {found} to open it, and is "
                               "upgraded only after a backup; it was left as it was.") from exc

    @staticmethod
    def _check_foreign(conn: sqlite3.Connection) -> None:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        has_tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0] > 0
        if has_tables and app_id != schema.APPLICATION_ID:
            raise ProjectError(
                "This SQLite file belongs to another application, not Annotator. "
                "Choose an Annotator project or create a new one."
            )

    @property
    def db(self):
        """The same connection as a sqlite_utils.Database, for schema work and tests."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    def close(self) -> None:
        if self._deferred is not None and self._check_owner:
            self._deferred.cancel()
        self.conn.close()
        if self._lock is not None:
            self._lock.release()  # after the connection: no write can follow it

    def for_worker(self) -> "Store":
        """A second connection to this project, for a long job (import, export) on another thread.

        It works under this store's lock instead of claiming the file again, so close it
        before this store. WAL lets it write while this connection reads; when both
        write, each waits for the other's transaction to commit (SQLite's busy timeout),
        so a job commits in short batches to keep the window's edits waiting little.
        """
        worker = Store.__new__(Store)
        worker.path, worker._lock, worker.read_only_reason, worker._db = self.path, None, self.read_only_reason, None
        worker._backup = None  # a second connection never upgrades the file
        worker._deferred = self._deferred  # a job's edits wait for the same check as the window's
        if self.read_only:
            worker.conn = sqlite3.connect(lock.read_only_uri(self.path), uri=True, isolation_level=None,
                                          check_same_thread=False, timeout=WORKER_BUSY_SECONDS)
        else:
            worker.conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False,
                                          timeout=WORKER_BUSY_SECONDS)
            worker.conn.execute("PRAGMA synchronous = NORMAL")
        worker.conn.execute("PRAGMA foreign_keys = ON")
        history.install(worker.conn)  # temp tables of its own: write() keeps its undo bookkeeping there
        worker._opened()
        return worker

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read as of one moment: every query inside sees the project as it was when the block began.

        For a long read on a worker connection (an export) while the window goes on editing.
        Inside an open transaction it changes nothing.
        """
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")  # only reads happened, unless the block wrote on purpose

    def announce(self, changes: list[Change]) -> None:
        """Tell this store's listeners what another connection committed (a job that just finished)."""
        if self._pending is not None:
            raise RuntimeError("announce() inside write()")
        for change in changes:
            self._emit(change)

    # -- transactions and change events ----------------------------------------

    @contextlib.contextmanager
    def write(self, *, undoable: bool = True) -> Iterator[sqlite3.Connection]:
        """One user edit: a transaction, then the change events it queued.

        Nested calls become savepoints, so a composite edit commits or rolls back whole.
        After an undoable edit, `last_changeset` holds what undo() needs to reverse it.
        """
        if self._deferred is not None and not self._deferred.done:
            self.check_deferred()  # not one write before the file is known to be sound
        if self.read_only_reason is not None:
            raise ProjectError(f"This project is open read-only, so nothing was changed: {self.read_only_reason}")
        outer = self._pending is None
        if outer:
            self._pending = []
            self.last_changeset = None
            try:
                start = self.history.position(self.conn)
            except BaseException:
                self._pending = None  # else every later edit would take itself for a nested one
                raise
        mark = len(self._pending)
        try:
            with self._transaction():
                yield self.conn
                if outer:
                    end = self.history.position(self.conn)
                    if not undoable and end > start:
                        self.history.forget(self.conn, start + 1, end)
                    elif end > start:
                        self.last_changeset = history.Changeset(start + 1, end, list(self._pending))
        except BaseException:
            if outer:
                self._pending = None
            else:
                del self._pending[mark:]  # an inner edit rolled back to its savepoint: drop its events
            raise
        if outer:
            changes, self._pending = self._pending, None
            for change in changes:
                self._emit(change)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        conn = self.conn
        if conn.in_transaction:
            name = f"edit_{len(self._pending or ())}_{id(object())}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                if conn.in_transaction:
                    conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        # IMMEDIATE takes the write lock up front, so a busy file fails here,
        # before any of the edit ran, instead of halfway through it.
        conn.execute("BEGIN IMMEDIATE")
        try:
            self._began()
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _began(self) -> None:
        """Called first inside each outer transaction; a shared project tells the server what it has seen."""

    def edit(self, action, *args, **kwargs):
        """Run one user action as a single undoable edit: (its result, its changeset or None).

        The changeset is None when the action changed nothing, so callers never
        pick up an earlier edit's changeset by mistake.
        """
        with self.write():
            result = action(*args, **kwargs)
        return result, self.last_changeset

    def adopt(self, statements: list[str], changes: list[Change]) -> "history.Changeset | None":
        """Make an edit a worker connection committed (history.entries of its changeset) undoable here.

        A long edit (a merge) runs on a worker so the window stays live, but the undo log is per
        connection: the window's connection takes the worker's entries over before it closes.
        """
        return self.history.adopt(self.conn, statements, changes)

    def undo(self, changeset: "history.Changeset") -> "history.Changeset | None":
        """Reverse an edit exactly; return the changeset that redoes it."""
        with self.write() as conn:
            self.history.revert(conn, changeset)
            for change in reversed(changeset.changes):
                self.notify(change.inverted())
        return self.last_changeset

    def notify(self, change: Change) -> None:
        """Queue a change inside write(); it reaches listeners after the commit."""
        if self._pending is None:
            raise RuntimeError("notify() outside write()")
        self._pending.append(change)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _emit(self, change: Change) -> None:
        for listener in list(self._listeners):
            listener(change)

    # -- small helpers ---------------------------------------------------------

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def info(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM project_info WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_info(self, key: str, value: str) -> None:
        with self.write() as db:
            db.execute(
                "INSERT INTO project_info(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


class _DeferredCheck:
    """One damage check of a project, run once by whichever thread needs it first."""

    def __init__(self, path: Path):
        self.path = path
        self.done = False
        self.damage: str | None = None
        self._lock = threading.Lock()  # a second caller waits for the first one's answer
        self._conn: sqlite3.Connection | None = None
        self._cancelled = False

    def run(self) -> str | None:
        with self._lock:
            if self._cancelled:
                return None  # the project closed: nothing can be written to it any more
            if not self.done:
                try:
                    # Its own read-only connection, which sees the file with the writer's -wal.
                    conn = sqlite3.connect(lock.read_only_uri(self.path), uri=True, check_same_thread=False)
                except sqlite3.Error:
                    return None  # cannot even be opened: the writing connection says why
                self._conn = conn
                try:
                    self.damage = _damage(conn)
                finally:
                    self._conn = None
                    conn.close()
                self.done = not self._cancelled
            return self.damage

    def cancel(self) -> None:
        """Stop a check under way and wait for it: the project is closing. Its connection must be
        gone before the writer's closes, or the -wal the last writer removes would stay beside the file."""
        self._cancelled = True
        # Again and again: an interrupt that lands before the check's statement has started is lost.
        while not self._lock.acquire(timeout=0.02):
            conn = self._conn
            if conn is not None:
                conn.interrupt()
        self._lock.release()


def _damage(conn_or_uri: sqlite3.Connection | str) -> str | None:
    """Why the file is damaged, from SQLite's quick check (bounded in time), or None."""
    if isinstance(conn_or_uri, str):
        try:
            conn = sqlite3.connect(conn_or_uri, uri=True)
        except sqlite3.Error:
            return None  # cannot even be opened: the writing connection says why
        with contextlib.closing(conn):
            return _damage(conn)
    conn = conn_or_uri
    deadline = time.monotonic() + CHECK_SECONDS
    conn.set_progress_handler(lambda: time.monotonic() > deadline, 1000)
    try:
        found = [line for (row,) in conn.execute("PRAGMA quick_check(3)") for line in str(row).splitlines()
                 if line.strip() and not line.startswith("***")]
    except sqlite3.OperationalError as exc:
        if "interrupt" in str(exc):
            return None  # too big to check in the time: `annotator check` does it whole
        raise
    except sqlite3.DatabaseError as exc:
        found = [str(exc)]
    finally:
        conn.set_progress_handler(None, 0)
    if found == ["ok"]:
        return None
    return damaged_message("it", "SQLite's check found: " + "; ".join(found)[:300])
