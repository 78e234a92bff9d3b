"""Claims' attribution cues in the reader: the words that attribute a claim ("said", "according to", "밝혔다").

A cue is drawn as a dotted underline in its claim's colour, on top of the
highlights, so the analyst sees who-said-what at a glance without a second tint.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextEdit

from annotator.core.common.model import Annotation, Label
from annotator.ui.common.plain_text import plain_tip
from annotator.ui.common.positions import PositionMap


def cue_marks(document: QTextDocument, claims: list[Annotation], labels: dict[int, Label],
              positions: PositionMap) -> list[QTextEdit.ExtraSelection]:
    marks = []
    for claim in claims:
        start, end = claim.cue_start, claim.cue_end
        if start is None or end is None or not 0 <= start < end <= positions.length:
            continue
        label = labels.get(claim.label_id)
        qt_start, qt_end = positions.span_to_qt(start, end)
        cursor = QTextCursor(document)
        cursor.setPosition(qt_start)
        cursor.setPosition(qt_end, QTextCursor.KeepAnchor)
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.DotLine)
        fmt.setUnderlineColor(QColor(label.color if label else "#999999").darker(130))
        fmt.setToolTip(plain_tip(f"Attribution cue of this {label.name if label else 'claim'}"))
        mark = QTextEdit.ExtraSelection()
        mark.cursor = cursor
        mark.format = fmt
        marks.append(mark)
    return marks
