"""The Agreement window's tables: what each row of an AgreementReport reads as, and its tint.

Alphas are banded by Krippendorff's conventions (results.band): a tint AND a word, so the
reading survives a greyscale print or a colour-blind reader. Other measures (percent
agreement, kappa, F1) have no such convention and are shown unbanded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from annotator.core.team.agreement_spans import Disagreement
from annotator.core.team.project_agreement import AgreementReport, DocumentAgreement
from annotator.core.team.results import RELIABLE, TENTATIVE, Agreement, band
from annotator.core.team.table import AgreementRow
from annotator.ui.common.plain_text import plain_tip

ALPHAS = ("alpha", "u_alpha", "binary_u_alpha")
MEASURE_NAMES = {
    "alpha": "Krippendorff's α", "u_alpha": "unitizing uα", "binary_u_alpha": "binary |uα",
    "percent": "% agreement", "cohen_kappa": "Cohen's κ", "fleiss_kappa": "Fleiss' κ",
    "f1_exact": "F1, exact boundaries", "f1_overlap": "F1, overlapping",
}
SCOPE_NAMES = {"variable": "Variable", "label": "Label", "layer": "Layer", "all": "All layers"}
# The reading's word says what the tint says, so the table reads in grey too.
READINGS = {
    "reliable": f"✓ reliable (≥ {RELIABLE:.3f})".replace("0.", "."),
    "tentative": f"~ tentative conclusions only ({TENTATIVE:.3f}–{RELIABLE:.3f})".replace("0.", "."),
    "unreliable": f"✗ not reliable (< {TENTATIVE:.3f})".replace("0.", "."),
}
TINTS = {"reliable": "#d9f2d9", "tentative": "#fbeec2", "unreliable": "#f9d3cc"}
NO_VALUE = "—"
_brushes: dict[str, QBrush] = {}


def tint(reading: str) -> QBrush | None:
    if not reading:
        return None
    if reading not in _brushes:
        _brushes[reading] = QBrush(QColor(TINTS[reading]))
    return _brushes[reading]


def reading_of(figure: Agreement) -> str:
    """'reliable', 'tentative', 'unreliable' for an alpha with a value; '' otherwise."""
    return band(figure.value) if figure.measure in ALPHAS else ""


def shown_value(figure: Agreement) -> str:
    if figure.value is None:
        return NO_VALUE
    if figure.measure == "percent":
        return f"{figure.value * 100:.1f}%"
    return f"{figure.value:.3f}"


def rests_on(figure: Agreement) -> str:
    """What a figure rests on, in words, for a tooltip."""
    return (f"{figure.coders} coder{'s' * (figure.coders != 1)}, {figure.documents:,} "
            f"document{'s' * (figure.documents != 1)}, {figure.units:,} unit{'s' * (figure.units != 1)}")


@dataclass
class Line:
    """One row as shown: its cells, optional tints and tooltips by column, and what it stands for."""

    cells: list[str]
    payload: object = None
    tints: dict[int, QBrush | None] = field(default_factory=dict)
    tips: dict[int, str] = field(default_factory=dict)


class LinesModel(QAbstractTableModel):
    """A read-only table of Lines under fixed headings."""

    def __init__(self, headings: list[str], parent=None):
        super().__init__(parent)
        self.headings = headings
        self.lines: list[Line] = []

    def set_lines(self, lines: list[Line]) -> None:
        self.beginResetModel()
        self.lines = lines
        self.endResetModel()

    def payload(self, row: int):
        return self.lines[row].payload if 0 <= row < len(self.lines) else None

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.headings)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if orientation == Qt.Horizontal and role == Qt.DisplayRole and 0 <= section < len(self.headings):
            return self.headings[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        line, column = self.lines[index.row()], index.column()
        if role == Qt.DisplayRole:
            return line.cells[column]
        if role == Qt.ToolTipRole:
            tip = line.tips.get(column) or line.cells[column]
            return plain_tip(tip) if tip else None
        if role == Qt.BackgroundRole:
            return line.tints.get(column)
        if role == Qt.TextAlignmentRole and self.headings[column] in NUMERIC_HEADINGS:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None


FIGURE_HEADINGS = ["Scope", "Name", "Measure", "Level", "Value", "Reading", "Coders", "Documents", "Units",
                   "Why no value"]
NUMERIC_HEADINGS = {"Value", "Coders", "Documents", "Units", "F1 (overlap)", "Places that differ"}
VALUE, READING = FIGURE_HEADINGS.index("Value"), FIGURE_HEADINGS.index("Reading")


def figure_lines(rows: list[AgreementRow]) -> list[Line]:
    lines = []
    for row in rows:
        f = row.figure
        reading = reading_of(f)
        line = Line([SCOPE_NAMES[row.scope], row.name, MEASURE_NAMES[f.measure], f.level or "", shown_value(f),
                     READINGS.get(reading, ""), str(f.coders), f"{f.documents:,}", f"{f.units:,}", f.reason or ""],
                    payload=row)
        line.tints = {VALUE: tint(reading), READING: tint(reading)}
        line.tips[VALUE] = (f"{MEASURE_NAMES[f.measure]} of {row.name}: {shown_value(f)}, resting on {rests_on(f)} "
                            f"({', '.join(row.coders)})" + (f". No value: {f.reason}" if f.reason else ""))
        lines.append(line)
    return lines


DOCUMENT_HEADINGS = ["Document", "Coders", "Spans each coder marked", "F1 (overlap)", "Places that differ"]


def document_lines(documents: list[DocumentAgreement]) -> list[Line]:
    lines = []
    for doc in documents:
        spans = " · ".join(f"{coder} {doc.spans.get(coder, 0)}" for coder in doc.coders)
        f1 = doc.f1_overlap
        line = Line([doc.title, ", ".join(doc.coders), spans, shown_value(f1), str(doc.disagreements)], payload=doc)
        line.tips[3] = f"F1 with overlapping boundaries over every span: {shown_value(f1)}, resting on {rests_on(f1)}" \
            + (f". No value: {f1.reason}" if f1.reason else "")
        lines.append(line)
    return lines


DISAGREEMENT_HEADINGS = ["Document", "What", "Name", "Where", "Each coder's version"]
KIND_NAMES = {"span": "span", "variable": "variable", "whole document": "whole-document code", "role": "role",
              "attribute": "attribute", "label": "label of a matched span"}


def disagreement_lines(places: list[Disagreement], titles: dict[int, str],
                       excerpt: Callable[[int, int, int], str]) -> list[Line]:
    """excerpt(document, start, end) -> the disputed text, read only for the places shown."""
    lines = []
    for place in places:
        if place.start is None:
            where = "the whole document"
        else:
            where = f"{place.start}–{place.end}: “{excerpt(place.document, place.start, place.end)}”"
        versions = " | ".join(f"{coder}: {version}" for coder, version in place.versions.items())
        lines.append(Line([titles.get(place.document, str(place.document)), KIND_NAMES.get(place.kind, place.kind),
                           place.name, where, versions], payload=place,
                          tips={4: "\n".join(f"{coder}: {version}" for coder, version in place.versions.items())}))
    return lines


def matrix_choices(report: AgreementReport) -> list[tuple[str, str | None]]:
    """The figures the coder x coder matrix can show: (what the chooser says, variable name or None for F1)."""
    names: list[str] = []
    for cell in report.matrix:
        names += [name for name in cell.variables if name not in names]
    return [("F1, overlapping boundaries, every span", None)] + [(f"α of {name}", name) for name in names]


def matrix_cell(report: AgreementReport, first: str, second: str, variable: str | None) -> tuple[str, str, str]:
    """(text, tooltip, reading) of one cell of the matrix."""
    if first == second:
        return NO_VALUE, "", ""
    try:
        pair = report.pair(first, second)
    except KeyError:
        return NO_VALUE, f"{first} and {second} coded no document in common.", ""
    figure = pair.f1_overlap if variable is None else pair.variables.get(variable)
    if figure is None:
        return NO_VALUE, f"No figure for {variable} between {first} and {second}.", ""
    text = f"{shown_value(figure)}\n{pair.documents:,} document{'s' * (pair.documents != 1)}"
    tip = (f"{first} × {second}: {MEASURE_NAMES[figure.measure]} {shown_value(figure)}, resting on "
           f"{rests_on(figure)}" + (f". No value: {figure.reason}" if figure.reason else ""))
    reading = reading_of(figure)
    if reading:
        tip += f"\nReading: {READINGS[reading]}"
    return text, tip, reading
