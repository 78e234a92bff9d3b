"""Long work (import, export) on a worker thread, with progress, Cancel, and the window kept responsive.

A job runs a core function on a QThread with its own connection to the project
(Project.for_worker), so the window's connection stays free for reading: the event
loop keeps painting, timers keep firing and Cancel answers. The function reports
progress through a callback that only records it; the window reads the record ten
times a second, so 100,000 files cost no flood of signals. Cancel sets a flag the
callback returns, and the core stops at a safe point (a file or a batch), keeping
what it finished.

When the job ends, the changes its connection committed are announced on the
window's project, on the UI thread, so every view refreshes once. Errors the core
raises on purpose (ProjectError, ImportRefused) come back to the caller; anything
unexpected is logged and shown as the friendly dialog of errors.py, never a traceback.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from annotator.core.common.errors import ImportRefused, ProjectError
from annotator.core.project import Project
from annotator.core.store.database import Change, ChangeKind
from annotator.ui.common.plain_text import as_text
from annotator.ui.common.titles import fit_title

# (done, total, what is being worked on) -> False to stop; the job passes it to the core.
# It also has within(done, total, what, phase, fraction): progress inside one long item.
Report = Callable[[int, int, str], bool]
Work = Callable[[Project, Report], Any]

EXPECTED_ERRORS: tuple[type[BaseException], ...] = (ProjectError, ImportRefused, OSError)
POLL_MS = 100
SHOW_AFTER_MS = 400  # a job that ends sooner never flashes a dialog
WITHIN_STEPS = 100

_running: list[Job] = []  # kept referenced until they end; also tells a second job to wait


class Job(QObject):
    """One call of work(worker_project, report) on a worker thread. Emits done() on the UI thread."""

    done = Signal()

    def __init__(self, project: Project, work: Work, parent: QObject | None = None):
        super().__init__(parent)
        self.project = project
        self._work = work
        self._lock = threading.Lock()
        self._progress: tuple[int, int, str] = (0, 0, "")
        self._within: tuple[str, float] | None = None  # (phase, fraction of the item) inside a long item
        self._cancel = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None
        self.details = ""
        self.changes: list[Change] = []
        self._thread = _Thread(self)
        self._thread.finished.connect(self._finish, Qt.QueuedConnection)

    # -- the UI thread's side ------------------------------------------------------

    def start(self) -> None:
        _running.append(self)
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def running(self) -> bool:
        return self in _running

    def progress(self) -> tuple[int, int, str]:
        with self._lock:
            return self._progress

    def within(self) -> tuple[str, float] | None:
        """The phase of the item under way and how much of it is done, when the work reports one."""
        with self._lock:
            return self._within

    def wait(self) -> None:
        """Run the event loop until the job has ended (the window stays live meanwhile)."""
        if not self.running:
            return
        loop = QEventLoop()
        self.done.connect(loop.quit)
        loop.exec()

    def _finish(self) -> None:
        self._thread.wait()
        if self in _running:
            _running.remove(self)
        if self.changes:
            self.project.store.announce(_merged(self.changes))
        self.done.emit()

    # -- the worker thread's side ------------------------------------------------------

    def _report(self, done: int, total: int, what: str) -> bool:
        with self._lock:
            self._progress = (done, total, what)
            self._within = None
        return not self._cancel.is_set()

    def _report_within(self, done: int, total: int, what: str, phase: str, fraction: float) -> bool:
        with self._lock:
            self._progress = (done, total, what)
            self._within = (phase, fraction)
        return not self._cancel.is_set()

    def _run(self) -> None:
        try:
            worker = self.project.for_worker()
        except BaseException as exc:  # noqa: BLE001 - handed to the UI thread
            self.error, self.details = exc, traceback.format_exc()
            return
        unsubscribe = worker.subscribe(self.changes.append)
        try:
            self.result = self._work(worker, _Reporter(self))
        except BaseException as exc:  # noqa: BLE001 - handed to the UI thread
            self.error, self.details = exc, traceback.format_exc()
        finally:
            unsubscribe()
            worker.close()


class _Reporter:
    """What the work calls: report(done, total, what), or report.within(..., phase, fraction) inside an item."""

    def __init__(self, job: Job):
        self._job = job
        self.within = job._report_within

    def __call__(self, done: int, total: int, what: str) -> bool:
        return self._job._report(done, total, what)


class _Thread(QThread):
    def __init__(self, job: Job):
        super().__init__()
        self._job = job

    def run(self) -> None:
        self._job._run()


def _merged(changes: list[Change]) -> list[Change]:
    """The job's events, each once: a reload of the document list, then the documents that changed."""
    seen: dict[Change, None] = {}
    for change in changes:
        if change.kind == ChangeKind.DOCUMENTS_ADDED:
            change = Change(ChangeKind.DOCUMENTS_ADDED)  # one reload covers every batch
        seen.setdefault(change, None)
    return list(seen)


def busy_job() -> Job | None:
    """A job still running (another import or export), if any."""
    return _running[0] if _running else None


def run_with_progress(parent: QWidget | None, project: Project, work: Work, *, title: str,
                      label: Callable[[int, int, str], str], object_name: str = "jobProgress") -> Job | None:
    """Run work on a worker thread behind a progress dialog with Cancel; return the ended job.

    Returns None, after saying why, when another long job is still running. The job's
    error, if any, is in job.error: an unexpected one has already been shown to the
    analyst (errors.py's dialog) and logged; an expected one (ProjectError, ImportRefused,
    OSError) is left for the caller to explain in its own words.
    """
    if busy_job() is not None:
        QMessageBox.information(parent, title, "Another import or export is still running. "
                                "Wait for it to finish, or cancel it, then try again.")
        return None
    job = Job(project, work)
    progress = QProgressDialog(as_text(label(0, 0, "")), "Cancel", 0, 0, parent)
    progress.setObjectName(object_name)
    progress.setWindowTitle(title)
    fit_title(progress)
    progress.setWindowModality(Qt.WindowModal)
    progress.setAutoReset(False)  # reaching the end must not hide a Cancel pressed at the last moment
    progress.setAutoClose(False)
    progress.setMinimumDuration(SHOW_AFTER_MS)
    progress.canceled.connect(job.cancel)
    timer = QTimer(progress)
    timer.setInterval(POLL_MS)

    def show_progress() -> None:
        done, total, what = job.progress()
        within = job.within()
        # Inside a long item the bar counts hundredths of items, so it moves while one big file is read.
        scale = WITHIN_STEPS if within is not None else 1
        if total and progress.maximum() != total * scale:
            progress.setMaximum(total * scale)
        if job.cancelled:
            progress.setLabelText("Cancelling: finishing what is under way…")
        else:
            text = label(done, total, what)
            if within is not None:
                text += f"\n{within[0][:1].upper()}{within[0][1:]}… {within[1]:.0%} of this file"
            progress.setLabelText(as_text(text))
        value = done * scale + (round(within[1] * scale) if within is not None else 0)
        progress.setValue(min(value, total * scale) if total else 0)

    timer.timeout.connect(show_progress)
    timer.start()
    job.start()
    job.wait()
    timer.stop()
    progress.close()
    progress.deleteLater()
    if job.error is not None and not isinstance(job.error, EXPECTED_ERRORS):
        if parent is not None:
            # The error dialog sits on the active window, which must be the window again, not the
            # progress dialog that just closed; activation arrives as an event.
            parent.window().activateWindow()
            QApplication.processEvents()
        show_unexpected(job.error, job.details)
    return job


def show_unexpected(exc: BaseException, details: str) -> None:
    from annotator.ui.common.errors import log, log_path, show_error_dialog

    log.error("Unexpected error in a background job\n%s", details)
    show_error_dialog(exc, details, log_path())
