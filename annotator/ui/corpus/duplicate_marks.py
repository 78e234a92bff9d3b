"""The document list's mark on a document with duplicate flags, and what the mark says.

Kept apart from duplicate_flags.py, the Document tab's list of flags: the document list shows at
every start-up, the Document tab is built when first shown, and loading its widgets for the list's
sake cost each start ~5 ms (issue 17).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

    from annotator.core.project import Project

MARKS = {"near_duplicate": "⚠", "repeated_passage": "⟳"}


def flag_icon(kinds: list[str] | None) -> QIcon | None:
    """The document list's mark: a warning for a near-duplicate, a loop for a repeated passage."""
    if not kinds:
        return None
    # Named here, on the first flagged row: naming QStyle makes PySide build its eleven enums.
    from PySide6.QtWidgets import QApplication, QStyle

    pixmap = QStyle.SP_MessageBoxWarning if "near_duplicate" in kinds else QStyle.SP_BrowserReload
    return QApplication.style().standardIcon(pixmap)


def flag_tooltip(project: Project, doc_id: int) -> str:
    """What the document list's mark means, one line per flag not dismissed."""
    flags = project.duplicates.flags(doc_id, include_dismissed=False)
    return "\n".join(f"{MARKS[f.kind]} {project.duplicates.describe(f)}" for f in flags)
