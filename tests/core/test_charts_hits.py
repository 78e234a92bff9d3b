"""From a point on a chart back to its numbers (issue 16, item 1): what a click on a bar, cell, node or edge
stands for, found on a plain Agg figure, and the coded things behind it."""

from __future__ import annotations

import warnings

import pytest

from annotator.core.charts.data import KINDS, ChartOptions, chart_data
from annotator.core.charts.draw import cell_at, cell_centres, figure, styled
from tests.core.charts_support import build

OPTIONS = ChartOptions(variable="topic", second="critical")


@pytest.fixture
def coded(project):
    return project, build(project)


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "agreement"])
def test_every_drawn_bar_cell_and_node_is_found_again_where_it_is_drawn(coded, kind):
    project, _ = coded
    data = chart_data(project, kind, options=OPTIONS)
    fig = figure(data, width=900, height=600)
    centres = cell_centres(fig)
    assert centres, kind
    for cell, (x, y) in centres.items():
        assert cell_at(fig, x, y) == cell, (kind, cell)
    drawn = {cell for cell in centres if data.shape == "heatmap" and data.value(*cell) or data.shape != "heatmap"}
    for row, column in drawn:
        behind = data.cell_ids(project, row, column)
        assert behind.documents, (kind, row, column)  # a bar is drawn only where something was counted


def test_a_point_outside_every_bar_finds_nothing(coded):
    project, _ = coded
    fig = figure(chart_data(project, "stance-targets"), width=900, height=600)
    assert cell_at(fig, 2, 2) is None


def test_a_click_finds_its_cell_after_the_figure_is_resized(coded):
    """The dashboard's canvas resizes the figure to its widget: positions are read when the click comes."""
    project, _ = coded
    fig = figure(chart_data(project, "stance-targets"), width=900, height=600)
    fig.set_size_inches(5, 8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)": Korean drawn as boxes
        with styled(fig):
            fig.canvas.draw()
    for cell, (x, y) in cell_centres(fig).items():
        assert cell_at(fig, x, y) == cell
    assert fig.bbox.height == 8 * fig.dpi


def test_a_network_node_its_caption_and_an_edge_each_list_their_documents(coded):
    project, docs = coded
    data = chart_data(project, "cooccurrence")
    fig = figure(data, width=900, height=700)
    centres = cell_centres(fig)
    assert cell_at(fig, *centres[("Walmart", None)]) == ("Walmart", None)
    hits = fig.annotator_hits
    caption = next(c for name, _xy, _s, c in hits.nodes if name == "Walmart")
    box = caption.get_window_extent()
    assert cell_at(fig, box.x1 - 2, (box.y0 + box.y1) / 2) == ("Walmart", None)
    walmart = project.store.conn.execute(
        "SELECT DISTINCT a.document_id FROM annotations a JOIN labels l ON l.id = a.label_id "
        "LEFT JOIN entities e ON e.id = a.entity_id WHERE l.layer = 'entity' AND COALESCE(e.name, a.text) = ? "
        "ORDER BY 1", ("Walmart",)).fetchall()
    assert data.cell_ids(project, "Walmart", None).documents == tuple(d for (d,) in walmart)
    edge = next(cell for cell in centres if cell[1] is not None and set(cell) == {"Walmart", "삼성전자"})
    assert cell_at(fig, *centres[edge]) == edge
    assert data.cell_ids(project, *edge).documents == (docs["d1"], docs["d3"])


@pytest.mark.parametrize("kind, layer", [("entities", "entity"), ("labels", None)])
def test_each_bar_of_a_measures_chart_lists_the_row_it_measures(coded, kind, layer):
    """Entities (mentions, documents) and labels (annotations, documents): both bars of a row are its coded things."""
    project, _ = coded
    data = chart_data(project, kind)
    row = "Walmart" if kind == "entities" else "Against"
    name = "COALESCE(e.name, a.text)" if kind == "entities" else "l.name"
    expected = project.store.conn.execute(
        f"SELECT a.id, a.document_id FROM annotations a JOIN labels l ON l.id = a.label_id "
        f"LEFT JOIN entities e ON e.id = a.entity_id WHERE {name} = ?"
        + (" AND l.layer = 'entity'" if layer else ""), (row,)).fetchall()
    for column in data.columns:
        behind = data.cell_ids(project, row, column)
        assert behind.annotations == tuple(sorted(a for a, _ in expected)), column
        assert behind.documents == tuple(sorted({d for _, d in expected})), column
    assert len(expected) == data.value(row, data.columns[0]) >= 2


@pytest.mark.parametrize("compact", [False, True])
@pytest.mark.parametrize("kind", ["entities", "labels"])
def test_measures_of_different_sizes_each_get_a_panel_with_its_own_scale(coded, kind, compact):
    """Mentions (many) beside documents (few) on one axis made the documents bars slivers (issue 16, polish item 1):
    one panel per measure, each as long as its own numbers, and a click on either bar lists (row, measure)."""
    project, _ = coded
    data = chart_data(project, kind)
    assert len(data.columns) == 2
    fig = figure(data, width=900, height=600, compact=compact)
    axes = [ax for ax in fig.axes if ax.patches]
    assert [ax.get_title() for ax in axes] == data.columns
    for ax, column in zip(axes, data.columns):
        widths = sorted(round(p.get_width(), 6) for p in ax.patches)
        assert widths == sorted(round(data.value(row, column), 6) for row in data.rows), column
        top = max(data.value(row, column) for row in data.rows)
        assert ax.get_xlim()[1] < top * 2  # its own scale: the longest bar spans most of the panel
    assert [t.get_text() for t in axes[0].get_yticklabels()][-1] == data.rows[0][:28]
    assert not any(tick.label1.get_visible() for tick in axes[1].yaxis.get_major_ticks())  # names once, on the first
    centres = cell_centres(fig)
    for row in data.rows:
        for column in data.columns:
            assert cell_at(fig, *centres[(row, column)]) == (row, column)


def test_labels_panels_keep_each_labels_colour_in_both_measures(coded):
    """The annotations bars took label colours, the documents bars a palette orange that read as Organization's."""
    project, _ = coded
    data = chart_data(project, "labels")
    fig = figure(data, width=900, height=600)
    from matplotlib.colors import to_hex

    for ax in (ax for ax in fig.axes if ax.patches):
        colours = [to_hex(p.get_facecolor()) for p in ax.patches]
        assert colours == [to_hex(data.colors[row]) for row in reversed(data.rows)], ax.get_title()


def test_agreement_figures_share_one_axis(coded):
    """Agreement's measures are all 0..1: they stay side by side, where they compare."""
    project, _ = coded
    data = chart_data(project, "agreement")
    fig = figure(data, width=900, height=600)
    assert len([ax for ax in fig.axes if ax.patches]) == 1
