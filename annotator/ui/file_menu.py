"""File menu work: new/open project, import documents with progress; export is in export_dialog.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from annotator.core.common.names import shown
from annotator.core.corpus.import_formats import file_dialog_filters
from annotator.core.project import Project
from annotator.core.store.paths import PROJECT_SUFFIX
from annotator.ui.common.plain_text import as_text
from annotator.ui.common.workbench import Workbench
from annotator.ui.common.worker import EXPECTED_ERRORS, Report, run_with_progress
from annotator.ui.corpus.import_report import show_import_report

if TYPE_CHECKING:
    from annotator.core.corpus.corpus_files import CorpusReport
    from annotator.core.corpus.importing import ImportReport

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
        name = QFileDialog.getExistingDirectory(parent, "Import a folder of articles")
        return [Path(name)] if name else []
    names, _ = QFileDialog.getOpenFileNames(parent, "Import documents", str(Path.home()),
                                            ";;".join(file_dialog_filters()))
    return [Path(n) for n in names]


def run_import(parent: Workbench, project: Project, paths: list[Path],
               corpus_done: Callable[[CorpusReport], None] | None = None) -> ImportReport:
    """Import on a worker thread behind a progress dialog with Cancel; each file is committed or refused whole.

    The window stays live meanwhile; Cancel keeps the files already imported. Corpus files are
    imported after their column-mapping dialog, later: corpus_done gets each one's report.
    """
    # Encoding detection loads charset tables; pay for it on the first import, not at launch.
    from annotator.core.corpus.importing import ImportReport, import_paths
    from annotator.ui.corpus.corpus_dialog import import_corpus_files, split_corpus_files
    from annotator.ui.interchange.jsonl_import import import_coded_jsonl, split_coded_jsonl
    from annotator.ui.interchange.refi_import import import_refi_files, split_refi_files

    # REFI-QDA projects and codebooks from other QDA programs are imported whole, each with its own report.
    refi, paths = split_refi_files(paths)
    import_refi_files(parent, project, refi)
    if refi and not paths:
        return ImportReport([])
    # A JSON Lines export of Annotator's brings codes back, as the coders its records name.
    coded, paths = split_coded_jsonl(paths)
    import_coded_jsonl(parent, project, coded)
    if coded and not paths:
        return ImportReport([])
    # Corpus files (one article per row) go through the column-mapping dialog, which imports on its own.
    corpora, paths = split_corpus_files(paths)
    import_corpus_files(parent, project, corpora, corpus_done)
    if corpora and not paths:
        return ImportReport([])

    def work(worker: Project, report: Report) -> ImportReport:
        # A big file reports its phases (reading, decoding, ...) so the bar moves inside it and Cancel answers.
        return import_paths(worker, paths, on_progress=lambda done, total, path: report(done, total, shown(path.name)),
                            on_step=lambda s: report.within(s.index, s.total, shown(s.path.name), s.phase, s.fraction))

    job = run_with_progress(parent, project, work, title="Import documents", label=_importing,
                            object_name="importProgress")
    if job is None:
        return ImportReport([])
    if job.error is not None:
        if isinstance(job.error, EXPECTED_ERRORS):
            QMessageBox.warning(parent, "Import stopped",
                                as_text(f"The import stopped: {job.error}\n\nThe files imported before this are in the "
                                        "project; import the rest again (files already there are skipped)."))
        return ImportReport([])
    show_import_report(parent, job.result)
    return job.result


def _importing(done: int, total: int, name: str) -> str:
    if not total:
        return "Finding the files to import…"
    return f"Importing {name} ({min(done + 1, total):,} of {total:,})"


def run_export(parent, project) -> None:
    """File › Export. The dialog (pygments, every exporter) loads on first use, not at launch."""
    from annotator.ui.interchange.export_dialog import run_export as run

    run(parent, project)
