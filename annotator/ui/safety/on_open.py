"""Work a window starts on the project it shows: plain Python on a thread, its answer taken back on the UI thread.

The damage check and the hourly backup each take up to a second or more on a big
project; run while opening, they would hold the first window back. Each runs here
instead, once the window is shown: a thread that never touches Qt (the window may be
gone when a 1 GB copy ends), and a timer that looks for its answer and reports it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from annotator.core.project import Project

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow


class OnOpenTask(QObject):
    """One run of work() for `project`, started `delay_ms` after the event loop runs, unless the window
    shows another project by then; report(answer) runs on the UI thread and `done` is set just before."""

    def __init__(self, window: MainWindow, project: Project, *, name: str, delay_ms: int, poll_ms: int,
                 daemon: bool):
        super().__init__(window)
        self.setObjectName(name)
        self._window, self._project = window, project
        self._thread_name, self._daemon = f"annotator-{name}", daemon
        self._result: tuple[Any] | None = None
        self.thread: threading.Thread | None = None
        self.done = False
        self._poll = QTimer(self, interval=poll_ms)
        self._poll.timeout.connect(self._look)
        QTimer.singleShot(delay_ms, self, self._start)

    def work(self) -> Any:
        """On the thread: plain Python only, and never raising (nobody joins the thread to hear it)."""
        raise NotImplementedError

    def report(self, answer: Any) -> None:
        """On the UI thread, with what work() returned."""
        raise NotImplementedError

    def _start(self) -> None:
        if self._window.project is not self._project:
            return  # another project was opened meanwhile: it has a task of its own
        self.thread = threading.Thread(target=self._run, name=self._thread_name, daemon=self._daemon)
        self.thread.start()
        self._poll.start()

    def _run(self) -> None:
        self._result = (self.work(),)

    def _look(self) -> None:
        if self._result is None:
            return
        self._poll.stop()
        self.done = True
        self.report(self._result[0])
