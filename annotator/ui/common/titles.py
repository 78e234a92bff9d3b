"""Dialogs wide enough for the title bar to show their whole title.

A window manager elides a title wider than its window ("Import…otator"). On Linux Qt
adds " — " and the display name (Annotator) to every title that does not end with it,
and title bars commonly use a bold face beside an icon and two or three buttons.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication
from PySide6.QtWidgets import QWidget

TITLE_BAR_ROOM = 120  # the window icon and the close, maximise and minimise buttons
WIDEST = 900  # a title naming a long file or entity is elided beyond this rather than widen the dialog further


def shown_title(window: QWidget) -> str:
    title, name = window.windowTitle(), QGuiApplication.applicationDisplayName()
    return f"{title} \N{EM DASH} {name}" if name and not title.endswith(name) else title


def fit_title(window: QWidget) -> None:
    """Widen the window's minimum width to what its title needs; call after setting the title."""
    font = QFont(window.font())
    font.setBold(True)
    needed = min(QFontMetrics(font).horizontalAdvance(shown_title(window)) + TITLE_BAR_ROOM, WIDEST)
    if window.minimumWidth() < needed:
        window.setMinimumWidth(needed)
