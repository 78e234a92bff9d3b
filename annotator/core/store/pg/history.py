"""Exact undo and redo on a shared project: store/history.py's contract, kept by the server.

The server's change trigger (server_schema.py) writes, for each row this session's edit
inserts, updates or deletes, the row as it was into the session's temporary `undolog`
(no other client sees it). Undo puts those rows back newest first, under the row-version
check in undo mode: a row another coder changed since is refused, not overwritten. The
statements that put rows back are logged in their turn, which is how redo works.
"""

from __future__ import annotations

import json

from annotator.core.store.history import Changeset
from annotator.core.store.pg.connection import PgConnection


def install(conn: PgConnection) -> None:
    conn.execute_native("CREATE TEMP TABLE IF NOT EXISTS undolog("
                        "seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                        "tbl text NOT NULL, op text NOT NULL, keys jsonb NOT NULL, old jsonb NOT NULL)")
    conn.execute_native("SELECT set_config('annotator.undo', 'on', false)")


def position(conn: PgConnection) -> int:
    row = conn.execute_native("SELECT coalesce(max(seq), 0) FROM pg_temp.undolog").fetchone()
    # Entries are deleted when undone; the sequence never goes back, so an edit's range is its own.
    last = conn.execute_native("SELECT pg_sequence_last_value(pg_get_serial_sequence('pg_temp.undolog', 'seq'))"
                               ).fetchone()[0]
    return max(row[0], last or 0)


def _statement(table: str, op: str, keys: list[str], old: dict) -> tuple[str, tuple]:
    where = " AND ".join(f'"{key}" = (SELECT "{key}" FROM jsonb_populate_record(NULL::"{table}", %s::jsonb))'
                         for key in keys)
    params = tuple(json.dumps(old) for _ in keys)
    if op == "insert":
        return f'DELETE FROM "{table}" WHERE {where}', params
    if op == "update":
        columns = ", ".join(f'"{name}"' for name in old)
        return (f'UPDATE "{table}" SET ({columns}) = (SELECT {columns} FROM jsonb_populate_record('
                f'NULL::"{table}", %s::jsonb)) WHERE {where}', (json.dumps(old), *params))
    columns = ", ".join(f'"{name}"' for name in old)
    return (f'INSERT INTO "{table}" ({columns}) OVERRIDING SYSTEM VALUE SELECT {columns} '
            f'FROM jsonb_populate_record(NULL::"{table}", %s::jsonb)', (json.dumps(old),))


def revert(conn: PgConnection, changeset: Changeset) -> None:
    """Put back the rows of a changeset newest first, inside the caller's transaction."""
    conn.execute_native("SET CONSTRAINTS ALL DEFERRED")
    conn.execute_native("SELECT set_config('annotator.undoing', 'on', true)")
    rows = conn.execute_native("SELECT tbl, op, keys, old FROM pg_temp.undolog WHERE seq BETWEEN %s AND %s "
                               "ORDER BY seq DESC", (changeset.first, changeset.last)).fetchall()
    conn.execute_native("DELETE FROM pg_temp.undolog WHERE seq BETWEEN %s AND %s", (changeset.first, changeset.last))
    for table, op, keys, old in rows:
        statement, params = _statement(table, op, keys, old)
        conn.execute_native(statement, params)
    # Only on success: a refused row aborts the transaction, whose rollback resets the setting
    # (it is transaction-local), and a statement sent now would hide the refusal behind
    # "current transaction is aborted".
    conn.execute_native("SELECT set_config('annotator.undoing', 'off', true)")


def forget(conn: PgConnection, first: int, last: int) -> None:
    conn.execute_native("DELETE FROM pg_temp.undolog WHERE seq BETWEEN %s AND %s", (first, last))


def entries(conn: PgConnection, changeset: Changeset) -> list[str]:
    rows = conn.execute_native("SELECT tbl, op, keys, old FROM pg_temp.undolog WHERE seq BETWEEN %s AND %s "
                               "ORDER BY seq", (changeset.first, changeset.last)).fetchall()
    return [json.dumps(list(row)) for row in rows]


def adopt(conn: PgConnection, statements: list[str], changes: list) -> Changeset | None:
    if not statements:
        return None
    first = position(conn) + 1
    for entry in statements:
        table, op, keys, old = json.loads(entry)
        conn.execute_native("INSERT INTO pg_temp.undolog(tbl, op, keys, old) VALUES (%s, %s, %s, %s)",
                            (table, op, json.dumps(keys), json.dumps(old)))
    return Changeset(first, position(conn), list(changes))
