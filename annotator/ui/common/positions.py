"""The one place where Qt text positions meet stored offsets.

Stored offsets count Unicode code points (Python str indices). Qt counts UTF-16
code units, so every character outside the Basic Multilingual Plane (most emoji,
rare CJK) takes two Qt positions. Peers that mixed the two shipped spans that
drift by one per emoji; everything in the UI converts through PositionMap.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def astral_offsets(text: str) -> list[int]:
    """Code-point offsets of the characters Qt counts twice (outside the Basic Multilingual Plane)."""
    if text.isascii():
        return []
    # Encoding is a copy at C speed; most news text (Latin, Hangul, CJK) has no
    # astral character at all, and then no per-character scan is needed.
    if len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text):
        return []
    return [m.start() for m in _ASTRAL.finditer(text)]


class PositionMap:
    """Converts between code-point offsets and UTF-16 positions of one text."""

    def __init__(self, text: str):
        astral = astral_offsets(text)
        self._astral = astral
        # Qt position where the i-th astral character starts: it sits after i earlier pairs.
        self._qt_starts = [cp + i for i, cp in enumerate(astral)]
        self.length = len(text)
        self.qt_length = len(text) + len(astral)

    @property
    def identical(self) -> bool:
        """True when no character takes two Qt positions: every offset is its own Qt position."""
        return not self._astral

    def to_qt(self, offset: int) -> int:
        """Qt position of a code-point offset (0..length)."""
        if not 0 <= offset <= self.length:
            raise ValueError(f"offset {offset} outside 0..{self.length}")
        return offset + bisect_left(self._astral, offset)

    def from_qt(self, position: int, *, round_up: bool = False) -> int:
        """Code-point offset of a Qt position (0..qt_length).

        A position between the two halves of a surrogate pair is not a character
        boundary; it moves to the start of that character, or its end with round_up.
        """
        if not 0 <= position <= self.qt_length:
            raise ValueError(f"position {position} outside 0..{self.qt_length}")
        # Characters whose both units lie before the position.
        whole = bisect_right(self._qt_starts, position - 2)
        offset = position - whole
        split = whole < len(self._qt_starts) and self._qt_starts[whole] == position - 1
        if split and not round_up:
            offset -= 1
        return offset

    def span_from_qt(self, start: int, end: int) -> tuple[int, int]:
        """A selection in Qt positions as code points, widened to whole characters."""
        return self.from_qt(start), self.from_qt(end, round_up=True)

    def span_to_qt(self, start: int, end: int) -> tuple[int, int]:
        return self.to_qt(start), self.to_qt(end)
