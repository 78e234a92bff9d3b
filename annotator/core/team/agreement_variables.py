"""Agreement on document variables and whole-document codes, as reliability data for the math in alpha/kappa.

Each unit document is a row, each compared coder a column; a coder who did not answer a
variable (or did not code the document) leaves a gap, which alpha takes as Krippendorff
defines missing values and the kappas leave out with the row.

- A single choice compares its codes; at the ordinal level in the order of its choices.
- A number compares its value; a date its day number (interval) or its order (ordinal).
- A yes/no and a short text compare as nominal values (text exactly as stored, tidied).
- A multiple choice becomes one yes/no item per choice ("topics: Economy"): a coder who
  answered the variable said yes or no to each choice. That is how a check-all-that-apply
  question is usually reported; a set distance (MASI) would need a metric alpha lacks.
- Whole-document codes: per layer, one nominal item per stance target ("whole document:
  stance toward walmart"), or per label for the other layers ("whole document: Claim", coded
  or not). A coder who coded the document and gave no stance toward that target says
  "(none)", a value like any other; two stances toward one target read as both labels.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date

from annotator.core.coding.variables import KIND_LEVELS, answer_codes
from annotator.core.common.model import Variable
from annotator.core.team.agreement_data import NONE_GIVEN, Coded
from annotator.core.team.alpha import krippendorff_alpha, percent_agreement
from annotator.core.team.kappa import cohen_kappa, fleiss_kappa
from annotator.core.team.results import Agreement
from annotator.core.team.table import AgreementRow

Item = tuple[str, str, list[list], list | None, Callable[[object], str]]
# name, level, units x coders data, ordinal order, how a value reads in a list of disagreements


def _converter(variable: Variable) -> Callable[[str], object]:
    if variable.kind in ("single_choice", "yes_no"):
        return int
    if variable.kind == "number":
        return float
    if variable.kind == "date":
        return lambda stored: date.fromisoformat(stored).toordinal()
    return str


def _reader(variable: Variable) -> Callable[[object], str]:
    if variable.kind == "single_choice":
        return lambda code: f"{code} = {variable.label_of(code) or '?'}"
    if variable.kind == "yes_no":
        return lambda code: "yes" if code == 1 else "no"
    if variable.kind == "number":
        return lambda value: f"{value:g}"
    if variable.kind == "date":
        return lambda day: date.fromordinal(day).isoformat()
    return str


def _yes_no(value: object) -> str:
    return "yes" if value == 1 else "no"


def variable_items(coded: Coded, level: str | None) -> list[Item]:
    """Every variable as one item or more (a multiple choice: one per choice), with its level."""
    items: list[Item] = []
    kept_own = []
    for variable in coded.variables:
        use = variable.level
        if level is not None:
            if level in KIND_LEVELS[variable.kind]:
                use = level
            else:
                kept_own.append(variable.name)
        answers = coded.answers.get(variable.id, {})
        if variable.kind == "multiple_choice":
            for choice in variable.choices:
                data = [[None if (given := answers.get(doc, {}).get(coder)) is None
                         else int(choice.code in answer_codes(variable, given)) for coder in coded.coders]
                        for doc in coded.units]
                items.append((f"{variable.name}: {choice.label}", "nominal", data, None, _yes_no))
            continue
        convert = _converter(variable)
        data = [[None if (given := answers.get(doc, {}).get(coder)) is None else convert(given)
                 for coder in coded.coders] for doc in coded.units]
        order = [choice.code for choice in variable.choices] if use == "ordinal" and variable.choices else None
        items.append((variable.name, use, data, order, _reader(variable)))
    if kept_own:
        coded.notes.append(f"--level {level} does not fit {', '.join(kept_own)}: "
                           f"{'it keeps its' if len(kept_own) == 1 else 'they keep their'} own level.")
    return items


def whole_document_items(coded: Coded) -> list[Item]:
    given: dict[tuple[str, str], dict[tuple[int, str], set[str]]] = defaultdict(lambda: defaultdict(set))
    for code in coded.whole:
        if code.layer == "stance":
            given["stance", code.target or NONE_GIVEN][code.document, code.coder].add(code.label)
        else:
            given[code.layer, code.label][code.document, code.coder].add("yes")
    items: list[Item] = []
    for (layer, what), values in sorted(given.items()):
        name = f"whole document: stance toward {what}" if layer == "stance" else f"whole document: {what}"
        absent = NONE_GIVEN if layer == "stance" else "no"
        data = [[("+".join(sorted(values[doc, coder])) if (doc, coder) in values else absent)
                 if coder in coded.coded_by[doc] else None for coder in coded.coders] for doc in coded.units]
        items.append((name, "nominal", data, None, str))
    return items


def item_figures(coded: Coded, items: list[Item], tick: Callable[[int], None] | None = None) -> list[AgreementRow]:
    """Alpha, percent agreement and a kappa per item; tick(1) after each item (it may raise)."""
    rows = []
    for name, level, data, order, _show in items:
        who = _contributors(coded.coders, data)
        rows.append(AgreementRow("variable", name, who, krippendorff_alpha(data, level, order=order)))
        rows.append(AgreementRow("variable", name, who, percent_agreement(data)))
        kappa = cohen_kappa(data) if len(coded.coders) == 2 else fleiss_kappa(data)
        rows.append(AgreementRow("variable", name, who, kappa))
        if tick is not None:
            tick(1)
    return rows


def pair_alpha(coded: Coded, items: list[Item], first: int, second: int) -> dict[str, Agreement]:
    """Each item's alpha between two of the compared coders (columns first and second)."""
    return {name: krippendorff_alpha([[row[first], row[second]] for row in data], level, order=order)
            for name, level, data, order, _show in items}


def item_disagreements(coded: Coded, items: list[Item]):
    """(document, item name, {coder: value}) for every unit where the coders who answered differ."""
    for name, _level, data, _order, show in items:
        for doc, row in zip(coded.units, data):
            present = {coder: value for coder, value in zip(coded.coders, row) if value is not None}
            if len(present) >= 2 and len(set(present.values())) > 1:
                yield doc, name, {coder: show(value) for coder, value in present.items()}


def _contributors(coders: list[str], data: list[list]) -> tuple[str, ...]:
    """The coders whose values enter the figure: those with a value in a unit somebody else coded too."""
    used = set()
    for row in data:
        present = [i for i, value in enumerate(row) if value is not None]
        if len(present) >= 2:
            used.update(present)
    return tuple(coder for i, coder in enumerate(coders) if i in used) or tuple(coders)
