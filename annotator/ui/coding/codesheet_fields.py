"""The codesheet's answer fields, one per variable type, each one stop of the Tab key.

A choice question (single, multiple, yes/no) is one field holding its choices: digits
type a choice's code (1 picks "1 = Economy"; 1 then 2 at once picks 12 where there is a
12), the arrows move between choices, Space picks (or, for several, ticks) the one
moved to, Delete clears the answer. Number, date and short text are line fields that
store their answer when Enter is pressed or the field is left. Fields say what was
answered through `answered`; the panel makes it one undoable edit.
"""

from __future__ import annotations

import json
import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QFrame,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
)

from annotator.core.coding.variables import choices_of
from annotator.core.common.model import Variable

TYPING_PAUSE = 1.0  # seconds: digits typed closer together than this make one code (1, 2 -> 12)


class ChoiceField(QFrame):
    """A choice question: radio buttons (one answer) or check boxes (several), driven from the keyboard."""

    answered = Signal(object)  # a code, a list of codes (several), or None to clear

    def __init__(self, variable: Variable, parent=None):
        super().__init__(parent)
        self.setObjectName(f"codesheet_{variable.name}")
        self.variable = variable
        self.multiple = variable.kind == "multiple_choice"
        self.choices = choices_of(variable)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setFrameShape(QFrame.StyledPanel)
        self.setFrameShadow(QFrame.Plain)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(0)
        self.buttons: list[QAbstractButton] = []
        group = QButtonGroup(self)
        group.setExclusive(False)  # a single choice may also be cleared: exclusivity is kept here
        for index, choice in enumerate(self.choices):
            button = (QCheckBox if self.multiple else QRadioButton)(f"{choice.code} = {choice.label}", self)
            button.setFocusPolicy(Qt.NoFocus)  # the field is one Tab stop; its keys pick the choices
            button.clicked.connect(lambda _checked=False, i=index: self._pick(i, click=True))
            group.addButton(button)
            layout.addWidget(button)
            self.buttons.append(button)
        self._cursor = 0
        self._typed, self._typed_at = "", 0.0
        self._codes: list[int] = []
        self._show_cursor()

    # -- the stored answer ----------------------------------------------------------

    def show_answer(self, stored: str | None) -> None:
        self._codes = [] if stored is None else (json.loads(stored) if self.multiple else [int(stored)])
        for button, choice in zip(self.buttons, self.choices):
            button.setChecked(choice.code in self._codes)

    def _pick(self, index: int, click: bool = False) -> None:
        code = self.choices[index].code
        self._cursor = index
        self._show_cursor()
        if self.multiple:
            codes = [c for c in self._codes if c != code] if code in self._codes else [*self._codes, code]
            self.answered.emit([c.code for c in self.choices if c.code in codes] or None)
        elif click and code in self._codes:
            self.answered.emit(None)  # a click on the chosen answer takes it back
        else:
            self.answered.emit(code)
        self.show_answer(self._stored_form())

    def _stored_form(self) -> str | None:
        # Until the panel shows the stored answer again, the buttons keep what is stored (a refusal leaves it).
        if not self._codes:
            return None
        return json.dumps(self._codes) if self.multiple else str(self._codes[0])

    # -- keys --------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key, text = event.key(), event.text()
        if text and (text.isdigit() or (text == "-" and not self.multiple)) and not event.modifiers() & (
                Qt.ControlModifier | Qt.AltModifier):
            self._type(text)
        elif self.variable.kind == "yes_no" and text.lower() in ("y", "n"):
            self._pick(0 if text.lower() == "y" else 1)
        elif key in (Qt.Key_Down, Qt.Key_Right, Qt.Key_Up, Qt.Key_Left) and self.choices:
            step = 1 if key in (Qt.Key_Down, Qt.Key_Right) else -1
            self._cursor = (self._cursor + step) % len(self.choices)
            self._show_cursor()
            if not self.multiple:
                self._pick(self._cursor)
        elif key == Qt.Key_Space and self.choices:
            self._pick(self._cursor)
        elif key in (Qt.Key_Delete, Qt.Key_Backspace):
            self.answered.emit(None)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _type(self, text: str) -> None:
        now = time.monotonic()
        typed = self._typed + text if now - self._typed_at < TYPING_PAUSE else text
        if not any(str(c.code).startswith(typed) for c in self.choices):
            typed = text  # no code goes on like that: the digit starts a new code
        self._typed, self._typed_at = typed, now
        index = next((i for i, c in enumerate(self.choices) if str(c.code) == typed), None)
        if index is not None:
            self._pick(index)

    def focusInEvent(self, event) -> None:  # noqa: N802
        self._typed = ""
        self.setFrameShadow(QFrame.Sunken)
        self.setLineWidth(2)
        self._show_cursor()
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802
        self.setFrameShadow(QFrame.Plain)
        self.setLineWidth(1)
        self._show_cursor()
        super().focusOutEvent(event)

    def _show_cursor(self) -> None:
        # The choice Space would pick is underlined while the field has the keyboard.
        for index, button in enumerate(self.buttons):
            font = QFont(button.font())
            font.setUnderline(self.hasFocus() and index == self._cursor)
            button.setFont(font)


class LineField(QLineEdit):
    """A number, a date or a short text: stored when Enter is pressed or the field is left."""

    answered = Signal(object)

    HINTS = {"number": "a number, e.g. 3 or 2.5", "date": "YYYY-MM-DD", "text": "a short answer"}

    def __init__(self, variable: Variable, parent=None):
        super().__init__(parent)
        self.setObjectName(f"codesheet_{variable.name}")
        self.variable = variable
        self.setPlaceholderText(self.HINTS.get(variable.kind, ""))
        self.setClearButtonEnabled(True)
        self._stored = ""
        self.editingFinished.connect(self._finished)

    def show_answer(self, stored: str | None) -> None:
        self._stored = stored or ""
        if not self.hasFocus() or not self.isModified():  # what is being typed stays
            self.setText(self._stored)
            self.setModified(False)

    def _finished(self) -> None:
        text = " ".join(self.text().split())
        if text != self._stored:
            self.answered.emit(text or None)


def field_for(variable: Variable, parent=None) -> ChoiceField | LineField:
    if variable.kind in ("single_choice", "multiple_choice", "yes_no"):
        return ChoiceField(variable, parent)
    return LineField(variable, parent)
