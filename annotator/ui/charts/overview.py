"""The Charts window's Overview: the project's small charts at once (core/charts/overview.py counts them).

Each panel is drawn like the single chart it stands for, so a click on a bar lists what it
counts in the window's list below, as the single chart's click does; Open (or a double
click on the panel) shows that chart alone, with its full choices. A panel with nothing
to count says why in one line where its chart would stand.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from annotator.core.charts import draw
from annotator.core.charts.overview import Panel
from annotator.core.charts.table import ChartData
from annotator.ui.charts.choices import NAMES
from annotator.ui.common.plain_text import plain_label, plain_tip

COLUMNS = 3
PANEL_WIDTH, PANEL_HEIGHT = 420, 300  # pixels a panel's figure is laid out at before the grid sizes it


class OverviewPage(QWidget):
    """A grid of panels; on_cell(cell, data) for a click on a panel's bar, on_open(kind) to show one alone."""

    def __init__(self, on_cell: Callable[[tuple, ChartData], None], on_open: Callable[[str], None], parent=None):
        super().__init__(parent)
        self.setObjectName("chartOverview")
        self._on_cell, self._on_open = on_cell, on_open
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(6)
        self.panels: list[Panel] = []
        self.frames: dict[str, QFrame] = {}  # kind -> the panel's frame
        self.canvases: dict[str, object] = {}  # kind -> its ChartCanvas, for a panel with a chart

    def show_panels(self, panels: list[Panel], theme: draw.Theme) -> None:
        from annotator.ui.charts.canvas import ChartCanvas  # matplotlib's Qt backend, loaded at the first chart

        self.clear()
        self.panels = list(panels)
        for i, panel in enumerate(panels):
            frame = self._frame(panel)
            if panel.data is None:
                body = plain_label(QLabel(panel.reason, frame))
                body.setObjectName("overviewReason")
                body.setWordWrap(True)
                body.setAlignment(Qt.AlignCenter)
            else:
                figure = draw.figure(panel.data, width=PANEL_WIDTH, height=PANEL_HEIGHT, theme=theme, compact=True)
                body = ChartCanvas(figure, lambda cell, d=panel.data: self._on_cell(cell, d),
                                   on_open=lambda k=panel.kind: self._on_open(k))
                body.setMinimumSize(160, 120)
                self.canvases[panel.kind] = body
            frame.layout().addWidget(body, 1)
            self.frames[panel.kind] = frame
            self.grid.addWidget(frame, i // COLUMNS, i % COLUMNS)
        for column in range(COLUMNS):
            self.grid.setColumnStretch(column, 1)
        for row in range((len(panels) + COLUMNS - 1) // COLUMNS):
            self.grid.setRowStretch(row, 1)

    def clear(self) -> None:
        """No panels: a single chart is shown. Hidden panels kept would still be drawn again at every resize of
        the window's pages, each squeezed to a third of the chart's width."""
        for frame in self.frames.values():
            self.grid.removeWidget(frame)
            frame.setParent(None)
            frame.deleteLater()
        self.panels, self.frames, self.canvases = [], {}, {}

    def _frame(self, panel: Panel) -> QFrame:
        frame = QFrame(self)
        frame.setObjectName(f"overviewPanel_{panel.kind}")
        frame.setFrameShape(QFrame.StyledPanel)
        column = QVBoxLayout(frame)
        column.setContentsMargins(4, 2, 4, 4)
        column.setSpacing(0)
        head = QHBoxLayout()
        title = plain_label(QLabel(panel.heading or NAMES[panel.kind], frame))
        title.setObjectName("overviewTitle")
        title.setToolTip(plain_tip(panel.data.title if panel.data is not None else title.text()))
        # A long heading must not set the grid's least width: the window's stack of pages would keep it
        # when a single chart is shown, and squeeze the table beside it.
        title.setMinimumWidth(40)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        head.addWidget(title, 1)
        button = QPushButton("Open", frame)
        button.setObjectName(f"overviewOpen_{panel.kind}")
        button.setFlat(True)
        button.setToolTip(f"Show {NAMES[panel.kind].lower()} alone, with its choices and the table behind it "
                          "(a double click on the panel does too).")
        button.clicked.connect(lambda _checked=False, k=panel.kind: self._on_open(k))
        head.addWidget(button)
        column.addLayout(head)
        return frame
