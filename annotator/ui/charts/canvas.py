"""The chart on screen: the core's Figure on matplotlib's Qt canvas, with clicks turned into (row, column).

This module imports matplotlib's Qt backend, so it is imported only when the dashboard draws
its first chart (never at start-up, and never on an installation without matplotlib).
"""

from __future__ import annotations

from collections.abc import Callable

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from PySide6.QtCore import Qt

from annotator.core.charts.draw import Cell, cell_at, styled


class ChartCanvas(FigureCanvasQTAgg):
    """Calls on_cell((row, column)) when a bar segment, heatmap cell, node or edge is clicked, and on_open()
    (if given: a small chart of the Overview) on a double click; the pointer becomes a hand over them."""

    def __init__(self, figure, on_cell: Callable[[Cell], None], on_open: Callable[[], None] | None = None):
        super().__init__(figure)
        self.setObjectName("chartCanvas")
        self._on_cell = on_cell
        self._on_open = on_open
        self.mpl_connect("button_press_event", self._pressed)
        self.mpl_connect("motion_notify_event", self._moved)

    def draw(self) -> None:
        # A resize draws again and makes new ticks: inside the chart's style they keep its Hangul font and colours.
        with styled(self.figure):
            super().draw()

    def cell_at(self, x: float, y: float) -> Cell | None:
        return cell_at(self.figure, x, y)

    def _pressed(self, event) -> None:
        if event.button != 1:
            return
        if event.dblclick and self._on_open is not None:
            self._on_open()
            return
        found = self.cell_at(event.x, event.y)
        if found is not None:
            self._on_cell(found)

    def _moved(self, event) -> None:
        over = event.x is not None and self.cell_at(event.x, event.y) is not None
        self.setCursor(Qt.PointingHandCursor if over else Qt.ArrowCursor)

    def widget_point(self, x: float, y: float) -> tuple[float, float]:
        """Where display point (x, y) of the figure is on this widget, in Qt's logical pixels from the top left."""
        ratio = self.device_pixel_ratio
        return x / ratio, (self.figure.bbox.height - y) / ratio
