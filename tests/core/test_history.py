"""Undo restores the database exactly: a full dump before an edit equals the dump after undo."""

from __future__ import annotations

import pytest

from annotator.core.store.database import Change
from tests.support import dump


def do_undo_redo(project, edit):
    """Run edit, undo it, redo it; return (before, after_edit, after_undo, after_redo) dumps."""
    before = dump(project)
    _, changeset = project.store.edit(edit)
    assert changeset is not None, "the edit logged nothing to undo"
    after_edit = dump(project)
    redo = project.store.undo(changeset)
    after_undo = dump(project)
    project.store.undo(redo)
    after_redo = dump(project)
    return before, after_edit, after_undo, after_redo


def test_tag_undo_redo_is_exact(project, doc_factory, label):
    doc = doc_factory("Walmart told suppliers to leave AWS 😀.")
    before, edited, undone, redone = do_undo_redo(
        project, lambda: project.annotations.add(doc, label("Organization"), 0, 7)
    )
    assert edited != before
    assert undone == before
    assert redone == edited  # same id, same timestamps


def test_delete_undo_puts_back_the_same_row(project, doc_factory, label):
    doc = doc_factory("Walmart told suppliers to leave AWS.")
    a = project.annotations.add(doc, label("Organization"), 0, 7, note="first")
    before, edited, undone, redone = do_undo_redo(project, lambda: project.annotations.delete(a.id))
    assert undone == before and redone == edited
    project.store.undo(project.store.last_changeset)
    assert project.annotations.get(a.id) == a


def test_composite_edit_undoes_as_one(project, doc_factory, label):
    doc = doc_factory("Walmart told suppliers to leave AWS.")

    def two_tags_and_a_title():
        project.annotations.add(doc, label("Organization"), 0, 7)
        project.annotations.add(doc, label("Product or service"), 32, 35)
        project.documents.set_title(doc, "Walmart and AWS")

    before, edited, undone, redone = do_undo_redo(project, two_tags_and_a_title)
    assert undone == before and redone == edited


def test_undo_sends_the_inverse_events(project, doc_factory, label):
    doc = doc_factory("Walmart told suppliers to leave AWS.")
    a = project.annotations.add(doc, label("Organization"), 0, 7)
    seen: list[Change] = []
    project.subscribe(seen.append)
    project.store.undo(project.store.last_changeset)
    # The project's first annotation also added its coder, and undo takes both back.
    assert seen == [Change("annotation_removed", doc, a.id), Change("coders_changed")]


def test_a_failed_or_empty_edit_has_no_changeset_and_earlier_ones_still_undo(project, doc_factory, label):
    doc = doc_factory("Short.")
    _, kept = project.store.edit(project.annotations.add, doc, label("Organization"), 0, 5)
    with pytest.raises(Exception):
        project.store.edit(project.annotations.add, doc, label("Organization"), 3, 99)
    assert project.store.last_changeset is None
    _, nothing = project.store.edit(lambda: None)
    assert nothing is None
    project.store.undo(kept)
    assert project.annotations.for_document(doc) == []


def test_non_undoable_writes_leave_no_log(project):
    with project.store.write(undoable=False) as conn:
        conn.execute("UPDATE documents SET title = title")
        conn.execute(
            "INSERT INTO labels(name, layer, key, color) VALUES ('Scratch', 'entity', 'Z', '#000000')"
        )
    assert project.store.last_changeset is None
    assert project.store.conn.execute("SELECT count(*) FROM temp.undolog").fetchone()[0] == 0


def test_setting_a_title_or_status_to_what_it_is_records_no_undo_step(project, doc_factory):
    doc = doc_factory("Walmart told suppliers to leave AWS.", title="Walmart and AWS")
    assert project.store.edit(project.documents.set_title, doc, "  Walmart   and AWS ")[1] is None
    assert project.store.edit(project.documents.set_status, doc, "todo")[1] is None
    assert project.store.edit(project.documents.set_status, doc, "done")[1] is not None
