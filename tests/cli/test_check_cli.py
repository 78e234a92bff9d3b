"""`annotator check --project P`: the report on stdout, and 0 clean / 1 problems / 2 unreadable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.project import Project
from tests.core.engines import behind_annotators_back, named

TEXT = "Launch 🚀 day: 월마트 👩‍👩‍👧 and AWS.\n둘째 줄입니다.\n"


def _study(path: Path | str) -> Path | str:
    with Project(path) as project:
        doc = project.documents.add(title="월마트 and AWS", text=TEXT)
        start = TEXT.index("월마트")
        project.annotations.add(doc, project.codebook.by_name("Organization"), start, start + 3)
        project.annotations.add(doc, project.codebook.by_name("Favor"), target="AWS")
    return path


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    """The study as a file: for what check finds in the file itself."""
    return _study(tmp_path / "study.annotator")


@pytest.fixture
def study(project_location) -> Path | str:
    """The study on each engine: the content rules are checked on both."""
    return _study(project_location)


def test_a_clean_project_exits_0_with_a_report(study, capsys):
    assert main(["check", "--project", str(study)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Project: {named(study)}"
    assert "Contents: 1 document; 2 annotations (1 on whole documents); 13 labels in 0 groups" in out[2]
    storage = ("SQLite integrity check: ok" if isinstance(study, Path) else
               "Storage: kept by the PostgreSQL server (SQLite's file integrity check does not apply to a shared "
               "project)")
    assert storage in out and "Foreign keys: ok" in out
    assert out[-1] == "No problems found."


def test_a_span_changed_behind_annotators_back_exits_1_and_names_it(study, capsys):
    behind_annotators_back(study, "UPDATE annotations SET text = 'Walmart' WHERE span_start IS NOT NULL")
    assert main(["check", "--project", str(study)]) == 1
    out = capsys.readouterr().out.splitlines()
    # Offsets count code points: the rocket before 월마트 is one, as the analyst sees it.
    assert out[-2:] == [
        "1 problem found:",
        "  - Annotation 1 (Organization) in document 1 “월마트 and AWS”: its stored text “Walmart” no longer "
        "equals the document's text at 14-17, “월마트”.",
    ]


def test_a_truncated_file_exits_2_with_a_clear_message_and_is_left_as_it_was(project_path, capsys):
    data = project_path.read_bytes()
    project_path.write_bytes(data[:8192])
    assert main(["check", "--project", str(project_path)]) == 2
    err = capsys.readouterr().err
    assert err == (f"annotator: error: {project_path} is truncated: it holds 8,192 bytes, but its header says "
                   f"{len(data):,}. It cannot be opened or checked; restore a backup or ask for the last copy "
                   "you exported.\n")
    assert project_path.read_bytes() == data[:8192]
    assert sorted(p.name for p in project_path.parent.iterdir()) == ["study.annotator"]


def test_a_missing_project_exits_2_and_is_not_created(tmp_path, capsys):
    path = tmp_path / "typo.annotator"
    assert main(["check", "--project", str(path)]) == 2
    assert capsys.readouterr().err == f"annotator: error: No project file at {path}.\n"
    assert not path.exists()


def test_the_installed_command_exits_with_the_reports_code(project_path, tmp_path):
    not_sqlite = tmp_path / "notes.annotator"
    not_sqlite.write_text("just some notes\n", encoding="utf-8")
    for path, code in ((project_path, 0), (not_sqlite, 2)):
        done = subprocess.run([sys.executable, "-m", "annotator", "check", "--project", str(path)],
                              capture_output=True, text=True, encoding="utf-8", timeout=60)
        assert done.returncode == code, done.stderr
    assert done.stderr == f"annotator: error: {not_sqlite} is not an Annotator project: it is not an SQLite database.\n"
