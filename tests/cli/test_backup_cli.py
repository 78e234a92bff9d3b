"""`annotator backup` and `annotator restore`, and the backup `annotator import` makes on open."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.project import Project
from annotator.core.safety.backup import backups_to_keep, list_backups

TEXT = "월마트가 아마존을 고소했다 🚀. Kim said the deal was over."


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "study.annotator"
    with Project(path) as project:
        doc = project.documents.add(title="월마트", text=TEXT)
        project.annotations.add(doc, project.codebook.by_name("Organization"), 0, 3)
    return path


def _count(path: Path) -> int:
    with Project(path) as project:
        return project.annotations.count()


def _add_claim(path: Path) -> None:
    with Project(path) as project:
        project.annotations.add(1, project.codebook.by_name("Claim"), 20, 30)


def test_backup_prints_the_copy_it_made(study, capsys):
    assert main(["backup", "--project", str(study)]) == 0
    made = Path(capsys.readouterr().out.strip())
    assert made.parent == study.parent / "study.backups"
    assert made.name.endswith("-manual.annotator")
    assert [(i.path, i.documents, i.annotations) for i in list_backups(study)] == [(made, 1, 1)]


def test_backup_keep_is_stored_and_prunes(study, capsys):
    for _ in range(3):
        assert main(["backup", "--project", str(study)]) == 0
    assert main(["backup", "--project", str(study), "--keep", "2"]) == 0
    kept = [i.path for i in list_backups(study)]
    assert len(kept) == 2 and Path(capsys.readouterr().out.splitlines()[-1]) == kept[0]
    with Project(study) as project:
        assert backups_to_keep(project) == 2


def test_backup_with_an_impossible_keep_says_so(study, capsys):
    assert main(["backup", "--project", str(study), "--keep", "0"]) == 2
    assert "Keep between 1 and 1000 backups" in capsys.readouterr().err
    assert list_backups(study) == []


def test_backup_works_while_another_annotator_has_the_project_open(study, capsys):
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        from annotator.core.project import Project
        project = Project({str(study)!r})
        project.annotations.add(1, project.codebook.by_name("Claim"), 20, 30)
        print("edited", flush=True)
        sys.stdin.readline()
        project.close()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "edited"
        assert main(["backup", "--project", str(study)]) == 0
    finally:
        child.communicate("done\n", timeout=30)
    assert [i.annotations for i in list_backups(study)] == [2]  # the other process's committed edit is in it


def test_backup_of_a_missing_project_is_an_error(tmp_path, capsys):
    assert main(["backup", "--project", str(tmp_path / "nope.annotator")]) == 2
    assert "No project file" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_restore_list_shows_date_reason_and_counts(study, capsys):
    main(["backup", "--project", str(study)])
    capsys.readouterr()
    assert main(["restore", "--project", str(study), "--list"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert "made by hand" in line and "1 documents" in line and "1 annotations" in line
    assert line.endswith(str(list_backups(study)[0].path))


def test_restore_list_without_backups_says_where_they_would_be(study, capsys):
    assert main(["restore", "--project", str(study), "--list"]) == 0
    assert capsys.readouterr().out.strip() == f"No backups of {study} yet (they go to {study.parent / 'study.backups'})."


def test_restore_latest_undoes_later_work_and_keeps_it_aside(study, capsys):
    main(["backup", "--project", str(study)])
    _add_claim(study)
    assert _count(study) == 2
    capsys.readouterr()
    assert main(["restore", "--project", str(study), "--latest"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"Restored {study} from ") and out[1].startswith("The project as it was is kept as ")
    assert _count(study) == 1
    kept = Path(out[1].removeprefix("The project as it was is kept as "))
    assert _count(kept) == 2  # the work after the backup is in the pre-restore copy
    # Restoring that copy undoes the restore.
    assert main(["restore", "--project", str(study), "--backup", str(kept)]) == 0
    assert _count(study) == 2


def test_restore_refuses_while_the_project_is_open_elsewhere(study, capsys):
    main(["backup", "--project", str(study)])
    _add_claim(study)
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        from annotator.core.project import Project
        project = Project({str(study)!r})
        print("open", flush=True)
        sys.stdin.readline()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "open"
        assert main(["restore", "--project", str(study), "--latest"]) == 2
    finally:
        child.communicate("done\n", timeout=30)
    assert "is open in Annotator" in capsys.readouterr().err
    assert _count(study) == 2
    assert [i.reason for i in list_backups(study)] == ["manual"]


def test_restore_latest_without_backups_is_an_error(study, capsys):
    assert main(["restore", "--project", str(study), "--latest"]) == 2
    assert "No backups of" in capsys.readouterr().err
    assert _count(study) == 1


def test_restore_needs_to_be_told_what(study, capsys):
    assert main(["restore", "--project", str(study)]) == 2
    assert "one of the arguments --list --backup --latest is required" in capsys.readouterr().err


def test_import_backs_up_the_project_it_opens_once_an_hour(study, tmp_path, capsys):
    article = tmp_path / "article.txt"
    article.write_text("삼성전자가 새 전화를 내놓았다.\n", encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text("A second article about phones.\n", encoding="utf-8")
    assert main(["import", "--project", str(study), str(article)]) == 0
    infos = list_backups(study)
    assert [(i.reason, i.documents) for i in infos] == [("open", 1)]  # made before the import changed anything
    assert main(["import", "--project", str(study), str(other)]) == 0
    assert len(list_backups(study)) == 1


def test_reading_commands_make_no_backup(study, tmp_path, capsys):
    assert main(["stats", "--project", str(study)]) == 0
    assert main(["export", "--project", str(study), "--out", str(tmp_path / "out.csv")]) == 0
    assert list_backups(study) == []


def test_a_shared_project_is_backed_up_on_its_server_not_by_annotator(shared_url, annotator_home, capsys):
    # Backups are copies of a file; a shared project has none here, so each command says what to do instead.
    for command in (["backup"], ["backup", "--keep", "3"], ["restore", "--list"]):
        assert main([*command, "--project", shared_url]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err == (f"annotator: error: `annotator {command[0]}` works on project files; a shared project "
                                "is backed up on its server (pg_dump, by whoever runs it). To keep a copy of your own, "
                                "run `annotator pull --url URL --out FILE.annotator`.\n")
    assert not any(annotator_home.rglob("*.annotator"))
