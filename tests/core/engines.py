"""Where a test's project lives on the engine it runs on: a file under tmp_path, or a fresh shared database."""

from __future__ import annotations

from pathlib import Path

import pytest


def location(request: pytest.FixtureRequest, folder: Path, name: str = "test.annotator") -> Path | str:
    """A new project's location on the test's engine (`engine` fixture): folder/name, or a fresh database's URL."""
    engine = request.getfixturevalue("engine") if "engine" in request.fixturenames else "sqlite"
    if engine != "postgresql":
        return folder / name
    server = request.getfixturevalue("pg_server")
    url = server.new_database()
    request.addfinalizer(lambda: server.drop(url))
    return url
