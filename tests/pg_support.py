"""A PostgreSQL server for the tests: the one ANNOTATOR_TEST_PG names, or a throwaway cluster.

With ANNOTATOR_TEST_PG=postgresql://user@host/db (a role that may create databases) the
tests use that server (and with ANNOTATOR_TEST_PG_FOLDER, the folder of a tools/pg_cluster.py
cluster, the fault tests may restart it when the tests run in one process); otherwise they start a
cluster of their own with tools/pg_cluster.py when PostgreSQL's server programs are installed. Each test gets a fresh database copied from
a template set up once by `server init`, and dropped afterwards.

Under pytest-xdist every worker is a process of its own with a Server of its own: its template and
databases carry the worker's name, so workers sharing one server (CI's) never touch each other's.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import pg_cluster  # noqa: E402

# PYTEST_XDIST_WORKER ("gw0", "gw1", ...) is set in each worker of a parallel run (pytest -n).
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
TEMPLATE = f"annotator_test_template_{WORKER}" if WORKER else "annotator_test_template"
_names = itertools.count(1)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


class Server:
    """A running server the tests may create databases on."""

    def __init__(self, url: str, folder: Path | None = None, *, owned: bool = True) -> None:
        # owned: started by these tests, so stopped by them; a cluster .ci/run started is left to it.
        self.url, self.folder, self.owned = url, folder, owned
        self._finished: list[str] = []  # finished tests' databases, dropped before the next is made
        import psycopg

        self._admin = psycopg.connect(url, autocommit=True)
        self._admin.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
        from annotator.core.store.pg import server

        server.init(with_database(url, TEMPLATE))
        # Opened once, as an owner's first opening does, so each test's copy has its starting codebook
        # already: that first opening costs more than the copy, and tests open thousands of projects.
        from annotator.core.project import Project

        Project(with_database(url, TEMPLATE)).close()
        self._admin.execute(f'ALTER DATABASE "{TEMPLATE}" WITH ALLOW_CONNECTIONS false')
        # PostgreSQL 15's default copies a template through the WAL; a small one copies faster as files.
        version = self._admin.execute("SHOW server_version_num").fetchone()[0]
        self._copy = " STRATEGY FILE_COPY" if int(version) >= 150000 else ""

    @classmethod
    def start(cls) -> "Server | None":
        url = os.environ.get("ANNOTATOR_TEST_PG")
        if url:
            # ANNOTATOR_TEST_PG_FOLDER: the cluster's folder when it is a throwaway one (.ci/run's),
            # so the fault tests may stop and restart it.
            folder = os.environ.get("ANNOTATOR_TEST_PG_FOLDER")
            return cls(url, Path(folder) if folder else None, owned=False)
        return cls.start_own()

    @classmethod
    def start_own(cls) -> "Server | None":
        """A throwaway cluster of this process's own (None without PostgreSQL's server programs)."""
        if pg_cluster.server_binaries() is None:
            return None
        folder = Path(tempfile.mkdtemp(prefix="annotator-pg-"))
        return cls(pg_cluster.start(folder), folder)

    def new_database(self) -> str:
        """A fresh, empty shared project: its URL."""
        self._drop_finished()
        # The process id keeps two runs (or two workers) on one server apart.
        name = f"annotator_test_{os.getpid()}_{next(_names)}"
        self._admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"{self._copy}')
        return with_database(self.url, name)

    def drop(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop_soon(self, url: str) -> None:
        """Drop a finished test's database before the next one is made (or at the end), not at once.

        Right after a test closes its project the server processes of its connections are still
        ending, and DROP DATABASE waits for them in steps of 100 ms: a tenth of a second for each
        of the ~800 tests on PostgreSQL. A test later they are gone."""
        self._finished.append(url)

    def _drop_finished(self) -> None:
        while self._finished:
            self.drop(self._finished.pop())

    def _may_stop(self) -> None:
        if self.folder is None:
            raise RuntimeError("only a throwaway cluster can be stopped or restarted by the tests")
        if WORKER and not self.owned:
            # Every worker of a parallel run has its connections on this server.
            raise RuntimeError("in a parallel run the test server is every worker's: a test that stops or "
                               "restarts it must run on conftest's own_pg_server")

    def restart(self, down_seconds: float = 0.0) -> None:
        """Stop the server as a crash would, then start it again (only a cluster of our own)."""
        self._may_stop()
        self._admin.close()
        pg_cluster.restart(self.folder, down_seconds)
        import psycopg

        self._admin = psycopg.connect(self.url, autocommit=True)

    @contextlib.contextmanager
    def stopped(self) -> Iterator[None]:
        """The server stopped as a crash would, for as long as the block runs; started again after it."""
        self._may_stop()
        self._admin.close()
        pg_cluster.stop(self.folder, mode="immediate")
        try:
            yield
        finally:
            pg_cluster.start(self.folder)
            import psycopg

            self._admin = psycopg.connect(self.url, autocommit=True)

    def stop(self) -> None:
        if not self.owned:  # a cluster of our own goes whole, with its databases
            self._drop_finished()
        self._admin.close()
        if self.folder is not None and self.owned:
            pg_cluster.stop(self.folder)
            # A cluster is about 110 MB: left behind by every run (one per worker in a parallel run), they
            # filled /tmp (35 GB after a day's work).
            shutil.rmtree(self.folder, ignore_errors=True)
