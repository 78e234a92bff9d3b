"""Korean particles and quotative endings stay out of every span the reader makes (issue 11):
double-click, a drag, the keyboard's word steps and find-then-tag, in the seed article on 월마트 and 아마존."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import QApplication

from .conftest import select_phrase
from .driver import Driver

LEAD = "오프라인 유통공룡 월마트가 최근"  # the lead paragraph: the first 월마트가 in the body
QUOTE = "이러한 앱을 아마존의 클라우드에 올려 왔다고 말했다"


def open_article(open_window, seeded_path):
    window = open_window(seeded_path)
    ui = Driver(window)
    doc_id = ui.open("'월마트 VS 아마존'")
    return window, doc_id, window.project.documents.text(doc_id)


def point_at(window, offset: int) -> QPoint:
    """The middle of the character at a code-point offset, in the reader's viewport."""
    reader = window.reader
    cursor = QTextCursor(reader.document())
    cursor.setPosition(reader.positions.to_qt(offset))
    left = reader.cursorRect(cursor)
    cursor.setPosition(reader.positions.to_qt(offset + 1))
    right = reader.cursorRect(cursor)
    return QPoint((left.x() + right.x()) // 2, left.center().y())


def gap_at(window, offset: int) -> QPoint:
    """Where the gap before code point `offset` is drawn, in the reader's viewport."""
    cursor = QTextCursor(window.reader.document())
    cursor.setPosition(window.reader.positions.to_qt(offset))
    rect = window.reader.cursorRect(cursor)
    return QPoint(rect.x(), rect.center().y())


def scroll_to(window, offset: int) -> None:
    cursor = window.reader.textCursor()
    cursor.setPosition(window.reader.positions.to_qt(offset))
    window.reader.setTextCursor(cursor)
    window.reader.ensureCursorVisible()


def tagged(window, doc_id: int) -> list[str]:
    text = window.project.documents.text(doc_id)
    rows = window.project.annotations.for_document(doc_id)
    assert all(text[a.start:a.end] == a.text for a in rows)
    return [a.text for a in rows]


def type_text(widget, text: str) -> None:
    # keyClicks with Hangul aborts the process: send key events that carry the text.
    for ch in text:
        QApplication.sendEvent(widget, QKeyEvent(QKeyEvent.KeyPress, 0, Qt.NoModifier, ch))
        QApplication.sendEvent(widget, QKeyEvent(QKeyEvent.KeyRelease, 0, Qt.NoModifier, ch))


def test_double_click_selects_and_tags_the_word_without_its_particle(open_window, seeded_path, qtbot):
    window, doc_id, text = open_article(open_window, seeded_path)
    walmart = text.index(LEAD) + LEAD.index("월마트가")
    scroll_to(window, walmart)
    qtbot.mouseDClick(window.reader.viewport(), Qt.LeftButton, Qt.NoModifier, point_at(window, walmart + 1))
    assert window.reader.textCursor().selectedText() == "월마트"  # what the analyst sees is what gets tagged

    Driver(window).press(Qt.Key_O)
    assert tagged(window, doc_id) == ["월마트"]
    offer = window.entities_panel.offer_button
    assert offer.isVisible() and offer.text() == "Create entity ‘월마트’"


def test_double_click_on_the_particle_itself_still_takes_the_word(open_window, seeded_path, qtbot):
    window, doc_id, text = open_article(open_window, seeded_path)
    walmart = text.index(LEAD) + LEAD.index("월마트가")
    scroll_to(window, walmart)
    qtbot.mouseDClick(window.reader.viewport(), Qt.LeftButton, Qt.NoModifier, point_at(window, walmart + 3))
    Driver(window).press(Qt.Key_O)
    assert tagged(window, doc_id) == ["월마트"]


def test_double_click_on_a_quoted_verb_leaves_the_quotative_out(open_window, seeded_path, qtbot):
    window, doc_id, text = open_article(open_window, seeded_path)
    came = text.index(QUOTE) + QUOTE.index("왔다고")
    scroll_to(window, came)
    qtbot.mouseDClick(window.reader.viewport(), Qt.LeftButton, Qt.NoModifier, point_at(window, came))
    Driver(window).press(Qt.Key_C)
    assert tagged(window, doc_id) == ["왔다"]


def test_alt_double_click_and_alt_key_keep_the_particle(open_window, seeded_path, qtbot):
    window, doc_id, text = open_article(open_window, seeded_path)
    walmart = text.index(LEAD) + LEAD.index("월마트가")
    scroll_to(window, walmart)
    qtbot.mouseDClick(window.reader.viewport(), Qt.LeftButton, Qt.AltModifier, point_at(window, walmart + 1))
    Driver(window).press(Qt.Key_O, Qt.AltModifier)
    assert tagged(window, doc_id) == ["월마트가"]


def test_a_drag_that_stops_before_the_quotative_tags_the_sentence_without_it(open_window, seeded_path, qtbot):
    window, doc_id, text = open_article(open_window, seeded_path)
    start = text.index(QUOTE)
    end = start + QUOTE.index("왔다고") + len("왔다")
    scroll_to(window, start)
    viewport = window.reader.viewport()
    qtbot.mousePress(viewport, Qt.LeftButton, Qt.NoModifier, gap_at(window, start))
    qtbot.mouseMove(viewport, gap_at(window, start + 5))
    qtbot.mouseMove(viewport, gap_at(window, end))
    qtbot.mouseRelease(viewport, Qt.LeftButton, Qt.NoModifier, gap_at(window, end))
    assert window.reader.selection() == (start, end)
    Driver(window).press(Qt.Key_C)
    assert tagged(window, doc_id) == ["이러한 앱을 아마존의 클라우드에 올려 왔다"]


def test_a_drag_over_the_whole_word_tags_it_without_its_particle(open_window, seeded_path, qtbot):
    window, doc_id, text = open_article(open_window, seeded_path)
    start = text.index(LEAD) + LEAD.index("월마트가")
    scroll_to(window, start)
    viewport = window.reader.viewport()
    qtbot.mousePress(viewport, Qt.LeftButton, Qt.NoModifier, gap_at(window, start))
    qtbot.mouseMove(viewport, gap_at(window, start + 2))
    qtbot.mouseMove(viewport, gap_at(window, start + 4))
    qtbot.mouseRelease(viewport, Qt.LeftButton, Qt.NoModifier, gap_at(window, start + 4))
    assert window.reader.textCursor().selectedText() == "월마트가"
    Driver(window).press(Qt.Key_O)
    assert tagged(window, doc_id) == ["월마트"]


def test_word_steps_on_the_keyboard_land_before_particles_and_quotatives(open_window, seeded_path, qtbot):
    window, doc_id, _ = open_article(open_window, seeded_path)
    select_phrase(window, "유통공룡 월마트")
    Driver(window).press(Qt.Key_C)
    assert tagged(window, doc_id) == ["유통공룡 월마트"]
    Driver(window).press(Qt.Key_Right, Qt.ShiftModifier | Qt.ControlModifier)
    assert tagged(window, doc_id) == ["유통공룡 월마트가 최근"]
    Driver(window).press(Qt.Key_Left, Qt.AltModifier | Qt.ControlModifier)
    assert tagged(window, doc_id) == ["유통공룡 월마트"]

    window.reader.clear_mark()
    Driver(window).press(Qt.Key_Z, Qt.ControlModifier)
    Driver(window).press(Qt.Key_Z, Qt.ControlModifier)
    select_phrase(window, "클라우드에 올려")
    Driver(window).press(Qt.Key_C)
    Driver(window).press(Qt.Key_Right, Qt.ShiftModifier | Qt.ControlModifier)
    assert tagged(window, doc_id) == ["클라우드에 올려 왔다"]


def find_and_tag(window, qtbot, needle: str, key=Qt.Key_C) -> None:
    Driver(window).press(Qt.Key_F, Qt.ControlModifier)
    assert window.find_bar.isVisible()
    type_text(window.find_bar.edit, needle)
    qtbot.keyClick(window.find_bar.edit, Qt.Key_Escape)
    assert window.reader.textCursor().selectedText() == needle
    Driver(window).press(key)


def test_find_then_tag_stops_where_the_found_text_stops(open_window, seeded_path, qtbot):
    window, doc_id, _ = open_article(open_window, seeded_path)
    find_and_tag(window, qtbot, "안 될 것")  # in "안 될 것이라는 강력한 경보"
    assert tagged(window, doc_id) == ["안 될 것"]
    find_and_tag(window, qtbot, "클라우드에 올려 왔다")
    assert sorted(tagged(window, doc_id)) == ["안 될 것", "클라우드에 올려 왔다"]
    find_and_tag(window, qtbot, "홀푸드를", key=Qt.Key_O)  # found with its particle: the tag leaves it out
    assert "홀푸드" in tagged(window, doc_id)
