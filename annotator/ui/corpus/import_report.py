"""The report after documents came in: what was imported, skipped, refused, and what to check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from annotator.ui.common.plain_text import as_text
from annotator.ui.common.workbench import Workbench

if TYPE_CHECKING:  # the importer (charset tables, extractors) loads with the first import, not at start-up
    from annotator.core.corpus.importing import ImportReport


def show_import_report(window: Workbench, report: ImportReport) -> None:
    """A box when there is something to look at; otherwise a line in the status bar."""
    text = "\n".join(report.summary_lines())
    if report.refused or report.skipped or report.cancelled or report.to_check:
        box = QMessageBox(QMessageBox.Warning if report.refused else QMessageBox.Information,
                          "Import finished", as_text(text.splitlines()[0] if text else "Nothing imported."), parent=window)
        box.setObjectName("importReport")
        box.setDetailedText(text)
        box.setInformativeText(as_text("\n".join(text.splitlines()[1:8])))
        box.open()
    else:
        # No timeout: the analyst may look back from the new document minutes later; the next message replaces it.
        window.show_status(text.splitlines()[0] if text else "Nothing to import.", 0)
