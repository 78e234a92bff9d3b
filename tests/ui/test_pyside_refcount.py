"""Guard against the PySide6 6.12.0 + Python 3.11 bug: every call of a void Qt
method drops one reference to None, until the interpreter aborts. pyproject.toml
pins PySide6 below 6.12 on Python 3.11; this test fails if a broken build slips in."""

from __future__ import annotations

import sys

from PySide6.QtGui import QFont, QTextCharFormat, QTextCursor, QTextDocument

CALLS = 10_000
SLACK = 100  # unrelated code may hold or drop a few references to None meanwhile


def test_void_qt_calls_keep_none_alive(qapp):
    document = QTextDocument()
    document.setPlainText("월마트가 아마존의 클라우드를 버렸다 🚀. Amazon sued Walmart.")
    cursor = QTextCursor(document)
    fmt = QTextCharFormat()
    n = document.characterCount()

    before = sys.getrefcount(None)
    for i in range(CALLS):
        cursor.setPosition(i % n)  # void
        fmt.setFontWeight(QFont.Weight.Bold if i % 2 else QFont.Weight.Normal)  # void setter
    after = sys.getrefcount(None)

    # With the bug, None loses 2 * CALLS references here.
    assert after >= before - SLACK, f"None's refcount fell by {before - after} over {2 * CALLS} void calls"
    # The calls really happened.
    assert cursor.position() == (CALLS - 1) % n
    assert fmt.fontWeight() == QFont.Weight.Bold
