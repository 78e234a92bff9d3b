"""File menu work: new/open project, import documents with progress, export CSV."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication, QButtonGroup, QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QLabel,
    QMessageBox, QProgressDialog, QRadioButton, QVBoxLayout, QWidget,
)

from ..core.errors import ProjectError
from ..core.exporting import EXPORTERS
from ..core.project import PROJECT_SUFFIX, Project

if TYPE_CHECKING:
    from ..core.importing import ImportReport

PROJECT_FILTER = f"Annotator projects (*{PROJECT_SUFFIX});;All files (*)"


def ask_new_project_path(parent: QWidget) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, "New project", str(Path.home() / f"project{PROJECT_SUFFIX}"),
                                          PROJECT_FILTER)
    if not name:
        return None
    path = Path(name)
    if path.suffix != PROJECT_SUFFIX:
        path = path.with_name(path.name + PROJECT_SUFFIX)
    return path


def ask_open_project_path(parent: QWidget) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, "Open project", str(Path.home()), PROJECT_FILTER)
    return Path(name) if name else None


def ask_import_paths(parent: QWidget, folder: bool = False) -> list[Path]:
    if folder:
        name = QFileDialog.getExistingDirectory(parent, "Import a folder of text files")
        return [Path(name)] if name else []
    names, _ = QFileDialog.getOpenFileNames(parent, "Import documents", str(Path.home()),
                                            "Text files (*.txt *.text);;All files (*)")
    return [Path(n) for n in names]


def run_import(parent: QWidget, project: Project, paths: list[Path]) -> ImportReport:
    """Import with a cancellable progress dialog; each file is committed or refused whole."""
    # Encoding detection loads charset tables; pay for it on the first import, not at launch.
    from ..core.importing import import_paths

    progress = QProgressDialog("Importing…", "Cancel", 0, max(1, len(paths)), parent)
    progress.setWindowTitle("Import documents")
    progress.setWindowModality(Qt.WindowModal)
    progress.setMinimumDuration(400)

    def on_progress(done: int, total: int, path: Path) -> bool:
        progress.setMaximum(max(1, total))
        progress.setValue(done)
        progress.setLabelText(f"Importing {path.name} ({done + 1} of {total})")
        QApplication.processEvents()
        return not progress.wasCanceled()

    try:
        report = import_paths(project, paths, on_progress=on_progress)
    finally:
        progress.close()
    show_import_report(parent, report)
    return report


def show_import_report(parent: QWidget, report: ImportReport) -> None:
    text = "\n".join(report.summary_lines())
    if report.refused or report.skipped or report.cancelled:
        box = QMessageBox(QMessageBox.Warning if report.refused else QMessageBox.Information,
                          "Import finished", text.splitlines()[0] if text else "Nothing imported.", parent=parent)
        box.setObjectName("importReport")
        box.setDetailedText(text)
        box.setInformativeText("\n".join(text.splitlines()[1:8]))
        box.open()
    elif hasattr(parent, "statusBar"):
        parent.statusBar().showMessage(text.splitlines()[0] if text else "Nothing to import.", 8000)


EXPORT_CAPTIONS = {
    "annotations": "Annotations — one row per tag, with offsets, text, roles and attributes",
    "documents": "Documents — one row per article, with its full text and memo",
    "entities": "Entities — the registry, with aliases and mention counts",
    "memos": "Memos — every note on annotations, documents, entities and labels",
}


SINGULAR = {"annotations": "annotation", "documents": "document", "entities": "entity", "memos": "memo"}


class ExportDialog(QDialog):
    """What to export and for which program; the file name is asked next."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Export CSV")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Export the whole project as a CSV file:"))
        self.choices: dict[str, QRadioButton] = {}
        group = QButtonGroup(self)
        for what, caption in EXPORT_CAPTIONS.items():
            button = QRadioButton(caption, self)
            group.addButton(button)
            layout.addWidget(button)
            self.choices[what] = button
        self.choices["annotations"].setChecked(True)
        self.excel = QCheckBox("For Excel (adds a BOM so Korean shows; makes formulas inert)", self)
        layout.addWidget(self.excel)
        hint = QLabel("For pandas, R and SPSS leave this off: values are then exact.")
        hint.setStyleSheet("color: palette(mid);")
        layout.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.button(QDialogButtonBox.Ok).setText("Choose file…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @property
    def what(self) -> str:
        return next(what for what, button in self.choices.items() if button.isChecked())


def export_to(parent: QWidget, project: Project, what: str, out: Path, excel: bool) -> int | None:
    QApplication.setOverrideCursor(Qt.WaitCursor)
    try:
        count = EXPORTERS[what](project, out, excel=excel)
    except (OSError, ProjectError) as exc:
        QMessageBox.warning(parent, "Export failed", f"Could not write {out}:\n{exc}\n\nChoose another place and try again.")
        return None
    finally:
        QApplication.restoreOverrideCursor()
    if hasattr(parent, "statusBar"):
        parent.statusBar().showMessage(f"Exported {count} {SINGULAR[what] if count == 1 else what} to {out}", 10000)
    return count


def run_export(parent: QWidget, project: Project) -> None:
    dialog = ExportDialog(parent)
    if dialog.exec() != QDialog.Accepted:
        return
    suggested = Path.home() / f"{project.name}-{dialog.what}.csv"
    name, _ = QFileDialog.getSaveFileName(parent, "Export CSV", str(suggested), "CSV files (*.csv)")
    if name:
        export_to(parent, project, dialog.what, Path(name), dialog.excel.isChecked())
