"""Shared fixtures: headless Qt, an isolated data folder, and throw-away projects."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Before anything imports Qt: GUI tests run without a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.core.common.model import Label  # noqa: E402
from annotator.core.project import Project  # noqa: E402


# optionalhook: `pytest -p no:xdist`, or a venv without xdist, must still run the suite in one process.
@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`pytest -n auto` (make test): one worker more than the cores, at most 4.

    Many tests wait rather than compute (the PostgreSQL server, subprocesses, Qt's event loop), so
    a worker more than the cores keeps them busy. Measured on the 2-core machine: the whole suite
    took 385 s with 2 workers, 281 s with 3 and 277 s with 4, and 4 was the first to make a GUI
    test's pointer-shape check miss its moment."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # the number the developer set, which xdist reads itself
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores + 1, 4)


@pytest.fixture(autouse=True)
def annotator_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data folder, never the user's real one."""
    home = tmp_path_factory.mktemp("annotator_home")
    monkeypatch.setenv("ANNOTATOR_HOME", str(home))
    return home


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # A module marked both_engines runs each test that takes `project` on both engines;
    # a test in it marked sqlite_only("why") is about SQLite's internals and runs on SQLite alone.
    if ("project" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_engines")
            and not metafunc.definition.get_closest_marker("sqlite_only")):
        metafunc.parametrize("engine", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def main_pg_server() -> Iterator:
    """A PostgreSQL server to make shared projects on (tests/pg_support.py says which)."""
    from tests.pg_support import Server

    server = Server.start()
    if server is None:
        if os.environ.get("ANNOTATOR_REQUIRE_PG"):
            pytest.fail("ANNOTATOR_REQUIRE_PG is set but PostgreSQL's server programs are not installed")
        pytest.skip("no PostgreSQL: apt-get install postgresql postgresql-contrib, or set ANNOTATOR_TEST_PG")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_server(main_pg_server):
    """The server `shared_url` makes databases on; a module whose tests stop it overrides this with own_pg_server."""
    return main_pg_server


@pytest.fixture(scope="session")
def own_pg_server(main_pg_server) -> Iterator:
    """A server that no other test process uses, for the tests that stop, restart or crash it.

    Under pytest-xdist the other workers' tests run on the shared server (CI's) at the same moment:
    stopping it would fail them. A cluster these tests started themselves, or CI's when this is the
    only process, is used as it is; otherwise a throwaway cluster of this worker's own is started."""
    from tests.pg_support import WORKER, Server

    if main_pg_server.owned or (main_pg_server.folder is not None and not WORKER):
        yield main_pg_server
        return
    server = Server.start_own()
    if server is None:
        if os.environ.get("ANNOTATOR_REQUIRE_PG"):
            pytest.fail("the tests that stop the server need a cluster of their own in a parallel run, "
                        "but PostgreSQL's server programs are not installed")
        pytest.skip("stopping the server needs a cluster of our own: apt-get install postgresql postgresql-contrib")
    yield server
    server.stop()


@pytest.fixture
def shared_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a fresh, empty shared project on the test server (marked own_pg_server: on own_pg_server)."""
    server = request.getfixturevalue("own_pg_server" if request.node.get_closest_marker("own_pg_server")
                                     else "pg_server")
    url = server.new_database()
    yield url
    server.drop_soon(url)


@pytest.fixture
def project(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Project]:
    location = request.getfixturevalue("shared_url") if engine == "postgresql" else tmp_path / "test.annotator"
    p = Project(location)
    yield p
    p.close()


@pytest.fixture
def doc_factory(project: Project) -> Callable[..., int]:
    """Add a document to `project`: doc_factory("text") -> id. Titles are numbered."""
    counter = iter(range(1, 1_000_000))

    def make(text: str, title: str | None = None, **kw) -> int:
        return project.documents.add(title=title or f"Doc {next(counter)}", text=text, **kw)

    return make


@pytest.fixture
def label(project: Project) -> Callable[[str], Label]:
    """Look a codebook label up by name, failing loudly when it is missing."""

    def get(name: str) -> Label:
        found = project.codebook.by_name(name)
        assert found is not None, f"no label {name!r} in the codebook"
        return found

    return get
