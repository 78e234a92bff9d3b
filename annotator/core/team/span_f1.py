"""Pairwise F1 of two coders' spans: the figure readers grasp, beside the chance-corrected u-alpha.

A span of one coder matches at most one span of the other, of the same label on the
same document: with exact boundaries when start and end are equal, with overlapping
boundaries when they share a character. F1 = 2 x matches / (spans of one + spans of
the other), which is symmetric, so it needs no gold side. With more than two coders,
the figure is the mean over every pair of them that marked something.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from itertools import combinations

from annotator.core.team.results import Agreement, undefined
from annotator.core.team.spans import Span, in_documents

Groups = dict[tuple[Hashable, str], list[Span]]  # (document, label) -> one coder's spans, sorted


def _augment(start: int, edges: list[list[int]], owner: list[int | None], taken: list[int | None]) -> bool:
    """Find an alternating path from left node `start` to a free right node and flip it (Kuhn's step)."""
    parent: dict[int, tuple[int, int | None]] = {}  # right node -> (left node that reached it, previous right)
    frontier, seen = [(start, None)], set()
    while frontier:
        following = []
        for left, came_from in frontier:
            for right in edges[left]:
                if right in seen:
                    continue
                seen.add(right)
                parent[right] = (left, came_from)
                if owner[right] is None:
                    while right is not None:  # flip the path back to start
                        left, previous = parent[right]
                        owner[right], taken[left] = left, right
                        right = previous
                    return True
                following.append((owner[right], right))
        frontier = following
    return False


def _kuhn_pairs(a: list[Span], b: list[Span]) -> list[tuple[Span, Span]]:
    """A largest one-to-one set of overlapping pairs of two sorted lists; larger overlaps are tried first."""
    starts = [y.start for y in b]
    reach, furthest = [], 0  # reach[k]: the furthest end among b[:k + 1]
    for y in b:
        furthest = max(furthest, y.end)
        reach.append(furthest)
    edges, low = [], 0
    for x in a:
        while low < len(b) and reach[low] <= x.start:  # b[:low + 1] all end before x, and before every later x
            low += 1
        near = [(min(x.end, b[k].end) - max(x.start, b[k].start), k)
                for k in range(low, bisect.bisect_left(starts, x.end)) if b[k].end > x.start]
        near.sort(key=lambda pair: -pair[0])
        edges.append([k for _, k in near])
    owner: list[int | None] = [None] * len(b)
    taken: list[int | None] = [None] * len(a)
    for left in range(len(a)):
        if edges[left]:
            _augment(left, edges, owner, taken)
    return [(a[i], b[k]) for i, k in enumerate(taken) if k is not None]


def overlap_pairs(a: list[Span], b: list[Span]) -> list[tuple[Span, Span]]:
    """A largest one-to-one set of overlapping pairs of two sorted lists; larger overlaps are tried first.

    Spans overlap only within a run of the two lists whose marks chain into one stretch, so
    the matching is made run by run: a run with one span of each side is that pair (or none),
    and only the rare crowded run goes to the augmenting-path search. Kuhn's search from a
    span never leaves its run, so this finds the very pairs one search over both lists would.
    """
    if a == b:
        return list(zip(a, b))
    pairs: list[tuple[Span, Span]] = []
    na, nb = len(a), len(b)
    i = j = 0
    run_a: list[Span] = []
    run_b: list[Span] = []
    reach = None
    while i < na or j < nb:
        first = j == nb or (i < na and a[i].start <= b[j].start)
        if first:
            span = a[i]
            i += 1
        else:
            span = b[j]
            j += 1
        if reach is not None and span.start >= reach:
            _run_pairs(run_a, run_b, pairs)
            run_a, run_b, reach = [], [], None
        (run_a if first else run_b).append(span)
        if reach is None or span.end > reach:
            reach = span.end
    _run_pairs(run_a, run_b, pairs)
    return pairs


def _run_pairs(run_a: list[Span], run_b: list[Span], pairs: list[tuple[Span, Span]]) -> None:
    if not run_a or not run_b:
        return
    if len(run_a) == 1 and len(run_b) == 1:
        x, y = run_a[0], run_b[0]
        if x.start < y.end and y.start < x.end:
            pairs.append((x, y))
        return
    pairs.extend(_kuhn_pairs(run_a, run_b))


def _matches(a: list[Span], b: list[Span], overlap: bool) -> list[tuple[Span, Span]]:
    if not overlap:
        common = Counter(a) & Counter(b)
        return [(span, span) for span, times in sorted(common.items()) for _ in range(times)]
    return overlap_pairs(a, b)


def _groups(spans: Iterable[Span]) -> Groups:
    groups: Groups = defaultdict(list)
    for span in spans:
        groups[span.document, span.label].append(span)
    for found in groups.values():
        found.sort()
    return groups


def match_spans(a: Iterable[Span], b: Iterable[Span], *, overlap: bool) -> list[tuple[Span, Span]]:
    """Pairs of one coder's span and the other's that match one to one (same document and label)."""
    first, second = _groups(a), _groups(b)
    pairs = []
    for key in sorted(first.keys() & second.keys(), key=repr):
        pairs.extend(_matches(first[key], second[key], overlap))
    return pairs


def _pair_counts(first: Groups, second: Groups, overlap: bool) -> dict[str, list[int]]:
    """label -> [matches, spans of the first coder, spans of the second]."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for key in first.keys() | second.keys():
        a, b = first.get(key, []), second.get(key, [])
        tally = counts[key[1]]
        tally[1] += len(a)
        tally[2] += len(b)
        if a and b:
            tally[0] += len(_matches(a, b, overlap))
    return counts


def _measure(overlap: bool) -> str:
    return "f1_overlap" if overlap else "f1_exact"


def _f1(measure: str, tallies: list[list[int]], coders: int, documents: int, what: str) -> Agreement:
    """The mean over pairs of coders of 2 x matches / spans, pairs with no spans left out."""
    values = [2 * m / (na + nb) for m, na, nb in tallies if na + nb]
    units = sum(na for _, na, _ in tallies[:1]) + sum(nb for _, _, nb in tallies[:coders - 1])
    counted = dict(coders=coders, documents=documents, units=units)
    if not values:
        who = "neither coder" if coders == 2 else "no coder"
        return undefined(measure, f"{who} marked {what} in these documents", **counted)
    return Agreement(measure, sum(values) / len(values), **counted)


def pairwise_span_f1_by_label(spans_by_coder: Mapping[str, Iterable[Span]], documents: Mapping[Hashable, int], *,
                              overlap: bool, labels: Iterable[str] | None = None
                              ) -> tuple[Agreement, dict[str, Agreement]]:
    """F1 over every label pooled (spans match label to label), and F1 of each label; labels default to those marked."""
    measure = _measure(overlap)
    coders = list(spans_by_coder)
    if len(coders) < 2:
        return undefined(measure, f"needs at least two coders; there {'is' if len(coders) == 1 else 'are'} "
                                  f"{len(coders)}", coders=len(coders), documents=len(documents)), {}
    groups = {coder: _groups(in_documents(spans, documents)) for coder, spans in spans_by_coder.items()}
    # Pairs in order (first, second), (first, third) ...: the tallies of the first pair count the first
    # coder's spans, and every pair with the first its partner's, so each coder's spans count once.
    pairs = [_pair_counts(groups[x], groups[y], overlap) for x, y in combinations(coders, 2)]
    if labels is None:
        labels = sorted({label for coded in groups.values() for _, label in coded})
    per_label = {label: _f1(measure, [pair.get(label, [0, 0, 0]) for pair in pairs], len(coders), len(documents),
                            repr(label)) for label in labels}
    pooled = [[sum(t[i] for t in pair.values()) for i in range(3)] for pair in pairs]
    return _f1(measure, pooled, len(coders), len(documents), "any span"), per_label


def pairwise_span_f1(spans_by_coder: Mapping[str, Iterable[Span]], documents: Mapping[Hashable, int], *,
                     overlap: bool, label: str | None = None) -> Agreement:
    """The mean F1 over every pair of coders: of one label, or of every label pooled."""
    labels = None if label is None else [label]
    pooled, per_label = pairwise_span_f1_by_label(spans_by_coder, documents, overlap=overlap, labels=labels)
    if label is None or not per_label:  # every label, or too few coders to compare any
        return pooled
    return per_label[label]


def span_f1(a: Iterable[Span], b: Iterable[Span], documents: Mapping[Hashable, int], *, overlap: bool,
            label: str | None = None) -> Agreement:
    """F1 of two coders' spans on these documents (of one label, or all labels matched label to label)."""
    return pairwise_span_f1({"first": a, "second": b}, documents, overlap=overlap, label=label)
