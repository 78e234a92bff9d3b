"""The hourly backup on open: made on a worker thread once the window is idle, never blocking work."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import Qt

from annotator.core.project import Project
from annotator.core.safety import backup
from annotator.core.safety.backup import list_backups
from annotator.ui.safety.backup_on_open import OnOpenBackup

from .driver import Driver

TEXT = "Samsung sold 5% more phones, said Kim Ji-ho.\n삼성전자는 만족했다 🚀."


def study(folder: Path, name: str = "study") -> Path:
    path = folder / f"{name}.annotator"
    with Project(path) as project:
        project.documents.add(title="Phones", text=TEXT)
    return path


class SlowCopy:
    """Wraps the core's copy step: records its thread and how many run at once, and can hold it."""

    def __init__(self, monkeypatch):
        self.real = backup._copy
        self.release = threading.Event()
        self.release.set()
        self.entered = threading.Event()
        self.threads: list[threading.Thread] = []
        self.running = self.most_at_once = 0
        self._lock = threading.Lock()
        monkeypatch.setattr(backup, "_copy", self)

    def __call__(self, conn, target):
        with self._lock:
            self.threads.append(threading.current_thread())
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        self.entered.set()
        try:
            assert self.release.wait(10), "the test never let the copy finish"
            self.real(conn, target)
        finally:
            with self._lock:
                self.running -= 1


def on_open(window) -> OnOpenBackup:
    return window.findChildren(OnOpenBackup)[-1]


def test_the_copy_runs_off_the_ui_thread_while_the_analyst_tags(open_window, tmp_path, qtbot, monkeypatch):
    copy = SlowCopy(monkeypatch)
    copy.release.clear()  # a copy that takes as long as the test needs: a 1 GB archive
    path = study(tmp_path)
    window = open_window(path)
    ui = Driver(window)
    assert list_backups(path) == []  # the window was shown before any copying started
    qtbot.waitUntil(copy.entered.is_set, timeout=30_000)
    # The copy is under way; the window still answers keys and stores the tag.
    ui.select_phrase("Samsung")
    ui.press(Qt.Key_O)
    assert [a.text for a in window.project.annotations.for_document(1)] == ["Samsung"]
    copy.release.set()
    qtbot.waitUntil(lambda: on_open(window).done, timeout=30_000)

    assert copy.threads and all(t is not threading.main_thread() for t in copy.threads)
    (made,) = list_backups(path)
    assert made.reason == "open" and made.readable and made.documents == 1
    assert made.annotations in (0, 1)  # the snapshot is from before or after the tag, whole either way
    with Project(made.path, read_only=True) as copy_of_project:
        assert copy_of_project.documents.get(1).text == TEXT


def test_two_projects_opened_together_are_backed_up_one_after_the_other(open_window, tmp_path, qtbot, monkeypatch):
    copy = SlowCopy(monkeypatch)
    copy.release.clear()
    first, second = study(tmp_path, "first"), study(tmp_path, "second")
    windows = [open_window(first), open_window(second)]
    qtbot.waitUntil(copy.entered.is_set, timeout=30_000)
    qtbot.waitUntil(lambda: all(on_open(w).thread is not None for w in windows), timeout=30_000)
    qtbot.wait(300)  # time enough for the second copy to start, were it allowed to
    assert copy.running == 1
    copy.release.set()
    for window in windows:
        qtbot.waitUntil(lambda w=window: on_open(w).done, timeout=30_000)
    assert [len(list_backups(path)) for path in (first, second)] == [1, 1]
    assert copy.most_at_once == 1


def test_a_failed_backup_is_reported_quietly_and_work_goes_on(open_window, tmp_path, qtbot, monkeypatch, caplog):
    def full_disk(conn, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_copy", full_disk)
    path = study(tmp_path)
    with caplog.at_level(logging.WARNING):
        window = open_window(path)
        ui = Driver(window)
        qtbot.waitUntil(lambda: on_open(window).done, timeout=30_000)
    message = ui.status()
    assert message.startswith("Could not back up this project: Could not back up study.annotator")
    assert "No space left on device" in message
    assert any("No space left on device" in record.getMessage() for record in caplog.records)
    assert list_backups(path) == []
    ui.select_phrase("Kim Ji-ho")
    ui.press(Qt.Key_P)
    assert window.project.annotations.count() == 1


def test_reopening_within_the_hour_makes_no_second_copy(open_window, tmp_path, qtbot):
    path = study(tmp_path)
    window = open_window(path)
    qtbot.waitUntil(lambda: on_open(window).done, timeout=30_000)
    window.close()
    again = open_window(path)
    qtbot.waitUntil(lambda: on_open(again).done, timeout=30_000)
    assert [b.reason for b in list_backups(path)] == ["open"]
