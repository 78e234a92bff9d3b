"""Importing a corpus file: the column-mapping step, then the import with a progress bar.

The dialog shows the first rows as a table and one drop-down per role (text,
title, date, url, outlet, author), preselected from the column names; the
preview's headers say which role each column got, and a line lists the columns
that will become document metadata. Import runs in batches on a worker thread;
Cancel stops after the batch under way and keeps what was imported.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.common.errors import ImportRefused, ProjectError
from annotator.core.common.names import shown
from annotator.core.corpus.corpus_files import (
    ROLES,
    ColumnMapping,
    CorpusPreview,
    CorpusReport,
    guess_mapping,
    import_corpus,
    is_corpus_file,
    sniff_corpus,
)
from annotator.core.project import Project
from annotator.ui.common.combos import data_combo
from annotator.ui.common.plain_text import as_text, escape, plain_tip
from annotator.ui.common.workbench import Workbench
from annotator.ui.common.worker import EXPECTED_ERRORS, Report, run_with_progress

ROLE_NAMES = {"text": "Text", "title": "Title", "date": "Date", "url": "URL", "outlet": "Outlet", "author": "Author"}
_CELL_CHARS = 120  # a preview cell shows the start of a long article; its tooltip shows more
_TIP_CHARS = 1000
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars"}


class CorpusMappingDialog(QDialog):
    """Which column holds the text, title, date, url, outlet and author of each article."""

    def __init__(self, preview: CorpusPreview, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("corpusMappingDialog")
        self.setWindowTitle(f"Import {shown(preview.path.name)}")
        self.preview = preview
        layout = QVBoxLayout(self)
        how = f"{preview.row_count_estimate} articles, {preview.encoding}"
        if preview.delimiter:
            how += f", separated by {_DELIMITER_NAMES.get(preview.delimiter, repr(preview.delimiter))}"
        intro = QLabel(f"<b>{escape(preview.path.name)}</b>: {escape(how)}. The first rows:", self)
        intro.setTextFormat(Qt.RichText)
        layout.addWidget(intro)
        self.table = QTableWidget(len(preview.sample_rows), len(preview.columns), self)
        self.table.setObjectName("corpusPreview")
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setWordWrap(False)
        for row, values in enumerate(preview.sample_rows):
            for column, name in enumerate(preview.columns):
                value = values.get(name, "")
                item = QTableWidgetItem(" ".join(value.split())[:_CELL_CHARS])
                if len(value) > _CELL_CHARS or "\n" in value:
                    item.setToolTip(plain_tip(value[:_TIP_CHARS]))
                self.table.setItem(row, column, item)
        layout.addWidget(self.table, 1)
        form = QFormLayout()
        guess = guess_mapping(preview.columns)
        self.combos: dict[str, QComboBox] = {}
        for role in ROLES:
            combo = data_combo(self)
            combo.setObjectName(f"{role}Column")
            combo.addItem("(choose the column with the article text)" if role == "text" else "(none)", None)
            for name in preview.columns:
                combo.addItem(name, name)
            chosen = getattr(guess, role)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.currentIndexChanged.connect(self._show_roles)
            form.addRow(f"{ROLE_NAMES[role]}:", combo)
            self.combos[role] = combo
        layout.addLayout(form)
        self.keep_rest = QCheckBox("Keep the other columns as document metadata", self)
        self.keep_rest.setObjectName("keepOtherColumns")
        self.keep_rest.setChecked(True)
        self.keep_rest.toggled.connect(self._show_roles)
        layout.addWidget(self.keep_rest)
        self.rest = QLabel("", self)
        self.rest.setObjectName("metadataColumns")
        self.rest.setWordWrap(True)
        self.rest.setStyleSheet("color: palette(mid);")
        layout.addWidget(self.rest)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.button(QDialogButtonBox.Ok).setText("Import")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._show_roles()
        self.resize(860, 560)

    def mapping(self) -> ColumnMapping:
        roles = {role: combo.currentData() for role, combo in self.combos.items() if combo.currentData()}
        return ColumnMapping(**{"text": "", **roles}, keep_rest=self.keep_rest.isChecked())

    def _show_roles(self) -> None:
        """Headers name each column's role, and a line lists what becomes metadata."""
        roles = {combo.currentData(): role for role, combo in self.combos.items() if combo.currentData()}
        for index, name in enumerate(self.preview.columns):
            role = roles.get(name)
            self.table.setHorizontalHeaderItem(
                index, QTableWidgetItem(f"{name} → {ROLE_NAMES[role]}" if role else name))
        rest = [name for name in self.preview.columns if name not in roles]
        if not self.keep_rest.isChecked() or not rest:
            self.rest.setText("No other columns are kept.")
        else:
            self.rest.setText("Also kept as document metadata: " + ", ".join(rest))

    def accept(self) -> None:
        try:
            self.mapping().check(self.preview.columns)
        except ProjectError as exc:
            QMessageBox.warning(self, "Choose the columns", as_text(str(exc)))
            return
        super().accept()


def import_corpus_files(parent: Workbench, project: Project, paths: list[Path],
                        on_done: Callable[[CorpusReport], None] | None = None) -> None:
    """Ask for the mapping of each corpus file in turn and import it; on_done gets each report."""
    if not paths:
        return
    path, rest = paths[0], paths[1:]
    QApplication.setOverrideCursor(Qt.WaitCursor)  # the whole file is read to count its rows
    try:
        preview = sniff_corpus(path)
    except ImportRefused as exc:
        QApplication.restoreOverrideCursor()
        QMessageBox.warning(parent, "Cannot import", as_text(f"{shown(path.name)}: {exc.reason}"))
        import_corpus_files(parent, project, rest, on_done)
        return
    QApplication.restoreOverrideCursor()
    dialog = CorpusMappingDialog(preview, parent)

    def finished(result: int) -> None:
        dialog.deleteLater()
        if result == QDialog.Accepted:
            report = run_corpus_import(parent, project, path, dialog.mapping())
            if report is not None and on_done is not None:
                on_done(report)
        import_corpus_files(parent, project, rest, on_done)

    dialog.finished.connect(finished)
    dialog.open()


def run_corpus_import(parent: Workbench, project: Project, path: Path, mapping: ColumnMapping) -> CorpusReport | None:
    """Import on a worker thread behind a progress bar whose Cancel stops after the batch under way."""

    def work(worker: Project, report: Report) -> CorpusReport:
        return import_corpus(worker, path, mapping, on_progress=lambda done, total: report(done, total, path.name))

    def label(done: int, total: int, _what: str) -> str:
        name = shown(path.name)
        return f"Importing {name}: {done:,} of {total:,} rows" if total else f"Reading {name}…"

    job = run_with_progress(parent, project, work, title="Import documents", label=label,
                            object_name="corpusProgress")
    if job is None:
        return None
    if job.error is not None:
        if isinstance(job.error, EXPECTED_ERRORS):
            QMessageBox.warning(parent, "Cannot import", as_text(f"{shown(path.name)}: {getattr(job.error, 'reason', job.error)}"))
        return None
    report = job.result
    from annotator.ui.corpus.import_report import show_import_report  # file_actions routes corpus files here

    show_import_report(parent, report)
    return report


def split_corpus_files(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(corpus files, other paths): folders and text files keep the plain import."""
    corpora = [path for path in paths if path.is_file() and is_corpus_file(path)]
    return corpora, [path for path in paths if path not in corpora]
