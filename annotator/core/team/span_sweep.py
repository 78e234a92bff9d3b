"""One pass over a project's spans, overlap cluster by overlap cluster, for every span figure of agreement.

Within one document and layer, the marks of every compared coder that chain into one
stretch (each starts before the furthest end so far) are a cluster. Every span figure
looks only inside clusters: spans match (for F1 and for roles) only if they overlap, a
coder's units of a label are joined and misfit only where they overlap, and a place of
disagreement is a cluster. So one sort per document and layer and one walk through its
clusters gives them all; most clusters hold one span per coder of one label, which is
settled in a few comparisons, and only a crowded one goes through the general code.

The general code is the math's own: span_f1's one-to-one matching (made cluster by
cluster it finds the very pairs it finds over the whole document, since its search from
a span never leaves the span's cluster) and unitizing's joining and misfit, which add up
over clusters. What the expected disagreement of u-alpha needs, unit lengths and gaps,
is counted on the way.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from annotator.core.team.agreement_data import Coded, CodedSpan
from annotator.core.team.span_f1 import overlap_pairs
from annotator.core.team.unitizing import join_units, pair_misfit

Pair = tuple[str, str]
Matched = tuple[str, str, CodedSpan, CodedSpan]  # first coder, second coder, their matched spans


@dataclass
class Unitized:
    """What one category's u-alpha is made of over the documents every coder coded."""

    observed: int = 0  # sum over pairs of coders of their misfits
    lengths: Counter = field(default_factory=Counter)  # unit length -> how many units
    gaps: Counter = field(default_factory=Counter)  # gap length -> how many gaps


@dataclass
class Place:
    """A cluster where the coders differ: the document, layer, extent and each coder's version."""

    document: int
    layer: str
    start: int
    end: int
    versions: dict[str, str]


@dataclass
class Swept:
    matches: dict[bool, dict[Pair, Counter]]  # exact?/overlapping -> pair -> (document, label) -> matches
    roles: dict[str, list[Matched]]  # layer -> spans matched by overlap whatever their label, pair by pair
    places: list[Place]
    labels: dict[str, Unitized]  # label -> its u-alpha's parts (complete documents only)
    layers: dict[str, Unitized]  # layer -> its binary |u-alpha's parts
    marked: dict[str, list[str]]  # layer -> labels marked in it on complete documents, sorted


def _role_order(span: CodedSpan) -> tuple:
    return span.start, span.end, span.id


def sweep(coded: Coded) -> Swept:
    coders = coded.coders
    m = len(coders)
    pair_of = {(x, y): (coders[x], coders[y]) for x, y in combinations(range(m), 2)}
    matches: dict[bool, dict[Pair, Counter]] = {False: {p: Counter() for p in pair_of.values()},
                                                True: {p: Counter() for p in pair_of.values()}}
    roles: dict[str, dict[Pair, list[Matched]]] = defaultdict(lambda: {p: [] for p in pair_of.values()})
    complete = set(coded.complete())
    by_place: dict[tuple[int, str], list[tuple]] = defaultdict(list)
    for ci, coder in enumerate(coders):
        for s in coded.spans[coder]:
            by_place[s.document, s.layer].append((s.start, s.end, s.label, ci, s))
    state = _State(coded, matches, roles, m, pair_of)
    for (doc, layer), marks in sorted(by_place.items()):
        marks.sort()
        state.begin(doc, layer, doc in complete)
        n, i = len(marks), 0
        while i < n:
            reach, j = marks[i][1], i + 1
            while j < n and marks[j][0] < reach:
                if marks[j][1] > reach:
                    reach = marks[j][1]
                j += 1
            state.cluster(marks[i:j], reach)
            i = j
        state.end()
    marked = {layer: sorted(found) for layer, found in state.marked.items()}
    for layer, labels in marked.items():
        for doc in complete:
            size = coded.lengths[doc]
            if size <= 0:
                continue
            for label in labels:  # a coder who marked none of a label in a document leaves it one gap
                missing = m - state.have_label.get((doc, label), 0)
                if missing:
                    state.labels[label].gaps[size] += missing
            missing = m - state.have_layer.get((doc, layer), 0)
            if missing:
                state.layers[layer].gaps[size] += missing
    ordered = {layer: [found for p in pair_of.values() for found in per_pair[p]] for layer, per_pair in roles.items()}
    return Swept(matches, ordered, state.places, dict(state.labels), dict(state.layers), marked)


class _State:
    """The walk through one document and layer after another."""

    def __init__(self, coded: Coded, matches, roles, m: int, pair_of):
        self.coded, self.matches, self.roles, self.m, self.pair_of = coded, matches, roles, m, pair_of
        self.places: list[Place] = []
        self.labels: dict[str, Unitized] = defaultdict(Unitized)
        self.layers: dict[str, Unitized] = defaultdict(Unitized)
        self.marked: dict[str, set[str]] = defaultdict(set)
        # (complete document, label) and (complete document, layer) -> how many coders have units there
        self.have_label: dict[tuple[int, str], int] = {}
        self.have_layer: dict[tuple[int, str], int] = {}

    def begin(self, doc: int, layer: str, complete: bool) -> None:
        self.doc, self.layer, self.complete = doc, layer, complete
        self.who = self.coded.coded_by[doc]
        self.exact, self.overlap = self.matches[False], self.matches[True]
        self.matched = self.roles[layer]
        self.at: dict[tuple[int, str | None], int] = {}  # (coder, label, or None: any) -> end of their last unit
        if complete:
            self.binary = self.layers[layer]

    def end(self) -> None:
        if not self.complete:
            return
        size = self.coded.lengths[self.doc]
        for (_ci, label), at in self.at.items():
            if label is None:
                into, have, key = self.binary, self.have_layer, (self.doc, self.layer)
            else:
                into, have, key = self.labels[label], self.have_label, (self.doc, label)
            have[key] = have.get(key, 0) + 1
            if size > at:
                into.gaps[size - at] += 1

    def cluster(self, marks: list[tuple], reach: int) -> None:
        label = marks[0][2]
        if len({mark[3] for mark in marks}) == len(marks) and all(mark[2] == label for mark in marks):
            self._one_each(marks, label, reach)
        else:
            self._crowded(marks, reach)

    def _one_each(self, marks: list[tuple], label: str, reach: int) -> None:
        """A cluster of one span per coder, all of one label."""
        doc, coders = self.doc, self.coded.coders
        if len(marks) != len(self.who) or any(mark[:2] != marks[0][:2] for mark in marks):
            shown = {coder: "(nothing)" for coder in self.who}
            for start, end, _label, ci, _span in marks:
                shown[coders[ci]] = f"{label} {start}-{end}"
            self.places.append(Place(doc, self.layer, marks[0][0], reach, shown))
        observed = 0
        if len(marks) > 1:
            key = doc, label
            for first, second in combinations(sorted(marks, key=_coder), 2):
                s1, e1, s2, e2 = first[0], first[1], second[0], second[1]
                pair = self.pair_of[first[3], second[3]]
                if s1 < e2 and s2 < e1:
                    self.overlap[pair][key] += 1
                    self.matched[pair].append((pair[0], pair[1], first[4], second[4]))
                    if s1 == s2 and e1 == e2:
                        self.exact[pair][key] += 1
                    else:
                        observed += (s1 - s2) ** 2 + (e1 - e2) ** 2
                else:
                    observed += (e1 - s1) ** 2 + (e2 - s2) ** 2
        if not self.complete:
            return
        self.marked[self.layer].add(label)
        alone = self.m - len(marks)  # pairs with a coder who marked nothing here: the whole unit misfits
        unitized, binary, at = self.labels[label], self.binary, self.at
        for start, end, _label, ci, _span in marks:
            size = end - start
            observed += alone * size * size
            unitized.lengths[size] += 1
            binary.lengths[size] += 1
            for what, into in ((label, unitized), (None, binary)):
                since = at.get((ci, what), 0)
                if start > since:
                    into.gaps[start - since] += 1
                at[ci, what] = end
        unitized.observed += observed
        binary.observed += observed

    def _crowded(self, marks: list[tuple], reach: int) -> None:
        """Any other cluster, with the math's general code."""
        doc, coders = self.doc, self.coded.coders
        versions: dict[str, list[str]] = {coder: [] for coder in self.who}
        per_coder: dict[int, list[tuple]] = defaultdict(list)
        for mark in marks:
            versions[coders[mark[3]]].append(f"{mark[2]} {mark[0]}-{mark[1]}")
            per_coder[mark[3]].append(mark)
        shown = {coder: "; ".join(found) or "(nothing)" for coder, found in versions.items()}
        if len(set(shown.values())) > 1:
            self.places.append(Place(doc, self.layer, marks[0][0], reach, shown))
        present = sorted(per_coder)
        spans = {ci: sorted((mark[4] for mark in per_coder[ci]), key=_role_order) for ci in present}
        for x, y in combinations(present, 2):
            pair = self.pair_of[x, y]
            self.matched[pair].extend((pair[0], pair[1], a, b) for a, b in overlap_pairs(spans[x], spans[y]))
            for label in {s.label for s in spans[x]} & {s.label for s in spans[y]}:
                a = [s for s in spans[x] if s.label == label]
                b = [s for s in spans[y] if s.label == label]
                key = doc, label
                self.overlap[pair][key] += len(overlap_pairs(a, b))
                common = Counter((s.start, s.end) for s in a) & Counter((s.start, s.end) for s in b)
                self.exact[pair][key] += sum(common.values())
        if self.complete:
            self._unitize(per_coder, present)

    def _unitize(self, per_coder: dict[int, list[tuple]], present: list[int]) -> None:
        at, m = self.at, self.m
        units: dict[str | None, dict[int, list[tuple[int, int]]]] = defaultdict(dict)  # label, or None: any
        for ci in present:
            units[None][ci] = join_units((mark[0], mark[1]) for mark in per_coder[ci])
            by_label: dict[str, list[tuple[int, int]]] = defaultdict(list)
            for mark in per_coder[ci]:
                by_label[mark[2]].append((mark[0], mark[1]))
            for label, found in by_label.items():
                units[label][ci] = join_units(found)
        for what, joined in units.items():
            into = self.binary if what is None else self.labels[what]
            if what is not None:
                self.marked[self.layer].add(what)
            alone = m - len(joined)
            for x, y in combinations(sorted(joined), 2):
                into.observed += pair_misfit(joined[x], joined[y])
            for ci, found in joined.items():
                since = at.get((ci, what), 0)
                for start, end in found:
                    size = end - start
                    into.observed += alone * size * size
                    into.lengths[size] += 1
                    if start > since:
                        into.gaps[start - since] += 1
                    since = end
                at[ci, what] = since


def _coder(mark: tuple) -> int:
    return mark[3]
