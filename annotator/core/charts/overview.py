"""The project at a glance: a handful of charts counted at once under one filter, for the dashboard's Overview.

Each panel is an ordinary chart kind with options fit for a small drawing (the top few rows,
months); a panel whose chart has nothing to count keeps a one-line reason instead, so one
empty layer (no dates, no claims yet) does not hide the others. Agreement joins the panels
only when more than one coder codes and every coder is counted: one coder has nobody to agree with.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from annotator.core.charts.data import ChartOptions
from annotator.core.charts.filters import ChartFilter, resolve
from annotator.core.charts.running import chart_data_until
from annotator.core.charts.table import ChartData, ordered
from annotator.core.common.errors import ProjectError
from annotator.core.common.protocols import ProjectLike

TOP = 8  # rows of a small panel: more and its tick labels would overlap
PANELS: tuple[tuple[str, ChartOptions], ...] = (
    ("stance-targets", ChartOptions(limit=TOP)),
    ("stance-time", ChartOptions(period="month")),
    ("entities", ChartOptions(limit=TOP)),
    ("claims-verdict", ChartOptions()),
    ("labels", ChartOptions(limit=TOP)),
    ("agreement", ChartOptions(limit=TOP)),
)


@dataclass(frozen=True)
class Panel:
    kind: str
    options: ChartOptions
    data: ChartData | None  # None: nothing to count, and `reason` says why
    reason: str = ""
    rows_of: int = 0  # the rows the chart has, when the panel shows fewer

    @property
    def heading(self) -> str:
        """The panel's title; agreement's without its list of coders, which a small panel's heading has no room for."""
        if self.data is None:
            return ""
        title = "Agreement" if self.kind == "agreement" else self.data.title
        if not self.rows_of:
            return title
        which = "lowest" if self.kind == "agreement" else "top"
        return f"{title} ({which} {len(self.data.rows)} of {self.rows_of})"


def panel_kinds(project: ProjectLike, flt: ChartFilter = ChartFilter()) -> list[str]:
    """The kinds the overview shows for this project and filter."""
    several = len(project.coders.list()) > 1 and not flt.coder and not flt.gold
    return [kind for kind, _ in PANELS if kind != "agreement" or several]


def overview(project: ProjectLike, flt: ChartFilter = ChartFilter(),
             keep_going: Callable[[], bool] = lambda: True) -> list[Panel]:
    """Every panel's numbers; ChartCancelled as soon as keep_going() is False, a ProjectError for a bad filter."""
    options = dict(PANELS)
    # The filter's documents found once (a search over a big corpus takes seconds), not once per panel;
    # a wrong filter (an unknown field, coder, query) is the caller's to say, not six panels'.
    scope = resolve(project, flt)
    narrowed = ChartFilter(coder=flt.coder, gold=flt.gold, documents=scope.documents)
    panels = []
    for kind in panel_kinds(project, flt):
        try:
            data = chart_data_until(project, kind, narrowed, options[kind], keep_going)
        except ProjectError as exc:  # nothing to count here: no dates, no claims, no document coded twice...
            panels.append(Panel(kind, options[kind], None, one_line(str(exc))))
            continue
        shown = top(_short_rows(data) if kind == "agreement" else data, TOP)
        panels.append(Panel(kind, options[kind], shown, rows_of=len(data.rows) if len(shown.rows) < len(data.rows) else 0))
    return panels


def _short_rows(data: ChartData) -> ChartData:
    """Agreement's rows without "whole document: ", which a small panel has no room for; its figures stand for
    no list of annotations, so a renamed row loses no click."""
    def short(row: str) -> str:
        return row.replace("whole document: ", "")
    return replace(data, rows=[short(row) for row in data.rows],
                   values={(short(row), column): value for (row, column), value in data.values.items()})


def one_line(text: str) -> str:
    """A reason's first sentence, capitalised: the panel is small, the single chart says the rest."""
    first = text.split(". ")[0].split("; the project's fields")[0].rstrip(".")
    return f"{first[:1].upper()}{first[1:]}."


def top(data: ChartData, n: int) -> ChartData:
    """At most n rows, kept in their order: the largest by their first column (label frequencies count every
    label), and of agreement the lowest figures, the labels and variables coders differ on most; time keeps all."""
    if len(data.rows) <= n or data.shape not in ("bars", "stacked") or data.row_title in ("month", "week"):
        return data
    if data.kind == "agreement":
        totals = {row: -min(v for (r, _), v in data.values.items() if r == row) for row in data.rows}
    else:
        first = data.columns[0] if data.shape == "bars" else None
        totals = {row: data.value(row, first) if first else data.row_total(row) for row in data.rows}
    kept = set(ordered(totals, n))
    rows = [row for row in data.rows if row in kept]
    return replace(data, rows=rows, values={k: v for k, v in data.values.items() if k[0] in kept})
