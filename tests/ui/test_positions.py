"""Qt counts UTF-16 units, the store counts code points: the one conversion, checked against Qt."""

import pytest
from PySide6.QtGui import QTextCursor, QTextDocument

from annotator.ui.common.positions import PositionMap

SAMPLES = [
    "plain ascii",
    "Launch 🚀 day",
    "family 👩‍👩‍👧 and flag 🇰🇷 here",
    "e\u0301 combining acute and 한국어 Hangul",
    "decomposed 한 = \u1112\u1161\u11ab jamo",
    "עברית RTL and العربية mixed 😀",
    "𠜎 rare CJK ext-B and 😀😀 twice",
    "",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_round_trip_every_offset(text):
    positions = PositionMap(text)
    for offset in range(len(text) + 1):
        qt = positions.to_qt(offset)
        assert qt == len(text[:offset].encode("utf-16-le")) // 2
        assert positions.from_qt(qt) == offset


@pytest.mark.parametrize("text", SAMPLES)
def test_matches_what_qt_selects(qapp, text):
    """Select [start, end) in a real QTextDocument by converted positions: Qt returns the same text."""
    doc = QTextDocument()
    doc.setPlainText(text)
    positions = PositionMap(text)
    assert positions.qt_length == doc.characterCount() - 1
    for start in range(len(text)):
        for end in (start + 1, len(text)):
            cursor = QTextCursor(doc)
            cursor.setPosition(positions.to_qt(start))
            cursor.setPosition(positions.to_qt(end), QTextCursor.KeepAnchor)
            assert cursor.selectedText() == text[start:end]


def test_position_inside_surrogate_pair_widens_to_whole_character():
    text = "a😀b"
    positions = PositionMap(text)
    # Qt position 2 lies between the two halves of 😀.
    assert positions.from_qt(2) == 1
    assert positions.from_qt(2, round_up=True) == 2
    assert positions.span_from_qt(2, 2) == (1, 2)


def test_out_of_range_is_an_error_not_a_silent_clamp():
    positions = PositionMap("😀")
    with pytest.raises(ValueError):
        positions.to_qt(2)
    with pytest.raises(ValueError):
        positions.from_qt(3)
