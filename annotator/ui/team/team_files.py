"""File › Export for a coder… and File › Merge coder's project…: hand a coder their file, take it back.

Both run the core (team/handout.py, team/merge.py) on a worker thread behind a progress
dialog, so a corpus of thousands of articles keeps the window live. A merge is one edit:
the worker's connection commits it, and the window's connection adopts its undo entries
(Store.adopt), so Edit › Undo takes the whole merge back in one step, as `annotator merge`
makes it one transaction.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.core.common.names import shown, shown_text
from annotator.core.corpus.documents import DocumentQuery
from annotator.core.project import Project
from annotator.core.store.paths import PROJECT_SUFFIX
from annotator.core.team.handout import Handout, handout
from annotator.core.team.merge import MergeReport, merge
from annotator.ui.common.plain_text import as_text, plain_label
from annotator.ui.common.workbench import Workbench
from annotator.ui.common.worker import EXPECTED_ERRORS, run_with_progress

PROJECT_FILTER = f"Annotator projects (*{PROJECT_SUFFIX});;All files (*)"


class HandoutDialog(QDialog):
    """Who the file is for and which documents it holds: all, a reproducible random sample, or the listed ones."""

    def __init__(self, project: Project, list_query: DocumentQuery | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("handoutDialog")
        self.setWindowTitle("Export for a coder")
        self.project = project
        total = project.documents.count()
        self.listed: list[int] = []
        if list_query is not None and not list_query.is_empty:
            self.listed = list(project.documents.listing(list_query))
        layout = QVBoxLayout(self)
        intro = plain_label(QLabel("A project file for one coder to code in: the documents and the codebook, "
                                   "and none of anyone's codes. Take it back with File › Merge coder's project….",
                                   self))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.coder = QLineEdit(self)
        self.coder.setObjectName("handoutCoder")
        self.coder.setPlaceholderText("the coder's name, e.g. 이지은")
        form.addRow("Coder:", self.coder)
        layout.addLayout(form)
        self.scope = QButtonGroup(self)
        self.every = QRadioButton(f"All {total:,} documents", self)
        self.sampled = QRadioButton("A random sample of", self)
        self.size = QSpinBox(self)
        self.size.setObjectName("handoutSampleSize")
        self.size.setRange(1, max(1, total))
        self.size.setValue(min(total, 100) or 1)
        self.size.setSuffix(" documents")
        self.seed = QLineEdit(self)
        self.seed.setObjectName("handoutSeed")
        self.seed.setPlaceholderText("seed (any; chosen and shown if empty)")
        self.seed.setToolTip("The same sample size and seed draw the same documents: give every coder of the "
                             "reliability sample the same seed.")
        self.in_list = QRadioButton(f"The {len(self.listed):,} documents the document list shows", self)
        self.in_list.setEnabled(bool(self.listed))
        if not self.listed:
            self.in_list.setToolTip("Filter the document list first (by title, stance or a metadata field).")
        for button, name in ((self.every, "handoutAll"), (self.sampled, "handoutSample"), (self.in_list, "handoutListed")):
            button.setObjectName(name)
            self.scope.addButton(button)
        self.every.setChecked(True)
        layout.addWidget(self.every)
        row = QHBoxLayout()
        row.addWidget(self.sampled)
        row.addWidget(self.size)
        row.addWidget(QLabel("with seed", self))
        row.addWidget(self.seed, 1)
        layout.addLayout(row)
        layout.addWidget(self.in_list)
        self.problem = plain_label(QLabel("", self))
        self.problem.setObjectName("handoutProblem")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.button(QDialogButtonBox.Ok).setText("Choose file…")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.size.valueChanged.connect(lambda _v: self.sampled.setChecked(True))
        self.seed.textEdited.connect(lambda _t: self.sampled.setChecked(True))
        self.resize(560, self.sizeHint().height())

    def options(self) -> dict:
        """handout()'s keyword arguments for what is chosen."""
        if self.sampled.isChecked():
            return {"sample": self.size.value(), "seed": self.seed.text().strip() or None}
        if self.in_list.isChecked():
            return {"documents": list(self.listed)}
        return {}

    def _accept(self) -> None:
        if not self.coder.text().strip():
            self.problem.setText("Give the coder's name: their codes come back under it when you merge their file.")
            self.coder.setFocus()
            return
        self.accept()


def hand_out(window: Workbench, list_query: DocumentQuery | None = None, *, out: Path | None = None,
             dialog: HandoutDialog | None = None) -> Handout | None:
    """File › Export for a coder…: ask whom for and what, then where; write the file. out and dialog are for tests."""
    project = window.project
    if project.documents.count() == 0:
        QMessageBox.information(window, "Export for a coder", "The project has no documents to hand out; "
                                "import some first (File › Import documents…).")
        return None
    dialog = dialog or HandoutDialog(project, list_query, window)
    if dialog.result() != QDialog.Accepted and dialog.exec() != QDialog.Accepted:
        return None
    coder, options = dialog.coder.text().strip(), dialog.options()
    if out is None:
        suggested = Path.home() / f"{project.name}-{coder}{PROJECT_SUFFIX}"
        name, _ = QFileDialog.getSaveFileName(window, "Export for a coder", str(suggested), PROJECT_FILTER)
        if not name:
            return None
        out = Path(name) if Path(name).suffix == PROJECT_SUFFIX else Path(name + PROJECT_SUFFIX)

    job = run_with_progress(window, project, lambda worker, _report: handout(worker, coder, out, **options),
                            title="Export for a coder", object_name="handoutProgress",
                            label=lambda *_args: f"Writing {shown(out.name)} for {shown_text(coder)}…")
    if job is None or (job.error is not None and not isinstance(job.error, EXPECTED_ERRORS)):
        return None
    if job.error is not None:
        QMessageBox.warning(window, "Nothing was written", as_text(str(job.error)))
        return None
    made: Handout = job.result
    count = len(made.document_ids)
    message = f"Wrote {shown(made.path)} for {shown_text(made.coder)}: {count:,} document{'s' * (count != 1)}."
    if made.seed is not None:
        message += (f"\n\nThe sample was drawn with seed {shown_text(made.seed)}: the same sample size and seed "
                    "draw the same documents, so give every coder of the reliability sample this seed.")
    box = QMessageBox(QMessageBox.Information, "Export for a coder", as_text(message), parent=window)
    box.setObjectName("handoutDone")
    box.open()
    window.show_status(message.split("\n")[0], 10000)
    return made


def merge_coders(window: Workbench, paths: list[Path] | None = None) -> MergeReport | None:
    """File › Merge coder's project…: merge the chosen files as one undoable edit and show what came in."""
    project = window.project
    if paths is None:
        names, _ = QFileDialog.getOpenFileNames(window, "Merge coder's project", str(Path.home()), PROJECT_FILTER)
        paths = [Path(name) for name in names]
    if not paths:
        return None

    def work(worker: Project, _report):
        report, changeset = worker.store.edit(merge, worker, paths)
        # The undo log is the worker connection's: hand its entries over before it closes.
        return report, changeset.changes if changeset else [], \
            worker.store.history.entries(worker.store.conn, changeset) if changeset else []

    label = f"Merging {shown(paths[0].name)}…" if len(paths) == 1 else f"Merging {len(paths)} coders' files…"
    job = run_with_progress(window, project, work, title="Merge coder's project", object_name="mergeProgress",
                            label=lambda *_args: label)
    if job is None or (job.error is not None and not isinstance(job.error, EXPECTED_ERRORS)):
        return None
    if job.error is not None:  # a refusal names every conflict: shown whole, and nothing changed
        box = QMessageBox(QMessageBox.Warning, "Nothing was merged", as_text(str(job.error)), parent=window)
        box.setObjectName("mergeRefused")
        box.open()
        return None
    report, changes, statements = job.result
    what = f"Merge {shown(paths[0].name)}" if len(paths) == 1 else f"Merge {len(paths)} coders' files"
    window.ops.adopt(what, statements, changes)
    lines = report.lines()
    files = f"{len(paths)} file{'s' * (len(paths) != 1)}"
    heading = f"Merged {files}; Edit › Undo takes the merge back." if report.changed else f"Merged {files}."
    box = QMessageBox(QMessageBox.Information, "Merge coder's project", as_text(heading), parent=window)
    box.setObjectName("mergeReport")
    box.setInformativeText(as_text("\n".join(lines)))
    box.open()
    window.show_status(f"{heading} {lines[0]}", 10000)
    return report
