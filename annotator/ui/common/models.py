"""What the item models share: their roles, a flat record table, and the page cache of the lazy ones.

The models themselves live with their feature (corpus/document_list.py, coding/annotation_list.py,
entities/table.py); they hold no data beyond a cache of the rows shown, refreshed from the core
when it reports a change.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

ANNOTATION_ID_ROLE = Qt.UserRole + 1
DOCUMENT_ID_ROLE = Qt.UserRole + 2



def kept_page(pages: OrderedDict, number: int, kept: int, read: Callable[[], list]) -> tuple[list, bool]:
    """Page `number` of a lazy model, read with `read()` unless kept; (the page, whether it was read).

    Only the `kept` most recently used pages stay, so a million-row model holds a few screenfuls."""
    page = pages.get(number)
    fetched = page is None
    if fetched:
        page = read()
        pages[number] = page
        while len(pages) > kept:
            pages.popitem(last=False)
    pages.move_to_end(number)
    return page, fetched


class RecordTableModel(QAbstractTableModel):
    """A flat table over a list of records (self._rows) under fixed column headers."""

    HEADERS: tuple[str, ...] = ()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.HEADERS[section]
        return None
