"""An upgrade refused for lack of space leaves the project byte for byte as it was (issue 12, item 11).

Opening an older project backs it up, then upgrades it. When the disk is full at either
step the open is refused, and "it was left as it was" must hold for every byte: switching
the file to WAL before the upgrade once rewrote four header bytes of a refused file.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from annotator.core.common.errors import ProjectError
from annotator.core.project import Project
from annotator.core.safety import backup
from annotator.core.store import database as store
from annotator.core.store import schema

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(params=["rollback journal", "WAL"])
def old_project(request, tmp_path: Path) -> Path:
    path = tmp_path / "old.annotator"
    shutil.copy(FIXTURES / "schema_v2.annotator", path)
    if request.param == "WAL":  # as an older Annotator left it: every project it wrote was in WAL mode
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA journal_mode = WAL")
    return path


def _refused_untouched(path: Path) -> str:
    before = path.read_bytes()
    with pytest.raises(ProjectError) as refused:
        Project(path)
    assert path.read_bytes() == before
    assert not any(path.parent.glob("old.annotator-*")) and not path.with_name("old.annotator.lock").exists()
    return str(refused.value)


def test_no_room_for_the_backup_before_the_upgrade_leaves_every_byte(old_project: Path, monkeypatch) -> None:
    def full(conn, target):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backup, "_copy", full)
    message = _refused_untouched(old_project)
    assert "disk is full" in message and "left as it was" in message
    assert "damaged" not in message


def test_no_room_for_the_upgrade_itself_leaves_every_byte(old_project: Path, monkeypatch) -> None:
    real_migrate = schema.migrate

    def migrate_on_a_full_disk(db):
        # SQLite's own "database or disk is full": the file may not grow by a single page.
        pages = db.conn.execute("PRAGMA page_count").fetchone()[0]
        db.conn.execute(f"PRAGMA max_page_count = {pages}")
        return real_migrate(db)

    monkeypatch.setattr(store.schema, "migrate", migrate_on_a_full_disk)
    message = _refused_untouched(old_project)
    assert "is full" in message and "left as it was" in message
    assert "damaged" not in message
    monkeypatch.undo()
    with Project(old_project) as project:  # with room again, the upgrade goes through
        assert schema.user_version(project.store.conn) == schema.SCHEMA_VERSION


def test_creating_a_project_where_its_shm_cannot_grow_says_the_disk_is_full(tmp_path: Path, monkeypatch) -> None:
    # On a full disk SQLite creates the file but cannot grow the -shm beside it, and says only
    # "disk I/O error" (SQLITE_IOERR_SHMSIZE, as a nearly full tmpfs showed): that was called damaged.
    def no_room_for_the_shm(db):
        error = sqlite3.OperationalError("disk I/O error")
        error.sqlite_errorcode, error.sqlite_errorname = 4874, "SQLITE_IOERR_SHMSIZE"
        raise error

    monkeypatch.setattr(store.schema, "migrate", no_room_for_the_shm)
    with pytest.raises(ProjectError) as refused:
        Project(tmp_path / "new.annotator")
    message = str(refused.value)
    assert "disk holding new.annotator is full, so it could not be created" in message
    assert "damaged" not in message and "not an Annotator project" not in message


def test_creating_a_project_with_no_room_for_its_codebook_says_the_disk_is_full(tmp_path: Path,
                                                                                 monkeypatch) -> None:
    from annotator.core.coding.codebook import Codebook

    def install_on_a_full_disk(self, data):
        # What SQLite raises when the commit cannot write the -wal (SQLITE_FULL).
        error = sqlite3.OperationalError("database or disk is full")
        error.sqlite_errorcode, error.sqlite_errorname = 13, "SQLITE_FULL"
        raise error

    monkeypatch.setattr(Codebook, "install", install_on_a_full_disk)
    path = tmp_path / "new.annotator"
    with pytest.raises(ProjectError, match="disk holding new.annotator is full") as refused:
        Project(path)
    assert "damaged" not in str(refused.value)
    monkeypatch.undo()
    with Project(path) as project:  # with room again, it opens with its codebook
        assert project.codebook.by_name("Person") is not None
