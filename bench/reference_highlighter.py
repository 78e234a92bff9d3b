"""The open row's reference: the least a highlighting reader must do, written plainly.

A QSyntaxHighlighter over one list of spans sorted by start. For each block it
bisects to the first span that could reach the block (start >= block start minus
the longest span) and paints every span that overlaps it. No labels, tooltips,
blending or selection: what is left is Qt's own layout and paint cost plus the
smallest interval lookup, so the app's ratio to it is the app's overhead.
"""

from __future__ import annotations

from bisect import bisect_left

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument


def qt_spans(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """(start, end, colour) in code points to the same in Qt's UTF-16 positions.

    Written here rather than borrowed from the app, so the reference depends on nothing it measures.
    """
    astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
    if not astral:
        return list(spans)
    return [(s + bisect_left(astral, s), e + bisect_left(astral, e), c) for s, e, c in spans]


class IntervalHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument):
        super().__init__(document)
        self._spans: list[tuple[int, int, str]] = []
        self._starts: list[int] = []
        self._longest = 0
        self._formats: dict[str, QTextCharFormat] = {}

    def set_spans(self, spans: list[tuple[int, int, str]]) -> None:
        """Spans as (Qt start, Qt end, colour); used by the next highlighting pass."""
        self._spans = sorted(spans)
        self._starts = [start for start, _end, _color in self._spans]
        self._longest = max((end - start for start, end, _c in self._spans), default=0)

    def _format(self, color: str) -> QTextCharFormat:
        fmt = self._formats.get(color)
        if fmt is None:
            fmt = self._formats[color] = QTextCharFormat()
            fmt.setBackground(QColor(color))
        return fmt

    def highlightBlock(self, text: str) -> None:  # noqa: N802
        block = self.currentBlock()
        first, last = block.position(), block.position() + block.length() - 1  # Qt units, not len(text)
        lo = bisect_left(self._starts, first - self._longest)
        hi = bisect_left(self._starts, last)
        for start, end, color in self._spans[lo:hi]:
            if end > first:
                begin = max(start, first)
                self.setFormat(begin - first, min(end, last) - begin, self._format(color))
