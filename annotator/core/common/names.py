"""File names as a report may print them and a project may store them.

A file name is whatever bytes the file system holds. On Linux a name that is
not UTF-8 reaches Python with its stray bytes as lone surrogates, which SQLite,
UTF-8 output and Qt all refuse; and a newline, a carriage return or a
right-to-left override in a name would forge or disguise a line of a report.
So names are shown and stored through these two functions, never raw; text from
data (a title, a label name, a line of an article) is shown through shown_text.
"""

from __future__ import annotations

import os
import unicodedata

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Invisible marks that reorder the text after them: a title could make a line read otherwise.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def shown(path: str | os.PathLike) -> str:
    """A path for a one-line message: as it is when every character prints, else quoted with escapes.

    Quoting only the odd names keeps ordinary (and Korean) names readable and
    copyable; a quoted name is unambiguous ("a\\nb.txt" is one name, not two lines).
    """
    name = os.fspath(path)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if name.isprintable():
        return name
    return '"' + "".join(_escape(ch) for ch in name) + '"'


def shown_text(text: str) -> str:
    """Text from data for a line of output: as it is, unless a character in it would start a new line,
    drive the terminal or reorder the line; then quoted with escapes, as shown() quotes a name.

    Unlike a file name, text keeps the invisible characters words and emoji are made of
    (no-break spaces, joiners, soft hyphens) unquoted: they forge nothing.
    """
    if not any(_breaks_the_line(ch) for ch in text):
        return text
    return '"' + "".join(_escape(ch) for ch in text) + '"'


def _breaks_the_line(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") or ch in _BIDI_CONTROLS


def storable(path: str | os.PathLike) -> str:
    """A path as text any UTF-8 store takes: bytes that are not UTF-8 written as \\xNN, the rest unchanged."""
    name = os.fspath(path)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    return os.fsencode(name).decode("utf-8", "backslashreplace") if _has_surrogates(name) else name


def _escape(ch: str) -> str:
    if ch.isprintable():
        return "\\" + ch if ch in '\\"' else ch
    code = ord(ch)
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def display_width(text: str) -> int:
    """Terminal columns the text takes: Korean and other wide characters two, combining marks none.
    Without this, a table with Korean names prints ragged."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def fit(text: str, width: int) -> str:
    """The text padded to `width` terminal columns, or cut to fit with an ellipsis."""
    if display_width(text) > width:
        kept, used = [], 0
        for ch in text:
            step = display_width(ch)
            if used + step > width - 1:
                break
            kept.append(ch)
            used += step
        text = "".join(kept) + "…"
    return text + " " * (width - display_width(text))
