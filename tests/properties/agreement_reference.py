"""How agreement was fed from a project before the fast path (issue 14, item 5): a reference to compare against.

A verbatim copy of annotator/core/team/agreement_data.py, agreement_spans.py,
agreement_variables.py and project_agreement.agreement at the commit before the speed-ups,
over the math in agreement_reference_math. It builds the app's own report classes, so a
report from either compares with ==.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import combinations
from typing import NamedTuple

from annotator.core.coding.variables import KIND_LEVELS, answer_codes
from annotator.core.common.errors import ProjectError
from annotator.core.common.folding import fold
from annotator.core.common.model import LEVELS, Variable
from annotator.core.common.protocols import ProjectLike
from annotator.core.team.agreement_spans import Disagreement, RoleAgreement
from annotator.core.team.kappa import cohen_kappa, fleiss_kappa
from annotator.core.team.project_agreement import (
    AgreementReport,
    DocumentAgreement,
    PairAgreement,
)
from annotator.core.team.results import Agreement, undefined
from annotator.core.team.table import AgreementRow
from tests.properties.agreement_reference_math import (
    Span,
    binary_unitizing_alpha,
    krippendorff_alpha,
    layer_unitizing_alpha,
    match_spans,
    percent_agreement,
)

NONE_GIVEN = "(none)"  # a role the coder left empty on a span they marked: a value, not a gap


class CodedSpan(NamedTuple):
    """One coder's span annotation with what its roles read as (folded names, or NONE_GIVEN)."""

    id: int
    document: int
    start: int
    end: int
    label: str
    layer: str
    roles: tuple[tuple[str, str], ...]  # (role, value): source for claims, target and holder for stances...


class WholeCode(NamedTuple):
    """A whole-document code: a label on the document itself (a stance toward it has a target)."""

    document: int
    coder: str
    label: str
    layer: str
    target: str | None  # folded, for stances


@dataclass
class Coded:
    coders: list[str]  # compared, in the order they joined the project
    units: list[int]  # documents at least two of them coded, in id order
    coded_by: dict[int, tuple[str, ...]]  # unit document -> the compared coders who coded it, in coder order
    lengths: dict[int, int]  # unit document -> length in code points
    titles: dict[int, str]
    spans: dict[str, list[CodedSpan]]  # coder -> spans on unit documents they coded
    whole: list[WholeCode]
    attributes: dict[int, dict[str, str]]  # annotation id -> attribute name -> value
    attribute_kinds: dict[tuple[str, str], str]  # (layer, attribute name) -> kind
    labels: dict[str, list[str]]  # layer -> its codable labels' names, codebook order
    variables: list[Variable]
    answers: dict[int, dict[int, dict[str, str]]]  # variable id -> document -> coder -> stored answer
    notes: list[str] = field(default_factory=list)

    def complete(self) -> list[int]:
        """The unit documents every compared coder coded."""
        everyone = len(self.coders)
        return [d for d in self.units if len(self.coded_by[d]) == everyone]


def _coder_names(project: ProjectLike, coders: Iterable[str] | None) -> dict[int, str] | None:
    """coder id -> name of the coders asked for; None means every coder who shares a document."""
    if coders is None:
        return None
    chosen: dict[int, str] = {}
    for name in coders:
        coder = project.coders.named(name)
        chosen[coder.id] = coder.name
    if len(chosen) < 2:
        raise ProjectError(f"Agreement compares two coders or more; {', '.join(chosen.values()) or 'none'} "
                           f"{'is' if len(chosen) == 1 else 'are'} not enough. Name at least two with --coders.")
    return chosen


def read_coded(project: ProjectLike, coders: Iterable[str] | None = None,
               documents: Iterable[int] | None = None) -> Coded:
    store = project.store
    everyone = {coder.id: coder.name for coder in project.coders.list()}
    chosen = _coder_names(project, coders)
    wanted = None
    if documents is not None:
        wanted = set(documents)
        known = {row[0] for row in store.query("SELECT id FROM documents")}
        unknown = sorted(wanted - known)
        if unknown:
            raise ProjectError(f"There is no document {', '.join(map(str, unknown[:5]))}"
                               f"{' ...' if len(unknown) > 5 else ''}; `annotator search` lists their ids.")
    who: dict[int, set[int]] = defaultdict(set)
    for doc, coder in store.query("SELECT document_id, coder_id FROM coded_documents UNION "
                                  "SELECT DISTINCT document_id, coder_id FROM annotations UNION "
                                  "SELECT DISTINCT document_id, coder_id FROM variable_values"):
        # The gold layer (adjudicated codes) is no coder to agree with, unless named in --coders.
        if coder in (everyone if chosen is None else chosen) and (wanted is None or doc in wanted):
            who[doc].add(coder)
    shared = {doc: found for doc, found in who.items() if len(found) >= 2}
    if chosen is None:
        ids = sorted({coder for found in shared.values() for coder in found})
        chosen = {coder: everyone[coder] for coder in ids}
    order = sorted(chosen)  # the order coders joined the project
    names = [chosen[c] for c in order]
    units = sorted(shared)
    coded_by = {doc: tuple(chosen[c] for c in order if c in shared[doc]) for doc in units}
    lengths, titles = {}, {}
    for doc, title, length in store.query("SELECT id, title, length(text) FROM documents"):
        if doc in shared:
            lengths[doc], titles[doc] = length, title
    labels: dict[str, list[str]] = defaultdict(list)
    for label in project.codebook.codable_labels():
        labels[label.layer].append(label.name)
    coded = Coded(names, units, coded_by, lengths, titles, {name: [] for name in names}, [], {}, {}, dict(labels),
                  project.variables.list(), {})
    _read_annotations(store, coded, chosen)
    _read_answers(store, coded, chosen)
    return coded


def _read_annotations(store, coded: Coded, chosen: dict[int, str]) -> None:
    entities = dict(store.query("SELECT id, name FROM entities"))

    def shown(entity_id, text):
        if entity_id is not None and entity_id in entities:
            return fold(entities[entity_id])
        return fold(text) if text else NONE_GIVEN

    coded_by = coded.coded_by
    rows = store.query(
        "SELECT a.id, a.document_id, a.coder_id, l.name, l.layer, a.span_start, a.span_end, a.entity_id, "
        "a.source_entity_id, a.source, a.target_entity_id, a.target, a.holder_entity_id, a.holder "
        "FROM annotations a JOIN labels l ON l.id = a.label_id")  # no order: the math sorts what it needs
    kept: list[int] = []
    for (ann, doc, coder_id, label, layer, start, end, entity, source_id, source, target_id, target,
         holder_id, holder) in rows:
        if doc not in coded_by or coder_id not in chosen:
            continue
        coder = chosen[coder_id]
        if layer == "stance":
            roles = (("target", shown(target_id, target)), ("holder", shown(holder_id, holder)))
        elif layer == "claim":
            roles = (("source", shown(source_id, source)),)
        elif layer == "entity":
            roles = (("entity link", shown(entity, None)),)
        else:
            roles = ()
        if start is None:
            target_shown = dict(roles).get("target") if layer == "stance" else None
            coded.whole.append(WholeCode(doc, coder, label, layer, target_shown))
        elif end > start:  # an empty span has no extent to agree on
            coded.spans[coder].append(CodedSpan(ann, doc, start, end, label, layer, roles))
            kept.append(ann)
    kinds: dict[tuple[str, str], str] = {}
    for label_layer, name, kind in store.query(
            "SELECT l.layer, a.name, a.kind FROM label_attributes a JOIN labels l ON l.id = a.label_id"):
        # One name in a layer is one question (intensity on Favor, Against ...); a number anywhere makes it numeric.
        kinds[label_layer, name] = kind if kinds.get((label_layer, name), kind) == kind else "text"
    coded.attribute_kinds = kinds
    if not kinds:
        return
    wanted = set(kept)
    for ann, name, value in store.query(
            "SELECT v.annotation_id, a.name, v.value FROM annotation_values v "
            "JOIN label_attributes a ON a.id = v.attribute_id"):
        if ann in wanted:
            coded.attributes.setdefault(ann, {})[name] = value


def _read_answers(store, coded: Coded, chosen: dict[int, str]) -> None:
    coded_by = coded.coded_by
    for variable_id, doc, coder_id, value in store.query(
            "SELECT variable_id, document_id, coder_id, value FROM variable_values"):
        if doc in coded_by and coder_id in chosen:
            coded.answers.setdefault(variable_id, {}).setdefault(doc, {})[chosen[coder_id]] = value




Pair = tuple[str, str]

class SpanTallies:
    """Span counts per coder and matches per pair, per (document, label), exact and overlapping."""

    def __init__(self, coded: Coded):
        self.coded = coded
        self.layer_of = {label: layer for layer, names in coded.labels.items() for label in names}
        self.counts: dict[str, Counter] = {}
        self.plain: dict[str, list[Span]] = {}
        plain = self.plain
        for coder, spans in coded.spans.items():
            plain[coder] = [Span(s.document, s.start, s.end, s.label) for s in spans]
            self.counts[coder] = Counter((s.document, s.label) for s in spans)
            self.layer_of.update((s.label, s.layer) for s in spans if s.label not in self.layer_of)
        self.pairs: list[Pair] = list(combinations(coded.coders, 2))
        self._documents = {pair: {d for d, who in coded.coded_by.items() if pair[0] in who and pair[1] in who}
                           for pair in self.pairs}
        self.matches: dict[bool, dict[Pair, Counter]] = {False: {}, True: {}}
        for x, y in self.pairs:
            docs = self._documents[x, y]
            a = [s for s in plain[x] if s.document in docs]
            b = [s for s in plain[y] if s.document in docs]
            # Exact matches one to one are the multiset intersection, what match_spans(overlap=False)
            # finds group by group, taken at once.
            self.matches[False][x, y] = Counter((s.document, s.label) for s in (Counter(a) & Counter(b)).elements())
            self.matches[True][x, y] = Counter((s.document, s.label) for s, _ in match_spans(a, b, overlap=True))
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
        layer_of = tallies.layer_of
        spans = {coder: [s for s in found if s.document in where and layer_of[s.label] == layer]
                 for coder, found in tallies.plain.items()}
        if complete:
            layer_alpha, per_label = layer_unitizing_alpha(spans, lengths)
            binary = binary_unitizing_alpha(spans, lengths)
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


class _LayerSpan(NamedTuple):
    """A span as match_spans sees it, with the layer for its label so any two labels of a layer match;
    match_spans hands back the very spans it was given, so `span` leads back to the annotation."""

    document: int
    start: int
    end: int
    label: str
    span: CodedSpan


def role_figures(coded: Coded, tallies: SpanTallies) -> tuple[list[RoleAgreement], list[Disagreement]]:
    results, places = [], []
    by_layer: dict[str, dict[str, list[_LayerSpan]]] = {coder: defaultdict(list) for coder in coded.coders}
    for coder, spans in coded.spans.items():
        for s in spans:
            by_layer[coder][s.layer].append(_LayerSpan(s.document, s.start, s.end, s.layer, s))
    for layer in coded.labels:
        matched: list[tuple[str, str, CodedSpan, CodedSpan]] = []
        for x, y in tallies.pairs:
            docs = tallies.pair_documents(x, y)
            a = [s for s in by_layer[x].get(layer, ()) if s.document in docs]
            b = [s for s in by_layer[y].get(layer, ()) if s.document in docs]
            if a and b:
                matched.extend((x, y, first.span, second.span) for first, second in match_spans(a, b, overlap=True))
        if not matched:
            continue
        coders = len({x for x, *_ in matched} | {y for _, y, *_ in matched})
        documents = len({a.document for _, _, a, _ in matched})
        questions: list[tuple[str, str, str, object]] = [("label", "label", "nominal", _label)]
        questions += [(role, "role", "nominal", _role(r)) for r, (role, _) in enumerate(matched[0][2].roles)]
        questions += [(name, "attribute", "interval" if kind == "number" else "nominal", _attribute(name, kind, coded))
                      for (where, name), kind in sorted(coded.attribute_kinds.items()) if where == layer]
        for name, kind, level, get in questions:
            # Two columns, first and second of each pair: alpha needs only the values a unit holds.
            data = [[get(a), get(b)] for _, _, a, b in matched]
            figure = krippendorff_alpha(data, level, documents=documents)
            if figure.coders:
                figure = replace(figure, coders=coders)
            results.append(RoleAgreement(layer, name, kind, len(matched), figure))
            if kind == "label":  # a label that differs is already a span place (span_disagreements)
                continue
            places.extend(Disagreement(a.document, kind, f"{layer}: {name}", min(a.start, b.start), max(a.end, b.end),
                                       {x: str(va), y: str(vb)})
                          for (x, y, a, b), (va, vb) in zip(matched, data)
                          if va is not None and vb is not None and va != vb)
    return results, places


def _label(span: CodedSpan) -> str:
    return span.label


def _role(index: int):
    return lambda span: span.roles[index][1]


def _attribute(name: str, kind: str, coded: Coded):
    values = coded.attributes

    def get(span: CodedSpan):
        given = values.get(span.id)
        found = None if given is None else given.get(name)
        if found is not None and kind == "number":
            try:
                return float(found)
            except ValueError:
                return None
        return found

    return get


# -- where the coders differ -----------------------------------------------------------------------


def span_disagreements(coded: Coded) -> list[Disagreement]:
    """Each stretch of a document where one layer's spans overlap and not every coder of it marked the same.

    Overlapping spans of every coder form one place; the coders agree there when each
    coder who coded the document marked the same spans (range and label), else the place
    is listed with each coder's version ("(nothing)" when they marked none).
    """
    by_place: dict[tuple[int, str], list[tuple[int, int, str, str]]] = defaultdict(list)
    for coder, spans in coded.spans.items():
        for s in spans:
            by_place[s.document, s.layer].append((s.start, s.end, s.label, coder))
    places = []
    for (doc, layer), marks in sorted(by_place.items()):
        marks.sort()
        who = coded.coded_by[doc]
        cluster: list[tuple[int, int, str, str]] = []
        reach = -1
        for mark in [*marks, None]:
            if mark is not None and mark[0] < reach:
                cluster.append(mark)
                reach = max(reach, mark[1])
                continue
            if cluster:
                versions = {coder: [] for coder in who}
                for start, end, label, coder in cluster:
                    versions[coder].append(f"{label} {start}-{end}")
                shown = {coder: "; ".join(found) or "(nothing)" for coder, found in versions.items()}
                if len(set(shown.values())) > 1:
                    places.append(Disagreement(doc, "span", layer, cluster[0][0], reach, shown))
            if mark is not None:
                cluster, reach = [mark], mark[1]
    return places




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


def item_figures(coded: Coded, items: list[Item]) -> list[AgreementRow]:
    rows = []
    for name, level, data, order, _show in items:
        who = _contributors(coded.coders, data)
        rows.append(AgreementRow("variable", name, who, krippendorff_alpha(data, level, order=order)))
        rows.append(AgreementRow("variable", name, who, percent_agreement(data)))
        kappa = cohen_kappa(data) if len(coded.coders) == 2 else fleiss_kappa(data)
        rows.append(AgreementRow("variable", name, who, kappa))
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




def agreement(project: ProjectLike, *, coders: Iterable[str] | None = None, documents: Iterable[int] | None = None,
              level: str | None = None) -> AgreementReport:
    """Every agreement figure of the project's coders (or those named) over the documents two of them coded.

    documents limits the units to these ids; level (nominal, ordinal, interval, ratio)
    compares every variable whose type allows it at that level instead of its own.
    """
    if level is not None and level not in LEVELS:
        raise ProjectError(f"Unknown level {level!r}; use one of {', '.join(LEVELS)}.")
    coded = read_coded(project, coders, documents)
    report = AgreementReport(tuple(coded.coders), tuple(coded.units), tuple(coded.complete()), [], [], [], [], [],
                             coded.notes)
    if report.problem is not None:
        return report
    items = variable_items(coded, level) + whole_document_items(coded)
    report.rows.extend(item_figures(coded, items))
    tallies = SpanTallies(coded)
    report.rows.extend(span_figures(coded, tallies))
    report.roles, role_places = role_figures(coded, tallies)
    report.rows.extend(AgreementRow("layer", f"{r.layer}: {r.name}", report.coders, r.figure) for r in report.roles)
    for first, second in tallies.pairs:
        i, j = coded.coders.index(first), coded.coders.index(second)
        report.matrix.append(PairAgreement(first, second, len(tallies.pair_documents(first, second)),
                                           pair_f1(coded, tallies, first, second), pair_alpha(coded, items, i, j)))
    whole = {name for name, *_ in items if name.startswith("whole document: ")}
    report.disagreements = [Disagreement(doc, "whole document" if name in whole else "variable", name, None, None,
                                         versions) for doc, name, versions in item_disagreements(coded, items)]
    report.disagreements += span_disagreements(coded) + role_places
    report.disagreements.sort(key=lambda d: (d.document, d.start is not None, d.start or 0, d.kind, d.name))
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
    return report
