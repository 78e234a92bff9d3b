"""Titles and names from data are shown on one line in every command's output (issue 12, item 20).

A title comes from a web page or another person's file, a label name from an imported
codebook. Printed raw, a newline in one forged a line of the report ("Imported 99
documents.") and an escape sequence drove the terminal; they are quoted with escapes,
as odd file names are.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator import cli
from annotator.core.project import Project
from tests.core.engines import behind_annotators_back

TITLE = "Minister speaks\nImported 99 documents.\x1b[2J"
TITLE_SHOWN = '"Minister speaks\\nImported 99 documents.\\x1b[2J"'
LABEL = "Person\nNo problems found.\u202e"
LABEL_SHOWN = '"Person\\nNo problems found.\\u202e"'
TEXT = "The minister said taxes will fall next year."


@pytest.fixture
def hostile(project_location: Path | str) -> Path | str:
    path = project_location
    with Project(path) as project:
        doc = project.documents.add(title=TITLE, text=TEXT)
        person = project.codebook.by_name("Person")
        project.annotations.add(doc, person, 4, 12)
        # Names as an imported codebook or a file edited elsewhere can hold them.
        with project.store.write() as db:
            db.execute("UPDATE labels SET name = ? WHERE id = ?", (LABEL, person.id))
    return path


def run(*argv: str, capsys) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_each(out: str) -> None:
    assert "\x1b" not in out and "\u202e" not in out
    assert not [line for line in out.splitlines() if line.startswith(("Imported 99", "No problems found."))]


def test_search_shows_a_hostile_title_quoted_on_its_line(hostile: Path | str, capsys) -> None:
    code, out, _err = run("search", "--project", str(hostile), "minister", capsys=capsys)
    assert code == 0
    assert out.splitlines()[0] == f"[1] {TITLE_SHOWN} — 1 hit"
    assert_one_line_each(out)


def test_search_quotes_hostile_text_around_a_hit(project_location: Path | str, capsys) -> None:
    path = project_location
    with Project(path) as project:
        project.documents.add(title="Clean", text="The minister\x1b[31m said taxes will fall.")
    code, out, _err = run("search", "--project", str(path), "taxes", capsys=capsys)
    assert code == 0
    assert out.splitlines()[1] == '  @23: "The minister\\x1b[31m said [taxes] will fall."'


def test_stats_shows_a_hostile_label_name_quoted_in_its_row(hostile: Path | str, capsys) -> None:
    code, out, _err = run("stats", "--project", str(hostile), capsys=capsys)
    assert code == 0
    [row] = [line for line in out.splitlines() if LABEL_SHOWN in line]
    assert row.startswith(f"  Entity  {LABEL_SHOWN}  ") and row.split()[-1] == "1"
    assert_one_line_each(out)


def test_the_import_report_quotes_the_title_of_the_document_a_file_duplicates(hostile: Path | str, tmp_path: Path,
                                                                               capsys) -> None:
    article = tmp_path / "again.txt"
    article.write_text(TEXT, encoding="utf-8")
    corpus = tmp_path / "again.csv"
    corpus.write_text(f"title,text\nAgain,{TEXT}\n", encoding="utf-8")
    code, out, _err = run("import", "--project", str(hostile), str(article), str(corpus), capsys=capsys)
    assert code == 0
    assert f"  {article}: same text as document 1 ‘{TITLE_SHOWN}’" in out.splitlines()
    assert f"  row 2: same text as document 1 ‘{TITLE_SHOWN}’" in out.splitlines()
    assert_one_line_each(out)


def test_check_quotes_hostile_titles_and_label_names_in_its_problems(hostile: Path | str, capsys) -> None:
    # A span whose stored text no longer matches the document.
    behind_annotators_back(hostile, "UPDATE annotations SET text = 'nobody'")
    code, out, _err = run("check", "--project", str(hostile), capsys=capsys)
    assert code == 1
    [problem] = [line for line in out.splitlines() if line.startswith("  - ")]
    # check folds a long text's spaces to keep its line short; what is left is still quoted.
    assert problem.startswith(f"  - Annotation 1 ({LABEL_SHOWN}) in document 1 "
                              '"Minister speaks Imported 99 documents.\\x1b…": its stored text')
    assert_one_line_each(out)


def test_a_qdpx_import_report_quotes_the_titles_it_names(hostile: Path | str, tmp_path: Path, capsys) -> None:
    qdpx = tmp_path / "study.qdpx"
    assert run("export", "--project", str(hostile), "--format", "qdpx", "--out", str(qdpx), capsys=capsys)[0] == 0
    code, out, _err = run("import", "--project", str(hostile), str(qdpx), capsys=capsys)
    assert code == 0
    [skipped] = [line for line in out.splitlines() if line.startswith("  skipped")]
    assert skipped.startswith(f'  skipped "‘{TITLE_SHOWN[1:-1]}’: ') and skipped.endswith(f'‘{TITLE_SHOWN[1:-1]}’"')
    assert_one_line_each(out)
