"""Paints annotation highlights through QSyntaxHighlighter over a per-block index.

Formats applied by a highlighter live in each block's layout, so a document with
thousands of spans costs one pass over the visible blocks instead of a re-layout
of the whole text (per-span cursor formats on a QTextEdit took a second on 1 MB).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from .colors import blend


@dataclass(frozen=True)
class Span:
    """An annotation as the reader sees it: Qt positions and a colour."""

    annotation_id: int
    start: int
    end: int
    color: str


class SpanHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument):
        super().__init__(document)
        self._by_block: dict[int, list[Span]] = {}
        self._formats: dict[tuple, QTextCharFormat] = {}
        self._base = "#FFFFFF"  # the reader's background: tints are mixed over it

    def set_base_color(self, color: str) -> None:
        """Mix tints over this background, so a dark theme gets dark tints that light text stays legible on."""
        if color.upper() == self._base:
            return
        self._base = color.upper()
        self._formats.clear()
        if self._by_block:
            self.rehighlight()

    def set_spans(self, spans: list[Span]) -> None:
        """Index spans by paragraph; repaint only paragraphs whose spans changed."""
        doc = self.document()
        by_block: dict[int, list[Span]] = defaultdict(list)
        for span in sorted(spans, key=lambda s: (s.start, -s.end, s.annotation_id)):
            first = doc.findBlock(span.start).blockNumber()
            last = doc.findBlock(max(span.start, span.end - 1)).blockNumber()
            for number in range(first, last + 1):
                by_block[number].append(span)
        old, self._by_block = self._by_block, dict(by_block)
        for number in sorted(set(old) | set(by_block)):
            if old.get(number) != by_block.get(number):
                block = doc.findBlockByNumber(number)
                if block.isValid():
                    self.rehighlightBlock(block)

    def clear_spans(self) -> None:
        """Forget all spans without repainting (the text is about to be replaced)."""
        self._by_block = {}

    def spans_at(self, position: int) -> list[Span]:
        """Spans covering a Qt position, outermost first."""
        block = self.document().findBlock(position)
        spans = [s for s in self._by_block.get(block.blockNumber(), ()) if s.start <= position < s.end]
        return sorted(spans, key=lambda s: (s.start, -s.end))

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        block = self.currentBlock()
        spans = self._by_block.get(block.blockNumber())
        if not spans:
            return
        begin = block.position()
        length = block.length() - 1  # UTF-16 units, without the paragraph separator
        # Sweep the span edges left to right, keeping the spans open at each point.
        edges: dict[int, list[tuple[int, Span]]] = defaultdict(list)
        for span in spans:
            edges[min(max(span.start - begin, 0), length)].append((1, span))
            edges[min(max(span.end - begin, 0), length)].append((-1, span))
        open_spans: list[Span] = []
        points = sorted(edges)
        for left, right in zip(points, points[1:]):
            for step, span in edges[left]:
                if step < 0:
                    open_spans.remove(span)
                else:
                    open_spans.append(span)
            if open_spans and right > left:
                ordered = sorted(open_spans, key=lambda s: (s.start, -s.end))
                self.setFormat(left, right - left, self._format([s.color for s in ordered]))

    def _format(self, colors: list[str]) -> QTextCharFormat:
        key = tuple(colors)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = QTextCharFormat()
            fmt.setBackground(blend(colors, self._base))
            if len(colors) > 1:
                # Where spans overlap, an underline in the innermost label's colour
                # keeps the nested tag visible even when the tints look alike.
                fmt.setUnderlineStyle(QTextCharFormat.SingleUnderline)
                fmt.setUnderlineColor(QColor(colors[-1]).darker(120))
            self._formats[key] = fmt
        return fmt
