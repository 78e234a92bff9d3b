"""The Entities dock: the registry across the corpus, one entity's details and its mentions.

The dock lives as long as the window; set_project() points it at whichever
project is open. Every edit goes through Operations, so each is one undo step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QFormLayout,
    QGridLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStatusBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.common.errors import AnnotationError, ProjectError
from annotator.core.common.model import Annotation, Entity
from annotator.core.project import Project
from annotator.core.store.database import Change, ChangeKind
from annotator.ui.actions.operations import Operations
from annotator.ui.common.colors import label_icon
from annotator.ui.common.combos import data_combo
from annotator.ui.common.plain_text import as_text, plain_tip
from annotator.ui.common.titles import fit_title
from annotator.ui.common.workbench import Feature, Workbench
from annotator.ui.entities.offer import EntityOffer
from annotator.ui.entities.table import ENTITY_ID_ROLE, EntityTableModel, NameFilter

if TYPE_CHECKING:
    from PySide6.QtWidgets import QListWidgetItem

# The registry's lists, the split dialog and the entity dialogs are imported where the dock is
# built or the dialog opens: every launch starts with the dock hidden, and PySide creates a
# class and its enums when a module first names it (issue 17).


class EntitiesPanel(QDockWidget, Feature):
    """A dock listing the entity registry; emits mentionActivated(document_id, annotation_id)."""

    mentionActivated = Signal(int, int)

    def __init__(self, parent=None, status_bar: QStatusBar | None = None):
        super().__init__("Entities", parent)
        self.setObjectName("entitiesPanel")
        self._project: Project | None = None
        self._ops: Operations | None = None
        self._current_document: Callable[[], int | None] = lambda: None
        self._document_id: int | None = None  # the document the window shows
        self._unsubscribe: Callable[[], None] | None = None
        self._entity: Entity | None = None
        self._busy = False  # a warning box steals focus and would finish an edit a second time
        self._dirty = False
        self._reloading = False
        self._refresh_timer = QTimer(self, singleShot=True, interval=0)
        self._refresh_timer.timeout.connect(self.refresh)
        self.visibilityChanged.connect(lambda visible: self.refresh() if visible and self._dirty else None)
        # Hidden until asked for (View › Entities): a docked panel would widen the window's minimum size.
        # Its contents are built the first time it shows: ~10 ms of every start-up for a dock that
        # starts hidden (issue 17).
        self._built = False
        self.hide()
        self.toggleViewAction().setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.offer_button = EntityOffer(self)
        self.offer_button.created.connect(self._created)
        if status_bar is not None:
            status_bar.addPermanentWidget(self.offer_button)

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - show(), View › Entities and a restored layout
        if visible:
            self._ensure_built()  # before the window's layout sizes the dock by its contents
        super().setVisible(visible)

    def showEvent(self, event) -> None:  # noqa: N802
        self._ensure_built()  # shown along with its window
        super().showEvent(event)

    def name_filter(self) -> QLineEdit:
        """The filter field over the registry (built with the dock if it was not yet)."""
        self._ensure_built()
        return self.filter_edit

    def _ensure_built(self) -> None:
        if self._built:
            return
        self._built = True
        self._build()
        if self._project is not None:
            self._fill_types()

    def _build(self) -> None:
        from PySide6.QtWidgets import QListWidget

        body = QSplitter(Qt.Vertical, self)
        top = QWidget(body)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        self.filter_edit = QLineEdit(top)
        self.filter_edit.setPlaceholderText("Filter by name or alias")
        self.filter_edit.setClearButtonEnabled(True)
        top_layout.addWidget(self.filter_edit)
        self.model = EntityTableModel(self)
        self.proxy = NameFilter(self)
        self.proxy.setSourceModel(self.model)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.table = QTableView(top)
        self.table.setObjectName("entityTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(EntityTableModel.NAME, Qt.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        # The type and the counts as wide as they need, the name the rest: the dock opens narrow.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(EntityTableModel.NAME, QHeaderView.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        top_layout.addWidget(self.table, 1)
        details = QWidget(body)
        form = QFormLayout(details)
        self.name_edit = QLineEdit(details)
        self.name_edit.editingFinished.connect(self._name_edited)
        form.addRow("Name:", self.name_edit)
        self.type_combo = data_combo(details)
        self.type_combo.activated.connect(self._type_chosen)
        form.addRow("Type:", self.type_combo)
        self.alias_list = QListWidget(details)
        self.alias_list.setObjectName("entityAliases")
        self.alias_list.setMaximumHeight(70)
        self.alias_edit = QLineEdit(details)
        self.alias_edit.setPlaceholderText("Another name, e.g. 월마트 or AWS")
        self.alias_edit.returnPressed.connect(self.add_alias)
        self.add_alias_button = QPushButton("Add", details)
        self.add_alias_button.clicked.connect(self.add_alias)
        self.remove_alias_button = QPushButton("Remove", details)
        self.remove_alias_button.clicked.connect(self.remove_alias)
        aliases = QGridLayout()
        aliases.addWidget(self.alias_list, 0, 0, 1, 3)
        aliases.addWidget(self.alias_edit, 1, 0)
        aliases.addWidget(self.add_alias_button, 1, 1)
        aliases.addWidget(self.remove_alias_button, 1, 2)
        form.addRow("Aliases:", aliases)
        self.external_edit = QLineEdit(details)
        self.external_edit.setPlaceholderText("e.g. a Wikidata QID such as Q483551")
        self.external_edit.editingFinished.connect(self._external_edited)
        form.addRow("External ID:", self.external_edit)
        self.memo_edit = QPlainTextEdit(details)
        self.memo_edit.setPlaceholderText("Memo (saved when you leave the field)")
        self.memo_edit.setMaximumHeight(60)
        self.memo_edit.installEventFilter(self)
        form.addRow("Memo:", self.memo_edit)
        self.mention_list = QListWidget(details)
        self.mention_list.setWordWrap(True)
        self.mention_list.setObjectName("entityMentions")
        self.mention_list.itemClicked.connect(self._mention_clicked)
        self.mention_list.itemActivated.connect(self._mention_clicked)
        form.addRow("Mentions:", self.mention_list)
        buttons = QGridLayout()
        self.tag_button = QPushButton("Tag other mentions…", details)
        self.tag_button.clicked.connect(self.tag_other_mentions)
        self.merge_button = QPushButton("Merge…", details)
        self.merge_button.clicked.connect(self.merge)
        self.split_button = QPushButton("Split mention…", details)
        self.split_button.setToolTip("Give the selected mention an entity of its own")
        self.split_button.clicked.connect(self.split_mention)
        self.delete_button = QPushButton("Delete…", details)
        self.delete_button.clicked.connect(self.delete)
        for i, button in enumerate((self.tag_button, self.merge_button, self.split_button, self.delete_button)):
            buttons.addWidget(button, i // 2, i % 2)
        form.addRow(buttons)
        body.addWidget(top)
        body.addWidget(details)
        self.setWidget(body)
        body.show()  # a child added to a dock already showing starts hidden
        self._show(None)

    # -- project ------------------------------------------------------------------

    def set_project(self, project: Project, ops: Operations, current_document: Callable[[], int | None]) -> None:
        self.detach()
        self._project, self._ops, self._current_document = project, ops, current_document
        self._unsubscribe = project.subscribe(self._on_change)
        self.offer_button.set_project(project, ops, current_document)
        self._fill_types()
        self.refresh()

    def attach(self, workbench: Workbench) -> None:
        """A project opened in the window: the registry shows its entities."""
        self.set_project(workbench.project, workbench.ops, lambda: self._document_id)
        super().attach(workbench)

    def detach(self) -> None:
        super().detach()
        self._refresh_timer.stop()
        self._commit_memo()
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._unsubscribe = None
        self._project = None
        self.offer_button.set_project(None, None)
        if self._built:
            self.model.reload(None)
            self._show(None)

    def _fill_types(self) -> None:
        if not self._built:
            return  # filled when the dock is built
        self.type_combo.clear()
        for label in self._project.codebook.in_layer("entity"):
            if not label.is_group:
                self.type_combo.addItem(label_icon(label.color, label.key or ""), label.name, label.id)

    def _on_change(self, change: Change) -> None:
        self.offer_button.on_change(change)
        if change.kind == ChangeKind.CODEBOOK_CHANGED:
            self._fill_types()
        if change.kind in (ChangeKind.ENTITIES_CHANGED, ChangeKind.CODEBOOK_CHANGED, ChangeKind.DOCUMENT_CHANGED) or \
                change.kind.touches_annotations:
            # Bulk edits send one event per annotation: refresh once, after the last.
            self._refresh_timer.start()

    def refresh(self) -> None:
        if self._project is None:
            return
        if not self.isVisible():
            self._dirty = True
            return
        self._dirty = False
        self._ensure_built()
        keep = self._entity.id if self._entity else None
        self._reloading = True  # the reset clears the table's selection; the entity shown stays
        try:
            self.model.reload(self._project)
        finally:
            self._reloading = False
        self.select(keep)

    # -- the selected entity ---------------------------------------------------------

    def current(self) -> Entity | None:
        return self._entity

    def select(self, entity_id: int | None) -> None:
        """Select an entity in the table (clearing the filter if it hides it) and show its details."""
        self._ensure_built()
        row = self._proxy_row(entity_id)
        if row < 0 and entity_id is not None and self.filter_edit.text():
            self.filter_edit.clear()
            row = self._proxy_row(entity_id)
        if row < 0:
            self.table.clearSelection()
            self._show(None)
            return
        index = self.proxy.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        self._show(entity_id)

    def _proxy_row(self, entity_id: int | None) -> int:
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data(ENTITY_ID_ROLE) == entity_id:
                return row
        return -1

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._reloading:
            self._show(current.data(ENTITY_ID_ROLE) if current.isValid() else None)

    def _show(self, entity_id: int | None, *, keep_typing: bool = True) -> None:
        old = self._entity
        if old is not None and old.id != entity_id:
            self._commit_memo()
        self._entity = None
        if entity_id is not None and self._project is not None:
            try:
                self._entity = self._project.entities.get(entity_id)
            except KeyError:
                pass
        entity = self._entity
        # A refresh while the analyst is typing in a field must not take the typing away.
        typing = None
        if keep_typing and entity is not None and old is not None and entity.id == old.id:
            focus = QApplication.focusWidget()
            for field, text, shown in ((self.name_edit, self.name_edit.text(), old.name),
                                       (self.external_edit, self.external_edit.text(), old.external_id),
                                       (self.memo_edit, self.memo_edit.toPlainText(), old.memo)):
                if focus is field and text != shown:
                    typing = field
        for widget in (self.name_edit, self.type_combo, self.alias_list, self.alias_edit, self.add_alias_button,
                       self.remove_alias_button, self.external_edit, self.memo_edit, self.mention_list,
                       self.tag_button, self.merge_button, self.split_button, self.delete_button):
            widget.setEnabled(entity is not None)
        self.alias_list.clear()
        self.mention_list.clear()
        if entity is None:
            self.name_edit.clear()
            self.external_edit.clear()
            self.memo_edit.clear()
            return
        if typing is not self.name_edit:
            self.name_edit.setText(entity.name)
        self.type_combo.setCurrentIndex(self.type_combo.findData(entity.label_id))
        self.alias_list.addItems(list(entity.aliases))
        if typing is not self.external_edit:
            self.external_edit.setText(entity.external_id)
        if typing is not self.memo_edit and self.memo_edit.toPlainText() != entity.memo:
            self.memo_edit.setPlainText(entity.memo)
        from PySide6.QtWidgets import QListWidgetItem

        for mention in self._project.entities.mentions(entity.id):
            # Title on its own line, then the context: a long title no longer hides the mention.
            item = QListWidgetItem(f"{mention.document_title}\n    {mention.context}")
            item.setToolTip(plain_tip(f"{mention.text} — {mention.document_title}, characters {mention.start}–{mention.end}"))
            item.setData(Qt.UserRole, (mention.document_id, mention.annotation_id, mention.text))
            self.mention_list.addItem(item)

    # -- edits ---------------------------------------------------------------------------

    def _edit(self, text: str, action: Callable, *args, document_id: int | None = None, **kwargs):
        """Run an edit as one undo step; a refusal is shown and leaves everything as it was."""
        if self._busy or self._ops is None:
            return None
        self._busy = True
        try:
            result = self._ops.run(text, action, *args, document_id=document_id, **kwargs)
            self._refresh_timer.stop()  # show the outcome at once, not after the queued refresh
            self.refresh()
            return result
        except (ProjectError, AnnotationError) as exc:
            QMessageBox.warning(self, "Entities", as_text(str(exc)))
            self._show(self._entity.id if self._entity else None, keep_typing=False)
            return None
        finally:
            self._busy = False

    def _name_edited(self) -> None:
        if self._entity is not None and self.name_edit.text().strip() != self._entity.name:
            self._edit("Rename entity", self._project.entities.rename, self._entity.id, self.name_edit.text())

    def _type_chosen(self, index: int) -> None:
        label_id = self.type_combo.itemData(index)
        if self._entity is not None and label_id != self._entity.label_id:
            self._edit("Change entity type", self._project.entities.set_type, self._entity.id, label_id)

    def _external_edited(self) -> None:
        if self._entity is not None and self.external_edit.text().strip() != self._entity.external_id:
            self._edit("Edit external ID", self._project.entities.set_external_id, self._entity.id,
                       self.external_edit.text())

    def _commit_memo(self) -> None:
        if self._entity is not None and self._project is not None and self.memo_edit.toPlainText() != self._entity.memo:
            self._edit("Edit entity memo", self._project.entities.set_memo, self._entity.id,
                       self.memo_edit.toPlainText())

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if self._built and obj is self.memo_edit and event.type() == QEvent.FocusOut:
            self._commit_memo()
        return super().eventFilter(obj, event)

    def add_alias(self) -> None:
        alias = self.alias_edit.text()
        if self._entity is not None and alias.strip():
            if self._edit("Add alias", self._project.entities.add_alias, self._entity.id, alias) is not None:
                self.alias_edit.clear()

    def remove_alias(self) -> None:
        item = self.alias_list.currentItem()
        if self._entity is not None and item is not None:
            self._edit("Remove alias", self._project.entities.remove_alias, self._entity.id, item.text())

    def _mention_clicked(self, item: QListWidgetItem) -> None:
        document_id, annotation_id, _text = item.data(Qt.UserRole)
        self.mentionActivated.emit(document_id, annotation_id)

    def tag_other_mentions(self) -> None:
        if self._entity is not None:
            from annotator.ui.entities.tag_mentions import TagMentionsDialog

            self.tag_dialog = TagMentionsDialog(self._project, self._ops, self._entity.id, self._current_document(),
                                                self.window())
            self.tag_dialog.finished.connect(self.tag_dialog.deleteLater)
            self.tag_dialog.open()

    def merge(self) -> None:
        if self._entity is None:
            return
        from annotator.ui.entities.dialogs import MergeDialog

        keep = self._entity
        self.merge_dialog = MergeDialog(self._project, keep, self.window())
        self.merge_dialog.accepted.connect(lambda: self._merge_into(keep, self.merge_dialog.chosen_id()))
        self.merge_dialog.open()

    def _merge_into(self, keep: Entity, drop_id: int | None) -> None:
        if drop_id is not None:
            drop = self._project.entities.get(drop_id)
            self._edit(f"Merge {drop.name} into {keep.name}", self._project.entities.merge, keep.id, drop_id)

    def split_mention(self) -> None:
        item = self.mention_list.currentItem()
        if self._entity is None or item is None:
            QMessageBox.information(self, "Split mention", "Select one of the entity's mentions first.")
            return
        from PySide6.QtWidgets import QInputDialog

        document_id, annotation_id, text = item.data(Qt.UserRole)
        self.split_dialog = QInputDialog(self.window())
        self.split_dialog.setWindowTitle("Split mention")
        fit_title(self.split_dialog)
        self.split_dialog.setLabelText(as_text(f"This mention of {self._entity.name} becomes an entity of its own, named:"))
        self.split_dialog.setTextValue(text)
        self.split_dialog.textValueSelected.connect(
            lambda name: self._edit("Split mention", self._project.entities.split_mention, annotation_id, name,
                                    document_id=document_id))
        self.split_dialog.open()

    def delete(self) -> None:
        if self._entity is None:
            return
        entity = self._entity
        usage = self._project.entities.usage(entity.id)
        if not usage.mentions and not usage.in_roles:
            self._edit(f"Delete entity {entity.name}", self._project.entities.delete, entity.id)
            return
        from annotator.ui.entities.dialogs import DeleteEntityDialog

        self.delete_dialog = DeleteEntityDialog(self._project, entity, self.window())
        self.delete_dialog.accepted.connect(lambda: self._edit(
            f"Delete entity {entity.name}", self._project.entities.delete, entity.id,
            reassign_to=self.delete_dialog.chosen_id()))
        self.delete_dialog.open()

    # -- the offer to create an entity for a fresh tag ---------------------------------------

    def offer_entity(self, annotation: Annotation) -> None:
        """After a tag: say which entity it linked to, or offer (in the status bar) to create one."""
        self.offer_button.offer(annotation)

    def annotation_selected(self, annotation: Annotation | None) -> None:
        self.offer_button.follow(annotation)  # an offer for another tag is stale

    def document_shown(self, document_id: int | None) -> None:
        self._document_id = document_id
        self.offer_button.document_shown(document_id)

    def _created(self, entity_id: int) -> None:
        if self.isVisible():
            self._refresh_timer.stop()
            self.refresh()
            self.select(entity_id)
