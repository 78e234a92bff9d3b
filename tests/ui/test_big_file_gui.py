"""One big text file in the window (issue 11, item 5): progress inside it, Cancel inside it, the new document shown.

The worker is held at a chosen phase of the file (as a slow disk would hold it), so what the
dialog shows and what Cancel keeps are exact rather than a race.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox, QProgressDialog

from annotator.core.corpus import importing
from annotator.core.corpus.importing import Step, import_seeds
from annotator.core.project import Project
from tests.core.test_big_file_import import big_text
from tests.ui.driver import Driver
from tests.ui.test_worker import press_cancel, when_visible


def hold_at_phase(monkeypatch: pytest.MonkeyPatch, phase: str) -> threading.Event:
    """Hold the import the first time a big file reaches `phase`, until the returned event is set."""
    released = threading.Event()
    real = importing.import_paths

    def held(project, paths, *, on_step=None, **kwargs):
        held_once: list[bool] = []

        def step(s: Step):
            answer = on_step(s)
            if s.phase == phase and not held_once:
                held_once.append(True)
                assert released.wait(30), "the test never let the import go on"
                answer = on_step(s)  # what the analyst decided meanwhile
            return answer

        return real(project, paths, on_step=step, **kwargs)

    monkeypatch.setattr(importing, "import_paths", held)
    return released


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    path = tmp_path / "study.annotator"
    with Project(path) as project:
        import_seeds(project)
    return path


@pytest.fixture
def big_file(tmp_path: Path) -> Path:
    path = tmp_path / "big.txt"
    path.write_text(big_text(2.5), encoding="utf-8")
    return path


def test_the_dialog_shows_the_phase_inside_a_big_file(open_window, seeded, big_file, qtbot, monkeypatch) -> None:
    window = open_window(seeded)
    before = window.project.documents.count()
    released = hold_at_phase(monkeypatch, "storing")
    seen: list[tuple[str, int, int]] = []

    def look(dialog: QProgressDialog) -> bool:
        if "Storing" not in dialog.labelText():
            return False
        seen.append((dialog.labelText(), dialog.value(), dialog.maximum()))
        released.set()
        return True

    when_visible(window, qtbot, "importProgress", look)
    window.import_files(paths=[big_file])
    [(label, value, maximum)] = seen
    assert label == "Importing big.txt (1 of 1)\nStoring… 70% of this file"
    assert "Finding the files" not in label
    assert maximum == 100 and value == 70  # the bar has moved through reading, decoding and the duplicate check
    assert window.project.documents.count() == before + 1


def test_cancel_inside_a_big_file_closes_the_dialog_and_imports_nothing_of_it(
        open_window, seeded, big_file, qtbot, monkeypatch) -> None:
    window = open_window(seeded)
    before = window.project.documents.count()
    released = hold_at_phase(monkeypatch, "checking duplicates")

    def cancel(dialog: QProgressDialog) -> bool:
        if "Checking duplicates" not in dialog.labelText():
            return False
        press_cancel(qtbot, dialog)
        released.set()
        return True

    when_visible(window, qtbot, "importProgress", cancel)
    QTimer.singleShot(0, lambda: window.import_files(paths=[big_file]))
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "importReport") is not None, timeout=30_000)
    dialog = window.findChild(QProgressDialog, "importProgress")
    assert dialog is None or not dialog.isVisible()
    box = window.findChild(QMessageBox, "importReport")
    assert box.text() == "Imported 0 documents."
    assert "Import cancelled: big.txt was not imported." in box.detailedText()
    assert "remaining files" not in box.detailedText()
    box.close()
    assert window.project.documents.count() == before
    assert Driver(window).document_count() == before


def test_the_imported_document_is_shown_selected_and_the_summary_stays(open_window, seeded, tmp_path, qtbot) -> None:
    window = open_window(seeded)
    ui = Driver(window)
    window.open_document(2)
    article = tmp_path / "harbour.txt"
    article.write_text("Harbour strike\n\nDockers stopped work on Monday.\n", encoding="utf-8")
    window.import_files(paths=[article])
    new_id = max(window.project.documents.ids())
    assert window.current_doc_id == new_id
    row = window.doc_filter.proxy.row_of(new_id)
    assert window.doc_view.currentIndex().row() == row
    assert window.doc_view.selectionModel().isRowSelected(row, window.doc_view.rootIndex())
    assert ui.status() == "Imported 1 document."
    # No timer is counting down to clear it: it stays until the next message replaces it.
    assert not [t for t in window.statusBar().findChildren(QTimer) if t.isActive()]
