"""Where the window was: its size and place, the splitter between list and reader, the reader's text size.

Kept beside the default project (settings.py) and put back at the next launch; a first launch
fits the window to the screen it opens on.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QSplitter

from annotator.ui.common import settings


def restore(window: QMainWindow, splitter: QSplitter, reader) -> None:
    s = settings.settings()
    geometry = s.value("window/geometry")
    if isinstance(geometry, QByteArray) and not geometry.isEmpty():
        window.restoreGeometry(geometry)  # Qt pulls a window saved on a larger screen back onto this one
    else:
        fit_first_launch(window)
    state = s.value("window/splitter")
    if isinstance(state, QByteArray) and not state.isEmpty():
        splitter.restoreState(state)
    size = s.value("reader/point_size")
    if size:
        reader.set_point_size(float(size))


def fit_first_launch(window: QMainWindow) -> None:
    """Roomy on a desktop monitor, never wider or taller than a laptop's screen, centred."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        window.resize(1400, 860)
        return
    area = screen.availableGeometry()
    # The frame (title bar, borders) is not known before the first show; leave room for it.
    width = min(1400, area.width() - 40)
    height = min(860, area.height() - 60)
    window.resize(max(width, 640), max(height, 480))
    window.move(area.x() + (area.width() - window.width()) // 2,
                area.y() + max(0, (area.height() - height - 30) // 2))


def save(window: QMainWindow, splitter: QSplitter, reader, reader_room) -> None:
    reader_room.unfold()  # the next launch opens without the dock: with the document list
    s = settings.settings()
    s.setValue("window/geometry", window.saveGeometry())
    s.setValue("window/splitter", splitter.saveState())
    s.setValue("reader/point_size", reader.font().pointSizeF())
    s.sync()
