"""Hostile shapes of otherwise ordinary input: markup nested past the parser's depth,
corpus rows far over the size limit, names that are not text, PDFs that repeat one stream.

Each keeps what can be kept, refuses the rest in one line that names what was refused,
and never ends an import with a traceback or a summary that hides a loss.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from annotator import cli
from annotator.core.corpus.extract.html import TOO_DEEP
from annotator.core.corpus.importing import import_paths
from annotator.core.project import Project
from tests.ui.conftest import open_window  # noqa: F401  (fixture)

BEFORE = "Before the deep point the minister spoke about the budget for the coming year at length."
AFTER = "After the deep point the article reports the election results district by district."


def deep_page(levels: int) -> bytes:
    deep = "<div>" * levels + "<p>Deep inside, the votes were counted twice by the observers.</p>" + "</div>" * levels
    return (f"<html><head><title>Deep page</title></head><body><article><h1>Deep page</h1><p>{BEFORE}</p>"
            f"{deep}<p>{AFTER}</p></article></body></html>").encode()


@pytest.mark.parametrize("levels", [300, 1000])
def test_a_page_nested_hundreds_of_levels_deep_keeps_the_text_after_the_deep_point(project: Project, tmp_path,
                                                                                     levels):
    # Before: libxml2 stopped at 256 levels, the rest of the page was dropped, and the import said
    # "Imported 1 document." with only the first paragraph in it.
    page = tmp_path / "deep.html"
    page.write_bytes(deep_page(levels))

    report = import_paths(project, [page])

    [outcome] = report.outcomes
    assert outcome.status == "imported"
    text = project.documents.get(outcome.document_id).text
    assert BEFORE in text and "the votes were counted twice" in text and AFTER in text


def test_a_page_nested_past_what_can_be_read_is_refused_for_its_depth(project: Project, tmp_path):
    page = tmp_path / "deeper.html"
    page.write_bytes(deep_page(5000))

    report = import_paths(project, [page])

    [outcome] = report.outcomes
    assert (outcome.status, outcome.reason) == ("refused", TOO_DEEP)
    assert "2,048 levels deep" in TOO_DEEP
    assert report.summary_lines()[0] == "Imported 0 documents, refused 1 file:"
    assert project.documents.count() == 0


@pytest.mark.parametrize("nesting", ["300 quotes", "1000 quotes", "150 lists"])
def test_markdown_nested_deeper_than_its_parser_reads_keeps_every_line(project: Project, tmp_path, nesting):
    # Before: markdown-it dropped blocks nested past 20 levels and, for lists, every line after them.
    levels, kind = int(nesting.split()[0]), nesting.split()[1]
    words = "Deep inside, the votes were counted twice by the observers.\n"
    if kind == "quotes":
        deep = "> " * levels + words
    else:
        deep = "".join("  " * level + "- item\n" for level in range(levels)) + "  " * levels + "- " + words
    note = tmp_path / "deep.md"
    note.write_text(f"# Deep notes\n\n{BEFORE}\n\n{deep}\n{AFTER}\n", encoding="utf-8")

    report = import_paths(project, [note])

    [outcome] = report.outcomes
    assert outcome.status == "imported"
    text = project.documents.get(outcome.document_id).text
    assert BEFORE in text and "the votes were counted twice" in text and AFTER in text
    assert outcome.note.startswith("nested more than 200 levels deep to read as Markdown: kept as written")


def test_markdown_nested_within_reason_is_still_read_as_markdown(project: Project, tmp_path):
    note = tmp_path / "quoted.md"
    note.write_text(f"# Quoted\n\n{BEFORE}\n\n" + "> " * 40 + f"A **quoted** line.\n\n{AFTER}\n", encoding="utf-8")

    [outcome] = import_paths(project, [note]).outcomes

    text = project.documents.get(outcome.document_id).text
    assert "A quoted line." in text and AFTER in text and outcome.note == ""


# -- names that are not text (items 7 and 20) -----------------------------------------------------

NOT_UTF8 = os.fsdecode(b"caf\xe9.txt")
FORGED = "evil\nImported 99 documents, all fine.txt"


def folder_with_odd_names(tmp_path: Path) -> Path:
    folder = tmp_path / "incoming"
    folder.mkdir()
    for n in range(8):
        (folder / f"article {n}.txt").write_text(f"Article {n}\n\nThe council met for the {n}th time.\n",
                                                 encoding="utf-8")
    (folder / NOT_UTF8).write_text("Café opens\n\nThe café opened on the square.\n", encoding="utf-8")
    (folder / FORGED).write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)  # refused: a picture
    return folder


def test_a_file_name_that_is_not_utf8_imports_with_the_rest_of_the_folder(project: Project, tmp_path):
    # Before: UnicodeEncodeError from SQLite on the stored source, and none of the 9 files imported.
    folder = folder_with_odd_names(tmp_path)

    report = import_paths(project, [folder])

    assert len(report.imported) == 9 and len(report.refused) == 1
    sources = {d.source for d in map(project.documents.get, (o.document_id for o in report.imported))}
    assert str(folder / r"caf\xe9.txt") in sources
    assert project.store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_the_command_line_report_quotes_odd_names_on_one_line(tmp_path, capsys, monkeypatch):
    folder = folder_with_odd_names(tmp_path)
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)  # show the per-file progress lines too

    code = cli.main(["import", "--project", str(tmp_path / "p.annotator"), str(folder)])

    out, err = capsys.readouterr()
    assert code == 1  # one file refused
    headline, detail = out.splitlines()  # no third line forged by the newline in a name
    assert headline == "Imported 9 documents, refused 1 file:"
    assert detail.startswith(f'  "{folder}/evil\\nImported 99 documents, all fine.txt": binary file')
    progress = err.splitlines()
    assert len(progress) == 10 and all(line.startswith("[") for line in progress)
    assert f'"{folder}/caf\\xe9.txt"' in [line.split("] ", 1)[1] for line in progress]
    assert "Traceback" not in err


def test_the_window_imports_a_folder_with_odd_names_and_reports_them_quoted(open_window, tmp_path, qtbot):
    from PySide6.QtWidgets import QMessageBox

    path = tmp_path / "empty.annotator"
    Project(path).close()
    window = open_window(path)
    folder = folder_with_odd_names(tmp_path)

    window.import_files(paths=[folder])

    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "importReport") is not None)
    box = window.findChild(QMessageBox, "importReport")
    assert box.text() == "Imported 9 documents, refused 1 file:"
    assert box.detailedText().splitlines()[1].startswith(f'  "{folder}/evil\\nImported 99 documents')
    assert "Café opens" in [d.title for d in window.project.documents.summaries()]
    box.close()


def test_a_newline_in_a_file_name_forges_no_line_of_the_report(project: Project, tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "good.txt").write_text("Good\n\nA good article.\n", encoding="utf-8")
    (folder / FORGED).write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)

    lines = import_paths(project, [folder]).summary_lines()

    assert len(lines) == 2 and lines[0] == "Imported 1 document, refused 1 file:"
    assert lines[1].startswith(f'  "{folder}/evil\\nImported 99 documents, all fine.txt": binary file')


def test_a_corpus_file_whose_name_is_not_utf8_imports_and_reports_its_name_escaped(project: Project, tmp_path):
    from annotator.core.corpus.corpus_files import ColumnMapping, import_corpus

    corpus = tmp_path / os.fsdecode(b"r\xe9sum\xe9s.csv")
    corpus.write_text("title,text\nOne,The first article.\nTwo,The second article.\n", encoding="utf-8")

    report = import_corpus(project, corpus, ColumnMapping(text="text", title="title"))

    assert report.summary_lines() == ['Imported 2 documents from "r\\xe9sum\\xe9s.csv".']
    assert project.documents.get(report.imported[0].document_id).source == f"{tmp_path}/r\\xe9sum\\xe9s.csv#row 2"


# -- corpus rows over the size limit (item 8) ------------------------------------------------------

MEASURE_IMPORT = """
import resource, sys
from pathlib import Path
from annotator.core.corpus.corpus_files import ColumnMapping, import_corpus
from annotator.core.project import Project

folder = Path(sys.argv[1])
project = Project(folder / "p.annotator")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
report = import_corpus(project, folder / "corpus.csv", ColumnMapping(text="text", title="title"))
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(grown // 1024)
print("\\n".join(report.summary_lines()))
"""


def corpus_with_a_huge_row(path: Path, megabytes: int) -> Path:
    paragraph = "The same sentence again, " * 40 + "\n"
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write('title,text\nBefore,"The row before the huge one."\nHuge,"')
        for _ in range(megabytes * 1024 * 1024 // len(paragraph)):
            f.write(paragraph)
        f.write('"\nAfter,"The row after the huge one."\n')
    return path


def test_a_corpus_row_over_the_limit_is_refused_by_number_in_bounded_memory(tmp_path):
    # Before: the 60 MB row was imported past the 50 MB limit, peaking near 3 GB (7.7 GB and a
    # MemoryError for 500 MB, losing the rows around it).
    corpus_with_a_huge_row(tmp_path / "corpus.csv", 60)

    run = subprocess.run([sys.executable, "-c", MEASURE_IMPORT, str(tmp_path)], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}, check=True)

    grown_mb, *summary = run.stdout.splitlines()
    assert summary == [
        "Imported 2 documents from corpus.csv, refused 1 row:",
        "  row 3: larger than one document may be (60 MiB; the limit is 50 MiB of text); "
        "shorten or split it and import again",
    ]
    assert int(grown_mb) < 4 * 50  # the limit for one document, not the file, bounds the memory


def test_rows_over_the_project_limit_are_refused_and_the_others_imported(project: Project, tmp_path):
    from annotator.core.corpus.corpus_files import ColumnMapping, import_corpus
    from annotator.core.corpus.importing import set_import_limit

    set_import_limit(project, 0.001)  # about 1 KB
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join([
        '{"title": "Short", "text": "A short article."}',
        '{"title": "Long", "text": "' + "word " * 400 + '"}',  # 2 KB of characters
        '{"title": "Korean", "text": "' + "가" * 500 + '"}',  # 500 characters, 1.5 KB in UTF-8
        '{"title": "Also short", "text": "Another short article."}',
    ]) + "\n", encoding="utf-8")

    report = import_corpus(project, path, ColumnMapping(text="text", title="title"))

    assert [(o.row, o.status) for o in report.outcomes] == [
        ("line 1", "imported"), ("line 2", "refused"), ("line 3", "refused"), ("line 4", "imported")]
    assert report.refused[0].reason.startswith("larger than one document may be (2.0 KiB; the limit is 1.0 KiB")
    assert report.refused[1].reason.startswith("larger than one document may be (1.5 KiB; the limit is 1.0 KiB")


# -- a full disk during a command-line import (item 9) ---------------------------------------------

def article(n: int) -> str:
    # Distinct words, so no two articles look alike to the duplicate check.
    return f"Article {n}\n\n" + " ".join(f"w{n}x{i}" for i in range(1500)) + "\n"


@pytest.fixture
def small_disk(monkeypatch):
    """The project file may grow by this many pages, then SQLite answers SQLITE_FULL, as on a full disk."""
    from annotator.core.corpus import corpus_files as corpus
    from annotator.core.corpus import importing

    monkeypatch.setattr(importing, "BATCH_FILES", 4)  # a few files a transaction, so some are saved first
    monkeypatch.setattr(corpus, "BATCH_ROWS", 4)
    opened = cli._open_for_import

    def open_small(args):
        project = opened(args)
        pages = project.store.conn.execute("PRAGMA page_count").fetchone()[0]
        project.store.conn.execute(f"PRAGMA max_page_count = {pages + 60}")
        return project

    monkeypatch.setattr(cli, "_open_for_import", open_small)


@pytest.mark.parametrize("kind", ["folder", "corpus"])
def test_a_full_disk_stops_the_import_with_a_summary_of_what_was_saved(small_disk, tmp_path, capsys, kind):
    # Before: a folder listed every later file as "could not save it (database or disk is full)" and
    # never said the disk was full; a corpus ended in a sqlite3.OperationalError traceback.
    if kind == "folder":
        source = tmp_path / "incoming"
        source.mkdir()
        for n in range(40):
            (source / f"article {n:02}.txt").write_text(article(n), encoding="utf-8")
        noun = "files"
    else:
        source = tmp_path / "corpus.csv"
        source.write_text("title,text\n" + "".join(f'Article {n},"{article(n)}"\n' for n in range(40)),
                          encoding="utf-8")
        noun = "rows"
    project_path = tmp_path / "p.annotator"

    code = cli.main(["import", "--project", str(project_path), str(source)])

    out, err = capsys.readouterr()
    headline, stop = out.splitlines()
    imported = int(headline.split()[1])
    assert 0 < imported < 40 and headline.startswith(f"Imported {imported} documents")
    assert stop.startswith(f"The disk is full, so the import stopped; {40 - imported} more {noun} were not "
                           "imported. Free some disk space and import again")
    assert code == 1 and err == ""
    with Project(project_path, create=False) as project:
        assert project.documents.count() == imported
    assert cli.main(["check", "--project", str(project_path)]) == 0


# -- PDF pages that share one large content stream (item 17) ---------------------------------------

PDF_LINE = b"BT /F1 12 Tf 72 720 Td (Shared words on every page.) Tj ET\n"


def shared_stream_pdf(pages: int, content_bytes: int, *, refs_per_page: int = 1, streams: int = 1) -> bytes:
    """A PDF of a few kilobytes whose pages draw the same large, compressible content stream(s)."""
    packed = zlib.compress(PDF_LINE * (content_bytes // len(PDF_LINE)), 9)
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
    for n in range(streams):  # objects 4, 5, ...: the same instructions, stored once each
        objects[4 + n] = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    kids = []
    for n in range(pages):
        number = 4 + streams + n
        kids.append(b"%d 0 R" % number)
        contents = b" ".join([b"%d 0 R" % (4 + n % streams)] * refs_per_page)
        objects[number] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                           b"/Resources << /Font << /F1 3 0 R >> >> /Contents [" + contents + b"] >>")
    objects[2] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % pages
    out, offsets = bytearray(b"%PDF-1.4\n"), {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref, size = len(out), max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size + b"".join(b"%010d 00000 n \n" % offsets[n]
                                                                    for n in range(1, size))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


@pytest.fixture
def pages_parsed(monkeypatch) -> list[int]:
    """How many times pypdf parsed a page's drawing instructions for its text."""
    from pypdf import PageObject

    calls: list[int] = []
    extract_text = PageObject.extract_text
    monkeypatch.setattr(PageObject, "extract_text", lambda page, *a, **k: calls.append(1) or extract_text(page, *a, **k))
    return calls


def test_pages_sharing_one_content_stream_are_read_once_and_each_keeps_its_text(project: Project, tmp_path,
                                                                                 pages_parsed):
    # Before: each of the 20 pages parsed the shared 1 MB stream again, 34 s for a 5.6 KB file.
    pdf = tmp_path / "shared.pdf"
    pdf.write_bytes(shared_stream_pdf(20, 1024 * 1024))
    assert pdf.stat().st_size < 8 * 1024

    [outcome] = import_paths(project, [pdf]).outcomes

    assert outcome.status == "imported"
    per_page = (1024 * 1024) // len(PDF_LINE)
    assert project.documents.get(outcome.document_id).text.count("Shared words on every page.") == 20 * per_page
    assert len(pages_parsed) == 1


def test_a_page_drawing_one_stream_many_times_is_refused_unread(project: Project, tmp_path, pages_parsed):
    pdf = tmp_path / "repeated.pdf"
    pdf.write_bytes(shared_stream_pdf(1, 1024 * 1024, refs_per_page=20))

    [outcome] = import_paths(project, [pdf]).outcomes

    assert (outcome.status, outcome.reason) == ("refused", (
        "this PDF holds more drawing instructions than Annotator reads (20 MiB on page 1; the limit is 16 MiB a "
        "page); print it to a new PDF or save the article as text, and import that"))
    assert pages_parsed == []


def test_the_drawing_instructions_read_from_one_pdf_are_capped(project: Project, tmp_path, pages_parsed,
                                                                monkeypatch):
    from annotator.core.corpus.extract import pdf as reader

    monkeypatch.setattr(reader, "MAX_FILE_CONTENT", 3 * 1024 * 1024)
    pdf = tmp_path / "many.pdf"
    pdf.write_bytes(shared_stream_pdf(8, 1024 * 1024, streams=8))  # eight different 1 MB streams

    [outcome] = import_paths(project, [pdf]).outcomes

    assert outcome.status == "refused"
    assert "(4 MiB on pages 1 to 4; the limit is 3 MiB a file)" in outcome.reason
    assert len(pages_parsed) == 3  # the pages before the limit, and no more


# -- PDF pages that place one large form XObject many times (item 17) ----------------------------


def form_pdf(placings: int, form_bytes: int, *, nested: int = 0) -> bytes:
    """A one-page PDF of a few kilobytes that places a form XObject (a drawing with instructions of its own)
    placings times; nested > 0 puts the large form inside another that places it that many times."""
    packed = zlib.compress(PDF_LINE * (form_bytes // len(PDF_LINE)), 9)
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
               3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               4: (b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                   b"/Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream")}
    placed = 4
    if nested:
        inner = b"q /Big Do Q\n" * nested
        objects[7] = (b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /Big 4 0 R >> "
                      b">> /Length %d >>\nstream\n" % len(inner) + inner + b"\nendstream")
        placed = 7
    content = b"q /Fm1 Do Q\n" * placings
    objects[6] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    objects[5] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Fm1 %d 0 R >> "
                  b"/Font << /F1 3 0 R >> >> /Contents 6 0 R >>" % placed)
    out, offsets = bytearray(b"%PDF-1.4\n"), {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref, size = len(out), max(objects) + 1
    out += b"xref\n0 %d\n" % size + b"".join(b"%010d 00000 n \n" % offsets[n] if n in offsets
                                            else b"0000000000 65535 f \n" for n in range(size))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


@pytest.mark.parametrize(("placings", "nested"), [(20, 0), (1, 20)], ids=["on the page", "inside another form"])
def test_a_page_placing_one_large_form_many_times_is_refused_unread(project: Project, tmp_path, pages_parsed,
                                                                    placings, nested):
    # Before: each placing made pypdf read the form's 1 MB of instructions again (1.5 s each), and none
    # of it counted against the page's limit: a 4 KB file placing it 1,000 times held the import 25 minutes.
    pdf = tmp_path / "placed.pdf"
    pdf.write_bytes(form_pdf(placings, 1024 * 1024, nested=nested))
    assert pdf.stat().st_size < 8 * 1024

    [outcome] = import_paths(project, [pdf]).outcomes

    assert (outcome.status, outcome.reason) == ("refused", (
        "this PDF holds more drawing instructions than Annotator reads (20 MiB on page 1; the limit is 16 MiB a "
        "page); print it to a new PDF or save the article as text, and import that"))
    assert pages_parsed == []


def test_a_page_placing_a_small_form_a_few_times_keeps_every_placing(project: Project, tmp_path):
    pdf = tmp_path / "logo.pdf"
    pdf.write_bytes(form_pdf(3, 4 * len(PDF_LINE)))

    [outcome] = import_paths(project, [pdf]).outcomes

    assert outcome.status == "imported"
    assert project.documents.get(outcome.document_id).text.count("Shared words on every page.") == 3 * 4
