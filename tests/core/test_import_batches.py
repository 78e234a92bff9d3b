"""Importing many files: batches of files per transaction, each file whole or not at all,
fingerprints kept for the next session, and a second connection for work on another thread."""

from __future__ import annotations

import re
import sqlite3
from importlib import resources
from pathlib import Path

import pytest
import sqlite_utils

from annotator.core.corpus import importing
from annotator.core.corpus.duplicates import Duplicates
from annotator.core.corpus.fingerprints import Fingerprint
from annotator.core.corpus.importing import import_paths, import_seeds
from annotator.core.corpus.metadata import DocumentMetadata
from annotator.core.project import Project
from annotator.core.store import lock, schema
from annotator.core.store.database import Change
from tests.core.test_extract import NEWS_PAGE

pytestmark = pytest.mark.both_engines


def article(n: int) -> str:
    return f"Story {n:03d}\n\nBody of story number {n}, with words of its own: {' '.join(['word'] * (n % 7))}.\n"


def folder_of(tmp_path: Path, count: int) -> tuple[Path, list[Path]]:
    folder = tmp_path / "articles"
    folder.mkdir()
    files = []
    for n in range(count):
        path = folder / f"{n:03d}.txt"
        path.write_text(article(n), encoding="utf-8")
        files.append(path)
    return folder, files


def texts(project: Project) -> list[str]:
    return [project.documents.text(doc_id) for doc_id in project.documents.ids()]


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(importing, "BATCH_FILES", 3)
    return 3


def test_files_are_committed_in_batches_with_one_event_each(project: Project, tmp_path: Path, small_batches) -> None:
    folder, _files = folder_of(tmp_path, 8)
    events: list[Change] = []
    project.subscribe(events.append)
    report = import_paths(project, [folder])
    assert [o.title for o in report.imported] == [f"Story {n:03d}" for n in range(8)]
    assert texts(project) == [article(n) for n in range(8)]
    # Three batches (3 + 3 + 2 files): the document list reloads three times, not eight.
    assert [e for e in events if e.kind == "documents_added"] == [Change("documents_added")] * 3
    assert project.store.last_changeset is None  # importing is not an edit on the undo stack


def test_cancel_mid_batch_keeps_every_file_before_it(project: Project, tmp_path: Path, small_batches) -> None:
    folder, _files = folder_of(tmp_path, 10)
    report = import_paths(project, [folder], on_progress=lambda done, total, path: done < 7)
    assert report.cancelled
    assert texts(project) == [article(n) for n in range(7)]  # two whole batches and the one under way


def test_a_refused_file_in_a_batch_leaves_its_neighbours_imported(project: Project, tmp_path: Path,
                                                                  small_batches) -> None:
    folder, files = folder_of(tmp_path, 5)
    files[1].write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    report = import_paths(project, [folder])
    assert [(o.path.name, o.status) for o in report.outcomes] == [
        ("000.txt", "imported"), ("001.txt", "refused"), ("002.txt", "imported"), ("003.txt", "imported"),
        ("004.txt", "imported")]
    assert texts(project) == [article(n) for n in (0, 2, 3, 4)]


def test_a_file_whose_metadata_fails_is_left_out_whole_and_its_batch_goes_on(
        project: Project, tmp_path: Path, small_batches, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, _files = folder_of(tmp_path, 4)
    (folder / "001b.html").write_text(NEWS_PAGE, encoding="utf-8")
    real_set_many = DocumentMetadata.set_many

    def fail_after_writing(self, doc_id, values):
        real_set_many(self, doc_id, values)
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(DocumentMetadata, "set_many", fail_after_writing)
    report = import_paths(project, [folder])
    [refused] = report.refused
    assert (refused.path.name, refused.reason) == ("001b.html", "could not save it in the project (disk I/O error)")
    assert texts(project) == [article(n) for n in range(4)]
    assert project.store.conn.execute("SELECT count(*) FROM document_metadata").fetchone()[0] == 0


def test_a_batch_that_cannot_be_saved_is_refused_whole_and_the_others_stay(
        project: Project, tmp_path: Path, small_batches, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, files = folder_of(tmp_path, 8)
    files[4].write_text("Story poisoned\n\nThis one breaks its batch when it is saved.\n", encoding="utf-8")
    real = importing.fingerprint

    def unsavable(text: str) -> Fingerprint:  # bands may not be NULL: the batch's commit step fails
        return Fingerprint(None) if "poisoned" in text else real(text)  # type: ignore[arg-type]

    monkeypatch.setattr(importing, "fingerprint", unsavable)
    report = import_paths(project, [folder])
    # Files 3, 4 and 5 share the failed batch: none of them is in the project, each says why.
    assert [o.path.name for o in report.refused] == ["003.txt", "004.txt", "005.txt"]
    # Each engine says it in its words: SQLite "NOT NULL constraint failed", PostgreSQL "null value in column".
    assert all(re.match(r"could not save it in the project \((NOT NULL constraint failed|null value in column)",
                        o.reason) for o in report.refused)
    assert texts(project) == [article(n) for n in (0, 1, 2, 6, 7)]


def test_duplicates_inside_one_batch_are_skipped(project: Project, tmp_path: Path) -> None:
    folder, files = folder_of(tmp_path, 3)
    (folder / "002b.txt").write_text(article(1), encoding="utf-8")
    report = import_paths(project, [folder])
    [skipped] = report.skipped
    assert skipped.path.name == "002b.txt"
    assert skipped.reason == f"same text as document {report.imported[1].document_id} ‘Story 001’"
    assert project.documents.count() == 3


def test_fingerprints_are_kept_so_a_later_import_reads_no_old_text(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "study.annotator"
    with Project(path) as project:
        import_seeds(project)
    read: list[int] = []
    real_texts = Duplicates._texts

    def watched(self, doc_ids):
        read.extend(doc_ids)
        return real_texts(self, doc_ids)

    monkeypatch.setattr(Duplicates, "_texts", watched)
    new = tmp_path / "new.txt"
    new.write_text("A new story\n\nNothing like the seed articles, about a harbour and a ferry.\n", encoding="utf-8")
    with Project(path) as project:  # a later session
        [outcome] = import_paths(project, [new]).imported
        assert read == []
        assert project.duplicates.flagged_documents() == {3: ["repeated_passage"]}  # the seeds' flag, kept


def test_a_schema_4_file_is_upgraded_and_its_documents_fingerprinted_on_the_next_check(tmp_path: Path) -> None:
    path = tmp_path / "old.annotator"
    db = sqlite_utils.Database(sqlite3.connect(path, isolation_level=None))
    db.conn.execute("BEGIN")
    for step in schema.MIGRATIONS[:4]:  # the file as Annotator with schema 4 made it
        step(db)
    db.conn.execute("PRAGMA user_version = 4")
    seed = next(e for e in resources.files("annotator.seeds").iterdir() if e.name.startswith("002"))
    body = seed.read_text("utf-8")
    db.conn.execute("INSERT INTO documents(title, sha256, imported_at, text) VALUES ('Printed twice', 'x', 'then', ?)",
                    (body,))
    db.conn.execute("COMMIT")
    db.conn.close()
    with Project(path) as project:
        conn = project.store.conn
        assert schema.user_version(conn) == schema.SCHEMA_VERSION
        assert conn.execute("SELECT count(*) FROM document_fingerprints").fetchone()[0] == 0
        assert [d.title for d in project.documents.summaries()] == ["Printed twice"]
        assert project.duplicates.scan() == {1: ["repeated_passage"]}
        assert conn.execute("SELECT document_id FROM document_fingerprints").fetchall() == [(1,)]


def test_a_worker_connection_writes_beside_the_window_and_its_changes_are_announced(
        project: Project, tmp_path: Path, engine: str) -> None:
    folder, _files = folder_of(tmp_path, 2)
    events: list[Change] = []
    project.subscribe(events.append)
    worker = project.for_worker()
    try:
        seen: list[Change] = []
        worker.subscribe(seen.append)
        import_paths(worker, [folder])
    finally:
        worker.close()
    assert events == []  # the window's project hears nothing until the job hands its changes over
    assert project.documents.count() == 2  # but reads what the other connection committed
    project.store.announce(seen)
    assert Change("documents_added") in events
    project.documents.set_title(project.documents.ids()[0], "Still editable")
    if engine == "sqlite":  # a shared project has no lock file: the server orders its writers
        assert lock.current_holder(project.path) is not None  # closing the worker left the window's lock in place


def test_read_ahead_keeps_order_hands_over_errors_in_place_and_stops_when_closed() -> None:
    from annotator.core.common.read_ahead import ReadAhead

    def prepare(n: int) -> int:
        if n == 40:
            raise ValueError("file 40 is unreadable")
        return n

    got: list[int] = []
    with pytest.raises(ValueError, match="file 40"):
        with ReadAhead(range(100), prepare, lambda item: 1, budget=8) as items:
            got.extend(items)
    assert got == list(range(40))  # everything before the failure, in order

    prepared: list[int] = []
    with ReadAhead(range(10_000), lambda n: prepared.append(n) or n, lambda item: 1, budget=8) as items:
        first = next(iter(items))
    assert first == 0
    assert len(prepared) < 100  # the thread waited for room, then stopped: it never read ahead of its budget


def test_a_snapshot_on_a_worker_connection_reads_the_project_as_it_was(project: Project, doc_factory) -> None:
    doc_factory("Before the export began.")
    worker = project.for_worker()
    try:
        with worker.store.snapshot():
            assert worker.documents.count() == 1
            doc_factory("Added by the window while the export runs.")  # the window is not kept waiting
            assert worker.documents.count() == 1
        assert worker.documents.count() == 2
    finally:
        worker.close()
