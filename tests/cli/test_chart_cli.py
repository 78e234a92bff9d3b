"""`annotator chart` (issue 16, item 2): any chart kind to a file, and clear refusals."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.project import Project
from tests.core.charts_support import build


@pytest.fixture
def path(project_location) -> Path | str:
    """The study on each engine: a project file, or a shared project's URL."""
    with Project(project_location) as p:
        build(p)
    return project_location


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _csv(out: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(out.read_text("utf-8-sig"), newline="")))


def test_a_filtered_chart_of_one_coder_is_written_as_csv(path, tmp_path, capsys):
    out = tmp_path / "stance.csv"
    code, said, err = _run(capsys, "chart", "--project", str(path), "stance-targets", "--meta", "outlet=Times",
                           "--coder", "kim", "--out", str(out))
    assert (code, err) == (0, "")
    assert said == f"Wrote Stance by target (3 rows) to {out}.\n"
    # Most stanced-toward first, ties by name.
    assert _csv(out) == [["target", "Favor", "Against", "Neutral", "Mixed"], ["삼성전자", "0", "1", "0", "1"],
                         ["Amazon", "1", "0", "0", "0"], ["Walmart", "1", "0", "0", "0"]]


def test_stance_over_time_by_week_toward_one_target_as_svg(path, tmp_path, capsys):
    out = tmp_path / "time.svg"
    code, _, err = _run(capsys, "chart", "--project", str(path), "stance-time", "--period", "week",
                        "--target", "Walmart", "--out", str(out))
    assert (code, err) == (0, "")
    texts = " ".join("".join(t.itertext()) for t in ET.parse(out).getroot().iter("{http://www.w3.org/2000/svg}text"))
    assert "Stance toward Walmart by week" in texts and "2024-03-04" in texts


def test_the_entity_network_by_sentence_as_csv(path, tmp_path, capsys):
    out = tmp_path / "network.csv"
    code, said, err = _run(capsys, "chart", "--project", str(path), "cooccurrence", "--within", "sentence",
                           "--out", str(out))
    assert (code, err) == (0, "")
    assert said == f"Wrote Entities in the same sentences (4 rows) to {out}.\n"
    # Nodes sized by documents; Walmart and Amazon share d3's sentence only (d2 has them in two).
    assert _csv(out) == [["source", "target", "sentences"], ["Walmart", "", "3"], ["Amazon", "", "2"],
                         ["삼성전자", "", "2"], ["Kim", "", "1"], ["Walmart", "Amazon", "1"],
                         ["Walmart", "삼성전자", "2"], ["Amazon", "삼성전자", "1"]]


def test_a_png_of_the_size_asked(path, tmp_path, capsys):
    out = tmp_path / "entities.png"
    assert _run(capsys, "chart", "--project", str(path), "entities", "--size", "800x500", "--out", str(out))[0] == 0
    head = out.read_bytes()[:24]
    assert (int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")) == (800, 500)


@pytest.mark.parametrize("argv, message", [
    (["pie", "--out", "x.svg"], "Unknown chart 'pie'; choose one of: stance-targets,"),
    (["labels", "--out", "x.gif"], "Cannot save a chart as 'x.gif': end the file name in .png, .svg, .pdf, .csv."),
    (["stance-outlets", "--by", "paper", "--out", "x.svg"],
     "No document has the metadata field 'paper'; the project's fields are: date, outlet."),
    (["labels", "--meta", "outlet=Nobody", "--out", "x.svg"], "nothing to chart: label frequencies finds nothing"),
    (["labels", "--meta", "outlet", "--out", "x.svg"], "--meta takes FIELD=VALUE"),
    (["labels", "--gold", "--out", "x.svg"], "This project has no gold layer yet"),
    (["variable", "--out", "x.svg"], "Name the variable: --variable NAME"),
])
def test_bad_requests_are_refused_with_what_to_do(path, tmp_path, capsys, argv, message):
    code, said, err = _run(capsys, "chart", "--project", str(path), *argv[:-1], str(tmp_path / argv[-1]))
    assert code == 2 and said == ""
    assert err.startswith(f"annotator: error: {message}")
    assert err.count("\n") == 1  # one line, no traceback
    assert not list(tmp_path.glob("x.*"))


def test_annotator_report_writes_one_html_file(path, tmp_path, capsys):
    out = tmp_path / "report.html"
    code, said, err = _run(capsys, "report", "--project", str(path), "--coder", "kim", "--out", str(out))
    assert (code, err, said) == (0, "", f"Wrote the report to {out}.\n")
    html = out.read_text("utf-8")
    assert "4 of the project's 4 documents are counted (coder kim)" in html
    assert "<h2>Agreement figures</h2>" not in html  # one coder's report compares nobody


def test_a_report_to_another_kind_of_file_is_refused(path, tmp_path, capsys):
    code, _, err = _run(capsys, "report", "--project", str(path), "--out", str(tmp_path / "report.pdf"))
    assert code == 2 and err == "annotator: error: Write the report to an .html file, not 'report.pdf'.\n"


def test_without_the_drawing_library_a_picture_is_refused_clearly_and_its_table_still_saves(
        tmp_path, capsys, monkeypatch):
    # An installation that lost matplotlib (the installers carry it; --selftest checks) still saves tables.
    path = tmp_path / "study.annotator"
    with Project(path) as p:
        build(p)
    monkeypatch.setitem(__import__("sys").modules, "matplotlib", None)
    picture = tmp_path / "labels.svg"
    code, said, err = _run(capsys, "chart", "--project", str(path), "labels", "--out", str(picture))
    assert (code, said) == (2, "")
    assert "cannot draw charts: its drawing library (matplotlib) is missing" in err and "--out FILE.csv" in err
    assert not picture.exists()
    table = tmp_path / "labels.csv"
    assert _run(capsys, "chart", "--project", str(path), "labels", "--out", str(table))[0] == 0
    assert _csv(table)[0][0] == "label"
