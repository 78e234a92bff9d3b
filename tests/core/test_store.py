"""The project file: safe opening, committed edits, atomic writes, change events."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from annotator.core.common.errors import ProjectError
from annotator.core.project import Project
from annotator.core.store.database import Change


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _listing(folder: Path) -> set[str]:
    return set(os.listdir(folder))


def _assert_refused_untouched(path: Path, *, create: bool = True) -> ProjectError:
    """Opening `path` raises ProjectError, and neither the file nor its folder changes."""
    before, files_before = _sha(path), _listing(path.parent)
    with pytest.raises(ProjectError) as info:
        Project(path, create=create)
    assert _sha(path) == before, "the refused file was modified"
    assert _listing(path.parent) == files_before, "opening left files (-wal/-shm?) beside the refused file"
    return info.value


# -- settings -----------------------------------------------------------------


def test_wal_and_foreign_keys_are_on(project):
    db = project.store.db
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_foreign_keys_are_enforced(project, doc_factory, label):
    """An annotation cannot point at a document that does not exist."""
    doc = doc_factory("Apple sues Samsung.")
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        with project.store.write() as db:
            db.execute(
                "INSERT INTO annotations(document_id, label_id, span_start, span_end, text, note, annotator, "
                "created_at, updated_at) VALUES (?, ?, 0, 5, 'Apple', '', 'x', 't', 't')",
                (doc + 999, label("Organization").id),
            )
    assert project.annotations.count() == 0


# -- every edit is committed --------------------------------------------------


def test_each_edit_is_visible_to_another_connection_at_once(project, doc_factory, label):
    doc = doc_factory("Apple sues Samsung.")
    added = project.annotations.add(doc, label("Organization"), 0, 5)
    other = sqlite3.connect(project.path)
    try:
        rows = other.execute("SELECT id, document_id, span_start, span_end, text FROM annotations").fetchall()
        assert rows == [(added.id, doc, 0, 5, "Apple")]
        project.annotations.update(added.id, note="plaintiff")
        assert other.execute("SELECT note FROM annotations WHERE id = ?", (added.id,)).fetchone() == ("plaintiff",)
        project.annotations.delete(added.id)
        assert other.execute("SELECT count(*) FROM annotations").fetchone() == (0,)
    finally:
        other.close()
    assert not project.store.db.conn.in_transaction


def test_edits_survive_closing_and_reopening(tmp_path, label):
    path = tmp_path / "reopen.annotator"
    with Project(path) as p:
        doc = p.documents.add(title="One", text="Apple sues Samsung.")
        p.annotations.add(doc, p.codebook.by_name("Organization"), 11, 18, note="defendant")
    with Project(path, create=False) as p:
        [a] = p.annotations.for_document(doc)
        assert (a.text, a.note) == ("Samsung", "defendant")


# -- write(): all or nothing ----------------------------------------------------


def test_failing_edit_rolls_back_everything_and_emits_nothing(project, doc_factory):
    doc = doc_factory("Apple sues Samsung.")
    events: list[Change] = []
    project.subscribe(events.append)
    with pytest.raises(RuntimeError, match="boom"):
        with project.store.write() as db:
            db.execute("UPDATE documents SET title = 'Changed' WHERE id = ?", (doc,))
            project.store.notify(Change("document_changed", document_id=doc))
            db.execute(
                "INSERT INTO documents(title, sha256, imported_at, text) VALUES ('New', 'abc', 't', 'New text')"
            )
            project.store.notify(Change("documents_added", document_id=doc + 1))
            raise RuntimeError("boom")
    assert events == []
    assert [d.title for d in project.documents.summaries()] == ["Doc 1"]
    assert not project.store.db.conn.in_transaction
    # The store still works afterwards and events flow again.
    project.documents.set_title(doc, "Renamed")
    assert events == [Change("document_changed", document_id=doc)]


def test_failed_inner_edit_emits_none_of_its_events(project, doc_factory):
    """An inner write that fails and is caught rolls back to its savepoint; its events go too."""
    doc = doc_factory("Apple sues Samsung.")
    events: list[Change] = []
    project.subscribe(events.append)
    with project.store.write() as db:
        db.execute("UPDATE documents SET status = 'in_progress' WHERE id = ?", (doc,))
        project.store.notify(Change("document_changed", document_id=doc))
        with pytest.raises(RuntimeError):
            with project.store.write() as inner:
                inner.execute("UPDATE documents SET title = 'Lost' WHERE id = ?", (doc,))
                project.store.notify(Change("document_changed", document_id=999))
                raise RuntimeError("inner edit fails")
    assert events == [Change("document_changed", document_id=doc)]
    got = project.documents.get(doc)
    assert (got.status, got.title) == ("in_progress", "Doc 1")


def test_constraint_violation_rolls_back_the_whole_edit(project, doc_factory):
    doc = doc_factory("Apple sues Samsung.")
    events: list[Change] = []
    project.subscribe(events.append)
    with pytest.raises(sqlite3.IntegrityError):
        with project.store.write() as db:
            db.execute("UPDATE documents SET title = 'Half done' WHERE id = ?", (doc,))
            project.store.notify(Change("document_changed", document_id=doc))
            db.execute("UPDATE documents SET title = NULL WHERE id = ?", (doc,))  # NOT NULL
    assert project.documents.get(doc).title == "Doc 1"
    assert events == []


# -- change events ------------------------------------------------------------------


def test_events_arrive_after_commit_with_kind_and_ids(project, doc_factory, label):
    seen: list[tuple[Change, int]] = []

    def listener(change: Change) -> None:
        # Another connection sees the committed data by the time the event arrives.
        other = sqlite3.connect(project.path)
        try:
            count = other.execute("SELECT count(*) FROM annotations").fetchone()[0]
        finally:
            other.close()
        seen.append((change, count))

    project.subscribe(listener)
    doc = doc_factory("Apple sues Samsung.")
    added = project.annotations.add(doc, label("Organization"), 0, 5)
    project.annotations.update(added.id, note="n")
    project.annotations.delete(added.id)
    project.documents.set_status(doc, "done")
    assert seen == [
        (Change("documents_added", document_id=doc), 0),
        (Change("coders_changed"), 1),  # the project's first annotation brought its coder
        (Change("annotation_added", doc, added.id), 1),
        (Change("annotation_changed", doc, added.id), 1),
        (Change("annotation_removed", doc, added.id), 0),
        (Change("document_changed", document_id=doc), 0),
    ]


def test_one_edit_with_several_changes_delivers_all_after_commit_in_order(project, doc_factory):
    d1, d2 = doc_factory("First."), doc_factory("Second.")
    events: list[Change] = []
    project.subscribe(events.append)
    with project.store.write() as db:
        db.execute("UPDATE documents SET status = 'done' WHERE id IN (?, ?)", (d1, d2))
        project.store.notify(Change("document_changed", document_id=d1))
        project.store.notify(Change("document_changed", document_id=d2))
        with project.store.write():  # a nested edit joins the outer one
            project.store.notify(Change("codebook_changed"))
        assert events == []  # nothing before the commit
    assert events == [
        Change("document_changed", document_id=d1),
        Change("document_changed", document_id=d2),
        Change("codebook_changed"),
    ]


def test_unsubscribe_stops_events(project, doc_factory):
    events: list[Change] = []
    unsubscribe = project.subscribe(events.append)
    doc_factory("First.")
    unsubscribe()
    doc_factory("Second.")
    assert len(events) == 1


def test_notify_outside_write_is_a_programming_error(project):
    with pytest.raises(RuntimeError):
        project.store.notify(Change("codebook_changed"))


# -- refusing files that are not ours --------------------------------------------------


def test_text_file_is_refused_unchanged(tmp_path):
    path = tmp_path / "notes.annotator"
    path.write_text("Meeting notes\nThis is not a database at all.\n" * 50, encoding="utf-8")
    error = _assert_refused_untouched(path)
    assert "not an Annotator project or is damaged" in str(error)
    assert str(path) in str(error)


def test_random_bytes_are_refused_unchanged(tmp_path):
    path = tmp_path / "garbage.annotator"
    path.write_bytes(os.urandom(8192))
    error = _assert_refused_untouched(path, create=False)
    assert "not an Annotator project or is damaged" in str(error)


@pytest.mark.parametrize("keep", [100, 4096, 1 / 3, 2 / 3])
def test_truncated_project_is_refused_unchanged(tmp_path, keep):
    good = tmp_path / "good.annotator"
    with Project(good) as p:
        for i in range(4):
            doc = p.documents.add(title=f"Article {i}", text=f"Apple sues Samsung, part {i}. " * 400)
            for j in range(20):
                p.annotations.add(doc, p.codebook.by_name("Organization"), j * 30, j * 30 + 5)
    data = good.read_bytes()
    assert len(data) > 5 * 4096
    cut = keep if isinstance(keep, int) else int(len(data) * keep)
    path = tmp_path / "cut" / "truncated.annotator"
    path.parent.mkdir()
    path.write_bytes(data[:cut])
    error = _assert_refused_untouched(path, create=False)
    assert "damaged" in str(error)
    assert "restore a backup" in str(error)


@pytest.mark.parametrize("their_user_version", [0, 1, 7])
def test_sqlite_file_of_another_application_is_refused_unchanged(tmp_path, their_user_version):
    """Other programs set user_version too; the application id in the header tells us apart."""
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {their_user_version}")
    conn.execute("CREATE TABLE contacts(name TEXT, phone TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Kim', '010')")
    conn.commit()
    conn.close()
    error = _assert_refused_untouched(path)
    assert "another application" in str(error)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT * FROM contacts").fetchall() == [("Kim", "010")]
    finally:
        conn.close()


def test_folder_is_refused(tmp_path):
    folder = tmp_path / "looks_like.annotator"
    folder.mkdir()
    with pytest.raises(ProjectError, match="folder"):
        Project(folder)
    assert list(folder.iterdir()) == []


def test_missing_file_without_create_is_refused_and_nothing_is_made(tmp_path):
    path = tmp_path / "nested" / "missing.annotator"
    with pytest.raises(ProjectError, match="No project file"):
        Project(path, create=False)
    assert not path.exists()
    assert not path.parent.exists()
    assert list(tmp_path.iterdir()) == []


def test_new_project_gets_the_default_codebook_and_no_documents(tmp_path):
    path = tmp_path / "deep" / "folder" / "fresh.annotator"
    with Project(path) as p:
        assert p.name == "fresh"
        assert p.documents.count() == 0
        assert len(p.codebook.labels()) == 13
    assert path.is_file()


def test_tests_never_touch_the_real_data_folder(annotator_home):
    from annotator.core.store.paths import data_dir, default_project_path

    assert data_dir() == annotator_home
    assert default_project_path().parent == annotator_home
