"""A writable project in a read-only folder: reading works and messages say "read-only" (issue 12, item 18).

SQLite must create a -shm file beside a WAL project to read it; in a folder it may not
write to, that failed and was reported as "not an Annotator project or is damaged … restore
a backup", and stats, export, search and backup were all refused. Permissions are real
here: root may write anywhere, so under root the commands run in a child process that has
given up root for the "nobody" user (after loading the code, which lives in root's home).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.common import lock_os
from annotator.core.project import Project

NOBODY = 65534

# Loads every module the commands need, gives up root, runs each command, prints what it said.
# A command ["python", CODE] runs CODE instead, for what the app does (it prints what it found).
AS_ORDINARY_USER = """
import contextlib, importlib, io, json, os, pkgutil, sys
import annotator, annotator.cli, annotator.cli_search, annotator.cli_team, _strptime
# Every core module, since a command may load one lazily after root is given up: the nobody user
# cannot read a checkout in root's home (mode 700).
for module in pkgutil.walk_packages(annotator.core.__path__, "annotator.core."):
    importlib.import_module(module.name)
from annotator.cli import _parser, main
_parser()  # reads the installed version's metadata
if os.geteuid() == 0:
    os.setgid(int(sys.argv[1]))
    os.setuid(int(sys.argv[1]))
results = []
for command in json.loads(sys.argv[2]):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = exec(command[1]) or 0 if command[0] == "python" else main(command)
    results.append([code, out.getvalue(), err.getvalue()])
print(json.dumps(results))
"""


@pytest.fixture
def read_only_folder(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder the commands may not write to, holding a project they may write to, and a home they may."""
    base = Path(tempfile.mkdtemp(prefix="annotator-ro-"))
    base.chmod(0o755)
    folder = base / "shared"
    folder.mkdir()
    path = folder / "study.annotator"
    with Project(path) as project:
        project.documents.add(title="Minister claims", text="The minister said taxes will fall.")
    home = base / "home"
    home.mkdir()
    out = base / "out"
    out.mkdir()
    for writable in (home, out):
        writable.chmod(0o777)
    path.chmod(0o666)
    folder.chmod(0o555)
    monkeypatch.setenv("ANNOTATOR_HOME", str(home))
    try:
        yield path
    finally:
        folder.chmod(0o755)
        shutil.rmtree(base)


def run_as_ordinary_user(*commands: list[str]) -> list[tuple[int, str, str]]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-c", AS_ORDINARY_USER, str(NOBODY), json.dumps(commands)],
                          capture_output=True, text=True, env=env, cwd="/")
    assert done.returncode == 0, done.stderr
    return [tuple(result) for result in json.loads(done.stdout)]


def test_reading_commands_work_on_a_project_in_a_read_only_folder(read_only_folder: Path) -> None:
    path = read_only_folder
    before = path.read_bytes()
    out = path.parent.parent / "out"
    stats, export, search, backup = run_as_ordinary_user(
        ["stats", "--project", str(path)],
        ["export", "--project", str(path), "--format", "jsonl", "--out", str(out / "all.jsonl")],
        ["search", "--project", str(path), "minister"],
        ["backup", "--project", str(path)],
    )
    for code, stdout, stderr in (stats, export, search, backup):
        assert code == 0, stderr
        assert "damaged" not in stdout + stderr
    assert "Minister claims" in (out / "all.jsonl").read_text(encoding="utf-8")
    assert "Minister claims" in search[1]
    backup_file = Path(backup[1].strip())
    assert backup_file.is_file() and backup_file.is_relative_to(path.parent.parent / "home")
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["study.annotator"]


def test_a_qdpx_exports_from_a_project_in_a_read_only_folder(read_only_folder: Path) -> None:
    # The REFI exporter saved its GUID namespace into the project, which a read-only folder refused.
    path = read_only_folder
    before = path.read_bytes()
    out = path.parent.parent / "out" / "study.qdpx"
    [(code, stdout, stderr)] = run_as_ordinary_user(
        ["export", "--project", str(path), "--format", "qdpx", "--out", str(out)])
    assert code == 0, stderr
    assert stdout.startswith("Wrote 1 project to")
    with zipfile.ZipFile(out) as qdpx:
        assert "Minister claims" in qdpx.read("project.qde").decode("utf-8")
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["study.annotator"]


def test_a_writing_command_says_the_folder_is_read_only_not_damaged(read_only_folder: Path) -> None:
    article = read_only_folder.parent.parent / "out" / "article.txt"
    article.write_text("A new article.", encoding="utf-8")
    article.chmod(0o644)
    [(code, stdout, stderr)] = run_as_ordinary_user(["import", "--project", str(read_only_folder), str(article)])
    assert code != 0
    assert "read-only" in stderr and "Nothing was imported" in stderr
    assert "damaged" not in stdout + stderr and "restore a backup" not in stderr


def test_the_apps_search_reads_a_project_in_a_read_only_folder(read_only_folder: Path) -> None:
    # The search panel's own connection asked SQLite for a -shm beside the project, which failed there.
    [(code, stdout, stderr)] = run_as_ordinary_user(["python", (
        "from annotator.core.search.fulltext import Searcher\n"
        f"with Searcher({str(read_only_folder)!r}) as searcher:\n"
        "    print([doc.title for doc in searcher.search('minister').documents])\n")])
    assert (code, stdout) == (0, "['Minister claims']\n"), stderr
    assert sorted(p.name for p in read_only_folder.parent.iterdir()) == ["study.annotator"]


@pytest.mark.parametrize("left", [("-wal",), ("-wal", "-shm"), ("-shm",)], ids="+".join)
def test_a_project_left_with_its_wal_in_a_read_only_folder_is_read_with_its_last_edits(
        read_only_folder: Path, left: tuple[str, ...]) -> None:
    # A writer that was killed leaves its -wal (and -shm) beside the project, holding committed edits
    # that are not in the file yet. Where no -shm could be made beside it, every reading command was
    # refused ("SQLite needs to create small files"), and check called the file damaged.
    path = read_only_folder
    made = path.parent.parent / "made" / path.name
    made.parent.mkdir()
    shutil.copyfile(path, made)
    with Project(made) as project:
        project.documents.add(title="Late edit", text="Committed, but only in the write-ahead log.")
        path.parent.chmod(0o755)
        for suffix in ("",) + left:
            shutil.copyfile(f"{made}{suffix}", f"{path}{suffix}")
            Path(f"{path}{suffix}").chmod(0o644 if suffix else 0o666)  # the folder is what is read-only
        path.parent.chmod(0o555)
    before = {p.name: p.read_bytes() for p in path.parent.iterdir()}
    out = path.parent.parent / "out"
    stats, search, export, check = run_as_ordinary_user(
        ["stats", "--project", str(path)],
        ["search", "--project", str(path), "minister OR log"],
        ["export", "--project", str(path), "--format", "jsonl", "--out", str(out / "all.jsonl")],
        ["check", "--project", str(path)],
    )
    for code, stdout, stderr in (stats, search, export, check):
        assert code == 0, stdout + stderr
        assert "damaged" not in stdout + stderr
    late = "-wal" in left  # the -shm alone holds no edits: the file is the whole project
    assert ("Documents      2" if late else "Documents      1") in stats[1]
    assert "Minister claims" in search[1] and ("Late edit" in search[1]) == late
    assert ("Late edit" in (out / "all.jsonl").read_text(encoding="utf-8")) == late
    assert "No problems found." in check[1]
    for _code, _stdout, stderr in (stats, search, export):
        assert f"reading {path.name} read-only: its folder {path.parent} is read-only" in stderr
    assert f"Read-only here: its folder {path.parent} is read-only" in check[1]
    assert {p.name: p.read_bytes() for p in path.parent.iterdir()} == before


def test_a_read_only_disk_is_named_as_such(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No read-only mount can be made here; statvfs's answer for one is stood in for.
    path = tmp_path / "study.annotator"
    Project(path).close()
    monkeypatch.setattr(os, "statvfs", lambda p: os.statvfs_result((4096,) * 8 + (os.ST_RDONLY, 255)))
    assert "read-only disk or file system" in lock_os.why_read_only(path)
    with Project(path) as project:
        assert project.read_only and "read-only disk" in project.store.read_only_reason
        assert project.documents.count() == 0
    assert stat.S_IMODE(path.stat().st_mode)  # untouched, still there
