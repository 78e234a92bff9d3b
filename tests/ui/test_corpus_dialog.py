"""File › Import documents with a corpus file: the column-mapping dialog, then the import with progress."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QMessageBox,
    QProgressDialog,
    QPushButton,
)

from annotator.core.corpus.corpus_files import BATCH_ROWS
from annotator.core.project import Project
from annotator.ui.corpus import corpus_dialog
from annotator.ui.corpus.corpus_dialog import CorpusMappingDialog
from tests.ui.driver import Driver
from tests.ui.test_worker import when_visible

ROWS = [
    ("7", "Tariff talks stall", "Negotiators left Geneva without a deal.\nBoth sides blamed the other.",
     "Daily Planet", "Lois Lane"),
    ("8", "Rail strike ends", "The union accepted the offer on Monday.", "The Sentinel", "Jimmy Olsen"),
    ("9", "No body", "", "Daily Planet", ""),
]


def write_corpus(path: Path) -> Path:
    """Column names the guesser cannot read as text, outlet or author: the analyst must choose."""
    lines = ["id,headline,story,paper,by"]
    for row in ROWS:
        lines.append(",".join(f'"{cell}"' for cell in row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def mapping_dialog(qtbot, window) -> CorpusMappingDialog:
    qtbot.waitUntil(lambda: window.findChild(CorpusMappingDialog) is not None
                    and window.findChild(CorpusMappingDialog).isVisible())
    return window.findChild(CorpusMappingDialog)


def choose(qtbot, dialog: CorpusMappingDialog, role: str, column: str) -> None:
    combo = dialog.combos[role]
    combo.setFocus()
    qtbot.keyClicks(combo, column)  # typing a name picks it, as in any drop-down
    assert combo.currentText() == column


def test_mapping_dialog_previews_rows_and_imports_with_the_chosen_columns(qtbot, open_window, tmp_path, monkeypatch):
    warnings: list[str] = []
    monkeypatch.setattr("annotator.ui.corpus.corpus_dialog.QMessageBox.warning", lambda *args: warnings.append(args[2]))
    window = open_window(tmp_path / "empty.annotator")
    window.import_files(paths=[write_corpus(tmp_path / "wire.csv")])
    dialog = mapping_dialog(qtbot, window)

    table = dialog.table
    assert (table.rowCount(), table.columnCount()) == (3, 5)
    assert table.item(0, 2).text() == "Negotiators left Geneva without a deal. Both sides blamed the other."
    assert table.horizontalHeaderItem(1).text() == "headline → Title"  # guessed
    assert dialog.combos["text"].currentData() is None  # "story" is no name the guesser knows

    import_button = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok)
    qtbot.mouseClick(import_button, Qt.LeftButton)
    assert warnings == ["Choose the column that holds the article text."] and dialog.isVisible()

    choose(qtbot, dialog, "text", "story")
    choose(qtbot, dialog, "outlet", "paper")
    choose(qtbot, dialog, "author", "by")
    assert table.horizontalHeaderItem(2).text() == "story → Text"
    assert dialog.rest.text() == "Also kept as document metadata: id"
    dialog.keep_rest.setFocus()
    qtbot.keyClick(dialog.keep_rest, Qt.Key_Space)
    assert dialog.rest.text() == "No other columns are kept." and not dialog.mapping().keep_rest
    qtbot.keyClick(dialog.keep_rest, Qt.Key_Space)
    qtbot.mouseClick(import_button, Qt.LeftButton)

    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "importReport") is not None)
    report = window.findChild(QMessageBox, "importReport")
    assert report.text() == "Imported 2 documents from wire.csv, refused 1 row:"
    assert "row 4: no text in the column ‘story’" in report.detailedText()
    report.close()
    titles = Driver(window).document_titles()
    assert titles == ["Tariff talks stall", "Rail strike ends"]
    # The empty window opens the first imported article, with its metadata in the info panel.
    assert window.reader.toPlainText() == ROWS[0][2]
    info = window.document_info.model
    assert {info.index(r, 0).data(): info.index(r, 1).data() for r in range(info.rowCount())} == {
        "outlet": "Daily Planet", "author": "Lois Lane", "id": "7"}
    assert window.document_info.source.full_text().endswith("wire.csv#row 2")


def test_cancel_stops_the_import_after_the_first_batch(qtbot, open_window, tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_text("title,text\n" + "".join(f"Item {i},Body number {i}.\n" for i in range(1_200)), encoding="utf-8")
    project_path = tmp_path / "study.annotator"
    window = open_window(project_path)
    window.import_files(paths=[path])
    dialog = mapping_dialog(qtbot, window)
    assert dialog.combos["text"].currentText() == "text"

    # The import works on a worker thread: hold it after its first batch while Cancel is pressed.
    released = threading.Event()
    real = corpus_dialog.import_corpus

    def held(project, path, mapping, *, on_progress):
        def progress(done: int, total: int) -> bool:
            on_progress(done, total)
            assert released.wait(20)
            return on_progress(done, total)

        return real(project, path, mapping, on_progress=progress)

    monkeypatch.setattr(corpus_dialog, "import_corpus", held)

    def cancel(progress: QProgressDialog) -> bool:
        if f"{BATCH_ROWS:,} of 1,200 rows" not in progress.labelText():
            return False
        qtbot.mouseClick(progress.findChild(QPushButton), Qt.LeftButton)
        released.set()
        return True

    when_visible(window, qtbot, "corpusProgress", cancel)
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok), Qt.LeftButton)

    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "importReport") is not None)
    report = window.findChild(QMessageBox, "importReport")
    assert report.text() == f"Imported {BATCH_ROWS} documents from big.csv."
    assert f"Import cancelled after {BATCH_ROWS} rows; the other {1_200 - BATCH_ROWS} rows were not imported" \
        in report.informativeText()
    assert Driver(window).document_count() == BATCH_ROWS
    window.close()
    with Project(project_path, create=False) as project:
        assert project.documents.count() == BATCH_ROWS


def test_a_broken_corpus_file_is_refused_before_the_mapping_step(qtbot, open_window, tmp_path, monkeypatch):
    warnings: list[str] = []
    monkeypatch.setattr("annotator.ui.corpus.corpus_dialog.QMessageBox.warning", lambda *args: warnings.append(args[2]))
    path = tmp_path / "broken.csv"
    path.write_text('title,text\nOne,"an unclosed quote\nTwo,more\n', encoding="utf-8")
    window = open_window(tmp_path / "study.annotator")
    window.import_files(paths=[path])
    assert len(warnings) == 1
    assert warnings[0].startswith("broken.csv: broken quoted field in the row starting on line 2")
    assert window.findChild(CorpusMappingDialog) is None and Driver(window).document_count() == 0
