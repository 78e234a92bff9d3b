"""The Codesheet tab: the current document's variables as a form, answered by the current coder.

Each answer is one undoable edit (Ctrl+Z takes it back, as a tag). The panel says which
required questions are still open and when the document is done for this coder; a
document with nothing to code is marked coded with a button. While another coder's codes
are shown their answers are shown here too, read-only; in the gold view the answers are
the adjudicated ones, written as gold. A codebook without variables has no codesheet:
the tab is then hidden (shownChanged).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from annotator.core.common.errors import ProjectError
from annotator.core.common.model import Variable
from annotator.core.project import Project
from annotator.core.store.database import Change, ChangeKind
from annotator.ui.actions.operations import Operations
from annotator.ui.coding.codesheet_fields import field_for
from annotator.ui.common.coder_view import CoderView
from annotator.ui.common.plain_text import escape

_MISSING = "color: #C62828;"
_DONE = "color: #2E7D32;"


class CodesheetPanel(QWidget):
    shownChanged = Signal(bool)  # whether the codebook has variables, so whether the tab is worth showing

    def __init__(self, project: Project, ops: Operations, parent=None, *, coders: CoderView | None = None):
        super().__init__(parent)
        self.setObjectName("codesheetPanel")
        self._project, self._ops, self._coders = project, ops, coders
        self._doc_id: int | None = None
        self._variables: list[Variable] = []
        self.fields: dict[int, QWidget] = {}  # variable id -> its field
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.state = QLabel("", self)
        self.state.setObjectName("codesheetState")
        self.state.setWordWrap(True)
        self.state.setTextFormat(Qt.RichText)
        layout.addWidget(self.state)
        self.problem = QLabel("", self)  # a refused answer: what was wrong and what to give
        self.problem.setObjectName("codesheetProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(_MISSING)
        self.problem.hide()
        layout.addWidget(self.problem)
        self._page = QWidget(self)
        self._form = QFormLayout(self._page)
        self._form.setRowWrapPolicy(QFormLayout.WrapLongRows)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setWidget(self._page)
        layout.addWidget(scroll, 1)
        row = QHBoxLayout()
        self.mark_button = QPushButton("Nothing to code: mark coded", self)
        self.mark_button.setObjectName("markCoded")
        self.mark_button.setCheckable(True)
        self.mark_button.setToolTip("Say you have coded this document though no question needed an answer "
                                    "(press again to take it back).")
        self.mark_button.clicked.connect(self._mark_clicked)
        row.addWidget(self.mark_button)
        row.addStretch(1)
        layout.addLayout(row)
        self._unsubscribe = project.subscribe(self._on_change)
        if coders is not None:
            coders.changed.connect(self._refresh)
        self._rebuild()

    def detach(self) -> None:
        self._unsubscribe()

    def has_variables(self) -> bool:
        return bool(self._variables)

    def set_document(self, doc_id: int | None) -> None:
        self._doc_id = doc_id
        self.problem.hide()
        self._refresh()

    # -- whose answers ---------------------------------------------------------------

    def _coder(self) -> str | None:
        """The coder whose answers are shown: another coder's while theirs are shown, else the writing coder's."""
        other = self._coders.other if self._coders is not None else None
        return other.name if other is not None else None

    def _editable(self) -> bool:
        return self._doc_id is not None and self._coder() is None

    # -- building and showing --------------------------------------------------------

    def _rebuild(self) -> None:
        had = bool(self._variables)
        self._variables = self._project.variables.list()
        while self._form.rowCount():
            self._form.removeRow(0)
        self.fields = {}
        for variable in self._variables:
            field = field_for(variable, self._page)
            field.answered.connect(lambda value, v=variable: self._answer(v, value))
            caption = QLabel(self._caption(variable), self._page)
            caption.setWordWrap(True)
            caption.setTextFormat(Qt.RichText)
            caption.setBuddy(field)
            self._form.addRow(caption, field)
            self.fields[variable.id] = field
        self._refresh()
        if had != bool(self._variables):
            self.shownChanged.emit(bool(self._variables))

    @staticmethod
    def _caption(variable: Variable) -> str:
        question = escape(variable.question or variable.name)
        name = f"<br/><span style='color:gray'>{escape(variable.name)}</span>" if variable.question else ""
        return f"<b>{question}</b>{' *' if variable.required else ''}{name}"

    def _refresh(self) -> None:
        doc_id, coder = self._doc_id, self._coder()
        answers = self._project.codesheet.answers(doc_id, coder) if doc_id is not None else {}
        for variable in self._variables:
            field = self.fields[variable.id]
            field.show_answer(answers.get(variable.id))
            field.setEnabled(self._editable())
        self.mark_button.setEnabled(self._editable())
        self.mark_button.setChecked(doc_id is not None and self._project.codesheet.is_marked(doc_id, coder))
        self.state.setText(self._state_text(doc_id, coder))

    def _state_text(self, doc_id: int | None, coder: str | None) -> str:
        if doc_id is None:
            return "No document open."
        if not self._variables:
            return "The codebook has no document variables: add them in Edit › Codebook › Document variables."
        sheet = self._project.codesheet
        whose = coder or self._project.coders.current_name
        missing = sheet.missing_required(doc_id, coder)
        if missing:
            names = ", ".join(escape(v.name) for v in missing)
            return f"<span style='{_MISSING}'>Required, not answered yet: {names}.</span>"
        if sheet.is_done(doc_id, coder):
            return f"<span style='{_DONE}'>Done for {escape(whose)}.</span>"
        return ("Not coded yet: answer a question, or press <i>Nothing to code</i> if it needs no answer."
                if coder is None else f"{escape(whose)} has not coded this document.")

    # -- edits -----------------------------------------------------------------------------

    def _answer(self, variable: Variable, value: object) -> None:
        if not self._editable():
            return
        doc_id = self._doc_id
        try:
            self._ops.run(f"Set {variable.name}", self._project.codesheet.set, doc_id, variable.id, value,
                          document_id=doc_id)
        except ProjectError as exc:
            self.problem.setText(str(exc))
            self.problem.show()
            return
        self.problem.hide()
        self._refresh()

    def _mark_clicked(self, checked: bool) -> None:
        if not self._editable():
            return
        try:
            self._ops.run("Mark coded" if checked else "Unmark coded", self._project.codesheet.mark_coded,
                          self._doc_id, checked, document_id=self._doc_id)
        except ProjectError as exc:
            self.problem.setText(str(exc))
            self.problem.show()
        self._refresh()

    def _on_change(self, change: Change) -> None:
        if change.kind == ChangeKind.CODEBOOK_CHANGED:
            if [v for v in self._project.variables.list()] != self._variables:
                self._rebuild()
            return
        if change.kind == ChangeKind.CODERS_CHANGED or (
                change.kind == ChangeKind.CODESHEET_CHANGED and change.document_id == self._doc_id):
            self._refresh()
