"""`annotator variables`, `annotator code` and `annotator coders`: the codesheet and its coders from a shell."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.project import Project
from tests.support import dump


@pytest.fixture
def study(project_location) -> tuple[Path | str, int]:
    path = project_location
    with Project(path) as p:
        doc = p.documents.add(title="월마트 기사", text="월마트가 가격을 내렸다.")
    return path, doc


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_variables_are_added_listed_and_removed(study, capsys):
    path, _doc = study
    code, out, _ = _run(capsys, "variables", "add", "topic", "--project", str(path), "--type", "single_choice",
                        "--question", "What is it mainly about?", "--required",
                        "--choice", "1=Economy", "--choice", "2=Politics", "--choice", "9=Other")
    assert code == 0 and out == "Added topic (single choice, nominal, required).\n"
    assert _run(capsys, "variables", "add", "tone", "--project", str(path), "--type", "single_choice",
                "--level", "ordinal", "--choice", "negative", "--choice", "positive")[0] == 0
    code, out, _ = _run(capsys, "variables", "list", "--project", str(path))
    assert code == 0
    assert out.splitlines() == [
        "1. topic (single choice, nominal, required): 0 answers", "   What is it mainly about?",
        "   1 = Economy", "   2 = Politics", "   9 = Other",
        "2. tone (single choice, ordinal): 0 answers", "   1 = negative", "   2 = positive"]
    assert _run(capsys, "variables", "remove", "tone", "--project", str(path)) == (0, "Removed tone.\n", "")
    with Project(path, create=False) as p:
        assert [v.name for v in p.variables.list()] == ["topic"]


def test_a_bad_variable_is_refused_with_a_message_and_nothing_changes(study, capsys):
    path, _doc = study
    with Project(path, create=False) as p:
        before = dump(p)
    code, out, err = _run(capsys, "variables", "add", "topic", "--project", str(path), "--type", "single_choice",
                          "--choice", "1=Economy", "--choice", "1=Politics")
    assert code == 2 and out == ""
    assert err == ("annotator: error: Variable 'topic': code 1 would mean both 'Economy' and 'Politics'; "
                   "give each choice its own code.\n")
    with Project(path, create=False) as p:
        assert dump(p) == before


def test_code_answers_as_the_coder_and_says_what_is_missing(study, capsys):
    path, doc = study
    with Project(path, create=False) as p:
        p.variables.add("topic", "single_choice", required=True, choices=[(1, "Economy"), (2, "Politics")])
        p.variables.add("paywall", "yes_no", required=True)
        p.variables.add("quoted", "text")
    code, out, _ = _run(capsys, "code", "--project", str(path), "--document", str(doc), "--coder", "Kim",
                        "--set", "topic=politics", "--set", "quoted=김지호")
    assert code == 0
    assert out.splitlines() == ["topic: 2 = Politics", "paywall: -", "quoted: 김지호",
                                f"Document {doc} is not done for Kim: paywall still needs an answer."]
    code, out, _ = _run(capsys, "code", "--project", str(path), "--document", str(doc), "--coder", "Kim",
                        "--set", "paywall=yes")
    assert out.splitlines()[-1] == f"Document {doc} is done for Kim."
    with Project(path, create=False) as p:
        assert [c.name for c in p.coders.list()] == ["Kim"]
        assert p.codesheet.is_done(doc, "Kim") and not p.codesheet.is_done(doc, "Lee")


def test_a_bad_answer_changes_nothing_even_beside_good_ones(study, capsys):
    path, doc = study
    with Project(path, create=False) as p:
        p.variables.add("topic", "single_choice", choices=[(1, "Economy")])
        p.variables.add("published", "date")
        before = dump(p)
    code, _out, err = _run(capsys, "code", "--project", str(path), "--document", str(doc),
                           "--set", "topic=1", "--set", "published=3 May")
    assert code == 2
    assert err == "annotator: error: published takes a date as YYYY-MM-DD, e.g. 2025-05-03, not '3 May'.\n"
    code, _out, err = _run(capsys, "code", "--project", str(path), "--document", "99", "--set", "topic=1")
    assert code == 2 and "There is no document 99" in err
    code, _out, err = _run(capsys, "code", "--project", str(path), "--document", str(doc), "--set", "topic")
    assert code == 2 and "--set takes NAME=VALUE" in err
    with Project(path, create=False) as p:
        assert dump(p) == before


def test_coders_lists_who_codes_and_renames(study, capsys):
    path, doc = study
    assert _run(capsys, "coders", "--project", str(path))[1] == (
        "No coders yet: the first annotation or answer adds its coder.\n")
    with Project(path, create=False) as p:
        p.variables.add("topic", "text")
        p.annotations.annotator = "Kim"
        p.annotations.add(doc, p.codebook.by_name("Organization"), 0, 3)
        p.codesheet.set(doc, "topic", "prices", coder="Lee")
    code, out, _ = _run(capsys, "coders", "--project", str(path))
    assert code == 0 and out.splitlines() == ["Kim: 1 annotation, answers for 0 documents",
                                              "Lee: 0 annotations, answers for 1 document"]
    assert _run(capsys, "coders", "--project", str(path), "--rename", "kim", "Kim Ji-ho")[1] == (
        "Renamed coder kim to Kim Ji-ho.\n")
    code, _out, err = _run(capsys, "coders", "--project", str(path), "--add", "LEE")
    assert code == 2 and "already a coder called 'Lee'" in err


def test_export_labels_writes_choice_labels_in_the_coding_table(study, capsys, tmp_path):
    path, doc = study
    with Project(path, create=False) as p:
        p.variables.add("topic", "single_choice", choices=[(1, "Economy"), (2, "Politics")])
    _run(capsys, "code", "--project", str(path), "--document", str(doc), "--set", "topic=2")
    for flag, expected in (((), "2"), (("--labels",), "Politics")):
        out = tmp_path / "coding.csv"
        assert _run(capsys, "export", "--project", str(path), "--format", "coding", "--out", str(out), *flag)[0] == 0
        with out.open(encoding="utf-8", newline="") as f:
            row = next(csv.DictReader(f))
        assert row["var_topic"] == expected and "coder" not in row
    code, _out, err = _run(capsys, "export", "--project", str(path), "--format", "matrix", "--out",
                           str(tmp_path / "m.csv"), "--labels")
    assert code == 2 and "without --labels" in err
