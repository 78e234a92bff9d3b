"""The Document info panel: the open document's metadata (outlet, author, date, url, any field).

Fields and values are edited in place (double-click or F2); Add field and
Remove field change the list. Every change is one undoable step. Below the
fields, where the text came from, read-only: its source, encoding and import time.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QPalette, QTextLayout, QTextOption
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
)

from annotator.core.common.errors import ProjectError
from annotator.core.project import Project
from annotator.core.store.database import Change, ChangeKind
from annotator.ui.actions.operations import Operations
from annotator.ui.common.models import RecordTableModel
from annotator.ui.common.plain_text import as_text, plain_label, plain_tip


class MetadataModel(RecordTableModel):
    """One row per metadata field of one document; editing asks the panel to make it an undoable edit."""

    FIELD, VALUE = range(2)
    HEADERS = ("Field", "Value")
    valueEdited = Signal(str, str)  # field, new value ("" removes the field)
    fieldRenamed = Signal(str, str)  # old name, new name

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[tuple[str, str]] = []

    def set_fields(self, fields: dict[str, str]) -> None:
        self.beginResetModel()
        self._rows = list(fields.items())
        self.endResetModel()

    def field(self, row: int) -> str:
        return self._rows[row][0]

    def row_of(self, key: str) -> int:
        return next((i for i, (k, _) in enumerate(self._rows) if k == key), -1)

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        value = self._rows[index.row()][index.column()]
        if role == Qt.DisplayRole:
            return " ".join(value.split()) if index.column() == self.VALUE else value
        if role == Qt.EditRole:
            return value
        if role == Qt.ToolTipRole and index.column() == self.VALUE:
            return plain_tip(value)
        if role == Qt.TextAlignmentRole and index.column() == self.FIELD:
            return int(Qt.AlignLeft | Qt.AlignTop)  # beside the first line of a value that wraps
        return None

    def flags(self, index: QModelIndex):
        return super().flags(index) | Qt.ItemIsEditable if index.isValid() else super().flags(index)

    def setData(self, index: QModelIndex, value, role=Qt.EditRole) -> bool:  # noqa: N802
        if role != Qt.EditRole or not index.isValid():
            return False
        key, old = self._rows[index.row()]
        new = str(value)
        if index.column() == self.VALUE and new.strip() != old:
            self.valueEdited.emit(key, new)
        elif index.column() == self.FIELD and " ".join(new.split()) != key:
            self.fieldRenamed.emit(key, new)
        return False  # the row changes when the edit comes back as a change event


def wrapped_layout(text: str, font, width: float) -> QTextLayout:
    """Text laid out in lines of at most width: between words where it can, anywhere in a url that has no
    spaces (Qt's own item wrapping breaks only between words and elides the rest)."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    y = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(max(width, 1.0))
        line.setPosition(QPointF(0, y))
        y += line.height()
    layout.endLayout()
    return layout


class _WrappingDelegate(QStyledItemDelegate):
    """Shows a value on as many lines as it needs, so nothing of it is cut off."""

    PAD = 3

    def _text_rect(self, opt: QStyleOptionViewItem):
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        return style.subElementRect(QStyle.SE_ItemViewItemText, opt, opt.widget).adjusted(self.PAD, 0, -self.PAD, 0)

    def paint(self, painter, option, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        rect = self._text_rect(opt)
        text, opt.text = opt.text, ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.CE_ItemViewItem, opt, painter, opt.widget)
        painter.save()
        selected = bool(opt.state & QStyle.State_Selected)
        painter.setPen(opt.palette.color(QPalette.HighlightedText if selected else QPalette.Text))
        painter.setClipRect(rect)
        wrapped_layout(text, opt.font, rect.width()).draw(painter, QPointF(rect.topLeft()))
        painter.restore()

    def sizeHint(self, option, index):  # noqa: N802
        size = super().sizeHint(option, index)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        width = self._text_rect(opt).width()  # the view passes the column's width in option.rect
        if width > 0:
            height = wrapped_layout(opt.text, opt.font, width).boundingRect().height()
            size.setHeight(int(height + 0.999) + 2 * self.PAD)
        return size


class _FactLabel(QLabel):
    """A read-only fact (a file path can be long): shortened in the middle to the label's width, whole in
    its tooltip and in its Copy action, so it is never cut off and never widens the panel."""

    def __init__(self, parent=None):
        super().__init__("", parent)
        self._full = ""
        plain_label(self)
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.setMinimumWidth(40)
        copy = QAction("Copy", self)
        copy.triggered.connect(lambda: QApplication.clipboard().setText(self._full))
        self.addAction(copy)
        self.setContextMenuPolicy(Qt.ActionsContextMenu)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(plain_tip(text) if text not in ("", "—") else "")
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self._full, Qt.ElideMiddle, width) if width > 0 else self._full
        if shown != self.text():
            self.setText(shown)


class DocumentInfoPanel(QGroupBox):
    """Metadata of the open document, editable, plus its source, encoding and import time."""

    def __init__(self, project: Project, ops: Operations, parent=None):
        super().__init__("Document info", parent)
        self.setObjectName("documentInfo")
        self._project, self._ops = project, ops
        self._doc_id: int | None = None
        layout = QVBoxLayout(self)
        self.model = MetadataModel(self)
        # Queued: the edit reloads the rows, which must not happen inside the delegate's setData.
        self.model.valueEdited.connect(self._set_value, Qt.QueuedConnection)
        self.model.fieldRenamed.connect(self._rename, Qt.QueuedConnection)
        self.fields = QTableView(self)
        self.fields.setObjectName("metadataTable")
        self.fields.setModel(self.model)
        self.fields.verticalHeader().hide()
        self.fields.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.fields.setSelectionMode(QAbstractItemView.SingleSelection)
        self.fields.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed)
        self.fields.horizontalHeader().setSectionResizeMode(MetadataModel.FIELD, QHeaderView.ResizeToContents)
        self.fields.horizontalHeader().setStretchLastSection(True)
        # Every value in full: rows as tall as their wrapped text, the table as tall as its rows (the
        # Document tab scrolls as a whole), so no row hides below the table's edge.
        self.fields.setItemDelegateForColumn(MetadataModel.VALUE, _WrappingDelegate(self.fields))
        self.fields.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.fields.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        # After the header has stretched the value column to the table's new width, once per burst.
        self._fit_timer = QTimer(self, singleShot=True, interval=0)
        self._fit_timer.timeout.connect(self._fit_rows)
        self.fields.horizontalHeader().sectionResized.connect(lambda *_: self._fit_timer.start())
        self.model.modelReset.connect(self._fit_timer.start)
        self.model.dataChanged.connect(self._fit_timer.start)
        copy = QAction("Copy value", self.fields)
        copy.setShortcut(QKeySequence.Copy)
        copy.setShortcutContext(Qt.WidgetShortcut)
        copy.triggered.connect(self._copy_value)
        self.fields.addAction(copy)
        self.fields.setContextMenuPolicy(Qt.ActionsContextMenu)
        self.fields.installEventFilter(self)
        layout.addWidget(self.fields)
        row = QHBoxLayout()
        self.new_key = QLineEdit(self)
        self.new_key.setObjectName("newFieldName")
        self.new_key.setPlaceholderText("New field")
        self.new_value = QLineEdit(self)
        self.new_value.setObjectName("newFieldValue")
        self.new_value.setPlaceholderText("Value")
        self.add_button = QPushButton("Add field", self)
        self.add_button.clicked.connect(self._add)
        self.new_value.returnPressed.connect(self._add)
        self.new_key.returnPressed.connect(self.new_value.setFocus)
        self.remove_button = QPushButton("Remove field", self)
        self.remove_button.clicked.connect(self._remove)
        # Remove acts on the list, so it sits under it; the add row then has room for its hints.
        under = QHBoxLayout()
        under.addStretch(1)
        under.addWidget(self.remove_button)
        layout.addLayout(under)
        row.addWidget(self.new_key, 2)
        row.addWidget(self.new_value, 3)
        row.addWidget(self.add_button)
        layout.addLayout(row)
        facts = QFormLayout()
        self.source, self.encoding, self.imported = (self._fact() for _ in range(3))
        facts.addRow("Source:", self.source)
        facts.addRow("Encoding:", self.encoding)
        facts.addRow("Imported:", self.imported)
        layout.addLayout(facts)
        self._completer_keys: list[str] = []
        self._unsubscribe = project.subscribe(self._on_change)
        self.set_document(None)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        # F2 is the window's "edit document title"; in this table it edits the field, as in any table.
        if obj is self.fields and event.type() == QEvent.ShortcutOverride and event.key() == Qt.Key_F2:
            event.accept()
            return True
        if obj is self.fields and event.type() == QEvent.Resize:
            self._fit_timer.start()
        return super().eventFilter(obj, event)

    def _fact(self) -> _FactLabel:
        return _FactLabel(self)

    def _fit_rows(self) -> None:
        view = self.fields
        view.resizeRowsToContents()
        rows = sum(view.rowHeight(row) for row in range(self.model.rowCount()))
        empty = 2 * view.verticalHeader().defaultSectionSize()  # an empty list still looks like a list
        view.setFixedHeight(view.horizontalHeader().height() + max(rows, empty) + 2 * view.frameWidth())

    def _copy_value(self) -> None:
        index = self.fields.currentIndex()
        if index.isValid():
            QApplication.clipboard().setText(self.model.index(index.row(), MetadataModel.VALUE).data(Qt.EditRole))

    def detach(self) -> None:
        self._doc_id = None
        self._unsubscribe()

    def set_document(self, doc_id: int | None) -> None:
        self._doc_id = doc_id
        self.setEnabled(doc_id is not None)
        self._refresh()

    def _refresh(self) -> None:
        if self._doc_id is None:
            self.model.set_fields({})
            for label in (self.source, self.encoding, self.imported):
                label.set_full_text("")
            return
        try:
            doc = self._project.documents.get(self._doc_id, with_text=False)
        except KeyError:
            return
        self.model.set_fields(self._project.metadata.get(self._doc_id))
        self.source.set_full_text(doc.source or "—")
        self.encoding.set_full_text(doc.encoding or "—")
        self.imported.set_full_text(doc.imported_at.replace("T", " "))
        keys = self._project.metadata.keys()
        if keys != self._completer_keys:  # offer the fields other documents use
            self._completer_keys = keys
            completer = QCompleter(keys, self.new_key)
            completer.setCaseSensitivity(Qt.CaseInsensitive)
            self.new_key.setCompleter(completer)

    def _on_change(self, change: Change) -> None:
        if self._doc_id is not None and change.kind == ChangeKind.DOCUMENT_CHANGED and change.document_id == self._doc_id:
            self._refresh()

    # -- edits -------------------------------------------------------------------

    def _edit(self, text: str, values: dict[str, str | None]) -> bool:
        try:
            self._ops.run(text, self._project.metadata.set_many, self._doc_id, values, document_id=self._doc_id)
        except ProjectError as exc:
            QMessageBox.warning(self, "Cannot change the document info", as_text(str(exc)))
            return False
        return True

    def _set_value(self, key: str, value: str) -> None:
        if self._doc_id is not None:
            self._edit(f"Edit {key}" if value.strip() else f"Remove {key}", {key: value})

    def _rename(self, old: str, new: str) -> None:
        if self._doc_id is None:
            return
        fields = self._project.metadata.get(self._doc_id)
        name = " ".join(new.split())
        if name in fields:
            QMessageBox.warning(self, "Cannot rename the field",
                                as_text(f"This document already has a field ‘{name}’. Edit that field's value instead, "
                                        "or choose another name."))
            return
        self._edit(f"Rename {old} to {name}", {old: None, name: fields.get(old)})

    def _add(self) -> None:
        key, value = " ".join(self.new_key.text().split()), self.new_value.text()
        if self._doc_id is None:
            return
        if not key or not value.strip():
            QMessageBox.warning(self, "Add field", "Type a field name (for example outlet) and its value, then Add.")
            (self.new_value if key else self.new_key).setFocus()
            return
        if self._edit(f"Add {key}", {key: value}):
            self.new_key.clear()
            self.new_value.clear()
            self.new_key.setFocus()
            row = self.model.row_of(key)
            if row >= 0:
                self.fields.selectRow(row)

    def _remove(self) -> None:
        index = self.fields.currentIndex()
        if self._doc_id is None or not index.isValid():
            QMessageBox.warning(self, "Remove field", "Select the field to remove in the list first.")
            return
        key = self.model.field(index.row())
        self._edit(f"Remove {key}", {key: None})
