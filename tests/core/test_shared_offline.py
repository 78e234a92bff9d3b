"""A shared project while its server is away and once it is back: reads and edits need no restart.

(issue 15, item 6) The server is stopped for a while (not only restarted), against a real PostgreSQL
server (tests/pg_support.py); no live feed runs here, so nothing but the read or edit itself reconnects.
"""

from __future__ import annotations

import psycopg
import pytest

from annotator.core.project import Project
from annotator.core.store.pg.shared import ServerGone

TEXT = "The minister said the plan would cut prices."


@pytest.fixture
def pg_server(own_pg_server):
    """These tests stop the server: one no other test process is using at the time (conftest's own_pg_server)."""
    return own_pg_server


def test_a_read_while_the_server_is_away_says_so_and_works_again_once_it_is_back(shared_url, pg_server):
    with Project(shared_url) as project:
        doc = project.documents.add(title="One", text=TEXT)
        with pg_server.stopped():
            with pytest.raises(ServerGone, match="cannot be reached"):
                project.documents.get(doc)
            with pytest.raises(ServerGone, match="cannot be reached"):  # still away: said again, not hung
                project.annotations.for_document(doc)
        assert project.documents.get(doc).text == TEXT  # no reconnect asked for: the read began a new session
        assert project.annotations.for_document(doc) == []


def test_an_edit_right_after_the_server_came_back_is_saved(shared_url, pg_server):
    with Project(shared_url) as project:
        doc = project.documents.add(title="One", text=TEXT)
        with pg_server.stopped():
            pass
        made = project.annotations.add(doc, project.codebook.by_name("Person"), 4, 12)
        assert project.store.last_changeset is not None
        project.store.undo(project.store.last_changeset)  # made in the new session: undoable there
        project.annotations.add(doc, project.codebook.by_name("Person"), 20, 24)
    with Project(shared_url) as check:
        assert [(a.start, a.end) for a in check.annotations.for_document(doc)] == [(20, 24)]
        assert made.id not in {a.id for a in check.annotations.for_document(doc)}


def test_an_edit_whose_session_broke_half_way_is_not_finished_on_a_new_one(shared_url, pg_server):
    with Project(shared_url) as project:
        doc = project.documents.add(title="One", text=TEXT)
        person = project.codebook.by_name("Person")
        pid = project.store.conn.execute_native("SELECT pg_backend_pid()").fetchone()[0]
        with pytest.raises(ServerGone), project.store.write():
            project.annotations.add(doc, person, 0, 3)
            with psycopg.connect(pg_server.url, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            for start in (4, 20):  # code that swallowed the first failure goes on: refused, not run elsewhere
                with pytest.raises(Exception, match="connection"):
                    project.annotations.add(doc, person, start, start + 3)
        assert project.annotations.for_document(doc) == []  # nothing of it, read through a new session
        project.annotations.add(doc, person, 30, 33)
    with Project(shared_url) as check:
        assert [(a.start, a.end) for a in check.annotations.for_document(doc)] == [(30, 33)]
