"""`annotator agreement`: the table on stdout, the CSV with the issue's columns, a message when nothing compares (issue 14, item 5)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.common.names import display_width
from annotator.core.project import Project
from annotator.core.team.alpha import krippendorff_alpha

TEXT = "Walmart left AWS on Monday. 월마트는 아마존을 떠났다."


@pytest.fixture
def coded(project_location) -> Path | str:
    """Two coders, one with a Korean name, on four documents: a variable with a Korean name, and spans."""
    path = project_location
    with Project(path) as p:
        docs = [p.documents.add(title=f"기사 {i}", text=f"{TEXT} {i}") for i in range(4)]
        p.variables.add("주제", "single_choice", choices=[(1, "경제"), (2, "정치")])
        org = p.codebook.by_name("Organization")
        for coder, topics, end in (("Kim", [1, 1, 2, 2], 7), ("이지은", [1, 2, 2, 2], 6)):
            p.annotations.annotator = coder
            for doc, topic in zip(docs, topics):
                p.codesheet.set(doc, "주제", topic)
                p.annotations.add(doc, org, 0, end)
                p.annotations.add(doc, org, 28, 31)
    return path


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_table_on_stdout_lines_up_korean_names(coded, capsys):
    code, out, err = _run(capsys, "agreement", "--project", str(coded))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "Agreement of Kim, 이지은 over 4 documents coded by two or more of them (4 by all)."
    table = lines[2:lines.index("", 2)]
    header = table[0]
    assert header.split() == ["scope", "name", "measure", "level", "value", "reading", "coders", "documents",
                              "units", "why", "no", "value"]
    alpha = next(line for line in table if line.startswith("variable") and " alpha " in line)
    expected = krippendorff_alpha([[1, 1], [1, 2], [2, 2], [2, 2]], "nominal").value
    assert alpha.split()[:6] == ["variable", "주제", "alpha", "nominal", f"{expected:.3f}", "unreliable"]
    # Every column starts where its header does, as a terminal shows wide characters (two columns each).
    for word in ("measure", "coders"):
        column = display_width(header[:header.index(word)])
        for line in table[1:]:
            cell = next(c for c in ("alpha", "percent", "cohen_kappa", "u_alpha", "binary_u_alpha", "f1_exact",
                                    "f1_overlap") if f"  {c} " in line) if word == "measure" else "Kim, 이지은"
            assert display_width(line[:line.index(cell, len("variable"))]) == column, line
    assert lines[-1] == "5 places where the coders differ in 4 documents."  # 4 spans, 1 topic


def test_out_writes_exactly_the_issues_columns(coded, tmp_path, capsys):
    out = tmp_path / "agreement.csv"
    code, stdout, _ = _run(capsys, "agreement", "--project", str(coded), "--out", str(out))
    assert code == 0
    with open(out, newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["scope", "name", "measure", "level", "value", "coders", "documents", "units"]
    assert stdout.splitlines()[0] == f"Wrote {len(table) - 1} figures over 4 documents to {out}."
    by_key = {(row[0], row[1], row[2]): row for row in table[1:]}
    assert by_key["variable", "주제", "alpha"][3:] == [
        "nominal", repr(krippendorff_alpha([[1, 1], [1, 2], [2, 2], [2, 2]], "nominal").value), "Kim;이지은", "4", "4"]
    assert by_key["layer", "entity", "u_alpha"][5:] == ["Kim;이지은", "4", "16"]
    assert {row[0] for row in table[1:]} <= {"variable", "label", "layer", "all"}
    assert {row[2] for row in table[1:]} <= {"alpha", "u_alpha", "binary_u_alpha", "percent", "cohen_kappa",
                                             "fleiss_kappa", "f1_exact", "f1_overlap"}
    # Roles nobody filled in agree by default: no figure, left empty in the CSV and explained on stdout.
    assert by_key["layer", "entity: entity link", "alpha"][4] == ""
    assert "  layer entity: entity link alpha: every value is the same ('(none)'): agreement cannot be told " \
           "from chance" in stdout.splitlines()


def test_coders_documents_and_level_narrow_what_is_compared(coded, tmp_path, capsys):
    out = tmp_path / "two.csv"
    code, _, _ = _run(capsys, "agreement", "--project", str(coded), "--coders", "kim, 이지은", "--documents", "1-2",
                      "--level", "ordinal", "--out", str(out))
    assert code == 0
    with open(out, newline="", encoding="utf-8") as handle:
        rows = {(r["scope"], r["name"], r["measure"]): r for r in csv.DictReader(handle)}
    alpha = rows["variable", "주제", "alpha"]
    assert (alpha["level"], alpha["documents"]) == ("ordinal", "2")
    assert float(alpha["value"]) == krippendorff_alpha([[1, 1], [1, 2]], "ordinal").value


def test_one_coder_is_a_message_and_an_exit_code_not_a_traceback(project_location, tmp_path, capsys):
    path = project_location
    with Project(path) as p:
        doc = p.documents.add(title="t", text=TEXT)
        p.annotations.annotator = "Kim"
        p.annotations.add(doc, p.codebook.by_name("Organization"), 0, 7)
    code, out, err = _run(capsys, "agreement", "--project", str(path))
    assert (code, out) == (1, "")
    assert err.startswith("annotator: No two coders have coded the same document yet") and "Traceback" not in err
    code, out, err = _run(capsys, "agreement", "--project", str(path), "--coders", "Kim")
    assert code == 2 and "Agreement compares two coders or more; Kim is not enough" in err
    code, out, err = _run(capsys, "agreement", "--project", str(path), "--documents", "3-1")
    assert code == 2 and err == "annotator: error: --documents: the range 3-1 runs backwards; write 1-3.\n"
    assert not (tmp_path / "agreement.csv").exists()
