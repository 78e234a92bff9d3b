"""The Codesheet tab (issue 14, item 2): the document's variables as a form driven from the keyboard,
each answer the current coder's and one undoable edit, with what is still required said."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.core.project import Project
from annotator.ui.common import settings

from .driver import Driver

TITLE = "What If Walmart"


def _with_variables(path) -> None:
    with Project(path) as project:
        project.variables.add("topic", "single_choice", question="What is the article mainly about?", required=True,
                              choices=["Economy", "Politics", "Society"])
        project.variables.add("actors", "multiple_choice", question="Who acts in it?",
                              choices=["Government", "Business", "Citizens"])
        project.variables.add("negative", "yes_no", question="Is the tone negative?", required=True)
        project.variables.add("sources", "number", question="How many sources are quoted?")


def _open(open_window, path):
    settings.settings().setValue("preferences/annotator", "kim")
    window = open_window(path)
    ui = Driver(window)
    doc = ui.open(TITLE)
    return window, ui, doc


def _answers(project, doc) -> dict[str, str]:
    names = {v.id: v.name for v in project.variables.list()}
    return {names[k]: v for k, v in project.codesheet.answers(doc, "kim").items()}


def test_digits_and_tab_answer_the_codesheet_as_the_current_coder_and_undo_takes_an_answer_back(
        open_window, seeded_path, qtbot):
    _with_variables(seeded_path)
    window, ui, doc = _open(open_window, seeded_path)
    assert "Codesheet" in ui.side_tab_titles()
    sheet = ui.codesheet
    topic = next(f for f in sheet.fields.values() if f.variable.name == "topic")
    window.side_tabs.setCurrentWidget(sheet)
    topic.setFocus()
    assert "Required, not answered yet: topic, negative." in sheet.state.text()

    QTest.keyClick(topic, Qt.Key_2)  # 2 = Politics
    QTest.keyClick(topic, Qt.Key_Tab)
    actors = QApplication.focusWidget()
    assert actors.variable.name == "actors"
    QTest.keyClick(actors, Qt.Key_1)  # ticks Government
    QTest.keyClick(actors, Qt.Key_Down)
    QTest.keyClick(actors, Qt.Key_Space)  # and Business, the choice moved to
    QTest.keyClick(actors, Qt.Key_Tab)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key_Y)

    project = window.project
    assert _answers(project, doc) == {"topic": "2", "actors": "[1, 2]", "negative": "1"}
    assert [b.isChecked() for b in topic.buttons] == [False, True, False]
    assert [b.isChecked() for b in actors.buttons] == [True, True, False]
    assert "Done for kim." in sheet.state.text()
    assert project.codesheet.is_done(doc, "kim")

    ui.press(Qt.Key_Z, Qt.ControlModifier)  # the last answer goes, and the sheet says so
    assert _answers(project, doc) == {"topic": "2", "actors": "[1, 2]"}
    assert "Required, not answered yet: negative." in sheet.state.text()
    ui.press(Qt.Key_Z, Qt.ControlModifier)
    assert _answers(project, doc)["actors"] == "[1]"
    assert [b.isChecked() for b in actors.buttons] == [True, False, False]


def test_a_refused_number_is_explained_and_nothing_is_stored(open_window, seeded_path):
    _with_variables(seeded_path)
    window, ui, doc = _open(open_window, seeded_path)
    sources = next(f for f in ui.codesheet.fields.values() if f.variable.name == "sources")
    window.side_tabs.setCurrentWidget(ui.codesheet)
    sources.setFocus()
    QTest.keyClicks(sources, "2,5")
    QTest.keyClick(sources, Qt.Key_Return)

    assert "takes a number" in ui.codesheet.problem.text() and ui.codesheet.problem.isVisible()
    assert "point" in ui.codesheet.problem.text()  # what to do: 2.5
    assert _answers(window.project, doc) == {}
    sources.clear()
    QTest.keyClicks(sources, "3")
    QTest.keyClick(sources, Qt.Key_Return)
    assert _answers(window.project, doc) == {"sources": "3"} and not ui.codesheet.problem.isVisible()


def test_nothing_to_code_marks_the_document_coded_for_this_coder(open_window, tmp_path):
    path = tmp_path / "optional.annotator"
    with Project(path) as project:
        project.documents.add(title="What If Walmart Were A Webhost", text="Short.")
        project.variables.add("topic", "single_choice", choices=["Economy", "Politics"])
    window, ui, doc = _open(open_window, path)
    assert "Not coded yet" in ui.codesheet.state.text()

    ui.codesheet.mark_button.click()

    assert window.project.codesheet.is_marked(doc, "kim") and window.project.codesheet.is_done(doc, "kim")
    assert "Done for kim." in ui.codesheet.state.text() and ui.codesheet.mark_button.isChecked()
    ui.press(Qt.Key_Z, Qt.ControlModifier)
    assert not window.project.codesheet.is_done(doc, "kim") and not ui.codesheet.mark_button.isChecked()


def test_another_coders_answers_are_shown_read_only(open_window, seeded_path):
    _with_variables(seeded_path)
    with Project(seeded_path) as project:
        doc = next(d.id for d in project.documents.summaries() if d.title.startswith(TITLE))
        project.codesheet.set(doc, "topic", 3, coder="lee")
        project.codesheet.set(doc, "topic", 1, coder="kim")
    _window, ui, doc = _open(open_window, seeded_path)
    topic = next(f for f in ui.codesheet.fields.values() if f.variable.name == "topic")
    assert [b.isChecked() for b in topic.buttons] == [True, False, False]  # mine

    ui.choose_coders("lee's codes")

    assert [b.isChecked() for b in topic.buttons] == [False, False, True] and not topic.isEnabled()
    assert not ui.codesheet.mark_button.isEnabled()
