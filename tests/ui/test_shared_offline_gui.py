"""The window on a shared project while its server is away for a while, and once it is back.

(issue 15, item 6) Against a real PostgreSQL server (tests/pg_support.py), stopped and started.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.core.project import Project
from annotator.ui.shared.live import UNREACHABLE
from tests.ui.driver import Driver

SPEECH = "The minister said prices would fall by spring."
OTHER = "Another text entirely, about the harbour."
WAIT_MS = 10_000


@pytest.fixture
def pg_server(own_pg_server):
    """These tests stop the server: one no other test process is using at the time (conftest's own_pg_server)."""
    return own_pg_server


@pytest.fixture
def dialogs(monkeypatch):
    """Every message box the window would show, modal or not."""
    shown: list[str] = []
    for kind in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, kind, lambda parent, title, text, *rest, _k=kind: shown.append(title) or 0)
    monkeypatch.setattr(QMessageBox, "open", lambda box, *a: shown.append(box.windowTitle()))
    monkeypatch.setattr(QMessageBox, "exec", lambda box, *a: shown.append(box.windowTitle()) or 0)
    return shown


def test_reading_while_the_server_is_away_keeps_the_view_and_works_again_once_it_is_back(
        shared_url, open_window, qtbot, dialogs, pg_server):
    with Project(shared_url) as setup:
        setup.documents.add(title="Speech", text=SPEECH)
        other = setup.documents.add(title="Other", text=OTHER)
    window = open_window(shared_url)
    d = Driver(window)
    d.open("Speech")
    with pg_server.stopped():
        qtbot.waitUntil(lambda: d.shared_state() == UNREACHABLE, timeout=WAIT_MS)
        d.open("Other")  # a click that must read from the server
        assert dialogs == []  # the status bar already says it: no dialog for every click
        assert QApplication.activeModalWidget() is None
        assert d.text() == SPEECH and window.current_doc_id != other  # the reader keeps what it showed
        assert "cannot be reached" in d.status()
        assert d.shared_state() == UNREACHABLE
    d.open("Other")  # the same click again, the moment the server is back: no restart, no waiting for the feed
    assert d.text() == OTHER and window.current_doc_id == other
    assert dialogs == []


def test_an_edit_the_moment_the_server_is_back_is_saved(shared_url, open_window, qtbot, dialogs, pg_server):
    with Project(shared_url) as setup:
        doc = setup.documents.add(title="Speech", text=SPEECH)
    window = open_window(shared_url)
    d = Driver(window)
    d.open("Speech")
    with pg_server.stopped():
        qtbot.waitUntil(lambda: d.shared_state() == UNREACHABLE, timeout=WAIT_MS)
    d.select(4, 12)
    d.focus_reader()
    d.press(Qt.Key_P)  # Person, before the live feed has heard that the server is back
    assert dialogs == []
    assert "Person" in d.labels_at(6)
    with Project(shared_url) as check:
        assert [(a.start, a.end) for a in check.annotations.for_document(doc)] == [(4, 12)]


def test_a_read_failing_anywhere_else_while_away_is_said_in_the_status_bar_not_in_a_dialog(
        shared_url, open_window, qtbot, dialogs, pg_server, monkeypatch):
    import sys

    from annotator.ui.common import errors

    with Project(shared_url) as setup:
        doc = setup.documents.add(title="Speech", text=SPEECH)
        first = setup.annotations.add(doc, setup.codebook.by_name("Person"), 4, 12).id
    window = open_window(shared_url)
    d = Driver(window)
    d.open("Speech")
    monkeypatch.setattr(errors, "_dialog", None)
    uninstall = errors.install_error_handler()  # the app's own handler, as `annotator` runs it
    try:
        with pg_server.stopped():
            qtbot.waitUntil(lambda: d.shared_state() == UNREACHABLE, timeout=WAIT_MS)
            try:
                window.project.annotations.get(first)  # what a click on a highlight reads
            except Exception:  # noqa: BLE001 - escaping a Qt slot, it reaches the handler the same way
                sys.excepthook(*sys.exc_info())
            assert dialogs == []
            assert "cannot be reached" in d.status() and d.shared_state() == UNREACHABLE
    finally:
        uninstall()
    assert window.project.annotations.get(first).start == 4  # and read again once it is back


def test_picking_another_annotation_while_away_keeps_the_form_and_works_again_once_it_is_back(
        shared_url, open_window, qtbot, dialogs, pg_server):
    with Project(shared_url) as setup:
        doc = setup.documents.add(title="Speech", text=SPEECH)
        first = setup.annotations.add(doc, setup.codebook.by_name("Person"), 4, 12).id
        second = setup.annotations.add(doc, setup.codebook.by_name("Person"), 18, 24).id
    window = open_window(shared_url)
    d = Driver(window)
    d.open("Speech")
    d.pick_annotation(first)
    assert "(4–12)" in d.selected_annotation_caption()
    with pg_server.stopped():
        qtbot.waitUntil(lambda: d.shared_state() == UNREACHABLE, timeout=WAIT_MS)
        d.pick_annotation(second)
        assert dialogs == []
        assert "(4–12)" in d.selected_annotation_caption()  # the form keeps the annotation it showed
        assert window.annotation_panel.current().id == first
        assert "cannot be reached" in d.status()
    d.pick_annotation(second)  # the same click once the server is back
    assert "(18–24)" in d.selected_annotation_caption() and window.annotation_panel.current().id == second
    assert dialogs == []
