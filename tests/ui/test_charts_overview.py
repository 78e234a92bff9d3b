"""Analyze › Charts opens on an Overview (issue 16, item 1): the project's small charts at once under the window's
filter, each with the numbers a query of our own counts, a reason in place of a chart with nothing to count, a click
on a bar listing what it counts, and Open or a double click showing that chart alone."""

from __future__ import annotations


import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QPushButton

from annotator.core.charts.data import chart_data
from annotator.core.charts.draw import cell_centres
from annotator.ui.charts.choices import OVERVIEW
from tests.ui.test_charts_dashboard import COUNTS, built, charts_path, listed, open_charts  # noqa: F401 - fixtures

pytestmark = pytest.mark.filterwarnings("error:Glyph:UserWarning")  # Korean drawn as boxes fails a test

PANELS = ["stance-targets", "stance-time", "entities", "claims-verdict", "labels", "agreement"]


def panel_numbers(data) -> dict[tuple[str, str], float]:
    """A panel's numbers as its table (ChartData.table) gives them, zeros left out."""
    header, lines = data.table()
    return {(str(line[0]), column): float(value) for line in lines
            for column, value in zip(header[1:], line[1:]) if value not in ("", 0)}


def test_the_window_opens_on_the_overview_with_each_panel_counting_what_a_query_of_our_own_counts(
        open_window, charts_path, qtbot):
    window = open_window(charts_path)
    tool = open_charts(window, qtbot, OVERVIEW)
    assert tool.choices.current_kind() == OVERVIEW and tool.pages.currentWidget() is tool.overview
    assert [panel.kind for panel in tool.panels] == PANELS  # kim and lee: agreement joins the panels
    assert list(tool.overview.canvases) == PANELS  # every panel drawn, none with a reason
    assert not tool.table.isVisible() and not tool.export_button.isEnabled()
    conn = window.project.store.conn
    for panel in tool.panels[:-1]:
        counted = {(str(r), str(c)): float(n) for r, c, n in conn.execute(COUNTS[panel.kind]) if n}
        assert panel_numbers(panel.data) == counted, panel.kind
        heading = tool.overview.frames[panel.kind].findChild(QLabel, "overviewTitle").text()
        assert heading == panel.data.title
    # Agreement's 6 rows (its 8 lowest, were there more), named without "whole document: " in the small panel.
    whole = chart_data(window.project, "agreement")
    lowest = sorted(whole.rows, key=lambda row: min(v for (r, _), v in whole.values.items() if r == row))[:8]
    agreement = tool.panels[-1]
    assert sorted(agreement.data.rows) == sorted(row.replace("whole document: ", "") for row in lowest)
    assert all(agreement.data.values[(row.replace("whole document: ", ""), column)] == value
               for (row, column), value in whole.values.items() if row in lowest)
    assert tool.overview.frames["agreement"].findChild(QLabel, "overviewTitle").text() == "Agreement"
    assert len(whole.rows) == 6 and "variable: stance toward walmart" in agreement.data.rows


def test_a_panel_with_nothing_to_count_says_why_in_one_line(open_window, charts_path, qtbot):
    window = open_window(charts_path)
    tool = open_charts(window, qtbot, OVERVIEW)
    coders = tool.choices.coder
    coders.setCurrentIndex(coders.findData("coder:lee"))  # lee coded no claim; one coder agrees with nobody
    assert [panel.kind for panel in tool.panels] == PANELS[:-1]
    assert "claims-verdict" not in tool.overview.canvases
    reason = tool.overview.frames["claims-verdict"].findChild(QLabel, "overviewReason").text()
    assert reason == "Nothing to chart: claims by verdict finds nothing for coder lee."
    stance = next(panel for panel in tool.panels if panel.kind == "stance-targets")
    assert stance.data.values == {("Walmart", "Against"): 1, ("Walmart", "Favor"): 1}
    assert "coder lee" in tool.summary.text()


def click_panel(tool, qtbot, kind: str, cell, double: bool = False) -> None:
    canvas = tool.overview.canvases[kind]
    x, y = cell_centres(canvas.figure)[cell]
    px, py = canvas.widget_point(x, y)
    (qtbot.mouseDClick if double else qtbot.mouseClick)(canvas, Qt.LeftButton, pos=QPoint(round(px), round(py)))


def test_clicking_a_bar_of_a_panel_lists_the_annotations_it_counts(open_window, charts_path, qtbot):
    window = open_window(charts_path)
    tool = open_charts(window, qtbot, OVERVIEW)
    click_panel(tool, qtbot, "stance-targets", ("Walmart", "Against"))
    against = window.project.store.conn.execute(
        "SELECT a.document_id, a.id FROM annotations a JOIN labels l ON l.id = a.label_id "
        "WHERE l.name = 'Against' AND a.target = 'Walmart' ORDER BY a.id").fetchall()
    assert listed(tool) == [tuple(row) for row in against] and len(against) == 2
    assert tool.behind_title.text().startswith("Walmart · Against: 2 annotations in 2 documents")
    click_panel(tool, qtbot, "claims-verdict", ("false", "Claim"))
    claim = window.project.store.conn.execute(
        "SELECT a.document_id, a.id FROM annotations a JOIN annotation_values v ON v.annotation_id = a.id "
        "WHERE v.value = 'false'").fetchall()
    assert listed(tool) == [tuple(row) for row in claim]
    tool.behind.setCurrentRow(0)
    qtbot.keyClick(tool.behind, Qt.Key_Return)
    assert window.current_doc_id == claim[0][0]


def test_open_or_a_double_click_shows_the_panel_as_the_chart_alone(open_window, charts_path, qtbot):
    window = open_window(charts_path)
    tool = open_charts(window, qtbot, OVERVIEW)
    tool.choices.period.setCurrentIndex(tool.choices.period.findData("week"))  # the overview counts months still
    assert next(p for p in tool.panels if p.kind == "stance-time").data.rows == ["2024-03", "2024-04"]
    tool.overview.frames["claims-verdict"].findChild(QPushButton, "overviewOpen_claims-verdict").click()
    assert tool.choices.current_kind() == "claims-verdict" and tool.data.kind == "claims-verdict"
    assert tool.pages.currentWidget() is tool.chart_page and tool.table.isVisible()
    assert tool.overview.canvases == {}  # not kept drawn behind the chart, squeezed at every resize
    assert tool.data.values == {("accurate", "Claim"): 1, ("false", "Claim"): 1} and tool.export_button.isEnabled()
    tool.choices.choose(OVERVIEW)
    assert tool.pages.currentWidget() is tool.overview and tool.data is None
    click_panel(tool, qtbot, "stance-time", ("2024-04", "Mixed"), double=True)
    assert tool.data.kind == "stance-time" and tool.data.rows == ["2024-03", "2024-04"]  # by month, as the panel
    assert tool.choices.period.currentData() == "month"


def test_cancel_stops_the_overview_count_and_a_change_marks_it_out_of_date(open_window, charts_path, qtbot,
                                                                          monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QProgressDialog

    window = open_window(charts_path)
    tool = open_charts(window, qtbot, OVERVIEW)
    shown = tool.panels
    doc = dict(window.project.store.conn.execute("SELECT title, id FROM documents"))["Two"]
    window.ops.tag(doc, window.project.codebook.by_name("Favor"), None, None, target="Amazon")
    assert "changed since this chart was drawn" in tool.status.text()
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000000) SELECT count(*) FROM n"
    real = __import__("annotator.core.charts.running", fromlist=["chart_data"]).chart_data
    monkeypatch.setattr("annotator.core.charts.running.chart_data",
                        lambda p, kind, *a: p.store.conn.execute(endless).fetchone() if kind == "labels"
                        else real(p, kind, *a))  # the fifth panel's count runs for minutes

    def press_cancel() -> None:
        dialog = tool.findChild(QProgressDialog, "chartProgress")
        if dialog is None:
            QTimer.singleShot(100, press_cancel)
            return
        next(b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel").click()

    QTimer.singleShot(100, press_cancel)
    assert tool.draw_chart() is None
    assert tool.status.text() == "Cancelled; the chart shown is the one drawn before."
    assert tool.panels is shown and tool.pages.currentWidget() is tool.overview
    monkeypatch.setattr("annotator.core.charts.running.chart_data", real)
    tool.draw_button.click()
    stance = next(panel for panel in tool.panels if panel.kind == "stance-targets")
    assert stance.data.value("Amazon", "Favor") == 2 and tool.status.text() == ""


def test_without_matplotlib_the_overview_says_so_and_points_to_the_tables(open_window, charts_path, qtbot,
                                                                          monkeypatch):
    monkeypatch.setattr("annotator.core.charts.draw.drawing_available", lambda: False)
    window = open_window(charts_path)
    tool = open_charts(window, qtbot, OVERVIEW)
    assert tool.pages.currentWidget() is tool.message and tool.overview.canvases == {}
    assert "cannot draw charts" in tool.message.text() and "Table as CSV" in tool.message.text()
    assert [panel.kind for panel in tool.panels] == PANELS  # counted all the same
