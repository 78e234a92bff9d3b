"""How far a project's coders agree: every figure of issue 14 item 5, fed from the project to the math.

agreement(project) reads who coded what once (agreement_data: the rule for "coded" and
for units is there), then computes:

- per document variable (and whole-document code, as variable-like nominal items):
  Krippendorff's alpha at the variable's level, percent agreement, and Cohen's kappa
  for two coders or Fleiss' kappa for more (agreement_variables);
- per label, layer and over all layers: u-alpha, the binary |u-alpha (layers) and F1
  with exact and overlapping boundaries (agreement_spans);
- alpha of the label, roles and attributes over matched spans of each layer;
- a coder x coder matrix, a per-document table, and the list of disagreements.

A figure that cannot be computed is an Agreement with value None and its reason.

on_progress(done, total) is told how far it has got: while the project is read total
is 0, then a step is a document swept, a variable item, or one of the phases after
the sweep. Answering False stops it at the next step with AgreementCancelled: a
big project's Cancel takes effect within a fraction of a second, with no report at all.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from annotator.core.common.errors import ProjectError
from annotator.core.common.model import LEVELS
from annotator.core.common.names import display_width, fit
from annotator.core.common.protocols import ProjectLike
from annotator.core.team.agreement_data import read_coded
from annotator.core.team.agreement_spans import (
    Disagreement,
    RoleAgreement,
    SpanTallies,
    document_f1,
    pair_f1,
    role_figures,
    span_disagreements,
    span_figures,
)
from annotator.core.team.agreement_variables import (
    item_disagreements,
    item_figures,
    pair_alpha,
    variable_items,
    whole_document_items,
)
from annotator.core.team.results import Agreement
from annotator.core.team.table import AgreementRow, format_agreement_table

Progress = Callable[[int, int], "bool | None"]
PHASES_AFTER_SWEEP = 5  # span figures, roles, the matrix, the disagreements, the per-document table


class AgreementCancelled(Exception):
    """on_progress answered False: agreement() stopped between two steps and returned no report."""


class _Steps:
    """Counts the steps done, tells on_progress, and raises AgreementCancelled when it answers False."""

    def __init__(self, on_progress: Progress | None):
        self._on_progress = on_progress
        self.done = self.total = 0

    def __call__(self, steps: int = 0) -> None:
        self.done += steps
        if self._on_progress is not None and self._on_progress(self.done, self.total) is False:
            raise AgreementCancelled("Agreement cancelled; no figures were computed.")


@dataclass(frozen=True)
class PairAgreement:
    """One cell of the coder x coder matrix: two coders over the documents both coded."""

    first: str
    second: str
    documents: int
    f1_overlap: Agreement  # every span, label to label, overlapping boundaries: the matrix's figure
    variables: dict[str, Agreement]  # each variable's alpha between the two


@dataclass(frozen=True)
class DocumentAgreement:
    document: int
    title: str
    coders: tuple[str, ...]  # the compared coders who coded it
    spans: dict[str, int]  # coder -> spans they marked on it
    f1_overlap: Agreement  # among its coders, every span
    disagreements: int  # places listed for it in AgreementReport.disagreements


@dataclass
class AgreementReport:
    coders: tuple[str, ...]
    units: tuple[int, ...]  # documents at least two compared coders coded
    complete: tuple[int, ...]  # those every compared coder coded: what span figures rest on
    rows: list[AgreementRow]  # the table: variables, labels, layers, all (what the CSV holds)
    roles: list[RoleAgreement]
    matrix: list[PairAgreement]
    documents: list[DocumentAgreement]
    disagreements: list[Disagreement]
    notes: list[str] = field(default_factory=list)

    @property
    def problem(self) -> str | None:
        """Why nothing at all can be compared (fewer than two coders, no document coded twice), else None."""
        if len(self.coders) < 2:
            return ("No two coders have coded the same document yet, so there is no agreement to compute: "
                    "give two coders or more the same documents to code, then merge their work into one project.")
        if not self.units:
            return (f"No document was coded by two of {', '.join(self.coders)}, so there is nothing to compare; "
                    "a coder has coded a document once they tagged it, answered its codesheet or marked it coded.")
        return None

    def pair(self, first: str, second: str) -> PairAgreement:
        for cell in self.matrix:
            if {cell.first, cell.second} == {first, second}:
                return cell
        raise KeyError((first, second))


def agreement(project: ProjectLike, *, coders: Iterable[str] | None = None, documents: Iterable[int] | None = None,
              level: str | None = None, on_progress: Progress | None = None) -> AgreementReport:
    """Every agreement figure of the project's coders (or those named) over the documents two of them coded.

    documents limits the units to these ids; level (nominal, ordinal, interval, ratio)
    compares every variable whose type allows it at that level instead of its own.
    on_progress(done, total) runs between steps (see the module's docstring); answering
    False raises AgreementCancelled.
    """
    if level is not None and level not in LEVELS:
        raise ProjectError(f"Unknown level {level!r}; use one of {', '.join(LEVELS)}.")
    with _no_cycle_collection():
        return _agreement(project, coders, documents, level, _Steps(on_progress))


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while the figures are computed.

    A thousand documents make some half a million tuples, none of them in a cycle; the
    collector would walk them all again and again as they pile up, a fifth of the time.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _agreement(project: ProjectLike, coders: Iterable[str] | None, documents: Iterable[int] | None,
               level: str | None, step: _Steps) -> AgreementReport:
    step()
    coded = read_coded(project, coders, documents, step)
    report = AgreementReport(tuple(coded.coders), tuple(coded.units), tuple(coded.complete()), [], [], [], [], [],
                             coded.notes)
    if report.problem is not None:
        step.total = step.done = 1
        step()
        return report
    items = variable_items(coded, level) + whole_document_items(coded)
    step.total = len(coded.units) + len(items) + PHASES_AFTER_SWEEP
    step()
    report.rows.extend(item_figures(coded, items, step))
    swept_before = step.done
    tallies = SpanTallies(coded, step)
    step(len(coded.units) - (step.done - swept_before))  # the documents with no span at all, swept at once
    report.rows.extend(span_figures(coded, tallies))
    step(1)
    report.roles, role_places = role_figures(coded, tallies)
    report.rows.extend(AgreementRow("layer", f"{r.layer}: {r.name}", report.coders, r.figure) for r in report.roles)
    step(1)
    for first, second in tallies.pairs:
        i, j = coded.coders.index(first), coded.coders.index(second)
        report.matrix.append(PairAgreement(first, second, len(tallies.pair_documents(first, second)),
                                           pair_f1(coded, tallies, first, second), pair_alpha(coded, items, i, j)))
        step()
    step(1)
    whole = {name for name, *_ in items if name.startswith("whole document: ")}
    report.disagreements = [Disagreement(doc, "whole document" if name in whole else "variable", name, None, None,
                                         versions) for doc, name, versions in item_disagreements(coded, items)]
    report.disagreements += span_disagreements(tallies) + role_places
    report.disagreements.sort(key=lambda d: (d.document, d.start is not None, d.start or 0, d.kind, d.name))
    step(1)
    per_document: dict[int, int] = {}
    for place in report.disagreements:
        per_document[place.document] = per_document.get(place.document, 0) + 1
    for doc, (figure, spans) in document_f1(coded, tallies).items():
        report.documents.append(DocumentAgreement(doc, coded.titles[doc], coded.coded_by[doc], spans, figure,
                                                  per_document.get(doc, 0)))
    left_out = len(report.units) - len(report.complete)
    if left_out and report.complete:
        report.notes.append(f"Span figures rest on the {len(report.complete):,} documents every compared coder "
                            f"coded; {left_out:,} more were coded by only some (the coder x coder matrix counts "
                            "them; compare fewer coders with --coders to use them).")
    step(1)
    return report


def format_agreement_report(report: AgreementReport) -> str:
    """What `annotator agreement` prints: a summary line, the table, the coder x coder matrix and notes."""
    if report.problem is not None:
        return report.problem
    summary = (f"Agreement of {', '.join(report.coders)} over {len(report.units):,} "
               f"document{'s' * (len(report.units) != 1)} coded by two or more of them "
               f"({len(report.complete):,} by all).")
    lines = [summary, "", format_agreement_table(report.rows)]
    if len(report.coders) > 2:
        lines += ["", "F1 (overlapping boundaries, every span) between each pair of coders:",
                  *_matrix(report)]
    spotted = len(report.disagreements)
    where = sum(1 for d in report.documents if d.disagreements)
    lines += ["", f"{spotted:,} place{'s' * (spotted != 1)} where the coders differ in {where:,} documents."]
    lines += [f"Note: {note}" for note in report.notes]
    return "\n".join(lines)


def _matrix(report: AgreementReport) -> list[str]:
    names = list(report.coders)
    cells = [["", *names]]
    for row in names:
        line = [row]
        for column in names:
            if row == column:
                line.append("")
                continue
            figure = report.pair(row, column).f1_overlap
            line.append("-" if figure.value is None else f"{figure.value:.3f}")
        cells.append(line)
    widths = [max(display_width(line[i]) for line in cells) for i in range(len(cells[0]))]
    return ["  " + "  ".join(fit(cell, w) for cell, w in zip(line, widths)).rstrip() for line in cells]
