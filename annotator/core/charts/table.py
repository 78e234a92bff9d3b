"""The numbers behind one chart: a small table, and the way back from a cell to its documents.

Every chart kind is written as one base query whose rows are (document_id, annotation_id,
rk, ck): a coded thing, the document it is in, and the row and column of the chart it
counts toward (annotation_id is NULL for a codesheet answer). The chart's numbers are
that query grouped by (rk, ck) in SQL; clicking a cell runs the same query kept to that
cell, so what a chart shows and what a click lists can never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from annotator.core.common.protocols import ProjectLike

SHAPES = ("stacked", "bars", "heatmap", "network")


@dataclass(frozen=True)
class Base:
    """A chart's base query (see the module's docstring) and its parameters."""

    sql: str
    params: tuple = ()

    def grouped(self, project: ProjectLike, measure: str = "count(*)") -> dict[tuple[str, str], float]:
        """(row, column) -> measure over the base rows in that cell, computed by the database."""
        rows = project.store.conn.execute(
            f"SELECT rk, ck, {measure} FROM ({self.sql}) AS b GROUP BY rk, ck", self.params)
        return {(str(rk), str(ck)): value for rk, ck, value in rows}

    def cell(self, project: ProjectLike, row: str | None, column: str | None) -> "CellIds":
        where, params = ["1 = 1"], list(self.params)
        for name, value in (("rk", row), ("ck", column)):
            if value is not None:
                where.append(f"{name} = ?")
                params.append(value)
        found = project.store.conn.execute(
            f"SELECT DISTINCT document_id, annotation_id FROM ({self.sql}) AS b WHERE {' AND '.join(where)}",
            tuple(params)).fetchall()
        return CellIds(tuple(sorted({d for d, _ in found})),
                       tuple(sorted({a for _, a in found if a is not None})))


@dataclass(frozen=True)
class CellIds:
    """What a bar, cell or node stands for: its documents, and its annotations when it counts annotations."""

    documents: tuple[int, ...]
    annotations: tuple[int, ...]


class Pairs(Protocol):
    """What joins two nodes of a network when it is more than sharing a document (a sentence)."""

    def cell(self, project: ProjectLike, first: str, second: str) -> CellIds: ...


@dataclass
class ChartData:
    """One chart's table: rows x columns of numbers, with what the drawing needs to label and colour them.

    shape says how it is drawn: stacked (bars of rows, a segment per column), bars (one bar
    per row per column: a panel per column, or side by side when shared_scale), heatmap
    (rows x columns), network (rows are nodes, values[(a, b)] an edge's weight with a before b
    in `rows`; values[(a, a)] a node's size).
    """

    kind: str
    title: str
    shape: str
    row_title: str
    column_title: str
    value_title: str
    rows: list[str]
    columns: list[str]
    values: dict[tuple[str, str], float]
    colors: dict[str, str] = field(default_factory=dict)  # column (or row, for a one-column chart) -> #RRGGBB
    note: str = ""  # what the chart counts and leaves out, in words
    base: Base | None = None  # None: the figures do not come from coded things (agreement)
    absent_is_zero: bool = True  # False: a cell with no value has no figure (agreement), not a count of 0
    pairs: Pairs | None = None  # network: an edge's documents and mentions; None: the documents both are in
    # bars: whether the columns are figures on one scale (agreement's 0..1), drawn side by side on one axis;
    # else they are different measures (mentions and documents) and each gets a panel with its own scale.
    shared_scale: bool = False

    def __post_init__(self) -> None:
        if self.shape not in SHAPES:
            raise ValueError(f"unknown chart shape {self.shape!r}; one of {', '.join(SHAPES)}")

    @property
    def empty(self) -> bool:
        return not self.rows or not any(self.values.values())

    def value(self, row: str, column: str) -> float:
        return self.values.get((row, column), 0)

    def row_total(self, row: str) -> float:
        return sum(self.value(row, column) for column in self.columns)

    def table(self) -> tuple[list[str], list[list]]:
        """The table as a CSV shows it: a network as its edge list, anything else one line per row."""
        if self.shape == "network":
            header = ["source", "target", self.value_title]
            edges = [[a, b, _number(self.values[(a, b)])] for i, a in enumerate(self.rows)
                     for b in self.rows[i + 1:] if self.values.get((a, b))]
            return header, [[row, "", _number(self.value(row, row))] for row in self.rows] + edges
        return [self.row_title, *self.columns], [[row, *(self._cell(row, c) for c in self.columns)]
                                                 for row in self.rows]

    def _cell(self, row: str, column: str) -> float | int | str:
        if (row, column) not in self.values and not self.absent_is_zero:
            return ""
        return _number(self.value(row, column))

    def cell_ids(self, project: ProjectLike, row: str | None, column: str | None = None) -> CellIds:
        """The documents and annotations behind a cell (row and column), a row (column None) or a node."""
        if self.base is None:
            return CellIds((), ())
        if self.shape == "bars":
            # A bars chart's columns are measures of its rows (mentions and documents, annotations and
            # documents, answers): every bar of a row stands for the same coded things.
            column = None
        if self.shape == "network":
            return self._edge_ids(project, row, column)
        return self.base.cell(project, row, column)

    def _edge_ids(self, project: ProjectLike, first: str | None, second: str | None) -> CellIds:
        # Network bases list mentions (rk: the entity); an edge is the documents both are in.
        one = self.base.cell(project, first, None)
        if second is None or second == first:
            return one
        if self.pairs is not None:
            return self.pairs.cell(project, first, second)
        other = self.base.cell(project, second, None)
        both = set(one.documents) & set(other.documents)
        annotations = {a for a in one.annotations + other.annotations}
        kept = project.store.conn.execute(
            "SELECT id FROM annotations WHERE id IN (SELECT value FROM json_each(?)) "
            "AND document_id IN (SELECT value FROM json_each(?))",
            (_json(sorted(annotations)), _json(sorted(both)))).fetchall()
        return CellIds(tuple(sorted(both)), tuple(sorted(a for (a,) in kept)))


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 3)


def _json(ids: Sequence[int]) -> str:
    import json

    return json.dumps(list(ids))


def ordered(totals: dict[str, float], limit: int | None) -> list[str]:
    """Rows largest first (ties by name), at most `limit` of them."""
    rows = sorted(totals, key=lambda name: (-totals[name], name.casefold(), name))
    return rows if limit is None else rows[:limit]
