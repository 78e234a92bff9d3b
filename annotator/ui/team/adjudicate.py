"""Analyze › Adjudicate: the coders' versions of the document being read, side by side, settled into gold.

One row per place (a span, a whole-document code, a codesheet question), one column per coder and
one for gold. The window follows the document the reader shows; selecting a row shows that place
in the reader. Keys act on the selected row: 1-9 take that coder's version into gold (Enter takes
the selected cell's coder), A takes everything every coder agrees on, Ctrl+Delete clears gold for
the document. Each is one step on the shared undo stack; this window's Undo reaches only its own
steps, as the Codebook window's does.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.common.errors import ProjectError
from annotator.core.common.model import Coder
from annotator.core.store.database import Change, ChangeKind
from annotator.core.team import adjudication
from annotator.core.team.adjudication import (
    AGREE,
    ALONE,
    BLANK,
    DIFFER,
    GOLD_ONLY,
    Versions,
)
from annotator.ui.common.plain_text import plain_label, plain_tip
from annotator.ui.common.workbench import Feature, Workbench
from annotator.ui.team.adjudicate_rows import Row, outcome_text, rows_of

ADJUDICATE = "adjudicate"  # the tool window's key, and the scope of the undo steps it makes
# Light tints under dark text; the status column's symbol and word carry the same meaning in grey.
STATUS_TINTS = {AGREE: "#d9f2d9", DIFFER: "#f9d3cc", ALONE: "#fbeec2", GOLD_ONLY: "#d6e4f7", BLANK: None}
_DISPLAY, _TOOLTIP, _BACKGROUND, _FONT, _ALIGNMENT = (int(r) for r in (
    Qt.DisplayRole, Qt.ToolTipRole, Qt.BackgroundRole, Qt.FontRole, Qt.TextAlignmentRole))
_ROLES = frozenset((_DISPLAY, _TOOLTIP, _BACKGROUND, _FONT, _ALIGNMENT))
_TOP_LEFT = int(Qt.AlignLeft | Qt.AlignTop)
_TINTS: dict[str, QBrush] | None = None
_BOLD: QFont | None = None
HINT = ("Keys: 1–9 take that coder's version of the selected row into gold · Enter takes the selected "
        "cell's · A takes everything all coders agree on · Ctrl+Delete clears gold · Ctrl+Z undoes")


class VersionsModel(QAbstractTableModel):
    """The rows of one document's versions: status, place, a column per coder, gold."""

    STATUS, WHERE = 0, 1

    def __init__(self, parent=None):
        super().__init__(parent)
        self.coders: list[Coder] = []
        self.rows: list[Row] = []
        global _TINTS, _BOLD
        if _TINTS is None:  # a font needs the application: made with the first model, once
            _TINTS = {status: QBrush(QColor(tint)) for status, tint in STATUS_TINTS.items() if tint}
            _BOLD = QFont()
            _BOLD.setBold(True)

    def set_rows(self, coders: list[Coder], rows: list[Row]) -> None:
        self.beginResetModel()
        self.coders, self.rows = coders, rows
        self.endResetModel()

    def coder_at(self, column: int) -> Coder | None:
        index = column - 2
        return self.coders[index] if 0 <= index < len(self.coders) else None

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else 3 + len(self.coders)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if orientation != Qt.Horizontal or role != Qt.DisplayRole:
            return None
        if section == self.STATUS:
            return "Coders"
        if section == self.WHERE:
            return "Where"
        coder = self.coder_at(section)
        if coder is None:
            return "Gold (adjudicated)"
        number = section - 1
        return f"{number}  {coder.name}" if number <= 9 else coder.name  # the key that takes their version

    def data(self, index, role=Qt.DisplayRole):
        role = int(role)  # compared as ints: PySide's enum comparisons cost more than the rest of a cell
        if not index.isValid() or role not in _ROLES:
            return None
        row, column = self.rows[index.row()], index.column()
        if role == _ALIGNMENT:
            return _TOP_LEFT
        if role in (_DISPLAY, _TOOLTIP):
            text = row.status_text if column == self.STATUS else row.where if column == self.WHERE \
                else row.cells[column - 2]
            if role == _TOOLTIP:
                return plain_tip(f"{text}\n{row.note}" if row.note and column == self.STATUS else text)
            return text
        if column != self.STATUS:
            return None
        if role == _BACKGROUND:
            return _TINTS.get(row.status)
        return _BOLD if row.status == DIFFER else None  # the rows that need a decision stand out in grey too


class AdjudicateWindow(QWidget, Feature):
    def __init__(self, parent=None):
        super().__init__(parent, Qt.Window)
        self.setObjectName("adjudicateWindow")
        self.setWindowTitle("Adjudicate")
        self.document_id: int | None = None
        self.versions: Versions | None = None
        self._unsubscribe = None
        self._refresh_due = False
        self._stale = False
        self._revealing = True  # off while rows are rebuilt: only the analyst's moves reveal a place
        layout = QVBoxLayout(self)
        self.heading = plain_label(QLabel("", self))
        self.heading.setObjectName("adjudicateHeading")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.pages = QStackedWidget(self)
        self.model = VersionsModel(self)
        self.view = self._build_view()
        self.pages.addWidget(self.view)
        self.message = plain_label(QLabel("", self))
        self.message.setObjectName("adjudicateMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.message.setMargin(12)
        self.pages.addWidget(self.message)
        layout.addWidget(self.pages, 1)
        hint = plain_label(QLabel(HINT, self))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addLayout(self._build_buttons())
        self.status = plain_label(QLabel("", self))
        self.status.setObjectName("adjudicateStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        for number in range(1, 10):
            self._action(str(number), lambda n=number: self.take_row(n - 1))
        self._action(["Return", "Enter"], lambda: self._activated(self.view.currentIndex()))
        self._action(["A", "Ctrl+Shift+A"], self.take_agreed)
        self._action("Ctrl+Delete", self.clear_gold)
        self.undo_action = self._action("Ctrl+Z", self.undo, "Undo")
        self.redo_action = self._action(["Ctrl+Shift+Z", "Ctrl+Y"], self.redo, "Redo")
        self.resize(1100, 560)

    def _build_view(self) -> QTableView:
        view = QTableView(self)
        view.setObjectName("adjudicateTable")
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectRows)
        view.setSelectionMode(QAbstractItemView.SingleSelection)
        view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        view.setWordWrap(True)
        view.setTabKeyNavigation(False)
        view.verticalHeader().hide()
        view.horizontalHeader().setStretchLastSection(True)
        # Not `activated`: where a single click activates (some desktops), a click would take into gold.
        view.doubleClicked.connect(self._activated)
        view.selectionModel().currentRowChanged.connect(lambda current, _previous: self._row_chosen(current.row()))
        return view

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for text, slot, name in (("Take agreed (A)", self.take_agreed, "takeAgreed"),
                                 ("Clear gold (Ctrl+Delete)", self.clear_gold, "clearGold")):
            button = self.buttons[name] = QPushButton(text, self)
            button.setObjectName(name)
            button.setAutoDefault(False)
            button.clicked.connect(lambda checked=False, slot=slot: slot())
            row.addWidget(button)
        self._history_buttons = row
        row.addStretch(1)
        return row

    def _action(self, keys, slot, text: str = "") -> QAction:
        action = QAction(text or str(keys), self)
        action.setShortcuts([QKeySequence(k) for k in (keys if isinstance(keys, list) else [keys])])
        action.setShortcutContext(Qt.WindowShortcut)
        action.triggered.connect(lambda checked=False: slot())
        self.addAction(action)
        if text:  # Undo and Redo get a button beside the others
            button = QToolButton(self)
            button.setDefaultAction(action)
            self._history_buttons.addWidget(button)
        return action

    # -- the workbench ------------------------------------------------------------------------

    def attach(self, workbench: Workbench) -> None:
        super().attach(workbench)
        self._unsubscribe = workbench.project.subscribe(self._on_change)
        workbench.documentShown.connect(self.set_document)
        stack = workbench.ops.undo_stack
        for signal in (stack.indexChanged, stack.undoTextChanged, stack.redoTextChanged):
            signal.connect(self._history_changed)
        self._history_changed()
        self.set_document(workbench.current_doc_id)

    def detach(self) -> None:
        if self.workbench is not None:
            self.workbench.documentShown.disconnect(self.set_document)
            stack = self.workbench.ops.undo_stack
            for signal in (stack.indexChanged, stack.undoTextChanged, stack.redoTextChanged):
                signal.disconnect(self._history_changed)
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        super().detach()

    def set_document(self, document_id: int | None) -> None:
        """Follow the reader to another document."""
        if document_id != self.document_id:
            self.document_id = document_id
            self.status.setText("")
            self.refresh()

    def _on_change(self, change: Change) -> None:
        # A step into gold sends a change per code: the window reads the versions once for the lot.
        if change.document_id in (None, self.document_id) or change.kind in (ChangeKind.CODEBOOK_CHANGED,
                                                                             ChangeKind.CODERS_CHANGED):
            if not self._refresh_due:
                self._refresh_due = True
                QTimer.singleShot(0, self.refresh)

    # -- showing ------------------------------------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: N802
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        self._refresh_due = False
        if self.workbench is None:
            return
        # Closed, the window is only hidden: it reads the versions again when shown, not on every edit.
        self._stale = not self.isVisible()
        if self._stale:
            return
        project = self.workbench.project
        try:
            self.versions = adjudication.versions(project, self.document_id) if self.document_id is not None else None
        except ProjectError:  # deleted since the reader showed it
            self.versions = None
        self.buttons["takeAgreed"].setEnabled(self.versions is not None and len(self.versions.coders) >= 2)
        self.buttons["clearGold"].setEnabled(self.versions is not None and self._gold_has_any())
        if self.versions is None:
            self.setWindowTitle("Adjudicate")
            self.heading.setText("")
            self._say("Open a document in the main window: this window shows how its coders coded it.")
            return
        title = project.documents.summary(self.document_id).title
        self.setWindowTitle(f"Adjudicate — {title}")
        coders = self.versions.coders
        gold = sum(len(unit.gold) for unit in self.versions.units)
        self.heading.setText(f"{title}\nCoders: {', '.join(c.name for c in coders) or 'none yet'} · "
                             f"gold has {gold} code{'' if gold == 1 else 's'} here")
        if len(coders) < 2:
            self._say(self._why_nothing(coders))
            return
        self._show_rows(rows_of(project, self.versions))

    def _gold_has_any(self) -> bool:
        return any(unit.gold for unit in self.versions.units) or any(a.gold is not None for a in self.versions.answers)

    def _show_rows(self, rows: list[Row]) -> None:
        current = self.view.currentIndex()
        self._revealing = False
        try:
            self.model.set_rows(self.versions.coders, rows)
            if current.isValid() and rows:  # the same place stays selected after a step
                self.view.setCurrentIndex(self.model.index(min(current.row(), len(rows) - 1), current.column()))
        finally:
            self._revealing = True
        self._fit_columns()
        self.pages.setCurrentWidget(self.view)

    def _fit_columns(self) -> None:
        metrics, header = self.view.fontMetrics(), self.view.horizontalHeader()
        header.resizeSection(VersionsModel.STATUS, metrics.horizontalAdvance("✓ agree; entity link differs") + 16)
        header.resizeSection(VersionsModel.WHERE, metrics.averageCharWidth() * 34 + 16)
        for column in range(2, self.model.columnCount()):
            header.resizeSection(column, metrics.averageCharWidth() * 28 + 16)
        header.setSectionResizeMode(QHeaderView.Interactive)
        self.view.resizeRowsToContents()

    def _say(self, message: str) -> None:
        self.model.set_rows([], [])
        self.message.setText(message)
        self.pages.setCurrentWidget(self.message)

    def _why_nothing(self, coders: list[Coder]) -> str:
        everyone = self.workbench.project.coders.list()
        others = [c.name for c in everyone if c.id not in {d.id for d in coders}]
        if len(everyone) < 2:
            return ("Nothing to adjudicate: this project has "
                    + (f"one coder, {everyone[0].name}." if everyone else "no coders yet.")
                    + " Adjudication compares two or more coders' work on the same document. Give each coder a "
                    "copy to code (File › Export for a coder…, or `annotator handout`), then take their files back "
                    "(File › Merge coder's project…, or `annotator merge`).")
        who = f"only {coders[0].name} has coded this document" if coders else "nobody has coded this document yet"
        rest = f"{' and '.join(others)} {'has' if len(others) == 1 else 'have'} not" if others else ""
        return (f"Nothing to adjudicate here: {who}{f'; {rest}' if rest else ''}. "
                "Choose a document two or more coders have coded, or merge the others' project files "
                "(File › Merge coder's project…, or `annotator merge`) once they have coded it.")

    def current_row(self) -> Row | None:
        row = self.view.currentIndex().row()
        return self.model.rows[row] if 0 <= row < len(self.model.rows) else None

    def _row_chosen(self, row: int) -> None:
        if not self._revealing or not 0 <= row < len(self.model.rows) or self.workbench is None:
            return
        span = self.model.rows[row].span
        if span is not None:
            self.workbench.reveal(self.document_id, span=span)

    # -- taking into gold -----------------------------------------------------------------------

    def _activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        coder = self.model.coder_at(index.column())
        if coder is None:
            self.status.setText("Enter on a coder's cell takes their version; 1–9 take the coder of that column.")
            return
        self.take_row(index.column() - 2)

    def take_row(self, coder_index: int) -> None:
        """Take the coder's version of the selected row into gold (1 is the first coder's column)."""
        row = self.current_row()
        if self.versions is None or len(self.versions.coders) < 2:
            return
        if not 0 <= coder_index < len(self.versions.coders):
            self.status.setText(f"There is no coder {coder_index + 1}: this document has "
                                f"{len(self.versions.coders)} coders, numbered in the column headings.")
            return
        coder = self.versions.coders[coder_index]
        if row is None:
            self.status.setText("Select a row first: the key takes that coder's version of the selected row.")
            return
        items = row.takes[coder_index]
        if not items:
            self.status.setText(f"{coder.name} has nothing here to take. To keep nothing in gold here, "
                                "take another coder's version and edit it, or delete gold's code in the reader.")
            return
        self._step(f"Take {coder.name}'s {row.where}", f"Took {coder.name}'s version into gold",
                   adjudication.take, self.document_id, coder, list(items))

    def take_agreed(self) -> None:
        if self.versions is None or len(self.versions.coders) < 2:
            return
        self._step("Take agreed codes", "Took everything all coders agree on into gold",
                   adjudication.take_agreed, self.document_id)

    def clear_gold(self) -> None:
        if self.versions is None:
            return
        self._step("Clear gold", "Cleared gold for this document", adjudication.clear_gold, self.document_id)

    def _step(self, text: str, said: str, action, *args) -> None:
        """One undoable step; a refusal is shown as the core worded it, and nothing changes."""
        workbench = self.workbench
        try:
            outcome = workbench.ops.run(text, action, workbench.project, *args, document_id=self.document_id,
                                        scope=ADJUDICATE)
        except ProjectError as exc:
            self.status.setText(str(exc))
            return
        message = f"{said}: {outcome_text(outcome)}." if outcome.changed else "Nothing changed: gold already has it."
        self.status.setText(message)
        workbench.show_status(message)

    # -- undo, scoped to this window ------------------------------------------------------------

    def _next(self, redo: bool):
        stack = self.workbench.ops.undo_stack
        if not (stack.canRedo() if redo else stack.canUndo()):
            return None
        command = stack.command(stack.index() if redo else stack.index() - 1)
        return command if getattr(command, "scope", None) == ADJUDICATE else None

    def _history_changed(self, *_args) -> None:
        if self.workbench is None:
            return
        for action, redo, verb in ((self.undo_action, False, "Undo"), (self.redo_action, True, "Redo")):
            command = self._next(redo)
            action.setEnabled(command is not None)
            action.setToolTip(f"{verb} {command.text()}" if command is not None else
                              f"Nothing to {verb.lower()} here: the last step was not made in this window")

    def undo(self) -> None:
        """Undo this window's last step; an edit made elsewhere since is left to the main window."""
        self._replay(False)

    def redo(self) -> None:
        self._replay(True)

    def _replay(self, redo: bool) -> None:
        command = self._next(redo) if self.workbench is not None else None
        if command is None:
            self.status.setText(f"Nothing to {'redo' if redo else 'undo'} here: the last step was not made in "
                                "this window (Edit › Undo in the main window reaches it).")
            return
        stack = self.workbench.ops.undo_stack
        stack.redo() if redo else stack.undo()
        self.status.setText(f"{'Redid' if redo else 'Undid'}: {command.text()}")


def open_adjudicate(workbench: Workbench) -> AdjudicateWindow:
    """Analyze › Adjudicate: one window per open project, raised when asked for again."""
    window = workbench.tool_window(ADJUDICATE, lambda: AdjudicateWindow(workbench))
    window.show()
    window.raise_()
    window.activateWindow()
    return window
