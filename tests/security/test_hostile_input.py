"""Hostile input, end to end: files that must be refused, pages that must stay text, cells that must stay inert.

Each refused file gets one line saying why and what to do, leaves the project
exactly as it was (no partial document) and writes nothing anywhere. The file
builders live beside the unit tests that first needed them (test_extract,
test_importing, refi_files); this suite runs them through the importers an
analyst actually uses: `import_paths` (File › Import, `annotator import`) and
the REFI-QDA importer.
"""

from __future__ import annotations

import csv
import io
import re
import socket
import stat
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox, QPlainTextEdit

from annotator import cli
from annotator.core.common.errors import ProjectError
from annotator.core.corpus.importing import MAX_MB_SETTING, import_paths, import_seeds, set_import_limit
from annotator.core.interchange.formats import export
from annotator.core.interchange.refi import import_qdpx
from annotator.core.interchange.refi.reading import Refused
from annotator.core.project import Project
from tests.core.refi_files import BILLION_LAUGHS, EXTERNAL_ENTITY, FOREIGN_TEXT, foreign_qde, guid, write_qdpx
from tests.core.test_extract import docx_bytes
from tests.core.test_importing import PNG
from tests.support import dump
from tests.ui.conftest import open_window, seeded_path  # noqa: F401  (fixtures)

OUTSIDE = Path("/tmp/annotator-hostile-x")  # where a zip-slip member would land if anything extracted it


@pytest.fixture
def seeded(project: Project) -> Project:
    import_seeds(project)
    return project


def files_under(folder: Path) -> list[str]:
    """Everything on disk under folder, but SQLite's own -wal/-shm companions."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if not p.name.endswith(("-wal", "-shm")))


# -- builders for what the unit tests do not already make ---------------------------------------


def docx_with_xml_bomb() -> bytes:
    """A real Word file whose document.xml declares the billion-laughs entities and uses them."""
    package = io.BytesIO(docx_bytes(lambda d: d.add_paragraph("MARKER")))
    with zipfile.ZipFile(package) as original:
        parts = {info.filename: original.read(info) for info in original.infolist()}
    doctype = BILLION_LAUGHS[BILLION_LAUGHS.index("<!DOCTYPE"):BILLION_LAUGHS.index("]>") + 2]
    dtd = doctype.replace("Project", "w:document")
    xml = parts["word/document.xml"]
    at = xml.index(b"<w:document")
    parts["word/document.xml"] = xml[:at] + dtd.encode() + xml[at:].replace(b"MARKER", b"MARKER &lol9;")
    hostile = io.BytesIO()
    with zipfile.ZipFile(hostile, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return hostile.getvalue()


def docx_zip_bomb() -> bytes:
    package = io.BytesIO(docx_bytes(lambda d: d.add_paragraph("Looks harmless.")))
    with zipfile.ZipFile(package, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/image1.png", bytes(64 * 1024 * 1024))  # 64 MB of zeros, ~64 KB packed
    return package.getvalue()


def sparse_file(path: Path, size: int) -> Path:
    """A file of the given size that takes no disk space: the limit must refuse it before reading."""
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


def qdpx_with_member(path: Path, member: str | zipfile.ZipInfo, data: bytes = b"gotcha") -> Path:
    """A sound foreign project plus one extra member, its name kept exactly as given."""
    write_qdpx(path, foreign_qde(), {f"{guid(1, 2)}.txt": FOREIGN_TEXT.encode()})
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(member if isinstance(member, zipfile.ZipInfo) else zipfile.ZipInfo(member), data)
    return path


def symlink_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix, so the mode bits below are read
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


# -- files refused by import_paths --------------------------------------------------------------

ARTICLE_CASES = {
    "png renamed .txt": ("photo.txt", lambda d: PNG, "binary file (looks like PNG image)"),
    "program": ("tool.txt", lambda d: b"\x7fELF\x02\x01\x01" + bytes(9) + b"\x02\x00>\x00",
                "binary file (looks like ELF program)"),
    "nul bytes": ("data.txt", lambda d: b"text\x00with\x00nuls" * 20, "binary file (contains NUL bytes"),
    "undecodable": ("legacy.txt", lambda d: bytes(range(128, 256)) * 4, "cannot tell the text encoding"),
    "false byte-order mark": ("marked.txt", lambda d: b"\xff\xfe\x00", "marked as UTF-16-LE but not valid"),
    "over the default 50 MB": ("huge.txt", None, "file too large (51 MiB; the limit is 50 MiB of text)"),
    "docx zip bomb": ("bomb.docx", lambda d: docx_zip_bomb(), "this Word file looks like a zip bomb"),
    "docx billion laughs": ("laughs.docx", lambda d: docx_with_xml_bomb(), "cannot read this Word file"),
    "docx that is text": ("renamed.docx", lambda d: b"Plain text someone renamed.", "not a Word .docx file"),
}


@pytest.mark.parametrize("case", list(ARTICLE_CASES))
def test_hostile_articles_are_refused_in_one_line_and_change_nothing(seeded, tmp_path, case):
    name, build, reason = ARTICLE_CASES[case]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = inbox / name
    if build is None:
        sparse_file(path, 51 * 1024 * 1024)
    else:
        path.write_bytes(build(inbox))
    before, on_disk = dump(seeded), files_under(tmp_path)

    report = import_paths(seeded, [path])

    [outcome] = report.outcomes
    assert (outcome.status, outcome.document_id) == ("refused", None)
    assert outcome.reason.startswith(reason) and "\n" not in outcome.reason
    assert report.summary_lines() == ["Imported 0 documents, refused 1 file:", f"  {path}: {outcome.reason}"]
    assert dump(seeded) == before
    assert files_under(tmp_path) == on_disk


TOO_LONG = "file too large (600 KiB; the limit is 512 KiB of text)"


def long_article(folder: Path) -> Path:
    article = folder / "long.txt"
    article.write_text("word " * (600 * 1024 // 5), encoding="utf-8")  # 600 KB of text
    return article


def test_the_size_limit_is_a_project_setting(seeded, tmp_path):
    article = long_article(tmp_path)
    set_import_limit(seeded, "0.5")
    assert seeded.store.info(MAX_MB_SETTING) == "0.5"
    before = dump(seeded)
    [outcome] = import_paths(seeded, [article]).outcomes
    assert (outcome.status, outcome.reason) == ("refused", TOO_LONG)
    assert dump(seeded) == before
    # Given explicitly (the command line's --max-mb), the limit wins over the setting.
    [outcome] = import_paths(seeded, [article], max_bytes=1024 * 1024).outcomes
    assert outcome.status == "imported"


@pytest.mark.parametrize("bad", ["0", "-5", "lots", "nan", "inf", ""])
def test_a_size_limit_that_is_no_positive_number_is_refused_and_not_stored(seeded, bad):
    with pytest.raises(ProjectError, match="is not a size limit; give a positive number of MiB, e.g. 50"):
        set_import_limit(seeded, bad)
    assert seeded.store.info(MAX_MB_SETTING) is None


def test_the_command_line_takes_the_limit_with_max_mb(tmp_path, capsys):
    article = long_article(tmp_path)
    project = tmp_path / "study.annotator"
    assert cli.main(["import", "--project", str(project), "--max-mb", "0.5", str(article)]) == 1
    assert f"  {article}: {TOO_LONG}" in capsys.readouterr().out
    assert cli.main(["import", "--project", str(project), "--max-mb", "1", str(article)]) == 0
    with Project(project) as opened:
        assert opened.documents.count() == 1

    elsewhere = tmp_path / "other.annotator"
    assert cli.main(["import", "--project", str(elsewhere), "--max-mb", "ten", str(article)]) != 0
    assert "'ten' is not a size limit; give a positive number of MiB" in capsys.readouterr().err
    assert not elsewhere.exists()  # refused before the project was even created


# -- REFI-QDA projects ------------------------------------------------------------------------------

QDPX_CASES = {
    "billion laughs": (lambda d: write_qdpx(d / "laughs.qdpx", BILLION_LAUGHS), "declares a DTD or entities"),
    "external entity": (lambda d: write_qdpx(d / "xxe.qdpx", EXTERNAL_ENTITY), "declares a DTD or entities"),
    "../../x": (lambda d: qdpx_with_member(d / "climb.qdpx", "../../annotator-hostile-x"),
                "member named ‘../../annotator-hostile-x’ that climbs out of the archive"),
    "absolute /tmp/x": (lambda d: qdpx_with_member(d / "absolute.qdpx", str(OUTSIDE)), "that is an absolute path"),
    "drive C:\\x": (lambda d: qdpx_with_member(d / "drive.qdpx", "C:\\annotator-hostile-x"),
                    "that is an absolute path"),
    "symlink entry": (lambda d: qdpx_with_member(d / "link.qdpx", symlink_entry("sources/passwd"), b"/etc/passwd"),
                      "member named ‘sources/passwd’ that is a symbolic link"),
    "source path climbing out": (
        lambda d: write_qdpx(d / "path.qdpx", foreign_qde().replace(f"internal://{guid(1, 2)}.txt",
                                                                    "internal://../../etc/passwd")),
        "is not a plain file name in sources/"),
}


@pytest.mark.parametrize("case", list(QDPX_CASES))
def test_hostile_qdpx_files_are_refused_in_one_line_and_write_nothing(seeded, tmp_path, case):
    build, reason = QDPX_CASES[case]
    inbox = tmp_path / "inbox" / "deep"
    inbox.mkdir(parents=True)
    path = build(inbox)
    before, on_disk = dump(seeded), files_under(tmp_path)

    with pytest.raises(Refused) as refused:
        import_qdpx(seeded, path)

    message = str(refused.value)
    assert reason in message and path.name in message and "\n" not in message
    assert "Nothing was imported" in message
    assert dump(seeded) == before
    assert files_under(tmp_path) == on_disk
    assert not OUTSIDE.exists() and not (tmp_path / "annotator-hostile-x").exists()


# -- web pages are text in the reader -----------------------------------------------------------------

HOSTILE_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Port deal questioned</title>
<script>alert("pwned"); fetch("http://tracker.example/beacon");</script>
<script src="http://tracker.example/analytics.js"></script>
<link rel="stylesheet" href="http://cdn.example/site.css">
<meta http-equiv="refresh" content="0; url=http://evil.example/refresh">
</head><body onload="alert('onload')"><article><h1>Port deal questioned</h1>
<p>The transport minister defended the sale of the harbour terminal on Tuesday, saying it would bring jobs.</p>
<p><img src="http://images.example/port.jpg" alt="port at dusk" onerror="alert('img')"> Opposition leaders called
the deal <a href="http://evil.example/phish">a giveaway</a> and demanded to see the full contract first.</p>
<p>More at <a href="javascript:alert('link')">our coverage page</a> and <iframe src="http://evil.example/frame">
</iframe> nowhere else.</p></article></body></html>"""


def test_a_hostile_web_page_reads_as_plain_text_and_nothing_goes_to_the_network(open_window, tmp_path, qtbot,
                                                                               monkeypatch):
    connections: list[object] = []

    def no_network(*args, **kwargs):
        connections.append(args)
        raise OSError("the network is off limits in this test")

    # Connecting and resolving fail the test; the socket class itself stays, since libraries subclass it on import.
    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, no_network)
    for name in ("create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, no_network)
    opened_urls: list[object] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened_urls.append(url) or True)
    page = tmp_path / "port.html"
    page.write_text(HOSTILE_PAGE, encoding="utf-8")
    path = tmp_path / "study.annotator"
    Project(path).close()

    window = open_window(path)
    window.import_files(paths=[page])
    [doc_id] = window.project.documents.ids()
    stored = window.project.documents.text(doc_id)

    reader = window.reader
    assert isinstance(reader, QPlainTextEdit)  # a plain-text widget: no HTML engine at all
    assert reader.toPlainText() == stored
    assert "a giveaway" in stored and "demanded to see the full contract" in stored
    for trace in ("<", "script", "alert", "http", "evil.example", "tracker", "port.jpg", "onload", "iframe"):
        assert trace not in stored
    document = reader.document()
    assert not any(fmt.isImageFormat() or fmt.toCharFormat().isAnchor() for fmt in document.allFormats())
    # Clicking where the link was opens nothing.
    cursor = document.find("a giveaway")
    reader.setTextCursor(cursor)
    point = reader.cursorRect(cursor).center()
    qtbot.mouseClick(reader.viewport(), Qt.LeftButton, pos=point)
    qtbot.wait(50)
    assert opened_urls == [] and connections == []


def test_the_window_imports_with_the_project_size_limit(open_window, seeded_path, tmp_path, qtbot):
    with Project(seeded_path) as project:
        set_import_limit(project, 0.5)
        count = project.documents.count()
    article = long_article(tmp_path)
    window = open_window(seeded_path)
    window.import_files(paths=[article])
    qtbot.waitUntil(lambda: any(w.objectName() == "importReport" and w.isVisible()
                                for w in QApplication.topLevelWidgets()))
    [box] = [w for w in QApplication.topLevelWidgets() if w.objectName() == "importReport" and w.isVisible()]
    assert isinstance(box, QMessageBox)
    assert TOO_LONG in box.informativeText()
    assert window.project.documents.count() == count
    box.close()


# -- formulas in spreadsheet exports --------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]
EXCEL_BOUND = {  # name: (format, what)
    "annotations": ("csv", "annotations"), "documents": ("csv", "documents"), "entities": ("csv", "entities"),
    "memos": ("csv", "memos"), "matrix": ("matrix", "annotations"), "coding": ("coding", "annotations"),
}
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@pytest.fixture
def formulas(project: Project) -> Project:
    """Every formula in every field an export writes: titles, text, notes, metadata, memos, names, targets, labels."""
    p = project
    claim = p.codebook.by_name("Claim")
    remark = p.codebook.add_attribute(claim.id, "remark", "text")
    for i, formula in enumerate(FORMULAS):
        doc = p.documents.add(title=formula, text=f"{formula}\nArticle {i} quotes it.")
        p.documents.set_memo(doc, formula)
        p.metadata.set_many(doc, {"outlet": formula, "author": formula})
        tagged = p.annotations.add(doc, claim, 0, len(formula), note=formula, source=formula)
        p.values.set(tagged.id, remark.id, formula)
        stance = p.codebook.add_label(formula, "stance")  # a label name heads a matrix column
        p.annotations.add(doc, stance, target=formula, note=formula)
        entity = p.entities.create(formula, p.codebook.by_name("Organization"))
        p.entities.set_memo(entity.id, formula)
    return p


def cells(path: Path, encoding: str) -> list[str]:
    with path.open(encoding=encoding, newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


@pytest.mark.parametrize("name", list(EXCEL_BOUND))
def test_the_excel_variant_makes_every_formula_inert_and_the_research_variant_keeps_it_exact(formulas, tmp_path,
                                                                                            name):
    fmt, what = EXCEL_BOUND[name]
    excel, research = tmp_path / f"{name}-excel.csv", tmp_path / f"{name}.csv"
    export(formulas, fmt, excel, what=what, excel=True)
    export(formulas, fmt, research, what=what)

    assert excel.read_bytes().startswith(b"\xef\xbb\xbf")
    shown = cells(excel, "utf-8-sig")
    live = [c for c in shown if c.startswith(("=", "+", "-", "@", "\t", "\r")) and not _NUMBER.fullmatch(c)]
    assert live == []
    assert {"'" + formula for formula in FORMULAS} <= set(shown)

    exact = cells(research, "utf-8")
    assert set(FORMULAS) <= set(exact)
    assert not {"'" + formula for formula in FORMULAS} & set(exact)
