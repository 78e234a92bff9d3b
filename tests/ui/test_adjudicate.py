"""Analyze › Adjudicate (issue 14, item 6): two coders' versions side by side, settled into gold by key."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QProxyStyle, QStyle

from annotator.core.project import Project
from annotator.core.team.adjudication import take_agreed
from annotator.ui.team.adjudicate import AdjudicateWindow
from tests.core.test_adjudication import TEXT, code_study
from tests.support import dump, span_of
from tests.ui.driver import Driver

ALONE_TEXT = "Lee never read this one. 삼성전자가 실적을 발표했다."


@pytest.fixture
def team_path(tmp_path: Path) -> Path:
    """Kim and Lee coded 기사 (agreeing on some codes, not others); only Kim coded the second document."""
    path = tmp_path / "team.annotator"
    with Project(path) as p:
        code_study(p)
        p.annotations.annotator = "Kim"
        alone = p.documents.add(title="Kim only", text=ALONE_TEXT)
        p.annotations.add(alone, p.codebook.by_name("Organization"), *span_of(ALONE_TEXT, "삼성전자"))
    return path


def open_adjudicate(window, qtbot) -> AdjudicateWindow:
    """Analyze › Adjudicate…, as a click on the menu entry."""
    analyze = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Analyze")
    entry = next(a for a in analyze.actions() if a.text().replace("&", "").startswith("Adjudicate"))
    entry.trigger()
    tool = window.tool_window("adjudicate")
    qtbot.waitExposed(tool)
    tool.activateWindow()
    qtbot.waitUntil(tool.isActiveWindow)
    return tool


def headings(tool: AdjudicateWindow) -> list[str]:
    model = tool.view.model()
    return [model.headerData(c, Qt.Horizontal) for c in range(model.columnCount())]


def shown_rows(tool: AdjudicateWindow) -> list[tuple[str, ...]]:
    model = tool.view.model()
    return [tuple(model.index(r, c).data() for c in range(model.columnCount())) for r in range(model.rowCount())]


def select_row(tool: AdjudicateWindow, where: str, column: int = 1) -> None:
    """Click the row whose place reads so."""
    row = next(r for r, shown in enumerate(shown_rows(tool)) if shown[1] == where)
    tool.view.setCurrentIndex(tool.view.model().index(row, column))


def press(tool: AdjudicateWindow, key, modifiers=Qt.NoModifier) -> None:
    QTest.keyClick(tool.view, key, modifiers)


class SingleClickActivates(QProxyStyle):
    def styleHint(self, hint, option=None, widget=None, data=None):  # noqa: N802
        if hint == QStyle.SH_ItemView_ActivateItemOnSingleClick:
            return 1
        return super().styleHint(hint, option, widget, data)


def gold_codes(project: Project, doc: int) -> set[tuple]:
    gold = project.coders.gold()
    if gold is None:
        return set()
    return {(a.text, project.codebook.label(a.label_id).name, a.target)
            for a in project.annotations.for_document(doc) if a.coder_id == gold.id}


@pytest.fixture
def adjudicating(open_window, team_path, qtbot):
    window = open_window(team_path)
    doc = Driver(window).open("기사")
    return window, doc, open_adjudicate(window, qtbot)


def test_every_coders_version_stands_side_by_side_marked_in_words_as_well_as_colour(adjudicating):
    _window, _doc, tool = adjudicating
    assert headings(tool) == ["Coders", "Where", "1  Kim", "2  Lee", "Gold (adjudicated)"]
    rows = {shown[1]: shown for shown in shown_rows(tool)}
    assert rows["Entity · «월마트»"] == ("✓ agree", "Entity · «월마트»", "Organization", "Organization", "–")
    assert rows["Entity · «Walmart left»"] == ("✗ differ", "Entity · «Walmart left»", "Organization «Walmart»",
                                              "Organization «Walmart left»", "–")
    assert rows["Entity · «Azure»"][0] == "◐ one coder" and rows["Entity · «Azure»"][3] == "–"
    assert rows["Claim · «Walmart left AWS for Azure»"][:4] == (
        "✓ agree; verdict differs", "Claim · «Walmart left AWS for Azure»", "Claim verdict: accurate",
        "Claim verdict: false")
    assert rows["Whole document · Stance toward Amazon"][2:4] == ("Favor → Amazon", "Favor → Amazon")
    assert rows["Whole document · Stance toward 정부"][:4] == ("✗ differ", "Whole document · Stance toward 정부",
                                                              "Against → 정부", "Favor → 정부")
    assert rows["Question: tone"] == ("✗ differ", "Question: tone", "1 = negative", "3 = positive", "–")
    assert rows["Question: topic"][0] == "✓ agree"
    # The colour says it too, each status its own tint, and the rows needing a decision are bold.
    model = tool.view.model()
    tint = {shown[0].split(";")[0]: model.index(r, 0).data(Qt.BackgroundRole).color().name()
            for r, shown in enumerate(shown_rows(tool))}
    assert len({tint["✓ agree"], tint["✗ differ"], tint["◐ one coder"]}) == 3
    differ_row = next(r for r, shown in enumerate(shown_rows(tool)) if shown[0] == "✗ differ")
    assert model.index(differ_row, 0).data(Qt.FontRole).bold()
    assert "기사" in tool.windowTitle() and "Kim, Lee" in tool.heading.text()


def test_selecting_a_row_shows_its_place_in_the_reader(adjudicating):
    window, _doc, tool = adjudicating
    select_row(tool, "Entity · «Walmart left»")
    assert Driver(window).selection() == span_of(TEXT, "Walmart left")
    select_row(tool, "Entity · «아마존»")
    assert Driver(window).selection() == span_of(TEXT, "아마존")
    assert tool.isActiveWindow()  # keys still go to the adjudication


def test_a_number_key_takes_that_coders_version_of_the_row_and_undo_restores_gold_exactly(adjudicating, qtbot):
    window, doc, tool = adjudicating
    project = window.project
    before = dump(project)
    select_row(tool, "Entity · «Walmart left»")
    press(tool, Qt.Key_2)
    assert gold_codes(project, doc) == {("Walmart left", "Organization", None)}
    qtbot.waitUntil(lambda: {s[1]: s for s in shown_rows(tool)}["Entity · «Walmart left»"][4]
                    == "Organization «Walmart left»")
    assert tool.status.text().startswith("Took Lee's version into gold: 1 span")
    press(tool, Qt.Key_1)  # Kim's instead: it replaces Lee's in gold
    assert gold_codes(project, doc) == {("Walmart", "Organization", None)}
    select_row(tool, "Question: tone")
    press(tool, Qt.Key_2)
    assert project.codesheet.answers(doc, "gold") == {project.variables.named("tone").id: "3"}

    for _ in range(3):
        press(tool, Qt.Key_Z, Qt.ControlModifier)
    assert dump(project) == before
    assert Driver(window).status() == "Undid: Take Lee's Entity · «Walmart left»"
    assert tool.status.text() == "Undid: Take Lee's Entity · «Walmart left»"
    press(tool, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert gold_codes(project, doc) == {("Walmart left", "Organization", None)}
    assert Driver(window).status().startswith("Redid: Take Lee's")


def test_enter_on_a_cell_takes_that_cells_coder_and_a_coder_with_nothing_there_is_said_so(adjudicating):
    window, doc, tool = adjudicating
    project = window.project
    style = SingleClickActivates()  # as on desktops where one click opens a file
    tool.view.setStyle(style)
    select_row(tool, "Entity · «Walmart left»", column=3)
    QTest.mouseClick(tool.view.viewport(), Qt.LeftButton, pos=tool.view.visualRect(tool.view.currentIndex()).center())
    assert gold_codes(project, doc) == set()  # a click selects, even where a click activates
    select_row(tool, "Entity · «Walmart left»", column=2)
    press(tool, Qt.Key_Return)
    assert gold_codes(project, doc) == {("Walmart", "Organization", None)}
    rect = tool.view.visualRect(tool.view.model().index(tool.view.currentIndex().row(), 3))
    QTest.mouseDClick(tool.view.viewport(), Qt.LeftButton, pos=rect.center())
    assert gold_codes(project, doc) == {("Walmart left", "Organization", None)}
    before = dump(project)
    select_row(tool, "Entity · «Azure»", column=1)
    press(tool, Qt.Key_2)  # Lee did not code Azure
    assert dump(project) == before and "Lee has nothing here to take" in tool.status.text()
    press(tool, Qt.Key_3)  # no third coder
    assert dump(project) == before and "There is no coder 3" in tool.status.text()


@pytest.mark.parametrize("keys", [(Qt.Key_A, Qt.NoModifier), (Qt.Key_A, Qt.ControlModifier | Qt.ShiftModifier)])
def test_a_key_takes_everything_all_coders_agree_on_as_one_step(adjudicating, tmp_path, keys):
    window, doc, tool = adjudicating
    project = window.project
    before = dump(project)
    press(tool, *keys)
    # Exactly what the core's take_agreed puts into gold, on a copy of the project made before.
    with Project(tmp_path / "reference.annotator") as reference:
        code_study(reference)
        take_agreed(reference, doc)
        assert gold_codes(project, doc) == gold_codes(reference, doc)
    assert ("월마트", "Organization", None) in gold_codes(project, doc)
    assert tool.status.text().startswith("Took everything all coders agree on into gold: 3 spans")
    press(tool, Qt.Key_Z, Qt.ControlModifier)
    assert dump(project) == before


def test_clear_gold_empties_gold_for_the_document_and_undoes(adjudicating):
    window, doc, tool = adjudicating
    project = window.project
    press(tool, Qt.Key_A)
    taken = dump(project)
    press(tool, Qt.Key_Delete, Qt.ControlModifier)
    assert gold_codes(project, doc) == set() and project.codesheet.answers(doc, "gold") == {}
    press(tool, Qt.Key_Z, Qt.ControlModifier)
    assert dump(project) == taken


def test_the_window_follows_the_document_the_reader_shows(adjudicating, qtbot):
    window, doc, tool = adjudicating
    ui = Driver(window)
    ui.open("Kim only")
    assert "Kim only" in tool.windowTitle()
    text = tool.message.text()
    assert tool.pages.currentWidget() is tool.message and tool.view.model().rowCount() == 0
    assert "Nothing to adjudicate here: only Kim has coded this document; Lee has not." in text
    assert "Merge coder's project" in text and not tool.buttons["takeAgreed"].isEnabled()
    ui.open("기사")
    assert "기사" in tool.windowTitle() and tool.pages.currentWidget() is tool.view
    assert headings(tool)[2:4] == ["1  Kim", "2  Lee"]
    # Undoing in the window while another document is shown goes back to the document it changed.
    press(tool, Qt.Key_A)
    ui.open("Kim only")
    press(tool, Qt.Key_Z, Qt.ControlModifier)
    assert window.current_doc_id == doc and gold_codes(window.project, doc) == set()


def test_a_project_with_one_coder_says_why_there_is_nothing_to_adjudicate_and_what_to_do(open_window, tmp_path, qtbot):
    path = tmp_path / "solo.annotator"
    with Project(path) as p:
        p.annotations.annotator = "Kim"
        doc = p.documents.add(title="혼자", text=ALONE_TEXT)
        p.annotations.add(doc, p.codebook.by_name("Organization"), *span_of(ALONE_TEXT, "삼성전자"))
    window = open_window(path)
    tool = open_adjudicate(window, qtbot)
    before = dump(window.project)
    text = tool.message.text()
    assert tool.pages.currentWidget() is tool.message
    assert "Nothing to adjudicate: this project has one coder, Kim." in text
    assert "Export for a coder" in text and "annotator handout" in text and "annotator merge" in text
    press(tool, Qt.Key_A)
    press(tool, Qt.Key_1)
    assert dump(window.project) == before


def test_a_step_undoes_from_the_main_window_too_and_the_windows_undo_leaves_others_edits_alone(adjudicating, qtbot):
    window, doc, tool = adjudicating
    project, ui = window.project, Driver(window)
    before = dump(project)
    press(tool, Qt.Key_A)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    ui.press(Qt.Key_Z, Qt.ControlModifier)  # Edit › Undo in the main window
    assert dump(project) == before and ui.status() == "Undid: Take agreed codes"
    ui.press(Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    ui.select_phrase("AWS")
    ui.press(Qt.Key_O)  # a tag in the reader, after the step
    tagged = dump(project)
    tool.activateWindow()
    qtbot.waitUntil(tool.isActiveWindow)
    assert not tool.undo_action.isEnabled()
    press(tool, Qt.Key_Z, Qt.ControlModifier)
    assert dump(project) == tagged and "not made in this window" in tool.undo_action.toolTip()


def test_a_closed_window_shows_what_changed_meanwhile_when_opened_again(adjudicating, qtbot):
    window, doc, tool = adjudicating
    tool.close()
    ui = Driver(window)
    ui.select_phrase("AWS")
    ui.press(Qt.Key_O)  # coded by whoever this computer's Preferences name: a third coder
    again = open_adjudicate(window, qtbot)
    assert again is tool
    me = window.project.coders.current_name
    assert headings(tool)[2:5] == ["1  Kim", "2  Lee", f"3  {me}"]
    assert {s[1]: s for s in shown_rows(tool)}["Entity · «AWS»"][:5] == ("◐ one coder", "Entity · «AWS»", "–", "–",
                                                                         "Organization «AWS»")


def test_a_read_only_project_says_so_and_changes_nothing(adjudicating, monkeypatch):
    window, doc, tool = adjudicating
    before = dump(window.project)
    monkeypatch.setattr(window.project.store, "read_only_reason", "it is open in another Annotator")
    select_row(tool, "Entity · «Walmart left»")
    press(tool, Qt.Key_2)
    assert dump(window.project) == before
    assert tool.status.text().startswith("This project is open read-only, so nothing was changed")
