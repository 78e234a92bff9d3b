"""Long work off the UI thread: import and export run on a worker, the window stays live, Cancel keeps what is done.

The worker is held at a chosen point (as a slow disk would hold it) so that what the
analyst sees while it runs, and what Cancel keeps, are exact rather than a race.
"""

from __future__ import annotations

import csv
import multiprocessing
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton

from annotator.core.common.errors import ProjectError
from annotator.core.corpus import importing
from annotator.ui.common import worker
from annotator.ui.file_menu import run_import
from annotator.ui.interchange import export_dialog
from annotator.ui.interchange.export_dialog import export_to
from tests.ui.driver import Driver


def hold_import_at(monkeypatch: pytest.MonkeyPatch, at: int) -> threading.Event:
    """Hold the import just before storing file number `at` until the returned event is set."""
    released = threading.Event()
    real = importing.import_paths

    def held(project, paths, *, on_progress=None, **kwargs):
        def progress(done: int, total: int, path: Path) -> bool:
            answer = on_progress(done, total, path)
            if done == at:
                assert released.wait(20), "the test never let the import go on"
                answer = on_progress(done, total, path)  # what the analyst decided meanwhile
            return answer

        return real(project, paths, on_progress=progress, **kwargs)

    monkeypatch.setattr(importing, "import_paths", held)
    return released


def hold_export(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Hold the export at its first progress report until the returned event is set."""
    released = threading.Event()
    real = export_dialog.export

    def held(project, name, out, *, on_progress, **kwargs):
        def progress(rows: int) -> bool:
            on_progress(rows)
            assert released.wait(20), "the test never let the export go on"
            return on_progress(rows)

        return real(project, name, out, on_progress=progress, **kwargs)

    monkeypatch.setattr(export_dialog, "export", held)
    return released


def when_visible(window, qtbot, name: str, act: Callable[[QProgressDialog], bool]) -> QTimer:
    """Poll for the progress dialog `name`; once act(dialog) returns True, stop polling."""
    def poll() -> None:
        dialog = window.findChild(QProgressDialog, name)
        if dialog is not None and dialog.isVisible() and act(dialog):
            timer.stop()

    timer = QTimer(window, interval=20)
    timer.timeout.connect(poll)
    timer.start()
    return timer


def press_cancel(qtbot, dialog: QProgressDialog) -> None:
    qtbot.mouseClick(dialog.findChild(QPushButton), Qt.LeftButton)


def ticking(window) -> list[int]:
    """A timer of the window's own: its ticks count how often the event loop ran."""
    ticks: list[int] = []
    timer = QTimer(window, interval=10)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    return ticks


def article(n: int) -> str:
    return f"Headline {n:03d}\n\nBody of article {n}, written for this test.\n"


@pytest.mark.parametrize("workers", [False, True], ids=["thread", "worker-processes"])
def test_the_window_stays_live_during_an_import_and_cancel_keeps_the_files_before(
        open_window, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: bool) -> None:
    if workers:  # a large import's path (issue 17): files prepared in worker processes spawned from the job's thread
        monkeypatch.setattr(importing, "POOL_MIN_FILES", 100)
        monkeypatch.setattr(importing, "POOL_CHUNK", 8)
        monkeypatch.setattr(importing, "usable_cores", lambda: 2)
    window = open_window(tmp_path / "study.annotator")
    ui = Driver(window)
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(120):
        (folder / f"{n:03d}.txt").write_text(article(n), encoding="utf-8")
    released = hold_import_at(monkeypatch, 50)
    ticks = ticking(window)
    seen: list[tuple[str, int, int]] = []

    def cancel_once_live(dialog: QProgressDialog) -> bool:
        if "(51 of 120)" not in dialog.labelText():
            return False
        start = len(ticks)
        qtbot.wait(200)  # the worker is held: the window's timer must go on ticking meanwhile
        seen.append((dialog.labelText(), dialog.value(), len(ticks) - start))
        press_cancel(qtbot, dialog)
        released.set()
        return True

    when_visible(window, qtbot, "importProgress", cancel_once_live)
    window.import_files(paths=[folder])

    [(label, value, ticks_while_held)] = seen
    assert label == "Importing 050.txt (51 of 120)" and value == 50
    assert ticks_while_held >= 5
    box = window.findChild(QMessageBox, "importReport")
    assert box is not None and box.text() == "Imported 50 documents."
    assert "Import cancelled: 050.txt and the 69 files after it were not imported." in box.detailedText()
    box.close()
    # Every file before the cancel is in, each whole; none after it. The list shows them.
    project = window.project
    assert [project.documents.text(d) for d in project.documents.ids()] == [article(n) for n in range(50)]
    assert ui.document_count() == 50
    assert ui.text() == article(0)  # the empty window opened the first one
    assert multiprocessing.active_children() == []  # the workers stopped with the cancel


def test_a_cancelled_export_leaves_no_file_and_the_earlier_one_as_it_was(
        open_window, seeded_path: Path, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(seeded_path)
    ui = Driver(window)
    project = window.project
    doc = project.documents.ids()[0]
    person = project.codebook.by_name("Person")
    for i in range(150):
        project.annotations.add(doc, person, i, i + 1)
    out = tmp_path / "annotations.csv"
    out.write_text("yesterday's export", encoding="utf-8")
    released = hold_export(monkeypatch)
    ticks = ticking(window)
    seen: list[str] = []

    def cancel(dialog: QProgressDialog) -> bool:
        if "100 rows so far" not in dialog.labelText():
            return False
        seen.append(dialog.labelText())
        press_cancel(qtbot, dialog)
        released.set()
        return True

    when_visible(window, qtbot, "exportProgress", cancel)
    assert export_to(window, project, "annotations", out, excel=False) is None
    assert seen == ["Exporting Annotations (CSV)… 100 rows so far"]
    assert len(ticks) >= 5
    assert out.read_text(encoding="utf-8") == "yesterday's export"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".tmp") == []
    assert ui.status() == "Export cancelled; no file was written."


def test_an_export_on_the_worker_writes_the_file_and_says_how_much(open_window, seeded_path: Path,
                                                                      tmp_path: Path) -> None:
    window = open_window(seeded_path)
    ui = Driver(window)
    out = tmp_path / "documents.csv"
    assert export_to(window, window.project, "documents", out, excel=False) == 5
    with out.open(encoding="utf-8", newline="") as f:
        titles = [row["title"] for row in csv.DictReader(f)]
    assert titles == [d.title for d in window.project.documents.summaries()]
    assert ui.status() == f"Exported 5 documents to {out}"


def test_an_unexpected_error_in_a_job_is_the_calm_dialog_not_a_traceback(
        open_window, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(tmp_path / "study.annotator")
    article_file = tmp_path / "a.txt"
    article_file.write_text(article(1), encoding="utf-8")

    shown = threading.Event()

    def broken(*_args, **_kwargs):
        assert shown.wait(20)  # fails while its progress dialog is on screen
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(importing, "import_paths", broken)
    when_visible(window, qtbot, "importProgress", lambda dialog: shown.set() or True)
    report = run_import(window, window.project, [article_file])
    assert report.outcomes == []
    box = window.findChild(QMessageBox, "unexpectedError")
    assert box is not None and box.isVisible()
    assert box.text() == "Annotator hit an unexpected problem and did not finish what you just asked for."
    assert "RuntimeError: the disk went away" in box.detailedText()
    box.close()


def test_an_expected_error_in_a_job_is_explained(open_window, tmp_path: Path, monkeypatch) -> None:
    window = open_window(tmp_path / "study.annotator")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *rest: shown.append(text))

    def refused(*_args, **_kwargs):
        raise ProjectError("The project file is on a disk that is full; free some space.")

    monkeypatch.setattr(importing, "import_paths", refused)
    assert run_import(window, window.project, [tmp_path]).outcomes == []
    assert len(shown) == 1 and "disk that is full" in shown[0] and "imported before this" in shown[0]


def test_a_second_job_waits_for_the_first(open_window, qtbot, tmp_path: Path, monkeypatch) -> None:
    window = open_window(tmp_path / "study.annotator")
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *rest: told.append(text))
    (tmp_path / "a.txt").write_text(article(1), encoding="utf-8")
    released = hold_import_at(monkeypatch, 0)
    results: list[int | None] = []

    def export_meanwhile(dialog: QProgressDialog) -> bool:
        results.append(export_to(window, window.project, "documents", tmp_path / "d.csv", excel=False))
        released.set()
        return True

    when_visible(window, qtbot, "importProgress", export_meanwhile)
    report = run_import(window, window.project, [tmp_path / "a.txt"])
    assert results == [None] and not (tmp_path / "d.csv").exists()
    assert told == ["Another import or export is still running. Wait for it to finish, or cancel it, then try again."]
    assert len(report.imported) == 1 and worker.busy_job() is None
