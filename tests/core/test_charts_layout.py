"""What the screenshots of the dashboard showed wrong, kept right (issue 16, items 1 and 4): a legend over the
bars, a document title squeezing the plot, a bar touching the frame, one bar filling the whole plot."""

from __future__ import annotations

from annotator.core.charts.draw import TICK_CHARS, figure
from annotator.core.charts.table import ChartData


def stacked(rows: dict[str, tuple[float, float]], row_title: str = "target") -> ChartData:
    values = {}
    for row, (favor, against) in rows.items():
        values[(row, "Favor")], values[(row, "Against")] = favor, against
    return ChartData("stance-targets", "Stance by target", "stacked", row_title, "stance", "annotations",
                     list(rows), ["Favor", "Against"], values)


def bar_boxes(fig):
    return [patch.get_window_extent() for patch, _row, _column in fig.annotator_hits.bars]


def test_the_legend_stands_beside_the_bars_even_when_they_fill_every_corner():
    fig = figure(stacked({name: (5, 5) for name in "ABCDEFGH"}), width=800, height=500)
    legend = fig.axes[0].get_legend().get_window_extent()
    assert not any(legend.overlaps(box) for box in bar_boxes(fig))
    assert legend.x0 >= fig.axes[0].bbox.x1  # right of the plot, inside the figure
    assert legend.x1 <= fig.bbox.x1


def test_a_long_name_is_clipped_as_a_tick_and_kept_whole_in_the_table():
    title = "#12 " + "A very long headline about Walmart and Amazon and the cloud " * 3
    data = ChartData("matrix", "Documents × labels", "heatmap", "document", "label", "annotations", [title],
                     ["Favor"], {(title, "Favor"): 2.0})
    ticks = [t.get_text() for t in figure(data).axes[0].get_yticklabels()]
    assert ticks == [title[:TICK_CHARS - 1].rstrip() + "…"]
    assert data.table()[1][0][0] == title


def test_an_empty_last_segment_does_not_pin_the_bar_to_the_frame():
    fig = figure(stacked({"Walmart": (6, 0), "Amazon": (2, 1)}), width=800, height=500)
    assert fig.axes[0].get_xlim()[1] > 6


def test_one_row_is_a_bar_not_the_whole_plot():
    fig = figure(stacked({"Walmart": (3, 1)}), width=800, height=500)
    (box, *_), plot = bar_boxes(fig), fig.axes[0].bbox
    assert box.height < plot.height / 3


def seed_network() -> ChartData:
    """Eight entities all in one document, four of them in four or five (the seed corpus's network)."""
    names = ["Amazon", "Amazon Web Services", "Microsoft", "Walmart", "21일(현지시간)", "about a tenth",
             "The Wall Street Journal", "Whole Foods Market"]
    values = {(a, b): 1 for i, a in enumerate(names) for b in names[i + 1:]}
    values.update({(n, n): 1 for n in names})
    values.update({("Amazon", "Amazon Web Services"): 4, ("Amazon", "Microsoft"): 4, ("Amazon", "Walmart"): 4,
                   ("Amazon Web Services", "Walmart"): 3, ("Microsoft", "Walmart"): 3, ("Amazon", "Amazon"): 5})
    return ChartData("cooccurrence", "Entities in the same documents", "network", "entity", "entity", "documents",
                     names, list(names), values)


def test_the_network_numbers_its_heavier_edges_apart_and_says_the_thinnest_weight_once():
    """28 edges numbered "1" piled up where the circle's diameters cross (polish item 3): only the heavier
    edges carry their numbers, none over another, and the note says what the thin ones weigh."""
    fig = figure(seed_network(), width=900, height=650)
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    numbers = [t for t in ax.texts if t.get_text().isdigit()]
    assert sorted(t.get_text() for t in numbers) == ["3", "3", "4", "4", "4"]
    boxes = [t.get_window_extent(renderer) for t in numbers]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert any(t.get_text().endswith("the thinnest edges, unnumbered: 1") for t in ax.texts)
