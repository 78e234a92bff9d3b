"""The Adjudicate window's rows: adjudication.versions() as lines an analyst reads and a key acts on.

No Qt here: each row says where it is, how the coders stand (a word and a symbol, so it reads
without colour), what each coder and gold have there, and what taking a coder's version of it
would take (adjudication.take's items).
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.coding.variables import answer_text
from annotator.core.common.model import LAYER_NAMES
from annotator.core.project import Project
from annotator.core.team.adjudication import (
    AGREE,
    ALONE,
    BLANK,
    DIFFER,
    GOLD_ONLY,
    Coded,
    Outcome,
    Unit,
    Versions,
)

# The status as a symbol and a word: a greyscale print or a colour-blind reader still tells them apart.
STATUS_TEXT = {AGREE: "✓ agree", DIFFER: "✗ differ", ALONE: "◐ one coder", GOLD_ONLY: "★ gold only",
               BLANK: "– unanswered"}
SNIPPET_CHARS = 48


@dataclass(frozen=True)
class Row:
    status: str  # AGREE, DIFFER, ALONE, GOLD_ONLY or BLANK
    status_text: str
    where: str
    cells: tuple[str, ...]  # one per coder, in the versions' order, then gold
    takes: tuple[tuple[int | str, ...], ...]  # per coder: take()'s items for this row; () when they have none
    span: tuple[int, int] | None  # code points to reveal, for a row in the text
    note: str = ""  # what the coders of an agreed code gave apart


def rows_of(project: Project, view: Versions) -> list[Row]:
    """Codes (whole-document first, then in reading order), then the codesheet's answers."""
    words = _Words(project, view.document_id)
    return [_unit_row(words, view, unit) for unit in view.units] + [
        Row(answer.status, STATUS_TEXT[answer.status], f"Question: {answer.variable.name}",
            tuple(_answer(answer.variable, answer.values.get(c.id)) for c in view.coders)
            + (_answer(answer.variable, answer.gold),),
            tuple((answer.variable.name,) if c.id in answer.values else () for c in view.coders), None)
        for answer in view.answers]


def _unit_row(words: _Words, view: Versions, unit: Unit) -> Row:
    exact = unit.status == AGREE  # every coder has the same boundaries: the place says them once
    if unit.document_level:
        where = f"Whole document · {LAYER_NAMES.get(unit.layer, unit.layer)}{words.toward(unit)}"
    else:
        where = f"{LAYER_NAMES.get(unit.layer, unit.layer)} · «{words.snippet(unit.start, unit.end)}»"
    note = f"they differ in {', '.join(unit.differs_in)}" if unit.differs_in else ""
    apart = ", ".join(unit.differs_in)
    status_text = STATUS_TEXT[unit.status] + (f"; {apart} differ{'' if len(unit.differs_in) > 1 else 's'}"
                                              if unit.differs_in else "")
    cells = tuple(words.codes(unit.versions.get(c.id, []), exact, unit.differs_in) for c in view.coders)
    takes = tuple(tuple(coded.annotation.id for coded in unit.versions.get(c.id, [])) for c in view.coders)
    span = None if unit.document_level or unit.start is None else (unit.start, unit.end)
    return Row(unit.status, status_text, where, cells + (words.codes(unit.gold, exact, unit.differs_in),),
               takes, span, note)


def _answer(variable, stored: str | None) -> str:
    """An answer as its codes with what they mean ("2 = Politics"); a number, date or text as given."""
    if stored is None:
        return "–"
    codes = answer_text(variable, stored, labels=False, separator="\x00").split("\x00")
    labels = answer_text(variable, stored, labels=True, separator="\x00").split("\x00")
    return "; ".join(code if code == label else f"{code} = {label}" for code, label in zip(codes, labels))


class _Words:
    """Labels, roles, attribute names and the document's text, read once per refresh."""

    def __init__(self, project: Project, doc_id: int):
        self._project = project
        self._text = project.documents.text(doc_id)
        self._labels = {label.id: label.name for label in project.codebook.labels()}
        self._attributes: dict[int, dict[int, str]] = {}

    def snippet(self, start: int, end: int) -> str:
        piece = " ".join(self._text[start:end].split())
        return piece if len(piece) <= SNIPPET_CHARS else piece[:SNIPPET_CHARS - 1].rstrip() + "…"

    def toward(self, unit: Unit) -> str:
        """What a whole-document unit is toward (its codes' shared target), as " toward X"."""
        first = next(iter(unit.codes() or unit.gold), None)
        target = self._project.annotations.display_role(first.annotation, "target") if first else None
        return f" toward {target}" if target else ""

    def codes(self, codes: list[Coded], exact: bool, differs_in: list) -> str:
        return "\n".join(self.code(coded, exact, differs_in) for coded in codes) or "–"

    def code(self, coded: Coded, exact: bool, differs_in: list) -> str:
        """A code as one line: label, its own words when boundaries differ, roles, and the details
        coders gave apart on an agreed code."""
        a = coded.annotation
        parts = [self._labels.get(a.label_id, "?")]
        if not a.is_document_level and not exact:
            parts.append(f"«{self.snippet(a.start, a.end)}»")
        annotations = self._project.annotations
        for role, shown in (("source", "source: {}"), ("target", "→ {}"), ("holder", "holder: {}")):
            value = annotations.display_role(a, role)
            if value:
                parts.append(shown.format(value))
        if "entity link" in differs_in:
            parts.append(f"= {annotations.display_role(a, 'entity') or 'no link'}")
        names = self._attribute_names(a.label_id)
        parts += [f"{name}: {coded.values.get(attribute_id, '–')}"
                  for attribute_id, name in names.items() if name in differs_in]
        return " ".join(parts)

    def _attribute_names(self, label_id: int) -> dict[int, str]:
        if label_id not in self._attributes:
            self._attributes[label_id] = {attribute.id: attribute.name
                                          for attribute in self._project.codebook.attributes(label_id)}
        return self._attributes[label_id]


def outcome_text(outcome: Outcome) -> str:
    """What a step put into gold, as the status line says it."""
    if not outcome.changed:
        return "nothing new: gold already has it"
    parts = [_count(n, noun) for n, noun in ((outcome.spans, "span"), (outcome.document_codes, "whole-document code"),
                                             (outcome.answers, "answer")) if n]
    removed = _count(outcome.removed, "gold code or answer", "gold codes and answers")
    if not parts:
        return f"removed {removed}"
    return ", ".join(parts) + (f", replacing {removed}" if outcome.removed else "")


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
