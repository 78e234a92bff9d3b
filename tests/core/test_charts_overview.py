"""The dashboard's Overview in the core (issue 16, item 1): which panels a project gets, a panel with nothing to
count keeping a one-line reason, small panels kept to their top rows, and what its screenshots showed wrong in a
small drawing (a legend beside the plot eating its width, two rows cut to the same tick, numbers past the frame)."""

from __future__ import annotations

import pytest

from annotator.core.charts.draw import COMPACT_TICK_CHARS, figure
from annotator.core.charts.filters import ChartFilter
from annotator.core.charts.overview import TOP, overview, panel_kinds, top
from annotator.core.charts.table import ChartData
from annotator.core.common.errors import ProjectError
from annotator.core.project import Project
from tests.core.charts_support import build

EVERY = ["stance-targets", "stance-time", "entities", "claims-verdict", "labels", "agreement"]


@pytest.fixture
def project(tmp_path):
    with Project(tmp_path / "p.annotator") as p:
        build(p)
        yield p


def test_agreement_joins_the_panels_only_when_several_coders_are_counted(project, tmp_path):
    assert panel_kinds(project) == EVERY
    assert panel_kinds(project, ChartFilter(coder="kim")) == EVERY[:-1]
    with Project(tmp_path / "alone.annotator") as alone:
        alone.annotations.annotator = "kim"
        doc = alone.documents.add(title="One", text="Walmart.")
        alone.annotations.add(doc, alone.codebook.by_name("Favor"), target="Walmart")
        panels = overview(alone)
        assert [p.kind for p in panels] == EVERY[:-1]
        reasons = {p.kind: p.reason for p in panels if p.data is None}
        assert reasons == {
            "stance-time": "No document has the metadata field 'date'.",
            "entities": "Nothing to chart: most mentioned entities finds nothing.",
            "claims-verdict": "Nothing to chart: claims by verdict finds nothing.",
        }


def test_every_panel_counts_what_its_chart_counts_and_a_wrong_filter_is_said_once(project):
    panels = {p.kind: p for p in overview(project, ChartFilter(metadata=(("outlet", "Times"),)))}
    assert panels["stance-targets"].data.values == {("Walmart", "Favor"): 1, ("Walmart", "Against"): 1,
                                                    ("삼성전자", "Against"): 1, ("Amazon", "Favor"): 1,
                                                    ("삼성전자", "Mixed"): 1}  # d1 and d3, both coders
    assert panels["claims-verdict"].data.values == {("false", "Claim"): 1}
    with pytest.raises(ProjectError, match="nobody"):
        overview(project, ChartFilter(coder="nobody"))


def labels(n: int) -> ChartData:
    rows = [f"label {i}" for i in range(n)]
    values = {}
    for i, row in enumerate(rows):
        values[(row, "annotations")], values[(row, "documents")] = i + 1, 1
    return ChartData("labels", "Label frequencies", "bars", "label", "count", "count", rows,
                     ["annotations", "documents"], values)


def test_a_small_panel_keeps_its_top_rows_in_their_order():
    kept = top(labels(11), TOP)
    assert kept.rows == [f"label {i}" for i in range(3, 11)] and len(kept.rows) == TOP
    assert set(kept.values) == {(row, c) for row in kept.rows for c in ("annotations", "documents")}
    months = ChartData("stance-time", "Stance by month", "stacked", "month", "stance", "annotations",
                       [f"2024-{m:02}" for m in range(1, 13)], ["Favor"], {(f"2024-{m:02}", "Favor"): 1
                                                                            for m in range(1, 13)})
    assert top(months, TOP) is months  # time keeps every month


def test_a_compact_drawing_has_its_legend_above_distinct_ticks_and_its_numbers_inside_the_frame():
    long = ["variable: whole document: stance toward walmart",
            "variable: whole document: stance toward whole foods market"]
    data = ChartData("labels", "Label frequencies", "bars", "label", "count", "count", long + ["Organization"],
                     ["annotations", "documents"], {(long[0], "annotations"): 3, (long[1], "annotations"): 2,
                                                    ("Organization", "annotations"): 264,
                                                    ("Organization", "documents"): 5}, shared_scale=True)
    fig = figure(data, width=420, height=300, compact=True)
    ax = fig.axes[0]
    assert ax.get_title() == ""
    assert ax.get_legend().get_window_extent().y0 >= ax.bbox.y1 - 1  # above the plot, not beside it
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert len(set(ticks)) == 3 and all(len(t) <= COMPACT_TICK_CHARS for t in ticks)
    assert ticks[0] == "Organization" and ticks[1].endswith("whole foods market")
    assert ticks[2].endswith("toward walmart")
    renderer = fig.canvas.get_renderer()
    numbers = [t for t in ax.texts if t.get_text() == "264"]
    assert numbers and numbers[0].get_window_extent(renderer).x1 <= ax.bbox.x1


def test_a_compact_drawing_of_two_measures_names_each_panel_and_keeps_its_numbers_inside():
    """Annotations and documents in panels of their own (polish item 1): the panel title says the measure."""
    data = ChartData("labels", "Label frequencies", "bars", "label", "count", "count", ["Organization", "Date"],
                     ["annotations", "documents"], {("Organization", "annotations"): 264, ("Date", "annotations"): 1,
                                                    ("Organization", "documents"): 5, ("Date", "documents"): 1})
    fig = figure(data, width=420, height=300, compact=True)
    assert [ax.get_title() for ax in fig.axes] == ["annotations", "documents"]
    assert fig.axes[0].get_legend() is None  # the titles name the measures
    renderer = fig.canvas.get_renderer()
    for ax, number in zip(fig.axes, ("264", "5")):
        shown = [t for t in ax.texts if t.get_text() == number]
        assert shown and shown[0].get_window_extent(renderer).x1 <= ax.bbox.x1, number


def test_agreement_names_in_a_small_panel_keep_their_start_and_say_variable_or_label():
    """The panel cut "variable: stance toward walmart" to "variable:…nce toward walmart" (polish item 3): the
    scope becomes a mark the axis title explains, and a name too long is cut at its end, its start readable."""
    rows = ["variable: stance toward walmart", "variable: stance toward whole foods market", "label: Organization"]
    data = ChartData("agreement", "Agreement of kim, lee", "bars", "variable or label", "measure", "agreement", rows,
                     ["alpha"], {(row, "alpha"): 0.5 for row in rows}, absent_is_zero=False, shared_scale=True)
    fig = figure(data, width=420, height=300, compact=True)
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks == ["l · Organization", "v · stance toward whole foo…", "v · stance toward walmart"]
    assert ax.get_ylabel() == "v · variable, l · label"
    renderer = fig.canvas.get_renderer()
    assert all(t.get_window_extent(renderer).x0 >= 0 for t in ax.get_yticklabels())  # none cut at the panel's edge
