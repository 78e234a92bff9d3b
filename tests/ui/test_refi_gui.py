"""REFI-QDA in the window: File › Export… writes a .qdpx or .qdc, File › Import documents… reads them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xmlschema
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from annotator.core.project import Project
from annotator.ui.interchange.export_dialog import ExportDialog
from tests.core.refi_files import (
    BILLION_LAUGHS,
    FOREIGN_QDC,
    FOREIGN_TEXT,
    foreign_qdpx,
    write_qdpx,
)
from tests.core.refi_support import FIXTURES
from tests.support import dump, span_of
from tests.ui.driver import Driver


@pytest.fixture
def coded_path(seeded_path: Path) -> Path:
    with Project(seeded_path) as p:
        first = p.documents.ids()[0]
        text = p.documents.text(first)
        p.annotations.add(first, p.codebook.by_name("Organization"), *span_of(text, "Walmart"))
        p.annotations.add(first, p.codebook.by_name("Favor"), target="Amazon", note="leans towards Amazon")
    return seeded_path


def export_through_the_menu(window, qtbot, key: str) -> None:
    """File › Export… (Ctrl+E), pick the format in the list, press Enter; the save dialog is answered."""
    def drive(tries: int = 50) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ExportDialog):
            if tries:
                QTimer.singleShot(20, lambda: drive(tries - 1))
            return
        try:
            item = dialog.choices[key]
            qtbot.mouseClick(dialog.formats.viewport(), Qt.LeftButton, pos=dialog.formats.visualItemRect(item).center())
            assert dialog.what == key
            qtbot.keyClick(dialog.formats, Qt.Key_Return)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, drive)
    qtbot.keyClick(window, Qt.Key_E, Qt.ControlModifier)


def test_file_export_writes_a_valid_qdpx(open_window, coded_path, qtbot, tmp_path, monkeypatch):
    window = open_window(coded_path)
    ui = Driver(window)
    chosen = tmp_path / "study"  # no suffix typed: .qdpx is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kw: (str(chosen), ""))
    export_through_the_menu(window, qtbot, "qdpx")
    written = tmp_path / "study.qdpx"
    with zipfile.ZipFile(written) as archive:
        qde = archive.read("project.qde").decode("utf-8")
        assert len([n for n in archive.namelist() if n.startswith("sources/")]) == window.project.documents.count()
    xmlschema.XMLSchema(str(FIXTURES / "Project-mrt2019.xsd")).validate(qde)
    assert "leans towards Amazon" in qde
    assert ui.status() == f"Exported 1 project to {written}"


def test_file_export_writes_a_valid_qdc(open_window, coded_path, qtbot, tmp_path, monkeypatch):
    window = open_window(coded_path)
    chosen = tmp_path / "codes.qdc"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kw: (str(chosen), ""))
    export_through_the_menu(window, qtbot, "qdc")
    xmlschema.XMLSchema(str(FIXTURES / "Codebook-mrt2019.xsd")).validate(str(chosen))
    assert 'name="Organization"' in chosen.read_text("utf-8")


def import_through_the_menu(window, qtbot, monkeypatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args, **kw: ([str(path)], ""))
    qtbot.keyClick(window, Qt.Key_I, Qt.ControlModifier)


def test_importing_a_qdpx_from_another_tool_adds_its_article_and_reports_what_was_kept(
        open_window, seeded_path, qtbot, tmp_path, monkeypatch):
    window = open_window(seeded_path)
    before = Driver(window).document_count()
    import_through_the_menu(window, qtbot, monkeypatch, foreign_qdpx(tmp_path / "other.qdpx"))
    qtbot.waitUntil(lambda: Driver(window).document_count() == before + 1)
    titles = Driver(window).document_titles()
    assert "Walmart and AWS" in titles
    box = window.findChild(QMessageBox, "refiImportReport")
    assert box is not None and box.text().startswith("other.qdpx: Imported: 1 document, 5 annotations")
    assert "kept as text in document memos" in box.informativeText()
    box.close()
    doc = window.project.documents.find_by_text(FOREIGN_TEXT.replace("\r\n", "\n"))
    assert "cloud vendors" in [a.text for a in window.project.annotations.for_document(doc)]


def test_a_hostile_qdpx_is_refused_in_a_warning_and_changes_nothing(open_window, seeded_path, qtbot, tmp_path,
                                                                    monkeypatch):
    window = open_window(seeded_path)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *rest: shown.append(text))
    before = dump(window.project)
    import_through_the_menu(window, qtbot, monkeypatch, write_qdpx(tmp_path / "evil.qdpx", BILLION_LAUGHS))
    assert len(shown) == 1 and shown[0].startswith("evil.qdpx: project.qde declares a DTD or entities")
    assert dump(window.project) == before


def test_importing_a_qdc_adds_labels_and_ctrl_z_takes_them_back(open_window, seeded_path, qtbot, tmp_path,
                                                                monkeypatch):
    window = open_window(seeded_path)
    ui = Driver(window)
    path = tmp_path / "frames.qdc"
    path.write_text(FOREIGN_QDC, encoding="utf-8")
    before = dump(window.project)
    import_through_the_menu(window, qtbot, monkeypatch, path)
    assert window.project.codebook.by_name("Jobs") is not None
    assert ui.status() == "frames.qdc: added 3 labels, matched 1 existing label."
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert window.project.codebook.by_name("Jobs") is None
    assert dump(window.project) == before


def test_importing_an_annotator_qdpx_into_a_new_project_restores_it_and_clears_old_undo_steps(
        open_window, coded_path, qtbot, tmp_path, monkeypatch):
    with Project(coded_path) as original:
        from annotator.core.interchange.refi import export_qdpx

        out = export_qdpx(original, tmp_path / "study.qdpx")
        expected = dump(original)
    Project(tmp_path / "new.annotator").close()
    window = open_window(tmp_path / "new.annotator")
    ui = Driver(window)
    claim = window.project.codebook.by_name("Claim")
    window.ops.run("Rename", window.project.codebook.rename, claim.id, "Assertion")
    window.ops.run("Rename", window.project.codebook.rename, claim.id, "Claim")
    assert window.undo_stack.count() == 2
    import_through_the_menu(window, qtbot, monkeypatch, out)
    assert ui.status().startswith("study.qdpx: Restored the exported project: 5 documents")
    assert window.undo_stack.count() == 0
    qtbot.waitUntil(lambda: ui.document_count() == 5)
    assert dump(window.project) == expected
