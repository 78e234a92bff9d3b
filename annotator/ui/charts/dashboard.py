"""Analyze › Charts: the project's findings drawn, with the table behind each chart and the documents behind each bar.

It opens on the Overview (overview.py): the project's small charts at once, each opening
alone. The analyst chooses a chart kind and what it asks (choices.py), which documents count
(all, those the document list shows, a metadata field, a stance, a search) and whose
codes (all coders, one, or the gold layer). The core counts on a worker thread behind a
progress dialog (a million annotations take seconds; Cancel stops the query under way)
and draws with matplotlib on its Qt canvas, loaded when the first chart is drawn. Beside
the chart stands the table behind it; clicking a bar segment, heatmap cell, node, edge or
table cell lists the documents or annotations it counts, and activating one opens it in
the reader. Export writes PNG, SVG, PDF or the table as CSV, as `annotator chart` does.

The chart is not counted again on every edit (that would cost seconds a tag on a big
project, while coding): after a change the window says it is out of date, and Draw
brings it up to date. Without matplotlib (an install that lost it) the window says so and
still shows the table and saves it as CSV.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.charts import draw
from annotator.core.charts.filters import ChartFilter
from annotator.core.charts.overview import Panel, overview
from annotator.core.charts.running import ChartCancelled, chart_data_until
from annotator.core.charts.table import CellIds, ChartData
from annotator.core.common.errors import ProjectError
from annotator.core.corpus.documents import DocumentQuery
from annotator.core.project import Project
from annotator.core.store.database import Change, ChangeKind
from annotator.ui.charts.choices import NAMES, OVERVIEW, ChartChoices
from annotator.ui.charts.overview import OverviewPage
from annotator.ui.common.plain_text import as_text, plain_label
from annotator.ui.common.workbench import Feature, Workbench
from annotator.ui.common.worker import EXPECTED_ERRORS, run_with_progress

CHARTS = "charts"  # the tool window's key
LISTED = 500  # documents or annotations listed for one click; a count says how many more
SNIPPET = 70
EXPORTS = (("png", "PNG image"), ("svg", "SVG drawing"), ("pdf", "PDF document"), ("csv", "Table as CSV"))
_STALE_KINDS = frozenset({ChangeKind.ANNOTATION_ADDED, ChangeKind.ANNOTATION_REMOVED, ChangeKind.ANNOTATION_CHANGED,
                          ChangeKind.CODESHEET_CHANGED, ChangeKind.CODERS_CHANGED, ChangeKind.CODEBOOK_CHANGED,
                          ChangeKind.DOCUMENTS_ADDED})


class ChartsWindow(QWidget, Feature):
    def __init__(self, parent=None):
        super().__init__(parent, Qt.Window)
        self.setObjectName("chartsWindow")
        self.setWindowTitle("Charts")
        self.data: ChartData | None = None  # the single chart shown; None on the Overview
        self.panels: list[Panel] | None = None  # the Overview's panels, while it is shown
        self.canvas = None  # the ChartCanvas of the chart shown, when this installation draws
        self._unsubscribe = None
        self._choices_stale = False  # the project changed: fields, targets, coders... read again when next used
        self._cells: list[list[tuple[str, str | None] | None]] = []  # the table's cells -> (row, column) of the data
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.choices = ChartChoices(self)
        self.choices.setMaximumWidth(330)
        self.choices.changed.connect(lambda: self.draw_chart())
        self.choices.drawRequested.connect(lambda: self.draw_chart())
        left.addWidget(self.choices, 1)
        self.draw_button = QPushButton("Draw", self)
        self.draw_button.setObjectName("chartDraw")
        self.draw_button.setToolTip("Count and draw the chart again with the choices made (Enter in a field too).")
        self.draw_button.clicked.connect(lambda: self.draw_chart())
        left.addWidget(self.draw_button)
        self.export_button = QPushButton("Export…", self)
        self.export_button.setObjectName("chartExport")
        menu = QMenu(self.export_button)
        for suffix, name in EXPORTS:
            action = menu.addAction(f"{name} (.{suffix})…")
            action.setObjectName(f"chartExport_{suffix}")
            action.triggered.connect(lambda _checked=False, s=suffix: self.export(s))
        self.export_button.setMenu(menu)
        self.export_button.setEnabled(False)
        left.addWidget(self.export_button)
        layout.addLayout(left)
        layout.addWidget(self._build_right(), 1)
        self.resize(1400, 860)

    def _build_right(self) -> QWidget:
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.summary = plain_label(QLabel("", box))
        self.summary.setObjectName("chartSummary")
        self.summary.setWordWrap(True)
        column.addWidget(self.summary)
        self.splitter = QSplitter(Qt.Vertical, box)
        self.top = top = QSplitter(Qt.Horizontal, self.splitter)
        self.pages = QStackedWidget(top)
        self.chart_page = QWidget(self.pages)
        QVBoxLayout(self.chart_page).setContentsMargins(0, 0, 0, 0)
        self.pages.addWidget(self.chart_page)
        self.message = plain_label(QLabel("", self.pages))
        self.message.setObjectName("chartMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.message.setMargin(12)
        self.pages.addWidget(self.message)
        self.overview = OverviewPage(self.list_behind, self.open_panel, self.pages)
        self.pages.addWidget(self.overview)
        self.table = QTableWidget(top)
        self.table.setObjectName("chartTable")
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.cellClicked.connect(self._table_clicked)
        top.addWidget(self.pages)
        top.addWidget(self.table)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 1)
        top.setSizes([780, 300])
        self._sizes = top.sizes()  # the chart's and the table's widths, kept while the Overview hides the table
        behind = QWidget(self.splitter)
        lines = QVBoxLayout(behind)
        lines.setContentsMargins(0, 0, 0, 0)
        self.behind_title = plain_label(QLabel("Click a bar, cell or node (or a cell of the table) to list what it "
                                               "counts; open one with a double click or Enter.", behind))
        self.behind_title.setObjectName("chartBehindTitle")
        self.behind_title.setWordWrap(True)
        lines.addWidget(self.behind_title)
        self.behind = QListWidget(behind)
        self.behind.setObjectName("chartBehind")
        self.behind.itemActivated.connect(self._open_item)
        lines.addWidget(self.behind, 1)
        self.splitter.addWidget(top)
        self.splitter.addWidget(behind)
        self.splitter.setSizes([600, 200])
        column.addWidget(self.splitter, 1)
        self.status = plain_label(QLabel("", box))
        self.status.setObjectName("chartStatus")
        self.status.setWordWrap(True)
        column.addWidget(self.status)
        return box

    # -- the workbench ------------------------------------------------------------------------

    def attach(self, workbench: Workbench) -> None:
        super().attach(workbench)
        self._unsubscribe = workbench.project.subscribe(self._on_change)
        self.choices.fill(workbench.project)

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        super().detach()

    def set_list_query(self, query: DocumentQuery | None) -> None:
        self.choices.set_list_query(self.workbench.project, query)

    def _on_change(self, change: Change) -> None:
        if change.kind in (ChangeKind.CODERS_CHANGED, ChangeKind.CODEBOOK_CHANGED, ChangeKind.CODESHEET_CHANGED,
                           ChangeKind.DOCUMENTS_ADDED, ChangeKind.ANNOTATION_ADDED):
            # A new coder, label, variable, field or target to choose: read when the window is next used,
            # not on every tag made in the main window (listing the targets reads every stance).
            self._choices_stale = True
            if self.isActiveWindow():
                self._refill_choices()
        if (self.data is not None or self.panels is not None) and change.kind in _STALE_KINDS:
            self.status.setText("The project has changed since this chart was drawn: press Draw to bring it "
                                "up to date.")

    def _refill_choices(self) -> None:
        if self._choices_stale and self.workbench is not None:
            self._choices_stale = False
            self.choices.fill(self.workbench.project)

    def event(self, event) -> bool:
        if event.type() == QEvent.WindowActivate:
            self._refill_choices()
        return super().event(event)

    # -- counting and drawing --------------------------------------------------------------------

    def draw_chart(self) -> ChartData | list[Panel] | None:
        """Count the chosen chart (or the Overview's) on a worker and show it; what went wrong is said in the window."""
        if self.workbench is None:
            return None
        project = self.workbench.project
        self._refill_choices()
        kind, options = self.choices.current_kind(), self.choices.options()
        try:
            flt = self.choices.chart_filter(project)
        except ProjectError as exc:
            return self._refused(str(exc))
        if kind == OVERVIEW:
            panels = self._count(lambda worker, keep_going: overview(worker, flt, keep_going),
                                 "Counting the overview's charts…")
            if panels is not None:
                self.show_overview(panels, flt)
            return panels
        data = self._count(lambda worker, keep_going: chart_data_until(worker, kind, flt, options, keep_going),
                           f"Counting {NAMES[kind].lower()}…")
        if data is not None:
            self.show_data(data, flt)
        return data

    def _count(self, compute, what: str):
        """compute(worker project, keep_going) on a worker behind a progress dialog whose Cancel stops it;
        None when cancelled or refused (the window says which)."""
        def work(worker: Project, report):
            try:
                return compute(worker, lambda: report(0, 0, ""))
            except ChartCancelled:
                return None

        job = run_with_progress(self, self.workbench.project, work, title="Charts", object_name="chartProgress",
                                label=lambda *_: what)
        if job is None:
            return None
        if job.error is not None:
            return self._refused(str(job.error)) if isinstance(job.error, EXPECTED_ERRORS) else None
        if job.result is None:
            self.status.setText("Cancelled; the chart shown is the one drawn before.")
        return job.result

    def _refused(self, text: str) -> None:
        """Why there is no chart, calmly, in place of the chart (the table and export go with it)."""
        self.data = self.panels = None
        self.summary.setText("")
        self.message.setText(text[:1].upper() + text[1:])
        self.pages.setCurrentWidget(self.message)
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self._clear_behind()
        self.export_button.setEnabled(False)
        self.status.setText("")
        return None

    def show_data(self, data: ChartData, flt: ChartFilter = ChartFilter()) -> None:
        self.data, self.panels = data, None
        self.overview.clear()
        if self.table.isHidden():  # back from the Overview: the table at the width it had, not squeezed to its least
            total, before = sum(self.top.sizes()), sum(self._sizes) or 1  # the window may have been resized since
            self.table.show()
            self.top.setSizes([round(total * size / before) for size in self._sizes])
        self.summary.setText(f"{data.title} — {flt.describe()}. {data.note}")
        self._fill_table(data)
        self._fit_table()
        self._clear_behind()
        self.export_button.setEnabled(True)
        self.status.setText("")
        if not draw.drawing_available():
            self.message.setText("This installation of Annotator cannot draw charts: its drawing library "
                                 "(matplotlib) is missing. The table beside shows the chart's numbers, and "
                                 "Export › Table as CSV saves them; reinstall Annotator to draw charts again.")
            self.pages.setCurrentWidget(self.message)
            return
        from annotator.ui.charts.canvas import ChartCanvas  # matplotlib's Qt backend, loaded at the first chart

        width, height = max(self.pages.width(), 480), max(self.pages.height(), 320)
        figure = draw.figure(data, width=width, height=height, theme=self.theme())
        canvas = ChartCanvas(figure, self.list_behind)
        old, self.canvas = self.canvas, canvas
        self.chart_page.layout().addWidget(canvas)
        if old is not None:
            old.setParent(None)
            old.deleteLater()
        self.pages.setCurrentWidget(self.chart_page)

    def show_overview(self, panels: list[Panel], flt: ChartFilter = ChartFilter()) -> None:
        """The small charts in a grid; the table stands aside (each panel's is one Open away)."""
        self.data, self.panels = None, panels
        self.summary.setText(f"Overview — {flt.describe()}. Click a bar to list what it counts; Open (or a double "
                             "click on a chart) shows it alone, with the table behind it and Export.")
        if not self.table.isHidden():
            self._sizes = self.top.sizes()
            self.table.hide()
        self._clear_behind()
        self.export_button.setEnabled(False)
        self.status.setText("")
        if not draw.drawing_available():
            self.message.setText("This installation of Annotator cannot draw charts: its drawing library "
                                 "(matplotlib) is missing. Choose a chart on the left to see its numbers in a "
                                 "table and save them with Export › Table as CSV; reinstall Annotator to draw "
                                 "charts again.")
            self.pages.setCurrentWidget(self.message)
            return
        self.overview.show_panels(panels, self.theme())
        self.pages.setCurrentWidget(self.overview)

    def open_panel(self, kind: str) -> None:
        """An Overview panel shown alone: the chooser set to its chart, which draws it."""
        options = next((panel.options for panel in self.panels or () if panel.kind == kind), None)
        self.choices.choose(kind, options)

    def theme(self) -> draw.Theme:
        """The palette's text and base colours: a chart in a dark palette is dark too."""
        palette = self.palette()
        return draw.Theme(palette.color(QPalette.Text).name(), palette.color(QPalette.Base).name())

    def _fill_table(self, data: ChartData) -> None:
        header, lines = data.table()
        self.table.clear()
        self.table.setColumnCount(len(header))
        self.table.setRowCount(len(lines))
        self.table.setHorizontalHeaderLabels([str(h) for h in header])
        self._cells = []
        for r, line in enumerate(lines):
            for c, value in enumerate(line):
                item = QTableWidgetItem(str(value))
                if c and isinstance(value, (int, float)):
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(r, c, item)
            self._cells.append(self._line_cells(data, line))
        self.table.resizeColumnsToContents()
        for c in range(self.table.columnCount()):  # a long title must not push the numbers out of view
            self.table.setColumnWidth(c, min(self.table.columnWidth(c), 160 if c == 0 else 110))

    TABLE_SHARE = 0.4  # the most of the chart's row the table takes: the chart is what the window is for

    def _fit_table(self) -> None:
        """The table as wide as its columns (up to TABLE_SHARE of the row), the chart the rest: at a fixed width
        a table of five verdicts hid its last column behind a scroll bar, one of two columns wasted room."""
        table, total = self.table, sum(self.top.sizes())
        if not total:
            return
        table.doItemsLayout()  # the scroll bars' ranges are known now, not at the next paint
        wanted = sum(table.columnWidth(c) for c in range(table.columnCount())) + 2 * table.frameWidth()
        if table.verticalScrollBar().maximum() > 0 or table.rowCount() * table.verticalHeader().defaultSectionSize() \
                + table.horizontalHeader().height() > table.viewport().height():
            wanted += table.verticalScrollBar().sizeHint().width()
        width = min(wanted + 2, round(total * self.TABLE_SHARE))
        self.top.setSizes([total - width, width])

    @staticmethod
    def _line_cells(data: ChartData, line: list) -> list:
        """What each cell of a table line stands for: a network's node or edge, else (row, column), the name a row."""
        if data.shape == "network":
            cell = (line[0], None) if line[1] == "" else (line[0], line[1])
            return [cell] * len(line)
        return [(line[0], None)] + [(line[0], column) for column in data.columns]

    # -- what a bar stands for --------------------------------------------------------------------

    def _table_clicked(self, r: int, c: int) -> None:
        if 0 <= r < len(self._cells):
            self.list_behind(self._cells[r][c])

    def list_behind(self, cell: tuple[str, str | None], data: ChartData | None = None) -> CellIds | None:
        """List the documents or annotations a bar, cell, node or edge (row, column) of `data` (by default
        the chart shown; an Overview panel's otherwise) counts."""
        data = data or self.data
        if data is None or self.workbench is None:
            return None
        project = self.workbench.project
        row, column = cell
        where = row if column is None else f"{row} · {column}" if data.shape != "network" else f"{row} — {column}"
        if data.base is None:
            self.behind_title.setText(f"{where}: agreement figures compare coders; they stand for no list of "
                                      "documents. Analyze › Agreement shows the places the coders differ.")
            self.behind.clear()
            return None
        ids = data.cell_ids(project, row, column)
        self.behind.clear()
        if ids.annotations:
            shown = self._annotation_items(project, ids.annotations[:LISTED])
            what, count = "annotation", len(ids.annotations)
        else:
            shown = self._document_items(project, ids.documents[:LISTED])
            what, count = "document", len(ids.documents)
        for text, place in shown:
            item = QListWidgetItem(text, self.behind)
            item.setData(Qt.UserRole, place)
        more = f" (the first {LISTED:,} listed)" if count > LISTED else ""
        self.behind_title.setText(f"{where}: {count:,} {what}{'s' * (count != 1)} in {len(ids.documents):,} "
                                  f"document{'s' * (len(ids.documents) != 1)}{more}. Double-click or Enter opens one."
                                  if count else f"{where}: nothing is counted here.")
        return ids

    def _document_items(self, project: Project, documents) -> list[tuple[str, tuple[int, None]]]:
        return [(summary.title or f"Document {summary.id}", (summary.id, None))
                for summary in project.documents.page(list(documents))]

    def _annotation_items(self, project: Project, annotations) -> list[tuple[str, tuple[int, int]]]:
        found = project.annotations.get_many(list(annotations))
        titles = {s.id: s.title for s in project.documents.page(sorted({a.document_id for a in found}))}
        items = []
        for annotation in found:
            label = project.codebook.label(annotation.label_id).name
            text = " ".join(annotation.text.split())
            if annotation.target or annotation.target_entity_id is not None:
                text = f"→ {project.annotations.display_role(annotation, 'target')}" + (f": {text}" if text else "")
            text = text if len(text) <= SNIPPET else text[:SNIPPET - 1] + "…"
            items.append((f"{label}: {text or '(whole document)'} — {annotation.annotator} · "
                          f"{titles.get(annotation.document_id, '')}", (annotation.document_id, annotation.id)))
        return items

    def _clear_behind(self) -> None:
        self.behind.clear()
        self.behind_title.setText("Click a bar, cell or node (or a cell of the table) to list what it counts; "
                                  "open one with a double click or Enter.")

    def _open_item(self, item: QListWidgetItem) -> None:
        document, annotation = item.data(Qt.UserRole)
        if self.workbench is not None:
            self.workbench.reveal(document, annotation_id=annotation)

    # -- export ---------------------------------------------------------------------------------

    def export(self, suffix: str, out: Path | None = None) -> Path | None:
        """Save the chart (light, for print) or its table as `suffix` says; a failure is a message, not a trace."""
        if self.data is None:
            return None
        if out is None:
            name = dict(EXPORTS)[suffix]
            suggested = Path.home() / f"{self.workbench.project.name}-{self.data.kind}.{suffix}"
            chosen, _ = QFileDialog.getSaveFileName(self, f"Export {name}", str(suggested),
                                                    f"{name} (*.{suffix});;All files (*)")
            if not chosen:
                return None
            out = Path(chosen) if Path(chosen).suffix else Path(f"{chosen}.{suffix}")
        try:
            written = draw.save(self.data, out)
        except (ProjectError, OSError) as exc:
            QMessageBox.warning(self, "Export failed", as_text(f"Could not write {out}:\n{exc}\n\n"
                                                               "Choose another place or format and try again."))
            return None
        self.status.setText(f"Wrote {written}")
        self.workbench.show_status(f"Wrote {self.data.title} to {written}", 10000)
        return written


def open_charts(workbench: Workbench, list_query: DocumentQuery | None = None) -> ChartsWindow:
    """Analyze › Charts: one window per open project; the first opening counts and draws the Overview."""
    window = workbench.tool_window(CHARTS, lambda: ChartsWindow(workbench))
    window.set_list_query(list_query)
    first = not window.isVisible() and window.data is None and window.panels is None
    window.show()
    window.raise_()
    window.activateWindow()
    if first:
        window.draw_chart()
    return window

