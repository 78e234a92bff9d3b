"""Who belongs to a shared project: `annotator server add-user / users / remove-user`.

A person logs in to the server as a login role of their own and has one role in the
project: membership of one of its groups (roles.py). Logins are cluster-wide and may
belong to other projects too, so removing someone from a project takes their membership
away and leaves the login itself. Managing logins needs an administrator's login (one
that may create roles).

Passwords are hashed on this computer (libpq's SCRAM) before they travel, so the
password itself reaches neither the server's statement log nor anything Annotator keeps.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from psycopg import sql

from annotator.core.common.errors import ProjectError
from annotator.core.store.pg.connection import PermissionRefused, PgConnection, ServerUnreachable
from annotator.core.store.pg.locations import connection_string, describe
from annotator.core.store.pg.roles import MAX_NAME_BYTES, ROLES, groups_of


@dataclass(frozen=True)
class Member:
    login: str
    role: str


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ProjectError(f"There is no role {role!r}; choose one of {', '.join(ROLES)}.")
    return role


def check_login(login: str) -> str:
    """A login name a coder can code under: their coders row carries it unchanged, so no stray spacing."""
    if not isinstance(login, str) or not login.strip():
        raise ProjectError("Give the login name, e.g. the person's initials or their user name on the server.")
    if login != " ".join(login.split()):
        raise ProjectError(f"The login {login!r} starts or ends with spaces, or holds two in a row; a coder's "
                           "codes are signed with their login, so give it without them.")
    if "\x00" in login:
        raise ProjectError("A login name cannot hold a NUL character.")
    if len(login.encode()) > MAX_NAME_BYTES:
        raise ProjectError(f"The login {login!r} is longer than PostgreSQL's {MAX_NAME_BYTES} bytes; choose a "
                           "shorter one (initials are enough).")
    return login


def _connect(url: str) -> PgConnection:
    try:
        return PgConnection(connection_string(url))
    except ServerUnreachable as exc:
        raise ProjectError(f"Could not connect to {describe(url)}: {exc}. Check the address and that the "
                           "server is running.") from exc
    except sqlite3.Error as exc:
        raise ProjectError(f"Could not open {describe(url)}: {exc}") from exc


def _groups(conn: PgConnection, url: str) -> dict[str, str]:
    if not conn.execute_native("SELECT to_regclass('public.project_info') IS NOT NULL").fetchone()[0]:
        raise ProjectError(f"{describe(url)} holds no Annotator project. Create one there with "
                           f"`annotator server init --url URL` first.")
    groups = groups_of(conn)
    if set(groups) != set(ROLES):
        raise ProjectError(f"{describe(url)} was set up without roles (by an older Annotator); make a new "
                           "shared project with `annotator server init` and push the project into it.")
    return groups


def _refused(url: str, exc: BaseException) -> ProjectError:
    return ProjectError(f"The server refused: {exc}. Managing a project's people needs an administrator's login "
                        f"(one that may create roles, CREATEROLE); connect to {describe(url)} as that login.")


@contextlib.contextmanager
def _managing(url: str, doing: str) -> Iterator[PgConnection]:
    """A connection for one change to the project's people, committed whole or not at all.

    doing completes "Could not ... <project>" when the server fails: "add 'kim' to".
    """
    conn = _connect(url)
    try:
        yield conn
        if conn.in_transaction:
            conn.execute_native("COMMIT")
    except PermissionRefused as exc:
        conn.rollback()
        raise _refused(url, exc) from exc
    except sqlite3.Error as exc:
        conn.rollback()
        raise ProjectError(f"Could not {doing} {describe(url)}: {exc}. Nothing was changed.") from exc
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.close()


def _run(conn: PgConnection, statement: sql.Composable) -> None:
    conn.execute_native(statement.as_string(conn.raw))


def members(url: str) -> list[Member]:
    """Everyone with a role in the project, owners first, each login once (their strongest role)."""
    conn = _connect(url)
    try:
        groups = _groups(conn, url)
        rows = conn.execute_native(
            "SELECT r.rolname, g.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
            "JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = ANY(%s)", (list(groups.values()),)).fetchall()
        creator = conn.execute_native(
            "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'public.annotations'::regclass").fetchone()[0]
    finally:
        conn.close()
    by_group = {name: role for role, name in groups.items()}
    found: dict[str, str] = {creator: "owner"}
    for login, group in rows:
        role = by_group[group]
        if login not in found or ROLES.index(role) < ROLES.index(found[login]):
            found[login] = role
    return sorted((Member(login, role) for login, role in found.items()),
                  key=lambda m: (ROLES.index(m.role), m.login))


def add(url: str, login: str, role: str, *, password: str | None = None) -> str:
    """Give login the role (creating the login when new, with password); returns what was done, to print."""
    check_role(role)
    check_login(login)
    with _managing(url, f"add {login!r} to") as conn:
        groups = _groups(conn, url)
        if login in groups.values():
            raise ProjectError(f"{login!r} is one of this project's own groups, not a person's login.")
        conn.execute_native("BEGIN")
        found = conn.execute_native("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", (login,)).fetchone()
        if found is not None and not found[0]:
            raise ProjectError(f"{login!r} is a group on this server, not a login; give a person's login.")
        created = found is None
        if created:
            _run(conn, sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(login)))
        if password is not None:
            hashed = conn.raw.pgconn.encrypt_password(password.encode(), login.encode(), None).decode()
            _run(conn, sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(login), sql.Literal(hashed)))
        for other, group in groups.items():
            if other != role and conn.execute_native(
                    "SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                    "JOIN pg_roles r ON r.oid = m.member WHERE g.rolname = %s AND r.rolname = %s)",
                    (group, login)).fetchone()[0]:
                _run(conn, sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(group), sql.Identifier(login)))
        _run(conn, sql.SQL("GRANT {} TO {}").format(sql.Identifier(groups[role]), sql.Identifier(login)))
    made = f"Created the login {login!r}; it" if created else repr(login)
    return f"{made} is now {'an' if role == 'owner' else 'a'} {role} of {describe(url)}."


def remove(url: str, login: str) -> str:
    """Take login's role in the project away; the login stays (other projects may use it), their codes stay."""
    with _managing(url, f"remove {login!r} from") as conn:
        groups = _groups(conn, url)
        held = [name for (name,) in conn.execute_native(
            "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles r ON r.oid = m.member WHERE g.rolname = ANY(%s) AND r.rolname = %s",
            (list(groups.values()), login)).fetchall()]
        creator = conn.execute_native(
            "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'public.annotations'::regclass").fetchone()[0]
        if not held and login == creator:
            raise ProjectError(f"{login!r} set {describe(url)} up and owns its tables, so stays its owner.")
        if not held:
            known = ", ".join(m.login for m in members(url)) or "nobody yet"
            raise ProjectError(f"{login!r} has no role in {describe(url)}; its people are: {known}.")
        conn.execute_native("BEGIN")
        for group in held:
            _run(conn, sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(group), sql.Identifier(login)))
    return (f"{login!r} has no role in {describe(url)} any more; their codes stay in the project, and the login "
            "itself stays on the server (other projects may use it).")
