"""A shared project: the Store's contract over a PostgreSQL database that a team codes at once.

The core talks to it exactly as to a project file (write(), undo, listeners); what differs
is kept here: a URL instead of a path, no file lock (the server orders writers), the
server's undo log and row-version check, and the live feed of other clients' commits.
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

from annotator.core.common.errors import ProjectError
from annotator.core.store import database, schema
from annotator.core.store.database import Change, ChangeKind
from annotator.core.store.pg import history as pg_history
from annotator.core.store.pg import roles as pg_roles
from annotator.core.store.pg import server_schema
from annotator.core.store.pg.connection import PgConnection, PermissionRefused, ServerUnreachable, WriteConflict
from annotator.core.store.pg.locations import describe, connection_string, database_name


class EditConflict(ProjectError):
    """Another coder changed what this edit would overwrite; nothing was changed."""


class ServerGone(ProjectError):
    """The server cannot be reached; nothing was changed."""


def unreachable_message(where: str, exc: BaseException) -> str:
    return (f"The server of {where} cannot be reached ({exc}). Nothing was changed; "
            "Annotator reconnects by itself, so try again in a moment.")


# PostgreSQL's text cannot hold U+0000, which a project file keeps (a stray one in an imported text).
NUL_MESSAGE = ("A shared project cannot store the NUL character (U+0000), and this text has one. Remove it "
               "from the text (editors show it as ^@ or \\0) and try again; nothing was changed.")


_CODEBOOK = frozenset({"labels", "label_attributes", "variables", "variable_choices"})
_ENTITIES = frozenset({"entities", "entity_aliases"})
_DOCUMENT = frozenset({"documents", "document_metadata", "document_flags"})
_CODESHEET = frozenset({"variable_values", "coded_documents"})


def _change(table: str, op: str, document_id: int | None, annotation_id: int | None) -> Change | None:
    """What one row change on the server means to the views, or None for bookkeeping tables."""
    if table == "annotations":
        if op == "insert":
            return Change(ChangeKind.ANNOTATION_ADDED, document_id, annotation_id)
        if op == "delete":
            return Change(ChangeKind.ANNOTATION_REMOVED, document_id, annotation_id)
        return Change(ChangeKind.ANNOTATION_CHANGED, document_id, annotation_id)
    if table == "annotation_values":
        return Change(ChangeKind.ANNOTATION_CHANGED, document_id, annotation_id)
    if table == "documents" and op == "insert":
        return Change(ChangeKind.DOCUMENTS_ADDED, None)
    if table in _DOCUMENT:
        return Change(ChangeKind.DOCUMENT_CHANGED, document_id)
    if table in _CODEBOOK:
        return Change(ChangeKind.CODEBOOK_CHANGED)
    if table in _ENTITIES:
        return Change(ChangeKind.ENTITIES_CHANGED)
    if table == "coders":
        return Change(ChangeKind.CODERS_CHANGED)
    if table in _CODESHEET:
        return Change(ChangeKind.CODESHEET_CHANGED, document_id)
    return None


def changes_from_rows(rows: list[tuple]) -> list[Change]:
    """The change events other clients' committed rows mean, in order, each once."""
    found: dict[Change, None] = {}
    for row in rows:
        change = _change(*row)
        if change is not None:
            found.setdefault(change, None)
    return list(found)


class SharedStore(database.Store):
    engine = "postgresql"
    history = pg_history

    def __init__(self, url: str, *, client: str | None = None, create: bool = False, read_only: bool = False) -> None:
        self.url = url
        self.path = Path(database_name(url) or "shared")
        self.where = describe(url)
        self._backup = None
        self._lock = None
        self._db = None
        self.client = client or uuid.uuid4().hex
        self.conn = self._connect()
        try:
            self.read_only_reason = self._check()
            if read_only and self.read_only_reason is None:
                self.read_only_reason = f"{self.where} was opened read-only."
            pg_history.install(self.conn)
            self.seen = self.latest_change()
        except BaseException:
            self.conn.close()
            raise
        self.conn.on_lost = self.reconnect
        self._opened()

    def _connect(self) -> PgConnection:
        try:
            conn = PgConnection(connection_string(self.url))
        except ServerUnreachable as exc:
            raise ServerGone(f"Could not connect to {self.where}: {exc}. Check the address, that the server "
                             "is running and that you may log in (password from PGPASSWORD, ~/.pgpass or a "
                             "service file).") from exc
        except PermissionRefused as exc:
            raise ProjectError(f"Could not open {self.where}: {exc}. This login has no role in the project; its "
                               "owner gives one with `annotator server add-user`.") from exc
        except sqlite3.Error as exc:
            raise ProjectError(f"Could not open {self.where}: {exc}") from exc
        conn.execute_native("SELECT set_config('annotator.client', %s, false)", (self.client,))
        return conn

    def _check(self) -> str | None:
        """Refuse a database that is no shared project, or one newer than this Annotator; say if read-only."""
        has = self.conn.execute_native("SELECT to_regclass('public.project_info') IS NOT NULL").fetchone()[0]
        if not has:
            raise ProjectError(f"{self.where} holds no Annotator project. Create one there with "
                               f"`annotator server init --url {self.url}`, or check the address.")
        found = int(self.info("server_schema", "0") or 0)
        carried = int(self.info("project_schema", "0") or 0)
        if found > server_schema.SERVER_SCHEMA_VERSION or carried > schema.SCHEMA_VERSION:
            raise ProjectError(f"{self.where} was set up by a newer Annotator (server schema {found}); "
                               "update Annotator to open it.")
        self.login = self.conn.execute_native("SELECT current_user").fetchone()[0]
        self.role = pg_roles.role_of(self.conn)
        if found < server_schema.SERVER_SCHEMA_VERSION:
            self._upgrade(found)
        writable = self.conn.execute_native(
            "SELECT has_table_privilege(current_user, 'annotations', 'INSERT')").fetchone()[0]
        if not writable or self.role == "viewer":
            return (f"{self.login} is a viewer of {self.where}: they may read it but not change it. To code, ask "
                    "the project's owner to run `annotator server add-user --role coder` for this login.")
        return None

    def _upgrade(self, found: int) -> None:
        if self.role != "owner":
            newest = server_schema.SERVER_SCHEMA_VERSION
            raise ProjectError(f"{self.where} was set up by an older Annotator (server schema {found}) and must be "
                               f"upgraded to schema {newest} first, which only an owner may do: ask an owner to "
                               "open it once with this Annotator. Nothing was changed.")
        try:
            server_schema.upgrade(self.conn)
        except sqlite3.Error as exc:
            raise ProjectError(f"Could not upgrade {self.where} from server schema {found} ({exc}); it was "
                               "left as it was.") from exc

    def latest_change(self) -> int:
        return self.conn.execute_native("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0]

    def _began(self) -> None:
        self.conn.execute_native("SELECT set_config('annotator.seen', %s, true)", (str(self.seen),))

    @contextlib.contextmanager
    def write(self, *, undoable: bool = True) -> Iterator[PgConnection]:
        try:
            self._ensure_session()
            with super().write(undoable=undoable) as conn:
                yield conn
        except WriteConflict as exc:
            self._catch_up_after_conflict()
            raise EditConflict(f"Not saved: {exc}. Nothing was changed; what is there now is shown.") from exc
        except EditConflict:  # refused inside a nested edit: the outermost one shows what is there
            self._catch_up_after_conflict()
            raise
        except ServerUnreachable as exc:
            raise ServerGone(unreachable_message(self.where, exc)) from exc
        except sqlite3.DataError as exc:
            if "NUL" not in str(exc):
                raise
            raise ProjectError(NUL_MESSAGE) from exc
        except PermissionRefused as exc:
            raise ProjectError(f"The server refused this edit: {exc}. {self.role_sentence()} Nothing was "
                               "changed.") from exc

    def role_sentence(self) -> str:
        """What this login may do here, said in one sentence (roles.py has the rules)."""
        return pg_roles.ROLE_SENTENCES.get(self.role, f"Your role on {self.where} does not allow it.").format(
            login=self.login, where=self.where)

    # -- connection loss and the live feed (issue 15, items 4 and 6) ----------------------

    # Each session's undo log is numbered from its own floor: a changeset of an earlier
    # session (before the connection was lost) names entries this session never had.
    _SESSION_SPAN = 10 ** 12
    _undo_floor = 0
    _sessions = 0

    def _catch_up_after_conflict(self) -> None:
        """A refused edit: the views show what the other coder made of the row, now, not a second later."""
        if self._pending is not None:  # still inside the outer edit, which catches up when it ends
            return
        with contextlib.suppress(sqlite3.Error, ProjectError):
            self.announce(self.others_changes())

    @property
    def connected(self) -> bool:
        """False once the store's connection broke (the server stopped or restarted)."""
        return not self.conn.closed

    def reconnect(self) -> None:
        """A new session on the server after the old one broke: the next edits go through it.

        The undo log of the old session died with it, so edits made before are no longer
        undoable here (undo() says so); `seen` is kept, so nothing committed by others
        meanwhile is missed. Raises ServerGone while the server is still away.
        """
        try:
            conn = self._connect()
        except ServerGone as exc:
            raise ServerGone(unreachable_message(self.where, exc.__cause__ or exc)) from exc
        try:
            pg_history.install(conn)
            self._sessions += 1
            floor = self._sessions * self._SESSION_SPAN
            conn.execute_native("SELECT setval(pg_get_serial_sequence('pg_temp.undolog', 'seq'), %s)", (floor,))
        except BaseException:
            conn.close()
            raise
        # The same connection object goes on through the new session: the core's views and a
        # write that found the old one broken hold it (PgConnection.on_lost calls this).
        self.conn.take_session(conn)
        self._undo_floor = floor

    def ensure_connected(self) -> bool:
        """Make sure the store's session works (the server was away): True when a new one had to begin.

        When only the live feed's connection broke, this session and its undo history live on."""
        if self._pending is not None:
            return False
        sessions = self._sessions
        if self.conn.closed:
            self.reconnect()
        else:
            try:
                self.conn.execute_native("SELECT 1")  # a broken session is replaced on the way (on_lost)
            except ServerUnreachable as exc:
                raise ServerGone(unreachable_message(self.where, exc)) from exc
        return self._sessions != sessions

    def _ensure_session(self) -> None:
        # An edit after the server came back opens a new session rather than failing on the dead one
        # (one not yet known dead is replaced by its first statement, through on_lost).
        if self._pending is None and self.conn.closed:
            self.reconnect()

    def undo(self, changeset):
        self.ensure_connected()  # first: a new session moves the floor the check below reads
        if changeset.first <= self._undo_floor:
            raise EditConflict("This edit was made before the connection to the server was lost, and the server "
                               "keeps the undo history of a connection only while it lasts, so it cannot be undone "
                               "now. Nothing was changed; change it back by hand if you need to.")
        return super().undo(changeset)

    def others_changes(self) -> list[Change]:
        """What other clients committed since this store last looked, as change events; marks it seen."""
        rows = self.conn.execute_native(
            "SELECT seq, tbl, op, document_id, annotation_id, client FROM changes WHERE seq > %s ORDER BY seq",
            (self.seen,)).fetchall()
        if not rows:
            return []
        self.seen = rows[-1][0]
        return changes_from_rows([row[1:5] for row in rows if row[5] != self.client])

    @property
    def db(self):
        raise ProjectError("A shared project has no SQLite file to hand to sqlite-utils.")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()

    def for_worker(self) -> SharedStore:
        worker = SharedStore.__new__(SharedStore)
        worker.url, worker.path, worker.where, worker.client = self.url, self.path, self.where, self.client
        worker._backup, worker._lock, worker._db = None, None, None
        worker.read_only_reason = self.read_only_reason
        worker.login, worker.role = self.login, self.role
        worker.conn = worker._connect()
        pg_history.install(worker.conn)
        worker.conn.on_lost = worker.reconnect
        worker.seen = self.seen
        worker._opened()
        return worker

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute_native("BEGIN ISOLATION LEVEL REPEATABLE READ")
        try:
            yield
        finally:
            if self.conn.in_transaction:
                self.conn.execute_native("COMMIT")
