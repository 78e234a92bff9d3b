"""Preferences: the annotator's name on tags, word snapping, the reader's font, and a readable dark theme."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from annotator.core.coding.coders import default_annotator
from annotator.core.project import Project
from annotator.ui.common.colors import blend

from .conftest import select_phrase
from .driver import Driver

TEXT = "Amazon sued Walmart over cloud contracts on Monday.\n월마트는 아마존의 클라우드를 거부했다."


@pytest.fixture
def article_path(tmp_path: Path) -> Path:
    path = tmp_path / "prefs.annotator"
    with Project(path) as project:
        project.documents.add(title="Cloud suit", text=TEXT)
    return path


def open_preferences(window, qtbot):
    qtbot.keyClick(window, Qt.Key_Comma, Qt.ControlModifier)
    dialog = window.tool_window("preferences")
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def press_ok(dialog, qtbot) -> None:
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok), Qt.LeftButton)


def retype(widget, qtbot, text: str) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key_A, Qt.ControlModifier)
    qtbot.keyClicks(widget, text)


def tag(window, qtbot, phrase: str, key=Qt.Key_O):
    select_phrase(window, phrase)
    Driver(window).press(key)
    return window.annotation_panel.current()


def test_the_name_defaults_to_the_login_and_is_stored_on_new_tags(open_window, article_path, qtbot):
    window = open_window(article_path)
    first = tag(window, qtbot, "Amazon")
    assert first.annotator == default_annotator()

    dialog = open_preferences(window, qtbot)
    assert dialog.name.text() == default_annotator()
    retype(dialog.name, qtbot, "  Jiwoo   Park ")
    press_ok(dialog, qtbot)

    second = tag(window, qtbot, "Walmart")
    assert second.annotator == "Jiwoo Park"
    assert window.project.annotations.get(first.id).annotator == default_annotator()  # earlier tags keep theirs

    window.close()
    again = open_window(article_path)
    assert tag(again, qtbot, "Monday", key=Qt.Key_D).annotator == "Jiwoo Park"


def test_an_empty_name_is_refused_and_nothing_changes(open_window, article_path, qtbot, monkeypatch):
    window = open_window(article_path)
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))
    dialog = open_preferences(window, qtbot)
    retype(dialog.name, qtbot, "   ")
    press_ok(dialog, qtbot)
    assert shown and "Enter the name" in shown[0]
    assert dialog.isVisible()
    dialog.reject()
    assert tag(window, qtbot, "Amazon").annotator == default_annotator()


def test_with_snapping_off_a_partial_word_is_tagged_exactly(open_window, article_path, qtbot):
    window = open_window(article_path)
    assert tag(window, qtbot, "mazo").text == "Amazon"  # snapping is on by default

    dialog = open_preferences(window, qtbot)
    assert dialog.snap_words.isChecked()
    qtbot.mouseClick(dialog.snap_words, Qt.LeftButton)
    press_ok(dialog, qtbot)

    assert tag(window, qtbot, "almar").text == "almar"


def test_reader_font_and_size_apply_at_once_and_after_restart(open_window, article_path, qtbot):
    window = open_window(article_path)
    dialog = open_preferences(window, qtbot)
    retype(dialog.point_size, qtbot, "18")
    retype(dialog.font_family.lineEdit(), qtbot, "DejaVu Sans")
    qtbot.keyClick(dialog.font_family.lineEdit(), Qt.Key_Return)
    press_ok(dialog, qtbot)

    font = window.reader.font()
    assert font.pointSizeF() == 18
    assert font.families()[0] == "DejaVu Sans"
    assert "Noto Serif CJK KR" in font.families()  # Hangul still has a font behind the chosen one

    window.close()
    again = open_window(article_path)
    assert again.reader.font().pointSizeF() == 18
    assert again.reader.font().families()[0] == "DejaVu Sans"


def _dark_palette() -> QPalette:
    palette = QPalette()
    for role, color in ((QPalette.Window, "#2B2B2B"), (QPalette.Base, "#1E1E1E"), (QPalette.Text, "#E8E8E8"),
                        (QPalette.WindowText, "#E8E8E8")):
        palette.setColor(role, QColor(color))
    return palette


def _background_at(window, offset: int) -> QColor:
    position = window.reader.positions.to_qt(offset)
    block = window.reader.document().findBlock(position)
    inside = position - block.position()
    for r in block.layout().formats():
        if r.start <= inside < r.start + r.length:
            return r.format.background().color()
    raise AssertionError(f"no highlight at {offset}")


def test_in_a_dark_theme_highlights_stay_dark_enough_for_light_text(open_window, article_path, qtbot):
    window = open_window(article_path)
    tag(window, qtbot, "Walmart")
    light = _background_at(window, TEXT.index("Walmart"))
    app = QApplication.instance()
    original = app.palette()
    try:
        app.setPalette(_dark_palette())  # the system switched to dark mode
        qtbot.waitUntil(lambda: window.reader.palette().color(QPalette.Base) == QColor("#1E1E1E"))
        text = window.reader.palette().color(QPalette.Text)
        dark = _background_at(window, TEXT.index("Walmart"))
        assert dark != light
        assert abs(dark.lightnessF() - text.lightnessF()) >= 0.45
        # Every codebook colour, alone or two overlapping, keeps the text legible.
        base = window.reader.palette().color(QPalette.Base).name()
        colors = [label.color for label in window.project.codebook.labels() if label.color]
        for color in colors:
            for mixed in ([color], [color, colors[0]]):
                assert abs(blend(mixed, base).lightnessF() - text.lightnessF()) >= 0.45, mixed
    finally:
        app.setPalette(original)


def test_a_file_handed_out_to_a_coder_codes_as_that_coder_whatever_the_preferences_say(
        open_window, article_path, tmp_path, qtbot):
    from annotator.core.team.handout import handout

    with Project(article_path, create=False) as lead:
        coder_file = handout(lead, "Minji", tmp_path / "minji.annotator").path
    window = open_window(coder_file)
    assert tag(window, qtbot, "Amazon").annotator == "Minji"
    dialog = open_preferences(window, qtbot)
    retype(dialog.name, qtbot, "Jiwoo Park")
    press_ok(dialog, qtbot)
    assert window.statusBar().currentMessage() == "Preferences saved; new annotations are by Minji."
    assert tag(window, qtbot, "Walmart").annotator == "Minji"
