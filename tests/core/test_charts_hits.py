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
