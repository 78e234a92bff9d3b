"""The entity list's model: every registry entity with its type and counts, filterable by any of its names."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt

from annotator.core.common.folding import fold
from annotator.core.entities.registry import EntitySummary
from annotator.core.project import Project
from annotator.ui.common.colors import label_icon
from annotator.ui.common.models import RecordTableModel

ENTITY_ID_ROLE = Qt.UserRole + 1
SORT_ROLE = Qt.UserRole + 2
NAMES_ROLE = Qt.UserRole + 3  # the folded name and aliases, for the filter


class EntityTableModel(RecordTableModel):
    """Name, type, mention count and document count of every entity."""

    NAME, TYPE, MENTIONS, DOCUMENTS = range(4)
    # Short headers: the dock opens narrow beside the reader; the tooltips spell them out.
    HEADERS = ("Name", "Type", "Tags", "Docs")
    HEADER_TIPS = ("Name", "Entity type", "Mentions: tags linked to this entity", "Documents it is mentioned in")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._project: Project | None = None
        self._rows: list[EntitySummary] = []
        self._names: dict[int, str] = {}

    def reload(self, project: Project | None) -> None:
        self.beginResetModel()
        self._project = project
        self._rows = project.entities.all() if project else []
        aliases = project.entities.aliases_by_entity() if project else {}
        self._names = {row.id: " | ".join(fold(n) for n in (row.name, *aliases.get(row.id, ()))) for row in self._rows}
        self.endResetModel()

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if orientation == Qt.Horizontal and role == Qt.ToolTipRole:
            return self.HEADER_TIPS[section]
        return super().headerData(section, orientation, role)

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid() or self._project is None:
            return None
        row, column = self._rows[index.row()], index.column()
        if role == ENTITY_ID_ROLE:
            return row.id
        if role == NAMES_ROLE:
            return self._names.get(row.id, "")
        label = self._project.codebook.label(row.label_id)
        values = (row.name, label.name, row.mention_count, row.document_count)
        if role == Qt.DisplayRole:
            return values[column]
        if role == SORT_ROLE:
            return row.name.casefold() if column == self.NAME else values[column]
        if role == Qt.DecorationRole and column == self.TYPE:
            return label_icon(label.color, label.key or "")
        if role == Qt.TextAlignmentRole and column >= self.MENTIONS:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None


class NameFilter(QSortFilterProxyModel):
    """Keeps entities any of whose names contains the typed text, compared folded."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._needle = ""
        self.setSortRole(SORT_ROLE)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._needle = fold(text)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:  # noqa: N802
        names = self.sourceModel().index(row, 0, parent).data(NAMES_ROLE) or ""
        return self._needle in names
