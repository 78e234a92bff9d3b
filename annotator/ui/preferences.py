"""Preferences: who the analyst is, how the reader looks, and whether selections snap to words.

Kept in the settings file, not the project: they belong to the person at the
keyboard, and follow them from project to project. Colours need no setting: the
reader mixes its tints over the system palette, light or dark. The dialog that edits
them is in preferences_dialog.py, loaded when it first opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.core.coding.coders import default_annotator
from annotator.ui.common import settings
from annotator.ui.reader.reader import READER_FAMILIES

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

DEFAULT_POINT_SIZE = 12.5
MIN_POINT_SIZE, MAX_POINT_SIZE = 6.0, 48.0
MAX_NAME_LENGTH = 100


@dataclass(frozen=True)
class Preferences:
    annotator: str  # stored on every new annotation
    font_family: str  # "" keeps the reader's own serif
    point_size: float
    snap_words: bool


def load() -> Preferences:
    s = settings.settings()
    try:
        size = float(s.value("reader/point_size", DEFAULT_POINT_SIZE))
    except (TypeError, ValueError):  # a hand-edited settings file
        size = DEFAULT_POINT_SIZE
    return Preferences(
        annotator=str(s.value("preferences/annotator", "") or "").strip() or default_annotator(),
        font_family=str(s.value("reader/font_family", "") or ""),
        point_size=min(max(size, MIN_POINT_SIZE), MAX_POINT_SIZE),
        snap_words=s.value("preferences/snap_words", True, type=bool),
    )


def save(prefs: Preferences) -> None:
    s = settings.settings()
    s.setValue("preferences/annotator", prefs.annotator)
    s.setValue("reader/font_family", prefs.font_family)
    s.setValue("reader/point_size", prefs.point_size)
    s.setValue("preferences/snap_words", prefs.snap_words)
    s.sync()


def check_name(name: str) -> str:
    """The annotator name as stored, or ValueError saying what to change."""
    name = " ".join(name.split())
    if not name:
        raise ValueError("Enter the name to store on your annotations, e.g. your initials or login name.")
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"Keep the annotator name under {MAX_NAME_LENGTH} characters; initials are enough.")
    return name


def apply(window: MainWindow, prefs: Preferences | None = None) -> None:
    """Put the preferences to work on the open project and the reader."""
    prefs = prefs or load()
    # A file handed out to a coder codes as that coder, and a shared project as the database login,
    # whatever name this computer's Preferences hold.
    window.project.annotations.annotator = window.project.coders.fixed_name or prefs.annotator
    window.ops.snap_words = prefs.snap_words
    reader = window.reader
    font = reader.font()
    font.setFamilies([prefs.font_family, *READER_FAMILIES] if prefs.font_family else READER_FAMILIES)
    reader.setFont(font)
    reader.set_point_size(prefs.point_size)  # also refits the reading column to the new font
    window.coder_view.refresh()  # "my codes" are the new name's
