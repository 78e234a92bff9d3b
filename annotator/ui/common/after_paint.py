"""Work that follows an edit on screen once the edit itself has been painted."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

# Input that may act on what the follow-up sets: it waits until the follow-up has run.
_INPUT = frozenset({QEvent.KeyPress, QEvent.ShortcutOverride, QEvent.MouseButtonPress, QEvent.MouseButtonDblClick,
                    QEvent.Wheel, QEvent.InputMethod})


class AfterPaint(QObject):
    """Holds the follow-up work of an edit (the side panels catching up with a tag) and runs it
    once the window has repainted what the edit changed.

    An edit's repaint is posted to the event loop and done in its next round; the work runs
    in the round after that, and what it changes is laid out and painted before that round
    ends. So the highlight the analyst waits for reaches the screen first and the lists, form,
    status line and entity offer follow a few milliseconds later (issue 17: they took ~5 of
    the ~11 ms a tag took to show; a zero timer alone fires in the very round that paints,
    so the frame with the highlight waited for them). `settle()` runs the work at once: the
    next key press or click anywhere runs it before it is handled (a key typed ahead while
    the tag was stored still finds the tag selected), and code that reads what it sets (the
    selected annotation, a deletion, another document) calls it first, so nothing sees the
    state in between.
    """

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._work: list[Callable[[], None]] = []  # in the order it came
        self._holding = False
        self._rounds = 0  # event-loop rounds gone since the work was queued
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self._round)

    @property
    def pending(self) -> bool:
        return bool(self._work)

    @contextlib.contextmanager
    def holding(self) -> Iterator[None]:
        """While the edit runs, `defer` keeps what the lists and labels would do for after its paint."""
        self._holding = True
        try:
            yield
        finally:
            self._holding = False

    def defer(self, work: Callable[[], None]) -> None:
        """Held for after the paint inside `holding()`; otherwise run now, after any work still waiting
        (a list never applies a change before the earlier one it was holding)."""
        if self._holding:
            self.later(work)
            return
        self.settle()
        work()

    def later(self, work: Callable[[], None]) -> None:
        """Run `work` after the next repaint, after the work already waiting."""
        if not self._work:
            app = QCoreApplication.instance()
            if app is not None:
                app.installEventFilter(self)
        self._work.append(work)
        self._rounds = 0
        self._timer.start()

    def _round(self) -> None:
        self._rounds += 1
        if self._rounds < 2:
            self._timer.start()  # this round painted the edit; the work goes in the next one
            return
        self.settle()
        # What the work changed is laid out and painted in this same round, not the next one: the
        # window is whole again before the loop waits for the next key.
        QCoreApplication.sendPostedEvents(None, QEvent.LayoutRequest)
        window = self.parent().window() if isinstance(self.parent(), QWidget) else None
        if window is not None:
            QCoreApplication.sendPostedEvents(window, QEvent.UpdateRequest)

    def settle(self) -> None:
        """Run the waiting work now, in order (nothing when there is none)."""
        work = self._work[:]
        self.cancel()
        for step in work:
            step()

    def cancel(self) -> None:
        """Drop the waiting work (the project it was for is closing)."""
        if self._work:
            self._work = []
            self._timer.stop()
            app = QCoreApplication.instance()
            if app is not None:
                app.removeEventFilter(self)

    def eventFilter(self, _watched, event) -> bool:  # noqa: N802
        if self._work and event.type() in _INPUT:
            self.settle()
        return False


def at_once(work: Callable[[], None]) -> None:
    """A model's `defer` when no window holds its changes: apply each as it comes."""
    work()
