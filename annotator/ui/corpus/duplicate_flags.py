"""Duplicate flags in the Whole document panel (their mark in the document list: duplicate_marks.py).

Import flags near-duplicate documents and passages repeated inside one; the analyst
looks (Show opens the other document or selects the repeat in the reader) and
decides (Dismiss, undoable with Ctrl+Z). Dismissed flags stay findable under
"Show dismissed", where Restore brings one back.
"""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.common.errors import ProjectError
from annotator.core.corpus.duplicates import Flag
from annotator.core.project import Project
from annotator.core.store.database import Change, ChangeKind
from annotator.ui.actions.operations import Operations
from annotator.ui.common.plain_text import as_text, plain_tip
from annotator.ui.common.workbench import Workbench
from annotator.ui.corpus.duplicate_marks import MARKS


class DuplicateFlags(QWidget):
    """A document's duplicate flags with Show and Dismiss; hidden while it has none."""

    def __init__(self, project: Project, ops: Operations, parent=None, *, workbench: Workbench | None = None):
        super().__init__(parent)
        self.setObjectName("duplicateFlagsPanel")
        self._project, self._ops, self._workbench = project, ops, workbench
        self._doc_id: int | None = None
        self._flags: list[Flag] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        header.addWidget(QLabel("<b>Duplicates</b> — found on import; you decide", self), 1)
        self.show_dismissed = QCheckBox("Show dismissed", self)
        self.show_dismissed.toggled.connect(self._refresh)
        header.addWidget(self.show_dismissed)
        layout.addLayout(header)
        row = QHBoxLayout()
        self.list = QListWidget(self)
        self.list.setObjectName("duplicateFlags")
        self.list.setMaximumHeight(70)
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(lambda _item: self.show_flag())
        self.list.currentRowChanged.connect(self._follow_current)
        row.addWidget(self.list, 1)
        buttons = QVBoxLayout()
        self.show_button = QPushButton("Show", self)
        self.show_button.setObjectName("showFlag")
        self.show_button.setToolTip("Open the other document, or select the repeated passage in the reader")
        self.show_button.clicked.connect(self.show_flag)
        self.dismiss_button = QPushButton("Dismiss", self)
        self.dismiss_button.setObjectName("dismissFlag")
        self.dismiss_button.clicked.connect(self.dismiss_flag)
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.dismiss_button)
        buttons.addStretch(1)
        row.addLayout(buttons)
        layout.addLayout(row)
        self._unsubscribe = project.subscribe(self._on_change)
        self.set_document(None)

    def detach(self) -> None:
        self._unsubscribe()

    def set_document(self, doc_id: int | None) -> None:
        self._doc_id = doc_id
        self._refresh()

    def current(self) -> Flag | None:
        row = self.list.currentRow()
        return self._flags[row] if 0 <= row < len(self._flags) else None

    # -- actions ------------------------------------------------------------------

    def show_flag(self) -> None:
        """Open the near-duplicate, or select the repeat (first occurrence noted in the status bar)."""
        flag = self.current()
        if flag is None or self._workbench is None:
            return
        if flag.kind == "near_duplicate":
            self._workbench.reveal(flag.other_document_id)
        elif self._workbench.reveal(flag.document_id, span=(flag.repeat_start, flag.repeat_end)):
            self._workbench.show_status(
                f"Repeated passage selected; it first appears at characters {flag.span_start:,}–{flag.span_end:,}.", 8000)

    def dismiss_flag(self) -> None:
        flag = self.current()
        if flag is None or self._doc_id is None:
            return
        action, text = ((self._project.duplicates.restore, "Restore duplicate flag") if flag.dismissed
                        else (self._project.duplicates.dismiss, "Dismiss duplicate flag"))
        try:
            self._ops.run(text, action, flag.id, document_id=flag.document_id)
        except ProjectError as exc:
            QMessageBox.warning(self, "Cannot change the flag", as_text(str(exc)))
            self._refresh()

    # -- showing --------------------------------------------------------------------

    def _refresh(self) -> None:
        row = self.list.currentRow()
        every = self._project.duplicates.flags(self._doc_id) if self._doc_id is not None else []
        dismissed = sum(f.dismissed for f in every)
        self._flags = [f for f in every if self.show_dismissed.isChecked() or not f.dismissed]
        self.list.clear()
        grey = self.palette().color(QPalette.Disabled, QPalette.Text)
        for flag in self._flags:
            text = f"{MARKS[flag.kind]} {self._project.duplicates.describe(flag)}"
            item = QListWidgetItem(text + (" (dismissed)" if flag.dismissed else ""))
            item.setToolTip(plain_tip(text))
            if flag.dismissed:
                item.setForeground(grey)
            self.list.addItem(item)
        self.show_dismissed.setText(f"Show dismissed ({dismissed})")
        self.show_dismissed.setVisible(dismissed > 0 or self.show_dismissed.isChecked())
        self.setVisible(bool(every))
        if self._flags:
            self.list.setCurrentRow(min(max(row, 0), len(self._flags) - 1))
        self._follow_current()

    def _follow_current(self, *_args) -> None:
        flag = self.current()
        self.show_button.setEnabled(flag is not None)
        self.dismiss_button.setEnabled(flag is not None)
        self.dismiss_button.setText("Restore" if flag is not None and flag.dismissed else "Dismiss")

    def _on_change(self, change: Change) -> None:
        if self._doc_id is None or change.kind != ChangeKind.DOCUMENT_CHANGED:
            return
        # A renamed near-duplicate changes how its flag reads here.
        if change.document_id == self._doc_id or any(f.other_document_id == change.document_id for f in self._flags):
            self._refresh()
