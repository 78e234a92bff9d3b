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
from annotator.core.store.pg.connection import PgConnection, PermissionRefused, ServerUnreachable, WriteConflict
from annotator.core.store.pg.locations import describe, connection_string, database_name
from annotator.core.store.pg.server_schema import SERVER_SCHEMA_VERSION


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


# What a row change on the server means to the views: table -> change kind.
_KINDS = {
    "labels": ChangeKind.CODEBOOK_CHANGED, "label_attributes": ChangeKind.CODEBOOK_CHANGED,
    "variables": ChangeKind.CODEBOOK_CHANGED, "variable_choices": ChangeKind.CODEBOOK_CHANGED,
    "entities": ChangeKind.ENTITIES_CHANGED, "entity_aliases": ChangeKind.ENTITIES_CHANGED,
    "documents": ChangeKind.DOCUMENT_CHANGED, "document_metadata": ChangeKind.DOCUMENT_CHANGED,
    "document_flags": ChangeKind.DOCUMENT_CHANGED, "coders": ChangeKind.CODERS_CHANGED,
    "variable_values": ChangeKind.CODESHEET_CHANGED, "coded_documents": ChangeKind.CODESHEET_CHANGED,
    "annotation_values": ChangeKind.ANNOTATION_CHANGED,
}
_ANNOTATION_OPS = {"insert": ChangeKind.ANNOTATION_ADDED, "delete": ChangeKind.ANNOTATION_REMOVED,
                   "update": ChangeKind.ANNOTATION_CHANGED}


def changes_from_rows(rows: list[tuple]) -> list[Change]:
    """The change events other clients' committed rows mean, in order, each once."""
    found: dict[Change, None] = {}
    for table, op, document_id, annotation_id in rows:
        if table == "annotations":
            change = Change(_ANNOTATION_OPS[op], document_id, annotation_id)
        elif table == "documents" and op == "insert":
            change = Change(ChangeKind.DOCUMENTS_ADDED, None)
        elif table in ("labels", "label_attributes", "variables", "variable_choices", "entities", "entity_aliases",
                       "coders"):
            change = Change(_KINDS[table])
        else:
            kind = _KINDS.get(table)
            if kind is None:
                continue
            change = Change(kind, document_id, annotation_id if kind is ChangeKind.ANNOTATION_CHANGED else None)
        found.setdefault(change, None)
    return list(found)


class SharedStore(database.Store):
    engine = "postgresql"
    history = pg_history

    def __init__(self, url: str, *, client: str | None = None, create: bool = False) -> None:
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
            pg_history.install(self.conn)
            self.seen = self.latest_change()
        except BaseException:
            self.conn.close()
            raise
        self._opened()

    def _connect(self) -> PgConnection:
        try:
            conn = PgConnection(connection_string(self.url))
        except ServerUnreachable as exc:
            raise ServerGone(f"Could not connect to {self.where}: {exc}. Check the address, that the server "
                             "is running and that you may log in (password from PGPASSWORD, ~/.pgpass or a "
                             "service file).") from exc
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
        if found > SERVER_SCHEMA_VERSION or carried > schema.SCHEMA_VERSION:
            raise ProjectError(f"{self.where} was set up by a newer Annotator (server schema {found}); "
                               "update Annotator to open it.")
        writable = self.conn.execute_native(
            "SELECT has_table_privilege(current_user, 'annotations', 'INSERT')").fetchone()[0]
        if not writable:
            user = self.conn.execute_native("SELECT current_user").fetchone()[0]
            return f"{user} may read {self.where} but not change it (a viewer)."
        return None

    def latest_change(self) -> int:
        return self.conn.execute_native("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0]

    def _began(self) -> None:
        self.conn.execute_native("SELECT set_config('annotator.seen', %s, true)", (str(self.seen),))

    @contextlib.contextmanager
    def write(self, *, undoable: bool = True) -> Iterator[PgConnection]:
        try:
            with super().write(undoable=undoable) as conn:
                yield conn
        except WriteConflict as exc:
            raise EditConflict(f"Not saved: {exc}. Nothing was changed; what is there now is shown.") from exc
        except ServerUnreachable as exc:
            raise ServerGone(unreachable_message(self.where, exc)) from exc
        except sqlite3.DataError as exc:
            if "NUL" not in str(exc):
                raise
            raise ProjectError(NUL_MESSAGE) from exc
        except PermissionRefused as exc:
            raise ProjectError(f"The server refused this edit: {exc}. Your role on {self.where} does not "
                               "allow it; nothing was changed.") from exc

    def undo(self, changeset):
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
        worker.conn = worker._connect()
        pg_history.install(worker.conn)
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
