"""Keeps the reader wide enough to read when the Entities dock opens beside it.

At the default 1400 px window the dock took its ~400 px from the reader alone, leaving
it about 300 px. The dock opens at its narrowest comfortable width instead, and when the
reader would still fall below READER_WIDTH the document list folds away (the splitter's
left edge brings it back) until the dock closes again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QSplitter

READER_WIDTH = 600
DOCK_WIDTH = 360
DOCUMENTS, READER, SIDE = range(3)


class ReaderRoom:
    def __init__(self, window: QMainWindow, dock: QDockWidget):
        self._window, self._dock = window, dock
        self._folded: int | None = None  # the document list's width before it folded away
        dock.visibilityChanged.connect(self._dock_visibility)

    def new_splitter(self) -> None:
        """Another project is shown in a new splitter: make room in it if the dock is open."""
        self._folded = None
        if self._dock.isVisible() and not self._dock.isFloating():
            QTimer.singleShot(0, self._share)

    def _splitter(self) -> QSplitter:
        return self._window.splitter

    def _dock_visibility(self, visible: bool) -> None:
        if visible and not self._dock.isFloating():
            width = max(DOCK_WIDTH, self._dock.minimumSizeHint().width())
            self._window.resizeDocks([self._dock], [width], Qt.Horizontal)
            QTimer.singleShot(0, self._share)  # once the window has laid the dock out
        elif not visible:
            self.unfold()

    def _share(self) -> None:
        splitter = self._splitter()
        if not self._dock.isVisible() or splitter is None:
            return
        sizes = splitter.sizes()
        short = READER_WIDTH + 10 - sizes[READER]  # 10: the reader's frame and margins
        if short <= 0 or sizes[DOCUMENTS] == 0:
            return
        self._folded = sizes[DOCUMENTS]
        sizes[READER] += sizes[DOCUMENTS]
        sizes[DOCUMENTS] = 0
        splitter.setSizes(sizes)
        self._window.statusBar().showMessage(
            "The document list is folded away while Entities is open; drag the left edge to bring it back.", 8000)

    def unfold(self) -> None:
        """Give the document list its width back (the dock closed, or the window is saving its layout)."""
        splitter = self._splitter()
        if self._folded is None or splitter is None:
            return
        sizes = splitter.sizes()
        if sizes[DOCUMENTS] == 0:  # the analyst may have dragged it back already
            sizes[READER] = max(sizes[READER] - self._folded, 0)
            sizes[DOCUMENTS] = self._folded
            splitter.setSizes(sizes)
        self._folded = None
