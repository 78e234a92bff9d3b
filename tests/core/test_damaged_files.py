"""A damaged project file is named as damaged, opened read-only, and never blamed on disk space (issue 12, item 5).

The damaged files are made here from a sound project, as a bad disk or a cut copy leaves them:
one b-tree page zeroed, or bits flipped in a page's header.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.common.errors import ProjectError
from annotator.core.project import Project
from annotator.core.safety.backup import back_up_now
from annotator.core.safety.check import check_project


def sound_project(path: Path) -> Path:
    with Project(path) as project:
        claim = project.codebook.by_name("Claim")
        for i in range(40):
            doc_id = project.documents.add(title=f"Doc {i}", text=f"Article {i}: the minister said taxes fall. " * 40)
            project.annotations.add(doc_id, claim, 0, 10)
    return path


def _page_of(path: Path, name: str) -> tuple[int, int]:
    with closing(sqlite3.connect(path)) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    return (root - 1) * size, size


def zero_a_page(path: Path) -> None:
    offset, size = _page_of(path, "annotations")
    data = bytearray(path.read_bytes())
    data[offset:offset + size] = bytes(size)
    path.write_bytes(bytes(data))


def flip_bits(path: Path) -> None:
    offset, _size = _page_of(path, "idx_annotations_document_id_span_start_span_end")
    data = bytearray(path.read_bytes())
    for at in (offset + 3, offset + 4):  # the page's cell count
        data[at] ^= 0x5A
    path.write_bytes(bytes(data))


DAMAGES: dict[str, Callable[[Path], None]] = {"zeroed page": zero_a_page, "flipped bits": flip_bits}


@pytest.fixture(params=sorted(DAMAGES))
def damaged(request, tmp_path: Path) -> Path:
    path = sound_project(tmp_path / "study.annotator")
    DAMAGES[request.param](path)
    assert not check_project(path).ok  # damaged indeed: `annotator check` says so
    return path


def test_a_damaged_file_opens_read_only_naming_the_damage_and_the_way_out(damaged: Path) -> None:
    before = damaged.read_bytes()
    with Project(damaged) as project:
        assert project.read_only
        reason = project.store.read_only_reason
        assert "damaged" in reason and "restore a backup" in reason and "annotator check" in reason
        with pytest.raises(ProjectError, match="damaged"):
            project.documents.add(title="New", text="Written into a damaged file.")
    assert damaged.read_bytes() == before
    assert sorted(p.name for p in damaged.parent.iterdir()) == ["study.annotator"]  # no lock, -wal or backup left


def test_the_command_line_refuses_to_import_into_a_damaged_file_and_says_why(damaged: Path, tmp_path: Path,
                                                                            capsys: pytest.CaptureFixture) -> None:
    article = tmp_path / "article.txt"
    article.write_text("A new article about the budget.", encoding="utf-8")
    before = damaged.read_bytes()
    assert main(["import", "--project", str(damaged), str(article)]) != 0
    err = capsys.readouterr().err
    assert "damaged" in err and "annotator check" in err and "Nothing was imported" in err
    assert "disk space" not in err
    assert damaged.read_bytes() == before


def test_backing_up_a_damaged_file_blames_the_damage_not_the_disk(damaged: Path) -> None:
    with pytest.raises(ProjectError) as refused:
        back_up_now(damaged)
    assert "damaged" in str(refused.value) and "disk space" not in str(refused.value)


def test_a_sound_file_opens_for_writing(tmp_path: Path) -> None:
    path = sound_project(tmp_path / "study.annotator")
    with Project(path) as project:
        assert not project.read_only


def test_opened_with_the_check_left_for_later_an_edit_checks_first_and_is_refused(damaged: Path) -> None:
    # What the window opens (issue 17): the check waits until it is shown, but no edit can get ahead of it.
    before = damaged.read_bytes()
    with Project(damaged, check_later=True) as project:
        assert project.store.check_pending and not project.read_only  # opening did not check
        with pytest.raises(ProjectError, match="damaged"):
            project.documents.add(title="New", text="Written into a damaged file.")
        assert not project.store.check_pending
        reason = project.store.read_only_reason
        assert project.read_only and "damaged" in reason and "annotator check" in reason
    assert damaged.read_bytes() == before


def test_the_check_left_for_later_runs_on_another_thread_and_turns_the_project_read_only(damaged: Path) -> None:
    with Project(damaged, check_later=True) as project:
        found: list[str | None] = []
        worker = threading.Thread(target=lambda: found.append(project.store.check_deferred()))
        worker.start()
        worker.join(30)
        assert found and "damaged" in found[0]
        assert project.read_only and project.store.read_only_reason == found[0]
        with pytest.raises(ProjectError, match="damaged"):
            project.documents.add(title="New", text="Written into a damaged file.")


def test_a_sound_file_opened_with_the_check_left_for_later_is_edited_as_usual(tmp_path: Path) -> None:
    path = sound_project(tmp_path / "study.annotator")
    with Project(path, check_later=True) as project:
        assert project.store.check_pending
        assert project.store.check_deferred() is None
        assert not project.read_only
        project.documents.add(title="New", text="Sound files take edits.")
    with Project(path) as project:
        assert project.documents.count() == 41


def test_closing_while_the_check_left_for_later_runs_stops_it_and_leaves_nothing_beside_the_file(
        tmp_path: Path, monkeypatch) -> None:
    from annotator.core.store import database

    path = sound_project(tmp_path / "study.annotator")
    started = threading.Event()

    def endless_check(conn: sqlite3.Connection) -> None:  # a check of a huge file, still running at quit
        started.set()
        try:
            conn.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")
        except sqlite3.OperationalError:
            return None  # interrupted

    monkeypatch.setattr(database, "_damage", endless_check)
    project = Project(path, check_later=True)
    worker = threading.Thread(target=project.store.check_deferred, daemon=True)
    worker.start()
    assert started.wait(10)
    project.close()  # quitting in the second after the window showed
    worker.join(10)
    assert not worker.is_alive()
    assert sorted(p.name for p in path.parent.iterdir()) == ["study.annotator"]  # no -wal, -shm or lock left
