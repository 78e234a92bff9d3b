"""Backups: consistent copies while the project is open, once an hour on open, the newest N kept,
restore (which first backs up what it replaces), and a copy before every schema upgrade."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from annotator.core.common.errors import ProjectError
from annotator.core.project import Project
from annotator.core.safety import backup
from annotator.core.safety.backup import (
    backup_dir,
    backups_to_keep,
    list_backups,
    make_backup,
    maybe_backup_on_open,
    prune,
    restore_backup,
    set_backups_to_keep,
)
from annotator.core.store import schema

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
T0 = datetime(2026, 11, 22, 1, 2, 3, tzinfo=timezone.utc)
TEXT = "Kim Ji-ho said Samsung sold 5% more phones. 삼성전자는 만족했다 🚀."


def _dump(path: Path) -> list[str]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tag(project: Project, doc_id: int, phrase: str, label: str = "Organization"):
    start = TEXT.index(phrase)
    return project.annotations.add(doc_id, project.codebook.by_name(label), start, start + len(phrase))


@pytest.fixture
def coded(tmp_path: Path) -> Path:
    path = tmp_path / "study.annotator"
    with Project(path) as project:
        doc = project.documents.add(title="Phones", text=TEXT)
        _tag(project, doc, "Samsung")
        _tag(project, doc, "Kim Ji-ho", "Person")
    return path


# -- making a backup ---------------------------------------------------------------------


def test_backup_of_an_open_project_holds_every_committed_edit(coded):
    with Project(coded) as project:
        _tag(project, 1, "삼성전자")  # committed to the WAL, not yet folded into the file
        assert Path(f"{coded}-wal").stat().st_size > 0
        from_open = make_backup(project, "manual", now=T0)
        from_path = make_backup(coded, "manual", now=T0)  # a second connection, as `annotator backup` uses
        expected = list(project.store.conn.iterdump())
    assert from_open.name == "2026-11-22T01-02-03Z-manual.annotator"
    assert from_path.name == "2026-11-22T01-02-03Z-manual~2.annotator"
    assert from_open.parent == coded.parent / "study.backups" == backup_dir(coded)
    for copy in (from_open, from_path):
        assert _integrity(copy) == "ok"
        assert _dump(copy) == expected
        assert not Path(f"{copy}-wal").exists()  # a self-contained file, safe to copy or mail
    assert sorted(p.name for p in from_open.parent.iterdir()) == [from_open.name, from_path.name]


def test_backup_while_another_process_edits_is_one_consistent_moment(coded):
    # The child adds claims two at a time, each pair one transaction: a consistent copy never holds an odd number.
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        from annotator.core.project import Project
        project = Project({str(coded)!r})
        claim = project.codebook.by_name("Claim")
        print("ready", flush=True)
        for _ in range(400):
            with project.store.write():
                project.annotations.add(1, claim, 0, 9)
                project.annotations.add(1, claim, 10, 20)
        project.close()
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        copies = [make_backup(coded, "manual") for _ in range(6)]
    finally:
        assert child.wait(timeout=60) == 0
    counts = []
    for copy in copies:
        assert _integrity(copy) == "ok"
        conn = sqlite3.connect(copy)
        counts.append(conn.execute("SELECT count(*) FROM annotations WHERE label_id = "
                                   "(SELECT id FROM labels WHERE name = 'Claim')").fetchone()[0])
        conn.close()
    assert all(count % 2 == 0 for count in counts), counts
    assert counts == sorted(counts)


def test_a_path_that_is_no_project_is_not_backed_up(tmp_path):
    stranger = tmp_path / "notes.annotator"
    stranger.write_text("just some notes", encoding="utf-8")
    with pytest.raises(ProjectError, match="not an Annotator project"):
        make_backup(stranger, "manual")
    with pytest.raises(ProjectError, match="No project file"):
        make_backup(tmp_path / "missing.annotator", "manual")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.annotator"]


def test_a_read_only_project_folder_backs_up_into_the_user_data_folder(coded, annotator_home, monkeypatch):
    folder = coded.parent
    real_access = os.access
    monkeypatch.setattr(backup.os, "access", lambda p, mode: False if Path(p) == folder else real_access(p, mode))
    made = make_backup(coded, "manual", now=T0)
    assert made.parent.parent == annotator_home / "backups"
    assert made.parent.name.startswith("study-")
    assert [info.path for info in list_backups(coded)] == [made]


def test_a_failed_backup_leaves_no_partial_file(coded):
    (coded.parent / "study.backups").write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(ProjectError, match="Could not back up study.annotator"):
        make_backup(coded, "manual")
    assert sorted(p.name for p in coded.parent.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [
        "study.annotator", "study.backups"]


# -- on open, and how many are kept -------------------------------------------------------


def test_opening_backs_up_at_most_once_an_hour(coded):
    with Project(coded) as project:
        first = maybe_backup_on_open(project, now=T0)
        assert first is not None and first.name.endswith("-open.annotator")
        assert maybe_backup_on_open(project, now=T0 + timedelta(minutes=59)) is None
        second = maybe_backup_on_open(project, now=T0 + timedelta(minutes=61))
        assert second is not None and second != first
        first.unlink()
        second.unlink()  # the analyst cleared the folder: the next open makes a fresh copy
        assert maybe_backup_on_open(project, now=T0 + timedelta(minutes=62)) is not None
    assert [info.reason for info in list_backups(coded)] == ["open"]


def test_prune_keeps_the_newest_and_the_copies_from_before_an_upgrade(coded):
    with Project(coded) as project:
        made = [make_backup(project, "open", now=T0 + timedelta(hours=h)) for h in range(5)]
        upgrade = make_backup(project, "before-schema-2-to-3", now=T0 - timedelta(days=30))
    removed = prune(coded, keep=3)
    assert removed == made[:2]
    assert [info.path for info in list_backups(coded)] == [made[4], made[3], made[2], upgrade]


def test_the_number_to_keep_is_stored_in_the_project_and_used_on_open(coded):
    with Project(coded) as project:
        assert backups_to_keep(project) == 10
        set_backups_to_keep(project, 2)
        for hour in range(4):
            maybe_backup_on_open(project, now=T0 + timedelta(hours=hour))
    with Project(coded) as project:  # a later session, e.g. the command line, reads the same setting
        assert backups_to_keep(project) == 2
    assert [info.created for info in list_backups(coded)] == [T0 + timedelta(hours=3), T0 + timedelta(hours=2)]


@pytest.mark.parametrize("wrong", [0, -3, 1001, "5", 2.5])
def test_an_impossible_number_to_keep_is_refused_and_the_old_one_stays(coded, wrong):
    with Project(coded) as project:
        set_backups_to_keep(project, 4)
        with pytest.raises(ProjectError, match="Keep between 1 and 1000 backups"):
            set_backups_to_keep(project, wrong)
        assert backups_to_keep(project) == 4


def test_the_number_to_keep_is_a_setting_not_an_undo_step(coded):
    with Project(coded) as project:
        _result, changeset = project.store.edit(set_backups_to_keep, project, 3)
        assert changeset is None  # nothing for Ctrl+Z to take back, and no coded data touched
        assert backups_to_keep(project) == 3


def test_list_shows_dates_reasons_counts_and_sizes_newest_first(coded):
    older = make_backup(coded, "open", now=T0)
    with Project(coded) as project:
        _tag(project, 1, "5%", "Figure")
    newer = make_backup(coded, "manual", now=T0 + timedelta(hours=1))
    (older.parent / "notes.txt").write_text("not a backup", encoding="utf-8")
    broken = older.parent / "2026-11-20T00-00-00Z-open.annotator"
    broken.write_bytes(b"\0" * 100)
    infos = list_backups(coded)
    assert [(i.path, i.created, i.reason, i.documents, i.annotations) for i in infos] == [
        (newer, T0 + timedelta(hours=1), "manual", 1, 3),
        (older, T0, "open", 1, 2),
        (broken, datetime(2026, 11, 20, tzinfo=timezone.utc), "open", None, None),
    ]
    assert infos[0].size == newer.stat().st_size > 0
    assert not infos[2].readable and "not an Annotator project" in infos[2].problem


# -- restore ------------------------------------------------------------------------------


def test_restore_brings_the_backup_back_and_keeps_what_it_replaced(coded):
    with Project(coded) as project:
        saved = make_backup(project, "manual", now=T0)
        at_backup = list(project.store.conn.iterdump())
        _tag(project, 1, "삼성전자")  # work done after the backup
        project.documents.set_title(1, "Phones, revised")
        later = list(project.store.conn.iterdump())
    before_restore = restore_backup(coded, saved)
    assert not Path(f"{coded}-wal").exists() and not Path(f"{coded}-shm").exists()
    assert _integrity(coded) == "ok"
    with Project(coded) as project:
        assert list(project.store.conn.iterdump()) == at_backup
        assert project.annotations.count() == 2 and project.documents.get(1).title == "Phones"
    assert before_restore is not None and before_restore.name.endswith("-before-restore.annotator")
    assert _dump(before_restore) == later  # the restore itself can be undone
    assert [i.reason for i in list_backups(coded)] == ["before-restore", "manual"]


def test_restore_is_refused_while_the_project_is_open_here(coded):
    saved = make_backup(coded, "manual", now=T0)
    with Project(coded) as project:
        _tag(project, 1, "삼성전자")
        before = list(project.store.conn.iterdump())
        with pytest.raises(ProjectError, match="is open in Annotator.*close it there first"):
            restore_backup(coded, saved)
        assert list(project.store.conn.iterdump()) == before
        _tag(project, 1, "5%", "Figure")  # the open project still works normally
    assert [i.path for i in list_backups(coded)] == [saved]


def test_restore_is_refused_while_another_process_has_the_project_open(coded):
    saved = make_backup(coded, "manual", now=T0)
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        from annotator.core.project import Project
        project = Project({str(coded)!r})
        print(project.annotations.count(), flush=True)
        sys.stdin.readline()
        project.close()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "2"
        with pytest.raises(ProjectError, match="is open in Annotator"):
            restore_backup(coded, saved)
    finally:
        child.communicate("done\n", timeout=30)
    assert child.returncode == 0
    assert restore_backup(coded, saved) is not None  # once it is closed, the restore goes ahead


def test_restore_refuses_a_file_that_is_no_usable_backup(coded, tmp_path):
    before = _sha(coded)
    notes = tmp_path / "notes.annotator"
    notes.write_text("not a project", encoding="utf-8")
    future = make_backup(coded, "manual", now=T0)
    conn = sqlite3.connect(future)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(ProjectError, match="not an Annotator project.*Choose another backup"):
        restore_backup(coded, notes)
    with pytest.raises(ProjectError, match=r"newer Annotator \(schema \d+\); update"):
        restore_backup(coded, future)
    with pytest.raises(ProjectError, match="No backup at"):
        restore_backup(coded, tmp_path / "gone.annotator")
    with pytest.raises(ProjectError, match="is the project file itself"):
        restore_backup(coded, coded)
    assert _sha(coded) == before
    assert [i.path for i in list_backups(coded)] == [future]  # no before-restore copy for a refused restore


def test_restore_over_a_damaged_project_keeps_its_bytes(coded):
    saved = make_backup(coded, "manual", now=T0)
    coded.write_bytes(b"SQLite format 3\0" + b"\xff" * 3000)  # a half-overwritten file
    damaged = coded.read_bytes()
    kept = restore_backup(coded, saved)
    assert kept is not None and kept.read_bytes() == damaged
    with Project(coded) as project:
        assert project.annotations.count() == 2


@pytest.mark.parametrize("damage", ["zeroed page", "flipped bits"])
def test_restore_over_a_project_with_a_damaged_page_keeps_its_bytes(coded, damage):
    # The file still opens, but SQLite's copy of it stops at the damaged page (or the copy fails
    # its check): the restore was refused, telling the analyst to restore a backup.
    from tests.core.test_damaged_files import DAMAGES

    saved = make_backup(coded, "manual", now=T0)
    DAMAGES[damage](coded)
    damaged = coded.read_bytes()
    kept = restore_backup(coded, saved)
    assert kept is not None
    # Byte for byte after the 100-byte file header, where taking the file out of WAL for the
    # swap changed the journal mode and the change counter.
    assert kept.read_bytes()[100:] == damaged[100:] and len(kept.read_bytes()) == len(damaged)
    assert _integrity(coded) == "ok"
    with Project(coded) as project:
        assert project.annotations.count() == 2


def test_restore_recreates_a_deleted_project(coded):
    saved = make_backup(coded, "manual", now=T0)
    coded.unlink()
    assert restore_backup(coded, saved) is None  # nothing was there to keep
    with Project(coded, create=False) as project:
        assert project.documents.count() == 1


# -- before a schema upgrade ----------------------------------------------------------------


def test_an_old_project_is_backed_up_as_it_was_before_it_is_upgraded(tmp_path):
    path = tmp_path / "old.annotator"
    shutil.copyfile(FIXTURES / "schema_v1.annotator", path)
    original = _dump(path)
    with Project(path) as project:
        assert schema.user_version(project.store.conn) == schema.SCHEMA_VERSION
    infos = list_backups(path)
    assert [(i.reason, i.why) for i in infos] == [
        (f"before-schema-1-to-{schema.SCHEMA_VERSION}", f"before upgrade from schema 1 to {schema.SCHEMA_VERSION}")]
    copy = infos[0].path
    assert _dump(copy) == original and _integrity(copy) == "ok"
    assert (infos[0].documents, infos[0].annotations) > (0, 0)
    Project(path).close()  # already upgraded: no second copy
    assert len(list_backups(path)) == 1
    # Regretting the upgrade: the restored file is the version 1 file again.
    restore_backup(path, copy)
    assert _dump(path) == original


def test_an_old_project_that_cannot_be_backed_up_is_not_upgraded(tmp_path):
    path = tmp_path / "old.annotator"
    shutil.copyfile(FIXTURES / "schema_v1.annotator", path)
    original = _dump(path)
    (tmp_path / "old.backups").write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(ProjectError, match="upgraded only after a backup; it was left as it was"):
        Project(path)
    assert _dump(path) == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.annotator", "old.backups"]


# -- a shared project (issue 15, item 3) ------------------------------------------------------------------


def test_a_shared_project_is_backed_up_on_its_server_and_says_how_to_keep_a_copy(shared_url, tmp_path,
                                                                                 monkeypatch):
    from annotator.core.safety.backup import back_up_now
    from annotator.core.store.pg.locations import describe

    monkeypatch.chdir(tmp_path)  # where a file copy named like the database would have gone
    with Project(shared_url) as project:
        project.documents.add(title="Phones", text=TEXT)
        assert maybe_backup_on_open(project) is None  # no copy per coder per hour: the server's backups are the team's
        for attempt in (lambda: back_up_now(project), lambda: back_up_now(shared_url),
                        lambda: make_backup(project, "manual"), lambda: restore_backup(shared_url, tmp_path / "x")):
            with pytest.raises(ProjectError) as refused:
                attempt()
            message = str(refused.value)
            assert message.startswith(f"{describe(shared_url)} is a shared project: it is backed up on its server")
            assert "Nothing was changed" in message and f"annotator pull --url {shared_url} --out" in message
        assert project.documents.count() == 1
    assert list(tmp_path.iterdir()) == []
