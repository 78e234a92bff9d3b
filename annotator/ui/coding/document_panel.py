"""The whole-document panel: the document's status, its stance toward targets, and its memo."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
)

from annotator.core.common.errors import ProjectError
from annotator.core.common.model import STATUS_NAMES, STATUSES
from annotator.core.project import Project
from annotator.core.store.database import Change, ChangeKind
from annotator.ui.actions.operations import Operations
from annotator.ui.coding.target_popup import resolve_role
from annotator.ui.common.coder_view import CoderView
from annotator.ui.common.colors import label_icon
from annotator.ui.common.combos import data_combo
from annotator.ui.common.completion import complete_targets
from annotator.ui.common.plain_text import as_text, plain_tip
from annotator.ui.common.workbench import Workbench
from annotator.ui.corpus.duplicate_flags import DuplicateFlags


class DocumentPanel(QGroupBox):
    """Codes the document as a whole: its status, its stance toward targets, and a memo on it."""

    def __init__(self, project: Project, ops: Operations, parent=None, *, workbench: Workbench | None = None,
                 coders: CoderView | None = None):
        super().__init__("Whole document", parent)
        self.setObjectName("documentPanel")
        self._project, self._ops = project, ops
        self._coders = coders  # whose whole-document codes are shown
        self._doc_id: int | None = None
        layout = QFormLayout(self)
        self.status = QComboBox(self)
        for status in STATUSES:
            self.status.addItem(STATUS_NAMES[status], status)
        self.status.activated.connect(self._status_chosen)
        layout.addRow("Status:", self.status)
        self.stances = QListWidget(self)
        self.stances.setObjectName("documentStances")
        self.stances.setMaximumHeight(90)
        layout.addRow("Stance:", self.stances)
        self.target = QLineEdit(self)
        self.target.setPlaceholderText("Target, e.g. Amazon")
        self.stance = data_combo(self)
        self._fill_stances()
        self.add_button = QPushButton("Add stance", self)
        self.add_button.clicked.connect(self._add_stance)
        self.target.returnPressed.connect(self._add_stance)
        complete_targets(self.target, project.annotations.targets)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.clicked.connect(self._remove_stance)
        layout.addRow("Target:", self.target)
        # The label and its buttons on two rows: on one they were wider than the side dock once
        # its scroll bar showed, and the Document tab scrolled sideways.
        layout.addRow("", self.stance)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout.addRow("", row)
        self.memo = QPlainTextEdit(self)
        self._memo_base: str | None = None  # the saved memo the field showed when typing began
        self.memo.setObjectName("documentMemo")
        self.memo.setPlaceholderText("Memo on this document (saved when you leave the field; Ctrl+Shift+M searches memos)")
        self.memo.setMaximumHeight(80)
        self.memo.setTabChangesFocus(True)
        self.memo.installEventFilter(self)
        layout.addRow("Memo:", self.memo)
        self.duplicates = DuplicateFlags(project, ops, self, workbench=workbench)  # hidden while there are none
        layout.addRow(self.duplicates)
        self._unsubscribe = project.subscribe(self._on_change)
        if coders is not None:
            coders.changed.connect(self._refresh)
        self.set_document(None)

    def detach(self) -> None:
        self.commit_memo()
        self._doc_id = None  # the project is closing: a later focus-out has nothing to save into
        self._unsubscribe()
        self.duplicates.detach()

    def set_document(self, doc_id: int | None) -> None:
        self.commit_memo()  # what was typed belongs to the document being left
        self._doc_id = doc_id
        self.setEnabled(doc_id is not None)
        self.duplicates.set_document(doc_id)
        self._refresh()
        self._show_memo(force=True)

    def commit_memo(self) -> None:
        """Save the memo field as one undoable edit (typing in several sittings merges into one)."""
        if self._doc_id is None:
            return
        text = self.memo.toPlainText()
        try:
            unchanged = text.rstrip() == self._project.documents.memo(self._doc_id)
        except KeyError:
            unchanged = False  # set_memo says what is wrong
        if unchanged:
            self._memo_base = text.rstrip()
            self.memo.document().setModified(False)
            return
        stored = self._stored_memo()
        if self._memo_base is not None and stored != self._memo_base:
            # Another coder saved a memo here while this one was typed (a shared project): never a silent overwrite.
            self._memo_base = stored
            QMessageBox.warning(self, "Memo not saved", as_text(
                f"Another coder changed this memo while you typed. The saved memo reads: “{stored}”.\n\n"
                f"Yours was not saved: “{text}”. Leave the memo field again to save it over theirs."))
            return
        try:
            self._ops.run("Edit document memo", self._project.documents.set_memo, self._doc_id, text,
                          document_id=self._doc_id, merge_key=("document memo", self._doc_id))
        except ProjectError as exc:
            QMessageBox.warning(self, "Cannot save the memo", as_text(f"{exc}\n\nWhat you typed: “{text}”"))
            return
        self._memo_base = text.rstrip()
        self.memo.document().setModified(False)

    def _stored_memo(self) -> str:
        try:
            return self._project.documents.memo(self._doc_id) if self._doc_id is not None else ""
        except KeyError:
            return ""

    def _show_memo(self, force: bool = False) -> None:
        # What the analyst typed and has not saved (still typing, or refused: the server away) stays;
        # a refresh (another coder's edit on a shared project) shows the stored memo only in its place.
        stored = self._stored_memo()
        if force or not self.memo.document().isModified():
            self._memo_base = stored  # the saved memo typing starts from
            if self.memo.toPlainText().rstrip() != stored:
                self.memo.setPlainText(stored)
            self.memo.document().setModified(False)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self.memo and event.type() == QEvent.FocusOut:
            self.commit_memo()
        return super().eventFilter(obj, event)

    def _refresh(self) -> None:
        self.stances.clear()
        if self._doc_id is None:
            return
        doc = self._project.documents.get(self._doc_id, with_text=False)
        self.status.setCurrentIndex(STATUSES.index(doc.status))
        shown = self._coders.coder_ids() if self._coders is not None else None
        several = self._coders is not None and self._coders.styles() is not None  # every coder's: say whose
        for a in self._project.annotations.document_level(self._doc_id, shown):
            label = self._project.codebook.label(a.label_id)
            text = f"{label.name} toward {self._project.annotations.display_role(a, 'target')}"
            item = QListWidgetItem(label_icon(label.color, label.key),
                                   f"{text}  · {self._coders.owner(a)}" if several else text)
            item.setData(Qt.UserRole, a.id)
            self.stances.addItem(item)

    def _fill_stances(self) -> None:
        chosen = self.stance.currentData()
        self.stance.clear()
        for label in self._project.codebook.in_layer("stance"):
            self.stance.addItem(label_icon(label.color, label.key or ""), label.name, label.id)
            self.stance.setItemData(self.stance.count() - 1, plain_tip(label.name), Qt.ToolTipRole)
        self.stance.setCurrentIndex(max(0, self.stance.findData(chosen)))

    def _on_change(self, change: Change) -> None:
        if change.kind == ChangeKind.CODEBOOK_CHANGED:  # stance labels renamed, recoloured, added or removed
            self._fill_stances()
            self._refresh()
            return
        if change.document_id != self._doc_id or self._doc_id is None:
            return
        # Span tags do not show here; skip the reload for them (tagging must stay instant).
        if change.kind == ChangeKind.DOCUMENT_CHANGED or self._shows(change.annotation_id):
            self._refresh()
        if change.kind == ChangeKind.DOCUMENT_CHANGED:
            self._show_memo()

    def _shows(self, annotation_id: int | None) -> bool:
        if annotation_id is None:
            return False
        if any(self.stances.item(i).data(Qt.UserRole) == annotation_id for i in range(self.stances.count())):
            return True
        try:
            return self._project.annotations.get(annotation_id).is_document_level
        except KeyError:
            return False

    def _status_chosen(self, index: int) -> None:
        if self._doc_id is not None:
            self._ops.set_status(self._doc_id, self.status.itemData(index))

    def _add_stance(self) -> None:
        target = " ".join(self.target.text().split())
        if self._doc_id is None or not target:
            self.target.setFocus()
            return
        label = self._project.codebook.label(self.stance.currentData())
        entity_id, text = resolve_role(target, self._project.entities.match)
        self._ops.tag(self._doc_id, label, None, None, target=text, target_entity_id=entity_id)
        self.target.clear()

    def _remove_stance(self) -> None:
        item = self.stances.currentItem()
        if item is None:
            return
        annotation = self._project.annotations.get(item.data(Qt.UserRole))
        if self._coders is not None and not self._coders.writable(annotation):
            QMessageBox.information(self, "Remove stance", f"This stance is {self._coders.owner(annotation)}'s; "
                                    "each coder removes their own.")
            return
        self._ops.delete(annotation)
