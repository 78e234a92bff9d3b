"""Analyze › Agreement (issue 14, item 5): the figures the core computes, banded, with the places coders differ."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.core.project import Project
from annotator.core.team.project_agreement import agreement
from annotator.core.team.results import band
from annotator.core.team.table import COLUMNS
from annotator.ui.team.agreement import AgreementWindow
from annotator.ui.team.agreement_models import ALPHAS, FIGURE_HEADINGS, READINGS, shown_value
from tests.support import span_of
from tests.ui.driver import Driver

TEXTS = ["Walmart left AWS on Monday, the company said.", "월마트는 아마존을 떠났다고 밝혔다.",
         "The CEO said prices will fall next year.", "삼성전자가 실적을 발표했다.",
         "Voters in Busan backed the mayor.", "Exports fell for a third month."]
# topic: the coders agree on all but one document (reliable); tone: they agree on few (not reliable).
TOPIC = {"Kim": [1, 1, 2, 2, 9, 1], "이지은": [1, 1, 2, 2, 9, 2], "Park": [1, 1, 2, 2, 9, 1]}
TONE = {"Kim": [1, 2, 3, 1, 2, 3], "이지은": [3, 2, 1, 2, 1, 3], "Park": [2, 2, 3, 3, 1, 1]}
FIRST_WORD_END = {"이지은": -1}  # 이지은 marks one character less of the first word: a span disagreement


def build_team(p: Project, coders=("Kim", "이지은")) -> list[int]:
    docs = [p.documents.add(title=f"기사 {i + 1}", text=text) for i, text in enumerate(TEXTS)]
    p.variables.add("topic", "single_choice", choices=[(1, "Economy"), (2, "Politics"), (9, "Other")])
    p.variables.add("tone", "single_choice", level="ordinal", choices=[(1, "negative"), (2, "neutral"),
                                                                      (3, "positive")])
    org = p.codebook.by_name("Organization")
    for coder in coders:
        p.annotations.annotator = coder
        for i, doc in enumerate(docs):
            start, end = span_of(TEXTS[i], TEXTS[i].split()[0])
            p.annotations.add(doc, org, start, end + (FIRST_WORD_END.get(coder, 0) if i == 0 else 0))
            p.codesheet.set_many(doc, {"topic": TOPIC[coder][i], "tone": TONE[coder][i]}, coder=coder)
    return docs


@pytest.fixture
def team_path(tmp_path: Path) -> Path:
    path = tmp_path / "team.annotator"
    with Project(path) as p:
        build_team(p, ("Kim", "이지은", "Park"))
    return path


def open_agreement(window, qtbot) -> AgreementWindow:
    """Analyze › Agreement…, as a click on the menu entry: the figures are computed as it opens."""
    analyze = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Analyze")
    entry = next(a for a in analyze.actions() if a.text().replace("&", "").startswith("Agreement"))
    entry.trigger()
    tool = window.tool_window("agreement")
    qtbot.waitExposed(tool)
    return tool


def shown(view) -> list[list[str]]:
    model = view.model()
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_the_window_shows_every_figure_the_core_computes_with_what_it_rests_on(open_window, team_path, qtbot):
    window = open_window(team_path)
    tool = open_agreement(window, qtbot)
    expected = agreement(window.project)
    assert tool.report is not None, tool.status.text()
    assert tool.report.coders == ("Kim", "이지은", "Park")
    rows = shown(tool.figures_view)
    assert len(rows) == len(expected.rows) > 10
    heading = {name: i for i, name in enumerate(FIGURE_HEADINGS)}
    for cells, row in zip(rows, expected.rows):
        f = row.figure
        assert cells[heading["Name"]] == row.name
        assert cells[heading["Value"]] == shown_value(f)
        assert (cells[heading["Coders"]], cells[heading["Documents"]], cells[heading["Units"]]) == (
            str(f.coders), f"{f.documents:,}", f"{f.units:,}")
        assert cells[heading["Why no value"]] == (f.reason or "")
    assert f"over {len(expected.units)} documents" in tool.summary.text()
    # The matrix: one row and column per coder, each pair's F1 over the documents both coded.
    assert tool.matrix.rowCount() == tool.matrix.columnCount() == 3
    pair = expected.pair("Kim", "이지은")
    assert tool.matrix.item(0, 1).text() == f"{pair.f1_overlap.value:.3f}\n{pair.documents} documents"
    documents = shown(tool.documents_view)
    assert [cells[0] for cells in documents] == [d.title for d in expected.documents]
    assert documents[0][4] == str(expected.documents[0].disagreements)


def test_alphas_are_banded_by_krippendorff_s_conventions_in_words_and_tints(open_window, team_path, qtbot):
    window = open_window(team_path)
    tool = open_agreement(window, qtbot)
    model = tool.figures_view.model()
    reading, value = FIGURE_HEADINGS.index("Reading"), FIGURE_HEADINGS.index("Value")
    seen = set()
    for r, row in enumerate(tool.report.rows):
        word = model.index(r, reading).data()
        tinted = model.index(r, value).data(Qt.BackgroundRole)
        if row.figure.measure in ALPHAS and row.figure.value is not None:
            assert word == READINGS[band(row.figure.value)]
            assert tinted is not None
            seen.add(band(row.figure.value))
        else:  # kappa, percent and F1 have no such convention; a missing figure has no reading
            assert word == "" and tinted is None
    topic = next(r for r in tool.report.rows if (r.name, r.figure.measure) == ("topic", "alpha"))
    tone = next(r for r in tool.report.rows if (r.name, r.figure.measure) == ("tone", "alpha"))
    assert band(topic.figure.value) == "reliable" and band(tone.figure.value) == "unreliable"
    assert READINGS["reliable"].startswith("✓ reliable") and READINGS["unreliable"].startswith("✗ not reliable")
    assert READINGS["tentative"] == "~ tentative conclusions only (.667–.800)"
    assert {"reliable", "unreliable"} <= seen


def test_choosing_a_disagreement_opens_the_document_at_the_disputed_place(open_window, team_path, qtbot):
    window = open_window(team_path)
    tool = open_agreement(window, qtbot)
    places = tool.report.disagreements
    row = next(i for i, place in enumerate(places) if place.kind == "span")
    place = places[row]
    tool.tabs.setCurrentWidget(tool.places_view)
    tool.places_view.setCurrentIndex(tool.places.index(row, 0))
    assert window.current_doc_id == place.document
    assert Driver(window).selection() == (place.start, place.end)
    assert "Walmart" in tool.places.index(row, 3).data()  # the disputed text is quoted
    whole = next(i for i, p in enumerate(places) if p.start is None and p.document != place.document)
    tool.places_view.setCurrentIndex(tool.places.index(whole, 0))
    assert window.current_doc_id == places[whole].document


def test_export_csv_writes_the_table_with_the_issue_s_columns(open_window, team_path, qtbot, tmp_path):
    window = open_window(team_path)
    tool = open_agreement(window, qtbot)
    out = tmp_path / "agreement.csv"
    assert tool.export_csv(out) == len(tool.report.rows)
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == COLUMNS
    assert [row[:3] for row in rows[1:]] == [[r.scope, r.name, r.figure.measure] for r in tool.report.rows]
    assert tool.status.text() == f"Wrote {len(tool.report.rows)} figures to {out}"


def test_unticking_a_coder_compares_the_others(open_window, team_path, qtbot):
    window = open_window(team_path)
    tool = open_agreement(window, qtbot)
    tool.coders.item(2).setCheckState(Qt.Unchecked)  # Park
    tool.compute_button.click()
    assert tool.report.coders == ("Kim", "이지은")
    assert [r.figure.value for r in tool.report.rows] == [
        r.figure.value for r in agreement(window.project, coders=["Kim", "이지은"]).rows]
    tool.coders.item(1).setCheckState(Qt.Unchecked)
    tool.compute_button.click()
    assert tool.status.text() == "Tick two coders or more: agreement compares coders."


def test_the_document_list_s_filter_limits_the_documents(open_window, team_path, qtbot):
    window = open_window(team_path)
    window.doc_filter.title.setText("기사 1")  # the list shows 기사 1 only
    window.doc_filter.apply()
    tool = open_agreement(window, qtbot)
    scope = tool.scope
    scope.setCurrentIndex(scope.findData("list"))
    assert scope.currentText() == "The 1 the document list shows"
    tool.compute_button.click()
    assert tool.report.units == (window.project.documents.ids()[0],)


def test_one_coder_says_why_there_is_nothing_to_compare(open_window, tmp_path, qtbot):
    path = tmp_path / "alone.annotator"
    with Project(path) as p:
        build_team(p, ("Kim",))
    window = open_window(path)
    tool = open_agreement(window, qtbot)
    assert tool.pages.currentWidget() is tool.message
    assert tool.message.text() == agreement(window.project).problem
    assert not tool.export_button.isEnabled()


def test_an_edit_after_computing_says_the_figures_are_out_of_date(open_window, team_path, qtbot):
    window = open_window(team_path)
    tool = open_agreement(window, qtbot)
    project = window.project
    window.ops.run("Answer", project.codesheet.set, project.documents.ids()[0], "topic", 2)
    assert "press Compute" in tool.status.text()


def test_cancel_while_computing_keeps_the_figures_shown_before(open_window, team_path, qtbot, monkeypatch):
    import threading

    from annotator.ui.team import agreement as agreement_window
    from tests.ui.test_worker import press_cancel, when_visible

    window = open_window(team_path)
    tool = open_agreement(window, qtbot)
    before = tool.report
    released = threading.Event()
    real = agreement_window.agreement

    def held(*args, **kwargs):  # a big project's seconds, held until Cancel has been pressed
        assert released.wait(20), "the test never let the computation go on"
        return real(*args, **kwargs)

    monkeypatch.setattr(agreement_window, "agreement", held)

    def cancel(dialog) -> bool:
        press_cancel(qtbot, dialog)
        released.set()
        return True

    when_visible(tool, qtbot, "agreementProgress", cancel)
    tool.level.setCurrentIndex(tool.level.findData("interval"))
    assert tool.compute() is None
    assert tool.report is before
    assert tool.status.text() == "Cancelled; the figures shown are those computed before."


def test_cancel_stops_the_computation_part_way(open_window, team_path, qtbot, monkeypatch):
    import threading

    from annotator.core.team.project_agreement import AgreementCancelled
    from annotator.ui.team import agreement as agreement_window
    from tests.ui.test_worker import press_cancel, when_visible

    window = open_window(team_path)
    tool = open_agreement(window, qtbot)
    before = tool.report
    released = threading.Event()
    calls: list[tuple[int, int]] = []
    ended: list[BaseException] = []
    real = agreement_window.agreement

    def watched(*args, on_progress, **kwargs):
        def told(done: int, total: int):
            if total and not released.is_set():  # part-way: hold the run until Cancel has been pressed
                assert released.wait(20), "the test never pressed Cancel"
            calls.append((done, total))
            return on_progress(done, total)

        try:
            return real(*args, on_progress=told, **kwargs)
        except AgreementCancelled as exc:
            ended.append(exc)
            raise

    monkeypatch.setattr(agreement_window, "agreement", watched)

    def cancel(dialog) -> bool:
        press_cancel(qtbot, dialog)
        released.set()
        return True

    when_visible(tool, qtbot, "agreementProgress", cancel)
    assert tool.compute() is None
    assert ended, "the computation ran to its end although Cancel was pressed"
    done, total = calls[-1]
    assert done < total  # it stopped at the first step after Cancel, the rest never computed
    assert tool.report is before
    assert tool.status.text() == "Cancelled; the figures shown are those computed before."


def test_help_lists_the_adjudicate_window_s_keys(open_window, team_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *rest: shown.append(text))
    window = open_window(team_path)
    window.show_shortcuts()
    assert ("Analyze › Adjudicate (Ctrl+Shift+J), on the selected row: 1–9 take that coder's version into gold; "
            "Enter takes the selected cell's coder's; A or Ctrl+Shift+A takes everything all coders agree on; "
            "Ctrl+Delete clears gold for the document") in shown[0]
