"""Text that came from data (titles, file names, label names, memos, article text) shown as text, never as markup.

Qt guesses whether a string is HTML (Qt.mightBeRichText) in QLabel, in every tooltip and in
QMessageBox: a title of nested tables then takes minutes to lay out, `<img src=file://…>` loads a
local file at any size, and `<b>` in a label name turns bold. Titles come from web pages and other
people's files, so every such text goes through one of these: a label gets the plain-text format,
a tooltip gets escaped text inside <qt> (the format of a tooltip cannot be set), clipped so that a
50,000-character memo does not fill the screen.
"""

from __future__ import annotations

import re

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

TIP_CHARS = 600
TIP_LINES = 15
# A tooltip wraps only between words: a long run without spaces (a url, a title of tags) would make it
# wider than the screen. An invisible zero-width space every so often lets it wrap there.
_UNBROKEN = re.compile(r"(\S{60})(?=\S)")
# As html.escape(quote=False), without loading the html package's entity tables at start-up (~2 ms).
_MARKUP = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: object) -> str:
    """Data as a piece of markup that shows it literally (for tooltips that also use <b> of their own)."""
    return _UNBROKEN.sub("\\1\u200b", str(text)).translate(_MARKUP).replace("\n", "<br/>")


def clip(text: str, chars: int = TIP_CHARS, lines: int = TIP_LINES) -> str:
    """At most `chars` characters and `lines` lines, with … where it was cut."""
    cut = text[:chars]
    kept = cut.split("\n")
    if len(kept) > lines:
        cut = "\n".join(kept[:lines])
    return cut if cut == text else cut.rstrip() + "…"


def rich_tip(markup: str) -> str:
    """A tooltip of markup whose data parts went through escape(): <qt> makes Qt treat it as markup
    even when it holds no tag, so an escaped & shows as & and not as &amp;."""
    return f"<qt>{markup}</qt>" if markup else ""


def plain_tip(text: str | None) -> str:
    """A tooltip (setToolTip, an item's ToolTipRole, QToolTip.showText) that shows `text` as it is."""
    return rich_tip(escape(clip(text))) if text else ""


def as_text(text: str) -> str:
    """For texts Qt shows with an automatic format we cannot set (a QMessageBox built by its static
    functions, QInputDialog and QProgressDialog labels): unchanged when Qt would show it as text
    anyway, else escaped so it still shows as text."""
    return f"<qt>{escape(text)}</qt>" if QtGui.Qt.mightBeRichText(text) else text


def plain_label(label: QLabel) -> QLabel:
    """The label shows its text as text whatever the text holds; returns it, for QLabel(...) in place."""
    label.setTextFormat(Qt.PlainText)
    return label
