"""Roles on a shared project, enforced by the server (issue 15, item 5).

Each test sets up a project of its own with `server init` (its own owner, coder and viewer
groups: roles are cluster-wide, the template's would be shared by every test) and logins
with unique names, and drops them all afterwards. The decisive checks use a raw psycopg
connection logged in as a coder, so they hold whatever client a coder runs.
"""

from __future__ import annotations

import itertools
import os
import uuid
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import errors as pg_errors
from psycopg import sql

from annotator.core.common.errors import ProjectError
from annotator.core.project import Project
from annotator.core.store.pg import server, users
from tests.pg_support import with_database

_numbers = itertools.count(1)
PASSWORD = "pw-for-tests"


def as_login(url: str, login: str, password: str = PASSWORD) -> str:
    """The URL logged in as login (with a password, for a server that asks for one)."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{quote(login, safe='')}:{quote(password, safe='')}@{host}", parts.path,
                       parts.query, parts.fragment))


class Team:
    """A shared project of its own, an owner's URL, and logins made for the test."""

    def __init__(self, pg_server) -> None:
        self.pg_server = pg_server
        self.tag = f"{os.getpid()}_{next(_numbers)}_{uuid.uuid4().hex[:6]}"
        self.url = with_database(pg_server.url, f"annotator_roles_{self.tag}")
        self.groups = server.init(self.url)
        self.logins: list[str] = []
        self.projects: list[Project] = []

    def login(self, name: str, role: str) -> str:
        """A new login with that role; its name made unique, so tests never meet each other's."""
        login = f"{name} {self.tag}"
        users.add(self.url, login, role, password=PASSWORD)
        self.logins.append(login)
        return login

    def open(self, login: str | None = None) -> Project:
        project = Project(self.url if login is None else as_login(self.url, login))
        self.projects.append(project)
        return project

    def raw(self, login: str) -> psycopg.Connection:
        return psycopg.connect(as_login(self.url, login), autocommit=True)

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True)

    def close(self) -> None:
        for project in self.projects:
            project.close()
        self.pg_server.drop(self.url)
        with psycopg.connect(self.pg_server.url, autocommit=True) as admin:
            for name in [*self.logins, *self.groups.values()]:
                admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


@pytest.fixture
def team(pg_server):
    made = Team(pg_server)
    yield made
    made.close()


@pytest.fixture
def coded(team):
    """A document, a label, and coder B's annotation on it (tagged through the core as B)."""
    owner = team.open()
    doc = owner.documents.add(title="Election night", text="The minister said turnout was high.")
    label = next(found for found in owner.codebook.codable_labels() if found.layer == "entity")
    a, b = team.login("coder a", "coder"), team.login("coder b", "coder")
    as_b = team.open(b)
    theirs = as_b.annotations.add(doc, label, 4, 12, note="B's note")
    return owner, doc, label, a, b, theirs


def _refused(conn: psycopg.Connection, statement: str, params: tuple = ()) -> None:
    with pytest.raises(pg_errors.InsufficientPrivilege):
        conn.execute(statement, params)


def test_a_coders_raw_sql_cannot_touch_another_coders_annotation(team, coded):
    owner, doc, label, a, b, theirs = coded
    b_id = theirs.coder_id
    with team.raw(a) as conn:
        _refused(conn, "INSERT INTO annotations(document_id, label_id, span_start, span_end, text, annotator, "
                       "created_at, updated_at, coder_id) VALUES (%s, %s, 0, 3, 'The', 'B', 'now', 'now', %s)",
                 (doc, label.id, b_id))
        _refused(conn, "UPDATE annotations SET note = 'overwritten by A' WHERE id = %s", (theirs.id,))
        _refused(conn, "UPDATE annotations SET coder_id = NULL WHERE id = %s", (theirs.id,))
        _refused(conn, "DELETE FROM annotations WHERE id = %s", (theirs.id,))
        _refused(conn, "DELETE FROM annotations")
        # The layers hanging off a coder: codesheet answers, coded marks, and the coder rows themselves.
        _refused(conn, "INSERT INTO coded_documents(document_id, coder_id, coded_at) VALUES (%s, %s, 'now')",
                 (doc, b_id))
        _refused(conn, "INSERT INTO coders(name) VALUES ('someone else')")
        _refused(conn, "INSERT INTO coders(name, kind) VALUES (current_user, 'gold')")
        _refused(conn, "UPDATE coders SET name = current_user WHERE id = %s", (b_id,))
        # Nor can a coder forge the feed in another login's name.
        _refused(conn, "INSERT INTO changes(tbl, op, key, login) VALUES ('annotations', 'delete', '1', %s)", (b,))
    with team.admin() as conn:
        row = conn.execute("SELECT note, coder_id, span_start FROM annotations WHERE id = %s", (theirs.id,)).fetchone()
    assert row == ("B's note", b_id, 4)
    assert owner.annotations.count() == 1


def test_a_coders_temporary_tables_cannot_stand_in_for_the_projects(team, coded):
    owner, doc, label, a, b, theirs = coded
    with team.raw(a) as conn:
        # Temporary tables come first on a session's search path: a fake "coders" claiming B's id for A.
        conn.execute("CREATE TEMP TABLE coders (id integer, name text, kind text)")
        conn.execute("INSERT INTO pg_temp.coders VALUES (%s, current_user, 'coder')", (theirs.coder_id,))
        conn.execute("CREATE TEMP TABLE changes (LIKE public.changes INCLUDING ALL)")
        _refused(conn, "UPDATE public.annotations SET note = 'overwritten by A' WHERE id = %s", (theirs.id,))
        _refused(conn, "INSERT INTO public.coded_documents(document_id, coder_id, coded_at) VALUES (%s, %s, 'now')",
                 (doc, theirs.coder_id))
    assert owner.annotations.get(theirs.id).note == "B's note"


def test_who_added_an_entity_cannot_be_forged_on_the_feed(team, coded):
    owner, doc, label, a, b, theirs = coded
    person = team.open(b).entities.create("Minister Kim", label.id)
    with team.raw(a) as conn:
        _refused(conn, "INSERT INTO changes(tbl, op, key) VALUES ('entities', 'insert', %s)", (str(person.id),))
        _refused(conn, "UPDATE entities SET name = 'forged' WHERE id = %s", (person.id,))
    assert owner.entities.get(person.id).name == "Minister Kim"


def test_a_coders_attribute_values_are_theirs_alone(team, coded):
    owner, doc, label, a, b, theirs = coded
    attribute = owner.codebook.add_attribute(label.id, "certainty", "text")
    team.open(b).values.set(theirs.id, attribute.id, "sure")
    with team.raw(a) as conn:
        _refused(conn, "INSERT INTO annotation_values(annotation_id, attribute_id, value) VALUES (%s, %s, 'x') "
                       "ON CONFLICT DO NOTHING", (theirs.id, attribute.id))
        _refused(conn, "UPDATE annotation_values SET value = 'unsure' WHERE annotation_id = %s", (theirs.id,))
        _refused(conn, "DELETE FROM annotation_values WHERE annotation_id = %s", (theirs.id,))
    with team.admin() as conn:
        assert conn.execute("SELECT value FROM annotation_values WHERE annotation_id = %s",
                            (theirs.id,)).fetchall() == [("sure",)]


def test_a_coder_tags_edits_and_undoes_through_the_core_as_their_login(team, coded):
    owner, doc, label, a, b, theirs = coded
    project = team.open(a)
    assert project.coders.current_name == a  # the login, not this computer's user name
    assert project.store.read_only_reason is None
    mine = project.annotations.add(doc, label, 17, 24)
    assert project.coders.get(mine.coder_id).name == a
    project.annotations.update(mine.id, note="checked")
    project.store.undo(project.store.last_changeset)
    assert project.annotations.get(mine.id).note == ""
    project.annotations.delete(mine.id)
    # Undoing a coder's first edit takes their new coder row away with it, as on a project file.
    first = team.open(team.login("coder c", "coder"))
    tagged = first.annotations.add(doc, label, 0, 3)
    first.store.undo(first.store.last_changeset)
    assert first.annotations.find(tagged.id) is None
    assert first.coders.by_name(first.coders.current_name) is None
    # Another coder's annotation is refused through the core with a message, not a traceback.
    with pytest.raises(ProjectError, match="may not change another coder's annotation"):
        project.annotations.update(theirs.id, note="mine now")
    with pytest.raises(ProjectError, match="coder"):
        project.annotations.delete(theirs.id)
    assert owner.annotations.get(theirs.id).note == "B's note"
    # The owner sees the coder's edits on the live feed: the changes table works for a coder too.
    owner.store.others_changes()
    project.annotations.add(doc, label, 17, 24)
    assert any(change.document_id == doc for change in owner.store.others_changes())


def test_a_coder_answers_the_codesheet_for_themself_only(team, coded):
    owner, doc, label, a, b, theirs = coded
    topic = owner.variables.add("Topic", "text")
    as_a, as_b = team.open(a), team.open(b)
    as_b.codesheet.set(doc, topic, "Economy")
    as_b.codesheet.mark_coded(doc)
    as_a.codesheet.set(doc, topic, "Politics")
    as_a.codesheet.mark_coded(doc)
    assert as_a.codesheet.answers(doc) == {topic.id: "Politics"}
    with team.raw(a) as conn:
        _refused(conn, "UPDATE variable_values SET value = 'Sport' WHERE coder_id = %s", (theirs.coder_id,))
        _refused(conn, "DELETE FROM coded_documents WHERE coder_id = %s", (theirs.coder_id,))
    assert owner.codesheet.answers(doc, coder=b) == {topic.id: "Economy"}
    assert owner.codesheet.is_marked(doc, coder=b)


def test_a_coder_codes_as_their_exact_login_beside_a_coder_of_a_like_name(team, coded):
    owner, doc, label, a, b, theirs = coded
    # A project pushed from a file may hold a coder "CODER A ..." before the login "coder a ..." codes.
    namesake = owner.coders.add(a.upper())
    project = team.open(a)
    mine = project.annotations.add(doc, label, 17, 24)
    assert owner.coders.get(mine.coder_id).name == a
    assert mine.coder_id != namesake.id


def test_the_codebook_is_the_owners(team, coded):
    owner, doc, label, a, b, theirs = coded
    coder = team.open(a)
    with pytest.raises(ProjectError, match="permission denied for table labels"):
        coder.codebook.add_label("Rumour", "claim")
    with pytest.raises(ProjectError, match="refused"):
        coder.variables.add("Topic", "text")
    assert coder.codebook.by_name("Rumour") is None
    with team.raw(a) as conn:
        _refused(conn, "UPDATE labels SET name = 'renamed' WHERE id = %s", (label.id,))
        _refused(conn, "DELETE FROM documents WHERE id = %s", (doc,))
        _refused(conn, "UPDATE documents SET title = 'retitled' WHERE id = %s", (doc,))
        _refused(conn, "INSERT INTO project_info(key, value) VALUES ('server_schema', '99')")
        # A document's status and memo are the desk's shared progress and notes: a coder may set them.
        conn.execute("UPDATE documents SET status = 'done', memo = 'read twice' WHERE id = %s", (doc,))
    added = owner.codebook.add_label("Rumour", "claim")
    assert owner.codebook.by_name("Rumour") == added
    owner.variables.add("Topic", "text")
    assert owner.documents.memo(doc) == "read twice"


def test_the_gold_layer_is_written_only_by_owners(team, coded):
    owner, doc, label, a, b, theirs = coded
    coder = team.open(a)
    coder.coders.writing_gold = True
    with pytest.raises(ProjectError, match="refused"):
        coder.annotations.add(doc, label, 4, 12)
    assert owner.coders.gold() is None
    owner.coders.writing_gold = True
    settled = owner.annotations.add(doc, label, 4, 12)
    assert owner.coders.get(settled.coder_id).is_gold
    with team.raw(a) as conn:
        _refused(conn, "UPDATE annotations SET note = 'not settled' WHERE id = %s", (settled.id,))


def test_a_viewer_reads_but_writes_nothing(team, coded):
    owner, doc, label, a, b, theirs = coded
    viewer = team.login("viewer", "viewer")
    project = team.open(viewer)
    assert project.read_only
    assert "viewer" in project.store.read_only_reason
    assert [x.id for x in project.annotations.for_document(doc)] == [theirs.id]
    with pytest.raises(ProjectError, match="read-only"):
        project.annotations.add(doc, label, 0, 3)
    with team.raw(viewer) as conn:
        assert conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 1
        _refused(conn, "INSERT INTO coders(name) VALUES (current_user)")
        _refused(conn, "UPDATE annotations SET note = '' WHERE id = %s", (theirs.id,))
        _refused(conn, "DELETE FROM annotations")
        _refused(conn, "UPDATE documents SET memo = 'x'")
        _refused(conn, "INSERT INTO labels(name, layer, color) VALUES ('x', 'claim', '#000000')")


def test_entities_a_coder_added_are_theirs_to_change(team, coded):
    owner, doc, label, a, b, theirs = coded
    as_a, as_b = team.open(a), team.open(b)
    person = as_a.entities.create("Minister Kim", label.id)
    as_a.entities.add_alias(person.id, "the minister")
    as_a.entities.rename(person.id, "Kim Min-su")
    as_a.documents.set_memo(doc, "Quotes checked against the broadcast.")
    as_a.store.undo(as_a.store.last_changeset)  # a coder's memo and its undo: the status and memo columns only
    assert owner.documents.memo(doc) == ""
    undone = as_a.entities.create("Spokesperson Lee", label.id)
    redo = as_a.store.undo(as_a.store.last_changeset)
    assert all(entity.id != undone.id for entity in owner.entities.all())
    as_a.store.undo(redo)
    assert owner.entities.get(undone.id).name == "Spokesperson Lee"
    as_b.store.others_changes()  # B has seen A's edits: what stops B is the role, not the row version
    with pytest.raises(ProjectError, match="may not change another coder's entity"):
        as_b.entities.rename(person.id, "Someone else")
    assert owner.entities.get(person.id).name == "Kim Min-su"


@pytest.mark.parametrize("name", ["O'Brien; DROP TABLE annotations; --", 'say "hi"', "김 민수", "Robert'); --"])
def test_hostile_login_names_are_names_not_sql(team, coded, name):
    owner, doc, label, a, b, theirs = coded
    login = team.login(name, "coder")
    project = team.open(login)
    assert project.coders.current_name == login
    mine = project.annotations.add(doc, label, 0, 3)
    assert owner.coders.get(mine.coder_id).name == login
    assert owner.annotations.count() == 2
    with pytest.raises(ProjectError, match="refused"):
        project.annotations.update(theirs.id, note="x")
    assert {m.login: m.role for m in users.members(team.url)}[login] == "coder"


def test_a_login_without_a_role_cannot_open_the_project(team, coded):
    owner, doc, label, a, b, theirs = coded
    as_a = team.open(a)
    mine = as_a.annotations.add(doc, label, 17, 24)
    as_a.close()
    users.remove(team.url, a)
    with pytest.raises(ProjectError, match="no role in the project"):
        team.open(a)
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        team.raw(a)
    # Their codes stay: removing a person is not removing their work.
    assert owner.coders.get(owner.annotations.get(mine.id).coder_id).name == a
