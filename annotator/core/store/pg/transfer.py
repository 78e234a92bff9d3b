"""`annotator push` and `pull`: a whole project between a project file and a shared project.

Both copy every row with its id, so what points at what (annotations at documents and
labels, values at attributes, ...) stays as it was and a pushed-then-pulled project equals
the original table by table. The tables are the ones both sides have; a column the
server computes itself (a search column) is left to it. Push is one transaction on the
server: a failure anywhere leaves the shared project as empty as it was. Pull writes a
temporary file beside the target and renames it into place only once it is complete,
so no half-written project file is ever left under the name asked for.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg

from annotator.core.common.errors import ProjectError
from annotator.core.store import lock as project_lock
from annotator.core.store import schema
from annotator.core.store.pg import server
from annotator.core.store.pg.connection import LOST_STATES, PgConnection, ServerUnreachable
from annotator.core.store.pg.locations import connection_string, describe
from annotator.core.store.pg.roles import INFO_KEYS
from annotator.core.store.pg.server_schema import ROW_ORDER_TABLES

# Keys of project_info that describe the server (its schema, its roles' names), not the project:
# a pull leaves them out, a push keeps the server's own.
SERVER_KEYS = ("server_schema", "project_schema", *INFO_KEYS.values())
# Tables the server keeps for itself (the live feed); never copied.
SERVER_ONLY = ("changes",)
BATCH = 2000
# What a push announces to clients that have the shared project open (see shared.changes_from_rows).
ANNOUNCED = ("labels", "coders", "variables", "entities", "documents")

Progress = Callable[[str, int], None]


def _connect(url: str) -> PgConnection:
    try:
        return PgConnection(connection_string(url))
    except ServerUnreachable as exc:
        raise ProjectError(f"Could not connect to {describe(url)}: {exc}. Check the address, that the server is "
                           "running and that you may log in (password from PGPASSWORD, ~/.pgpass or a service "
                           "file).") from exc
    except sqlite3.Error as exc:
        raise ProjectError(f"Could not connect to {describe(url)}: {exc}") from exc


def _local_tables(conn: sqlite3.Connection) -> dict[str, list[str]]:
    names = [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'documents_fts%' ORDER BY name")]
    return {name: [row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')] for name in names}


def _server_tables(pg: PgConnection) -> dict[str, list[str]]:
    """Each table of the shared project with the columns a client writes (not the generated ones)."""
    rows = pg.execute_native(
        "SELECT c.table_name, c.column_name FROM information_schema.columns c "
        "JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
        "WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.is_generated = 'NEVER' "
        "ORDER BY c.table_name, c.ordinal_position").fetchall()
    tables: dict[str, list[str]] = {}
    for table, column in rows:
        tables.setdefault(table, []).append(column)
    return tables


def _is_project(pg: PgConnection) -> bool:
    return bool(pg.execute_native("SELECT to_regclass('public.project_info') IS NOT NULL").fetchone()[0])


def _server_version(pg: PgConnection) -> int:
    row = pg.execute_native("SELECT value FROM project_info WHERE key = 'project_schema'").fetchone()
    return int(row[0]) if row and row[0] else 0


def _shared_columns(local: dict[str, list[str]], remote: dict[str, list[str]], where: str) -> dict[str, list[str]]:
    """Per table both sides hold, the columns to copy (the local file's, which the server must have)."""
    plan = {}
    for table, columns in local.items():
        if table not in remote:
            raise ProjectError(f"{where} has no table {table}; it was set up by another Annotator version. "
                               "Nothing was copied.")
        missing = [column for column in columns if column not in remote[table]]
        if missing:
            raise ProjectError(f"{where} lacks the column(s) {', '.join(missing)} of {table}; it was set up by "
                               "another Annotator version. Nothing was copied.")
        plan[table] = columns
    return plan


def _quoted(columns: list[str]) -> str:
    return ", ".join(f'"{column}"' for column in columns)


@contextlib.contextmanager
def _snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """Read the whole file as of one moment, even while the app beside us keeps saving."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


# -- push ----------------------------------------------------------------------------------------


def push(source: sqlite3.Connection, url: str, *, on_progress: Progress | None = None) -> dict[str, int]:
    """Copy a project file's every row, ids kept, into the empty shared project at url; return rows per table.

    source is the open project file's connection. An address with no shared project yet is set up
    first (`server init`). Refused, with nothing changed: a shared project that already holds
    documents or codes, or one of another schema version.
    """
    where = describe(url)
    version = schema.user_version(source)
    if version != schema.SCHEMA_VERSION:
        raise ProjectError(f"The project file has schema {version}, this Annotator {schema.SCHEMA_VERSION}: open it "
                           "in Annotator once (it is upgraded then), close it, and push again.")
    pg = _connect(url) if _database_exists(url) else None
    if pg is None or not _is_project(pg):
        if pg is not None and _has_tables(pg):
            pg.close()
            raise ProjectError(f"{where} holds tables but no Annotator project; push into an empty database "
                               "or a shared project made by `annotator server init`.")
        if pg is not None:
            pg.close()
        server.init(url)
        pg = _connect(url)
    try:
        if _server_version(pg) != schema.SCHEMA_VERSION:
            raise ProjectError(f"{where} holds project schema {_server_version(pg)}, this Annotator "
                               f"{schema.SCHEMA_VERSION}; push with the Annotator version that set it up.")
        with _snapshot(source):
            local = _local_tables(source)
            plan = _shared_columns({t: c for t, c in local.items() if t != "project_info"},
                                   _server_tables(pg), where)
            with pg.raw.transaction():
                counts = _push_rows(source, pg, plan, where, on_progress)
    except sqlite3.Error as exc:
        raise _as_project_error(exc, where) from exc
    except psycopg.Error as exc:  # from COPY and the statements run on the raw connection
        raise _as_project_error(exc, where) from exc
    finally:
        pg.close()
    return counts


def _lost(exc: Exception) -> bool:
    state = getattr(exc, "sqlstate", None) or ""
    return isinstance(exc, ServerUnreachable) or (isinstance(exc, psycopg.OperationalError)
                                                  and (not state or state.startswith(LOST_STATES)))


def _as_project_error(exc: Exception, where: str) -> ProjectError:
    if _lost(exc):
        return ProjectError(f"The server of {where} could not be reached during the push ({exc}); nothing was "
                            "pushed. Push again when it is back.")
    return ProjectError(f"The push into {where} was refused ({exc}); nothing was pushed.")


def _database_exists(url: str) -> bool:
    """Whether url's database can be connected to; False when it does not exist (init creates it)."""
    try:
        PgConnection(connection_string(url)).close()
    except ServerUnreachable as exc:
        if "does not exist" in str(exc):
            return False
        raise ProjectError(f"Could not connect to {describe(url)}: {exc}. Check the address, that the server is "
                           "running and that you may log in.") from exc
    except sqlite3.Error as exc:
        raise ProjectError(f"Could not connect to {describe(url)}: {exc}") from exc
    return True


def _has_tables(pg: PgConnection) -> bool:
    return bool(pg.execute_native(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").fetchone()[0])


def _push_rows(source: sqlite3.Connection, pg: PgConnection, plan: dict[str, list[str]], where: str,
               on_progress: Progress | None) -> dict[str, int]:
    raw = pg.raw
    tables = [table for table in plan if table not in SERVER_ONLY]
    # Nobody may add rows between the emptiness check and the copy.
    raw.execute("LOCK TABLE " + ", ".join(f'"{t}"' for t in tables) + " IN EXCLUSIVE MODE")
    _refuse_unless_empty(raw, tables, where)
    # Parents and children arrive table by table: check the keys once, at commit.
    raw.execute("SET CONSTRAINTS ALL DEFERRED")
    triggers_off = _without_triggers(raw, tables)
    counts = {}
    for table in tables:
        columns = plan[table]
        counts[table] = _copy_rows(raw, source, table, columns)
        if on_progress is not None:
            on_progress(table, counts[table])
    # Every key checked now, before the tables' triggers may be switched back on.
    raw.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table in triggers_off:
        raw.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER {LOG_TRIGGER}')
    info = [(key, value) for key, value in source.execute("SELECT key, value FROM project_info")
            if key not in SERVER_KEYS]
    with raw.cursor() as cur:
        cur.executemany("INSERT INTO project_info(key, value) VALUES (%s, %s) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value", info)
    _reset_identities(raw, [table for table in tables if "id" in plan[table]])
    if triggers_off:
        # Clients that have the (empty) project open read it all again: one change per kind of thing.
        # (With the log on, each row was its own change.)
        with raw.cursor() as cur:
            cur.executemany("INSERT INTO changes(tbl, op, key) VALUES (%s, 'insert', '')",
                            [(table,) for table in ANNOUNCED if counts.get(table)])
    raw.execute("SELECT pg_notify('annotator_changes', '')")
    return counts


def _copy_rows(raw, source: sqlite3.Connection, table: str, columns: list[str]) -> int:
    """COPY the table's rows in; where row-level security forbids COPY to this login, INSERT them."""
    # In rowid order: a document's metadata fields and an annotation's values are listed in the
    # order they were added, which the server keeps as its id (ROW_ORDER_TABLES).
    select = f'SELECT {_quoted(columns)} FROM "{table}" ORDER BY rowid'
    rows = source.execute(select)
    count = 0
    try:
        with raw.transaction(), raw.cursor() as cur, \
                cur.copy(f'COPY "{table}" ({_quoted(columns)}) FROM STDIN') as copy:
            while batch := rows.fetchmany(BATCH):
                for row in batch:
                    copy.write_row(row)
                count += len(batch)
        return count
    except psycopg.errors.FeatureNotSupported:  # COPY FROM under row-level security
        rows = source.execute(select)
    insert = f'INSERT INTO "{table}" ({_quoted(columns)}) VALUES ({", ".join(["%s"] * len(columns))})'
    count = 0
    with raw.cursor() as cur:
        while batch := rows.fetchmany(BATCH):
            cur.executemany(insert, batch)
            count += len(batch)
    return count


def _refuse_unless_empty(raw, tables: list[str], where: str) -> None:
    """Refuse a shared project with anything in it but the starting codebook someone's opening installed."""
    held = [table for table in tables
            if raw.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchone()[0]]
    if [table for table in held if table not in ("labels", "label_attributes")]:
        raise ProjectError(f"{where} already holds a project ({', '.join(held)}); push goes only into an empty "
                           "shared project. Set up a new one with `annotator server init --url URL`, or merge "
                           "coders' files into this one with `annotator merge`.")
    # Only the default codebook: the pushed project's own codebook replaces it.
    for table in ("label_attributes", "labels"):
        if table in held:
            raw.execute(f'DELETE FROM "{table}"')


# The per-row change log (server_schema.py): a pushed project is one change, not a million.
# Only this trigger is switched off; whatever else the server keeps up to date by trigger
# (a search index) still sees every row.
LOG_TRIGGER = "annotator_log"


def _logged(raw, tables: list[str]) -> list[str]:
    return [table for (table,) in raw.execute(
        "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE t.tgname = %s AND c.relname = ANY(%s)", (LOG_TRIGGER, tables))]


def _without_triggers(raw, tables: list[str]) -> list[str]:
    """Switch the change log off for the copy (the tables' owner may); the tables it was switched off on."""
    logged = _logged(raw, tables)
    try:
        with raw.transaction():
            for table in logged:
                raw.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER {LOG_TRIGGER}')
    except psycopg.errors.InsufficientPrivilege:  # not the owner: each row is logged, only slower
        return []
    return logged


def _reset_identities(raw, tables: list[str]) -> None:
    """Move each table's id sequence past the copied ids, so the next row a coder adds gets a new one."""
    for table in tables:
        raw.execute("SELECT annotator_ids_past_rows(%s)", (table,))


# -- pull ----------------------------------------------------------------------------------------


def pull(url: str, out: str | os.PathLike, *, replace: bool = False,
         on_progress: Progress | None = None) -> dict[str, int]:
    """Write the shared project at url as a complete project file at out; return rows per table.

    The file is written beside out under a temporary name and renamed into place only when
    complete, so out is never half-written. An existing out is refused unless replace.
    """
    out = Path(out)
    where = describe(url)
    if out.exists() and not replace:
        raise ProjectError(f"{out} already exists; choose another --out, or add --force to replace it "
                           "(close it in Annotator first).")
    if out.is_dir():
        raise ProjectError(f"{out} is a folder; --out names the project file to write.")
    if not out.parent.is_dir():
        raise ProjectError(f"The folder {out.parent} does not exist; create it first.")
    held = None
    if out.exists():  # replacing a project: never one an Annotator has open
        try:
            held = project_lock.acquire(out)
        except project_lock.ProjectLocked as exc:
            raise ProjectError(f"{exc} Nothing was pulled.") from None
    try:
        return _pull_into(url, out, where, on_progress)
    finally:
        if held is not None:
            held.release()


def _pull_into(url: str, out: Path, where: str, on_progress: Progress | None) -> dict[str, int]:
    pg = _connect(url)
    temporary = out.with_name(f".{out.name}.pulling-{uuid.uuid4().hex[:8]}")
    try:
        if not _is_project(pg):
            raise ProjectError(f"{where} holds no Annotator project; check the address.")
        if _server_version(pg) > schema.SCHEMA_VERSION:
            raise ProjectError(f"{where} was set up by a newer Annotator; update Annotator to pull it.")
        counts = _write_copy(pg, temporary, where, on_progress)
        # A replaced project's leftover journal or WAL would be replayed into the new file.
        for stale in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{out}{stale}").unlink()
        os.replace(temporary, out)
    except (sqlite3.Error, psycopg.Error) as exc:
        if _lost(exc):
            raise ProjectError(f"The server of {where} could not be reached during the pull ({exc}); "
                               f"{out} was not written. Pull again when it is back.") from exc
        raise ProjectError(f"Could not pull {where} ({exc}); {out} was not written.") from exc
    finally:
        pg.close()
        for leftover in (temporary, Path(f"{temporary}-journal"), Path(f"{temporary}-wal"),
                         Path(f"{temporary}-shm")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return counts


def _write_copy(pg: PgConnection, path: Path, where: str, on_progress: Progress | None) -> dict[str, int]:
    import sqlite_utils

    db = sqlite_utils.Database(path)
    try:
        schema.migrate(db)
        target = db.conn
        target.isolation_level = None
        plan = _pull_plan(_local_tables(target), _server_tables(pg), where)
        raw = pg.raw
        counts = {}
        target.execute("BEGIN IMMEDIATE")
        with raw.transaction():
            # Every table as of one moment, while coders keep working.
            raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            for table, columns in plan.items():
                counts[table] = _copy_table(raw, target, table, columns)
                if on_progress is not None:
                    on_progress(table, counts[table])
            info = raw.execute("SELECT key, value FROM project_info").fetchall()
        target.executemany("INSERT OR REPLACE INTO project_info(key, value) VALUES (?, ?)",
                           [(key, value) for key, value in info if key not in SERVER_KEYS])
        target.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")
        broken = target.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise ProjectError(f"The copy of {where} has {len(broken)} row(s) pointing at missing rows; "
                               "nothing was written.")
        target.execute("COMMIT")
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        db.close()
    return counts


def _pull_plan(local: dict[str, list[str]], remote: dict[str, list[str]], where: str) -> dict[str, list[str]]:
    plan = {}
    for table, columns in local.items():
        if table == "project_info":
            continue
        if table not in remote:
            raise ProjectError(f"{where} has no table {table}; it was set up by an older Annotator.")
        plan[table] = [column for column in columns if column in remote[table]]
    return plan


def _copy_table(raw, target: sqlite3.Connection, table: str, columns: list[str]) -> int:
    count = 0
    insert = f'INSERT INTO "{table}" ({_quoted(columns)}) VALUES ({", ".join("?" * len(columns))})'
    with raw.cursor(name=f"pull_{table}") as cur:
        order = ' ORDER BY "id"' if table in ROW_ORDER_TABLES or "id" in columns else ""
        cur.execute(f'SELECT {_quoted(columns)} FROM "{table}"{order}')
        while batch := cur.fetchmany(BATCH):
            target.executemany(insert, batch)
            count += len(batch)
    return count
