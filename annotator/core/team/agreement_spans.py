"""Agreement on spans, fed from a project's codes to the math in unitizing.py and span_f1.py.

- Unitizing alpha (per label, per layer) and the binary |u-alpha (per layer) rest on the
  unit documents every compared coder coded: Krippendorff's u-alpha has each coder cut
  the same continuum, and a coder who never saw a document did not say it holds nothing.
- F1, exact and overlapping, matches each pair of coders' spans label to label as the
  math's match_spans does, per document (span_sweep does all the matching in one pass). The label, layer and whole-project figures sum those
  matches over the same documents as u-alpha and average over pairs as
  pairwise_span_f1_by_label does; the coder x coder matrix sums them over the documents
  each pair coded, and the per-document table over each document.
- Roles and attributes: each pair of coders' spans of one layer are matched by overlap
  whatever their label (as match_spans would with the layer as the label), over the documents both
  coded; every matched pair is a unit of a nominal alpha (numbers: interval) of the label,
  each role (claim source, stance target and holder, entity link) and each attribute.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import combinations

from annotator.core.team.agreement_data import Coded, CodedSpan
from annotator.core.team.alpha import krippendorff_alpha
from annotator.core.team.results import Agreement, undefined
from annotator.core.team.span_sweep import Swept, Unitized, sweep
from annotator.core.team.table import AgreementRow
from annotator.core.team.unitizing import (
    expected_disagreement,
    unitizing_figure,
    unitizing_shortfall,
)

Pair = tuple[str, str]


@dataclass(frozen=True)
class Disagreement:
    """One place where the coders differ, for the window to open: a document, what, where, and each version."""

    document: int
    kind: str  # "span", "variable", "whole document", "role", "attribute", "label"
    name: str  # the layer, the variable, or "claim: source"
    start: int | None  # the disputed range in code points (spans, roles); None for the document as a whole
    end: int | None
    versions: dict[str, str]  # coder -> what they coded there ("(nothing)" when they marked nothing)


@dataclass(frozen=True)
class RoleAgreement:
    layer: str
    name: str  # "label", "source", "target", "holder", "entity link" or an attribute's name
    kind: str  # "label", "role" or "attribute"
    matched: int  # matched pairs of spans (pairable or not)
    figure: Agreement


class SpanTallies:
    """Span counts per coder and matches per pair, per (document, label), exact and overlapping."""

    def __init__(self, coded: Coded, tick: Callable[[int], None] | None = None):
        self.coded = coded
        self.layer_of = {label: layer for layer, names in coded.labels.items() for label in names}
        self.counts: dict[str, Counter] = {}
        for coder, spans in coded.spans.items():
            self.counts[coder] = Counter((s.document, s.label) for s in spans)
            self.layer_of.update((s.label, s.layer) for s in spans if s.label not in self.layer_of)
        self.pairs: list[Pair] = list(combinations(coded.coders, 2))
        self._documents = {pair: {d for d, who in coded.coded_by.items() if pair[0] in who and pair[1] in who}
                           for pair in self.pairs}
        self.swept = sweep(coded, tick)
        self.matches: dict[bool, dict[Pair, Counter]] = self.swept.matches
        self._sums: dict[tuple, dict] = {}

    def pair_documents(self, x: str, y: str) -> set[int]:
        return self._documents[x, y]

    def tallies(self, overlap: bool, documents: set[int], key) -> dict[object, list[list[int]]]:
        """key(label) -> per pair [matches, spans of the first, spans of the second] over these documents."""
        per_label = self._per_label(overlap, documents)
        found: dict[object, list[list[int]]] = defaultdict(lambda: [[0, 0, 0] for _ in self.pairs])
        for label, rows in per_label.items():
            into = found[key(label)]
            for p, row in enumerate(rows):
                for i in range(3):
                    into[p][i] += row[i]
        return found

    def _per_label(self, overlap: bool, documents: set[int]) -> dict[str, list[list[int]]]:
        cached = self._sums.get((overlap, id(documents)))
        if cached is not None and cached[0] is documents:
            return cached[1]
        found: dict[str, list[list[int]]] = defaultdict(lambda: [[0, 0, 0] for _ in self.pairs])
        totals = {coder: Counter() for coder in self.coded.coders}
        for coder, counts in self.counts.items():
            total = totals[coder]
            for (doc, label), n in counts.items():
                if doc in documents:
                    total[label] += n
        for p, (x, y) in enumerate(self.pairs):
            for (doc, label), n in self.matches[overlap][x, y].items():
                if doc in documents:
                    found[label][p][0] += n
            for side, coder in ((1, x), (2, y)):
                for label, n in totals[coder].items():
                    found[label][p][side] += n
        self._sums[overlap, id(documents)] = (documents, found)
        return found


def _f1(measure: str, tallies: list[list[int]], coders: list[str], documents: int, what: str) -> Agreement:
    """The mean over pairs of coders of 2 x matches / spans, pairs with no spans left out (as span_f1 does)."""
    values = [2 * m / (na + nb) for m, na, nb in tallies if na + nb]
    units = sum(tallies[0][1:]) + sum(t[2] for t in tallies[1:len(coders) - 1]) if tallies else 0
    if not values:
        return undefined(measure, f"no coder marked {what} in these documents", coders=len(coders),
                         documents=documents, units=units)
    return Agreement(measure, sum(values) / len(values), len(coders), documents, units)


def _none_complete(measure: str, coded: Coded) -> Agreement:
    return undefined(measure, f"no document was coded by every one of {', '.join(coded.coders)}; compare fewer "
                              "coders with --coders", coders=len(coded.coders))


def span_figures(coded: Coded, tallies: SpanTallies) -> list[AgreementRow]:
    """Label, layer and whole-project rows: u-alpha, |u-alpha, F1 exact and overlapping."""
    complete = coded.complete()
    where = set(complete)
    lengths = {doc: coded.lengths[doc] for doc in complete}
    coders = tuple(coded.coders)
    used = sorted({tallies.layer_of[s.label] for spans in coded.spans.values() for s in spans},
                  key=lambda layer: list(coded.labels).index(layer) if layer in coded.labels else 99)
    rows: list[AgreementRow] = []
    if not used:
        return rows
    f1 = {overlap: (tallies.tallies(overlap, where, lambda label: label),
                    tallies.tallies(overlap, where, tallies.layer_of.get),
                    tallies.tallies(overlap, where, lambda label: "all")) for overlap in (False, True)}
    pooled_o = pooled_e = 0.0
    pooled_units, pooled_ok = 0, True
    for layer in used:
        if complete:
            layer_alpha, per_label, binary = _unitizing(coded, tallies.swept, layer, lengths)
        else:
            layer_alpha, per_label, binary = _none_complete("u_alpha", coded), {}, _none_complete(
                "binary_u_alpha", coded)
        for label, figure in per_label.items():
            rows.append(AgreementRow("label", label, coders, figure))
            for overlap in (False, True):
                rows.append(AgreementRow("label", label, coders, _f1(
                    "f1_overlap" if overlap else "f1_exact", f1[overlap][0][label], coded.coders, len(complete),
                    repr(label))))
        rows.append(AgreementRow("layer", layer, coders, layer_alpha))
        rows.append(AgreementRow("layer", layer, coders, binary))
        for overlap in (False, True):
            rows.append(AgreementRow("layer", layer, coders, _f1(
                "f1_overlap" if overlap else "f1_exact", f1[overlap][1].get(layer, []) or [[0, 0, 0]],
                coded.coders, len(complete), f"any {layer} span")))
        if layer_alpha.observed is not None:
            pooled_o, pooled_e = pooled_o + layer_alpha.observed, pooled_e + layer_alpha.expected
            pooled_units += layer_alpha.units
        elif layer_alpha.units:
            pooled_ok = False
    if not complete:
        rows.append(AgreementRow("all", "all layers", coders, _none_complete("u_alpha", coded)))
    elif not pooled_ok or pooled_e == 0:
        rows.append(AgreementRow("all", "all layers", coders, undefined(
            "u_alpha", "a layer's u-alpha has no value, so neither has their pool", coders=len(coders),
            documents=len(complete), units=pooled_units)))
    else:
        rows.append(AgreementRow("all", "all layers", coders, Agreement(
            "u_alpha", 1 - pooled_o / pooled_e, len(coders), len(complete), pooled_units,
            observed=pooled_o, expected=pooled_e)))
    for overlap in (False, True):
        rows.append(AgreementRow("all", "all layers", coders, _f1(
            "f1_overlap" if overlap else "f1_exact", f1[overlap][2].get("all", []) or [[0, 0, 0]], coded.coders,
            len(complete), "any span")))
    return rows


def _unitizing(coded: Coded, swept: Swept, layer: str, lengths: dict[int, int]
               ) -> tuple[Agreement, dict[str, Agreement], Agreement]:
    """A layer's u-alpha (its labels pooled), each label's, and its binary |u-alpha, from the sweep's parts."""
    coders, documents = len(coded.coders), len(lengths)
    short = unitizing_shortfall("u_alpha", coders, lengths)
    if short is not None:
        return short, {}, unitizing_shortfall("binary_u_alpha", coders, lengths)
    length = sum(lengths.values())

    def parts(found: Unitized) -> tuple[float, float, int]:
        d_o = 2 * found.observed / (coders * (coders - 1) * length * length)
        return d_o, expected_disagreement(found.lengths, found.gaps, coders, length), sum(found.lengths.values())

    per_label, sum_o, sum_e, n = {}, 0.0, 0.0, 0
    for label in swept.marked.get(layer, []):
        d_o, d_e, n_c = parts(swept.labels[label])
        per_label[label] = unitizing_figure("u_alpha", d_o, d_e, n_c, coders, documents, f"{label!r}")
        sum_o, sum_e, n = sum_o + d_o, sum_e + d_e, n + n_c
    pooled = unitizing_figure("u_alpha", sum_o, sum_e, n, coders, documents, "any of these labels")
    binary = unitizing_figure("binary_u_alpha", *parts(swept.layers.get(layer) or Unitized()), coders, documents,
                              "any span")
    return pooled, per_label, binary


def pair_f1(coded: Coded, tallies: SpanTallies, x: str, y: str) -> Agreement:
    """F1 with overlapping boundaries of two coders over every span of the documents both coded."""
    docs = tallies.pair_documents(x, y)
    p = tallies.pairs.index((x, y))
    found = tallies.tallies(True, docs, lambda label: "all").get("all")
    tally = [found[p]] if found else [[0, 0, 0]]
    return _f1("f1_overlap", tally, [x, y], len(docs), "any span")


def document_f1(coded: Coded, tallies: SpanTallies) -> dict[int, tuple[Agreement, dict[str, int]]]:
    """Per unit document: F1 overlapping among the coders who coded it, and how many spans each marked."""
    per_doc: dict[int, list[list[int]]] = {doc: [[0, 0, 0] for _ in tallies.pairs] for doc in coded.units}
    spans: dict[int, Counter] = defaultdict(Counter)
    for coder, counts in tallies.counts.items():
        for (doc, _label), n in counts.items():
            spans[doc][coder] += n
    for p, pair in enumerate(tallies.pairs):
        for (doc, _label), n in tallies.matches[True][pair].items():
            per_doc[doc][p][0] += n
    found = {}
    for doc in coded.units:
        who = coded.coded_by[doc]
        rows = [[per_doc[doc][p][0], spans[doc][x], spans[doc][y]]
                for p, (x, y) in enumerate(tallies.pairs) if x in who and y in who]
        found[doc] = (_f1("f1_overlap", rows, list(who), 1, "any span"), {c: spans[doc][c] for c in who})
    return found


# -- roles and attributes of matched spans -------------------------------------------------------


def role_figures(coded: Coded, tallies: SpanTallies) -> tuple[list[RoleAgreement], list[Disagreement]]:
    """Alpha of the label, each role and each attribute over each layer's spans matched by overlap.

    Each pair of coders' spans of one layer are matched whatever their label (the sweep does
    it with the math's matching), over the documents both coded.
    """
    results, places = [], []
    for layer in coded.labels:
        matched = tallies.swept.roles.get(layer)
        if not matched:
            continue
        coders = len({x for x, *_ in matched} | {y for _, y, *_ in matched})
        documents = len({a.document for _, _, a, _ in matched})
        firsts = [a for _, _, a, _ in matched]
        seconds = [b for _, _, _, b in matched]
        questions: list[tuple[str, str, str, object]] = [("label", "label", "nominal", _label)]
        questions += [(role, "role", "nominal", _role(r)) for r, (role, _) in enumerate(matched[0][2].roles)]
        questions += [(name, "attribute", "interval" if kind == "number" else "nominal", _attribute(name, kind, coded))
                      for (where, name), kind in sorted(coded.attribute_kinds.items()) if where == layer]
        first_ids, second_ids = [a.id for a in firsts], [b.id for b in seconds]
        for name, kind, level, get in questions:
            # Two columns, first and second of each pair: alpha needs only the values a unit holds.
            if kind == "attribute":  # a table of the annotations that have it, looked up by id
                data = list(zip(map(get.get, first_ids), map(get.get, second_ids)))
            else:
                data = list(zip(map(get, firsts), map(get, seconds)))
            figure = krippendorff_alpha(data, level, documents=documents)
            if figure.coders:
                figure = replace(figure, coders=coders)
            results.append(RoleAgreement(layer, name, kind, len(matched), figure))
            if kind == "label":  # a label that differs is already a span place (span_disagreements)
                continue
            places.extend(Disagreement(a.document, kind, f"{layer}: {name}", min(a.start, b.start), max(a.end, b.end),
                                       {x: str(va), y: str(vb)})
                          for (x, y, a, b), (va, vb) in zip(matched, data)
                          if va != vb and va is not None and vb is not None)
    return results, places


def _label(span: CodedSpan) -> str:
    return span.label


def _role(index: int):
    return lambda span: span.roles[index][1]


def _attribute(name: str, kind: str, coded: Coded) -> dict[int, object]:
    """annotation id -> its value of the attribute (numbers as floats; one that does not read as a number is none)."""
    found = {}
    for annotation, values in coded.attributes.items():
        value = values.get(name)
        if value is not None and kind == "number":
            try:
                value = float(value)
            except ValueError:
                value = None
        if value is not None:
            found[annotation] = value
    return found


# -- where the coders differ -----------------------------------------------------------------------


def span_disagreements(tallies: SpanTallies) -> list[Disagreement]:
    """Each stretch of a document where one layer's spans overlap and not every coder of it marked the same.

    Overlapping spans of every coder form one place; the coders agree there when each
    coder who coded the document marked the same spans (range and label), else the place
    is listed with each coder's version ("(nothing)" when they marked none).
    """
    return [Disagreement(p.document, "span", p.layer, p.start, p.end, p.versions) for p in tallies.swept.places]
