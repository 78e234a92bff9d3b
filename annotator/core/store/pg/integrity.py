"""What `annotator check` asks of a shared project's server, in place of SQLite's file checks.

A project file can be damaged on disk, so SQLite's integrity check reads its pages; a
shared project's storage is the server's to keep (its WAL, checksums if enabled, and
its own repair tools), so there is no file to check here. What can still be wrong is the
data: a foreign key a bulk load left dangling (a restore with triggers disabled, a
`session_replication_role = replica` session), or a constraint added NOT VALID and never
validated. Those are looked for here; Annotator's own rules (spans, roles, values) are
checked by safety/check.py through the connection like on a project file.
"""

from __future__ import annotations

from collections.abc import Iterator

from annotator.core.store.pg.connection import PgConnection
from annotator.core.store.pg.locations import connection_string

SHOWN_PER_KEY = 100


def open_for_check(url: str) -> PgConnection:
    """A connection that sees one consistent state of the project and can change nothing."""
    conn = PgConnection(connection_string(url))
    conn.execute_native("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    return conn


def is_project(conn: PgConnection) -> bool:
    return bool(conn.execute_native("SELECT to_regclass('public.project_info') IS NOT NULL").fetchone()[0])


def versions(conn: PgConnection) -> tuple[int, int]:
    """(server schema, project schema) as `server init` or a migration recorded them; 0 where missing."""
    found = dict(conn.execute_native(
        "SELECT key, value FROM project_info WHERE key IN ('server_schema', 'project_schema')").fetchall())
    return int(found.get("server_schema") or 0), int(found.get("project_schema") or 0)


def _foreign_keys(conn: PgConnection) -> list[tuple[str, str, str, str, bool]]:
    """(table, column, parent table, parent column, validated) of every single-column foreign key."""
    return conn.execute_native(
        "SELECT c.conrelid::regclass::text, a.attname::text, c.confrelid::regclass::text, p.attname::text, "
        "c.convalidated FROM pg_constraint c "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        "JOIN pg_attribute p ON p.attrelid = c.confrelid AND p.attnum = c.confkey[1] "
        "WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace "
        "ORDER BY 1, 2").fetchall()


def _row_key(conn: PgConnection, table: str) -> str:
    """SQL naming a row of `table`: its id, or its primary key's columns joined by /."""
    columns = [name for (name,) in conn.execute_native(
        "SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
        "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY a.attnum",
        (table,)).fetchall()]
    if not columns:
        columns = ["id"] if conn.execute_native(
            "SELECT 1 FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'id'", (table,)).fetchone() else []
    if not columns:
        return "ctid::text"
    return " || '/' || ".join(f't."{name}"::text' for name in columns)


def dangling_keys(conn: PgConnection) -> Iterator[tuple[str, str, str, str, str]]:
    """(table, row, column, value, parent table) of each row whose foreign key points to no row."""
    for table, column, parent, parent_column, _validated in _foreign_keys(conn):
        key = _row_key(conn, table)
        rows = conn.execute_native(
            f'SELECT {key}, t."{column}"::text FROM "{table}" t WHERE t."{column}" IS NOT NULL AND NOT EXISTS '
            f'(SELECT 1 FROM "{parent}" p WHERE p."{parent_column}" = t."{column}") ORDER BY 1 LIMIT {SHOWN_PER_KEY}'
        ).fetchall()
        for row, value in rows:
            yield table, row, column, value, parent


def unvalidated(conn: PgConnection) -> list[tuple[str, str]]:
    """(table, constraint) of constraints the server does not vouch for (added NOT VALID)."""
    return conn.execute_native(
        "SELECT conrelid::regclass::text, conname::text FROM pg_constraint "
        "WHERE NOT convalidated AND connamespace = 'public'::regnamespace ORDER BY 1, 2").fetchall()
