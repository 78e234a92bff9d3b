"""One writer per project: lock files, stale locks, read-only mode and read-only files.

The main test uses two real processes: a child opens the project as the app does;
the parent is refused, reads alongside, and takes over once the child is SIGKILLed.
Tests run as root, who may write any file, so read-only files are simulated with
chmod plus an os.access that answers as an ordinary user would.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.common import lock_os
from annotator.core.common.errors import ProjectError
from annotator.core.project import Project
from annotator.core.store.lock import ProjectLocked, lock_path

FIXTURES = Path(__file__).parent.parent / "fixtures"

# The child opens the project as the app would, adds a document so the parent can
# see that read-only shows the other process's saved work, and waits for stdin to close.
HOLDER = """
import sys
from annotator.core.project import Project
project = Project(sys.argv[1])
project.documents.add(title="Saved by the other Annotator", text=sys.argv[2])
print("ready", flush=True)
sys.stdin.read()
project.close()
"""


@contextmanager
def held_elsewhere(path: Path, text: str = "Coded elsewhere.") -> Iterator[subprocess.Popen]:
    """A second Annotator process with `path` open until the block ends (or the test kills it)."""
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), text], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip() == "ready", f"the holder did not start: {line!r} {child.stderr.read()}"
        yield child
    finally:
        if child.poll() is None:
            child.stdin.close()
            child.wait(timeout=20)
        child.stdout.close()
        child.stderr.close()


def make_project(path: Path) -> Path:
    with Project(path) as project:
        project.documents.add(title="Minister claims", text="The minister said taxes will fall.")
    return path


def write_lock(path: Path, **fields) -> Path:
    """A lock file as another Annotator would have left it (fields override a live-looking default)."""
    holder = {
        "host": socket.gethostname(), "pid": os.getpid(), "user": "alice",
        "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "version": "0.1.0",
        "boot_id": lock_os.boot_id(), "process_start": lock_os.process_start(os.getpid()) or "", "os_lock": False,
    }
    holder.update(fields)
    target = lock_path(path)
    target.write_text(json.dumps(holder))
    return target


def holder_pid(path: Path) -> int:
    return json.loads(lock_path(path).read_text())["pid"]


def dead_pid() -> int:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    return gone.pid


# -- two processes -------------------------------------------------------------------


def test_a_second_process_is_refused_reads_alongside_and_takes_over_after_a_crash(tmp_path: Path) -> None:
    path = make_project(tmp_path / "study.annotator")
    with held_elsewhere(path) as child:
        before = datetime.now(timezone.utc)
        with pytest.raises(ProjectLocked) as refused:
            Project(path)
        holder = refused.value.holder
        assert (holder.host, holder.pid) == (socket.gethostname(), child.pid)
        started = holder.started()
        assert started is not None and abs(started - before) < timedelta(minutes=1)
        message = str(refused.value)
        assert "‘study.annotator’ is open in Annotator" in message
        assert holder.host in message and str(child.pid) in message and holder.since() in message
        assert "read-only" in message
        assert not refused.value.can_take_over  # this machine can tell it is alive

        with Project(path, read_only=True) as reader:
            titles = sorted(doc.title for doc in reader.documents.summaries())
            assert titles == ["Minister claims", "Saved by the other Annotator"]
            with pytest.raises(ProjectError, match="open read-only"):
                reader.documents.add(title="Mine", text="Not saved.")
            assert str(child.pid) in reader.store.read_only_reason

        child.send_signal(signal.SIGKILL)
        child.wait(timeout=20)
        assert lock_path(path).exists()  # left behind by the crash

        with Project(path) as project:  # stale: cleared on the way in
            assert holder_pid(path) == os.getpid()
            project.documents.add(title="After the crash", text="Coding goes on.")
            assert project.documents.count() == 3
    assert not lock_path(path).exists()


def test_writing_commands_refuse_while_the_app_has_the_project_reading_commands_work(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = make_project(tmp_path / "study.annotator")
    article = tmp_path / "article.txt"
    article.write_text("A new article.", encoding="utf-8")
    with held_elsewhere(path) as child:
        assert main(["import", "--project", str(path), str(article)]) == 2
        err = capsys.readouterr().err
        assert f"process {child.pid}" in err and socket.gethostname() in err and "Nothing was imported" in err

        assert main(["stats", "--project", str(path)]) == 0
        out, err = capsys.readouterr()
        assert "reading it read-only" in err and "2" in out

        csv = tmp_path / "out.csv"
        assert main(["export", "--project", str(path), "--format", "jsonl", "--out", str(csv)]) == 0
        assert "Saved by the other Annotator" in csv.read_text(encoding="utf-8")
    with Project(path, read_only=True) as project:
        assert project.documents.count() == 2  # the refused import added nothing


def test_openers_racing_to_clear_one_stale_lock_leave_exactly_one_writer(tmp_path: Path) -> None:
    path = make_project(tmp_path / "study.annotator")
    write_lock(path, pid=dead_pid(), os_lock=True)
    racer = ("import sys, time\nfrom annotator.core.store.lock import acquire, ProjectLocked\n"
             "start = float(sys.argv[2])\ntime.sleep(max(0, start - time.time() - 0.05))\n"
             "while time.time() < start: pass\n"
             "try:\n    acquire(sys.argv[1]); print('got', flush=True)\n"
             "except ProjectLocked: print('locked', flush=True)\nsys.stdin.read()\n")
    start = time.time() + 1.0  # all four poised to clear it at once
    racers = [subprocess.Popen([sys.executable, "-c", racer, str(path), str(start)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True) for _ in range(4)]
    try:
        answers = {r.pid: r.stdout.readline().strip() for r in racers}
        winners = [pid for pid, answer in answers.items() if answer == "got"]
        assert sorted(answers.values()) == ["got", "locked", "locked", "locked"], answers
        assert holder_pid(path) == winners[0]
        assert [p.name for p in tmp_path.iterdir() if ".stale-" in p.name] == []
    finally:
        for r in racers:
            r.stdin.close()
            r.wait(timeout=20)
            r.stdout.close()


# -- judging a lock left by someone else ------------------------------------------------


def test_a_lock_whose_process_has_ended_is_cleared(tmp_path: Path) -> None:
    path = make_project(tmp_path / "study.annotator")
    write_lock(path, pid=dead_pid())
    with Project(path):
        assert holder_pid(path) == os.getpid()


def test_a_lock_whose_pid_now_belongs_to_another_process_is_cleared(tmp_path: Path) -> None:
    path = make_project(tmp_path / "study.annotator")
    if lock_os.process_start(os.getpid()) is None:
        pytest.fail("this test needs /proc to read process start times")
    write_lock(path, process_start="1")  # our pid, but a process that started at boot
    with Project(path):
        assert json.loads(lock_path(path).read_text())["process_start"] == lock_os.process_start(os.getpid())


def test_a_lock_from_before_a_restart_is_cleared(tmp_path: Path) -> None:
    path = make_project(tmp_path / "study.annotator")
    write_lock(path, boot_id="an-earlier-boot")
    with Project(path):
        assert json.loads(lock_path(path).read_text())["boot_id"] == lock_os.boot_id()


def test_a_live_holder_without_an_os_lock_is_respected(tmp_path: Path) -> None:
    path = make_project(tmp_path / "study.annotator")
    write_lock(path, user="bob")  # a live process on this machine whose file system had no flock
    with pytest.raises(ProjectLocked, match="user bob"):
        Project(path)
    assert json.loads(lock_path(path).read_text())["user"] == "bob"  # untouched


def test_a_recent_lock_from_another_computer_is_never_taken_over(tmp_path: Path) -> None:
    path = make_project(tmp_path / "study.annotator")
    write_lock(path, host="laptop-of-alice", os_lock=True)
    with pytest.raises(ProjectLocked) as refused:
        Project(path, take_over=True)
    assert refused.value.holder.host == "laptop-of-alice" and not refused.value.can_take_over
    assert "laptop-of-alice" in str(refused.value)


def test_an_old_lock_from_another_computer_is_taken_over_only_when_asked(tmp_path: Path) -> None:
    path = make_project(tmp_path / "study.annotator")
    long_ago = (datetime.now(timezone.utc) - timedelta(days=2)).isoformat(timespec="seconds")
    write_lock(path, host="laptop-of-alice", started_at=long_ago, os_lock=True)
    with pytest.raises(ProjectLocked) as refused:
        Project(path)
    assert refused.value.can_take_over and "take the project over" in str(refused.value)
    with Project(path, take_over=True):
        assert json.loads(lock_path(path).read_text())["host"] == socket.gethostname()


def test_the_command_line_takes_over_an_old_foreign_lock_with_force(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture) -> None:
    path = make_project(tmp_path / "study.annotator")
    long_ago = (datetime.now(timezone.utc) - timedelta(days=2)).isoformat(timespec="seconds")
    write_lock(path, host="laptop-of-alice", started_at=long_ago, os_lock=True)
    article = tmp_path / "article.txt"
    article.write_text("A new article.", encoding="utf-8")
    assert main(["import", "--project", str(path), str(article)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["import", "--project", str(path), "--force", str(article)]) == 0
    assert not lock_path(path).exists()
    with Project(path) as project:
        assert project.documents.count() == 2


def test_an_unreadable_lock_file_is_waited_for_while_fresh_and_cleared_when_old(tmp_path: Path) -> None:
    path = make_project(tmp_path / "study.annotator")
    lock_path(path).write_bytes(b"")  # an opener that has created it and not yet written it
    with pytest.raises(ProjectLocked, match="cannot be read"):
        Project(path)
    an_hour_ago = time.time() - 3600
    os.utime(lock_path(path), (an_hour_ago, an_hour_ago))  # a crash while it was being written
    with Project(path):
        assert holder_pid(path) == os.getpid()


# -- this process -----------------------------------------------------------------------


def test_closing_releases_the_lock_and_reopening_in_one_process_is_no_conflict(tmp_path: Path) -> None:
    path = tmp_path / "study.annotator"
    first = Project(path)
    second = Project(path)  # File › Open on the project already shown
    first.close()
    assert holder_pid(path) == os.getpid()  # still held for the second
    second.documents.add(title="Still editable", text="Yes.")
    second.close()
    assert not lock_path(path).exists()


def test_a_refused_file_leaves_no_lock_behind(tmp_path: Path) -> None:
    path = tmp_path / "notes.annotator"
    path.write_bytes(b"These are my notes, not a database. " * 200)
    with pytest.raises(ProjectError, match="not an Annotator project"):
        Project(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.annotator"]


# -- read-only -------------------------------------------------------------------------


def test_read_only_refuses_every_write_and_leaves_the_file_byte_identical(tmp_path: Path) -> None:
    path = make_project(tmp_path / "study.annotator")
    before = path.read_bytes()
    with Project(path, read_only=True) as project:
        assert project.read_only
        doc_id = project.documents.ids()[0]
        claim = project.codebook.by_name("Claim")
        attempts = [
            lambda: project.documents.add(title="New", text="Text."),
            lambda: project.annotations.add(doc_id, claim, 4, 12),
            lambda: project.documents.set_status(doc_id, "done"),
            lambda: project.codebook.rename(claim.id, "Assertion"),
        ]
        for attempt in attempts:
            with pytest.raises(ProjectError, match="open read-only, so nothing was changed"):
                attempt()
        assert project.annotations.for_document(doc_id) == []
        assert project.codebook.by_name("Claim") is not None
    assert path.read_bytes() == before
    assert not lock_path(path).exists()  # readers take no lock


def test_read_only_cannot_open_a_project_that_needs_upgrading(tmp_path: Path) -> None:
    path = tmp_path / "old.annotator"
    shutil.copy(FIXTURES / "schema_v2.annotator", path)
    before = path.read_bytes()
    with pytest.raises(ProjectError, match=r"older Annotator \(schema 2\) and must be upgraded"):
        Project(path, read_only=True)
    assert path.read_bytes() == before


def test_read_only_never_creates_a_project(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="No project file"):
        Project(tmp_path / "missing.annotator", read_only=True)
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def as_ordinary_user(monkeypatch: pytest.MonkeyPatch) -> None:
    """os.access as for a non-root user: root may write anything, whatever the permission bits say."""
    real = os.access

    def access(path, mode, *args, **kwargs) -> bool:
        if mode & os.W_OK:
            try:
                return bool(os.stat(path).st_mode & stat.S_IWUSR) and real(path, mode, *args, **kwargs)
            except OSError:
                return False
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)


def test_a_read_only_file_opens_read_only_by_itself_and_says_why(tmp_path: Path, as_ordinary_user) -> None:
    path = make_project(tmp_path / "study.annotator")
    before = path.read_bytes()
    path.chmod(0o444)
    try:
        with Project(path) as project:
            assert project.read_only
            assert "is read-only (you have no permission to change it)" in project.store.read_only_reason
            with pytest.raises(ProjectError, match="file study.annotator is read-only"):
                project.documents.add(title="New", text="Text.")
            assert [doc.title for doc in project.documents.summaries()] == ["Minister claims"]
        assert not lock_path(path).exists()
    finally:
        path.chmod(0o644)
    assert path.read_bytes() == before


def test_a_project_in_a_read_only_folder_opens_read_only(tmp_path: Path, as_ordinary_user) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    path = make_project(folder / "study.annotator")
    folder.chmod(0o555)
    try:
        with Project(path) as project:
            assert project.read_only and "folder" in project.store.read_only_reason
    finally:
        folder.chmod(0o755)


def test_the_command_line_will_not_import_into_a_read_only_file(tmp_path: Path, as_ordinary_user,
                                                               capsys: pytest.CaptureFixture) -> None:
    path = make_project(tmp_path / "study.annotator")
    article = tmp_path / "article.txt"
    article.write_text("A new article.", encoding="utf-8")
    path.chmod(0o444)
    try:
        assert main(["import", "--project", str(path), str(article)]) == 2
        assert "read-only" in capsys.readouterr().err
    finally:
        path.chmod(0o644)


def test_a_file_sqlite_cannot_read_read_only_is_refused_clearly(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # As a non-root user, a WAL project in a folder it cannot write to may fail here:
    # SQLite cannot create the -shm index it needs. Root never sees that, so stand in for SQLite.
    import sqlite3

    from annotator.core.store import database as store

    path = make_project(tmp_path / "study.annotator")
    real_connect = sqlite3.connect

    class Unopenable:
        def __getattr__(self, name):
            return getattr(sqlite3, name)

        @staticmethod
        def connect(target, *args, uri=False, **kwargs):
            if uri:
                raise sqlite3.OperationalError("unable to open database file")
            return real_connect(target, *args, **kwargs)

    monkeypatch.setattr(store, "sqlite3", Unopenable())
    with pytest.raises(ProjectError, match="Cannot read study.annotator read-only .* Copy the project"):
        Project(path, read_only=True)


def test_an_empty_lock_left_by_a_crash_during_creation_does_not_block_reopening(tmp_path):
    """A process killed between creating its lock file and writing it leaves an empty file."""
    import os
    import time

    from annotator.core.project import Project

    path = tmp_path / "crashed.annotator"
    Project(path).close()
    lock_file = path.with_name(path.name + ".lock")
    lock_file.write_bytes(b"")
    old = time.time() - 2
    os.utime(lock_file, (old, old))
    with Project(path) as project:  # nobody holds it: cleared, no ten-second wait
        assert project.documents.count() == 0


# -- the file itself, by any name (issue 12, item 4) --------------------------------------


def test_a_second_writer_through_a_hard_link_or_a_symlink_is_refused(tmp_path: Path) -> None:
    # Through a hard link each writer kept its own -wal beside its own name, and the file ended damaged.
    path = make_project(tmp_path / "study.annotator")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    hard = elsewhere / "linked.annotator"
    os.link(path, hard)
    soft = elsewhere / "shortcut.annotator"
    soft.symlink_to(path)
    with held_elsewhere(path) as child:
        for other in (hard, soft):
            with pytest.raises(ProjectLocked) as refused:
                Project(other)
            assert "is open in Annotator" in str(refused.value) and "read-only" in str(refused.value)
        # The symlink finds the holder's own lock file, so it is named.
        with pytest.raises(ProjectLocked, match=f"process {child.pid}"):
            Project(soft)
    # And the other way round: the link holds it, the first name is refused.
    with held_elsewhere(hard, "Coded through the link."):
        with pytest.raises(ProjectLocked):
            Project(path)
    with Project(hard) as project:  # once nobody holds it, any name opens it
        assert project.documents.count() == 3
    assert sorted(p.name for p in elsewhere.iterdir()) == ["linked.annotator", "shortcut.annotator"]


def test_one_process_cannot_write_one_file_through_two_names(tmp_path: Path) -> None:
    path = make_project(tmp_path / "study.annotator")
    hard = tmp_path / "linked.annotator"
    os.link(path, hard)
    with Project(path):
        with pytest.raises(ProjectLocked, match=f"process {os.getpid()}"):
            Project(hard)
        with Project(path) as again:  # the same name is a reopening, as before
            assert not again.read_only
    with Project(hard) as project:
        assert not project.read_only


def test_the_lock_names_the_installed_version_of_annotator(tmp_path: Path) -> None:
    # Read from the installed package's folder name, not importlib.metadata (issue 17, start-up).
    import annotator

    with Project(tmp_path / "study.annotator"):
        held = json.loads(lock_path(tmp_path / "study.annotator").read_text(encoding="utf-8"))
    assert held["version"] == annotator.__version__
