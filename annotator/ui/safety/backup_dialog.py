"""File › Restore backup: the project's backups with dates and counts, Restore, and Back up now.

The backups themselves are the core's (core/backup.py); this is the table, the
confirmation, and closing and reopening the project around a restore.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from annotator.core.common.errors import ProjectError
from annotator.core.project import Project
from annotator.core.safety.backup import (
    BackupInfo,
    back_up_now,
    backup_dir,
    backups_to_keep,
    list_backups,
    restore_backup,
    shared_backup_message,
    shared_store,
)
from annotator.ui.common.plain_text import as_text, plain_label, plain_tip
from annotator.ui.safety.backup_on_open import BACKUPS

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

COLUMNS = ("Date", "Reason", "Documents", "Annotations", "Size")


def when(info: BackupInfo) -> str:
    """The backup's time in the analyst's local time."""
    return info.created.astimezone().strftime("%Y-%m-%d %H:%M:%S")


class BackupDialog(QDialog):
    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.setObjectName("backupDialog")
        self.window_ = window
        self.setWindowTitle(f"Backups of {window.project.name}")
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        self.where = plain_label(QLabel(self))
        self.where.setObjectName("backupFolder")
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.where)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("backupTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _item: self.ask_restore())
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        self.back_up_button = QPushButton("&Back up now", self)
        self.back_up_button.setObjectName("backUpNow")
        self.restore_button = QPushButton("&Restore…", self)
        self.restore_button.setObjectName("restoreBackup")
        buttons.addButton(self.back_up_button, QDialogButtonBox.ActionRole)
        buttons.addButton(self.restore_button, QDialogButtonBox.ActionRole)
        self.back_up_button.clicked.connect(self.back_up)
        self.restore_button.clicked.connect(self.ask_restore)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.backups: list[BackupInfo] = []
        self.confirm: QMessageBox | None = None
        self.refresh()

    def refresh(self) -> None:
        project = self.window_.project
        shared = shared_store(project)
        if shared is not None:  # no copies here: say where a shared project's backups are, and offer nothing
            self.backups = []
            self.where.setText(shared_backup_message(shared).replace(" Nothing was changed.", ""))
            self.table.setRowCount(0)
            self.back_up_button.setEnabled(False)
            self._selection_changed()
            return
        self.backups = list_backups(project.path)
        keep = backups_to_keep(project)
        self.where.setText(
            f"Backups are kept in {backup_dir(project.path)}: one when the project is opened (at most once an "
            f"hour), the newest {keep} (Edit › Preferences), plus the copies made before a schema upgrade. "
            "Restoring one first backs up the project as it is now.")
        locale = QLocale()
        self.table.setRowCount(len(self.backups))
        for row, info in enumerate(self.backups):
            counts = ((str(info.documents), str(info.annotations)) if info.readable else ("—", "—"))
            cells = (when(info), info.why if info.readable else f"{info.why} — unreadable: {info.problem}",
                     *counts, locale.formattedDataSize(info.size))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 2:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if not info.readable:
                    item.setToolTip(plain_tip(info.problem))
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        if self.backups:
            self.table.selectRow(0)
        self._selection_changed()

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        info = self.selected()
        self.restore_button.setEnabled(info is not None and info.readable)

    def back_up(self) -> None:
        try:
            made = back_up_now(self.window_.project)
        except ProjectError as exc:
            QMessageBox.warning(self, "Back up now", as_text(str(exc)))
            return
        self.refresh()
        self.window_.show_status(f"Backed up to {made}", 8000)

    def ask_restore(self) -> None:
        info = self.selected()
        if info is None or not info.readable:
            return
        box = QMessageBox(QMessageBox.Question, "Restore backup", f"Restore the backup from {when(info)}?",
                          QMessageBox.Yes | QMessageBox.Cancel, self)
        box.setObjectName("confirmRestore")
        box.setDefaultButton(QMessageBox.Cancel)
        box.button(QMessageBox.Yes).setText("Restore")
        box.setInformativeText(
            f"The project will be as it was then ({info.why}): {info.documents} documents, {info.annotations} "
            "annotations. Nothing is lost: the project as it is now is backed up first, and restoring that "
            "backup undoes this.")
        box.finished.connect(lambda _result: self._confirmed(box, info))
        self.confirm = box
        box.open()

    def _confirmed(self, box: QMessageBox, info: BackupInfo) -> None:
        if box.standardButton(box.clickedButton()) == QMessageBox.Yes:
            self.restore(info)

    def restore(self, info: BackupInfo) -> None:
        """Close the project, put the backup in its place, and open it again, restored or not."""
        window = self.window_
        path = window.project.path
        window.close_project()  # the file cannot be replaced while this window holds it
        try:
            saved = restore_backup(path, info.path)
        except ProjectError as exc:
            saved, problem = None, str(exc)
        else:
            problem = None
        try:
            window.set_project(Project(path))
        except ProjectError as exc:
            QMessageBox.critical(window, "Cannot open project",
                                 as_text(f"{exc}\n\nOpen it again with File › Open project when the problem is solved."))
            self.reject()
            return
        if problem is not None:
            QMessageBox.warning(self, "Restore backup", as_text(problem))
            self.refresh()
            return
        kept = f"; the project as it was is kept as backup {saved.name}" if saved is not None else ""
        window.show_status(f"Restored the backup from {when(info)}{kept}.", 15000)
        self.accept()


def open_backup_dialog(window: MainWindow) -> BackupDialog:
    """File › Restore backup: the dialog over the window, its tool window BACKUPS while it is open."""

    def build() -> BackupDialog:
        dialog = BackupDialog(window)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        return dialog

    dialog = window.tool_window(BACKUPS, build)
    dialog.open()
    return dialog
