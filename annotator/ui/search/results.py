"""The search results tree: documents, each with its keyword-in-context lines, and a "Show more" row.

A document lists its first few hits; when it has more, an "N more in this document" row
under them lists the rest, so every hit a caption counts can be reached.

The delegate draws a hit as context, the match in bold, context, and shortens the
context on each side (never the match) to fit the column: in a narrow side panel
the words the analyst searched for stay in view.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from annotator.core.search.fulltext import DocumentHits, Hit, SearchPage
from annotator.ui.common.plain_text import clip, plain_tip

KIND_ROLE = Qt.UserRole + 10  # "document", "hit", "more" (documents) or "rest" (the rest of a document's hits)
DOCUMENT_ROLE = Qt.UserRole + 11  # the document id
SPAN_ROLE = Qt.UserRole + 12  # a hit's (start, end) in code points
HIT_ROLE = Qt.UserRole + 13  # the Hit, for the delegate


def hit_line(hit: Hit) -> str:
    """A hit as one line of plain text, line breaks inside the match shown as spaces."""
    return f"{hit.before}{' '.join(hit.match.split())}{hit.after}"


def document_caption(doc: DocumentHits) -> str:
    if doc.hit_count == 0:
        return f"{doc.title} — match in title"
    return f"{doc.title} — {doc.hit_count:,} hit{'s' if doc.hit_count != 1 else ''}"


class SearchResultsModel(QAbstractItemModel):
    """Top-level rows are documents (then "Show more" while more match); a document's children are its hits."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.documents: list[DocumentHits] = []
        self.has_more = False
        self.page_size = 50

    def show_all_hits(self, row: int, doc: DocumentHits) -> None:
        """Replace a document's first hits by all of them (its "more in this document" row goes)."""
        parent = self.index(row, 0)
        old = self.documents[row]
        shown = len(old.hits)
        if self._rest(old):
            self.beginRemoveRows(parent, shown, shown)
            self.documents[row] = DocumentHits(old.document_id, old.title, shown, old.hits)
            self.endRemoveRows()
        if len(doc.hits) > shown:
            self.beginInsertRows(parent, shown, len(doc.hits) - 1)
            self.documents[row] = doc
            self.endInsertRows()
        self.documents[row] = doc
        self.dataChanged.emit(parent, parent)

    @staticmethod
    def _rest(doc: DocumentHits) -> int:
        return max(doc.hit_count - len(doc.hits), 0)

    def show_page(self, page: SearchPage, *, append: bool) -> None:
        self.beginResetModel()
        self.documents = [*self.documents, *page.documents] if append else list(page.documents)
        # A lower-bound total says only that a full page may not be the last one.
        full = len(page.documents) >= self.page_size
        self.has_more = len(self.documents) < page.total_documents or (full and not page.total_is_exact)
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self.documents, self.has_more = [], False
        self.endResetModel()

    # -- the tree ----------------------------------------------------------------------
    # A hit's internal id is its document's row + 1; top-level rows have 0.

    def index(self, row: int, column: int, parent=QModelIndex()) -> QModelIndex:
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, 0, 0) if row < self._top_rows() else QModelIndex()
        if parent.internalId() == 0 and parent.row() < len(self.documents):
            if row < self.rowCount(parent):
                return self.createIndex(row, 0, parent.row() + 1)
        return QModelIndex()

    def parent(self, index=QModelIndex()) -> QModelIndex:  # noqa: D102
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        if not parent.isValid():
            return self._top_rows()
        if parent.internalId() == 0 and parent.row() < len(self.documents):
            doc = self.documents[parent.row()]
            return len(doc.hits) + (1 if self._rest(doc) else 0)
        return 0

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 1

    def _top_rows(self) -> int:
        return len(self.documents) + (1 if self.has_more else 0)

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid():
            return None
        kind = self._kind(index)
        if role == KIND_ROLE:
            return kind
        if kind == "more":
            if role == Qt.DisplayRole:
                return f"Show {self.page_size} more documents…"
            if role == Qt.ToolTipRole:
                return "Enter or double-click to list more matching documents"
            return None
        doc = self.documents[index.row() if kind == "document" else index.internalId() - 1]
        if role == DOCUMENT_ROLE:
            return doc.document_id
        if kind == "document":
            if role == Qt.DisplayRole:
                return document_caption(doc)
            if role == Qt.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == SPAN_ROLE:
                return (doc.hits[0].start, doc.hits[0].end) if doc.hits else None
            if role == Qt.ToolTipRole:
                return plain_tip(f"{clip(doc.title, 300)}\nEnter: open it at its first hit")
            return None
        if kind == "rest":
            if role == Qt.DisplayRole:
                return f"{self._rest(doc):,} more in this document…"
            if role == Qt.ToolTipRole:
                return "Enter or double-click to list every hit in this document"
            if role == Qt.FontRole:
                font = QFont()
                font.setItalic(True)
                return font
            return None
        hit = doc.hits[index.row()]
        if role == Qt.DisplayRole:
            return hit_line(hit)
        if role == HIT_ROLE:
            return hit
        if role == SPAN_ROLE:
            return (hit.start, hit.end)
        if role == Qt.ToolTipRole:
            return plain_tip(hit_line(hit))
        return None

    def _kind(self, index: QModelIndex) -> str:
        if index.internalId() != 0:
            return "hit" if index.row() < len(self.documents[index.internalId() - 1].hits) else "rest"
        return "document" if index.row() < len(self.documents) else "more"

    def flags(self, index: QModelIndex) -> Qt.ItemFlags:
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable if index.isValid() else Qt.NoItemFlags


class HitDelegate(QStyledItemDelegate):
    """Draws a hit as before + bold match + after, eliding the context, not the match."""

    def paint(self, painter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        hit = index.data(HIT_ROLE)
        if hit is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.CE_ItemViewItem, opt, painter, widget)
        rect = style.subElementRect(QStyle.SE_ItemViewItemText, opt, widget).adjusted(2, 0, -2, 0)
        bold = QFont(opt.font)
        bold.setBold(True)
        plain_metrics, bold_metrics = QFontMetrics(opt.font), QFontMetrics(bold)
        match = " ".join(hit.match.split())
        match_width = min(bold_metrics.horizontalAdvance(match), rect.width())
        room = max(0, rect.width() - match_width)
        after_room = room // 2
        before = plain_metrics.elidedText(hit.before, Qt.ElideLeft, room - after_room)
        # The before side may leave room unused: give it to the after side.
        after = plain_metrics.elidedText(hit.after, Qt.ElideRight, room - plain_metrics.horizontalAdvance(before))
        selected = bool(opt.state & QStyle.State_Selected)
        painter.save()
        painter.setPen(opt.palette.color(QPalette.HighlightedText if selected else QPalette.Text))
        x, flags = rect.x(), int(Qt.AlignVCenter | Qt.AlignLeft | Qt.TextSingleLine)
        for text, font, metrics in ((before, opt.font, plain_metrics), (match, bold, bold_metrics),
                                    (after, opt.font, plain_metrics)):
            if text and x < rect.right():
                painter.setFont(font)
                width = min(metrics.horizontalAdvance(text), rect.right() - x)
                shown = metrics.elidedText(text, Qt.ElideRight, width) if width < metrics.horizontalAdvance(text) else text
                painter.drawText(x, rect.y(), width, rect.height(), flags, shown)
                x += width
        painter.restore()
