"""`annotator check` after a writer was killed mid-edit: a sound file is never called damaged (issue 12, item 10).

A writer SIGKILLed part-way through a transaction leaves a hot -journal (rollback mode, as
restore switches the file to) or a -wal beside the file. Any writer opening the file rolls
the journal back or folds the -wal in; the check must judge the file after that, not before.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.project import Project
from annotator.core.safety.check import check_project

# Changes every document inside a transaction too big for SQLite's cache, so changed pages
# reach the file before the commit, then dies: the journal is hot, the file half-written.
KILLED_WRITER = """
import os, signal, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode = " + sys.argv[2])
conn.execute("PRAGMA cache_size = 2")
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE documents SET memo = hex(randomblob(2000))")
if sys.argv[2] == "WAL":
    conn.execute("COMMIT")  # committed, but only in the -wal
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE documents SET memo = 'never committed'")
os.kill(os.getpid(), signal.SIGKILL)
"""


def killed_mid_edit(tmp_path: Path, journal_mode: str) -> Path:
    path = tmp_path / "study.annotator"
    with Project(path) as project:
        for i in range(30):
            project.documents.add(title=f"Article {i}", text=f"Article {i} about the budget. " * 200)
    subprocess.run([sys.executable, "-c", KILLED_WRITER, str(path), journal_mode], check=False)
    return path


@pytest.mark.parametrize("journal_mode, left", [("DELETE", "-journal"), ("WAL", "-wal")])
def test_a_check_after_a_kill_settles_what_was_left_and_finds_the_file_sound(
        tmp_path: Path, journal_mode: str, left: str, capsys: pytest.CaptureFixture) -> None:
    path = killed_mid_edit(tmp_path, journal_mode)
    assert Path(f"{path}{left}").exists()  # left by the kill
    assert main(["check", "--project", str(path)]) == 0
    out = capsys.readouterr()
    assert "No problems found." in out.out and "damaged" not in out.out + out.err
    assert sorted(os.listdir(tmp_path)) == ["study.annotator"]  # settled, and no lock left
    with Project(path) as project:
        assert project.documents.count() == 30
        memos = {project.store.conn.execute("SELECT memo FROM documents WHERE id = ?", (i,)).fetchone()[0]
                 for i in project.documents.ids()}
        assert "never committed" not in memos
        # The committed edit survives in WAL mode; the rolled-back one leaves the memos empty.
        assert (memos == {""}) == (journal_mode == "DELETE")


def test_a_check_beside_a_live_writer_leaves_its_files_alone(tmp_path: Path) -> None:
    path = tmp_path / "study.annotator"
    with Project(path) as project:
        project.documents.add(title="Open in the app", text="Being coded right now.")
        report = check_project(path)
        assert report.ok, report.lines()
        assert Path(f"{path}-wal").exists()  # still the app's
        project.documents.add(title="Still editable", text="The check took nothing from the app.")
