"""A shared project set up by an older Annotator is upgraded by the first owner who opens it (issue 15, item 2)."""

from __future__ import annotations

import pytest

from annotator.core.common.errors import ProjectError
from annotator.core.project import Project
from annotator.core.store import schema
from annotator.core.store.pg import server_schema


def _add_a_column(conn) -> None:
    conn.execute_native("ALTER TABLE documents ADD COLUMN reviewed_by text")


def _a_broken_step(conn) -> None:
    conn.execute_native("ALTER TABLE documents ADD COLUMN half_done text")
    conn.execute_native("SELECT no_such_function()")


NOW = str(server_schema.SERVER_SCHEMA_VERSION)
CARRIED = str(schema.SCHEMA_VERSION)
NEXT = str(server_schema.SERVER_SCHEMA_VERSION + 1)


def _pretend_newer(monkeypatch, step) -> None:
    monkeypatch.setattr(server_schema, "SERVER_MIGRATIONS", [*server_schema.SERVER_MIGRATIONS, step])
    monkeypatch.setattr(server_schema, "SERVER_SCHEMA_VERSION", server_schema.SERVER_SCHEMA_VERSION + 1)


def _columns(project) -> set[str]:
    return {row[0] for row in project.store.conn.execute_native(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'documents'").fetchall()}


def test_an_owner_opening_an_older_shared_project_upgrades_it_once(shared_url, monkeypatch):
    with Project(shared_url) as project:
        project.documents.add(title="One", text="Walmart opened a store.")
    _pretend_newer(monkeypatch, _add_a_column)
    with Project(shared_url) as project:
        assert project.store.info("server_schema") == NEXT
        assert "reviewed_by" in _columns(project)
        assert [d.title for d in project.documents.summaries()] == ["One"]
    with Project(shared_url) as again:  # nothing left to do the second time
        assert again.store.info("server_schema") == NEXT


def test_a_failed_upgrade_leaves_the_shared_project_as_it_was(shared_url, monkeypatch):
    Project(shared_url).close()
    _pretend_newer(monkeypatch, _a_broken_step)
    with pytest.raises(ProjectError, match=f"Could not upgrade .* from server schema {NOW} .*left as it was"):
        Project(shared_url)
    monkeypatch.undo()
    with Project(shared_url) as project:
        assert project.store.info("server_schema") == NOW
        assert "half_done" not in _columns(project)


def test_a_shared_project_from_a_newer_annotator_is_refused(shared_url):
    with Project(shared_url) as project:
        project.store.conn.execute_native("UPDATE project_info SET value = '99' WHERE key = 'server_schema'")
    with pytest.raises(ProjectError, match="set up by a newer Annotator .*update Annotator"):
        Project(shared_url)


@pytest.fixture
def team(pg_server):
    from tests.core.test_pg_roles import Team

    made = Team(pg_server)
    yield made
    made.close()


def test_a_coder_cannot_upgrade_and_is_told_to_ask_an_owner(team, monkeypatch):
    coder = team.login("kim", "coder")
    _pretend_newer(monkeypatch, _add_a_column)
    with pytest.raises(ProjectError, match="only an owner may do: ask an owner to open it once"):
        team.open(coder)
    monkeypatch.undo()
    with team.open() as owner:
        assert owner.store.info("server_schema") == NOW


def test_a_shared_project_of_server_schema_1_gains_the_entity_charts_index(shared_url):
    """Server schema 2 carries project schema 9: the index the entity charts read linked mentions by."""
    with Project(shared_url) as project:
        conn = project.store.conn
        conn.execute_native("DROP INDEX idx_annotations_entity_documents")
        conn.execute_native("UPDATE project_info SET value = '1' WHERE key = 'server_schema'")
        conn.execute_native("UPDATE project_info SET value = '8' WHERE key = 'project_schema'")
    with Project(shared_url) as project:
        assert (project.store.info("server_schema"), project.store.info("project_schema")) == (NOW, CARRIED)
        assert project.store.conn.execute_native(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_annotations_entity_documents'").fetchone()[0] \
            .endswith("(entity_id, document_id, span_start, label_id, coder_id)")
        # The text index stays SQLite's: PostgreSQL's B-tree refuses a long text.
        assert project.store.conn.execute_native(
            "SELECT count(*) FROM pg_indexes WHERE indexname = 'idx_annotations_text'").fetchone()[0] == 0


def test_a_shared_project_of_server_schema_2_gains_the_document_status_index(shared_url):
    """Server schema 3 carries project schema 10: the documents' index by status."""
    with Project(shared_url) as project:
        project.documents.add(title="One", text="Walmart opened a store.")
        conn = project.store.conn
        conn.execute_native("DROP INDEX idx_documents_status")
        conn.execute_native("UPDATE project_info SET value = '2' WHERE key = 'server_schema'")
        conn.execute_native("UPDATE project_info SET value = '9' WHERE key = 'project_schema'")
    with Project(shared_url) as project:
        assert (project.store.info("server_schema"), project.store.info("project_schema")) == ("3", "10")
        assert project.store.conn.execute_native(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_documents_status'").fetchone()[0] \
            .endswith("(status)")
        assert [d.title for d in project.documents.summaries()] == ["One"]
