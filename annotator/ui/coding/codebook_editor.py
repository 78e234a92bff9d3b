"""The Codebook window: labels in a tree (layers > groups > labels) and the selected one's details.

Every change goes through Operations.run, so Ctrl+Z in the main window takes it back
like any tag. The window's own Undo and Redo reach only the edits made in it: an
annotation edit behind the dialog is never undone from here. The window follows
codebook_changed events, whoever made the change (this window, an undo in the main
window, an import).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence
from PySide6.QtWidgets import (
    QColorDialog,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.coding import codebook_files as codebook_io
from annotator.core.common.errors import AnnotationError, ProjectError
from annotator.core.common.model import LAYER_NAMES, LAYERS, Attribute, Label
from annotator.core.project import Project
from annotator.core.store.database import Change, ChangeKind
from annotator.ui.actions.operations import Operations
from annotator.ui.coding.codebook_widgets import (
    KIND_NAMES,
    LABEL_ID,
    LAYER,
    AttributeDialog,
    DeleteLabelDialog,
    LabelForm,
    LabelTree,
)
from annotator.ui.coding.variable_editor import VariablesTab
from annotator.ui.common.colors import label_icon
from annotator.ui.common.plain_text import as_text, plain_label, plain_tip
from annotator.ui.common.workbench import Feature, Workbench

__all__ = ["CODEBOOK_EDITOR", "CodebookEditor", "LABEL_ID", "LAYER", "open_codebook_editor"]

SCOPE = "codebook"  # the edits this window made, on the shared undo stack
CODEBOOK_EDITOR = "codebook_editor"  # its key among the window's tool windows


def open_codebook_editor(workbench: Workbench) -> CodebookEditor:
    """Ctrl+K: the one Codebook window of the open project, raised when asked for again."""
    editor = workbench.tool_window(CODEBOOK_EDITOR, lambda: CodebookEditor(workbench.project, workbench.ops, workbench))
    editor.show()
    editor.raise_()
    editor.activateWindow()
    return editor


class CodebookEditor(QDialog, Feature):
    def __init__(self, project: Project, ops: Operations, parent=None):
        super().__init__(parent)
        self.setObjectName("codebookEditor")
        self.setWindowTitle("Codebook")
        self.setModal(False)
        self.project, self._ops, self._book = project, ops, project.codebook
        self._label_id: int | None = None
        self._rebuilding = False
        self._shape: list[tuple] | None = None  # (id, parent, layer) of every entry, as the tree shows them
        self._items: dict[int, QTreeWidgetItem] = {}
        self.delete_dialog: DeleteLabelDialog | None = None
        self.attribute_dialog: AttributeDialog | None = None
        self.undo_action = self._history_action("Undo", ["Ctrl+Z"], self.undo)
        self.redo_action = self._history_action("Redo", ["Ctrl+Shift+Z", "Ctrl+Y"], self.redo)
        stack = ops.undo_stack
        for signal in (stack.indexChanged, stack.undoTextChanged, stack.redoTextChanged):
            signal.connect(self._history_changed)
        self.tree = LabelTree(self)
        self.tree.currentItemChanged.connect(lambda item, _previous: self._selected(item))
        self.tree.dropped.connect(self._dropped)
        left = QVBoxLayout()
        left.addWidget(self.tree, 1)
        row = QHBoxLayout()
        self.add_label_button = self._button(row, "Add label", self.add_label)
        self.add_group_button = self._button(row, "Add group", lambda: self.add_label(group=True))
        self.delete_button = self._button(row, "Delete", self.delete_selected)
        self.up_button = self._button(row, "Move up", lambda: self.move_selected(-1))
        self.down_button = self._button(row, "Move down", lambda: self.move_selected(1))
        left.addLayout(row)
        row = QHBoxLayout()
        self.import_button = self._button(row, "Import…", self.import_file)
        self.export_button = self._button(row, "Export…", self.export_file)
        for action in (self.undo_action, self.redo_action):
            button = QToolButton(self)
            button.setDefaultAction(action)
            row.addWidget(button)
        row.addStretch(1)
        left.addLayout(row)
        self.status = plain_label(QLabel("", self))
        left.addWidget(self.status)
        d = self.details = LabelForm(self)
        self.name_edit, self.key_edit, self.color_button = d.name_edit, d.key_edit, d.color_button
        self.description_edit, self.memo_edit, self.attribute_table = d.description_edit, d.memo_edit, d.attribute_table
        self.add_attribute_button, self.edit_attribute_button, self.delete_attribute_button = d.attribute_buttons
        self.name_edit.editingFinished.connect(self._name_edited)
        self.key_edit.editingFinished.connect(self._key_edited)
        self.color_button.clicked.connect(self.choose_color)
        for edit in (self.description_edit, self.memo_edit):
            edit.installEventFilter(self)
        self.attribute_table.cellDoubleClicked.connect(lambda row, _column: self.edit_attribute())
        for button, slot in zip(d.attribute_buttons, (self.add_attribute, self.edit_attribute, self.delete_attribute)):
            button.clicked.connect(lambda checked=False, slot=slot: slot())
        labels_page = QWidget(self)
        layout = QHBoxLayout(labels_page)
        layout.addLayout(left, 1)
        layout.addWidget(self.details, 1)
        # Labels code spans; document variables are the codesheet's questions: two pages of one codebook.
        self.variables_tab = VariablesTab(project, self._run, self)
        self.pages = QTabWidget(self)
        self.pages.addTab(labels_page, "Labels")
        self.pages.addTab(self.variables_tab, "Document variables")
        QVBoxLayout(self).addWidget(self.pages)
        self.resize(900, 560)
        self._unsubscribe = project.subscribe(self._on_change)
        self._history_changed()
        self.refresh()

    def _history_action(self, text: str, keys: list[str], slot) -> QAction:
        # The caption stays "Undo" / "Redo": the step goes in the tooltip, so a long
        # label name never widens the window.
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.triggered.connect(lambda checked=False: slot())
        self.addAction(action)
        return action

    # -- undo, scoped to this window ----------------------------------------------

    def _next_undo(self):
        stack = self._ops.undo_stack
        command = stack.command(stack.index() - 1) if stack.canUndo() else None
        return command if getattr(command, "scope", None) == SCOPE else None

    def _next_redo(self):
        stack = self._ops.undo_stack
        command = stack.command(stack.index()) if stack.canRedo() else None
        return command if getattr(command, "scope", None) == SCOPE else None

    def _history_changed(self, *_args) -> None:
        for action, command, verb in ((self.undo_action, self._next_undo(), "Undo"),
                                      (self.redo_action, self._next_redo(), "Redo")):
            action.setEnabled(command is not None and not self.project.read_only)
            action.setToolTip(f"{verb} {command.text()}" if command is not None else
                              f"Nothing to {verb.lower()} here: the last step was not made in the Codebook window")

    def undo(self) -> None:
        """Undo the last edit if this window made it; an edit made elsewhere since is left alone."""
        if self._next_undo() is not None:
            self._commit_texts()
            if self._next_undo() is not None:
                self._ops.undo_stack.undo()

    def redo(self) -> None:
        if self._next_redo() is not None:
            self._ops.undo_stack.redo()

    def _button(self, row: QHBoxLayout, text: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setAutoDefault(False)  # Enter in a field commits the field, never presses a button
        button.clicked.connect(lambda checked=False: slot())
        row.addWidget(button)
        return button

    def detach(self) -> None:
        stack = self._ops.undo_stack
        for signal in (stack.indexChanged, stack.undoTextChanged, stack.redoTextChanged):
            signal.disconnect(self._history_changed)
        self._unsubscribe()
        super().detach()

    # -- showing the codebook ----------------------------------------------------

    def current_label(self) -> Label | None:
        try:
            return self._book.label(self._label_id) if self._label_id is not None else None
        except KeyError:
            return None

    def _on_change(self, change: Change) -> None:
        if change.kind == ChangeKind.CODEBOOK_CHANGED or change.kind.touches_annotations:  # names, counts
            self.refresh()
        if change.kind == ChangeKind.CODEBOOK_CHANGED:
            self.variables_tab.refresh()

    def refresh(self) -> None:
        """Show the codebook again, keeping the selection; the tree is rebuilt only when its shape changed.

        Updating items in place matters: a field saved on focus-out (the click that
        chose another label) must not pull the clicked item out from under the mouse.
        """
        labels = self._book.labels()
        self._uses = self._book.usage_counts()
        shape = [(label.id, label.parent_id, label.layer) for label in labels]
        self._rebuilding = True
        try:
            if shape != self._shape:
                self._shape = shape
                self._rebuild(labels)
            else:
                for label in labels:
                    self._fill(self._items[label.id], label)
            wanted = self._items.get(self._label_id)
            if wanted is not None and self.tree.currentItem() is not wanted:
                self.tree.setCurrentItem(wanted)
        finally:
            self._rebuilding = False
        self._show(self.tree.currentItem())

    def _rebuild(self, labels: list[Label]) -> None:
        current = self.tree.currentItem()
        layer = current.data(0, LAYER) if current is not None else None
        self.tree.clear()
        self._items = {}
        tops = {}
        for layer_id in LAYERS:
            top = tops[layer_id] = QTreeWidgetItem(self.tree, [LAYER_NAMES[layer_id]])
            top.setData(0, LAYER, layer_id)
            top.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsDropEnabled)
            font = QFont(top.font(0))
            font.setBold(True)
            top.setFont(0, font)
        for label in labels:
            parent = self._items.get(label.parent_id) or tops[label.layer]
            self._items[label.id] = self._fill(QTreeWidgetItem(parent), label)
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        if layer is not None and self._label_id not in self._items:  # the selected label is gone: its layer
            self.tree.setCurrentItem(tops[layer])

    def _fill(self, item: QTreeWidgetItem, label: Label) -> QTreeWidgetItem:
        item.setText(0, label.name)
        item.setText(1, label.key or "")
        item.setText(2, "" if label.is_group else str(self._uses.get(label.id, 0)))
        item.setIcon(0, label_icon(label.color, label.key or ""))
        item.setData(0, LABEL_ID, label.id)
        item.setData(0, LAYER, label.layer)
        item.setToolTip(0, plain_tip(label.description))
        flags = Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsDragEnabled
        item.setFlags(flags | Qt.ItemIsDropEnabled if label.is_group else flags)
        if label.is_group:
            font = QFont(item.font(0))
            font.setItalic(True)
            item.setFont(0, font)
        return item

    def _selected(self, item: QTreeWidgetItem | None) -> None:
        if not self._rebuilding:
            self._commit_texts()  # what was typed belongs to the label selected until now
            self._show(item)

    def _show(self, item: QTreeWidgetItem | None) -> None:
        self._label_id = item.data(0, LABEL_ID) if item is not None else None
        label = self.current_label()
        self.details.setEnabled(label is not None)
        for button in (self.delete_button, self.up_button, self.down_button):
            button.setEnabled(label is not None)
        self.name_edit.setText(label.name if label else "")
        self.key_edit.setText((label.key or "") if label else "")
        self.key_edit.setEnabled(label is not None and not label.is_group)
        self.color_button.setIcon(label_icon(label.color, "") if label else label_icon("#FFFFFF", ""))
        self.color_button.setText(label.color if label else "Colour…")
        for edit, text in ((self.description_edit, label.description if label else ""),
                           (self.memo_edit, label.memo if label else "")):
            if edit.toPlainText() != text:
                edit.setPlainText(text)
        attributes = self._book.attributes(label.id) if label and not label.is_group else []
        self.attribute_table.setRowCount(len(attributes))
        for row, attribute in enumerate(attributes):
            cells = (attribute.name, KIND_NAMES[attribute.kind], ", ".join(attribute.choices),
                     "required" if attribute.required else "optional")
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.UserRole, attribute.id)
                cell.setToolTip(plain_tip(attribute.description))
                self.attribute_table.setItem(row, column, cell)
        for widget in (self.attribute_table, self.add_attribute_button, self.edit_attribute_button,
                       self.delete_attribute_button):
            widget.setEnabled(label is not None and not label.is_group)

    # -- edits -----------------------------------------------------------------

    def _run(self, text: str, action, *args, **kwargs) -> bool:
        """One undoable edit; a refusal is shown as the core worded it."""
        try:
            self._ops.run(text, action, *args, scope=SCOPE, **kwargs)
        except (ProjectError, AnnotationError) as exc:
            self._show(self.tree.currentItem())  # fields show the codebook again, not the refused input
            QMessageBox.warning(self, "Codebook", as_text(str(exc)))
            return False
        return True

    def _name_edited(self) -> None:
        label = self.current_label()
        name = " ".join(self.name_edit.text().split())
        if label is not None and name != label.name:
            self._run(f"Rename {_kind(label)} {label.name} → {name}", self._book.rename, label.id, name)

    def _key_edited(self) -> None:
        label = self.current_label()
        key = self.key_edit.text().strip().upper() or None
        if label is not None and key != label.key:
            text = f"Set key {key} for {label.name}" if key else f"Clear the key of {label.name}"
            self._run(text, self._book.set_key, label.id, key)

    def choose_color(self) -> None:
        label = self.current_label()
        if label is None:
            return
        color = QColorDialog.getColor(QColor(label.color), self, f"Colour of {label.name}")
        if color.isValid() and color.name().upper() != label.color:
            self._run(f"Recolour {label.name}", self._book.set_color, label.id, color.name())

    def _commit_texts(self) -> None:
        label = self.current_label()
        if label is None:
            return
        if self.description_edit.toPlainText().strip() != label.description:
            self._run(f"Edit description of {label.name}", self._book.set_description, label.id,
                      self.description_edit.toPlainText(), merge_key=("description", label.id))
        label = self.current_label()
        if label is not None and self.memo_edit.toPlainText() != label.memo:
            self._run(f"Edit memo of {label.name}", self._book.set_memo, label.id, self.memo_edit.toPlainText(),
                      merge_key=("memo", label.id))

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj in (self.description_edit, self.memo_edit) and event.type() == QEvent.FocusOut:
            self._commit_texts()
        return super().eventFilter(obj, event)

    def _place_for_new(self) -> tuple[str, int | None, int | None]:
        """Layer, group and position for a new entry: after the selected label, in the selected group."""
        item = self.tree.currentItem()
        label = self.current_label()
        if label is None:
            return (item.data(0, LAYER) if item is not None else LAYERS[0]), None, None
        if label.is_group:
            return label.layer, label.id, None
        siblings = [s.id for s in self._book.children(label.parent_id, label.layer)]
        return label.layer, label.parent_id, siblings.index(label.id) + 1

    def add_label(self, group: bool = False) -> None:
        layer, parent_id, index = self._place_for_new()
        base = "New group" if group else "New label"
        name = next(n for n in (base if i == 1 else f"{base} {i}" for i in range(1, 10_000)) if not self._book.by_name(n))
        add = self._book.add_group if group else self._book.add_label
        label = self._ops.run(f"Add {'group' if group else 'label'} {name}", add, name, layer, parent_id=parent_id,
                              index=index, scope=SCOPE)
        self._label_id = label.id
        self.refresh()
        self.name_edit.setFocus()
        self.name_edit.selectAll()  # type the real name straight away

    def delete_selected(self) -> None:
        label = self.current_label()
        if label is None:
            return
        used, typed = self._book.usage_count(label.id), self._book.entity_count(label.id)
        if not used and not typed:
            self._run(f"Delete {_kind(label)} {label.name}", self._book.delete, label.id)
            return
        others = [o for o in self._book.codable_labels() if o.id != label.id and (not typed or o.layer == "entity")]
        others.sort(key=lambda o: o.layer != label.layer)  # the same layer first: the likely home
        self.delete_dialog = DeleteLabelDialog(label, used, typed, others, self)
        self.delete_dialog.accepted.connect(lambda: self._delete_confirmed(label, self.delete_dialog))
        self.delete_dialog.open()

    def _delete_confirmed(self, label: Label, dialog: DeleteLabelDialog) -> None:
        if dialog.move_choice.isChecked():
            self._run(f"Delete label {label.name}, moving its annotations to {dialog.target.currentText()}",
                      self._book.delete, label.id, move_to=dialog.target.currentData())
        else:
            self._run(f"Delete label {label.name} and its annotations", self._book.delete, label.id,
                      delete_annotations=True)

    def move_selected(self, step: int) -> None:
        label = self.current_label()
        if label is not None:
            siblings = [s.id for s in self._book.children(label.parent_id, label.layer)]
            index = siblings.index(label.id) + step
            if 0 <= index < len(siblings):
                self._run(f"Move {label.name} {'up' if step < 0 else 'down'}", self._book.move, label.id,
                          label.parent_id, index)

    def _dropped(self, label_id: int, target: QTreeWidgetItem, zone: str) -> None:
        label = self._book.label(label_id)
        if target.data(0, LAYER) != label.layer:
            QMessageBox.warning(self, "Codebook", as_text(f"{label.name} is a {LAYER_NAMES[label.layer]} label; "
                                                  f"it can only move within {LAYER_NAMES[label.layer]}."))
            return
        target_id = target.data(0, LABEL_ID)
        into = self._book.label(target_id) if target_id else None
        if into is None or (into.is_group and zone == "on"):
            parent_id = into.id if into else None
            index = 0 if into is None and zone == "above" else 10_000
        else:
            parent_id = into.parent_id
            siblings = [s.id for s in self._book.children(parent_id, label.layer) if s.id != label.id]
            index = siblings.index(into.id) + (0 if zone == "above" else 1)
        self._run(f"Move {label.name}", self._book.move, label.id, parent_id, index)

    # -- attributes ---------------------------------------------------------------

    def _current_attribute(self) -> int | None:
        cell = self.attribute_table.item(self.attribute_table.currentRow(), 0)
        return cell.data(Qt.UserRole) if cell is not None else None

    def add_attribute(self) -> None:
        label = self.current_label()
        if label is not None:
            self._attribute_dialog(f"New attribute of {label.name}", None, label)

    def edit_attribute(self) -> None:
        label, attribute_id = self.current_label(), self._current_attribute()
        if label is not None and attribute_id is not None:
            self._attribute_dialog(f"Attribute of {label.name}", self._book.attribute(attribute_id), label)

    def _attribute_dialog(self, title: str, attribute: Attribute | None, label: Label) -> None:
        dialog = self.attribute_dialog = AttributeDialog(title, attribute, self)

        def done() -> None:
            values = dialog.values()
            if attribute is None:
                ok = self._run(f"Add attribute {values['name'].strip()} to {label.name}", self._book.add_attribute,
                               label.id, **values)
            else:
                ok = self._run(f"Edit attribute {attribute.name} of {label.name}", self._book.update_attribute,
                               attribute.id, **values)
            if not ok:
                dialog.open()  # keep what was typed, so it can be fixed

        dialog.accepted.connect(done)
        dialog.open()

    def delete_attribute(self) -> None:
        label, attribute_id = self.current_label(), self._current_attribute()
        if label is not None and attribute_id is not None:
            name = self._book.attribute(attribute_id).name
            self._run(f"Delete attribute {name} of {label.name}", self._book.delete_attribute, attribute_id)

    # -- files -------------------------------------------------------------------

    def import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import codebook", "", "Codebook (*.json);;All files (*)")
        if not path:
            return
        try:
            result = self._ops.run(f"Import codebook {Path(path).name}", codebook_io.import_codebook, self.project, path,
                                   scope=SCOPE)
        except ProjectError as exc:
            QMessageBox.warning(self, "Cannot import codebook", as_text(str(exc)))
            return
        self.status.setText(f"Imported {Path(path).name}: {result.added} added, {result.updated} updated.")

    def export_file(self) -> None:
        suggested = str(self.project.path.with_name(f"{self.project.name}.codebook.json"))
        path, _ = QFileDialog.getSaveFileName(self, "Export codebook", suggested, "Codebook (*.json)")
        if not path:
            return
        try:
            codebook_io.export_codebook(self.project, path)
        except ProjectError as exc:
            QMessageBox.warning(self, "Cannot export codebook", as_text(str(exc)))
            return
        self.status.setText(f"Exported to {path}")

    def closeEvent(self, event) -> None:  # noqa: N802
        self._commit_texts()
        super().closeEvent(event)


def _kind(label: Label) -> str:
    return "group" if label.is_group else "label"
