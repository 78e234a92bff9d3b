"""The `annotator` command line: import, export, stats, and errors without tracebacks."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.project import Project
from tests.core.engines import named

TEXT = "Launch 🚀 day: 월마트 👩‍👩‍👧 and AWS, \"quoted\", and more.\n둘째 줄입니다.\n"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Keep every test away from the real default project."""
    home = tmp_path / "home"
    monkeypatch.setenv("ANNOTATOR_HOME", str(home))
    return home


def _study(path: Path | str) -> Path | str:
    with Project(path) as p:
        doc = p.documents.add(title="월마트 and AWS", text=TEXT)
        start = TEXT.index("월마트")
        p.annotations.add(doc, p.codebook.by_name("Organization"), start, start + len("월마트 👩‍👩‍👧"))
        p.annotations.add(doc, p.codebook.by_name("Event"), 0, len("Launch 🚀 day"), note="=1+1")
        p.annotations.add(doc, p.codebook.by_name("Favor"), target="AWS")
        p.documents.set_status(doc, "in_progress")
    return path


@pytest.fixture
def project_path(project_location) -> Path | str:
    """The study on each engine: what a command does with a project's content."""
    return _study(project_location)


@pytest.fixture
def project_file(tmp_path) -> Path:
    """The study as a file, for tests about the files a command writes, not about the project."""
    return _study(tmp_path / "study.annotator")


@pytest.fixture
def inputs(tmp_path) -> list[Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    good, empty = folder / "good.txt", folder / "empty.txt"
    good.write_text("아마존과 월마트가 경쟁한다.\nA second line.\n", encoding="utf-8")
    empty.write_bytes(b"")
    return [good, empty]


# -- export ----------------------------------------------------------------------


def test_export_annotations(project_path, tmp_path, capsys):
    out = tmp_path / "ann.csv"
    assert main(["export", "--project", str(project_path), "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"Wrote 3 annotations to {out}"
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["label"] for r in rows] == ["Favor", "Event", "Organization"]
    for row in rows:
        if row["start"]:
            assert row["text"] == TEXT[int(row["start"]):int(row["end"])]
    assert rows[1]["note"] == "=1+1"


def test_export_documents_for_excel(project_path, tmp_path, capsys):
    out = tmp_path / "docs.csv"
    args = ["export", "--project", str(project_path), "--out", str(out), "--what", "documents", "--excel"]
    assert main(args) == 0
    assert capsys.readouterr().out.strip() == f"Wrote 1 document to {out}"
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(out, encoding="utf-8-sig", newline="") as f:
        (row,) = csv.DictReader(f)
    assert row["text"] == TEXT and row["status"] == "in_progress"


def _add_entity_and_memos(project_path: Path | str) -> None:
    # Registry and memo rows as stored; export reads the schema, not the editing APIs.
    with Project(project_path, create=False) as p:
        org = p.codebook.by_name("Organization")
        with p.store.write() as db:
            walmart = db.execute(
                "INSERT INTO entities(name, folded, label_id, external_id, memo, created_at) "
                "VALUES ('월마트 🚀', '월마트 🚀', ?, 'Q483551', '=check this', '2024-05-01T09:30:00+00:00')",
                (org.id,),
            ).lastrowid
            db.execute("INSERT INTO entity_aliases(entity_id, alias, folded) VALUES (?, 'Walmart', 'walmart')",
                       (walmart,))
            db.execute("UPDATE annotations SET entity_id = ? WHERE label_id = ?", (walmart, org.id))
            db.execute("UPDATE documents SET memo = '다시 확인할 것'")


def test_export_entities(project_path, tmp_path, capsys):
    _add_entity_and_memos(project_path)
    out = tmp_path / "entities.csv"
    assert main(["export", "--project", str(project_path), "--out", str(out), "--what", "entities"]) == 0
    assert capsys.readouterr().out.strip() == f"Wrote 1 entity to {out}"
    with open(out, encoding="utf-8", newline="") as f:
        (row,) = csv.DictReader(f)
    assert (row["name"], row["type"], row["aliases"], row["external_id"]) == (
        "월마트 🚀", "Organization", "Walmart", "Q483551")
    assert (row["mention_count"], row["document_count"], row["memo"]) == ("1", "1", "=check this")

    excel = tmp_path / "entities-excel.csv"
    assert main(["export", "--project", str(project_path), "--out", str(excel), "--what", "entities",
                 "--excel"]) == 0
    with open(excel, encoding="utf-8-sig", newline="") as f:
        (row,) = csv.DictReader(f)
    assert row["memo"] == "'=check this"


def test_export_memos(project_path, tmp_path, capsys):
    _add_entity_and_memos(project_path)
    out = tmp_path / "memos.csv"
    assert main(["export", "--project", str(project_path), "--out", str(out), "--what", "memos"]) == 0
    assert capsys.readouterr().out.strip() == f"Wrote 3 memos to {out}"
    with open(out, encoding="utf-8", newline="") as f:
        rows = [(r["kind"], r["title_or_name"], r["memo"]) for r in csv.DictReader(f)]
    assert rows == [
        ("document", "월마트 and AWS", "다시 확인할 것"),
        ("annotation", "Launch 🚀 day", "=1+1"),
        ("entity", "월마트 🚀", "=check this"),
    ]


def test_export_help_names_every_kind(capsys):
    assert main(["export", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "{annotations,documents,entities,memos}" in help_text


def test_export_into_a_folder_is_a_clean_error(project_file, tmp_path, capsys):
    folder = tmp_path / "exports"
    folder.mkdir()
    assert main(["export", "--project", str(project_file), "--out", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("annotator: error: ") and str(folder) in err
    assert "Traceback" not in err
    assert list(folder.iterdir()) == []


def test_export_into_a_missing_folder_names_the_asked_for_file(project_file, tmp_path, capsys):
    out = tmp_path / "no such folder" / "ann.csv"
    assert main(["export", "--project", str(project_file), "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip() == f"annotator: error: {out}: No such file or directory"


@pytest.mark.parametrize("command", [["export", "--out", "OUT"], ["stats"]])
def test_missing_project_is_not_created(command, tmp_path, capsys):
    missing = tmp_path / "typo.annotator"
    out = tmp_path / "out.csv"
    argv = [str(out) if a == "OUT" else a for a in command] + ["--project", str(missing)]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == f"annotator: error: No project file at {missing}."
    assert captured.out == ""
    assert not missing.exists() and not out.exists()


@pytest.mark.parametrize("command", [["export", "--out", "OUT"], ["import", "IN"]])
def test_a_shared_project_that_is_not_there_is_a_clean_error(command, pg_server, shared_url, tmp_path, capsys):
    # A database that does not exist, and one that exists but holds no project: neither is made into one.
    import psycopg

    from annotator.core.store.pg.locations import describe
    from tests.pg_support import with_database

    article = tmp_path / "a.txt"
    article.write_text("A harbour strike.", encoding="utf-8")
    out = tmp_path / "out.csv"
    missing = with_database(shared_url, "annotator_no_such_project")
    argv = [str(out) if a == "OUT" else str(article) if a == "IN" else a for a in command]
    assert main([*argv, "--project", missing]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"annotator: error: Could not connect to {describe(missing)}: ")
    assert captured.out == ""  # the rest of the line is the server's own reason, in the server's language

    name = f"annotator_plain_{uuid.uuid4().hex}"  # unique: other test runs may share the server
    with psycopg.connect(shared_url, autocommit=True) as conn:  # an empty database beside the project
        conn.execute(f"CREATE DATABASE {name}")
    plain = with_database(shared_url, name)
    try:
        assert main([*argv, "--project", plain]) == 2
        captured = capsys.readouterr()
        assert captured.err.startswith(f"annotator: error: {describe(plain)} holds no Annotator project. Create one "
                                       "there with `annotator server init --url ")
        assert captured.out == "" and not out.exists()
        with psycopg.connect(plain) as conn:
            assert conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
                                ).fetchone() == (0,)
    finally:
        pg_server.drop(plain)


def test_missing_default_project_is_not_created(isolated_home, tmp_path, capsys):
    assert main(["stats"]) == 2
    assert "No project file at" in capsys.readouterr().err
    assert not isolated_home.exists() or not any(isolated_home.iterdir())


def test_a_file_that_is_not_a_project_is_a_clean_error(tmp_path, capsys):
    bogus = tmp_path / "notes.annotator"
    bogus.write_text("just some text, not SQLite " * 100)
    assert main(["stats", "--project", str(bogus)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("annotator: error: ") and "Traceback" not in err


# -- stats -----------------------------------------------------------------------


def test_stats(project_path, capsys):
    assert main(["stats", "--project", str(project_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Project: {named(project_path)}"
    assert any(line.split() == ["Documents", "1"] for line in lines)
    assert any(line.split() == ["In", "progress", "1"] for line in lines)
    assert any(line.split() == ["Annotations", "3"] for line in lines)
    assert any(line.split() == ["Entity", "Organization", "1"] for line in lines)


def test_top_level_project_option_also_reaches_commands(project_path, capsys):
    assert main(["--project", str(project_path), "stats"]) == 0
    assert "Annotations" in capsys.readouterr().out


# -- import ----------------------------------------------------------------------


def test_import_creates_the_project_and_reports_refusals(project_location, tmp_path, inputs, capsys):
    # A file is created (in a new folder); a shared project is made by `server init`, so it exists, empty.
    target = tmp_path / "new" / "fresh.annotator" if isinstance(project_location, Path) else project_location
    assert main(["import", "--project", str(target), *map(str, inputs)]) == 1
    out = capsys.readouterr().out
    assert f"{inputs[1]}: empty file" in out
    with Project(target, create=False) as p:
        assert p.documents.count() == 1

    # Importing only the good file again: nothing refused (a duplicate is skipped, not refused).
    assert main(["import", "--project", str(target), str(inputs[0])]) == 0
    capsys.readouterr()
    with Project(target, create=False) as p:
        assert p.documents.count() == 1


def test_import_reports_a_page_whose_body_looks_like_a_stub(project_location, tmp_path, capsys):
    from tests.support import paywalled_page

    page = tmp_path / "dock-strike.html"
    page.write_bytes(paywalled_page())
    assert main(["import", "--project", str(project_location), str(page)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Imported 1 document, 1 to check:"
    assert out[1].startswith(f"  {page}: body looks like a stub (") and out[1].endswith(" words): check it")


def test_import_without_project_uses_the_default_project(isolated_home, inputs, capsys):
    assert main(["import", str(inputs[0])]) == 0
    assert capsys.readouterr().out.startswith("Imported 1 document")
    with Project(isolated_home / "default.annotator", create=False) as p:
        # The first use seeds the sample articles, as the app would.
        assert p.documents.count() > 1
        assert any("아마존과 월마트가" in p.documents.text(i) for i in p.documents.ids())


class _Terminal(io.StringIO):
    """stderr as a terminal shows it: no pseudo-terminal device needed, so this runs anywhere."""

    def isatty(self) -> bool:
        return True


def test_import_shows_progress_only_on_a_terminal(tmp_path, inputs, isolated_home, monkeypatch, capsys):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["import", "--project", str(tmp_path / "t.annotator"), *map(str, inputs)]) == 1
    assert terminal.getvalue() == f"[1/2] {inputs[0]}\n[2/2] {inputs[1]}\n"

    piped = io.StringIO()  # a log file or a pipe: no progress noise, only the report on stdout
    monkeypatch.setattr(sys, "stderr", piped)
    capsys.readouterr()
    assert main(["import", "--project", str(tmp_path / "u.annotator"), *map(str, inputs)]) == 1
    assert piped.getvalue() == "" and capsys.readouterr().out.startswith("Imported 1 document")


def test_import_via_python_m_reports_refused_file_and_exit_code(tmp_path, inputs, isolated_home):
    target = tmp_path / "sub.annotator"
    env = {**os.environ, "ANNOTATOR_HOME": str(isolated_home), "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [sys.executable, "-m", "annotator", "import", "--project", str(target), *map(str, inputs)],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Imported 1 document") and "refused 1 file" in lines[0]
    assert f"{inputs[1]}: empty file" in result.stdout  # names the file and says why
    assert str(inputs[0]) not in result.stdout
    assert result.stderr == ""  # progress lines only go to a terminal
    with Project(target, create=False) as p:
        assert p.documents.count() == 1


# -- odds and ends -----------------------------------------------------------------


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("annotator ")


def test_launching_reads_no_package_metadata():
    # Every launch of the app builds the command line's parser; reading the version for --version
    # there loaded importlib.metadata (email, csv) each time, ~15 ms (issue 17).
    code = "import sys\nfrom annotator.cli import _parser\n_parser()\nprint('importlib.metadata' in sys.modules)\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_launching_the_app_builds_no_parser(tmp_path):
    # The subcommands' parsers and the export formats they name cost every launch ~15 ms, and
    # argparse's first message lookup loads the locale tables, ~4 ms more (issue 17).
    code = ("import sys\nfrom annotator.cli import _parse_app_launch\n"
            f"args = _parse_app_launch(['--project', {str(tmp_path / 'study.annotator')!r}])\n"
            "print(args.top_project.name, args.command, args.selftest, "
            "[m for m in ('annotator.cli_search', 'annotator.core.interchange.formats', 'locale', "
            "'annotator.core.corpus.import_formats') if m in sys.modules])\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "study.annotator None False []"


@pytest.mark.parametrize("argv", [[], ["--project", "study.annotator"], ["--project=study.annotator"], ["--selftest"],
                                  ["--project", "a.annotator", "--selftest", "--project", "b.annotator"],
                                  ["--project", "postgresql://kim@db.example.org/newsroom"], ["--project", ""]])
def test_a_launch_is_read_as_the_full_parser_reads_it(argv):
    from annotator.cli import _parse_app_launch, _parser

    full = _parser().parse_args(argv)
    assert vars(_parse_app_launch(argv)) == {"top_project": full.top_project, "selftest": full.selftest,
                                             "command": full.command}


@pytest.mark.parametrize("argv", [["stats"], ["--project"], ["--version"], ["--help"], ["-h"], ["--proj", "x"],
                                  ["--project", "x", "export"], ["--selftest", "extra"], ["--unknown"],
                                  ["--project", "-"], ["--project", "--selftest"]])
def test_anything_but_a_launch_goes_to_the_full_parser(argv, capsys):
    # Commands, help, abbreviations and every usage error keep the full parser's reading and messages.
    from annotator.cli import _parse_app_launch

    assert _parse_app_launch(argv) is None
    assert capsys.readouterr() == ("", "")


def test_a_launch_with_a_bad_option_says_so_as_before(capsys):
    assert main(["--project"]) == 2
    err = capsys.readouterr().err
    assert "usage: annotator [-h] [--version]" in err and "--project: expected one argument" in err


def test_usage_error_returns_2(capsys):
    assert main(["export"]) == 2  # --out is required
    assert "--out" in capsys.readouterr().err


def test_commands_never_load_qt(project_path, tmp_path):
    out = tmp_path / "x.csv"
    code = (
        "import sys; from annotator.cli import main; "
        f"assert main(['stats', '--project', {str(project_path)!r}]) == 0; "
        f"assert main(['export', '--project', {str(project_path)!r}, '--out', {str(out)!r}]) == 0; "
        "assert not [m for m in sys.modules if m.startswith(('PySide6', 'annotator.ui'))], 'Qt loaded'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_a_full_disk_is_named_not_a_traceback(tmp_path, monkeypatch, capsys):
    # Issue 12 (items 9, 19 in the command line): SQLite's "database or disk is full" reached the user as a traceback.
    import sqlite3

    from annotator.core.coding import stats

    path = tmp_path / "study.annotator"
    Project(path).close()

    def full(project):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(stats, "project_stats", full)
    assert main(["stats", "--project", str(path)]) == 2
    err = capsys.readouterr().err
    assert "disk is full" in err and "Free some disk space" in err and "Traceback" not in err
