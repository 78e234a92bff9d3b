"""`annotator import` with corpus files: columns guessed or named with --*-column flags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.project import Project


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_HOME", str(tmp_path / "home"))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_columns_are_guessed_from_their_names(project_location, tmp_path, capsys):
    corpus = write(tmp_path / "news.csv",
                   "제목,본문,언론사,날짜\n"
                   '교통 정책,"서울시가 발표했다.\n시민은 환영했다.",한겨레,2024-03-01\n'
                   "빈 기사,,한겨레,2024-03-02\n")
    project_path = project_location
    assert main(["import", "--project", str(project_path), str(corpus)]) == 1  # one row refused
    assert capsys.readouterr().out.splitlines() == [
        "Imported 1 document from news.csv, refused 1 row:",
        "  row 3: no text in the column ‘본문’; fill it in or remove the row",
    ]
    with Project(project_path, create=False) as project:
        (doc_id,) = project.documents.ids()
        doc = project.documents.get(doc_id)
        assert (doc.title, doc.text) == ("교통 정책", "서울시가 발표했다.\n시민은 환영했다.")
        assert project.metadata.get(doc_id) == {"outlet": "한겨레", "date": "2024-03-01"}


def test_flags_name_the_columns_the_guess_cannot(project_location, tmp_path, capsys):
    corpus = write(tmp_path / "wire.jsonl", "\n".join(json.dumps(r) for r in [
        {"story": "Negotiators left Geneva.", "hed": "Talks stall", "paper": "Daily Planet", "desk": "world"},
        {"story": "The union accepted.", "hed": "Strike ends", "paper": "The Sentinel"},
    ]) + "\n")
    project_path = project_location
    args = ["import", "--project", str(project_path), str(corpus),
            "--text-column", "story", "--title-column", "HED", "--outlet-column", "paper"]
    assert main(args) == 0
    assert capsys.readouterr().out.strip() == "Imported 2 documents from wire.jsonl."
    with Project(project_path, create=False) as project:
        first, second = project.documents.ids()
        assert project.documents.get(first).title == "Talks stall"
        assert project.metadata.get(first) == {"outlet": "Daily Planet", "desk": "world"}
        assert project.metadata.get(second) == {"outlet": "The Sentinel"}


def test_a_flag_takes_a_column_away_from_the_guess(tmp_path, capsys):
    corpus = write(tmp_path / "news.csv", "title,text,summary\nHeadline,Body text.,Short text.\n")
    project_path = tmp_path / "study.annotator"
    assert main(["import", "--project", str(project_path), str(corpus), "--text-column", "summary"]) == 0
    with Project(project_path, create=False) as project:
        (doc_id,) = project.documents.ids()
        assert project.documents.get(doc_id).text == "Short text."
        # "text" lost its guessed role to the flag's choice, so it is kept as metadata.
        assert project.metadata.get(doc_id) == {"text": "Body text."}


def test_without_a_text_column_the_command_lists_the_columns_and_the_flag(tmp_path, capsys):
    corpus = write(tmp_path / "odd.csv", "hed,story\nTalks stall,Negotiators left Geneva.\n")
    project_path = tmp_path / "study.annotator"
    assert main(["import", "--project", str(project_path), str(corpus)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == (f"annotator: error: {corpus}: cannot tell which column holds the article text; "
                           "the columns are: hed, story. Name it with --text-column COLUMN.")
    with Project(project_path, create=False) as project:
        assert project.documents.count() == 0


@pytest.mark.parametrize("flags, message", [
    (["--text-column", "story", "--title-column", "story"],
     "The column ‘story’ is chosen for both text and title; choose one role per column."),
    # The guess took "body" for the text; the flag gives it to the title and leaves no text.
    (["--title-column", "body"], "no column is left for the article text; name it with --text-column COLUMN"),
])
def test_column_flags_that_do_not_fit_are_refused(tmp_path, capsys, flags, message):
    odd = write(tmp_path / "odd.csv", "hed,story,body\nTalks stall,Negotiators left Geneva.,More.\n")
    assert main(["import", "--project", str(tmp_path / "study.annotator"), str(odd), *flags]) == 2
    assert message in capsys.readouterr().err


def test_a_flag_one_file_lacks_stops_every_file_before_anything_is_imported(project_location, tmp_path, capsys):
    good = write(tmp_path / "good.csv", "hed,body\nOne,First text.\n")
    odd = write(tmp_path / "odd.csv", "hed,story\nTalks stall,Negotiators left Geneva.\n")
    project_path = project_location
    assert main(["import", "--project", str(project_path), str(good), str(odd), "--text-column", "body"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"annotator: error: {odd}: There is no column ‘body’; the columns are: hed, story. "
        "Name one of them with --text-column.")
    with Project(project_path, create=False) as project:
        assert project.documents.count() == 0


def test_corpus_and_text_files_import_together_and_a_broken_corpus_is_refused(project_location, tmp_path, capsys):
    corpus = write(tmp_path / "news.csv", "title,text\nOne,First text.\n")
    broken = write(tmp_path / "broken.jsonl", '{"text": "ok"}\nnot json\n')
    note = write(tmp_path / "note.txt", "A plain text article.\n")
    project_path = project_location
    assert main(["import", "--project", str(project_path), str(corpus), str(broken), str(note)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"Refused {broken}: line 2 is not valid JSON")
    assert out[1:] == ["Imported 1 document from news.csv.", "Imported 1 document."]
    with Project(project_path, create=False) as project:
        assert project.documents.count() == 2
