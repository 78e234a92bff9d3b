"""Edit › Preferences: the dialog over the window; OK saves the preferences and applies them at once.

Apart from preferences.py, which every start-up needs, so that its widgets load when it first
opens (issue 17).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFontComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
)

from annotator.core.common.errors import ProjectError
from annotator.core.safety.backup import DEFAULT_KEEP, MAX_KEEP, backups_to_keep, set_backups_to_keep
from annotator.ui.common.plain_text import as_text
from annotator.ui.preferences import (
    MAX_POINT_SIZE,
    MIN_POINT_SIZE,
    Preferences,
    apply,
    check_name,
    load,
    save,
)
from annotator.ui.reader.reader import READER_FAMILIES

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

PREFERENCES = "preferences"  # the dialog's key among the window's tool windows


class PreferencesDialog(QDialog):
    def __init__(self, prefs: Preferences, parent=None, keep_backups: int | None = None):
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(prefs.annotator, self)
        self.name.setObjectName("annotatorName")
        self.name.setToolTip("Stored on every annotation you make, and exported with it.")
        form.addRow("Your name on annotations:", self.name)
        self.font_family = QFontComboBox(self)
        self.font_family.setObjectName("readerFont")
        self.font_family.setCurrentFont(QFont(prefs.font_family or READER_FAMILIES[0]))
        form.addRow("Reader font:", self.font_family)
        self.point_size = QDoubleSpinBox(self)
        self.point_size.setObjectName("readerSize")
        self.point_size.setRange(MIN_POINT_SIZE, MAX_POINT_SIZE)
        self.point_size.setSingleStep(0.5)
        self.point_size.setDecimals(1)
        self.point_size.setSuffix(" pt")
        self.point_size.setValue(prefs.point_size)
        form.addRow("Reader size:", self.point_size)
        self.snap_words = QCheckBox("Snap selections out to whole words when tagging", self)
        self.snap_words.setObjectName("snapWords")
        self.snap_words.setToolTip("Off: a tag covers exactly what you selected (as Alt+key always does).")
        self.snap_words.setChecked(prefs.snap_words)
        form.addRow("", self.snap_words)
        # Stored in the project, not the settings file: `annotator backup` must keep the same number.
        self.keep_backups = QSpinBox(self)
        self.keep_backups.setObjectName("backupsToKeep")
        self.keep_backups.setRange(1, MAX_KEEP)
        self.keep_backups.setValue(keep_backups or DEFAULT_KEEP)
        self.keep_backups.setToolTip("For this project: how many backups to keep (one is made on open, at most "
                                     "hourly). The oldest are removed at the next backup.")
        if keep_backups is not None:
            form.addRow("Backups to keep:", self.keep_backups)
        else:
            self.keep_backups.hide()
        layout.addLayout(form)
        theme = QLabel("Colours follow the system theme, light or dark.", self)
        theme.setStyleSheet("color: palette(mid);")
        layout.addWidget(theme)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._family_chosen = bool(prefs.font_family)
        self.font_family.currentFontChanged.connect(lambda _font: setattr(self, "_family_chosen", True))
        self.result_prefs: Preferences | None = None

    def accept(self) -> None:
        try:
            name = check_name(self.name.text())
        except ValueError as exc:
            QMessageBox.warning(self, "Annotator name", as_text(str(exc)))
            self.name.setFocus()
            return
        self.result_prefs = Preferences(
            annotator=name,
            # Untouched, the combo shows the closest installed font: keep the default chain then.
            font_family=self.font_family.currentFont().family() if self._family_chosen else "",
            point_size=self.point_size.value(),
            snap_words=self.snap_words.isChecked(),
        )
        super().accept()


def open_preferences(window: MainWindow) -> PreferencesDialog:
    """Edit › Preferences: the dialog opens over the window; OK saves and applies at once."""
    keep = backups_to_keep(window.project)

    def accepted(dialog: PreferencesDialog) -> None:
        if dialog.result_prefs is not None and window.project is not None:
            save(dialog.result_prefs)
            apply(window, dialog.result_prefs)
            if dialog.keep_backups.value() != keep:
                try:  # a setting, not coding work: project_info is outside the undo log, so no undo step
                    window.ops.run("Backups to keep", set_backups_to_keep, window.project, dialog.keep_backups.value())
                except ProjectError as exc:
                    QMessageBox.warning(window, "Backups to keep", as_text(str(exc)))
            window.show_status(f"Preferences saved; new annotations are by {window.project.coders.person_name}.")

    def build() -> PreferencesDialog:
        dialog = PreferencesDialog(load(), window, keep_backups=keep)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: accepted(dialog))
        return dialog

    dialog = window.tool_window(PREFERENCES, build)
    dialog.open()
    return dialog
