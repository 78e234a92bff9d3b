"""File › Import documents for REFI-QDA files: a .qdpx project or a .qdc codebook from another QDA program."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.core.common.errors import ProjectError
from annotator.core.common.names import shown
from annotator.core.project import Project
from annotator.ui.common.plain_text import as_text
from annotator.ui.common.workbench import Workbench
from annotator.ui.common.worker import EXPECTED_ERRORS, run_with_progress

REFI_SUFFIXES = (".qdpx", ".qdc")


def split_refi_files(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(REFI-QDA files, everything else), each in the order given."""
    refi = [path for path in paths if path.suffix.lower() in REFI_SUFFIXES]
    return refi, [path for path in paths if path not in refi]


def import_refi_files(window: Workbench, project: Project, paths: list[Path]) -> list:
    """Import each file whole or not at all; a refusal is shown and the next file goes on."""
    from annotator.core.interchange.refi import import_qdc, import_qdpx  # the XML stack loads only when it is needed

    reports = []
    for path in paths:
        if path.suffix.lower() != ".qdc":
            # A whole project can hold thousands of articles: it is read on a worker thread.
            job = run_with_progress(window, project, lambda worker, _report, path=path: import_qdpx(worker, path),
                                    title="Import project",
                                    label=lambda *_args, name=shown(path.name): f"Importing {name}…",
                                    object_name="refiProgress")
            if job is None or (job.error is not None and not isinstance(job.error, EXPECTED_ERRORS)):
                continue
            if job.error is not None:
                QMessageBox.warning(window, "Import refused", as_text(str(job.error)))
                continue
            report = job.result
        else:
            QApplication.setOverrideCursor(Qt.WaitCursor)
            try:
                # A codebook import only edits the codebook: one step Ctrl+Z takes back.
                report = window.ops.run(f"Import codebook {shown(path.name)}", import_qdc, project, path)
            except ProjectError as exc:
                QMessageBox.warning(window, "Import refused", as_text(str(exc)))
                continue
            finally:
                QApplication.restoreOverrideCursor()
        if report.mode == "restored":
            # A restore replaces the codebook that earlier undo steps refer to: they cannot be replayed.
            window.ops.undo_stack.clear()
        reports.append(report)
        _show(window, report.summary_lines())
    return reports


def _show(window: Workbench, lines: list[str]) -> None:
    if len(lines) > 1:  # something was skipped or kept as a memo: worth a look
        box = QMessageBox(QMessageBox.Information, "Import finished", as_text(lines[0]), parent=window)
        box.setObjectName("refiImportReport")
        box.setInformativeText(as_text("\n".join(line.strip() for line in lines[1:8])))
        box.setDetailedText("\n".join(lines))
        box.open()
    else:
        window.show_status(lines[0], 10000)
