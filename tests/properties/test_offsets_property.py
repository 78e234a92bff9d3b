"""Offsets: for any text, PositionMap agrees with UTF-16 and with what Qt's reader selects.

Stored offsets count code points; Qt counts UTF-16 units. These properties run
over generated news text (emoji, ZWJ sequences, combining marks, Hangul
syllables and jamo, RTL with direction marks, astral CJK, anything else but
surrogates) so that no script or emoji family is left out by accident.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor

from annotator.ui.common.positions import PositionMap
from annotator.ui.reader.reader import ReaderView
from tests.properties.unicode_text import news_text

PARAGRAPH = "\u2029"  # how Qt hands back a line break inside a selection


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def as_qt_shows(text: str) -> str:
    return text.replace("\n", PARAGRAPH)


@st.composite
def text_and_span(draw) -> tuple[str, int, int]:
    text = draw(news_text())
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, len(text)))
    return text, start, end


@given(news_text(min_size=0))
def test_every_offset_maps_to_its_utf16_position_and_back(text: str) -> None:
    positions = PositionMap(text)
    assert (positions.length, positions.qt_length) == (len(text), utf16_length(text))
    for offset in range(len(text) + 1):
        qt = positions.to_qt(offset)
        assert qt == utf16_length(text[:offset])
        assert positions.from_qt(qt) == offset == positions.from_qt(qt, round_up=True)


@given(news_text())
def test_a_position_inside_a_surrogate_pair_widens_to_the_whole_character(text: str) -> None:
    positions = PositionMap(text)
    starts = {positions.to_qt(offset) for offset in range(len(text) + 1)}
    for qt in range(positions.qt_length + 1):
        down, up = positions.from_qt(qt), positions.from_qt(qt, round_up=True)
        if qt in starts:
            assert down == up
        else:  # between the halves of one astral character
            assert up == down + 1 and ord(text[down]) > 0xFFFF
            assert positions.to_qt(down) == qt - 1 and positions.to_qt(up) == qt + 1


@given(text_and_span(), st.data())
def test_a_qt_selection_becomes_the_smallest_span_of_whole_characters_covering_it(span, data) -> None:
    text, _, _ = span
    positions = PositionMap(text)
    qs = data.draw(st.integers(0, positions.qt_length))
    qe = data.draw(st.integers(qs, positions.qt_length))
    start, end = positions.span_from_qt(qs, qe)
    assert 0 <= start <= end <= len(text)
    assert positions.to_qt(start) <= qs and positions.to_qt(end) >= qe
    # Smallest: one character less on either side would no longer cover the selection.
    assert start == len(text) or positions.to_qt(start + 1) > qs
    assert end == 0 or positions.to_qt(end - 1) < qe
    assert positions.span_to_qt(*positions.span_from_qt(*positions.span_to_qt(start, end))) == \
        positions.span_to_qt(start, end)


@given(text_and_span())
def test_the_reader_selects_exactly_the_stored_span(qapp, span) -> None:
    text, start, end = span
    reader = ReaderView()
    try:
        reader.set_document(text, [], [])
        document = reader.document()
        assert document.characterCount() - 1 == PositionMap(text).qt_length
        reader.select_span(start, end)
        assert reader.textCursor().selectedText() == as_qt_shows(text[start:end])
        assert reader.selection() == ((start, end) if start < end else None)
    finally:
        reader.deleteLater()


@given(news_text())
def test_every_character_qt_holds_is_the_stored_one_at_the_mapped_position(qapp, text) -> None:
    reader = ReaderView()
    try:
        reader.set_document(text, [], [])
        positions = PositionMap(text)
        cursor = QTextCursor(reader.document())
        for offset, character in enumerate(text):
            cursor.setPosition(positions.to_qt(offset))
            cursor.setPosition(positions.to_qt(offset + 1), QTextCursor.KeepAnchor)
            assert cursor.selectedText() == as_qt_shows(character)
    finally:
        reader.deleteLater()


@given(news_text())
def test_wherever_qt_lets_the_caret_stop_is_a_whole_character(qapp, text) -> None:
    """Arrow keys and drags stop between grapheme clusters, never inside a pair: no widening needed there."""
    reader = ReaderView()
    try:
        reader.set_document(text, [], [])
        positions = PositionMap(text)
        cursor = QTextCursor(reader.document())
        stops = [cursor.position()]
        while cursor.movePosition(QTextCursor.NextCharacter):
            stops.append(cursor.position())
        assert stops[-1] == positions.qt_length
        for qt in stops:
            offset = positions.from_qt(qt)
            assert positions.from_qt(qt, round_up=True) == offset and positions.to_qt(offset) == qt
    finally:
        reader.deleteLater()
