"""The dashboard's left column: which chart, what it asks (target, field, period, variables, layer, limit),
which documents it counts and whose codes.

It only gathers choices into the core's ChartOptions and ChartFilter; the chart kinds, their
readable names and groups, and which options each reads are listed here once, so a kind
the core adds shows up by adding one line.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.core.charts.data import ChartOptions
from annotator.core.charts.filters import ChartFilter, metadata_keys
from annotator.core.common.model import LAYER_NAMES
from annotator.core.corpus.documents import DocumentQuery
from annotator.core.project import Project
from annotator.ui.common.combos import data_combo

# (group, [(kind, readable name)]): the analyst's words for data.KINDS, in the order.
GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    ("Stance", [("stance-targets", "Stance by target"), ("stance-outlets", "Stance by outlet"),
                ("stance-time", "Stance over time")]),
    ("Entities", [("entities", "Most mentioned entities"), ("cooccurrence", "Entities together (network)")]),
    ("Claims", [("claims-verdict", "Claims by verdict"), ("claims-type", "Claims by type"),
                ("claims-source", "Claims by source and verdict")]),
    ("Codes", [("labels", "Label frequencies"), ("matrix", "Documents × labels (heatmap)")]),
    ("Document variables", [("variable", "Answers to a variable"), ("crosstab", "Two variables crossed")]),
    ("Agreement", [("agreement", "Agreement per label and variable")]),
]
NAMES = {kind: name for _, kinds in GROUPS for kind, name in kinds}
OVERVIEW = "overview"  # the chooser's first entry: the project's small charts at once (overview.py)
# The ChartOptions fields each kind reads; the others are hidden while it is chosen.
OPTIONS = {
    "stance-targets": {"limit"}, "stance-outlets": {"target", "by", "limit"}, "stance-time": {"target", "period"},
    "entities": {"limit"}, "cooccurrence": {"within", "limit"}, "claims-verdict": set(), "claims-type": set(),
    "claims-source": {"limit"}, "labels": {"layer"}, "matrix": {"layer", "limit"}, "variable": {"variable"},
    "crosstab": {"variable", "second"}, "agreement": set(), OVERVIEW: set(),
}
ANY = "(any)"


class ChartChoices(QWidget):
    """Emits changed() when a choice that redraws at once (a drop-down) changes, and
    drawRequested() when a typed one is confirmed with Enter."""

    changed = Signal()
    drawRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.list_query: DocumentQuery | None = None
        self._list_count = 0
        self._filling = False
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(QLabel("Chart:", self))
        self.kind = QComboBox(self)
        self.kind.setObjectName("chartKind")
        self.kind.setModel(self._kind_model())
        self.kind.setCurrentIndex(self.kind.findData(OVERVIEW))
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_chosen())
        column.addWidget(self.kind)
        column.addWidget(self._options_box())
        column.addWidget(self._filter_box())
        column.addStretch(1)
        self._kind_chosen(emit=False)

    # -- building ------------------------------------------------------------------------------

    def _kind_model(self) -> QStandardItemModel:
        model = QStandardItemModel(self)
        overview = QStandardItem("Overview (the project at a glance)")
        overview.setData(OVERVIEW, Qt.UserRole)
        model.appendRow(overview)
        for group, kinds in GROUPS:
            heading = QStandardItem(group)
            heading.setFlags(Qt.NoItemFlags)  # a heading, not a chart
            font = QFont()
            font.setBold(True)
            heading.setFont(font)
            model.appendRow(heading)
            for kind, name in kinds:
                item = QStandardItem(f"    {name}")
                item.setData(kind, Qt.UserRole)
                model.appendRow(item)
        return model

    def _combo(self, name: str, editable: bool = False) -> QComboBox:
        combo = data_combo(self, chars=14)
        combo.setObjectName(name)
        combo.setEditable(editable)
        if editable:
            combo.lineEdit().returnPressed.connect(self.drawRequested)
            combo.activated.connect(lambda _i: self._emit())
        else:
            combo.currentIndexChanged.connect(lambda _i: self._emit())
        return combo

    def _options_box(self) -> QGroupBox:
        box = QGroupBox("Options", self)
        self.options_form = form = QFormLayout(box)
        self.target = self._combo("chartTarget", editable=True)
        self.target.setToolTip("Only stances toward this target (empty: every target).")
        self.by = self._combo("chartBy")
        self.period = self._combo("chartPeriod")
        self.period.addItem("month", "month")
        self.period.addItem("week (from Monday)", "week")
        self.variable = self._combo("chartVariable")
        self.second = self._combo("chartSecondVariable")
        self.layer = self._combo("chartLayer")
        self.within = self._combo("chartWithin")
        self.within.addItem("the same document", "document")
        self.within.addItem("the same sentence", "sentence")
        self.within.setToolTip("Join two entities when they are mentioned in the same document, or only when "
                               "in the same sentence (closer ties, fewer edges).")
        self.limit = QSpinBox(box)
        self.limit.setObjectName("chartLimit")
        self.limit.setRange(1, 500)
        self.limit.setValue(ChartOptions().limit)
        self.limit.editingFinished.connect(self._emit)
        self._option_rows = {"target": ("Toward:", self.target), "by": ("Outlet field:", self.by),
                             "period": ("Period:", self.period), "variable": ("Variable:", self.variable),
                             "second": ("Crossed with:", self.second), "layer": ("Layer:", self.layer),
                             "within": ("Together in:", self.within),
                             "limit": ("At most:", self.limit)}
        for text, widget in self._option_rows.values():
            form.addRow(text, widget)
        self.no_options = QLabel("Nothing to choose for this chart.", box)
        form.addRow(self.no_options)
        return box

    def _filter_box(self) -> QGroupBox:
        box = QGroupBox("Counting", self)
        form = QFormLayout(box)
        self.scope = self._combo("chartDocuments")
        form.addRow("Documents:", self.scope)
        row = QHBoxLayout()
        self.meta_key = self._combo("chartMetaKey")
        self.meta_key.setMinimumContentsLength(6)
        self.meta_value = QLineEdit(box)
        self.meta_value.setObjectName("chartMetaValue")
        self.meta_value.setPlaceholderText("value")
        self.meta_value.setMinimumWidth(90)
        self.meta_value.returnPressed.connect(self.drawRequested)
        row.addWidget(self.meta_key)
        row.addWidget(QLabel("=", box))
        row.addWidget(self.meta_value, 1)
        form.addRow("Field:", row)
        self.stance_target = self._combo("chartStanceTarget", editable=True)
        self.stance_target.setToolTip("Only documents with a stance toward this target (empty: no such filter).")
        form.addRow("Stance toward:", self.stance_target)
        self.stance = self._combo("chartStance")
        form.addRow("…being:", self.stance)
        self.search = QLineEdit(box)
        self.search.setObjectName("chartSearch")
        self.search.setPlaceholderText("a search, as Find in project")
        self.search.returnPressed.connect(self.drawRequested)
        form.addRow("Search:", self.search)
        self.coder = self._combo("chartCoders")
        form.addRow("Codes of:", self.coder)
        return box

    # -- filling from the project -------------------------------------------------------------

    def fill(self, project: Project) -> None:
        """The project's fields, targets, variables, layers, stance labels and coders; choices made stay."""
        self._filling = True
        try:
            targets = project.annotations.targets()
            self._refill(self.target, [("", "")] + [(t, t) for t in targets])
            self._refill(self.stance_target, [("", "")] + [(t, t) for t in targets])
            keys = metadata_keys(project)
            self._refill(self.by, [(k, k) for k in keys] or [("outlet", "outlet")], prefer="outlet")
            self._refill(self.meta_key, [(ANY, None)] + [(k, k) for k in keys])
            variables = [(v.name, v.name) for v in project.variables.list()]
            self._refill(self.variable, variables)
            self._refill(self.second, variables, prefer=variables[1][1] if len(variables) > 1 else None)
            layers = sorted({label.layer for label in project.codebook.labels()})
            self._refill(self.layer, [("every layer", None)] + [(LAYER_NAMES.get(l, l), l) for l in layers])
            stances = [label.name for label in project.codebook.in_layer("stance") if not label.is_group]
            self._refill(self.stance, [(ANY, None)] + [(s, s) for s in stances])
            gold = project.coders.gold()
            coders = [("All coders", "all")] + [(c.name, f"coder:{c.name}") for c in project.coders.list()]
            coders.append((f"Gold layer ({gold.name})" if gold else "Gold layer (none yet)", "gold"))
            self._refill(self.coder, coders)
            gold_item = self.coder.model().item(self.coder.count() - 1)
            gold_item.setEnabled(gold is not None)  # nothing adjudicated yet: nothing to chart
            if gold is None and self.coder.currentData() == "gold":
                self.coder.setCurrentIndex(0)
            self._fill_scope(project)
        finally:
            self._filling = False

    def _refill(self, combo: QComboBox, items: list[tuple[str, object]], prefer=None) -> None:
        was = combo.currentData() if not combo.isEditable() else combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        for text, data in items:
            combo.addItem(text, data)
        if combo.isEditable():
            combo.setEditText(was or "")
        else:
            index = combo.findData(was) if was is not None else -1
            combo.setCurrentIndex(index if index >= 0 else max(0, combo.findData(prefer)) if prefer else 0)
        combo.blockSignals(False)

    def set_list_query(self, project: Project, query: DocumentQuery | None) -> None:
        """What the document list shows: offered as the documents to count when it is filtered."""
        self.list_query = query if query is not None and not query.is_empty else None
        self._fill_scope(project)

    def _fill_scope(self, project: Project) -> None:
        items = [("All documents", "all")]
        if self.list_query is not None:
            self._list_count = len(project.documents.listing(self.list_query))
            items.append((f"The {self._list_count:,} the document list shows", "list"))
        self._refill(self.scope, items)

    # -- reading the choices ------------------------------------------------------------------

    def current_kind(self) -> str:
        return self.kind.currentData() or "stance-targets"

    def choose(self, kind: str, options: ChartOptions | None = None) -> None:
        """Show chart `kind`; with options (an Overview panel opened alone) its period and layer are set first,
        quietly, so the chart drawn is the panel's."""
        if options is not None:
            for combo, value in ((self.period, options.period), (self.layer, options.layer)):
                combo.blockSignals(True)
                combo.setCurrentIndex(max(combo.findData(value), 0) if value is not None else 0)
                combo.blockSignals(False)
        self.kind.setCurrentIndex(self.kind.findData(kind))

    def options(self) -> ChartOptions:
        return ChartOptions(target=self.target.currentText().strip() or None, by=self.by.currentData() or "outlet",
                            period=self.period.currentData(), variable=self.variable.currentData(),
                            second=self.second.currentData(), layer=self.layer.currentData(),
                            limit=self.limit.value(), within=self.within.currentData())

    def chart_filter(self, project: Project) -> ChartFilter:
        key = self.meta_key.currentData()
        who, _, name = (self.coder.currentData() or "all").partition(":")
        documents = None
        if self.scope.currentData() == "list" and self.list_query is not None:
            documents = tuple(project.documents.listing(self.list_query))
        return ChartFilter(metadata=((key, self.meta_value.text().strip()),) if key else (),
                           stance_target=self.stance_target.currentText().strip() or None,
                           stance=self.stance.currentData(), search=self.search.text().strip() or None,
                           coder=name if who == "coder" else None, gold=who == "gold", documents=documents)

    # -- showing what the kind asks ---------------------------------------------------------------

    def _kind_chosen(self, emit: bool = True) -> None:
        wanted = OPTIONS.get(self.current_kind(), set())
        for option, (_text, widget) in self._option_rows.items():
            self.options_form.setRowVisible(widget, option in wanted)
        self.options_form.setRowVisible(self.no_options, not wanted)
        if emit:
            self._emit()

    def _emit(self) -> None:
        if not self._filling:
            self.changed.emit()
