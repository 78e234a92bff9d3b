"""View › Annotation table: every annotation, filtered and sorted, a double-click away from its span.

A window of its own, not a tab, so it can sit on a second screen or beside the reader
while the analyst reads. The model keeps a few pages of rows; the rest stays in the file.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from datetime import datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.coding import annotation_choices as choices
from annotator.core.coding import annotation_query as query
from annotator.core.coding.annotation_query import AnnotationFilter, AnnotationRow
from annotator.core.common.errors import ProjectError
from annotator.core.common.model import LAYER_NAMES, LAYERS
from annotator.core.project import Project
from annotator.core.store.database import Change, ChangeKind
from annotator.ui.common.colors import label_icon
from annotator.ui.common.combos import data_combo
from annotator.ui.common.completion import complete_targets
from annotator.ui.common.models import kept_page
from annotator.ui.common.plain_text import as_text, clip, escape, plain_tip, rich_tip
from annotator.ui.common.workbench import Feature, Workbench

PAGE_SIZE = 200
_DISPLAY, _DECORATION, _TOOLTIP = int(Qt.DisplayRole), int(Qt.DecorationRole), int(Qt.ToolTipRole)
_ROLES = frozenset((_DISPLAY, _DECORATION, _TOOLTIP))
KEPT_PAGES = 4  # the page on screen, its neighbours, and one to spare when scrolling back


@functools.lru_cache(maxsize=4096)
def _when(stamp: str) -> str:
    """An ISO time in the analyst's own time zone, to the minute.

    Kept per stamp, and spelled out rather than strftime'd: strftime imports a module on
    every call, which PySide's import hook makes cost more than the rest of a row's paint.
    """
    try:
        t = datetime.fromisoformat(stamp).astimezone()
    except (TypeError, ValueError):
        return stamp or ""
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}"


class AnnotationTableModel(QAbstractTableModel):
    """Rows of query.page(), read a page at a time when the view first asks for one of them."""

    COLUMNS = ("Document", "Label", "Text", "Target/Source", "Attributes", "Annotator", "Created", "Updated")
    DOCUMENT, LABEL, TEXT, ROLE, ATTRIBUTES, ANNOTATOR, CREATED, UPDATED = range(8)
    # The order each column sorts by; a list of attributes has no natural order.
    SORT_KEYS = ("document", "label", "text", "target", None, "annotator", "created_at", "updated_at")
    filterDropped = Signal(str)  # the filter named something since deleted: why it was cleared

    def __init__(self, project: Project, parent=None):
        super().__init__(parent)
        self._project = project
        self.filter = AnnotationFilter()
        self.sort_column, self.sort_order = self.DOCUMENT, Qt.AscendingOrder
        self._pages: OrderedDict[int, list[AnnotationRow]] = OrderedDict()
        self.page_fetches = 0  # pages read from the file, for tests and the bench
        self._count = query.count(project, self.filter)
        self._live, self._stale = True, False
        # Edits come in bursts (undoing a bulk edit, an import): one refresh for the lot.
        self._refresh_timer = QTimer(self, singleShot=True, interval=0)
        self._refresh_timer.timeout.connect(self.refresh)
        self._unsubscribe = project.subscribe(lambda _change: self._refresh_timer.start())

    def detach(self) -> None:
        self._refresh_timer.stop()
        self._unsubscribe()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        return self.COLUMNS[section] if orientation == Qt.Horizontal and role == Qt.DisplayRole else None

    def row(self, row: int) -> AnnotationRow | None:
        """The annotation on a row, reading its page from the file unless it is kept."""
        if not 0 <= row < self._count:
            return None
        number, offset = divmod(row, PAGE_SIZE)
        try:
            rows, fetched = kept_page(self._pages, number, KEPT_PAGES, lambda: query.page(
                self._project, self.filter, sort=self.SORT_KEYS[self.sort_column],
                descending=self.sort_order == Qt.DescendingOrder, offset=number * PAGE_SIZE, limit=PAGE_SIZE))
        except ProjectError:  # the filter's entity or label went away: the refresh says so
            self._refresh_timer.start()
            return None
        self.page_fetches += fetched
        return rows[offset] if offset < len(rows) else None

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        # A paint asks every visible cell for about ten roles: answer the unused ones first and
        # compare plain ints, which costs a fraction of comparing Qt enum members.
        role = int(role)
        if role not in _ROLES or not index.isValid():
            return None
        r, column = self.row(index.row()), index.column()
        if r is None:
            return None
        if role == _DISPLAY:
            return self._display(r, column)
        if role == _DECORATION:
            return label_icon(r.label_color, "", 14) if column == self.LABEL else None
        if column == self.TEXT:
            where = f"characters {r.start}–{r.end}" if r.start is not None else "the whole document"
            note = f"\n\nNote: {clip(r.note, 200, 4)}" if r.note else ""
            return rich_tip(escape(f"{clip(r.text, 400, 8)}\n\n{clip(r.document_title, 150)}, {where}{note}"))
        return plain_tip(self._display(r, column)) or None

    def _display(self, r: AnnotationRow, column: int) -> str:
        if column == self.DOCUMENT:
            return r.document_title
        if column == self.LABEL:
            return r.label_name
        if column == self.TEXT:
            line = " ".join(r.text.split())
            return (line if len(line) <= 140 else line[:139] + "…") if r.start is not None else "(whole document)"
        if column == self.ROLE:
            return f"{r.role_text} (held by {r.holder})" if r.holder else r.role_text
        if column == self.ATTRIBUTES:
            return "; ".join(f"{name}: {value}" for name, value in r.attributes.items())
        if column == self.ANNOTATOR:
            return r.annotator
        return _when(r.created_at if column == self.CREATED else r.updated_at)

    def set_filter(self, flt: AnnotationFilter) -> None:
        """Show what a filter lets through; a filter the core refuses raises and changes nothing."""
        count = query.count(self._project, flt)
        self.beginResetModel()
        self.filter, self._count = flt, count
        self._pages.clear()
        self.endResetModel()

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        if self.SORT_KEYS[column] is None or (column, order) == (self.sort_column, self.sort_order):
            return
        self.beginResetModel()
        self.sort_column, self.sort_order = column, order
        self._pages.clear()
        self.endResetModel()

    def set_live(self, live: bool) -> None:
        """A hidden table does not re-read the file on every edit; it catches up when shown."""
        self._live = live
        if live and self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Re-read after the project changed, keeping the view where it was."""
        self._stale = not self._live
        if self._stale:
            return
        try:
            count = query.count(self._project, self.filter)
        except ProjectError as exc:
            self.set_filter(AnnotationFilter())
            self.filterDropped.emit(str(exc))
            return
        self._pages.clear()
        # Growing or shrinking at the end, not a reset, keeps the scroll position and the current row.
        if count > self._count:
            self.beginInsertRows(QModelIndex(), self._count, count - 1)
            self._count = count
            self.endInsertRows()
        elif count < self._count:
            self.beginRemoveRows(QModelIndex(), count, self._count - 1)
            self._count = count
            self.endRemoveRows()
        if count:
            self.dataChanged.emit(self.index(0, 0), self.index(count - 1, len(self.COLUMNS) - 1))


class AnnotationTableWindow(QWidget, Feature):
    """The filter bar, the table and a row count; double-click or Enter on a row opens it."""

    openAnnotation = Signal(int, int)  # document id, annotation id

    def __init__(self, project: Project, parent=None):
        super().__init__(parent, Qt.Window)
        self.setObjectName("annotationTableWindow")
        self.setWindowTitle(f"Annotations — {project.name}")
        self.project = project
        self.model = AnnotationTableModel(project, self)
        self.model.filterDropped.connect(self._filter_dropped)
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_filter_bar())
        self.view = view = QTableView(self)
        view.setObjectName("annotationTable")
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectRows)
        view.setSelectionMode(QAbstractItemView.SingleSelection)
        view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        view.setWordWrap(False)
        view.verticalHeader().hide()
        # Fixed heights and widths: sizing to contents would read every row of the project.
        view.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
        header = view.horizontalHeader()
        metrics = view.fontMetrics()
        for column, chars in enumerate((22, 16, 48, 20, 22, 10)):
            header.resizeSection(column, metrics.averageCharWidth() * chars + 16)
        for column in (AnnotationTableModel.CREATED, AnnotationTableModel.UPDATED):
            header.resizeSection(column, metrics.horizontalAdvance("2026-11-22 00:00") + 24)  # digits run wide
        header.setSectionResizeMode(AnnotationTableModel.TEXT, QHeaderView.Stretch)
        header.setSortIndicator(AnnotationTableModel.DOCUMENT, Qt.AscendingOrder)
        header.sortIndicatorChanged.connect(self._sorted)
        view.setSortingEnabled(True)
        view.activated.connect(self._activated)  # a double-click, or Enter on the current row
        layout.addWidget(view, 1)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("annotationCount")
        layout.addWidget(self.count_label)
        for signal in (self.model.modelReset, self.model.rowsInserted, self.model.rowsRemoved, self.model.dataChanged):
            signal.connect(self._show_count)
        self._unsubscribe = project.subscribe(self._on_change)
        self._show_count()
        self.resize(1180, 640)

    def _field(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.setClearButtonEnabled(True)
        return edit

    def _build_filter_bar(self) -> QHBoxLayout:
        self.layer_combo = QComboBox(self)
        self.layer_combo.setObjectName("layerFilter")
        for layer in (None, *LAYERS):
            self.layer_combo.addItem(LAYER_NAMES[layer] if layer else "All layers", layer)
        self.layer_combo.currentIndexChanged.connect(self._layer_changed)
        self.label_combo = data_combo(self)
        self.label_combo.setObjectName("labelFilter")
        self._fill_labels()
        self.label_combo.currentIndexChanged.connect(self.apply_filter)
        self.entity_edit = self._field("entityFilter", "Entity (name or alias)")
        complete_targets(self.entity_edit, lambda: [name for _id, name in choices.entity_choices(self.project)])
        self.entity_edit.editingFinished.connect(self.apply_filter)
        self.text_edit = self._field("textFilter", "Text, target, source, holder or note contains…")
        # Typing filters as it goes, once the analyst pauses.
        self._typing = QTimer(self, singleShot=True, interval=250)
        self._typing.timeout.connect(self.apply_filter)
        self.text_edit.textChanged.connect(lambda _text: self._typing.start())
        self.text_edit.returnPressed.connect(self.apply_filter)
        self.attribute_combo = data_combo(self)
        self.attribute_combo.setObjectName("attributeName")
        self.attribute_combo.setEditable(True)
        self.attribute_combo.lineEdit().setPlaceholderText("Attribute")
        self._fill_attributes()
        # Picking an attribute alone finds the annotations that have it filled in.
        self.attribute_combo.activated.connect(lambda _i: self.apply_filter())
        self.attribute_combo.lineEdit().returnPressed.connect(self.apply_filter)
        self.value_edit = self._field("attributeValue", "Value (empty: any)")
        complete_targets(self.value_edit, lambda: choices.attribute_values(self.project, self.attribute_combo.currentText()))
        self.value_edit.returnPressed.connect(self.apply_filter)
        clear = QPushButton("Clear filters", self)
        clear.setObjectName("clearFilters")
        clear.clicked.connect(self.clear_filters)
        bar = QHBoxLayout()
        for widget, stretch in ((self.layer_combo, 0), (self.label_combo, 0), (self.entity_edit, 1),
                                (self.text_edit, 2), (self.attribute_combo, 0), (self.value_edit, 1), (clear, 0)):
            bar.addWidget(widget, stretch)
        return bar

    # -- filters -------------------------------------------------------------------

    def current_filter(self) -> AnnotationFilter:
        """The filter the bar describes; raises ProjectError for input that names nothing."""
        entity_text = self.entity_edit.text().strip()
        entity_id = choices.entity_named(self.project, entity_text) if entity_text else None
        if entity_text and entity_id is None:
            raise ProjectError(f"No entity in the registry is called {entity_text!r}; "
                               "pick one from the suggestions or clear the field.")
        name, value = self.attribute_combo.currentText().strip(), self.value_edit.text().strip()
        if value and not name:
            raise ProjectError(f"Which attribute should be {value!r}? Choose the attribute's name first.")
        label_id = self.label_combo.currentData()
        return AnnotationFilter(
            layer=self.layer_combo.currentData(), label_ids=(label_id,) if label_id is not None else (),
            entity_id=entity_id, text_contains=self.text_edit.text(), attributes=((name, value),) if name else (),
            coder_ids=self._coder_ids(),
        )

    def _coder_ids(self) -> tuple[int, ...] | None:
        """The coders whose annotations the window's Coders control shows (blind coding hides the others')."""
        return self.workbench.coder_view.coder_ids() if self.workbench is not None else None

    def attach(self, workbench: Workbench) -> None:
        super().attach(workbench)
        workbench.coder_view.changed.connect(self.apply_filter)
        self.apply_filter()

    def apply_filter(self) -> None:
        self._typing.stop()
        try:
            flt = self.current_filter()
            if flt != self.model.filter:
                self.model.set_filter(flt)
                self.view.scrollToTop()
        except ProjectError as exc:
            QMessageBox.warning(self, "Cannot filter the annotations", as_text(str(exc)))

    def clear_filters(self) -> None:
        widgets = (self.layer_combo, self.label_combo, self.entity_edit, self.text_edit, self.value_edit)
        for widget in widgets:
            widget.blockSignals(True)
        self.layer_combo.setCurrentIndex(0)
        self.label_combo.setCurrentIndex(0)
        for edit in (self.entity_edit, self.text_edit, self.value_edit, self.attribute_combo.lineEdit()):
            edit.clear()
        self._fill_labels()  # every layer's labels again
        for widget in widgets:
            widget.blockSignals(False)
        self.apply_filter()

    def _layer_changed(self) -> None:
        self._fill_labels()  # the label list narrows to the chosen layer
        self.apply_filter()

    def _fill_labels(self) -> None:
        keep, layer = self.label_combo.currentData(), self.layer_combo.currentData()
        labels = self.project.codebook.labels()
        parents = {label.id: label.parent_id for label in labels}
        with QSignalBlocker(self.label_combo):
            self.label_combo.clear()
            self.label_combo.addItem("All labels", None)
            for label in labels:
                if layer in (None, label.layer):
                    depth, parent = 0, label.parent_id
                    while parent is not None and depth < 8:  # groups indent the labels under them
                        depth, parent = depth + 1, parents.get(parent)
                    text = "    " * depth + label.name + (" (group)" if label.is_group else "")
                    self.label_combo.addItem(label_icon(label.color, "", 14), text, label.id)
            self.label_combo.setCurrentIndex(max(self.label_combo.findData(keep), 0) if keep is not None else 0)

    def _fill_attributes(self) -> None:
        text = self.attribute_combo.currentText()
        with QSignalBlocker(self.attribute_combo):
            self.attribute_combo.clear()
            self.attribute_combo.addItems(["", *choices.attribute_names(self.project)])
            self.attribute_combo.setEditText(text)

    def _filter_dropped(self, reason: str) -> None:
        self.clear_filters()
        QMessageBox.warning(self, "Filter cleared", as_text(f"{reason}\nThe table shows every annotation again."))

    # -- the rest --------------------------------------------------------------------

    def _show_count(self) -> None:
        every = AnnotationFilter(coder_ids=self._coder_ids())  # every annotation the Coders control shows
        shown, total = self.model.rowCount(), query.count(self.project, every)
        noun = "annotation" if total == 1 else "annotations"
        everything = self.model.filter == every
        self.count_label.setText(f"{shown:,} {noun}" if everything else f"{shown:,} of {total:,} {noun}")

    def _sorted(self, column: int, _order) -> None:
        if AnnotationTableModel.SORT_KEYS[column] is None:
            # Put the arrow back on the column the rows are really sorted by (the model ignored this one).
            self.view.horizontalHeader().setSortIndicator(self.model.sort_column, self.model.sort_order)
        else:
            self.view.scrollToTop()

    def _activated(self, index: QModelIndex) -> None:
        row = self.model.row(index.row())
        if row is not None:
            self.openAnnotation.emit(row.document_id, row.id)

    def _on_change(self, change: Change) -> None:
        if change.kind == ChangeKind.CODEBOOK_CHANGED:
            self._fill_labels()
            self._fill_attributes()

    def setVisible(self, visible: bool) -> None:  # noqa: N802
        self.model.set_live(visible)
        super().setVisible(visible)

    def detach(self) -> None:
        self._typing.stop()  # a filter typed just before closing must not query the closed project
        self._unsubscribe()
        self.model.detach()
        super().detach()

    def reveal(self, doc_id: int, annotation_id: int) -> None:
        """The row's annotation in the main window, which comes to the front to show it."""
        if self.workbench is not None and self.workbench.reveal(doc_id, annotation_id=annotation_id):
            main = self.parentWidget()
            main.raise_()
            main.activateWindow()


ANNOTATION_TABLE = "annotation_table"  # its key among the window's tool windows


def open_annotation_table(workbench: Workbench) -> AnnotationTableWindow:
    """View › Annotation table (Ctrl+T): one table per open project, raised when asked for again."""

    def build() -> AnnotationTableWindow:
        table = AnnotationTableWindow(workbench.project, workbench)
        table.openAnnotation.connect(lambda doc_id, annotation_id: table.reveal(doc_id, annotation_id))
        return table

    table = workbench.tool_window(ANNOTATION_TABLE, build)
    table.show()
    table.raise_()
    table.activateWindow()
    return table
