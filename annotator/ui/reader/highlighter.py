"""Paints annotation highlights through QSyntaxHighlighter over a sorted interval index.

Formats applied by a highlighter live in each block's layout. A 1 MB article has
thousands of paragraphs and may carry a million spans; reading and formatting all
of them on open took seconds (issue 12, item 15), so a long text is highlighted
lazily: a paragraph gets its formats just before it is first painted, from the
spans of a window around it that are read when it is needed, and a tag, an edit
or an undo re-highlights only the paragraphs its span touches.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtCore import SIGNAL, SLOT, QObject
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextCursor, QTextDocument

from annotator.ui.common.coder_view import OVERLAP
from annotator.ui.common.colors import blend

# Longer spans (in UTF-16 units) are rare; they are kept aside so that a lookup
# never has to look further back than this from a paragraph's start.
LONG_SPAN = 4096
# Texts longer than this (UTF-16 units), or carrying more spans than WHOLE_SPANS, are
# highlighted paragraph by paragraph as shown; shorter ones all at once.
LAZY_FROM = 50_000
WHOLE_SPANS = 20_000
# The spans read for a paragraph about to be shown cover this much text before and after
# it (UTF-16 units): a screenful or two, so scrolling reads again only every few screens.
WINDOW_BEFORE, WINDOW_AFTER = 2_000, 8_000
# How QSyntaxHighlighter hears of new text. Setting a long text makes it call
# highlightBlock for each of thousands of paragraphs (about 10 ms in Python even
# when each returns at once); unhooked meanwhile, that pass is skipped. Should a
# Qt release rename the slot, disconnecting fails and the pass just costs its time.
_UNDERLINES = {"solid": QTextCharFormat.SingleUnderline, "dashed": QTextCharFormat.DashUnderline,
               "dotted": QTextCharFormat.DotLine, "dash-dot": QTextCharFormat.DashDotLine,
               "dash-dot-dot": QTextCharFormat.DashDotDotLine, OVERLAP: QTextCharFormat.WaveUnderline}
_TEXT_CHANGED, _REFORMAT = SIGNAL("contentsChange(int,int,int)"), SLOT("_q_reformatBlocks(int,int,int)")


class Span(NamedTuple):
    """An annotation as the reader sees it: Qt positions and a colour."""

    annotation_id: int
    start: int
    end: int
    color: str
    underline: str | None = None  # the coder's underline when several coders' codes are shown (coder_view)


def _key(span: Span) -> tuple[int, int, int]:
    # Reading order; at a tie the longer span first, so an outer span comes before the one nested in it.
    return span.start, -span.end, span.annotation_id


class SpanIndex:
    """Spans in reading order; finds those overlapping a range by bisection."""

    def __init__(self, spans: list[Span] = ()):
        # Keys first: ids differ, so spans are never compared, and spans listed in
        # reading order (as the store lists them) sort in one linear pass.
        keyed = sorted(zip([(s.start, -s.end, s.annotation_id) for s in spans], spans))
        self._keys = [key for key, _ in keyed]
        self._spans = [span for _, span in keyed]
        self._ids: dict[int, Span] | None = None  # built at the first change
        longest = max((s.end - s.start for s in self._spans), default=0)
        self._long = [s for s in self._spans if s.end - s.start > LONG_SPAN] if longest > LONG_SPAN else []
        self._reach = longest if longest <= LONG_SPAN else max(
            (s.end - s.start for s in self._spans if s.end - s.start <= LONG_SPAN), default=0)

    @property
    def _by_id(self) -> dict[int, Span]:
        if self._ids is None:
            self._ids = {s.annotation_id: s for s in self._spans}
        return self._ids

    def __len__(self) -> int:
        return len(self._spans)

    def spans(self) -> list[Span]:
        return list(self._spans)

    def add(self, span: Span) -> None:
        key = _key(span)
        i = bisect_left(self._keys, key)
        self._keys.insert(i, key)
        self._spans.insert(i, span)
        self._by_id[span.annotation_id] = span
        if span.end - span.start > LONG_SPAN:
            self._long.insert(bisect_left([_key(s) for s in self._long], key), span)
        else:
            self._reach = max(self._reach, span.end - span.start)

    def remove(self, annotation_id: int) -> Span | None:
        span = self._by_id.pop(annotation_id, None)
        if span is not None:
            i = bisect_left(self._keys, _key(span))
            del self._keys[i], self._spans[i]
            if span in self._long:
                self._long.remove(span)
        return span

    def overlapping(self, begin: int, end: int) -> list[Span]:
        """Spans that share at least one position with [begin, end), in reading order."""
        low = begin - self._reach
        first, last = bisect_left(self._keys, (low,)), bisect_left(self._keys, (end,))
        found = [s for s in self._spans[first:last] if s.end > begin]
        if self._long:
            # Long spans that start before the bisected window still cover the range.
            found = [s for s in self._long if s.start < low and s.end > begin] + found
        return found


Fetch = Callable[[int, int], "list[Span]"]  # spans overlapping a range of Qt positions, as the store has them


class SpanHighlighter(QSyntaxHighlighter):
    _can_unhook = True

    def __init__(self, document: QTextDocument):
        super().__init__(document)
        self._index = SpanIndex()
        self._fetch: Fetch = lambda _begin, _end: []
        self._window = (0, 0)  # the Qt positions [lo, hi) over which the index holds every span
        self.fetched = 0  # spans read into the index so far: what opening costs, for tests and profiling
        self._formats: dict[tuple, QTextCharFormat] = {}
        self._base = "#FFFFFF"  # the reader's background: tints are mixed over it
        self._loading = False  # the text is being set: its own pass over every block skips the work
        self._done = bytearray()  # lazy mode: 1 for each block whose formats follow the index
        self._unhooked = False
        self.passes = 0  # blocks highlighted so far: what a change costs, for tests and profiling

    # -- what the reader tells it ---------------------------------------------------

    def set_base_color(self, color: str) -> None:
        """Mix tints over this background, so a dark theme gets dark tints that light text stays legible on."""
        if color.upper() == self._base:
            return
        self._base = color.upper()
        self._formats.clear()
        if not len(self._index):
            return
        if self._done:  # every paragraph is redone when next shown; the reader redoes those in view now
            self._done = bytearray(len(self._done))
        else:
            self.rehighlight()

    def load(self, fetch: Fetch, text_length: int, whole: bool) -> None:
        """How to read the spans of a text about to be set. With `whole`, all are read now and the text
        is highlighted in the one pass that setting it makes; otherwise paragraphs are highlighted as shown."""
        self._fetch, self._window, self._index = fetch, (0, 0), SpanIndex()
        self._done = bytearray()
        if whole:
            self._read_window(0, text_length + 1)
        self._loading = not whole
        if self._loading and not self._unhooked and SpanHighlighter._can_unhook:
            self._unhooked = QObject.disconnect(self.document(), _TEXT_CHANGED, self, _REFORMAT)
            SpanHighlighter._can_unhook = self._unhooked  # failed once (renamed slot): do not warn on every open

    def loaded(self) -> None:
        """The text is in (call after setPlainText, following load())."""
        if self._unhooked:
            QObject.connect(self.document(), _TEXT_CHANGED, self, _REFORMAT)
            self._unhooked = False
        if self._loading:
            self._loading = False
            self._done = bytearray(self.document().blockCount())

    @property
    def pending(self) -> bool:
        """Whether some paragraphs have not been highlighted yet (they are when shown)."""
        return bool(self._done) and not all(self._done)

    def highlight_blocks(self, first: int, last: int) -> None:
        """Make sure blocks first..last (numbers) carry their highlights, e.g. just before they are painted."""
        if self._done:
            self._repaint_blocks(n for n in range(first, min(last, len(self._done) - 1) + 1) if not self._done[n])

    def finish(self) -> None:
        """Highlight every paragraph now (a lazily highlighted text)."""
        if self._done:
            self._repaint_blocks(n for n, done in enumerate(self._done) if not done)

    def reload(self) -> None:
        """Many spans changed (labels recoloured, a bulk edit): read them again; repaint what changed."""
        if self._done:  # a long text: each paragraph is redone when next shown (the reader redoes those in view)
            self._window, self._index = (0, 0), SpanIndex()
            self._done = bytearray(len(self._done))
            return
        old = self._index
        self._read_window(*self._window)
        self._repaint_spans(set(old.spans()).symmetric_difference(self._index.spans()))

    def put(self, span: Span) -> None:
        """Add a span or move/recolour the one with its annotation id; repaint only the paragraphs it touches."""
        old = self._forget(span.annotation_id)
        if self._window[0] < span.end and span.start < self._window[1]:
            self._index.add(span)
        if old != span:  # a note or a role changed: nothing to repaint
            self._repaint_spans([span] if old is None else [old, span])

    def remove(self, annotation_id: int) -> None:
        old = self._forget(annotation_id)
        if old is not None:
            self._repaint_spans([old])

    def _forget(self, annotation_id: int) -> Span | None:
        old = self._index.remove(annotation_id)
        if old is None and self._done:
            # It lay outside the spans read: wherever it was painted, paragraphs are redone when next shown.
            lo, hi = self._window
            doc = self.document()
            first, last = doc.findBlock(lo).blockNumber(), doc.findBlock(max(lo, hi - 1)).blockNumber()
            kept = self._done[first:last + 1] if hi > lo else b""
            self._done = bytearray(len(self._done))
            self._done[first:first + len(kept)] = kept
        return old

    def spans_at(self, position: int) -> list[Span]:
        """Spans covering a Qt position, outermost first."""
        self._cover(position, position + 1)
        return self._index.overlapping(position, position + 1)

    def _cover(self, begin: int, end: int) -> None:
        """Make sure the index holds every span over [begin, end), reading a window around it if not."""
        lo, hi = self._window
        if not lo <= begin or not end <= hi:
            self._read_window(max(0, begin - WINDOW_BEFORE), end + WINDOW_AFTER)

    def _read_window(self, lo: int, hi: int) -> None:
        self._index = SpanIndex(self._fetch(lo, hi))
        self._window = (lo, hi)
        self.fetched += len(self._index)

    # -- repainting ------------------------------------------------------------------

    def _repaint_spans(self, spans) -> None:
        doc = self.document()
        numbers: set[int] = set()
        for span in spans:
            first = doc.findBlock(span.start).blockNumber()
            last = doc.findBlock(max(span.start, span.end - 1)).blockNumber()
            numbers.update(range(first, last + 1))
        self._repaint_blocks(sorted(numbers))

    def _repaint_blocks(self, numbers) -> None:
        doc = self.document()
        numbers = list(numbers)
        if len(numbers) > 8:
            # One edit block around many: the layout is then redone once, when painted, not per paragraph.
            cursor = QTextCursor(doc)
            cursor.beginEditBlock()
        for number in numbers:
            block = doc.findBlockByNumber(number)
            if block.isValid():
                self.rehighlightBlock(block)
        if len(numbers) > 8:
            cursor.endEditBlock()

    # -- Qt's per-paragraph call -----------------------------------------------------

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        if self._loading:
            return
        block = self.currentBlock()
        number = block.blockNumber()
        if number < len(self._done):
            self._done[number] = 1
        self.passes += 1
        begin = block.position()
        length = block.length() - 1  # UTF-16 units without the paragraph separator (len(text) counts code points)
        self._cover(begin, begin + max(length, 1))
        spans = self._index.overlapping(begin, begin + max(length, 1))
        if not spans:
            return
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
                coders = {s.underline for s in ordered if s.underline is not None}
                underline = None if not coders else coders.pop() if len(coders) == 1 else OVERLAP
                self.setFormat(left, right - left, self._format([s.color for s in ordered], underline))

    def _format(self, colors: list[str], underline: str | None = None) -> QTextCharFormat:
        key = (*colors, underline)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = QTextCharFormat()
            fmt.setBackground(blend(colors, self._base))
            if len(colors) > 1 or underline is not None:
                # Where spans overlap, an underline in the innermost label's colour
                # keeps the nested tag visible even when the tints look alike; with several
                # coders shown, its style says whose span it is (a wave: more than one coder's).
                fmt.setUnderlineStyle(_UNDERLINES.get(underline, QTextCharFormat.SingleUnderline))
                fmt.setUnderlineColor(QColor(colors[-1]).darker(150 if underline else 120))
            self._formats[key] = fmt
        return fmt
