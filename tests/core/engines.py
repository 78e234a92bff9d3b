"""Where a test's project lives on the engine it runs on: a file under tmp_path, or a fresh shared database."""

from __future__ import annotations

from pathlib import Path

import pytest


ENGINES = ["sqlite", "postgresql"]
"""params= for a fixture that builds its project on each engine (request.param is the engine)."""


def location(request: pytest.FixtureRequest, folder: Path, name: str = "test.annotator",
             engine: str | None = None) -> Path | str:
    """A new project's location on `engine` (default: the `engine` fixture's): folder/name, or a fresh
    database's URL, dropped when the requesting fixture ends."""
    if engine is None:
        engine = request.getfixturevalue("engine") if "engine" in request.fixturenames else "sqlite"
    if engine != "postgresql":
        return folder / name
    server = request.getfixturevalue("pg_server")
    url = server.new_database()
    request.addfinalizer(lambda: server.drop_soon(url))
    return url


def named(project_location: Path | str) -> str:
    """How messages name a project: a file by its path, a shared project by its address without a password."""
    from annotator.core.common.names import shown
    from annotator.core.store.pg.locations import describe, is_url

    return describe(project_location) if is_url(project_location) else shown(project_location)


def behind_annotators_back(project_location: Path | str, sql: str) -> None:
    """Change a project as another tool would, on a connection of its own: none of Annotator's rules
    (nor, on a file, SQLite's foreign keys; nor, on a server, the row versions a client checks) apply."""
    if isinstance(project_location, Path):
        import sqlite3

        conn = sqlite3.connect(project_location)
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute(sql)
        conn.commit()
        conn.close()
    else:
        import psycopg

        with psycopg.connect(project_location, autocommit=True) as conn:
            conn.execute(sql)
