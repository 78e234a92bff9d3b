"""`annotator server init`: make a PostgreSQL database a shared project, all in one transaction."""

from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit, urlunsplit

from annotator.core.common.errors import ProjectError
from annotator.core.store.pg.connection import PermissionRefused, PgConnection, ServerUnreachable
from annotator.core.store.pg.locations import connection_string, database_name, describe
from annotator.core.store.pg.server_schema import create_statements


def _connect(url: str) -> PgConnection:
    try:
        return PgConnection(connection_string(url))
    except ServerUnreachable as exc:
        raise ProjectError(f"Could not connect to {describe(url)}: {exc}") from exc


def _maintenance_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, parts.fragment))


def _create_database(url: str) -> None:
    """Create the URL's database when it does not exist yet (the user needs CREATEDB for that)."""
    name = database_name(url)
    try:
        conn = PgConnection(connection_string(_maintenance_url(url)))
    except sqlite3.Error as exc:
        raise ProjectError(f"Could not connect to {describe(url)} to create it: {exc}") from exc
    try:
        exists = conn.execute_native("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            from psycopg import sql

            # UTF8 whatever the cluster's default: Korean and emoji must be stored as typed.
            conn.raw.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                sql.Identifier(name)))
    except sqlite3.Error as exc:
        raise ProjectError(f"Could not create the database {name!r} on {describe(url)}: {exc}") from exc
    except Exception as exc:  # psycopg's own error from the raw CREATE DATABASE
        raise ProjectError(f"Could not create the database {name!r} on {describe(url)}: {exc}") from exc
    finally:
        conn.close()


def init(url: str, *, create_database: bool = True) -> dict[str, str]:
    """Set a database up as an empty shared project; refuse one that already holds tables.

    Returns the project's group role per role (owner, coder, viewer)."""
    if create_database:
        _create_database(url)
    conn = _connect(url)
    try:
        used = conn.execute_native(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").fetchone()[0]
        if used:
            raise ProjectError(f"{describe(url)} already holds tables; a shared project is set up only in an "
                               "empty database. Choose a new database name.")
        conn.execute_native("BEGIN")
        try:
            for statement in create_statements():
                conn.execute_native(statement)
            groups = _install_roles(conn)
            conn.execute_native("COMMIT")
        except BaseException:
            conn.rollback()
            raise
    except PermissionRefused as exc:
        raise ProjectError(f"Could not set up {describe(url)}: {exc}. Setting up a shared project creates its "
                           "owner, coder and viewer roles, so it needs a login that may create roles (CREATEROLE) "
                           "and databases (CREATEDB), e.g. the server's administrator. No tables or roles were "
                           "created.") from exc
    except sqlite3.Error as exc:
        raise ProjectError(f"Could not set up {describe(url)}: {exc}. Nothing was created.") from exc
    finally:
        conn.close()
    return groups


# -- roles (issue 15, item 5): the project's owner, coder and viewer groups, see roles.py --------------------


def _install_roles(conn: PgConnection) -> dict[str, str]:
    from annotator.core.store.pg import roles

    tables = [name for (name,) in conn.execute_native(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
        "AND table_type = 'BASE TABLE' ORDER BY table_name").fetchall()]
    return roles.install(conn, conn.execute_native("SELECT current_database()").fetchone()[0], tables)
