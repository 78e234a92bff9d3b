"""What killed backups and exports leave behind is cleared by the next one (issue 12, item 12),
and every export gets the user's usual file mode (item 21).

The kills are real: a child process runs the real backup or export and is SIGKILLed just
before the final rename, when its partial file is already full size.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from annotator.core.interchange.formats import export
from annotator.core.project import Project
from annotator.core.safety.backup import backup_dir, make_backup

# Runs one backup or export in this process and dies (SIGKILL) the moment it would rename
# its finished partial file over the target.
KILLED_JOB = """
import os, signal, sys
from annotator.core.safety import backup; from annotator.core.interchange import files as export_files
def die(*args):
    os.kill(os.getpid(), signal.SIGKILL)
backup.os.replace = die
export_files.os.replace = die
from annotator.core.project import Project
if sys.argv[1] == "backup":
    backup.back_up_now(sys.argv[2])
else:
    from annotator.core.interchange.formats import export
    with Project(sys.argv[2], create=False) as project:
        export(project, sys.argv[1], sys.argv[3])
"""

# Writes a partial file the way a running export does and keeps writing it until told to stop.
LIVE_WRITER = """
import sys
from pathlib import Path
from annotator.core.common import partial_files
partial = partial_files.partial_path(Path(sys.argv[1]))
partial.write_bytes(b"half an export")
print(partial, flush=True)
sys.stdin.read()
"""


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "study.annotator"
    with Project(path) as project:
        claim = project.codebook.by_name("Claim")
        for i in range(20):
            doc_id = project.documents.add(title=f"Article {i}", text=f"Article {i}: taxes will fall. " * 50)
            project.annotations.add(doc_id, claim, 0, 10)
    return path


def killed(*args: str) -> None:
    result = subprocess.run([sys.executable, "-c", KILLED_JOB, *args], capture_output=True, text=True)
    assert result.returncode == -9, result.stderr


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_killed_backup_leaves_a_full_size_partial_that_the_next_backup_deletes(project_path: Path) -> None:
    killed("backup", str(project_path))
    folder = backup_dir(project_path)
    [left] = [folder / name for name in hidden(folder)]
    assert left.stat().st_size >= project_path.stat().st_size // 2  # the whole copy, but no backup
    assert not any(p.suffix == ".annotator" for p in folder.iterdir() if not p.name.startswith("."))

    made = make_backup(project_path, "open", now=datetime.now(timezone.utc) + timedelta(hours=1))  # the next run
    assert hidden(folder) == []
    assert sorted(folder.iterdir()) == [made]


@pytest.mark.parametrize("format_name, suffix", [("csv", ".csv"), ("jsonl", ".jsonl"), ("qdpx", ".qdpx")])
def test_a_killed_export_leaves_a_partial_that_the_next_export_deletes(project_path: Path, tmp_path: Path,
                                                                     format_name: str, suffix: str) -> None:
    out_dir = tmp_path / "exports"
    out_dir.mkdir()
    out = out_dir / f"coded{suffix}"
    killed(format_name, str(project_path), str(out))
    assert len(hidden(out_dir)) == 1 and not out.exists()

    with Project(project_path) as project:
        export(project, format_name, out_dir / f"again{suffix}")
    assert hidden(out_dir) == []
    assert sorted(p.name for p in out_dir.iterdir()) == [f"again{suffix}"]


def test_a_partial_file_another_running_export_is_writing_is_left_alone(project_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "coded.csv"
    writer = subprocess.Popen([sys.executable, "-c", LIVE_WRITER, str(out)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = writer.stdout.readline().strip()
        assert line, f"the writer did not start: {writer.stderr.read()}"
        partial = Path(line)
        with Project(project_path) as project:
            export(project, "csv", tmp_path / "other.csv")
        assert partial.exists()  # its writer is alive
    finally:
        writer.stdin.close()
        writer.wait(timeout=20)
        writer.stdout.close()
        writer.stderr.close()
    with Project(project_path) as project:
        export(project, "csv", tmp_path / "other.csv")
    assert not partial.exists()  # its writer has ended


def test_partials_from_another_computer_are_kept_for_a_day(tmp_path: Path) -> None:
    from annotator.core.common import partial_files

    recent = tmp_path / ".coded.csv.0badc0de-123-0123abcd.annotator-partial"
    old = tmp_path / ".coded.csv.0badc0de-456-4567abcd.annotator-partial"
    legacy = tmp_path / ".2024-01-01T00-00-00Z-open.annotator.partial"  # an older Annotator's name
    mine = tmp_path / "notes.txt"
    for path in (recent, old, legacy, mine):
        path.write_bytes(b"x")
    two_days_ago = time.time() - 2 * 24 * 3600
    for path in (old, legacy):
        os.utime(path, (two_days_ago, two_days_ago))
    assert sorted(p.name for p in partial_files.sweep(tmp_path)) == sorted([old.name, legacy.name])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([recent.name, mine.name])


@pytest.mark.parametrize("format_name, suffix", [("csv", ".csv"), ("jsonl", ".jsonl"), ("webanno", ".jsonld"),
                                                 ("qdpx", ".qdpx"), ("qdc", ".qdc")])
def test_every_export_gets_the_users_usual_file_mode(project_path: Path, tmp_path: Path, format_name: str,
                                                     suffix: str) -> None:
    old_umask = os.umask(0o022)
    try:
        with Project(project_path) as project:
            export(project, format_name, tmp_path / f"out{suffix}")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((tmp_path / f"out{suffix}").stat().st_mode) == 0o644
