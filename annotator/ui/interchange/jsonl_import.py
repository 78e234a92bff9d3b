"""File › Import documents for a JSON Lines export of Annotator's: its codes come back as their coders'.

A .jsonl whose records carry spans, document codes or answers is an export (another coder's, or
an NLP pipeline's output written in that format), not a corpus table: it is read whole on a worker
thread, each record's codes as the coder it names, and refused whole when one record is wrong.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from annotator.core.project import Project
from annotator.ui.common.plain_text import as_text
from annotator.ui.common.workbench import Workbench
from annotator.ui.common.worker import EXPECTED_ERRORS, run_with_progress


def split_coded_jsonl(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(JSON Lines exports with codes, everything else), each in the order given."""
    from annotator.core.interchange.jsonl_import import is_annotator_jsonl

    coded = [path for path in paths if path.suffix.lower() == ".jsonl" and path.is_file() and is_annotator_jsonl(path)]
    return coded, [path for path in paths if path not in coded]


def import_coded_jsonl(window: Workbench, project: Project, paths: list[Path]) -> list:
    """Import each file whole or not at all; a refusal is shown and the next file goes on."""
    from annotator.core.common.names import shown
    from annotator.core.interchange.jsonl_import import import_jsonl

    reports = []
    for path in paths:
        job = run_with_progress(window, project, lambda worker, _report, path=path: import_jsonl(worker, path),
                                title="Import coded records",
                                label=lambda *_args, name=shown(path.name): f"Importing {name}…",
                                object_name="jsonlProgress")
        if job is None or (job.error is not None and not isinstance(job.error, EXPECTED_ERRORS)):
            continue
        if job.error is not None:
            QMessageBox.warning(window, "Import refused", as_text(str(job.error)))
            continue
        reports.append(job.result)
        lines = job.result.summary_lines()
        box = QMessageBox(QMessageBox.Information, "Import finished", as_text(lines[0]), parent=window)
        box.setObjectName("jsonlImportReport")
        if len(lines) > 1:
            box.setInformativeText(as_text("\n".join(line.strip() for line in lines[1:8])))
        box.open()
    return reports
