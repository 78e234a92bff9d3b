"""The attribute fields of the selected annotation, generated from its label's attributes in the codebook.

A choice list becomes a drop-down, free text a line, a number a line that
takes only digits, yes/no a check box. Required attributes are marked with *
and, while one is empty, a warning under the fields names it.

The fields are rows of the annotation form itself, placed after a given row: a
form of their own nested in it had its own caption column, so their fields sat
34 px right of the form's other fields.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from annotator.core.common.model import Attribute
from annotator.ui.common.combos import data_combo
from annotator.ui.common.plain_text import plain_label, plain_tip

# Digits with an optional sign and decimal point; the core reads and normalises the number.
# Kept as a pattern, made into a validator with the first number field: PySide creates a class and
# its enums when a module first names it, and no start-up form has a number field (issue 17).
_NUMBER = r"^\s*[-+]?\d*([.]\d*)?\s*$"


class AttributeForm(QObject):
    """Emits valueEdited(attribute id, value) as the analyst fills a field; value None clears it."""

    valueEdited = Signal(int, object)

    def __init__(self, form: QFormLayout, after: QWidget):
        """The fields become rows of `form`, right after the row that holds `after`."""
        super().__init__(form)
        self.setObjectName("attributeForm")
        self._layout, self._after = form, after
        self._label_id: int | None = None
        self._fields: dict[int, tuple[Attribute, QWidget]] = {}
        self._rows: list[QWidget] = []
        self.warning: QLabel | None = None
        self.build(None, [])

    @property
    def label_id(self) -> int | None:
        return self._label_id

    def field(self, name: str) -> QWidget:
        """The widget that edits the attribute of that name (for the panel and its tests)."""
        for attribute, widget in self._fields.values():
            if attribute.name == name:
                return widget
        raise KeyError(name)

    def build(self, label_id: int | None, attributes: list[Attribute]) -> None:
        """One field per attribute; rebuilt only when the label changes, so typing keeps its focus."""
        self._label_id = label_id
        for widget in self._rows:
            self._layout.removeRow(widget)  # deletes the row's caption and field, the warning included
        parent = self._layout.parentWidget()
        self.warning = plain_label(QLabel(parent))
        self.warning.setObjectName("missingAttributes")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #C62828;")
        self._fields, self._rows = {}, []
        row = self._layout.getWidgetPosition(self._after)[0] + 1
        for attribute in attributes:
            widget = self._make(attribute, parent)
            widget.setObjectName(f"attribute_{attribute.name}")
            if attribute.description:
                widget.setToolTip(plain_tip(attribute.description))
            caption = plain_label(QLabel(f"{attribute.name}{' *' if attribute.required else ''}:", parent))
            caption.setToolTip(plain_tip(attribute.description or ("Required" if attribute.required else "")))
            self._layout.insertRow(row, caption, widget)
            row += 1
            self._fields[attribute.id] = (attribute, widget)
            self._rows.append(widget)
        self._layout.insertRow(row, self.warning)
        self._rows.append(self.warning)
        self._layout.setRowVisible(self.warning, False)

    def show_values(self, values: dict[int, str], missing: list[Attribute], *, same_annotation: bool) -> None:
        """Show stored values; a field the analyst is typing in keeps what they typed."""
        for attribute_id, (attribute, widget) in self._fields.items():
            value = values.get(attribute_id)
            if isinstance(widget, QComboBox):
                index = widget.findData(value) if value is not None else (-1 if attribute.required else 0)
                widget.setCurrentIndex(index)
            elif isinstance(widget, QCheckBox):
                widget.setChecked(value == "yes")
            elif attribute.kind == "text":
                # Saved as typed, so a field that already holds the stored value is left alone (and its caret).
                if (widget.text() if widget.text().strip() else None) != value:
                    widget.setText(value or "")
            elif not (same_annotation and widget.isModified()) and widget.text() != (value or ""):
                widget.setText(value or "")  # a number being typed is saved when the field is left
        names = ", ".join(a.name for a in missing)
        self.warning.setText(f"Required, still empty: {names}" if missing else "")
        self._layout.setRowVisible(self.warning, bool(missing))

    def _make(self, attribute: Attribute, parent: QWidget) -> QWidget:
        if attribute.kind == "choice":
            combo = data_combo(parent)
            if attribute.required:
                combo.setPlaceholderText("choose…")
            else:
                combo.addItem("", None)  # the empty entry clears the value
            for choice in attribute.choices:
                combo.addItem(choice, choice)
            combo.activated.connect(lambda index, a=attribute, c=combo: self.valueEdited.emit(a.id, c.itemData(index)))
            return combo
        if attribute.kind == "bool":
            box = QCheckBox("yes", parent)
            box.clicked.connect(lambda checked, a=attribute: self.valueEdited.emit(a.id, checked))
            return box
        edit = QLineEdit(parent)
        if attribute.kind == "number":
            from PySide6.QtCore import QRegularExpression
            from PySide6.QtGui import QRegularExpressionValidator

            edit.setValidator(QRegularExpressionValidator(QRegularExpression(_NUMBER), edit))
            edit.setPlaceholderText("a number, e.g. 12 or 3.5")

            def finished(a: Attribute = attribute, e: QLineEdit = edit) -> None:
                if e.isModified():
                    e.setModified(False)
                    self.valueEdited.emit(a.id, e.text())

            edit.editingFinished.connect(finished)
        else:
            # Text is saved as it is typed; the undo stack merges the keystrokes into one step.
            edit.textEdited.connect(lambda text, a=attribute: self.valueEdited.emit(a.id, text))
        return edit
