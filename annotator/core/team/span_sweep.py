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
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations
from typing import NamedTuple

from annotator.core.team.agreement_data import Coded, CodedSpan
from annotator.core.team.span_f1 import overlap_pairs
from annotator.core.team.unitizing import join_units, pair_misfit

Pair = tuple[str, str]
TICK = 10  # documents swept between two ticks: a big project's Cancel answers within a fraction of a second
Matched = tuple[str, str, CodedSpan, CodedSpan]  # first coder, second coder, their matched spans


@dataclass
class Unitized:
    """What one category's u-alpha is made of over the documents every coder coded."""

    observed: int = 0  # sum over pairs of coders of their misfits
    lengths: Counter = field(default_factory=Counter)  # unit length -> how many units
    gaps: Counter = field(default_factory=Counter)  # gap length -> how many gaps


class Place(NamedTuple):
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


def sweep(coded: Coded, tick: Callable[[int], None] | None = None) -> Swept:
    """Every span tally in one pass; tick(documents swept since the last tick) runs every TICK documents (it may raise)."""
    coders = coded.coders
    m = len(coders)
    pairs = list(combinations(coders, 2))
    complete = set(coded.complete())
    by_place: dict[tuple[int, str], list[tuple]] = defaultdict(list)
    for ci, coder in enumerate(coders):
        for s in coded.spans[coder]:
            by_place[s.document, s.layer].append((s.start, s.end, s.label, ci, s))
    state = _State(coded, m)
    last, swept = None, 0
    for (doc, layer), marks in sorted(by_place.items()):
        if doc != last:
            last, swept = doc, swept + 1
            if tick is not None and swept == TICK:
                tick(swept)
                swept = 0
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
    if tick is not None and swept:
        tick(swept)
    return state.finish(pairs, complete)


class _State:
    """The walk through one document and layer after another; tallies are lists counted at the end."""

    def __init__(self, coded: Coded, m: int):
        self.coded, self.m = coded, m
        self.names = coded.coders
        self.pair = [[x * m + y if x < y else y * m + x for y in range(m)] for x in range(m)]  # coders -> pair key
        # overlapping?/exact -> one (pair key, document, label) per matched pair of spans
        self.hits: dict[bool, list[tuple[int, int, str]]] = {False: [], True: []}
        self.roles: dict[str, dict[int, list[Matched]]] = defaultdict(lambda: defaultdict(list))
        self.places: list[Place] = []
        self.observed: dict[str | tuple[str], int] = defaultdict(int)  # label, or (layer,) for |u-alpha
        self.sizes: dict[str | tuple[str], list[int]] = defaultdict(list)
        self.gaps: dict[str | tuple[str], list[int]] = defaultdict(list)
        self.marked: dict[str, set[str]] = defaultdict(set)
        # (complete document, label or (layer,)) -> how many coders have units there
        self.have: dict[tuple[int, str | tuple[str]], int] = {}

    def begin(self, doc: int, layer: str, complete: bool) -> None:
        self.doc, self.layer, self.complete = doc, layer, complete
        self.binary = (layer,)
        self.who = self.coded.coded_by[doc]
        self.matched = self.roles[layer]
        self.at: dict[tuple[int, str | tuple[str]], int] = {}  # (coder, label or (layer,)) -> end of last unit

    def end(self) -> None:
        if not self.complete:
            return
        size, doc, have, gaps = self.coded.lengths[self.doc], self.doc, self.have, self.gaps
        for (_ci, what), at in self.at.items():
            have[doc, what] = have.get((doc, what), 0) + 1
            if size > at:
                gaps[what].append(size - at)

    def finish(self, pairs: list[Pair], complete: set[int]) -> Swept:
        m, coded = self.m, self.coded
        key_of = {x * m + y: pair for (x, y), pair in zip(combinations(range(m), 2), pairs)}
        matches: dict[bool, dict[Pair, Counter]] = {}
        for overlap in (False, True):
            matches[overlap] = {pair: Counter() for pair in pairs}
            for (key, doc, label), n in Counter(self.hits[overlap]).items():
                matches[overlap][key_of[key]][doc, label] = n
        marked = {layer: sorted(found) for layer, found in self.marked.items()}
        for layer, labels in marked.items():
            for doc in complete:
                size = coded.lengths[doc]
                if size <= 0:
                    continue
                for what in (*labels, (layer,)):  # a coder with no unit of it in a document leaves it one gap
                    missing = m - self.have.get((doc, what), 0)
                    if missing:
                        self.gaps[what].extend([size] * missing)
        parts = {what: Unitized(self.observed[what], Counter(self.sizes[what]), Counter(self.gaps[what]))
                 for what in self.sizes.keys() | self.gaps.keys()}
        roles = {layer: [found for key in key_of for found in per_pair.get(key, ())]
                 for layer, per_pair in self.roles.items()}
        return Swept(matches, roles, self.places, {k: v for k, v in parts.items() if isinstance(k, str)},
                     {k[0]: v for k, v in parts.items() if isinstance(k, tuple)}, marked)

    def cluster(self, marks: list[tuple], reach: int) -> None:
        if len(marks) == 1 or len({mark[3] for mark in marks}) == len(marks):
            self._one_each(marks, reach)
        else:
            self._crowded(marks, reach)

    def _one_each(self, marks: list[tuple], reach: int) -> None:
        """A cluster of one span per coder (of any labels): every pair matches if it overlaps."""
        doc, names = self.doc, self.names
        s0, e0, l0 = marks[0][0], marks[0][1], marks[0][2]
        if len(marks) != len(self.who) or any(e != e0 or s != s0 or label != l0 for s, e, label, _, _ in marks):
            shown = dict.fromkeys(self.who, "(nothing)")
            for start, end, label, ci, _span in marks:
                shown[names[ci]] = f"{label} {start}-{end}"
            self.places.append(Place(doc, self.layer, s0, reach, shown))
        complete = self.complete
        binary = 0
        if len(marks) > 1:
            observed = self.observed
            overlap_hits, exact_hits, matched, pair = self.hits[True], self.hits[False], self.matched, self.pair
            if len(marks) > 2:
                marks = sorted(marks, key=_coder)
            elif marks[0][3] > marks[1][3]:
                marks = [marks[1], marks[0]]
            for a, b in combinations(marks, 2):
                s1, e1, l1, c1, span1 = a
                s2, e2, l2, c2, span2 = b
                key = pair[c1][c2]
                if s1 < e2 and s2 < e1:
                    matched[key].append((names[c1], names[c2], span1, span2))
                    ds, de = s1 - s2, e1 - e2
                    misfit = ds * ds + de * de
                    binary += misfit
                    if l1 == l2:
                        overlap_hits.append((key, doc, l1))
                        if misfit == 0:
                            exact_hits.append((key, doc, l1))
                        elif complete:
                            observed[l1] += misfit
                elif complete:
                    misfit = (e1 - s1) * (e1 - s1) + (e2 - s2) * (e2 - s2)  # neither has the other's unit
                    binary += misfit
                    if l1 == l2:
                        observed[l1] += misfit
        if not complete:
            return
        m, at, sizes, gaps, observed = self.m, self.at, self.sizes, self.gaps, self.observed
        whole = self.binary
        layer_marked = self.marked[self.layer]
        if len(marks) == 1 or all(mark[2] == l0 for mark in marks):
            shared = {l0: len(marks)}
        else:
            shared = Counter(mark[2] for mark in marks)
        for start, end, label, ci, _span in marks:
            size = end - start
            square = size * size
            layer_marked.add(label)
            # Pairs with a coder who has no unit of it here: the whole unit misfits.
            observed[label] += (m - shared[label]) * square
            binary += (m - len(marks)) * square
            sizes[label].append(size)
            sizes[whole].append(size)
            since = at.get((ci, label), 0)
            if start > since:
                gaps[label].append(start - since)
            at[ci, label] = end
            since = at.get((ci, whole), 0)
            if start > since:
                gaps[whole].append(start - since)
            at[ci, whole] = end
        observed[whole] += binary

    def _crowded(self, marks: list[tuple], reach: int) -> None:
        """Any other cluster, with the math's general code."""
        doc, names = self.doc, self.names
        versions: dict[str, list[str]] = {coder: [] for coder in self.who}
        per_coder: dict[int, list[tuple]] = defaultdict(list)
        for mark in marks:
            versions[names[mark[3]]].append(f"{mark[2]} {mark[0]}-{mark[1]}")
            per_coder[mark[3]].append(mark)
        shown = {coder: "; ".join(found) or "(nothing)" for coder, found in versions.items()}
        if len(set(shown.values())) > 1:
            self.places.append(Place(doc, self.layer, marks[0][0], reach, shown))
        present = sorted(per_coder)
        spans = {ci: sorted((mark[4] for mark in per_coder[ci]), key=_role_order) for ci in present}
        for x, y in combinations(present, 2):
            key = self.pair[x][y]
            self.matched[key].extend((names[x], names[y], a, b) for a, b in overlap_pairs(spans[x], spans[y]))
            for label in {s.label for s in spans[x]} & {s.label for s in spans[y]}:
                a = [s for s in spans[x] if s.label == label]
                b = [s for s in spans[y] if s.label == label]
                self.hits[True].extend([(key, doc, label)] * len(overlap_pairs(a, b)))
                common = Counter((s.start, s.end) for s in a) & Counter((s.start, s.end) for s in b)
                self.hits[False].extend([(key, doc, label)] * sum(common.values()))
        if self.complete:
            self._unitize(per_coder, present)

    def _unitize(self, per_coder: dict[int, list[tuple]], present: list[int]) -> None:
        at, m, whole = self.at, self.m, self.binary
        units: dict[str | tuple[str], dict[int, list[tuple[int, int]]]] = defaultdict(dict)
        for ci in present:
            units[whole][ci] = join_units((mark[0], mark[1]) for mark in per_coder[ci])
            by_label: dict[str, list[tuple[int, int]]] = defaultdict(list)
            for mark in per_coder[ci]:
                by_label[mark[2]].append((mark[0], mark[1]))
            for label, found in by_label.items():
                units[label][ci] = join_units(found)
        for what, joined in units.items():
            if what != whole:
                self.marked[self.layer].add(what)
            observed = 0
            alone = m - len(joined)
            for x, y in combinations(sorted(joined), 2):
                observed += pair_misfit(joined[x], joined[y])
            sizes, gaps = self.sizes[what], self.gaps[what]
            for ci, found in joined.items():
                since = at.get((ci, what), 0)
                for start, end in found:
                    size = end - start
                    observed += alone * size * size
                    sizes.append(size)
                    if start > since:
                        gaps.append(start - since)
                    since = end
                at[ci, what] = since
            self.observed[what] += observed


def _coder(mark: tuple) -> int:
    return mark[3]
