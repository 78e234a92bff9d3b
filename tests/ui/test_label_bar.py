"""The label toolbar shows every label at the default window width (issue 11, item 6b)."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QApplication

from tests.ui.driver import Driver


def label_buttons(window) -> dict[str, QAbstractButton]:
    """Each label action's button on screen, by label name."""
    actions = [a for a in window.label_bar.actions() if isinstance(a, QAction) and a.objectName().startswith("label_")]
    buttons = {}
    for action in actions:
        shown = [w for w in action.associatedObjects() if isinstance(w, QAbstractButton) and w.window() is window]
        assert shown, f"{action.iconText()} has no button in the window"
        buttons[action.iconText()] = shown[0]
    return buttons


def fully_in_window(window, widget) -> bool:
    if not widget.isVisible():
        return False
    top_left = widget.mapTo(window, widget.rect().topLeft())
    return window.rect().contains(QRect(top_left, widget.size()))


def test_a_new_label_leaves_every_label_on_screen_at_1400_px(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    window.resize(1400, 860)
    window.ops.run("Add label", window.project.codebook.add_label, "Rumour or hearsay", "claim", key="K",
                   color="#17BECF")
    QApplication.processEvents()
    qtbot.waitUntil(lambda: "Rumour or hearsay" in label_buttons(window))
    names = [label.name for label in window.project.codebook.codable_labels()]
    buttons = label_buttons(window)
    assert list(buttons) == names
    assert window.width() == 1400
    hidden = [name for name, button in buttons.items() if not fully_in_window(window, button)]
    assert hidden == []
    # The reader keeps most of the height.
    assert window.reader.height() > 500


def test_the_buttons_still_tag(open_window, seeded_path, qtbot):

    window = open_window(seeded_path)

    ui = Driver(window)
    doc_id = ui.open("What If Walmart")
    ui.select_phrase("Walmart", occurrence=2)
    label_buttons(window)["Organization"].click()
    [annotation] = window.project.annotations.for_document(doc_id)
    assert (annotation.text, annotation.label_id) == ("Walmart", window.project.codebook.by_name("Organization").id)


def test_a_narrow_window_shows_every_label_by_its_key_without_eating_the_reader(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    window.resize(window.minimumSizeHint().width(), 500)
    qtbot.waitUntil(lambda: window.width() < 700)
    QApplication.processEvents()
    buttons = label_buttons(window)
    assert [name for name, button in buttons.items() if not fully_in_window(window, button)] == []
    assert window.label_bar.compact()
    for name, button in buttons.items():
        assert name in button.defaultAction().toolTip()  # the name is a hover away
    assert window.label_bar.height() < 3 * buttons["Person"].height()
    window.resize(1400, 860)
    qtbot.waitUntil(lambda: not window.label_bar.compact())
    assert all(button.text() in ("", name) or name in button.text() for name, button in buttons.items())
