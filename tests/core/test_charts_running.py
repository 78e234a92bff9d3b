"""A chart the analyst stops, and a chart of chosen documents (issue 16, item 1: the dashboard's Cancel and its
"documents the list shows")."""

from __future__ import annotations

import threading

import pytest

from annotator.core.charts.data import ChartOptions, chart_data
from annotator.core.charts.filters import ChartFilter
from annotator.core.charts.running import ChartCancelled, chart_data_until
from tests.core.charts_support import build


@pytest.fixture
def coded(project):
    return project, build(project)


def test_a_chart_stopped_before_or_while_it_counts_raises_cancelled_and_the_connection_still_answers(coded):
    project, _ = coded
    with pytest.raises(ChartCancelled):
        chart_data_until(project, "labels", ChartFilter(), ChartOptions(), lambda: False)
    asked = iter([True])  # yes when it starts, then no
    with pytest.raises(ChartCancelled):
        chart_data_until(project, "labels", ChartFilter(), ChartOptions(), lambda: next(asked, False))
    assert chart_data_until(project, "labels", ChartFilter(), ChartOptions(), lambda: True).table() == \
        chart_data(project, "labels").table()


def test_a_chart_of_chosen_documents_counts_only_theirs(coded):
    project, docs = coded
    data = chart_data(project, "stance-targets", ChartFilter(documents=(docs["d2"], docs["d4"])))
    assert data.values == {("Walmart", "Against"): 1, ("Walmart", "Favor"): 1}
    assert "2 documents chosen" in ChartFilter(documents=(docs["d2"], docs["d4"])).describe()


def test_cancel_interrupts_the_query_under_way(coded, monkeypatch):
    """A count that would run for minutes stops within the watcher's poll once Cancel is pressed."""
    project, _ = coded
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000000) SELECT count(*) FROM n"
    monkeypatch.setattr("annotator.core.charts.running.chart_data",
                        lambda p, *_: p.store.conn.execute(endless).fetchone())
    pressed = threading.Timer(0.3, lambda: stop.set())
    stop = threading.Event()
    pressed.start()
    with pytest.raises(ChartCancelled):
        chart_data_until(project, "labels", ChartFilter(), ChartOptions(), lambda: not stop.is_set())
    assert project.store.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 4
