"""Drawing a ChartData with matplotlib, and saving it as PNG, SVG, PDF or its table as CSV.

matplotlib is imported inside these functions only: starting the app or the command line
must not pay for it (tests/core/test_charts_draw.py checks). Figures are built on the Agg
canvas, never pyplot, so the core holds no GUI state and the Qt dashboard can put the same
Figure on its own canvas. Nothing is told by colour alone: stacked segments carry a hatch
pattern per series and their numbers, heatmap cells their numbers, bars their values,
so a chart survives greyscale print.

Each figure remembers which (row, column) of its ChartData every bar, cell, node and edge
stands for (`cell_at`), so a click on the dashboard's canvas, or on any canvas holding the
figure, finds the documents behind it with ChartData.cell_ids; the geometry stays here,
without Qt, and is tested on a plain Agg figure.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.charts.table import ChartData
from annotator.core.common.errors import ProjectError
from annotator.core.common.partial_files import atomic_output

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FORMATS = ("png", "svg", "pdf", "csv")
HATCHES = ("", "//", "..", "xx", "\\\\", "++", "oo", "--", "**", "||")
# Colours for series the codebook gives none (verdicts, measures): Tableau 10, told apart in greyscale by hatches.
PALETTE = ("#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F",
           "#BAB0AC")
# Fonts that carry Hangul (and CJK) first, so Korean targets and labels render; DejaVu for everything else.
CJK_FONTS = ("Noto Sans CJK KR", "Noto Sans KR", "Noto Sans CJK JP", "Noto Sans CJK SC", "Source Han Sans KR",
             "Apple SD Gothic Neo", "Malgun Gothic", "NanumGothic", "Arial Unicode MS")
WIDTH, HEIGHT, DPI = 1000, 600, 100  # pixels of a PNG unless asked otherwise
MAX_SEGMENT_LABELS = 120  # numbers written on stacked segments; more would cover the bars (and cost seconds)


@dataclass(frozen=True)
class Theme:
    """The chart's two base colours: the dashboard passes its palette's, so a chart reads in the dark theme."""

    foreground: str = "#000000"
    background: str = "#FFFFFF"

    def rc(self) -> dict:
        fg, bg = self.foreground, self.background
        return {"text.color": fg, "axes.labelcolor": fg, "axes.edgecolor": fg, "xtick.color": fg, "ytick.color": fg,
                "figure.facecolor": bg, "axes.facecolor": bg, "savefig.facecolor": bg, "legend.facecolor": bg,
                "legend.edgecolor": fg, "hatch.color": fg}


LIGHT = Theme()
DARK = Theme("#E8E8E8", "#1E1E1E")


def _style() -> dict:
    """rcParams for every chart: fonts with Hangul where the system has them, text kept as text in SVG."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    families = [name for name in CJK_FONTS if name in installed] + ["DejaVu Sans"]
    return {
        "font.family": "sans-serif",
        "font.sans-serif": families,  # matplotlib falls back glyph by glyph along this list
        "svg.fonttype": "none",  # text stays <text>: searchable, and the SVG names what it shows
        # Labels, targets and titles are the analyst's words: "$5 or $6" is money, not TeX to typeset
        # (and "$x^$" would not draw at all). So no math fonts either: the installers leave them out.
        "text.parse_math": False,
        "pdf.fonttype": 42,
        "axes.unicode_minus": False,
        "hatch.linewidth": 0.6,
    }


def drawing_available() -> bool:
    """Whether this installation can draw. The installers carry matplotlib (and --selftest draws a chart);
    an install that lost it still saves every chart's table as CSV and says why a picture does not."""
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


def _require_drawing() -> None:
    if not drawing_available():
        raise ProjectError("This installation of Annotator cannot draw charts: its drawing library "
                           "(matplotlib) is missing. The table behind a chart still saves as CSV "
                           "(--out FILE.csv); reinstall Annotator to draw charts again.")


def figure(data: ChartData, *, width: int = WIDTH, height: int = HEIGHT, dpi: int = DPI,
           theme: Theme = LIGHT, compact: bool = False) -> "Figure":
    """The chart as a matplotlib Figure (Agg canvas) of width x height pixels at dpi, in the theme's colours.

    compact: a small panel of the dashboard's Overview, whose heading names it: no title, the
    legend in a row above the plot rather than beside it, fewer ticks, shorter tick labels."""
    _require_drawing()
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context({**_style(), **theme.rc()}):
        fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi, layout="constrained")
        FigureCanvasAgg(fig)
        if panelled(data):
            axes = list(fig.subplots(1, len(data.columns), sharey=True, squeeze=False)[0])
        else:
            axes = [fig.add_subplot()]
        fig.annotator_hits = _Hits(axes)
        fig.annotator_theme = theme
        if panelled(data):
            _panels(axes, data, compact)
        else:
            {"stacked": _stacked, "bars": _bars, "heatmap": _heatmap, "network": _network}[data.shape](axes[0], data)
        for ax in axes:
            if data.shape in ("stacked", "bars") and not data.shared_scale:
                from matplotlib.ticker import MaxNLocator

                # Counts are whole: no tick at 0.5 documents.
                axis = ax.yaxis if data.shape == "stacked" and data.row_title in ("month", "week") else ax.xaxis
                axis.set_major_locator(MaxNLocator(integer=True, nbins=(3 if len(axes) > 1 else 4) if compact
                                                   else "auto"))
            if compact:
                _compact(ax, data, first=ax is axes[0])
        if not compact:
            (fig.suptitle if len(axes) > 1 else axes[0].set_title)(data.title)
        fig.set_layout_engine("constrained")
        # Drawing here, inside the style, fixes the fonts each text was laid out with.
        fig.canvas.draw()
    return fig


COMPACT_TICK_CHARS = 28


def _compact(ax, data: ChartData, first: bool = True) -> None:
    legend = ax.get_legend()
    if legend is not None:
        handles, labels = legend.legend_handles, [text.get_text() for text in legend.get_texts()]
        legend.remove()
        ax.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=min(len(labels), 4),
                  fontsize=7, frameon=False, handlelength=1.2, columnspacing=0.8, borderaxespad=0.2)
    if first and (data.shape == "bars" or (data.shape == "stacked" and data.row_title not in ("month", "week"))):
        rows = list(reversed(data.rows))  # as _bars and _stacked stand them, bottom to top; cut from whole names
        ax.set_yticks(list(range(len(rows))), _short_ticks(data, rows, COMPACT_TICK_CHARS))
        if data.kind == "agreement":
            ax.set_ylabel("v · variable, l · label")  # what _short_ticks' marks stand for
    if data.shape == "bars":  # room right of the longest bar for its number
        ax.margins(x=0.2)
    ax.tick_params(labelsize=8)
    ax.title.set_fontsize(8)
    ax.xaxis.label.set_fontsize(8)
    ax.yaxis.label.set_fontsize(8)


SCOPES = ("variable: ", "label: ")  # agreement's rows: "variable: whole document: stance toward walmart"


def _short_ticks(data: ChartData, rows: list[str], chars: int) -> list[str]:
    """A small panel's row names, cut at the end so each starts as the analyst reads it. Agreement's scope
    ("variable: ", "label: ") moves into the axis title as a mark ("v · ", "l · "): kept whole it would leave no
    room for the name. Where two names would then read alike, they are cut in the middle, where they differ."""
    marks = {"variable: ": "v · ", "label: ": "l · "}
    names = []
    for row in rows:
        scope = next((s for s in SCOPES if data.kind == "agreement" and row.startswith(s)), None)
        names.append(marks[scope] + row[len(scope):] if scope else row)
    ends = [_end(name, chars) for name in names]
    return [_middle(name, chars) if ends.count(end) > 1 else end for name, end in zip(names, ends)]


def _end(name: str, chars: int) -> str:
    return name if len(name) <= chars else name[:chars - 1].rstrip() + "…"


def _middle(name: str, chars: int) -> str:
    """Cut in the middle: "stance toward walmart" and "stance toward whole foods" share their starts; the ends differ."""
    if len(name) <= chars:
        return name
    head = (chars - 1) // 3
    return name[:head].rstrip() + "…" + name[-(chars - 1 - head):].lstrip()


def styled(fig: "Figure"):
    """A context to draw `fig` again in (a canvas resized, a figure saved): ticks made anew on a redraw
    take their font from matplotlib's settings then, and outside the chart's style would lose Hangul."""
    import matplotlib

    return matplotlib.rc_context({**_style(), **getattr(fig, "annotator_theme", LIGHT).rc()})


def _colors(data: ChartData, names: list[str]) -> list[str]:
    return [data.colors.get(name) or PALETTE[i % len(PALETTE)] for i, name in enumerate(names)]


def _stacked(ax, data: ChartData) -> None:
    rows = list(reversed(data.rows)) if data.row_title not in ("month", "week") else data.rows
    positions = range(len(rows))
    left = [0.0] * len(rows)
    horizontal = data.row_title not in ("month", "week")  # time runs left to right
    for i, (column, colour) in enumerate(zip(data.columns, _colors(data, data.columns))):
        widths = [data.value(row, column) for row in rows]
        style = dict(color=colour, hatch=HATCHES[i % len(HATCHES)], edgecolor=_fg(), linewidth=0.4, label=column)
        bars = (ax.barh(list(positions), widths, left=left, **style) if horizontal
                else ax.bar(list(positions), widths, bottom=left, **style))
        _hits(ax).add_bars(bars, rows, column, widths)
        for patch, width in zip(bars.patches, widths):
            if not width:  # an empty segment at the bar's end would pin the axis there, the bar touching the frame
                patch.sticky_edges.x.clear()
                patch.sticky_edges.y.clear()
        if len(rows) * len(data.columns) <= MAX_SEGMENT_LABELS:  # beyond, the hatches and legend tell them apart
            ax.bar_label(bars, labels=[_shown(w) if w else "" for w in widths], label_type="center", fontsize=8,
                         color="black",
                         bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
        left = [a + b for a, b in zip(left, widths)]
    ticks = ax.set_yticks if horizontal else ax.set_xticks
    ticks(list(positions), [_tick(row) for row in rows])
    _room(ax, len(rows), horizontal)
    if not horizontal:
        ax.tick_params(axis="x", labelrotation=45)
    (ax.set_xlabel if horizontal else ax.set_ylabel)(data.value_title)
    (ax.set_ylabel if horizontal else ax.set_xlabel)(data.row_title)
    _legend(ax, title=data.column_title)


def _bars(ax, data: ChartData) -> None:
    rows = list(reversed(data.rows))
    n = len(data.columns)
    height = 0.8 / n
    one = n == 1
    for i, column in enumerate(data.columns):
        values = [data.value(row, column) for row in rows]
        offset = (i - (n - 1) / 2) * height
        colours = _colors(data, rows) if (one or i == 0) and any(r in data.colors for r in rows) else \
            _colors(data, data.columns)[i]
        bars = ax.barh([p + offset for p in range(len(rows))], values, height, color=colours,
                       hatch=HATCHES[i % len(HATCHES)], edgecolor=_fg(), linewidth=0.4, label=column)
        _hits(ax).add_bars(bars, rows, column, values)
        ax.bar_label(bars, labels=[_shown(data.value(row, column)) if (row, column) in data.values
                                   or data.absent_is_zero else "" for row in rows], padding=2, fontsize=8)
    ax.set_yticks(list(range(len(rows))), [_tick(row) for row in rows])
    _room(ax, len(rows), True)
    ax.set_xlabel(data.value_title)
    ax.set_ylabel(data.row_title)
    if not one:
        _legend(ax, reverse=True)  # in the order the bars of a row stand, top to bottom


def panelled(data: ChartData) -> bool:
    """Bars of several measures of a row (mentions and documents): one panel each, side by side, each on
    its own scale; on one axis the documents (5) beside the mentions (126) would be slivers. Figures on one
    scale (agreement's 0..1) stay grouped on one axis, where they compare."""
    return data.shape == "bars" and len(data.columns) > 1 and not data.shared_scale


NEUTRAL = "#6F8FAF"  # a measure's bars where the codebook colours no row: no palette colour to read as a series


def _panels(axes: list, data: ChartData, compact: bool) -> None:
    """One panel per measure sharing the row axis (its names on the first only), its title the measure, its
    numbers at the bar ends; rows keep the codebook's colours in every panel, so a label's colour means the label."""
    rows = list(reversed(data.rows))
    coloured = any(row in data.colors for row in rows)
    colours = _colors(data, rows) if coloured else NEUTRAL
    for ax, column in zip(axes, data.columns):
        values = [data.value(row, column) for row in rows]
        bars = ax.barh(list(range(len(rows))), values, 0.7, color=colours, edgecolor=_fg(), linewidth=0.4)
        _hits(ax).add_bars(bars, rows, column, values)
        ax.bar_label(bars, labels=[_shown(v) if (row, column) in data.values or data.absent_is_zero else ""
                                   for row, v in zip(rows, values)], padding=2, fontsize=7 if compact else 8)
        ax.set_title(column, fontsize=9 if not compact else 8)
        ax.margins(x=0.25)  # room right of the longest bar for its number
        if ax is not axes[0]:
            ax.tick_params(axis="y", left=False, labelleft=False)
    axes[0].set_yticks(list(range(len(rows))), [_tick(row) for row in rows])
    _room(axes[0], len(rows), True)
    axes[0].set_ylabel(data.row_title)


def _heatmap(ax, data: ChartData) -> None:
    grid = [[data.value(row, column) for column in data.columns] for row in data.rows]
    top = max((v for line in grid for v in line), default=0) or 1
    # viridis gets lighter as it rises, so the order of cells survives greyscale; the numbers say the rest.
    image = ax.imshow(grid, cmap="viridis", aspect="auto", vmin=0, vmax=top)
    _hits(ax).grid = (list(data.rows), list(data.columns))
    for r, line in enumerate(grid):
        for c, value in enumerate(line):
            if value:
                ax.text(c, r, _shown(value), ha="center", va="center", fontsize=8,
                        color="black" if value > top * 0.6 else "white")
    ax.set_xticks(list(range(len(data.columns))), [_tick(c) for c in data.columns], rotation=45, ha="right",
                  rotation_mode="anchor")
    ax.set_yticks(list(range(len(data.rows))), [_tick(row) for row in data.rows])
    ax.set_xlabel(data.column_title)
    ax.set_ylabel(data.row_title)
    from matplotlib.ticker import MaxNLocator

    ax.figure.colorbar(image, ax=ax, label=data.value_title, ticks=MaxNLocator(integer=True))


def circle_layout(names: list[str]) -> dict[str, tuple[float, float]]:
    """Nodes evenly round a circle, the first at the top, in the order given (biggest first)."""
    n = max(len(names), 1)
    return {name: (math.sin(2 * math.pi * i / n), math.cos(2 * math.pi * i / n)) for i, name in enumerate(names)}


EDGE_LABELS_ALL = 8  # edges of one weight: their numbers written only when this few; more would bunch


def _network(ax, data: ChartData) -> None:
    where = circle_layout(data.rows)
    edges = [(a, b, w) for (a, b), w in data.values.items() if a != b and w]
    heaviest = max((w for *_, w in edges), default=1)
    lightest = min((w for *_, w in edges), default=1)
    # The lightest edges' numbers are left out: on a circle every diameter crosses the middle and their
    # "1"s piled up there, hiding the heavier numbers that matter. Their weight is said once, in the note.
    named = [e for e in edges if e[2] > lightest] if lightest < heaviest else \
        (edges if len(edges) <= EDGE_LABELS_ALL else [])
    named = sorted(named, key=lambda e: -e[2])[:30]
    placed: list[tuple[float, float]] = []
    from matplotlib.collections import LineCollection
    from matplotlib.colors import to_rgba

    # One collection for every edge: a Line2D each cost 0.8 s for the 1,225 edges of 50 nodes.
    segments, widths, colours = [], [], []
    for a, b, weight in sorted(edges, key=lambda e: e[2]):  # the heaviest drawn last, on top
        segments.append((where[a], where[b]))
        widths.append(0.5 + 4 * weight / heaviest)
        colours.append(to_rgba(_fg(), 0.35 + 0.5 * weight / heaviest))
        _hits(ax).edges.append((a, b, segments[-1], widths[-1]))
    if segments:
        ax.add_collection(LineCollection(segments, linewidths=widths, colors=colours, zorder=1))
    for a, b, weight in named:
        x, y = _label_spot(where[a], where[b], placed)
        placed.append((x, y))
        ax.text(x, y, _shown(weight), fontsize=7, ha="center", va="center", color="black",
                bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"}, zorder=2)
    unnamed = len(edges) - len(named)
    key = f"node: {data.value_title}; edge: {data.value_title} shared"
    if unnamed and named:
        key += f"; the thinnest edges, unnumbered: {_shown(lightest)}"
    elif unnamed:
        key += f"; every edge: {_shown(lightest)}"
    biggest = max((data.value(n, n) for n in data.rows), default=1) or 1
    for name in data.rows:
        x, y = where[name]
        size = 60 + 600 * data.value(name, name) / biggest
        ax.scatter([x], [y], s=size, color="#4E79A7", edgecolor=_fg(), linewidth=0.6, zorder=3)
        caption = ax.annotate(f"{_tick(name)} ({_shown(data.value(name, name))})", (x, y), xytext=(x * 1.18, y * 1.12),
                              ha="left" if x > 0.05 else "right" if x < -0.05 else "center", va="center",
                              fontsize=8, zorder=4)
        _hits(ax).nodes.append((name, (x, y), size, caption))
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-1.35, 1.35)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.text(0.0, -0.02, key, transform=ax.transAxes, fontsize=8)


def _label_spot(start, end, placed) -> tuple[float, float]:
    """Where along an edge to write its weight: the middle unless another number or the circle's centre
    (where diameters cross) is there; then a third of the way from either end."""
    (x1, y1), (x2, y2) = start, end
    spots = [(x1 + t * (x2 - x1), y1 + t * (y2 - y1)) for t in (0.5, 0.33, 0.67, 0.25, 0.75)]
    for x, y in spots:
        if math.hypot(x, y) >= 0.2 and all(math.hypot(x - px, y - py) >= 0.15 for px, py in placed):
            return x, y
    return spots[0]


Cell = tuple[str, "str | None"]  # (row, column) of a ChartData; column None: a network's node


class _Hits:
    """What each drawn thing of a figure stands for, in data coordinates: display positions are
    asked of the axes when a click comes, so they hold after the canvas is resized or laid out again."""

    def __init__(self, axes: list):
        self.axes = axes  # a panelled chart's panels (one per measure), else its one axes
        self.ax = axes[0]  # heatmap, network: the one axes their grid and nodes are in
        self.bars: list[tuple[object, str, str]] = []  # (rectangle, row, column), in whichever panel it stands
        self.grid: tuple[list[str], list[str]] | None = None  # a heatmap's rows and columns, cell (c, r) at (c, r)
        self.nodes: list[tuple[str, tuple[float, float], float, object]] = []  # (name, xy, marker area pt², caption)
        self.edges: list[tuple[str, str, tuple, float]] = []  # (first, second, (xy, xy), line width in points)

    def add_bars(self, bars, rows: list[str], column: str, values: list[float]) -> None:
        self.bars += [(patch, row, column) for patch, row, value in zip(bars.patches, rows, values) if value]


def _hits(ax) -> _Hits:
    return ax.figure.annotator_hits


def cell_at(fig: "Figure", x: float, y: float) -> Cell | None:
    """The (row, column) under display point (x, y) (pixels from the bottom left, as matplotlib's events
    give them): a bar segment, a heatmap cell, a network's node (row, None) or its caption, or an edge."""
    hits: _Hits | None = getattr(fig, "annotator_hits", None)
    if hits is None:
        return None
    ax = hits.ax
    for name, xy, size, caption in hits.nodes:
        cx, cy = ax.transData.transform(xy)
        radius = math.sqrt(size) / 2 * fig.dpi / 72 + 3  # a marker's area is in points²; a little slack
        if math.hypot(x - cx, y - cy) <= radius or caption.get_window_extent().contains(x, y):
            return (name, None)
    near = [(_distance((x, y), *(ax.transData.transform(p) for p in ends)), a, b, width)
            for a, b, ends, width in hits.edges]
    for distance, a, b, width in sorted(near, key=lambda n: n[0]):
        if distance <= width * fig.dpi / 72 / 2 + 3:
            return (a, b)
        break
    for patch, row, column in hits.bars:
        if patch.contains_point((x, y)):
            return (row, column)
    if hits.grid is not None and ax.bbox.contains(x, y):
        rows, columns = hits.grid
        cx, cy = ax.transData.inverted().transform((x, y))
        c, r = round(cx), round(cy)
        if 0 <= r < len(rows) and 0 <= c < len(columns):
            return (rows[r], columns[c])
    return None


def cell_centres(fig: "Figure") -> dict[Cell, tuple[float, float]]:
    """Where to click for each (row, column) the figure draws, in display pixels as cell_at takes them
    (an edge: a point on its line, away from the middle where a circle's diameters cross)."""
    hits: _Hits | None = getattr(fig, "annotator_hits", None)
    if hits is None:
        return {}
    ax, found = hits.ax, {}
    for patch, row, column in hits.bars:
        box = patch.get_window_extent()
        found[(row, column)] = ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)
    if hits.grid is not None:
        rows, columns = hits.grid
        for r, row in enumerate(rows):
            for c, column in enumerate(columns):
                found[(row, column)] = tuple(ax.transData.transform((c, r)))
    for a, b, ((x1, y1), (x2, y2)), _width in hits.edges:
        found[(a, b)] = tuple(ax.transData.transform((x1 + 0.3 * (x2 - x1), y1 + 0.3 * (y2 - y1))))
    for name, xy, _size, _caption in hits.nodes:
        found[(name, None)] = tuple(ax.transData.transform(xy))
    return found


def _distance(point, start, end) -> float:
    """From point to the segment start-end, all in display pixels."""
    (px, py), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    length = dx * dx + dy * dy
    t = 0.0 if not length else max(0.0, min(1.0, ((px - x1) * dx + (py - y1) * dy) / length))
    return math.hypot(px - (x1 + t * dx), py - (y1 + t * dy))


ROOM = 4  # bars of fewer rows keep the width of one of four, not one bar filling the plot


def _room(ax, rows: int, horizontal: bool) -> None:
    if rows < ROOM:
        pad = (ROOM - rows) / 2
        (ax.set_ylim if horizontal else ax.set_xlim)(-0.5 - pad, rows - 0.5 + pad)


def _legend(ax, **options) -> None:
    """Beside the plot, not on it: "best" still lands on bars once every corner holds one."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, fontsize=8, **options)


TICK_CHARS = 40  # a document title as a tick would squeeze the plot to a sliver; the table keeps it whole


def _tick(name: str) -> str:
    return name if len(name) <= TICK_CHARS else name[:TICK_CHARS - 1].rstrip() + "…"


def _fg() -> str:
    """The theme's foreground, for outlines and hatches (figure() draws inside the theme's rc context)."""
    import matplotlib

    return matplotlib.rcParams["text.color"]


def _shown(value: float) -> str:
    return f"{int(value)}" if float(value).is_integer() else f"{value:.2f}"


def format_of(out: str | os.PathLike) -> str:
    suffix = Path(out).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ProjectError(f"Cannot save a chart as {Path(out).name!r}: end the file name in "
                           f"{', '.join('.' + f for f in FORMATS)}.")
    return suffix


def save(data: ChartData, out: str | os.PathLike, *, width: int = WIDTH, height: int = HEIGHT,
         dpi: int = DPI, theme: Theme = LIGHT) -> Path:
    """Write the chart to `out` (whole or not at all) as its suffix says: .png .svg .pdf, or .csv for its table.

    The CSV is UTF-8 with a byte-order mark and formula-looking cells made inert, as the
    project's other Excel-bound tables are (interchange/files.py write_csv).
    """
    kind = format_of(out)
    out = Path(out)
    if kind == "csv":
        from annotator.core.interchange.files import write_csv

        header, rows = data.table()
        write_csv(out, header, rows, excel=True)
        return out
    fig = figure(data, width=width, height=height, dpi=dpi, theme=theme)
    import matplotlib

    with matplotlib.rc_context({**_style(), **theme.rc()}), atomic_output(out, encoding=None) as handle:
        fig.savefig(handle, format=kind, dpi=dpi, metadata=_metadata(kind, data))
    return out


def svg_text(data: ChartData, *, width: int = WIDTH, height: int = HEIGHT, salt: str = "") -> str:
    """The chart as an SVG document, for a report to put inline.

    salt seeds the ids of its clip paths and hatches: several SVGs inline in one page need
    different salts, or one chart's url(#id) would point into another's."""
    import io

    import matplotlib

    fig = figure(data, width=width, height=height)
    buffer = io.StringIO()
    with matplotlib.rc_context({**_style(), "svg.hashsalt": f"annotator-{data.kind}-{salt}"}):
        fig.savefig(buffer, format="svg", metadata=_metadata("svg", data))
    return buffer.getvalue()


def _metadata(kind: str, data: ChartData) -> dict:
    # No creation date: the same chart saved twice gives the same bytes.
    if kind == "svg":
        return {"Title": data.title, "Date": None}
    if kind == "pdf":
        return {"Title": data.title, "CreationDate": None}
    return {"Title": data.title}
