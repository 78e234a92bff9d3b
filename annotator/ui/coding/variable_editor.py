"""The Codebook window's Document variables tab: the codesheet's questions, in codesheet order.

Add, edit (name, question, type, level of measurement, required, choices with their codes),
remove and reorder; each is one edit the Codebook window can undo (its run() gives the scope).
Choices are typed one a line as `code = label` ("1 = Economy"); a line without a code takes
the next number. Their order is the order an ordinal variable ranks them in.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.coding.variables import CHOICE_KINDS, DEFAULT_LEVEL, KIND_LEVELS
from annotator.core.common.model import VARIABLE_KIND_NAMES, VARIABLE_KINDS, Variable
from annotator.core.project import Project
from annotator.ui.common.plain_text import plain_tip

Run = Callable[..., bool]  # the Codebook window's one undoable, scoped edit: run(text, action, *args, **kwargs)
_CHOICE_LINE = re.compile(r"^\s*(-?\d+)\s*[=:.)]\s*(.+)$")


def parse_choices(text: str) -> list:
    """The choices box, one a line: (code, label) for "2 = Politics", the bare label for "Politics"."""
    found: list = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = _CHOICE_LINE.match(line)
        found.append((int(match.group(1)), match.group(2)) if match else line.strip())
    if any(isinstance(entry, tuple) for entry in found):  # numbered from the last code given
        code, numbered = 0, []
        for entry in found:
            code = entry[0] if isinstance(entry, tuple) else code + 1
            numbered.append(entry if isinstance(entry, tuple) else (code, entry))
        return numbered
    return found


class VariableDialog(QDialog):
    """One variable's definition."""

    def __init__(self, title: str, variable: Variable | None, parent=None):
        super().__init__(parent)
        self.setObjectName("variableDialog")
        self.setWindowTitle(title)
        form = QFormLayout(self)
        self.name = QLineEdit(variable.name if variable else "", self)
        self.name.setPlaceholderText("e.g. topic (a column name in exports)")
        self.question = QLineEdit(variable.question if variable else "", self)
        self.question.setPlaceholderText("What the coder reads, e.g. What is the article mainly about?")
        self.kind = QComboBox(self)
        for kind in VARIABLE_KINDS:
            self.kind.addItem(VARIABLE_KIND_NAMES[kind], kind)
        self.kind.setCurrentIndex(VARIABLE_KINDS.index(variable.kind) if variable else 0)
        self.level = QComboBox(self)
        self.required = QCheckBox("A document is not done until this is answered", self)
        self.required.setChecked(bool(variable and variable.required))
        self.choices = QPlainTextEdit(self)
        self.choices.setObjectName("variableChoices")
        self.choices.setPlaceholderText("One a line: 1 = Economy\n2 = Politics\n3 = Society")
        self.choices.setTabChangesFocus(True)
        self.choices.setPlainText("\n".join(f"{c.code} = {c.label}" for c in (variable.choices if variable else ())))
        self.kind.currentIndexChanged.connect(lambda: self._kind_changed(None))
        self._kind_changed(variable.level if variable else None)
        for caption, widget in (("Name:", self.name), ("Question:", self.question), ("Type:", self.kind),
                                ("Level:", self.level), ("Required:", self.required), ("Choices:", self.choices)):
            form.addRow(caption, widget)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(460, 380)

    def _kind_changed(self, level: str | None) -> None:
        kind = self.kind.currentData()
        keep = level or self.level.currentData()
        self.level.clear()
        for option in KIND_LEVELS[kind]:
            self.level.addItem(option, option)
        self.level.setCurrentIndex(max(0, self.level.findData(keep if keep in KIND_LEVELS[kind] else DEFAULT_LEVEL[kind])))
        self.choices.setEnabled(kind in CHOICE_KINDS)

    def values(self) -> dict:
        kind = self.kind.currentData()
        return {"name": self.name.text(), "question": self.question.text(), "kind": kind,
                "level": self.level.currentData(), "required": self.required.isChecked(),
                "choices": parse_choices(self.choices.toPlainText()) if kind in CHOICE_KINDS else ()}


class VariablesTab(QWidget):
    """The list of variables and the buttons that change them."""

    def __init__(self, project: Project, run: Run, parent=None):
        super().__init__(parent)
        self.setObjectName("variablesTab")
        self._project, self._run = project, run
        self.dialog: VariableDialog | None = None
        layout = QVBoxLayout(self)
        hint = QLabel("The codesheet asks these of every document, in this order (right panel › Codesheet).", self)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.list = QListWidget(self)
        self.list.setObjectName("variableList")
        self.list.itemDoubleClicked.connect(lambda _item: self.edit_variable())
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        for text, slot in (("Add variable…", self.add_variable), ("Edit…", self.edit_variable),
                           ("Delete", self.delete_variable), ("Move up", lambda: self.move(-1)),
                           ("Move down", lambda: self.move(1))):
            button = QPushButton(text, self)
            button.clicked.connect(lambda _checked=False, slot=slot: slot())
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        keep = self.current_id()
        self.list.clear()
        for variable in self._project.variables.list():
            text = f"{variable.name}: {VARIABLE_KIND_NAMES[variable.kind]}, {variable.level}"
            text += ", required" if variable.required else ""
            if variable.choices:
                text += f" ({'; '.join(f'{c.code} = {c.label}' for c in variable.choices)})"
            item = QListWidgetItem(text)
            item.setData(Qt.UserRole, variable.id)
            item.setToolTip(plain_tip(variable.question or variable.name))
            self.list.addItem(item)
            if variable.id == keep:
                self.list.setCurrentItem(item)

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        return item.data(Qt.UserRole) if item is not None else None

    def add_variable(self) -> None:
        self._open_dialog("New document variable", None)

    def edit_variable(self) -> None:
        variable_id = self.current_id()
        if variable_id is not None:
            variable = self._project.variables.get(variable_id)
            self._open_dialog(f"Variable {variable.name}", variable)

    def _open_dialog(self, title: str, variable: Variable | None) -> None:
        dialog = self.dialog = VariableDialog(title, variable, self)

        def done() -> None:
            values = dialog.values()
            if variable is None:
                ok = self._run(f"Add variable {values['name'].strip()}", self._project.variables.add, **values)
            else:
                ok = self._run(f"Edit variable {variable.name}", self._project.variables.update, variable.id, **values)
            if not ok:
                dialog.open()  # keep what was typed, so it can be fixed

        dialog.accepted.connect(done)
        dialog.open()

    def delete_variable(self) -> None:
        variable_id = self.current_id()
        if variable_id is None:
            return
        variables = self._project.variables
        variable, answers = variables.get(variable_id), variables.answer_count(variable_id)
        if answers and QMessageBox.question(
                self, "Delete variable", f"{variable.name!r} has {answers} answer{'s' * (answers != 1)}. Delete it "
                "with its answers? (Ctrl+Z brings both back.)") != QMessageBox.Yes:
            return
        self._run(f"Delete variable {variable.name}", variables.remove, variable_id, with_answers=bool(answers))

    def move(self, step: int) -> None:
        variable_id, row = self.current_id(), self.list.currentRow()
        if variable_id is not None and 0 <= row + step < self.list.count():
            self._run("Move variable", self._project.variables.move, variable_id, row + step)
