"""The agreement table: one row per figure, as a CSV file and as text for the terminal.

The CSV has exactly the columns of issue 14 (COLUMNS), so R, Stata and spreadsheets
read every project's table alike. A figure that cannot be computed has an empty value
there; its reason goes with the text table, which is what a person reads.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from annotator.core.common.names import display_width, fit
from annotator.core.common.partial_files import atomic_output
from annotator.core.team.results import LEVELS, Agreement, band

COLUMNS = ("scope", "name", "measure", "level", "value", "coders", "documents", "units")
SCOPES = ("variable", "label", "layer", "all")
_ALPHAS = ("alpha", "u_alpha", "binary_u_alpha")


@dataclass(frozen=True)
class AgreementRow:
    """One figure of the table: what it is about (scope and name), the coders compared, the figure."""

    scope: str
    name: str
    coders: tuple[str, ...]
    figure: Agreement

    def __post_init__(self) -> None:
        if self.scope not in SCOPES:
            raise ValueError(f"unknown scope {self.scope!r}; one of {', '.join(SCOPES)}")
        if self.figure.level is not None and self.figure.level not in LEVELS:
            raise ValueError(f"unknown level {self.figure.level!r}; one of {', '.join(LEVELS)}")

    def cells(self) -> list[str]:
        f = self.figure
        value = "" if f.value is None else repr(f.value)
        return [self.scope, self.name, f.measure, f.level or "", value, ";".join(self.coders),
                str(f.documents), str(f.units)]


def write_agreement_csv(rows: Iterable[AgreementRow], out: Path) -> int:
    """Write the table to `out` whole or not at all; returns how many rows were written."""
    count = 0
    with atomic_output(Path(out)) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(row.cells())
            count += 1
    return count


def _shown(figure: Agreement) -> str:
    if figure.value is None:
        return "-"
    if figure.measure == "percent":
        return f"{figure.value * 100:.1f}%"
    return f"{figure.value:.3f}"


def format_agreement_table(rows: Sequence[AgreementRow]) -> str:
    """The table as aligned text: each figure with Krippendorff's reading of alphas, or why it is missing."""
    header = ["scope", "name", "measure", "level", "value", "reading", "coders", "documents", "units", "why no value"]
    body = []
    for row in rows:
        f = row.figure
        reading = band(f.value) if f.measure in _ALPHAS else ""
        body.append([row.scope, row.name, f.measure, f.level or "", _shown(f), reading, ", ".join(row.coders),
                     str(f.documents), str(f.units), f.reason or ""])
    if not body:
        return "No agreement figures: no document was coded by two of these coders."
    if not any(line[-1] for line in body):
        header, body = header[:-1], [line[:-1] for line in body]
    # Korean label and coder names take two columns a character: measure them as a terminal shows them.
    widths = [max(display_width(line[i]) for line in [header, *body]) for i in range(len(header))]
    numeric = {4, 7, 8}
    lines = []
    for line in [header, *body]:
        cells = [" " * (w - display_width(cell)) + cell if i in numeric else fit(cell, w)
                 for i, (cell, w) in enumerate(zip(line, widths))]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
