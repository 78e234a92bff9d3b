"""The agreement math as it stood before the fast path (issue 14, item 5): a reference to compare against.

A verbatim copy of annotator/core/team/alpha.py, spans.py, unitizing.py and span_f1.py's
matching at the commit before the speed-ups, kept so tests/properties/test_agreement_fast_path.py
can check that the fast path reports exactly what this straightforward code does.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from numbers import Real
from typing import NamedTuple

from annotator.core.team.results import LEVELS, Agreement, undefined

Reliability = Sequence[Sequence[Hashable | None]]


def _pairable(data: Reliability) -> tuple[list[tuple[Counter, int]], int, int]:
    """The value counts of the units with two values or more, each kind once with how many units have it;
    how many such units there are, and how many coders gave their values.

    Units with the same values in the same order share one entry: matched spans are
    hundreds of thousands of two-value units of a few kinds, and one Counter per unit
    made alpha over them cost seconds.
    """
    kinds: dict[tuple, list] = {}
    columns: set[int] = set()
    count = 0
    for row in data:
        present = tuple(v for v in row if v is not None)
        if len(present) >= 2:
            count += 1
            entry = kinds.get(present)
            if entry is None:
                kinds[present] = [Counter(present), 1]
            else:
                entry[1] += 1
            if len(columns) < len(row):
                columns.update(i for i, v in enumerate(row) if v is not None)
    return [(counts, times) for counts, times in kinds.values()], count, len(columns)


def _alpha_shortfall(measure: str, data: Reliability, units: list, coders: int, *,
               level: str | None = None, documents: int | None = None) -> Agreement | None:
    """Why nothing can be computed from these data, or None when something can."""
    width = max((len(row) for row in data), default=0)
    if width < 2:
        return undefined(measure, f"needs at least two coders; there {'is' if width == 1 else 'are'} {width}",
                         coders=width, documents=documents or 0, level=level)
    if not units:
        return undefined(measure, "no unit was coded by two coders", coders=coders,
                         documents=documents or 0, level=level)
    return None


def _check_values(values: list, level: str, order: Sequence | None) -> list:
    """The values in their order (ordinal, interval, ratio), or a ValueError naming what does not fit."""
    if level not in LEVELS:
        raise ValueError(f"unknown level of measurement {level!r}; one of {', '.join(LEVELS)}")
    if level in ("interval", "ratio"):
        wrong = [v for v in values if isinstance(v, bool) or not isinstance(v, Real)]
        if wrong:
            raise ValueError(f"{level} data must be numbers; got {wrong[0]!r}")
        return sorted(values)
    if level == "ordinal":
        if order is None:
            try:
                return sorted(values)
            except TypeError:
                raise ValueError("ordinal values that are not numbers need their order given") from None
        known = set(order)
        missing = [v for v in values if v not in known]
        if missing:
            raise ValueError(f"the value {missing[0]!r} is not among the ordered choices")
        present = set(values)
        return [v for v in order if v in present]
    return list(values)


def _coincidences(units: list[tuple[Counter, int]]) -> dict[tuple, float]:
    o: dict[tuple, float] = defaultdict(float)
    for counts, times in units:
        m = sum(counts.values())
        for c, nc in counts.items():
            for k, nk in counts.items():
                pairs = nc * (nk - 1) if c == k else nc * nk
                if pairs:
                    o[c, k] += times * pairs / (m - 1)
    return o


def _metric(level: str, ordered: list, n: dict) -> Callable[[object, object], float]:
    """delta squared between two values at this level (Krippendorff 2011, section C)."""
    if level == "nominal":
        return lambda c, k: 0.0 if c == k else 1.0
    if level == "interval":
        return lambda c, k: float(c - k) ** 2
    if level == "ratio":
        return lambda c, k: 0.0 if c + k == 0 else ((c - k) / (c + k)) ** 2
    rank = {v: i for i, v in enumerate(ordered)}
    below = [0.0]
    for v in ordered:
        below.append(below[-1] + n.get(v, 0.0))

    def ordinal(c, k):
        i, j = sorted((rank[c], rank[k]))
        return (below[j + 1] - below[i] - (n.get(c, 0.0) + n.get(k, 0.0)) / 2) ** 2

    return ordinal


def _expected_sum(level: str, n: dict, delta) -> float:
    """sum over value pairs c, k of n_c n_k delta^2(c, k)."""
    total = math.fsum(n.values())
    if level == "nominal":
        return total * total - math.fsum(x * x for x in n.values())
    if level == "interval":
        # Centred, so large values with a small spread keep their digits.
        mean = math.fsum(c * x for c, x in n.items()) / total
        return 2 * total * math.fsum(x * (c - mean) ** 2 for c, x in n.items())
    items = list(n.items())
    return math.fsum(xc * xk * delta(c, k) for c, xc in items for k, xk in items)


def krippendorff_alpha(data: Reliability, level: str = "nominal", *, order: Sequence | None = None,
                       documents: int | None = None) -> Agreement:
    """Krippendorff's alpha of units x coders data at a level of measurement.

    level: nominal, ordinal, interval or ratio. Ordinal values keep `order` when it is
    given (a choice list, first to last), else their natural order (ranks). documents:
    how many documents the units come from, when that is not one per unit.
    """
    units, count, coders = _pairable(data)
    ordered = _check_values(list(dict.fromkeys(v for row in data for v in row if v is not None)), level, order)
    short = _alpha_shortfall("alpha", data, units, coders, level=level, documents=documents)
    if short is not None:
        return short
    counted = dict(documents=count if documents is None else documents, units=count)
    o = _coincidences(units)
    n: dict = defaultdict(float)
    for (c, _k), x in o.items():
        n[c] += x
    delta = _metric(level, ordered, n)
    expected = _expected_sum(level, n, delta)
    if expected == 0:
        return undefined("alpha", f"every value is the same ({next(iter(n))!r}): agreement cannot be told from chance",
                         coders=coders, level=level, **counted)
    total = math.fsum(n.values())
    observed = math.fsum(x * delta(c, k) for (c, k), x in o.items())
    d_o, d_e = observed / total, expected / (total * (total - 1))
    return Agreement("alpha", 1 - d_o / d_e, coders, level=level, observed=d_o, expected=d_e, **counted)


def percent_agreement(data: Reliability, *, documents: int | None = None) -> Agreement:
    """The share (0 to 1) of pairs of values given to the same unit that are equal.

    Every pair of coders who both coded a unit counts once, over all units with two
    values or more; for two coders this is the share of units they coded alike.
    """
    units, count, coders = _pairable(data)
    short = _alpha_shortfall("percent", data, units, coders, documents=documents)
    if short is not None:
        return short
    same = sum(times * x * (x - 1) for counts, times in units for x in counts.values())
    pairs = sum(times * m * (m - 1) for m, times in ((sum(counts.values()), times) for counts, times in units))
    return Agreement("percent", same / pairs, coders, count if documents is None else documents, count)




class Span(NamedTuple):
    """A tuple, so a thousand documents' spans hash, sort and compare at C speed."""

    document: Hashable
    start: int
    end: int
    label: str


def in_documents(spans: Iterable[Span], documents: Mapping[Hashable, int]) -> list[Span]:
    """The spans on the compared documents, each checked to lie within its document.

    Spans of other documents are left out (a caller may pass a coder's every span and
    the documents compared); an empty span has no extent to agree on and is left out too.
    """
    kept = []
    for span in spans:
        length = documents.get(span.document)
        if length is None:
            continue
        if not 0 <= span.start <= span.end <= length:
            raise ValueError(f"span {span.start}-{span.end} ({span.label}) lies outside document "
                             f"{span.document!r} of {length} characters")
        if span.end > span.start:
            kept.append(span)
    return kept




Units = dict[Hashable, list[tuple[int, int]]]  # document -> a coder's disjoint (start, end), sorted


def _join(marks: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    joined: list[tuple[int, int]] = []
    for start, end in sorted(marks):
        if joined and start < joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return joined


def _units(spans: Iterable[Span]) -> Units:
    """One coder's units per document, overlapping marks joined."""
    marks: dict[Hashable, list[tuple[int, int]]] = defaultdict(list)
    for span in spans:
        marks[span.document].append((span.start, span.end))
    return {document: _join(found) for document, found in marks.items()}


def _by_label(spans: Iterable[Span]) -> dict[str, list[Span]]:
    found: dict[str, list[Span]] = defaultdict(list)
    for span in spans:
        found[span.label].append(span)
    return found


def _pair_misfit(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    """Sum of delta^2 between two coders' units on one document (both directions of a pair once)."""
    total = 0
    matched_a, matched_b = [False] * len(a), [False] * len(b)
    j = 0
    for i, (s1, e1) in enumerate(a):
        while j < len(b) and b[j][1] <= s1:
            j += 1
        k = j
        while k < len(b) and b[k][0] < e1:
            s2, e2 = b[k]
            total += (s1 - s2) ** 2 + (e1 - e2) ** 2
            matched_a[i] = matched_b[k] = True
            k += 1
    total += sum((e - s) ** 2 for (s, e), hit in zip(a, matched_a) if not hit)
    total += sum((e - s) ** 2 for (s, e), hit in zip(b, matched_b) if not hit)
    return total


def _gaps(units: list[tuple[int, int]], length: int) -> list[int]:
    gaps, at = [], 0
    for start, end in units:
        if start > at:
            gaps.append(start - at)
        at = end
    if length > at:
        gaps.append(length - at)
    return gaps


def _disagreements(coded: list[Units], documents: Mapping[Hashable, int]) -> tuple[float, float, int]:
    """D_o and D_e of one category for these coders' units, and how many units there are."""
    m, length = len(coded), sum(documents.values())
    observed = 0
    for x in range(m):
        for y in range(x + 1, m):
            for document in documents:
                observed += _pair_misfit(coded[x].get(document, []), coded[y].get(document, []))
    d_o = 2 * observed / (m * (m - 1) * length * length)
    lengths = [end - start for units in coded for found in units.values() for start, end in found]
    gaps = sorted(g for units in coded for document, size in documents.items()
                  for g in _gaps(units.get(document, []), size))
    above = [0]  # above[i]: sum of gaps[i:]
    for g in reversed(gaps):
        above.append(above[-1] + g)
    above.reverse()
    n_c = len(lengths)
    chance = 0
    for span in lengths:
        # Places a unit of this length fits in some coder's gap: sum over gaps >= span of (gap - span + 1).
        first = bisect.bisect_left(gaps, span)
        fits = above[first] - (span - 1) * (len(gaps) - first)
        chance += (n_c - 1) * (2 * span ** 3 - 3 * span ** 2 + span) // 3 + span * span * fits
    pairs = m * length * (m * length - 1) - sum(s * (s - 1) for s in lengths)
    d_e = 2 * chance / (length * pairs) if pairs else 0.0
    return d_o, d_e, n_c


def _prepared(spans_by_coder: Mapping[str, Iterable[Span]], documents: Mapping[Hashable, int]) -> dict[str, list[Span]]:
    return {coder: in_documents(spans, documents) for coder, spans in spans_by_coder.items()}


def _u_shortfall(measure: str, coders: int, documents: Mapping[Hashable, int]) -> Agreement | None:
    if coders < 2:
        return undefined(measure, f"needs at least two coders; there {'is' if coders == 1 else 'are'} {coders}",
                         coders=coders, documents=len(documents))
    if not documents or sum(documents.values()) == 0:
        return undefined(measure, "no document with text was coded by these coders", coders=coders)
    return None


def _figure(measure: str, d_o: float, d_e: float, n_c: int, coders: int, documents: int, what: str) -> Agreement:
    counted = dict(coders=coders, documents=documents, units=n_c)
    if n_c == 0:
        return undefined(measure, f"no coder marked {what} in these documents", **counted)
    if d_e == 0:
        return undefined(measure, f"{what} leaves no room for chance placements: agreement cannot be told "
                                  "from chance", **counted)
    return Agreement(measure, 1 - d_o / d_e, observed=d_o, expected=d_e, **counted)


def layer_unitizing_alpha(spans_by_coder: Mapping[str, Iterable[Span]], documents: Mapping[Hashable, int],
                          labels: Iterable[str] | None = None) -> tuple[Agreement, dict[str, Agreement]]:
    """u-alpha of a layer (its labels pooled) and of each label; labels default to those marked."""
    short = _u_shortfall("u_alpha", len(spans_by_coder), documents)
    if short is not None:
        return short, {}
    grouped = [_by_label(found) for found in _prepared(spans_by_coder, documents).values()]
    if labels is None:
        labels = sorted({label for coded in grouped for label in coded})
    per_label, sum_o, sum_e, n = {}, 0.0, 0.0, 0
    for label in labels:
        d_o, d_e, n_c = _disagreements([_units(coded.get(label, ())) for coded in grouped], documents)
        per_label[label] = _figure("u_alpha", d_o, d_e, n_c, len(grouped), len(documents), f"{label!r}")
        sum_o, sum_e, n = sum_o + d_o, sum_e + d_e, n + n_c
    return _figure("u_alpha", sum_o, sum_e, n, len(grouped), len(documents), "any of these labels"), per_label


def binary_unitizing_alpha(spans_by_coder: Mapping[str, Iterable[Span]],
                           documents: Mapping[Hashable, int]) -> Agreement:
    """|u-alpha: agreement on where units are, whatever their label."""
    short = _u_shortfall("binary_u_alpha", len(spans_by_coder), documents)
    if short is not None:
        return short
    coded = [_units(found) for found in _prepared(spans_by_coder, documents).values()]
    return _figure("binary_u_alpha", *_disagreements(coded, documents), len(coded), len(documents), "any span")




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


def _overlap_pairs(a: list[Span], b: list[Span]) -> list[tuple[Span, Span]]:
    """A largest one-to-one set of overlapping pairs of two sorted lists; larger overlaps are tried first."""
    if a == b:
        return list(zip(a, b))
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


def _matches(a: list[Span], b: list[Span], overlap: bool) -> list[tuple[Span, Span]]:
    if not overlap:
        common = Counter(a) & Counter(b)
        return [(span, span) for span, times in sorted(common.items()) for _ in range(times)]
    return _overlap_pairs(a, b)


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
