"""REFI-QDA from the command line: `annotator export --format qdpx|qdc` and `annotator import file.qdpx|.qdc`."""

from __future__ import annotations

import zipfile

import pytest

from annotator.cli import main
from annotator.core.project import Project
from tests.core.refi_files import BILLION_LAUGHS, FOREIGN_QDC, write_qdpx
from tests.support import dump

TEXT = "월마트 told suppliers to leave AWS 😀, a spokesperson said."


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_HOME", str(tmp_path / "home"))


@pytest.fixture
def coded(project_location):
    """The study on each engine; what it is exported to or imported into stays a file."""
    path = project_location
    with Project(path) as p:
        doc = p.documents.add(title="Walmart and AWS", text=TEXT)
        p.annotations.add(doc, p.codebook.by_name("Organization"), 0, 3)
        p.annotations.add(doc, p.codebook.by_name("Claim"), 0, TEXT.index(" 😀"), source="a spokesperson",
                          note="check")
        p.annotations.add(doc, p.codebook.by_name("Favor"), target="AWS")
    return path


def test_export_qdpx_then_import_into_a_new_project_restores_it(coded, tmp_path, capsys):
    out = tmp_path / "study.qdpx"
    assert main(["export", "--project", str(coded), "--format", "qdpx", "--out", str(out)]) == 0
    assert zipfile.is_zipfile(out)
    capsys.readouterr()
    copy = tmp_path / "copy.annotator"
    assert main(["import", "--project", str(copy), str(out)]) == 0
    assert "study.qdpx: Restored the exported project: 1 document, 3 annotations" in capsys.readouterr().out
    with Project(coded) as original, Project(copy) as restored:
        assert dump(restored, like=original) == dump(original, like=restored)


def test_export_qdc_then_import_it_into_another_project(coded, tmp_path, capsys):
    out = tmp_path / "codes.qdc"
    with Project(coded) as p:
        p.codebook.add_label("Outlet", "entity", key="U")
    assert main(["export", "--project", str(coded), "--format", "qdc", "--out", str(out)]) == 0
    assert out.read_text("utf-8").startswith('<?xml version="1.0" encoding="utf-8"?>\n<CodeBook')
    other = tmp_path / "other.annotator"
    assert main(["import", "--project", str(other), str(out)]) == 0
    assert "codes.qdc: added 1 label" in capsys.readouterr().out
    with Project(other) as p:
        assert p.codebook.by_name("Outlet").key == "U"


def test_import_mixes_a_codebook_and_text_files(project_location, tmp_path, capsys):
    qdc = tmp_path / "foreign.qdc"
    qdc.write_text(FOREIGN_QDC, encoding="utf-8")
    article = tmp_path / "article.txt"
    article.write_text("Jobs and prices in one article.", encoding="utf-8")
    project = project_location
    assert main(["import", "--project", str(project), str(qdc), str(article)]) == 0
    out = capsys.readouterr().out
    assert "foreign.qdc: added 3 labels" in out and "Imported 1 document" in out
    with Project(project) as p:
        assert p.codebook.by_name("Jobs") is not None and p.documents.count() == 1


def test_a_hostile_qdpx_is_refused_with_one_line_and_a_failing_exit_code(coded, tmp_path, capsys):
    evil = write_qdpx(tmp_path / "evil.qdpx", BILLION_LAUGHS)
    with Project(coded) as p:
        before = dump(p)
    assert main(["import", "--project", str(coded), str(evil)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("annotator: error: evil.qdpx: project.qde declares a DTD or entities")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    with Project(coded) as p:
        assert dump(p) == before
