"""A project whose first screen reads a damaged page: say so, and offer its newest backup.

The damage check runs once the window shows (damage_check.py), but a damaged page the
window reads while it is built stops it first. Without this the app ended with a
traceback on the console and no window. Annotator keeps backups by itself (on open,
before upgrades, by hand), so the way back is one button; the damaged file is kept
among the backups, byte for byte, by the restore itself.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from annotator.core.common.errors import ProjectError
from annotator.core.safety.backup import BackupInfo, list_backups, restore_backup
from annotator.ui.common.plain_text import as_text
from annotator.ui.safety.backup_dialog import when

DIALOG_NAME = "damagedOnOpen"
RESTORE = "Restore backup"


def newest_usable_backup(path: Path) -> BackupInfo | None:
    return next((info for info in list_backups(path) if info.readable), None)


def offer_restore(path: Path, exc: BaseException) -> bool:
    """Tell the analyst the project cannot be shown; True once its newest backup is back in its place."""
    backup = newest_usable_backup(path)
    box = QMessageBox(QMessageBox.Critical, "The project file is damaged",
                      f"Annotator cannot show {path.name}: part of the file is damaged ({exc}). "
                      "Nothing in it was changed.")
    box.setObjectName(DIALOG_NAME)
    check = f"To see what is damaged, run: annotator check --project \"{path}\""
    if backup is None:
        box.setInformativeText(f"It has no backup to go back to. {check}\n"
                               "If you exported it (REFI-QDA, JSON Lines), import that copy into a new project.")
        box.setStandardButtons(QMessageBox.Close)
        box.exec()
        return False
    counts = (f", {backup.documents:,} documents and {backup.annotations:,} annotations"
              if backup.documents is not None and backup.annotations is not None else "")
    box.setInformativeText(
        f"Put back its newest backup, made {when(backup)} ({backup.why}{counts})? Work done after that is not in "
        f"it. The damaged file is kept among the backups, as it is.\n\n{check}")
    restore = box.addButton(RESTORE, QMessageBox.AcceptRole)
    box.addButton(QMessageBox.Close)
    box.setDefaultButton(restore)
    box.exec()
    if box.clickedButton() is not restore:
        return False
    try:
        restore_backup(path, backup.path)
    except ProjectError as problem:
        QMessageBox.critical(None, "Could not restore the backup", as_text(str(problem)))
        return False
    return True
