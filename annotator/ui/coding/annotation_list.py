"""The current document's span annotations as a list model, in text order, read a page at a time."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt, Signal

from annotator.core.coding.doc_spans import ListedSpans, SpanRow, StoredSpans
from annotator.core.common.model import LAYER_NAMES, Annotation
from annotator.core.project import Project
from annotator.core.store.database import Change, ChangeKind
from annotator.ui.common.after_paint import at_once
from annotator.ui.common.coder_view import CoderView
from annotator.ui.common.colors import label_icon
from annotator.ui.common.models import ANNOTATION_ID_ROLE, kept_page
from annotator.ui.common.plain_text import clip, escape, rich_tip


class AnnotationListModel(QAbstractListModel):
    """The span annotations of one document, in text order, read a page at a time.

    A document may carry a million spans (issue 12, item 15): the model knows their
    count and keeps a few pages of light rows (SpanRow) around the rows shown, each
    row's whole record read when it is shown. A stored change inserts, moves,
    updates or removes its one row instead of reloading the list.
    """

    rowLeaving = Signal(int)  # row about to be removed: the panel lets go of it before Qt moves the current row
    PAGE_SIZE = 200
    KEPT_PAGES = 8  # the screenful, its neighbours, and some to scroll back to
    # The view asks for a dozen roles per row on every paint; only these have answers. Plain
    # ints: comparing an int with a Qt enum costs microseconds in PySide6, on every call.
    _DISPLAY, _DECORATION, _TOOLTIP, _ID = (int(r) for r in (Qt.DisplayRole, Qt.DecorationRole, Qt.ToolTipRole,
                                                              ANNOTATION_ID_ROLE))
    _ROLES = frozenset({_DISPLAY, _DECORATION, _TOOLTIP, _ID})

    def __init__(self, project: Project, parent=None, *, coders: CoderView | None = None):
        super().__init__(parent)
        self._project = project
        self._coders = coders  # whose codes are listed (None: everyone's)
        self._owners: dict[int, str] | None = None  # coder id -> name, when rows name their coder
        self._doc_id: int | None = None
        self._spans = None  # the document's StoredSpans, or ListedSpans over rows handed in
        self._count = 0
        self._pages: OrderedDict[int, list] = OrderedDict()  # page number -> SpanRows (or Annotations)
        self.page_fetches = 0  # pages read, for tests and the bench
        self._records: dict[int, Annotation] = {}  # whole records of the rows shown so far
        # (id, row) of the span the last change placed: the tag just made is selected next, and
        # its row is known without counting the spans before it again.
        self._placed: tuple[int, int] | None = None
        self._resets = 0  # times the rows were read afresh: a change held from before one is in them already
        self._labels: dict[int, tuple] = {}  # label id -> (label, its swatch), read once per codebook
        # The window holds the row of a tag until the tag's highlight is painted (MainWindow.after_tag).
        self.defer: Callable[[Callable[[], None]], None] = at_once
        self._unsubscribe = project.subscribe(self._on_change)

    def detach(self) -> None:
        self._unsubscribe()

    def set_document(self, doc_id: int | None, annotations: list | None = None) -> None:
        """Show a document's spans, read from the project as shown (or from `annotations`, when given)."""
        self.beginResetModel()
        self._resets += 1
        self._doc_id = doc_id
        self._placed = None
        self._records, self._labels, self._pages = {}, {}, OrderedDict()
        styles = self._coders.styles() if self._coders is not None else None
        self._owners = None if not styles else {c.id: c.name for c in self._project.coders.list(include_gold=True)}
        if doc_id is None:
            self._spans = None
        elif annotations is not None:
            self._spans = ListedSpans(annotations)
        else:
            self._spans = self._project.annotations.spans_of(
                doc_id, self._coders.coder_ids() if self._coders is not None else None)
        self._count = self._spans.count() if self._spans is not None else 0
        self.endResetModel()

    def _row(self, row: int):
        """The light row at `row`, reading its page unless it is kept."""
        number, offset = divmod(row, self.PAGE_SIZE)
        page, fetched = kept_page(self._pages, number, self.KEPT_PAGES,
                                  lambda: self._spans.page(number * self.PAGE_SIZE, self.PAGE_SIZE))
        self.page_fetches += fetched
        return page[offset] if offset < len(page) else None

    def kept_rows(self) -> int:
        """How many rows are held in memory now (the rest stay in the file)."""
        return sum(len(page) for page in self._pages.values())

    def annotations(self) -> list[Annotation]:
        return [self.annotation(row) for row in range(self._count)]

    def annotation(self, row: int) -> Annotation:
        a = self._row(row)
        if isinstance(a, Annotation):
            return a
        record = self._records.get(a.id)
        if record is None:
            if len(self._records) > 2048:  # a long scroll through the list: keep memory flat
                self._records.clear()
            # The view asks row by row; one query reads the screenful around the row instead.
            page = [b.id for b in (self._row(r) for r in range(max(0, row - 16), min(self._count, row + 48)))
                    if b is not None and not isinstance(b, Annotation) and b.id not in self._records]
            self._records.update((found.id, found) for found in self._project.annotations.get_many(page))
            record = self._records.get(a.id) or self._project.annotations.get(a.id)
        return record

    def _kept_row(self, annotation_id: int) -> int:
        for number, page in self._pages.items():
            for offset, a in enumerate(page):
                if a.id == annotation_id:
                    return number * self.PAGE_SIZE + offset
        return -1

    def row_of(self, annotation_id: int) -> int:
        if self._placed is not None and self._placed[0] == annotation_id:
            return self._placed[1]
        row = self._kept_row(annotation_id)
        if row >= 0 or self._spans is None:
            return row
        found = self._spans.find(annotation_id)
        return -1 if found is None else self._spans.rank(found)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._count

    def data(self, index: QModelIndex, role: int = 0):
        role = int(role)
        if role not in self._ROLES or not index.isValid():
            return None
        if role == self._ID:
            row = self._row(index.row())
            return None if row is None else row.id
        if self._row(index.row()) is None:  # gone since the count was read; the change that follows refreshes
            return None
        a = self.annotation(index.row())
        if a.label_id not in self._labels:
            label = self._project.codebook.label(a.label_id)
            self._labels[a.label_id] = (label, label_icon(label.color, label.key))
        label, icon = self._labels[a.label_id]
        if role == self._DISPLAY:
            snippet = " ".join(a.text.split())
            if len(snippet) > 70:
                snippet = snippet[:67] + "…"
            target = self._project.annotations.display_role(a, "target")
            suffix = f"  → {target}" if target else ""
            if self._owners is not None:  # every coder's codes are listed: say whose each is
                suffix += f"  · {self._owners.get(a.coder_id, '?')}"
            return f"{label.name}: {snippet}{suffix}"
        if role == self._DECORATION:
            return icon
        parts = [f"<b>{escape(clip(label.name, 100))}</b> ({LAYER_NAMES[label.layer]}), characters {a.start}–{a.end}"]
        for role in ("target", "holder", "source"):
            name = self._project.annotations.display_role(a, role)
            if name:
                parts.append(f"{role.capitalize()}: {escape(clip(name, 100))}")
        if a.note:
            parts.append(f"Note: {escape(clip(a.note, 300, 6))}")
        parts.append(escape(f"{a.annotator}, {a.updated_at}"))
        return rich_tip("<br/>".join(parts))

    def _on_change(self, change: Change) -> None:
        if change.kind == ChangeKind.CODEBOOK_CHANGED:
            self._labels = {}  # renamed or recoloured: read again when shown
        if change.document_id is None or change.document_id != self._doc_id or not change.kind.touches_annotations:
            return
        resets = self._resets
        self.defer(lambda: self._apply(change, resets))

    def _apply(self, change: Change, resets: int) -> None:
        if resets != self._resets:
            return  # read again (or another document shown) since the change was made: the rows hold it
        if change.annotation_id is None:
            self.set_document(self._doc_id)
        else:
            self._follow(change.annotation_id, change.kind == ChangeKind.ANNOTATION_ADDED)

    def _drop_pages_from(self, row: int) -> None:
        """Forget the kept pages from the one holding `row` on: the rows before it did not move."""
        first = max(row, 0) // self.PAGE_SIZE
        for number in [n for n in self._pages if n >= first]:
            del self._pages[number]

    def _insert_kept(self, row: int, stored: Annotation) -> None:
        """A new span at `row`: its page takes it in place and the later pages go, so the tag just made
        is listed and selected without reading its page again (~2 ms of a 10 ms tag on a 10,000-span
        document, where OFFSET walks the index up to the page)."""
        number, offset = divmod(row, self.PAGE_SIZE)
        page = self._pages.get(number)
        self._drop_pages_from(row + self.PAGE_SIZE if page is not None else row)
        if page is None:
            return
        if not isinstance(self._spans, StoredSpans) or offset > len(page):
            del self._pages[number]
            return
        light = SpanRow(stored.id, stored.label_id, stored.start, stored.end, stored.cue_start, stored.cue_end,
                        stored.coder_id)
        self._pages[number] = (page[:offset] + [light] + page[offset:])[:self.PAGE_SIZE]

    def _follow(self, annotation_id: int, added: bool) -> None:
        """Bring one row in line with the store: insert, move, update or remove it."""
        self._placed = None
        self._records.pop(annotation_id, None)
        stored = self._project.annotations.find(annotation_id)
        shown = self._spans.coder_ids if isinstance(self._spans, StoredSpans) else None
        if stored is not None and shown is not None and stored.coder_id not in shown:
            stored = None  # another coder's: not listed here
        if isinstance(self._spans, ListedSpans):
            self._spans.changed(annotation_id, stored)
        old = -1 if added else self._kept_row(annotation_id)
        gone = stored is None or stored.is_document_level
        if old < 0 and not added:
            # Not among the rows read: where it was is not known here, but no row on screen shows it.
            if gone:
                self.set_document(self._doc_id)
            else:
                self._relayout()
            return
        if gone and old >= 0:
            self.rowLeaving.emit(old)  # while its page is kept: the panel finds the row it shows
        if gone:
            self._drop_pages_from(old)  # rows after it shift by one; pages are read again as shown
            if old >= 0:
                self.beginRemoveRows(QModelIndex(), old, old)
                self._count -= 1
                self.endRemoveRows()
            return
        row = self._spans.rank(stored)
        self._placed = (annotation_id, row)
        if old < 0:
            self._insert_kept(row, stored)
            self.beginInsertRows(QModelIndex(), row, row)
            self._count += 1
            self.endInsertRows()
            return
        self._drop_pages_from(min(old, row))
        if row != old:  # a span moved past its neighbours: the row moves, the selection follows it
            self.beginMoveRows(QModelIndex(), old, old, QModelIndex(), row + 1 if row > old else row)
            self.endMoveRows()
        self.dataChanged.emit(self.index(row), self.index(row))

    def _relayout(self) -> None:
        """Rows may have moved: read pages again, keeping the current and selected rows on their annotations."""
        self.layoutAboutToBeChanged.emit()
        kept = self.persistentIndexList()
        ids = [self._row(index.row()).id if 0 <= index.row() < self._count else None for index in kept]
        self._pages.clear()
        moved = []
        for index, annotation_id in zip(kept, ids):
            row = self.row_of(annotation_id) if annotation_id is not None else -1
            moved.append(self.index(row) if row >= 0 else QModelIndex())
        self.changePersistentIndexList(kept, moved)
        self.layoutChanged.emit()
