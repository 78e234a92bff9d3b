"""`annotator export --format ...`: every format from the command line, and clear refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from annotator.cli import main
from annotator.core.project import Project

TEXT = "월마트 👩‍👩‍👧 and AWS argue.\n둘째 줄입니다.\n"


def _study(path: Path | str) -> Path | str:
    with Project(path) as p:
        doc = p.documents.add(title="월마트 and AWS", text=TEXT)
        p.annotations.add(doc, p.codebook.by_name("Organization"), 0, 9)
        p.annotations.add(doc, p.codebook.by_name("Favor"), target="AWS")
        p.documents.add(title="Empty", text="Nothing here.")
    return path


@pytest.fixture
def project_path(project_location) -> Path | str:
    """The study on each engine: every format is written from either."""
    return _study(project_location)


@pytest.fixture
def project_file(tmp_path) -> Path:
    """The study as a file, for refusals decided from the options alone."""
    return _study(tmp_path / "study.annotator")


def _run(project_path: Path | str, out: Path, *extra: str) -> int:
    return main(["export", "--project", str(project_path), "--out", str(out), *extra])


def test_matrix_and_coding_from_the_command_line(project_path, tmp_path, capsys):
    out = tmp_path / "matrix.csv"
    assert _run(project_path, out, "--format", "matrix") == 0
    assert capsys.readouterr().out.strip() == f"Wrote 2 documents to {out}"
    frame = pd.read_csv(out)
    assert (frame.loc[0, "Organization"], frame.loc[0, "Favor"], frame.loc[1, "Favor"]) == (1, 1, 0)

    coding = tmp_path / "coding.csv"
    assert _run(project_path, coding, "--format", "coding", "--excel") == 0
    assert coding.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(coding, encoding="utf-8-sig", keep_default_na=False)
    assert frame.loc[0, "targets_favor"] == "AWS" and frame.loc[0, "title"] == "월마트 and AWS"


def test_jsonl_and_webanno_from_the_command_line(project_path, tmp_path, capsys):
    out = tmp_path / "corpus.jsonl"
    assert _run(project_path, out, "--format", "jsonl") == 0
    assert capsys.readouterr().out.strip() == f"Wrote 2 documents to {out}"
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    (span,) = first["spans"]
    assert first["text"][span["start"]:span["end"]] == span["text"] == "월마트 👩‍👩‍👧"

    web = tmp_path / "annotations.jsonld"
    assert _run(project_path, web, "--format", "webanno") == 0
    assert capsys.readouterr().out.strip() == f"Wrote 2 annotations to {web}"
    assert json.loads(web.read_text(encoding="utf-8"))["total"] == 2


def test_csv_stays_the_default_with_what(project_path, tmp_path, capsys):
    out = tmp_path / "docs.csv"
    assert _run(project_path, out, "--what", "documents") == 0
    assert capsys.readouterr().out.strip() == f"Wrote 2 documents to {out}"
    assert list(pd.read_csv(out)["title"]) == ["월마트 and AWS", "Empty"]


@pytest.mark.parametrize(("extra", "message"), [
    (["--format", "jsonl", "--what", "entities"],
     "--what chooses among the CSV exports; leave it out with --format jsonl."),
    (["--format", "webanno", "--excel"],
     "W3C Web Annotation (JSON-LD) has no Excel variant; export it without the Excel option."),
])
def test_options_that_do_not_fit_the_format_are_refused(project_file, tmp_path, capsys, extra, message):
    out = tmp_path / "out.file"
    assert _run(project_file, out, *extra) == 2
    assert capsys.readouterr().err.strip() == f"annotator: error: {message}"
    assert not out.exists()


def test_help_lists_every_format(capsys):
    assert main(["export", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "{csv,matrix,matrix-binary,coding,jsonl,webanno,qdpx,qdc}" in help_text


def test_coder_exports_one_coders_codes_and_names_the_coders_when_unknown(project_path, tmp_path, capsys):
    with Project(project_path) as p:
        mine = p.coders.current_name  # the fixture's annotations are the login name's
        p.annotations.annotator = "lee"
        p.annotations.add(1, p.codebook.by_name("Against"), target="월마트")
        assert {c.name for c in p.coders.list()} == {mine, "lee"}
    everyone, lee = tmp_path / "all.csv", tmp_path / "lee.csv"
    assert _run(project_path, everyone, "--format", "matrix") == 0
    assert list(pd.read_csv(everyone, keep_default_na=False)["coder"]) == [mine, "lee", ""]
    assert _run(project_path, lee, "--format", "matrix", "--coder", "LEE") == 0
    frame = pd.read_csv(lee)
    assert "coder" not in frame.columns
    assert (list(frame["Against"]), list(frame["Favor"])) == ([1, 0], [0, 0])
    capsys.readouterr()
    assert _run(project_path, tmp_path / "x.csv", "--coder", "park") == 2
    assert capsys.readouterr().err.strip() == (f"annotator: error: No coder is called 'park'; the project's coders "
                                               f"are: {mine}, lee.")
