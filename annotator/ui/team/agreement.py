"""Analyze › Agreement: how far the project's coders agree, with every figure the core computes.

The analyst chooses the coders, the documents (all, or those the document list shows) and
optionally one level of measurement for every variable; the core's agreement() runs on a
worker thread behind a progress dialog, since a big project takes seconds; Cancel stops it
at its next step and leaves the figures shown before. The window then
shows the figures (alphas banded by Krippendorff's conventions, each with what it rests on
or why it has no value), a coder x coder matrix, a per-document table and the places the
coders differ; choosing a place opens the document there. Export CSV writes the table the
CLI's --out writes.

The figures are not recomputed on every edit (that would cost seconds each time): after a
change the window says they are out of date, and Compute brings them up to date.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.common.model import LEVELS
from annotator.core.corpus.documents import DocumentQuery
from annotator.core.project import Project
from annotator.core.store.database import Change, ChangeKind
from annotator.core.team.project_agreement import (
    AgreementCancelled,
    AgreementReport,
    agreement,
)
from annotator.core.team.table import write_agreement_csv
from annotator.ui.common.plain_text import as_text, plain_label, plain_tip
from annotator.ui.common.workbench import Feature, Workbench
from annotator.ui.common.worker import EXPECTED_ERRORS, run_with_progress
from annotator.ui.team.agreement_models import (
    DISAGREEMENT_HEADINGS,
    DOCUMENT_HEADINGS,
    FIGURE_HEADINGS,
    READINGS,
    LinesModel,
    disagreement_lines,
    document_lines,
    figure_lines,
    matrix_cell,
    matrix_choices,
    tint,
)

AGREEMENT = "agreement"  # the tool window's key
EXCERPT = 60  # characters of a disputed span shown in the list of places
_STALE_KINDS = frozenset({ChangeKind.ANNOTATION_ADDED, ChangeKind.ANNOTATION_REMOVED, ChangeKind.ANNOTATION_CHANGED,
                          ChangeKind.CODESHEET_CHANGED, ChangeKind.CODERS_CHANGED, ChangeKind.CODEBOOK_CHANGED,
                          ChangeKind.DOCUMENTS_ADDED})
LEGEND = ("Krippendorff's α, uα and |uα: " + " · ".join(READINGS.values())
          + ". Hover over a figure for what it rests on.")


class AgreementWindow(QWidget, Feature):
    def __init__(self, parent=None):
        super().__init__(parent, Qt.Window)
        self.setObjectName("agreementWindow")
        self.setWindowTitle("Agreement")
        self.report: AgreementReport | None = None
        self.list_query: DocumentQuery | None = None  # what the document list shows, when it is filtered
        self._unsubscribe = None
        self._texts: dict[int, str] = {}
        layout = QHBoxLayout(self)
        layout.addWidget(self._build_choices())
        right = QVBoxLayout()
        self.summary = plain_label(QLabel("", self))
        self.summary.setObjectName("agreementSummary")
        self.summary.setWordWrap(True)
        right.addWidget(self.summary)
        self.pages = QStackedWidget(self)
        self.tabs = QTabWidget(self)
        self.figures = LinesModel(FIGURE_HEADINGS, self)
        self.figures_view = self._table("agreementFigures", self.figures)
        self.tabs.addTab(self._figures_page(), "Figures")
        self.tabs.addTab(self._matrix_page(), "Coder × coder")
        self.documents = LinesModel(DOCUMENT_HEADINGS, self)
        self.documents_view = self._table("agreementDocuments", self.documents)
        self.documents_view.selectionModel().currentRowChanged.connect(lambda i, _p: self._open_document(i.row()))
        self.tabs.addTab(self.documents_view, "Documents")
        self.places = LinesModel(DISAGREEMENT_HEADINGS, self)
        self.places_view = self._table("agreementDisagreements", self.places)
        self.places_view.selectionModel().currentRowChanged.connect(lambda i, _p: self.reveal_place(i.row()))
        self.tabs.addTab(self.places_view, "Disagreements")
        self.pages.addWidget(self.tabs)
        self.message = plain_label(QLabel("", self))
        self.message.setObjectName("agreementMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.message.setMargin(12)
        self.pages.addWidget(self.message)
        right.addWidget(self.pages, 1)
        self.status = plain_label(QLabel("", self))
        self.status.setObjectName("agreementStatus")
        self.status.setWordWrap(True)
        right.addWidget(self.status)
        layout.addLayout(right, 1)
        self.resize(1280, 680)

    # -- building ---------------------------------------------------------------------------

    def _build_choices(self) -> QWidget:
        box = QWidget(self)
        box.setMaximumWidth(270)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(QLabel("Coders to compare:", box))
        self.coders = QListWidget(box)
        self.coders.setObjectName("agreementCoders")
        column.addWidget(self.coders, 1)
        form = QFormLayout()
        self.scope = QComboBox(box)
        self.scope.setObjectName("agreementDocumentsScope")
        form.addRow("Documents:", self.scope)
        self.level = QComboBox(box)
        self.level.setObjectName("agreementLevel")
        self.level.addItem("Each variable's own", None)
        for level in LEVELS:
            self.level.addItem(f"All {level}", level)
        self.level.setToolTip(plain_tip("Compare every variable at this level of measurement instead of its own "
                                        "(where its type allows it)."))
        form.addRow("Level:", self.level)
        column.addLayout(form)
        self.compute_button = QPushButton("Compute", box)
        self.compute_button.setObjectName("agreementCompute")
        self.compute_button.clicked.connect(lambda: self.compute())
        column.addWidget(self.compute_button)
        self.export_button = QPushButton("Export CSV…", box)
        self.export_button.setObjectName("agreementExport")
        self.export_button.clicked.connect(lambda: self.export_csv())
        self.export_button.setEnabled(False)
        column.addWidget(self.export_button)
        return box

    def _table(self, name: str, model: LinesModel) -> QTableView:
        view = QTableView(self)
        view.setObjectName(name)
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectRows)
        view.setSelectionMode(QAbstractItemView.SingleSelection)
        view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        view.setWordWrap(False)
        view.verticalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)  # one line a row: more rows in view
        view.horizontalHeader().setStretchLastSection(True)
        return view

    def _figures_page(self) -> QWidget:
        page = QWidget(self)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.figures_view, 1)
        legend = plain_label(QLabel(LEGEND, page))
        legend.setWordWrap(True)
        column.addWidget(legend)
        return page

    def _matrix_page(self) -> QWidget:
        page = QWidget(self)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("Figure:", page))
        self.matrix_figure = QComboBox(page)
        self.matrix_figure.setObjectName("agreementMatrixFigure")
        self.matrix_figure.currentIndexChanged.connect(lambda _i: self._fill_matrix())
        row.addWidget(self.matrix_figure, 1)
        column.addLayout(row)
        self.matrix = QTableWidget(page)
        self.matrix.setObjectName("agreementMatrix")
        self.matrix.setEditTriggers(QAbstractItemView.NoEditTriggers)
        column.addWidget(self.matrix, 1)
        return page

    # -- the workbench ------------------------------------------------------------------------

    def attach(self, workbench: Workbench) -> None:
        super().attach(workbench)
        self._unsubscribe = workbench.project.subscribe(self._on_change)
        self._fill_coders()

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        super().detach()

    def set_list_query(self, query: DocumentQuery | None) -> None:
        """What the document list shows now: offered as the documents to compare when it is filtered."""
        self.list_query = query if query is not None and not query.is_empty else None
        chosen = self.scope.currentData()
        self.scope.clear()
        self.scope.addItem("All documents", "all")
        if self.list_query is not None:
            count = len(self.workbench.project.documents.listing(self.list_query))
            self.scope.addItem(f"The {count:,} the document list shows", "list")
        self.scope.setCurrentIndex(max(0, self.scope.findData(chosen)))

    def _fill_coders(self) -> None:
        project = self.workbench.project
        was = {self.coders.item(i).data(Qt.UserRole): self.coders.item(i).checkState()
               for i in range(self.coders.count())}
        self.coders.clear()
        for coder in project.coders.list(include_gold=True):
            item = QListWidgetItem(f"{coder.name} (gold)" if coder.is_gold else coder.name, self.coders)
            item.setData(Qt.UserRole, coder.name)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            # As the core's default: every coder, the adjudicated layer only when asked for.
            item.setCheckState(was.get(coder.name, Qt.Unchecked if coder.is_gold else Qt.Checked))

    def chosen_coders(self) -> list[str] | None:
        """The coders ticked, or None when they are the core's default (every coder, no gold)."""
        ticked, default = [], []
        for i in range(self.coders.count()):
            item = self.coders.item(i)
            if item.checkState() == Qt.Checked:
                ticked.append(item.data(Qt.UserRole))
            if not item.text().endswith(" (gold)"):
                default.append(item.data(Qt.UserRole))
        return None if ticked == default else ticked

    def _on_change(self, change: Change) -> None:
        if change.kind == ChangeKind.CODERS_CHANGED:
            self._fill_coders()
        if self.report is not None and change.kind in _STALE_KINDS:
            self.status.setText("The project has changed since these figures were computed: press Compute to "
                                "bring them up to date.")

    # -- computing ------------------------------------------------------------------------------

    def compute(self) -> AgreementReport | None:
        """Run agreement() on a worker with the choices made; show what it found, or why not."""
        project = self.workbench.project
        coders, level = self.chosen_coders(), self.level.currentData()
        if coders is not None and len(coders) < 2:
            self.status.setText("Tick two coders or more: agreement compares coders.")
            return None
        documents = None
        if self.scope.currentData() == "list" and self.list_query is not None:
            documents = list(project.documents.listing(self.list_query))

        def work(worker: Project, report) -> AgreementReport | None:
            try:
                return agreement(worker, coders=coders, documents=documents, level=level,
                                 on_progress=lambda done, total: report(done, total, ""))
            except AgreementCancelled:
                return None

        job = run_with_progress(self, project, work, title="Agreement", object_name="agreementProgress",
                                label=lambda _done, total, _what: "Computing agreement…" if total
                                else "Reading who coded what…")
        if job is None:
            return None
        if job.error is not None:
            if isinstance(job.error, EXPECTED_ERRORS):
                self.status.setText(str(job.error))
            return None
        if job.result is None:
            self.status.setText("Cancelled; the figures shown are those computed before.")
            return None
        self.show_report(job.result)
        return job.result

    def show_report(self, report: AgreementReport) -> None:
        self.report = report
        self._texts.clear()
        self.export_button.setEnabled(report.problem is None)
        self.status.setText("")
        if report.problem is not None:
            self.summary.setText("")
            self.message.setText(report.problem)
            self.pages.setCurrentWidget(self.message)
            return
        units, complete = len(report.units), len(report.complete)
        self.summary.setText(
            f"Agreement of {', '.join(report.coders)} over {units:,} document{'s' * (units != 1)} coded by two or "
            f"more of them ({complete:,} by all). {len(report.disagreements):,} place"
            f"{'s' * (len(report.disagreements) != 1)} where they differ."
            + "".join(f"\nNote: {note}" for note in report.notes))
        self.figures.set_lines(figure_lines(report.rows))
        self.documents.set_lines(document_lines(report.documents))
        titles = {doc.document: doc.title for doc in report.documents}
        self.places.set_lines(disagreement_lines(report.disagreements, titles, self._excerpt))
        self.matrix_figure.blockSignals(True)
        self.matrix_figure.clear()
        for text, variable in matrix_choices(report):
            self.matrix_figure.addItem(text, variable)
        self.matrix_figure.blockSignals(False)
        self._fill_matrix()
        for view in (self.figures_view, self.documents_view, self.places_view):
            view.resizeColumnsToContents()
            header = view.horizontalHeader()
            for column in range(view.model().columnCount() - 1):  # a long name or quote must not push the rest away
                header.resizeSection(column, min(header.sectionSize(column), 320))
            header.setSectionResizeMode(QHeaderView.Interactive)
        self.pages.setCurrentWidget(self.tabs)

    def _excerpt(self, document: int, start: int, end: int) -> str:
        if document not in self._texts:
            self._texts[document] = self.workbench.project.documents.text(document)
        piece = " ".join(self._texts[document][start:end].split())
        return piece if len(piece) <= EXCERPT else piece[:EXCERPT - 1] + "…"

    def _fill_matrix(self) -> None:
        report = self.report
        names = list(report.coders) if report is not None and report.problem is None else []
        variable = self.matrix_figure.currentData()
        self.matrix.clear()
        self.matrix.setRowCount(len(names))
        self.matrix.setColumnCount(len(names))
        self.matrix.setHorizontalHeaderLabels(names)
        self.matrix.setVerticalHeaderLabels(names)
        for row, first in enumerate(names):
            for column, second in enumerate(names):
                text, tip, reading = matrix_cell(report, first, second, variable)
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignCenter)
                if tip:
                    item.setToolTip(plain_tip(tip))
                if reading:
                    item.setBackground(tint(reading))
                self.matrix.setItem(row, column, item)
        self.matrix.resizeColumnsToContents()
        self.matrix.resizeRowsToContents()

    # -- going to a place -----------------------------------------------------------------------

    def reveal_place(self, row: int) -> bool:
        """Open the document at the disputed place of the row (the document itself for a whole-document code)."""
        place = self.places.payload(row)
        if place is None or self.workbench is None:
            return False
        if place.start is None:
            return self.workbench.reveal(place.document)
        return self.workbench.reveal(place.document, span=(place.start, place.end))

    def _open_document(self, row: int) -> None:
        doc = self.documents.payload(row)
        if doc is not None and self.workbench is not None:
            self.workbench.reveal(doc.document)

    # -- the CSV --------------------------------------------------------------------------------

    def export_csv(self, out: Path | None = None) -> int | None:
        """Write the figures as the CLI's --out does; the rows written, or None."""
        if self.report is None or self.report.problem is not None:
            return None
        if out is None:
            suggested = Path.home() / f"{self.workbench.project.name}-agreement.csv"
            name, _ = QFileDialog.getSaveFileName(self, "Export agreement", str(suggested),
                                                  "CSV files (*.csv);;All files (*)")
            if not name:
                return None
            out = Path(name) if Path(name).suffix else Path(name + ".csv")
        try:
            count = write_agreement_csv(self.report.rows, out)
        except OSError as exc:
            QMessageBox.warning(self, "Export failed",
                                as_text(f"Could not write {out}:\n{exc}\n\nChoose another place and try again."))
            return None
        self.status.setText(f"Wrote {count:,} figures to {out}")
        self.workbench.show_status(f"Wrote {count:,} agreement figures to {out}", 10000)
        return count


def open_agreement(workbench: Workbench, list_query: DocumentQuery | None = None) -> AgreementWindow:
    """Analyze › Agreement: one window per open project; the first opening computes the figures."""
    window = workbench.tool_window(AGREEMENT, lambda: AgreementWindow(workbench))
    window.set_list_query(list_query)
    first = not window.isVisible() and window.report is None
    window.show()
    window.raise_()
    window.activateWindow()
    if first:
        window.compute()
    return window
