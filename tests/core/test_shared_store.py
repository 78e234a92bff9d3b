"""A shared project on PostgreSQL keeps the Store's promises: one edit commits whole, undo is exact."""

from __future__ import annotations

import pytest

from annotator.core.project import Project
from annotator.core.store.database import ChangeKind
from annotator.core.store.pg.shared import EditConflict

KOREAN = "월마트가 새 매장을 열었다. Walmart opened a store in Seoul."


def test_tag_undo_redo_on_a_shared_project(shared_url):
    with Project(shared_url) as project:
        doc = project.documents.add(title="월마트 😀", text=KOREAN)
        organisation = project.codebook.by_name("Organization")
        made = project.annotations.add(doc, organisation, 0, 3)
        assert made.text == "월마트"
        tagged = project.store.last_changeset
        project.store.undo(tagged)
        assert project.annotations.for_document(doc) == []
        redo = project.store.last_changeset
        project.store.undo(redo)
        again = project.annotations.for_document(doc)
        assert [(a.id, a.start, a.end, a.text) for a in again] == [(made.id, 0, 3, "월마트")]


def test_another_client_sees_committed_edits_as_changes(shared_url):
    with Project(shared_url) as mine, Project(shared_url) as theirs:
        doc = mine.documents.add(title="One", text=KOREAN)
        theirs.store.others_changes()  # caught up with the import
        made = mine.annotations.add(doc, mine.codebook.by_name("Organization"), 0, 3)
        seen = theirs.store.others_changes()
        assert any(c.kind is ChangeKind.ANNOTATION_ADDED and c.annotation_id == made.id for c in seen)
        assert mine.store.others_changes() == [] or all(c.annotation_id != made.id for c in mine.store.others_changes())


def test_a_row_changed_elsewhere_unseen_is_not_overwritten(shared_url):
    with Project(shared_url) as mine, Project(shared_url) as theirs:
        doc = mine.documents.add(title="One", text=KOREAN)
        theirs.store.others_changes()
        mine.documents.set_memo(doc, "mine")
        theirs.store.seen = 0  # as if their window had not caught up
        with pytest.raises(EditConflict, match="meanwhile"):
            with theirs.store.write() as db:
                db.execute("UPDATE documents SET status = 'done' WHERE id = ?", (doc,))
        assert mine.store.query("SELECT status FROM documents WHERE id = ?", (doc,))[0][0] == "todo"


def test_the_refusal_names_who_changed_what_in_words(shared_url):
    with Project(shared_url) as mine, Project(shared_url) as theirs:
        entity = mine.entities.create("월마트", mine.codebook.by_name("Organization"))
        theirs.store.seen = 0
        with pytest.raises(EditConflict) as refused:
            with theirs.store.write() as db:
                db.execute("UPDATE entities SET memo = 'theirs' WHERE id = ?", (entity.id,))
        assert "changed this entity meanwhile" in str(refused.value)


def test_connections_notice_a_dead_network_in_seconds_and_keep_what_the_url_sets(shared_url):
    from urllib.parse import parse_qs, urlsplit

    from annotator.core.store.pg.locations import connection_string

    given = parse_qs(urlsplit(connection_string(f"{shared_url}&keepalives_idle=60")).query)
    assert given["keepalives_idle"] == ["60"]  # the user's own value wins
    assert given["keepalives"] == ["1"] and given["tcp_user_timeout"] == ["20000"]
    assert given["application_name"] == ["annotator"]
    # libpq takes every one of them (an unknown option would refuse the connection).
    with Project(shared_url) as project:
        assert project.store.conn.execute_native("SHOW application_name").fetchone()[0] == "annotator"
