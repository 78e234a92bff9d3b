"""Importing files: what lands in the project, what is skipped or refused, and why."""

from __future__ import annotations

import random
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from annotator.core.corpus.importing import (
    FileOutcome,
    ImportReport,
    collect_files,
    import_file,
    import_paths,
    import_seeds,
)
from annotator.core.project import Project
from tests.expected import SEED_TITLES

pytestmark = pytest.mark.both_engines

PNG = b"\x89PNG\r\n\x1a\n" + random.Random(3).randbytes(1500)


pytestmark = pytest.mark.both_engines


@pytest.fixture
def proj(project: Project) -> Iterator[Project]:
    yield project


def seed(prefix: str) -> str:
    entry = next(e for e in resources.files("annotator.seeds").iterdir() if e.name.startswith(prefix))
    return entry.read_text("utf-8")


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def stored(proj: Project, outcome: FileOutcome) -> str:
    assert outcome.status == "imported", outcome.reason
    return proj.documents.get(outcome.document_id).text


def test_import_seeds(proj: Project) -> None:
    report = import_seeds(proj)
    assert report.ok and len(report.imported) == 5
    assert [s.title for s in proj.documents.summaries()] == SEED_TITLES
    first = proj.documents.get(report.imported[0].document_id)
    assert first.source == "000_83c98d50b3344ecb.txt"
    assert first.encoding == "utf-8"
    assert first.text == seed("000")


def test_import_seeds_twice_skips_all(proj: Project) -> None:
    import_seeds(proj)
    again = import_seeds(proj)
    assert len(again.skipped) == 5 and proj.documents.count() == 5


@pytest.mark.parametrize(
    ("prefix", "codec", "bom", "newline"),
    [
        ("003", "cp949", b"", "\n"),
        ("003", "euc-kr", b"", "\n"),
        ("000", "cp1252", b"", "\n"),
        ("001", "cp1252", b"", "\n"),
        ("002", "cp1252", b"", "\n"),
        ("004", "cp1252", b"", "\n"),
        ("003", "utf-8", b"\xef\xbb\xbf", "\n"),
        ("003", "utf-16-le", b"\xff\xfe", "\n"),
        ("001", "utf-16-be", b"\xfe\xff", "\n"),
        ("004", "utf-8", b"", "\r\n"),
        ("002", "cp1252", b"", "\r\n"),
        ("003", "cp949", b"", "\r\n"),
    ],
)
def test_encodings_store_the_same_text_as_utf8(
    tmp_path: Path, proj: Project, prefix: str, codec: str, bom: bytes, newline: str
) -> None:
    original = seed(prefix)
    if codec in ("cp949", "euc-kr"):
        original = original.replace("\xa0", " ")  # these have no no-break space; a real file has a space
    data = bom + original.replace("\n", newline).encode(codec)
    outcome = import_file(proj, write(tmp_path / "in.txt", data))
    assert stored(proj, outcome) == original
    assert outcome.title == SEED_TITLES[int(prefix)]


def test_latin1_accents(tmp_path: Path, proj: Project) -> None:
    text = (
        "Élections en Île-de-France\n\n"
        "L'été dernier, à Noël, le garçon a mangé une crème brûlée près du château.\n"
        "Über die Brücke gehen die Mädchen. Die Straße ist größer als früher.\n"
    )
    outcome = import_file(proj, write(tmp_path / "fr.txt", text.encode("latin-1")))
    doc = proj.documents.get(outcome.document_id)
    assert (doc.text, doc.encoding, doc.title) == (text, "latin-1", "Élections en Île-de-France")


def test_source_is_the_absolute_path(tmp_path: Path, proj: Project) -> None:
    path = write(tmp_path / "a.txt", b"Headline\n\nBody.\n")
    outcome = import_file(proj, path)
    assert proj.documents.get(outcome.document_id).source == str(path.absolute())


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \r\n\n\t", "empty file"),
        (PNG, "binary file (looks like PNG image); import plain text, Markdown, HTML, DOCX, PDF, CSV, TSV, JSON Lines, REFI-QDA project or REFI-QDA codebook files"),
        (b"\x7fELF\x02\x01\x01" + bytes(9) + b"\x02\x00>\x00", "binary file (looks like ELF program); import plain text, Markdown, HTML, DOCX, PDF, CSV, TSV, JSON Lines, REFI-QDA project or REFI-QDA codebook files"),
        (b"text\x00with\x00nuls", "binary file (contains NUL bytes"),
    ],
    ids=["empty", "blank", "png", "elf", "nul"],
)
def test_bad_files_are_refused_and_change_nothing(tmp_path: Path, proj: Project, data: bytes, reason: str) -> None:
    import_seeds(proj)
    before = proj.documents.summaries()
    outcome = import_file(proj, write(tmp_path / "bad.txt", data))
    assert outcome.status == "refused"
    assert outcome.reason.startswith(reason)
    assert proj.documents.summaries() == before


def test_missing_file(tmp_path: Path, proj: Project) -> None:
    report = import_paths(proj, [tmp_path / "nope.txt"])
    assert [(o.status, o.reason) for o in report.outcomes] == [("refused", "no such file or folder")]
    assert not report.ok


def test_unreadable_file_reports_the_os_reason(tmp_path: Path, proj: Project, monkeypatch) -> None:
    path = write(tmp_path / "locked.txt", b"Headline\n")

    def deny(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", deny)
    outcome = import_file(proj, path)
    assert (outcome.status, outcome.reason) == ("refused", "Permission denied")


def test_too_large_is_refused_before_reading(tmp_path: Path, proj: Project) -> None:
    outcome = import_file(proj, write(tmp_path / "big.txt", b"x" * 2048), max_bytes=1024)
    assert outcome.status == "refused" and "limit is 1 KiB" in outcome.reason


def test_folder_with_good_and_bad_files(tmp_path: Path, proj: Project) -> None:
    folder = tmp_path / "corpus"
    write(folder / "b_good.txt", "Second story\n\nBody two.\n".encode("utf-8"))
    write(folder / "a_good.text", "First story\n\nBody one.\n".encode("cp1252"))
    write(folder / "sub" / "c_good.TXT", "기사 제목\n\n본문입니다.\n".encode("cp949"))
    write(folder / "empty.txt", b"")
    write(folder / "image.txt", PNG)
    write(folder / "data.csv", b"id,text\n1,a corpus file is not an article\n")
    write(folder / ".hidden.txt", b"Hidden\n")
    write(folder / ".git" / "x.txt", b"Inside a hidden folder\n")

    report = import_paths(proj, [folder])

    assert [o.path.name for o in report.outcomes] == ["a_good.text", "b_good.txt", "empty.txt", "image.txt", "c_good.TXT"]
    assert [o.title for o in report.imported] == ["First story", "Second story", "기사 제목"]
    assert {o.path.name: o.reason for o in report.refused} == {
        "empty.txt": "empty file",
        "image.txt": "binary file (looks like PNG image); import plain text, Markdown, HTML, DOCX, PDF, CSV, TSV, JSON Lines, REFI-QDA project or REFI-QDA codebook files",
    }
    assert [s.title for s in proj.documents.summaries()] == ["First story", "Second story", "기사 제목"]
    lines = report.summary_lines()
    assert lines[0] == "Imported 3 documents, refused 2 files:"
    assert f"  {folder / 'empty.txt'}: empty file" in lines


def test_folder_without_documents_is_reported(tmp_path: Path, proj: Project) -> None:
    write(tmp_path / "docs" / "budget.xlsx", b"PK\x03\x04")
    write(tmp_path / "docs" / "photo.jpg", b"\xff\xd8\xff\xe0")
    report = import_paths(proj, [tmp_path / "docs"])
    assert [(o.status, o.reason) for o in report.outcomes] == [
        ("refused", "folder holds no files to import (.txt, .text, .md, .markdown, .html, .htm, .docx, .pdf)")
    ]


def test_explicit_files_are_taken_whatever_their_name(tmp_path: Path, proj: Project) -> None:
    report = import_paths(proj, [write(tmp_path / "story.log", b"A story\n")])
    assert [o.title for o in report.imported] == ["A story"]


def test_collect_files_keeps_order_and_drops_repeats(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", b"a")
    missing = tmp_path / "missing.txt"
    assert collect_files([a, missing, tmp_path, a]) == [a, missing]


def test_a_folder_is_imported_in_the_order_of_its_sorted_paths_subfolders_in_their_place(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    for name in ("b.txt", "a.txt", "a/z.txt", "a/b/c.txt", "a-b.txt", "a.b/x.txt", "B.txt", "ab/y.txt"):
        write(folder / name, name.encode())
    outside = write(tmp_path / "elsewhere" / "linked.txt", b"reached through a link")
    (folder / "link").symlink_to(outside.parent, target_is_directory=True)
    (folder / "file-link.txt").symlink_to(outside)

    found = collect_files([folder])

    # What sorting the Path objects gives; a link to a folder is not followed, a link to a file is a file.
    assert found == sorted(found)
    assert [p.relative_to(folder).as_posix() for p in found] == [
        "B.txt", "a/b/c.txt", "a/z.txt", "a-b.txt", "a.b/x.txt", "a.txt", "ab/y.txt", "b.txt", "file-link.txt"]


def test_exact_duplicate_is_skipped_and_reported(tmp_path: Path, proj: Project) -> None:
    text = "Same story\n\nSame body.\n"
    first = write(tmp_path / "one.txt", text.encode("utf-8"))
    second = write(tmp_path / "two.txt", text.replace("\n", "\r\n").encode("utf-16"))  # same text once decoded
    report = import_paths(proj, [first, second])
    assert len(report.imported) == 1 and proj.documents.count() == 1
    [skip] = report.skipped
    doc_id = report.imported[0].document_id
    assert skip.reason == f"same text as document {doc_id} ‘Same story’"
    assert report.ok
    assert report.summary_lines() == [
        "Imported 1 document, skipped 1 duplicate:",
        f"  {second}: same text as document {doc_id} ‘Same story’",
    ]


def test_duplicate_of_a_document_already_in_the_project(tmp_path: Path, proj: Project) -> None:
    import_seeds(proj)
    outcome = import_file(proj, write(tmp_path / "copy.txt", seed("004").encode("cp1252")))
    assert outcome.status == "skipped"
    assert outcome.reason == "same text as document 5 ‘Innovation stories: the birth of Amazon Web Services’"


def test_cancel_keeps_files_already_imported(tmp_path: Path, proj: Project) -> None:
    paths = [write(tmp_path / f"{i}.txt", f"Story {i}\n\nBody {i}.\n".encode()) for i in range(4)]
    calls: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, path: Path) -> bool:
        calls.append((done, total, path.name))
        return done < 2

    report = import_paths(proj, paths, on_progress=progress)
    assert calls == [(0, 4, "0.txt"), (1, 4, "1.txt"), (2, 4, "2.txt")]
    assert report.cancelled
    assert [s.title for s in proj.documents.summaries()] == ["Story 0", "Story 1"]
    assert report.summary_lines()[-1] == "Import cancelled: 2.txt and the 1 file after it were not imported."


def test_progress_callback_returning_none_does_not_cancel(tmp_path: Path, proj: Project) -> None:
    paths = [write(tmp_path / f"{i}.txt", f"Story {i}\n".encode()) for i in range(2)]
    report = import_paths(proj, paths, on_progress=lambda *_: None)
    assert not report.cancelled and len(report.imported) == 2


def test_empty_report() -> None:
    report = ImportReport([])
    assert report.ok and report.summary_lines() == ["Nothing to import."]


# -- news in every shape -----------------------------------------------------------------------


def test_news_page_is_stored_with_its_headline_and_byline(tmp_path: Path, proj: Project) -> None:
    from tests.core.test_extract import ARTICLE_TEXT, HEADLINE, NEWS_PAGE

    path = write(tmp_path / "saved" / "port-deal.html", NEWS_PAGE.encode("utf-8"))
    outcome = import_file(proj, path)
    doc = proj.documents.get(outcome.document_id)
    assert (doc.title, doc.text, doc.encoding, doc.source) == (HEADLINE, ARTICLE_TEXT, "utf-8", str(path.absolute()))
    assert proj.metadata.get(doc.id) == {
        "outlet": "The Harbour Times",
        "author": "Jane Doe",
        "date": "2024-03-05",
        "url": "https://harbourtimes.example/politics/port-deal",
        "language": "en-GB",
    }
    assert proj.store.last_changeset is None  # importing is not an edit on the undo stack


def test_folder_of_news_in_every_shape(tmp_path: Path, proj: Project) -> None:
    from tests.core.test_extract import NEWS_PAGE, docx_bytes, image_only_pdf, pdf_bytes

    folder = tmp_path / "clippings"
    write(folder / "a_page.html", NEWS_PAGE.encode("utf-8"))
    write(folder / "b_old_page.HTM", "<html><body><article><h1>Old page</h1><p>Kept from an archive "
          "of the paper's website, with the text of the original story.</p></article></body></html>".encode())
    write(folder / "c_word.docx", docx_bytes(lambda d: (d.add_heading("세계 뉴스 🌏", 1), d.add_paragraph("본문."))))
    write(folder / "d_print.pdf", pdf_bytes(["Printed story headline", "Body of the printed story."]))
    write(folder / "e_scan.pdf", image_only_pdf())
    write(folder / "f_notes.md", b"# Notes on the story\n\nThe *key* quote.\n")
    write(folder / "g_draft.markdown", b"Draft headline\n==============\n\nDraft body.\n")
    write(folder / "h_plain.txt", b"Plain headline\n\nPlain body.\n")
    write(folder / "i_corpus.csv", b"text\nnot picked up from a folder\n")

    report = import_paths(proj, [folder])

    assert [o.path.name for o in report.outcomes] == [
        "a_page.html", "b_old_page.HTM", "c_word.docx", "d_print.pdf", "e_scan.pdf", "f_notes.md",
        "g_draft.markdown", "h_plain.txt",
    ]
    assert [o.title for o in report.imported] == [
        "Minister defends port deal", "Old page", "세계 뉴스 🌏", "Printed story headline", "Notes on the story",
        "Draft headline", "Plain headline",
    ]
    [scan] = report.refused
    assert scan.path.name == "e_scan.pdf" and scan.reason.startswith("no text layer (scanned?)")
    notes = report.imported[4].document_id
    assert proj.documents.text(notes) == "Notes on the story\n\nThe key quote.\n"


def test_hostile_files_are_refused_one_line_each_and_leave_the_project_as_it_was(tmp_path: Path, proj: Project) -> None:
    import io
    import zipfile

    from tests.core.test_extract import docx_bytes
    from tests.support import dump

    import_seeds(proj)
    before = dump(proj)
    package = io.BytesIO(docx_bytes(lambda d: d.add_paragraph("Looks harmless.")))
    with zipfile.ZipFile(package, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document2.xml", bytes(50 * 1024 * 1024))
    files = [
        write(tmp_path / "bomb.docx", package.getvalue()),
        write(tmp_path / "renamed.docx", b"This is a text file someone renamed."),
        write(tmp_path / "fake.pdf", b"<html>not a pdf</html>"),
        write(tmp_path / "broken.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 8),
    ]
    report = import_paths(proj, files)
    huge = write(tmp_path / "huge.html", b"<html><body><p>" + b"word " * 400 + b"</p></body></html>")
    report.outcomes.append(import_file(proj, huge, max_bytes=1024))
    assert [o.status for o in report.outcomes] == ["refused"] * 5
    reasons = [o.reason for o in report.outcomes]
    assert reasons[0].startswith("this Word file looks like a zip bomb")
    assert reasons[1].startswith("not a Word .docx file")
    assert reasons[2].startswith("not a PDF file")
    assert reasons[3].startswith("cannot read this PDF")
    assert reasons[4].startswith("file too large")
    assert all("\n" not in reason for reason in reasons)
    assert dump(proj) == before


def test_a_document_and_its_metadata_are_stored_together_or_not_at_all(
    tmp_path: Path, proj: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from annotator.core.corpus.metadata import DocumentMetadata
    from tests.core.test_extract import NEWS_PAGE
    from tests.support import dump

    real_set_many = DocumentMetadata.set_many

    def fail_after_writing(self, doc_id, values):
        real_set_many(self, doc_id, values)
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(DocumentMetadata, "set_many", fail_after_writing)
    before = dump(proj)
    outcome = import_file(proj, write(tmp_path / "page.html", NEWS_PAGE.encode("utf-8")))
    assert (outcome.status, outcome.reason) == ("refused", "could not save it in the project (disk I/O error)")
    assert dump(proj) == before


def test_a_page_whose_body_looks_like_a_stub_is_imported_and_reported_to_check(tmp_path: Path, proj: Project) -> None:
    from tests.support import paywalled_page

    folder = tmp_path / "news"
    write(folder / "dock-strike.html", paywalled_page())
    write(folder / "note.txt", b"Headline\n\nA short note, complete as it is.")
    report = import_paths(proj, [folder])
    assert report.ok and len(report.imported) == 2
    [stub] = report.to_check
    words = len(stored(proj, stub).split("\n\n", 1)[1].split())
    assert stub.path.name == "dock-strike.html" and stub.title == "Hong Kong dock workers end strike after pay deal"
    assert report.summary_lines() == [
        "Imported 2 documents, 1 to check:",
        f"  {folder / 'dock-strike.html'}: body looks like a stub ({words} words): check it",
    ]
