"""`annotator handout` and `annotator merge` (issue 14, item 3): a coder's file out, their codes back in."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.project import Project
from tests.support import dump


def _lead(path: Path | str) -> Path | str:
    with Project(path) as p:
        for n in range(1, 9):
            p.documents.add(title=f"Article {n}", text=f"Article number {n} says the price of rice went up.")
        p.variables.add("topic", "single_choice", choices=[(1, "Economy"), (2, "Politics")])
    return path


@pytest.fixture
def lead(project_location) -> Path | str:
    """The lead's project on each engine: handing out from it and merging into it."""
    return _lead(project_location)


@pytest.fixture
def lead_file(tmp_path) -> Path:
    """The lead's project as a file, for refusals of the command's options and printing of names."""
    return _lead(tmp_path / "lead.annotator")


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_handout_then_code_then_merge_from_the_shell(lead, tmp_path, capsys):
    out = tmp_path / "kim.annotator"
    code, said, err = _run(capsys, "handout", "--project", lead, "--coder", "Kim", "--out", out,
                           "--sample", "3", "--seed", "2024")
    assert (code, err) == (0, "")
    assert said.splitlines() == [f"Wrote {out} for Kim: 3 documents.",
                                 "Sample of 3 drawn with seed 2024; the same --sample and --seed draw the same documents."]
    with Project(out, create=False) as mine:
        first = mine.documents.ids()[0]
    # The coder answers in their own file with no --coder: the file knows who they are.
    code, said, _ = _run(capsys, "code", "--project", out, "--document", first, "--set", "topic=2", "--coded")
    assert code == 0 and f"Document {first} is done for Kim." in said
    code, said, err = _run(capsys, "merge", "--project", lead, out)
    assert (code, err) == (0, "")
    assert said.splitlines() == ["Kim: 0 annotations, 0 attribute values, 1 answer, 1 coded mark in 1 document."]
    with Project(lead, create=False) as p:
        assert p.codesheet.answers(first, "Kim") == {p.variables.named("topic").id: "2"}
        before = dump(p)
    code, said, _ = _run(capsys, "merge", "--project", lead, out)
    assert code == 0 and said.splitlines() == [
        "Kim: 0 annotations, 0 attribute values, 0 answers, 0 coded marks in 0 documents; already present: "
        "0 annotations, 1 answer, 1 coded mark.",
        "Nothing new: everything in these files was merged before."]
    with Project(lead, create=False) as p:
        assert dump(p) == before


def test_the_same_sample_and_seed_hand_out_the_same_documents(lead, tmp_path, capsys):
    for name in ("a", "b"):
        assert _run(capsys, "handout", "--project", lead, "--coder", name, "--out", tmp_path / f"{name}.annotator",
                    "--sample", "4", "--seed", "7")[0] == 0
    with Project(tmp_path / "a.annotator", create=False) as a, Project(tmp_path / "b.annotator", create=False) as b:
        assert a.documents.ids() == b.documents.ids() and len(a.documents.ids()) == 4


def test_documents_by_id_and_range(lead, tmp_path, capsys):
    out = tmp_path / "c.annotator"
    assert _run(capsys, "handout", "--project", lead, "--coder", "Cy", "--out", out, "--documents", "2,5-7")[0] == 0
    with Project(out, create=False) as mine:
        assert mine.documents.ids() == [2, 5, 6, 7]


@pytest.mark.parametrize("argv, message", [
    (["--documents", "2,x"], "--documents takes ids and ranges like 3,7,10-12; 'x' is neither."),
    (["--documents", "2,99"], "There is no document 99 in the project"),
    (["--sample", "9"], "The project has 8 documents, fewer than the sample of 9"),
    (["--sample", "0"], "A sample needs at least one document"),
    (["--seed", "3"], "--seed draws a --sample; give --sample N with it."),
    (["--coder", "  "], "A coder needs a name"),
])
def test_bad_handout_input_says_what_is_wrong_and_writes_nothing(lead_file, tmp_path, capsys, argv, message):
    out = tmp_path / "x.annotator"
    args = ["handout", "--project", lead_file, "--out", out, *argv]
    if "--coder" not in argv:
        args += ["--coder", "Kim"]
    code, said, err = _run(capsys, *args)
    assert code == 2 and said == ""
    assert err.startswith("annotator: error: ") and message in err
    assert not out.exists()


def test_a_conflicting_file_is_refused_and_the_project_is_unchanged(lead, tmp_path, capsys):
    out = tmp_path / "kim.annotator"
    assert _run(capsys, "handout", "--project", lead, "--coder", "Kim", "--out", out)[0] == 0
    with Project(out, create=False) as mine:
        mine.variables.remove(mine.variables.named("topic").id)
        mine.variables.add("topic", "number")
        mine.codesheet.set_many(1, {"topic": 3})
    with Project(lead, create=False) as p:
        before = dump(p)
    file_before = lead.read_bytes() if isinstance(lead, Path) else None  # a file is not even rewritten
    code, said, err = _run(capsys, "merge", "--project", lead, out)
    assert code == 2 and said == ""
    assert "the variable 'topic' is number in kim.annotator but single choice in the project" in err
    if file_before is not None:
        assert lead.read_bytes() == file_before
    with Project(lead, create=False) as p:
        assert dump(p) == before


def test_a_coder_name_that_would_reorder_the_line_is_printed_quoted(lead_file, tmp_path, capsys):
    out = tmp_path / "evil.annotator"
    code, said, _ = _run(capsys, "handout", "--project", lead_file, "--coder", "Kim\u202etxt.exe", "--out", out,
                         "--documents", "1")
    assert code == 0 and said == f'Wrote {out} for "Kim\\u202etxt.exe": 1 document.\n'
    _run(capsys, "code", "--project", out, "--document", "1", "--coded")
    code, said, _ = _run(capsys, "merge", "--project", lead_file, out)
    assert code == 0 and said.startswith('"Kim\\u202etxt.exe": 0 annotations')


def test_a_shared_project_hands_out_and_takes_back_like_a_file(shared_url, tmp_path, capsys):
    with Project(shared_url) as p:
        for n in range(1, 6):
            p.documents.add(title=f"기사 {n}", text=f"Article number {n}: 쌀값이 올랐다.")
        p.variables.add("topic", "single_choice", choices=[(1, "Economy"), (2, "Politics")])
    out = tmp_path / "kim.annotator"
    code, said, err = _run(capsys, "handout", "--project", shared_url, "--coder", "Kim", "--out", out,
                           "--sample", "2", "--seed", "7")
    assert (code, err) == (0, "")
    assert said.splitlines()[0] == f"Wrote {out} for Kim: 2 documents."
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kim.annotator"]  # no copy of the lead left behind
    with Project(out, create=False) as mine:
        first = mine.documents.ids()[0]
        assert mine.documents.text(first).startswith("Article number")
    assert _run(capsys, "code", "--project", out, "--document", first, "--set", "topic=2", "--coded")[0] == 0
    code, said, err = _run(capsys, "merge", "--project", shared_url, out)
    assert (code, err) == (0, "")
    with Project(shared_url) as p:
        assert p.codesheet.answers(first, "Kim") == {p.variables.named("topic").id: "2"}


def test_a_coders_file_named_like_the_shared_projects_database_is_not_taken_for_it(shared_url, tmp_path,
                                                                                   monkeypatch, capsys):
    # A shared project has no file: a file in the current folder that bears its database's name is another file.
    from annotator.core.store.pg.locations import database_name

    _lead(shared_url)
    monkeypatch.chdir(tmp_path)
    out = Path(database_name(shared_url))
    code, said, err = _run(capsys, "handout", "--project", shared_url, "--coder", "Kim", "--out", out,
                           "--documents", "1")
    assert (code, err) == (0, "") and said == f"Wrote {out} for Kim: 1 document.\n"
    assert _run(capsys, "code", "--project", out, "--document", "1", "--set", "topic=1", "--coded")[0] == 0
    code, said, err = _run(capsys, "merge", "--project", shared_url, out)
    assert (code, err) == (0, "")
    assert said == "Kim: 0 annotations, 0 attribute values, 1 answer, 1 coded mark in 1 document.\n"
