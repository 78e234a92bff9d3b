"""Edit › Codebook › Document variables (issue 14, item 2): add, edit, reorder and delete the codesheet's
questions, each undoable from the Codebook window; the Codesheet tab follows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from .driver import Driver
from .test_codebook_editor import open_editor


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *rest: shown.append(text))
    return shown


def _ok(dialog, qtbot) -> None:
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok), Qt.LeftButton)


def _variables_tab(window, qtbot):
    editor = open_editor(window, qtbot)
    editor.pages.setCurrentWidget(editor.variables_tab)
    return editor, editor.variables_tab


def _fill(dialog, qtbot, name: str, kind: str, choices: str = "", *, question: str = "", level: str | None = None,
          required: bool = False) -> None:
    qtbot.keyClicks(dialog.name, name)
    qtbot.keyClicks(dialog.question, question)
    dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
    if level is not None:
        dialog.level.setCurrentIndex(dialog.level.findData(level))
    if required:
        qtbot.mouseClick(dialog.required, Qt.LeftButton)
    dialog.choices.setPlainText(choices)


def test_add_a_variable_with_coded_choices_then_undo_removes_it(open_window, seeded_path, qtbot):
    window = open_window(seeded_path)
    ui = Driver(window)
    assert "Codesheet" not in ui.side_tab_titles()
    editor, tab = _variables_tab(window, qtbot)

    qtbot.mouseClick(next(b for b in tab.findChildren(type(editor.add_label_button)) if b.text() == "Add variable…"),
                     Qt.LeftButton)
    dialog = tab.dialog
    qtbot.waitUntil(dialog.isVisible)
    _fill(dialog, qtbot, "tone", "single_choice", "1 = negative\n2 = neutral\n3 = positive",
          question="What is the tone toward the company?", level="ordinal", required=True)
    _ok(dialog, qtbot)

    [tone] = window.project.variables.list()
    assert (tone.name, tone.kind, tone.level, tone.required) == ("tone", "single_choice", "ordinal", True)
    assert [(c.code, c.label) for c in tone.choices] == [(1, "negative"), (2, "neutral"), (3, "positive")]
    assert tab.list.item(0).text() == ("tone: single choice, ordinal, required "
                                       "(1 = negative; 2 = neutral; 3 = positive)")
    assert "Codesheet" in ui.side_tab_titles()  # the codesheet appears with its first question
    assert [b.text() for b in next(iter(ui.codesheet.fields.values())).buttons] == [
        "1 = negative", "2 = neutral", "3 = positive"]

    editor.undo_action.trigger()

    assert window.project.variables.list() == [] and tab.list.count() == 0
    assert "Codesheet" not in ui.side_tab_titles()


def test_edit_reorder_and_a_refused_definition_says_why(open_window, seeded_path, qtbot, warnings):
    window = open_window(seeded_path)
    variables = window.project.variables
    variables.add("topic", "single_choice", choices=["Economy", "Politics"])
    variables.add("pages", "number")
    editor, tab = _variables_tab(window, qtbot)
    assert [tab.list.item(i).text().split(":")[0] for i in range(tab.list.count())] == ["topic", "pages"]

    tab.list.setCurrentRow(1)
    tab.move(-1)
    assert [v.name for v in variables.list()] == ["pages", "topic"]
    assert tab.list.currentItem().text().startswith("pages")  # the moved variable stays selected

    tab.list.setCurrentRow(1)
    tab.edit_variable()
    dialog = tab.dialog
    dialog.choices.setPlainText("1 = Economy\n1 = Politics")  # one code, two meanings: refused
    _ok(dialog, qtbot)
    assert warnings and "code 1 would mean both" in warnings[-1]
    qtbot.waitUntil(dialog.isVisible)  # still open, to fix what was typed
    dialog.choices.setPlainText("1 = Economy\n2 = Politics\n9 = Other")
    _ok(dialog, qtbot)
    assert [c.code for c in variables.named("topic").choices] == [1, 2, 9]

    editor.undo_action.trigger()
    assert [c.code for c in variables.named("topic").choices] == [1, 2]
    editor.undo_action.trigger()
    assert [v.name for v in variables.list()] == ["topic", "pages"]
