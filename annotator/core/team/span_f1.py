"""Pairwise F1 of two coders' spans: the figure readers grasp, beside the chance-corrected u-alpha.

A span of one coder matches at most one span of the other, of the same label on the
same document: with exact boundaries when start and end are equal, with overlapping
boundaries when they share a character. F1 = 2 x matches / (spans of one + spans of
the other), which is symmetric, so it needs no gold side.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from itertools import combinations

from annotator.core.team.results import Agreement, undefined
from annotator.core.team.spans import Span, in_documents


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


def _overlap_pairs(a: list[Span], b: list[Span]) -> list[tuple[Span, Span]]:
    """A largest one-to-one set of overlapping pairs; among candidates, the larger overlap is tried first."""
    edges = []
    for x in a:
        near = [(min(x.end, y.end) - max(x.start, y.start), k) for k, y in enumerate(b)
                if y.start < x.end and x.start < y.end]
        edges.append([k for _, k in sorted(near, key=lambda pair: -pair[0])])
    owner: list[int | None] = [None] * len(b)
    taken: list[int | None] = [None] * len(a)
    for left in range(len(a)):
        _augment(left, edges, owner, taken)
    return [(a[i], b[k]) for i, k in enumerate(taken) if k is not None]


def match_spans(a: Iterable[Span], b: Iterable[Span], *, overlap: bool) -> list[tuple[Span, Span]]:
    """Pairs of one coder's span and the other's that match one to one (same document and label)."""
    if not overlap:
        common = Counter(a) & Counter(b)
        return [(span, span) for span, times in sorted(common.items()) for _ in range(times)]
    groups: dict[tuple, tuple[list[Span], list[Span]]] = defaultdict(lambda: ([], []))
    for side, spans in enumerate((a, b)):
        for span in spans:
            groups[span.document, span.label][side].append(span)
    pairs = []
    for first, second in groups.values():
        if first and second:
            pairs.extend(_overlap_pairs(sorted(first), sorted(second)))
    return pairs


def span_f1(a: Iterable[Span], b: Iterable[Span], documents: Mapping[Hashable, int], *, overlap: bool,
            label: str | None = None) -> Agreement:
    """F1 of two coders' spans on these documents (of one label, or all labels matched label to label)."""
    measure = "f1_overlap" if overlap else "f1_exact"
    a, b = ([s for s in in_documents(spans, documents) if label is None or s.label == label] for spans in (a, b))
    counted = dict(coders=2, documents=len(documents), units=len(a) + len(b))
    if not a and not b:
        what = "any span" if label is None else f"{label!r}"
        return undefined(measure, f"neither coder marked {what} in these documents", **counted)
    matched = len(match_spans(a, b, overlap=overlap))
    return Agreement(measure, 2 * matched / (len(a) + len(b)), **counted)


def pairwise_span_f1(spans_by_coder: Mapping[str, Iterable[Span]], documents: Mapping[Hashable, int], *,
                     overlap: bool, label: str | None = None) -> tuple[Agreement, dict[tuple[str, str], Agreement]]:
    """The mean F1 over every pair of coders (pairs with no spans left out), and each pair's F1."""
    measure = "f1_overlap" if overlap else "f1_exact"
    coders = list(spans_by_coder)
    if len(coders) < 2:
        return undefined(measure, f"needs at least two coders; there {'is' if len(coders) == 1 else 'are'} "
                                  f"{len(coders)}", coders=len(coders), documents=len(documents)), {}
    spans = {c: list(found) for c, found in spans_by_coder.items()}
    pairs = {(x, y): span_f1(spans[x], spans[y], documents, overlap=overlap, label=label)
             for x, y in combinations(coders, 2)}
    values = [f.value for f in pairs.values() if f.value is not None]
    units = sum(len([s for s in in_documents(found, documents) if label is None or s.label == label])
                for found in spans.values())
    counted = dict(coders=len(coders), documents=len(documents), units=units)
    if not values:
        what = "any span" if label is None else f"{label!r}"
        return undefined(measure, f"no coder marked {what} in these documents", **counted), pairs
    return Agreement(measure, sum(values) / len(values), **counted), pairs
