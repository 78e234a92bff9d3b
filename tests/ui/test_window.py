"""The window as a whole: document coding, persistence across restarts, import from the GUI."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.core.project import Project
from tests.expected import SEED_TITLES

from .conftest import open_titled
from .driver import Driver


def test_first_window_lists_seed_titles_and_counts(open_window, seeded_path):
    window = open_window(seeded_path)
    titles = Driver(window).document_titles()
    assert titles == SEED_TITLES
    assert [window.doc_model.index(r, 2).data() for r in range(5)] == ["To do"] * 5
    assert window.reader.isReadOnly()


def test_document_status_and_stance_toward_targets(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open("'월마트 VS 아마존'")
    ui.show_side_tab("Document")
    panel = window.document_panel
    panel.status.setCurrentIndex(2)
    panel.status.activated.emit(2)
    assert window.project.documents.get(doc_id).status == "done"
    assert ui.document_row(doc_id)[2] == "Done"

    qtbot.keyClicks(panel.target, "Amazon")
    panel.stance.setCurrentIndex(panel.stance.findText("Against"))
    qtbot.mouseClick(panel.add_button, Qt.LeftButton)
    doc_level = [a for a in window.project.annotations.for_document(doc_id) if a.is_document_level]
    assert [(a.target, a.start, a.end, window.project.codebook.label(a.label_id).name) for a in doc_level] == [
        ("Amazon", None, None, "Against")
    ]
    assert panel.stances.count() == 1 and "Against toward Amazon" in panel.stances.item(0).text()

    window.undo_stack.undo()  # the stance
    window.undo_stack.undo()  # the status
    assert window.project.documents.get(doc_id).status == "todo"
    assert panel.stances.count() == 0


def test_everything_is_there_after_restart(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open("'월마트 VS 아마존'")
    ui.select_phrase("아마존웹서비스")
    ui.press(Qt.Key_R)
    window.annotation_panel.note_edit.setPlainText("AWS, 한국어 표기")
    window.annotation_panel._commit_note()
    window.resize(733, 555)
    window.close()

    again = open_window(seeded_path)
    assert again.size().width() == 733
    open_titled(again, "'월마트 VS 아마존'")
    stored = again.project.annotations.for_document(doc_id)
    assert [(a.text, a.note) for a in stored] == [("아마존웹서비스", "AWS, 한국어 표기")]
    assert again.annotation_panel.model.rowCount() == 1


def test_title_edit_is_saved_and_undoable(open_window, seeded_path):
    window = open_window(seeded_path)
    index = window.doc_model.index(0, 0)
    assert window.doc_model.setData(index, "  Walmart   as a webhost ")
    doc_id = window.doc_model.document_id(0)
    assert window.project.documents.get(doc_id).title == "Walmart as a webhost"
    window.undo_stack.undo()
    assert window.project.documents.get(doc_id).title == "What If Walmart Were A Webhost"


def test_korean_typed_into_find_bar_finds_and_tags(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open("'월마트 VS 아마존'")
    window.open_find()
    # keyClicks with non-ASCII aborts inside Qt; a key event carrying the text is what an IME delivers.
    for ch in "홀푸드":
        QApplication.sendEvent(window.find_bar.edit, QKeyEvent(QKeyEvent.KeyPress, 0, Qt.NoModifier, ch))
    qtbot.keyClick(window.find_bar.edit, Qt.Key_Escape)
    ui.press(Qt.Key_O)
    assert [a.text for a in window.project.annotations.for_document(doc_id)] == ["홀푸드"]


def test_import_from_window_reports_refused_files_and_keeps_the_good_ones(open_window, tmp_path, qtbot):
    path = tmp_path / "empty.annotator"
    Project(path).close()
    window = open_window(path)
    ui = Driver(window)
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "good.txt").write_text("Headline here\n\nBody 😀 text.", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    window.import_files(paths=[folder])

    box = qtbot.waitUntil(lambda: window.findChild(QMessageBox, "importReport") is not None) or \
        window.findChild(QMessageBox, "importReport")
    details = box.detailedText()
    assert "empty.txt" in details and "binary.txt" in details
    assert [d.title for d in window.project.documents.summaries()] == ["Headline here"]
    assert window.current_doc_id is not None
    assert "Body 😀 text." in ui.text()
    box.close()


def test_import_from_window_shows_a_page_whose_body_looks_like_a_stub(open_window, tmp_path, qtbot):
    from tests.support import paywalled_page

    path = tmp_path / "empty.annotator"
    Project(path).close()
    window = open_window(path)
    page = tmp_path / "dock-strike.html"
    page.write_bytes(paywalled_page())
    window.import_files(paths=[page])

    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "importReport") is not None)
    box = window.findChild(QMessageBox, "importReport")
    assert box.text() == "Imported 1 document, 1 to check:"
    assert "dock-strike.html: body looks like a stub (" in box.informativeText()
    assert [d.title for d in window.project.documents.summaries()] == ["Hong Kong dock workers end strike after pay deal"]
    box.close()


def test_open_project_that_is_not_a_project_warns_and_keeps_current(open_window, seeded_path, tmp_path, monkeypatch):
    window = open_window(seeded_path)
    bogus = tmp_path / "notes.annotator"
    bogus.write_text("just some text, not a database" * 50)
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))
    window.open_project(bogus)
    assert shown and "not an Annotator project" in shown[0]
    assert window.project.path == seeded_path
    assert bogus.read_text().startswith("just some text")


def test_first_launch_creates_default_project_with_the_seeds_once(qtbot, annotator_home):
    from annotator.ui.app import open_project
    from annotator.ui.main_window import MainWindow

    project = open_project(None)
    assert project.path.parent == annotator_home
    window = MainWindow(project)
    qtbot.addWidget(window)
    assert Driver(window).document_count() == 5
    assert "Walmart" in window.reader.toPlainText()
    window.close()

    again = open_project(None)  # second launch: same file, nothing imported twice
    assert again.documents.count() == 5
    again.close()


def test_dropping_files_on_the_window_imports_them(open_window, tmp_path, qtbot):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    path = tmp_path / "drop.annotator"
    Project(path).close()
    window = open_window(path)
    article = tmp_path / "article.txt"
    article.write_bytes("Seoul 뉴스 headline\n\n본문입니다.".encode("cp949"))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(article))])
    event = QDropEvent(QPointF(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    window.dropEvent(event)
    qtbot.waitUntil(lambda: window.project.documents.count() == 1)
    assert window.project.documents.get(window.project.documents.ids()[0]).text == "Seoul 뉴스 headline\n\n본문입니다."


def test_cancelling_the_import_progress_keeps_what_was_imported(open_window, tmp_path, qtbot, monkeypatch):
    from annotator.ui import file_menu
    from tests.ui.test_worker import hold_import_at, press_cancel, when_visible

    path = tmp_path / "cancel.annotator"
    Project(path).close()
    window = open_window(path)
    files = []
    for i in range(4):
        f = tmp_path / f"article{i}.txt"
        f.write_text(f"Headline {i}\n\nBody number {i}.", encoding="utf-8")
        files.append(f)
    released = hold_import_at(monkeypatch, 2)  # the import works on a worker thread: hold it at the third file

    def cancel(dialog) -> bool:
        press_cancel(qtbot, dialog)
        released.set()
        return True

    when_visible(window, qtbot, "importProgress", cancel)
    report = file_menu.run_import(window, window.project, files)
    assert report.cancelled
    assert [d.title for d in window.project.documents.summaries()] == ["Headline 0", "Headline 1"]
    box = window.findChild(QMessageBox, "importReport")
    assert box is not None and "cancel" in box.detailedText().lower()
    box.close()


def test_recent_projects_remember_what_was_opened(open_window, seeded_path, tmp_path):
    from annotator.ui.common import settings

    other = tmp_path / "other.annotator"
    Project(other).close()
    window = open_window(seeded_path)
    window.open_project(other)
    assert window.project.path == other
    assert settings.recent_projects()[:2] == [other.resolve(), seeded_path.resolve()]
    window._fill_recent()
    assert [a.text() for a in window.recent_menu.actions()][:2] == [str(other.resolve()), str(seeded_path.resolve())]


def test_reopening_the_last_project_leaves_the_settings_file_unwritten(open_window, seeded_path, tmp_path):
    # Every start-up reopens the last project: its place in the recent list is already first (issue 17).
    from annotator.ui.common import settings

    settings.remember_project(seeded_path)
    stored = settings.settings().fileName()
    before = os.stat(stored)
    window = open_window(seeded_path)
    after = os.stat(stored)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert settings.recent_projects()[0] == seeded_path.resolve()
    other = tmp_path / "other.annotator"
    Project(other).close()
    window.open_project(other)  # a change of the list is still written
    assert settings.recent_projects()[:2] == [other.resolve(), seeded_path.resolve()]


def test_closing_twice_and_a_late_focus_out_save_what_was_typed_and_do_not_crash(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open("What If Walmart")
    ui.select_phrase("Whole Foods")
    ui.press(Qt.Key_O)
    window.annotation_panel.note_edit.setPlainText("typed, never left the field")
    window.document_panel.memo.setPlainText("document memo, still typing")
    window.close()
    window.close()
    window.annotation_panel._commit_note()  # what a focus-out after closing would do
    with Project(seeded_path) as project:
        assert [a.note for a in project.annotations.for_document(doc_id)] == ["typed, never left the field"]
        assert project.documents.memo(doc_id) == "document memo, still typing"


def test_export_dialog_offers_every_export_and_writes_the_chosen_one(open_window, seeded_path, tmp_path):
    import csv

    from annotator.ui.interchange.export_dialog import ExportDialog, export_to

    window = open_window(seeded_path)
    dialog = ExportDialog(window.project, window)
    assert {"annotations", "documents", "entities", "memos"} <= set(dialog.choices)
    dialog.choose("entities")
    window.project.entities.create("Walmart", window.project.codebook.by_key("O"), aliases=("월마트",))
    out = tmp_path / "entities.csv"
    assert export_to(window, window.project, dialog.what, out, excel=False) == 1
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert (rows[0]["name"], rows[0]["aliases"]) == ("Walmart", "월마트")
    assert "Exported 1 entity" in window.statusBar().currentMessage()


def _started_and_shown(tmp_path, path, shown: str, *, imports: str = "", setup: str = "",
                       paint: str = "app.processEvents()") -> str:
    """Start the window on `path` in a fresh interpreter, as the app does, and print `shown` once it is up."""
    code = (
        "import sys\n"
        "from annotator.ui.app import create_app, open_project\n"
        "from annotator.ui.main_window import MainWindow\n"
        f"{imports}"
        "app = create_app(sys.argv[:1])\n"
        f"{setup}"
        f"window = MainWindow(open_project({str(path)!r}))\n"
        f"window.show(); {paint}\n"
        f"print({shown})\n"
        "window.close()\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "ANNOTATOR_HOME": str(tmp_path / "home")})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_start_up_does_not_load_the_importer(tmp_path):
    # Its charset tables and extractors cost start-up ~15 ms; they load with the first import (issue 17).
    path = tmp_path / "study.annotator"
    with Project(path) as project:
        project.documents.add(title="Phones", text="Samsung sold more phones.")
    shown = "sorted(m for m in sys.modules if m.startswith('annotator.core.corpus.importing'))"
    assert _started_and_shown(tmp_path, path, shown) == "[]"


def test_start_up_creates_only_the_qt_classes_it_uses(tmp_path):
    # PySide creates a widget class when it is first named. Wrapping a plain QWidget made in C++
    # (a scroll area's viewport) once made it create all of them, ~15 ms of the first paint; the file
    # dialogs, the import's progress and the style (for the list's duplicate mark, on no row here; the
    # annotation count's caption) were named by modules loaded at start-up (issue 17).
    path = tmp_path / "study.annotator"
    with Project(path) as project:
        doc = project.documents.add(title="Phones", text="Samsung sold more phones.\n" * 2500)  # long: highlighted as shown
        project.annotations.add(doc, project.codebook.by_name("Organization"), 0, 7)  # a highlight to paint
    unused = ("QMdiArea", "QWizard", "QCalendarWidget", "QLCDNumber", "QFileDialog", "QProgressDialog", "QStyle",
              # the Entities dock's lists and dialogs (it starts hidden), the read-only guard's spin boxes,
              # the stance popup's buttons, a number field's validator
              "QListWidget", "QInputDialog", "QAbstractSpinBox", "QDialogButtonBox", "QRegularExpressionValidator",
              "QRegularExpression")
    modules = "(widgets, gui, core)"
    shown = (f"window.reader.document().characterCount() > 1, "
             f"[name for name in {unused!r} if any(name in vars(module) for module in {modules})]")
    assert _started_and_shown(tmp_path, path, shown,
                              imports="import PySide6.QtWidgets as widgets, PySide6.QtGui as gui, PySide6.QtCore as core\n",
                              paint="app.processEvents(); window.repaint()") == "True []"


def test_start_up_loads_no_sockets_no_log_rotation_and_no_hashing(tmp_path):
    # socket (for the host name), secrets and logging.handlers (with pickle) cost every start-up
    # ~5 ms; the log file rotates from its first line, and is there from the start. hashlib loads
    # OpenSSL (~3.5 ms), html its entity tables (~2 ms), decimal its C module (~1.5 ms) and
    # importlib.resources its readers (~3 ms); start-up uses none of them (issue 17).
    path = tmp_path / "study.annotator"
    with Project(path) as project:
        project.documents.add(title="Phones", text="Samsung sold more phones.")
    unused = ("socket", "secrets", "logging.handlers", "hashlib", "html", "decimal", "importlib.resources")
    shown = f"log_path().exists(), [m for m in {unused!r} if m in sys.modules]"
    assert _started_and_shown(tmp_path, path, shown,
                              imports="from annotator.ui.common.errors import install_error_handler, log_path\n",
                              setup="install_error_handler()\n") == "True []"


def test_start_up_pauses_the_collector_until_the_window_is_idle_then_freezes_what_it_made(tmp_path):
    # Collecting while start-up builds ~40,000 lasting objects cost ~20 ms; each later full collection
    # walked them all again (~20 ms in the middle of tagging) until they were frozen (issue 17).
    path = tmp_path / "study.annotator"
    with Project(path) as project:
        project.documents.add(title="Phones", text="Samsung sold more phones.")
    code = (
        "import gc, sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from annotator.cli import main\n"
        "def loop(app):\n"
        "    during = gc.isenabled()\n"
        "    app.processEvents()\n"
        "    print(during, gc.isenabled(), gc.get_freeze_count() > 10000, "
        "any(w.isVisible() for w in app.topLevelWidgets()))\n"
        "    return 0\n"
        "QApplication.exec = loop\n"
        f"code = main(['--project', {str(path)!r}])\n"
        "print(code, gc.isenabled())\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "ANNOTATOR_HOME": str(tmp_path / "home")})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["False True True True", "0 True"]
