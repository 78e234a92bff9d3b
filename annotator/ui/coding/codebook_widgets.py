"""The Codebook window's parts: the label tree with drag and drop, and its two small dialogs."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.common.model import ATTRIBUTE_KINDS, LAYER_NAMES, Attribute, Label
from annotator.ui.common.colors import label_icon
from annotator.ui.common.combos import data_combo
from annotator.ui.common.plain_text import plain_label

LABEL_ID = Qt.UserRole + 1
LAYER = Qt.UserRole + 2
DRAG_FORMAT = "application/x-annotator-codebook-entry"
KIND_NAMES = {"choice": "Choice list", "text": "Free text", "number": "Number", "bool": "Yes/no"}


class LabelTree(QTreeWidget):
    """Drag a label or group within its layer; the editor makes the move and rebuilds the tree."""

    dropped = Signal(int, object, str)  # dragged label id, target item, "above" / "on" / "below"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("codebookTree")
        self.setHeaderLabels(["Label", "Key", "Uses"])
        self.setDragDropMode(QAbstractItemView.InternalMove)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self._token = f"{id(self)}:"  # a drag carrying it started in this very tree

    def mimeData(self, items):  # noqa: N802
        data = super().mimeData(items)
        if items and items[0].data(0, LABEL_ID) is not None:
            data.setData(DRAG_FORMAT, f"{self._token}{items[0].data(0, LABEL_ID)}".encode())
        return data

    def _dragged(self, event) -> int | None:
        text = bytes(event.mimeData().data(DRAG_FORMAT)).decode() if event.mimeData().hasFormat(DRAG_FORMAT) else ""
        return int(text.removeprefix(self._token)) if text.startswith(self._token) else None

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        self._accept_drag(event, super().dragEnterEvent)

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        self._accept_drag(event, super().dragMoveEvent)

    def _accept_drag(self, event, base) -> None:
        if self._dragged(event) is None:
            event.ignore()
        elif event.source() is self:
            base(event)  # Qt draws the drop indicator
        else:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        point = event.position().toPoint()
        target, dragged = self.itemAt(point), self._dragged(event)
        event.setDropAction(Qt.IgnoreAction)  # Qt must not move items itself: the codebook decides
        event.accept()
        if target is not None and dragged is not None and target.data(0, LABEL_ID) != dragged:
            rect = self.visualItemRect(target)
            offset = point.y() - rect.top()
            zone = "above" if offset < rect.height() / 4 else "below" if offset > rect.height() * 3 / 4 else "on"
            self.dropped.emit(dragged, target, zone)


class LabelForm(QWidget):
    """The selected label's fields; the editor saves each one as it is left."""

    def __init__(self, parent=None):
        super().__init__(parent)
        form = QFormLayout(self)
        self.name_edit = QLineEdit(self)
        self.key_edit = QLineEdit(self)
        self.key_edit.setMaxLength(1)
        self.key_edit.setPlaceholderText("one letter or digit")
        self.color_button = QPushButton("Colour…", self)
        self.description_edit = QPlainTextEdit(self)
        self.description_edit.setPlaceholderText("The coding instruction: what to tag, and what not to")
        self.memo_edit = QPlainTextEdit(self)
        self.memo_edit.setPlaceholderText("Memo: decisions, examples, open questions")
        for edit in (self.description_edit, self.memo_edit):
            edit.setMaximumHeight(80)
        self.attribute_table = QTableWidget(0, 4, self)
        self.attribute_table.setObjectName("attributeTable")
        self.attribute_table.setHorizontalHeaderLabels(["Name", "Kind", "Choices", "Required"])
        self.attribute_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.attribute_table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.attribute_table.horizontalHeader().setStretchLastSection(True)
        buttons = QHBoxLayout()
        self.attribute_buttons = [QPushButton(text, self) for text in
                                  ("Add attribute…", "Edit attribute…", "Delete attribute")]
        for button in [self.color_button, *self.attribute_buttons]:
            button.setAutoDefault(False)  # Enter in the name or key field saves it and presses nothing
        for button in self.attribute_buttons:
            buttons.addWidget(button)
        for caption, widget in (("Name:", self.name_edit), ("Key:", self.key_edit), ("Colour:", self.color_button),
                                ("Description:", self.description_edit), ("Memo:", self.memo_edit),
                                ("Attributes:", self.attribute_table)):
            form.addRow(caption, widget)
        form.addRow("", buttons)


class DeleteLabelDialog(QDialog):
    """N annotations use ‘X’. Move them to: [label] / Delete them / Cancel."""

    def __init__(self, label: Label, used: int, typed: int, others: list[Label], parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Delete {label.name}")
        layout = QVBoxLayout(self)
        text = f"{used} annotation{'s' * (used != 1)} {'use' if used != 1 else 'uses'} ‘{label.name}’."
        if typed:
            text += f"\n{typed} registry entit{'ies' if typed != 1 else 'y'} have it as their type; they move too."
        layout.addWidget(plain_label(QLabel(text, self)))
        self.move_choice = QRadioButton("Move them to:", self)
        self.target = data_combo(self)
        for other in others:
            self.target.addItem(label_icon(other.color, other.key or ""), f"{other.name} ({LAYER_NAMES[other.layer]})",
                                other.id)
        self.delete_choice = QRadioButton("Delete them", self)
        self.delete_choice.setEnabled(not typed)  # entities are never deleted with a label
        self.move_choice.setChecked(True)
        row = QHBoxLayout()
        row.addWidget(self.move_choice)
        row.addWidget(self.target, 1)
        layout.addLayout(row)
        layout.addWidget(self.delete_choice)
        buttons = QDialogButtonBox(QDialogButtonBox.Cancel, self)
        self.ok_button = buttons.addButton("Delete label", QDialogButtonBox.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class AttributeDialog(QDialog):
    """Name, kind, choices (comma-separated), required and description of one attribute."""

    def __init__(self, title: str, attribute: Attribute | None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout(self)
        self.name = QLineEdit(attribute.name if attribute else "", self)
        self.kind = QComboBox(self)
        for kind in ATTRIBUTE_KINDS:
            self.kind.addItem(KIND_NAMES[kind], kind)
        self.kind.setCurrentIndex(ATTRIBUTE_KINDS.index(attribute.kind) if attribute else 0)
        self.choices = QLineEdit(", ".join(attribute.choices) if attribute else "", self)
        self.choices.setPlaceholderText("e.g. weak, strong")
        self.kind.currentIndexChanged.connect(lambda: self.choices.setEnabled(self.kind.currentData() == "choice"))
        self.choices.setEnabled(self.kind.currentData() == "choice")
        self.required = QCheckBox("Every annotation must have a value", self)
        self.required.setChecked(bool(attribute and attribute.required))
        self.description = QLineEdit(attribute.description if attribute else "", self)
        for caption, widget in (("Name:", self.name), ("Kind:", self.kind), ("Choices:", self.choices),
                                ("Required:", self.required), ("Description:", self.description)):
            form.addRow(caption, widget)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict:
        kind = self.kind.currentData()
        choices = [c for c in self.choices.text().split(",") if c.strip()] if kind == "choice" else []
        return {"name": self.name.text(), "kind": kind, "choices": choices, "required": self.required.isChecked(),
                "description": self.description.text()}
